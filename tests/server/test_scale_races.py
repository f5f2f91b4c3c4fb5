"""Races on one document (requirements §5.3; "no number used twice, nothing half-registered"):
the same document issued by 8 clerks' requests at once, sent by 8 at once, and one delivery
accepted by 8 at once. Exactly one request wins each race with 200; the others are told
409 (it was done meanwhile), never a 500; the register has one entry, the series counter and
the incoming register took one number, and the next document gets the next number.
kysod reaches SoftHSM2 through the counting module (tests/unit/token/p11_count.c): all those
seals load the module and log in to the seal's token once (the node keeps its session).
Usage: test_scale_races.py sqlite|pg"""
import os
import shutil
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import BUILD, Kysod, PgCluster, tiny_pdf  # noqa: E402
from scale_lib import (V, Db, login, make_pki, personal_signed, setup_agencies,  # noqa: E402
                       signed_documents, softhsm)

fails = checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


def race(port, who, path, body, n=8):
    """n requests at once, each with its own session; [(status, json)]."""
    sessions = [login(port, who) for _ in range(n)]
    gate = threading.Barrier(n)
    out = []
    lock = threading.Lock()

    def one(c):
        gate.wait()
        st, j, _ = c.req("POST", path, body)
        with lock:
            out.append((st, j))
    ts = [threading.Thread(target=one, args=(c,)) for c in sessions]
    [t.start() for t in ts]
    [t.join() for t in ts]
    return out


def won_once(res, what):
    wins = [j for st, j in res if st == 200]
    others = sorted({(st, j.get("error", {}).get("code") if isinstance(j, dict) else None)
                     for st, j in res if st != 200})
    print(f"  {what}: others {others}")
    check(len(wins) == 1 and all(st == 409 for st, _ in others),
          f"{what}: one 200, the others 409: {len(wins)} won, others {others}")
    return wins[0] if wins else {}


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    w = tempfile.mkdtemp(prefix="kysod-races-", dir=BUILD)
    mod = softhsm(w)
    pems = make_pki(w, mod, [("seal0", "Ủy ban nhân dân thành phố Hải Phòng")])
    pg = None
    if backend == "pg":
        pg = PgCluster()
        db = pg.fresh_db("kysod_races")
    else:
        db = "sqlite:" + w + "/kysod.db"
    count = os.path.join(BUILD, "tests", "kyso_p11_count.so")
    if not os.path.exists(count):
        raise SystemExit("FAIL: build/tests/kyso_p11_count.so not built")
    os.environ.update(KYSO_COUNT_REAL=mod, KYSO_COUNT_FILE=w + "/p11-calls")
    k = Kysod(db, w + "/k", f"blob_dir = {w}/blobs\ntrust_anchors = {w}/ca.pem\npkcs11_module = {count}\npkcs11_pin_dir = {w}/pins\n"
              f"images_dir = {w}/img\nthreads = 4\ndb_pool = 8\n")
    try:
        org = setup_agencies(k, w, pems, [("G02", "Ủy ban nhân dân thành phố Hải Phòng", "seal0")],
                             [("G02.01.01", "Ủy ban nhân dân phường Hồng Bàng")])
        dbh = Db(db, pg)
        docs = signed_documents(k, dbh, "drafter0", org["agency"][0], org["drafter_id"][0],
                                personal_signed(w, tiny_pdf("Quyet dinh")), ["QĐ"], 2)["QĐ"]
        body = {"symbol": "QĐ-UBND", "series": "QĐ"}
        d = won_once(race(k.port, "clerk0", V + f"/documents/{docs[0]}/issue", body), "issue")
        check(d.get("number") == 1, f"the winner got 01: {d.get('number')}")
        reg = dbh.q("SELECT number FROM reg_outgoing")
        last = dbh.q("SELECT last_number FROM reg_series WHERE register = 'outgoing'")
        vers = dbh.q(f"SELECT kind FROM doc_versions WHERE document_id = {docs[0]} ORDER BY seq")
        check(reg == [("1",)] and last == [("1",)] and [v[0] for v in vers] == ["signed", "sealed"],
              f"one register entry, one number taken, one sealed version: {reg} {last} {vers}")
        c = login(k.port, "clerk0")
        st, d2, _ = c.req("POST", V + f"/documents/{docs[1]}/issue", body)
        check(st == 200 and d2.get("number") == 2, f"the next document gets 02: {st} {d2.get('number')}")

        won_once(race(k.port, "clerk0", V + f"/documents/{docs[0]}/send", {"to": ["G02.01.01"]}), "send")
        n = dbh.q(f"SELECT COUNT(*) FROM deliveries WHERE document_id = {docs[0]}")
        check(n == [("1",)], f"one delivery: {n}")
        st, inbox, _ = login(k.port, "rclerk0").req("GET", V + "/deliveries?state=received")
        dl = inbox["items"][0]["id"] if inbox.get("items") else 0
        won_once(race(k.port, "rclerk0", V + f"/deliveries/{dl}/accept", {}), "accept")
        inreg = dbh.q("SELECT number FROM reg_incoming")
        check(inreg == [("1",)], f"one incoming register entry, number 1: {inreg}")
        calls = open(w + "/p11-calls").read().split() if os.path.exists(w + "/p11-calls") else []
        check(calls.count("C_Login") == 1 and calls.count("C_Initialize") == 1,
              f"one module load and one login for every seal of the node: {sorted(set(calls))},"
              f" {calls.count('C_Initialize')} loads, {calls.count('C_Login')} logins")
    finally:
        rc = k.stop()
        check(rc == 0, f"kysod exits cleanly: {rc}; log {w}/k/kysod.log")
        if pg:
            pg.stop()
    print(f"races ({backend}): {checks - fails} passed, {fails} failed")
    if fails:
        print("work dir:", w)
    else:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


main()
