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
# and a real second kysod ("ward-srv", the ward H24.6 on its own server and database) that
# receives the walk's decision as an edXML package and whose clerk registers it in the UI
b_key, port_b = os.urandom(32).hex(), kysod_lib.free_port()
with open(fed_dir + "/peers", "w") as f:
    f.write(f"self hp-city\npeer other-srv http://127.0.0.1:{kysod_lib.free_port()} {fed_key}\nroute H99* other-srv\n"
            f"peer ward-srv http://127.0.0.1:{port_b} {b_key}\nroute H24.6 ward-srv\n")
os.chmod(fed_dir + "/peers", 0o600)
b = pg_b = None
city = wf_city.City(backend, prefix=f"web-wf-{backend}-",
                    extra=f"web_root = {ROOT}/web/dist\nsecure_cookies = false\nfed_peers = {fed_dir}/peers\n")
status = 1
try:
    # server B: its own database, the city's trust anchors, peers file naming A
    with open(fed_dir + "/peers-b", "w") as f:
        f.write(f"self ward-srv\npeer hp-city http://127.0.0.1:{city.port} {b_key}\nroute G02* hp-city\n")
    os.chmod(fed_dir + "/peers-b", 0o600)
    keep = [ln for ln in open(city.k.conf).read().splitlines() if ln.split(" ")[0] in ("pkcs11_module", "trust_anchors")]
    extra_b = (f"listen = 127.0.0.1:{port_b}\nblob_dir = {fed_dir}/blobs-b\nfed_peers = {fed_dir}/peers-b\n"
               f"web_root = {ROOT}/web/dist\nsecure_cookies = false\nmax_body_kb = 4096\n" + "\n".join(keep) + "\n")
    if backend == "postgresql":
        pg_b = kysod_lib.PgCluster()
        db_b = pg_b.fresh_db("kysod_web_b")
    else:
        db_b = f"sqlite:{fed_dir}/b.db"
    os.makedirs(fed_dir + "/b", exist_ok=True)
    with open(fed_dir + "/b/kysod.conf", "w") as f:
        f.write(f"database = {db_b}\nthreads = 2\ndb_pool = 4\npwhash_opslimit = 1\npwhash_memlimit_kb = 8192\n" + extra_b)
    subprocess.run([kysod_lib.KYSOD, "--config", fed_dir + "/b/kysod.conf", "--init-admin", "admin", "--agency-name",
                    "Ủy ban nhân dân thành phố (máy chủ B)", "--agency-code", "H24"],
                   env=dict(os.environ, KYSOD_ADMIN_PASSWORD=kysod_lib.ADMIN_PW), check=True, capture_output=True)
    b = kysod_lib.Kysod(db_b, fed_dir + "/b", extra_b, init=False)
    badm = kysod_lib.Client(b.port)
    badm.sign_in("admin", kysod_lib.ADMIN_PW)
    st, me, _ = badm.req("GET", wf_city.V + "/me")
    broot = me.get("agency_id") or me.get("user", {}).get("agency_id")
    st, ward, _ = badm.req("POST", wf_city.V + "/agencies", {"name": "Ủy ban nhân dân phường Ngô Quyền", "kind": "ward",
                                                             "code": "H24.6", "parent_id": broot})
    assert st == 201, ward
    b_users = {}
    for login_, name_, role in [("vanthu.nq", "Đỗ Thị Hạnh", "clerk"), ("chuyenvien.nq", "Lý Văn Bình", "drafter")]:
        b_users[login_] = "pw-" + login_ + "-0123"
        st, u, _ = badm.req("POST", wf_city.V + "/users", {"login": login_, "full_name": name_, "title": "Công chức",
                                                          "agency_id": ward["id"], "password": b_users[login_]})
        assert st == 201, u
        badm.req("POST", wf_city.V + "/role-assignments", {"user_id": u["id"], "agency_id": ward["id"], "role": role})
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
    open(city.work + "/users.json", "w").write(json.dumps({**users, **b_users}))
    screens = os.path.join(BUILD, "web-screens", backend)
    os.makedirs(screens, exist_ok=True)
    for f in os.listdir(screens):
        if f.startswith("wf-"):
            os.unlink(os.path.join(screens, f))
    env = dict(os.environ, KYSO_URL=f"http://127.0.0.1:{city.port}", KYSO_BACKEND=backend,
               KYSO_WF_USERS=city.work + "/users.json", KYSO_WF_FLAWED=str(d["id"]), KYSO_WF_PDF=city.pdf, KYSO_WF_CA=city.ca,
               KYSO_WF_WORK=city.work, KYSO_WF_FEDKEY=fed_key, KYSO_WF_B_URL=f"http://127.0.0.1:{b.port}", KYSO_SCREENS=screens, KYSO_BUILD=BUILD)
    status = subprocess.run(["node", "--test", "--test-concurrency=1",
                             os.path.join(ROOT, "tests/web/workflow.test.mjs")], env=env).returncode
    if status != 0:
        with open(os.path.join(city.work, "k", "kysod.log"), errors="replace") as f:
            print("--- kysod log (last 30 lines)\n" + "".join(f.readlines()[-30:]))
    print("screenshots:", screens)
finally:
    if b:
        b.stop()
    if pg_b:
        pg_b.stop()
    if status == 0:
        import shutil
        shutil.rmtree(fed_dir, ignore_errors=True)
    rc = city.stop(keep=status != 0)
    if rc != 0:
        print(f"kysod exited with {rc} (sanitizers?)")
        status = status or 1
sys.exit(status)
