"""Runs the document workflow walk (tests/web/workflow.test.mjs) against a real kysod: the city of
tests/server/wf_city.py (SoftHSM2 keys for the vice-chair and the seal, two wards, one person per
step) on SQLite or a throw-away PostgreSQL cluster, kysod serving web/dist. Screenshots go to
build/web-screens/<backend>/wf-*.png. Usage: run_workflow.py sqlite|postgresql"""
import json
import os
import subprocess
import sys

ROOT = os.environ.get("KYSO_SOURCE") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
BUILD = os.environ.get("KYSO_BUILD") or os.path.join(ROOT, "build")
sys.path.insert(0, os.path.join(ROOT, "tests/server"))
import wf_city  # noqa: E402

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
if backend not in ("sqlite", "postgresql"):
    raise SystemExit(f"run_workflow: unknown backend {backend}")
# Another kysod ("other-srv", serving codes H99*) that sends this city edXML packages: the walk
# posts one signed with the shared key, as that peer would; its status replies stay queued.
import tempfile  # noqa: E402
import kysod_lib  # noqa: E402
fed_dir = tempfile.mkdtemp(prefix="web-fed-", dir=BUILD)
fed_key = os.urandom(32).hex()
with open(fed_dir + "/peers", "w") as f:
    f.write(f"self hp-city\npeer other-srv http://127.0.0.1:{kysod_lib.free_port()} {fed_key}\nroute H99* other-srv\n")
os.chmod(fed_dir + "/peers", 0o600)
city = wf_city.City(backend, prefix=f"web-wf-{backend}-",
                    extra=f"web_root = {ROOT}/web/dist\nsecure_cookies = false\nfed_peers = {fed_dir}/peers\n")
status = 1
try:
    users = {login: wf_city.password(login) for login in city.users}
    # A second decision with margins too narrow, already at the format check (set up through
    # the API: the walk clicks through the first one): the checker sees its findings outlined.
    from urllib.parse import urlencode
    drafter, head = city.client("chuyenvien"), city.client("chanhvp")
    q = urlencode({"doc_type": "Quyết định", "summary": "Quyết định có lề chưa đúng thể thức", "series": "QĐ"})
    st, d, _ = drafter.req("POST", wf_city.V + "/documents?" + q, raw=open(city.work + "/pdf/qd-margins.pdf", "rb").read(),
                           ctype="application/pdf")
    assert st == 201, d
    drafter.req("POST", wf_city.V + f"/documents/{d['id']}/submit", {})
    st, j, _ = head.req("POST", wf_city.V + f"/documents/{d['id']}/review", {"decision": "approve"})
    assert st == 200 and j["state"] == "format_check", j
    open(city.work + "/users.json", "w").write(json.dumps(users))
    screens = os.path.join(BUILD, "web-screens", backend)
    os.makedirs(screens, exist_ok=True)
    for f in os.listdir(screens):
        if f.startswith("wf-"):
            os.unlink(os.path.join(screens, f))
    env = dict(os.environ, KYSO_URL=f"http://127.0.0.1:{city.port}", KYSO_BACKEND=backend,
               KYSO_WF_USERS=city.work + "/users.json", KYSO_WF_FLAWED=str(d["id"]), KYSO_WF_PDF=city.pdf, KYSO_WF_CA=city.ca,
               KYSO_WF_WORK=city.work, KYSO_WF_FEDKEY=fed_key, KYSO_SCREENS=screens, KYSO_BUILD=BUILD)
    status = subprocess.run(["node", "--test", "--test-concurrency=1",
                             os.path.join(ROOT, "tests/web/workflow.test.mjs")], env=env).returncode
    if status != 0:
        with open(os.path.join(city.work, "k", "kysod.log"), errors="replace") as f:
            print("--- kysod log (last 30 lines)\n" + "".join(f.readlines()[-30:]))
    print("screenshots:", screens)
finally:
    rc = city.stop(keep=status != 0)
    if rc != 0:
        print(f"kysod exited with {rc} (sanitizers?)")
        status = status or 1
sys.exit(status)
