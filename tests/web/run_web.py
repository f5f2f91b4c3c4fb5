"""Runs the Playwright suite (tests/web/ui.test.mjs) against a real kysod: the server tests' own
helpers start it (tests/server/kysod_lib.py: a throw-away PostgreSQL cluster when asked, kysod on
an ephemeral loopback port), scripts/demo_city.py fills the sample city through the API, and
kysod serves web/dist. Usage: run_web.py sqlite|postgresql"""
import os
import subprocess
import sys
import tempfile

ROOT = os.environ.get("KYSO_SOURCE") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
BUILD = os.environ.get("KYSO_BUILD") or os.path.join(ROOT, "build")
sys.path.insert(0, os.path.join(ROOT, "tests/server"))
import kysod_lib  # noqa: E402

backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
work = tempfile.mkdtemp(prefix=f"web-{backend}-", dir=BUILD)
pg = None
kysod = None
status = 1
try:
    if backend == "postgresql":
        pg = kysod_lib.PgCluster()
        db = pg.fresh_db("kyso_web")
    elif backend == "sqlite":
        db = f"sqlite:{work}/kysod.db"
    else:
        raise SystemExit(f"run_web: unknown backend {backend}")
    kysod = kysod_lib.Kysod(db, work, extra=f"web_root = {ROOT}/web/dist\nsecure_cookies = false\n")
    passwords = os.path.join(work, "passwords.tsv")
    subprocess.run([sys.executable, os.path.join(ROOT, "scripts/demo_city.py"), str(kysod.port), passwords],
                   env=dict(os.environ, KYSOD_ADMIN_PASSWORD=kysod_lib.ADMIN_PW), check=True,
                   stdout=subprocess.DEVNULL)
    screens = os.path.join(BUILD, "web-screens", backend)
    subprocess.run(["rm", "-rf", screens])  # no picture of an earlier run stays behind
    env = dict(os.environ, KYSO_URL=f"http://127.0.0.1:{kysod.port}", KYSO_BACKEND=backend,
               KYSO_WEB_PASSWORDS=passwords, KYSO_SCREENS=screens)
    status = subprocess.run(["node", "--test", "--test-concurrency=1",
                             os.path.join(ROOT, "tests/web/ui.test.mjs")], env=env).returncode
    if status != 0:
        with open(os.path.join(work, "kysod.log"), errors="replace") as f:
            print("--- kysod log (last 30 lines)\n" + "".join(f.readlines()[-30:]))
    print("screenshots:", env["KYSO_SCREENS"])
finally:
    if kysod:
        kysod.stop()
    if pg:
        pg.stop()
    subprocess.run(["rm", "-rf", work])
sys.exit(status)
