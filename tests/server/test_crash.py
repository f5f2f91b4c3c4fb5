"""kill -9 of kysod in the middle of writes: after a restart the database is consistent (SQLite
integrity_check), the audit chain verifies, and every row has the audit entry of its creation
and no entry names a row that is absent (a change and its entry commit together or not at all).
argv[1]: sqlite | pg."""
import os
import random
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import ADMIN_PW, Client, Kysod, PgCluster  # noqa: E402

V = "/api/v1"
fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


def writer(port, stop, agency, n):
    c = Client(port)
    try:
        if c.sign_in("admin", ADMIN_PW)[0] != 200:
            return
    except OSError:
        return
    i = 0
    while not stop.is_set():
        i += 1
        try:
            c.req("POST", V + f"/agencies/{agency}/units", {"name": f"u{n}-{i}"})
            c.req("PATCH", V + f"/agencies/{agency}", {"address": f"addr {n}-{i}"})
        except OSError:
            return


def all_pages(c, url):
    out, off = [], 0
    while True:
        st, j, _ = c.req("GET", url + ("&" if "?" in url else "?") + f"limit=500&offset={off}")
        assert st == 200, j
        out += j["items"]
        off += 500
        if off >= j["total"]:
            return out


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    work = tempfile.mkdtemp(prefix="kysod-crash-")
    pg = None
    if backend == "pg":
        pg = PgCluster()
        db = pg.fresh_db("kysod_crash")
    else:
        db = "sqlite:" + work + "/k.db"
    k = Kysod(db, work)
    try:
        for rnd in range(3):
            stop = threading.Event()
            ts = [threading.Thread(target=writer, args=(k.port, stop, k.root, n)) for n in range(4)]
            for t in ts:
                t.start()
            time.sleep(0.5 + random.random())
            k.kill9()
            stop.set()
            for t in ts:
                t.join()
            if backend == "sqlite":
                r = subprocess.run(["sqlite3", work + "/k.db", "PRAGMA integrity_check;"],
                                   capture_output=True, text=True)
                check(r.stdout.strip() == "ok", f"round {rnd}: integrity_check: {r.stdout} {r.stderr}")
            k.start()
            c = Client(k.port)
            c.sign_in("admin", ADMIN_PW)
            st, v, _ = c.req("GET", V + "/audit/verify")
            check(st == 200 and v["ok"], f"round {rnd}: chain verifies after kill -9: {v}")
            units = all_pages(c, V + f"/agencies/{k.root}/units")
            audit = all_pages(c, V + "/audit?action=unit.create")
            made = {e["object"] for e in audit}
            have = {"unit/%d" % u["id"] for u in units}
            check(have == made, f"round {rnd}: {len(have)} units, {len(made)} unit.create entries")
            st, ag, _ = c.req("GET", V + f"/agencies/{k.root}")
            upd = all_pages(c, V + "/audit?action=agency.update")
            check(ag["version"] == 1 + len(upd), f"round {rnd}: version {ag['version']} = 1 + {len(upd)} updates")
            check(len(have) > 0, f"round {rnd}: writes happened")
    finally:
        k.stop()
        if pg:
            pg.stop()
    print(f"{backend}: {checks - fails} passed, {fails} failed")
    sys.exit(1 if fails or not checks else 0)


if __name__ == "__main__":
    main()
