"""Register numbers at the year boundary in Asia/Ho_Chi_Minh (requirements §5.3): with kysod's
clock stopped at 31/12 23:59:59 +07:00 (16:59:59 UTC) documents get that year's next numbers and
date; at 1/1 00:00:00 +07:00 (17:00:00 UTC) the next year's series starts at 01, while the old
year's register is untouched. The test clock is refused without KYSOD_TEST_CLOCK=1.
Usage: test_scale_year.py sqlite|pg"""
import calendar
import datetime
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import BUILD, KYSOD, Kysod, PgCluster, tiny_pdf  # noqa: E402
from scale_lib import (V, Db, login, make_pki, personal_signed, setup_agencies,  # noqa: E402
                       signed_documents, softhsm)

fails = checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    w = tempfile.mkdtemp(prefix="kysod-year-", dir=BUILD)
    mod = softhsm(w)
    pems = make_pki(w, mod, [("seal0", "Ủy ban nhân dân thành phố Hải Phòng")])
    year = datetime.datetime.now(datetime.timezone.utc).year
    last = calendar.timegm((year, 12, 31, 16, 59, 59))  # 31/12 23:59:59 +07:00
    first = last + 1                                    # 1/1 00:00:00 +07:00
    pg = None
    if backend == "pg":
        pg = PgCluster()
        db = pg.fresh_db("kysod_year")
    else:
        db = "sqlite:" + w + "/kysod.db"
    base = (f"blob_dir = {w}/blobs\ntrust_anchors = {w}/ca.pem\npkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\n"
            f"images_dir = {w}/img\n")

    # the knob is refused without the test flag, naming it
    open(w + "/bad.conf", "w").write(f"listen = 127.0.0.1:0\ndatabase = {db}\ntest_clock = {last}\n")
    env = {k: v for k, v in os.environ.items() if k != "KYSOD_TEST_CLOCK"}
    r = subprocess.run([KYSOD, "--config", w + "/bad.conf", "--check-config"], env=env,
                       capture_output=True, text=True)
    check(r.returncode != 0 and "KYSOD_TEST_CLOCK" in r.stderr,
          f"test_clock refused without KYSOD_TEST_CLOCK=1: {r.returncode} {r.stderr}")

    os.environ["KYSOD_TEST_CLOCK"] = "1"
    k = Kysod(db, w + "/k", base + f"test_clock = {last}\n")
    try:
        org = setup_agencies(k, w, pems, [("G02", "Ủy ban nhân dân thành phố Hải Phòng", "seal0")])
        dbh = Db(db, pg)
        docs = signed_documents(k, dbh, "drafter0", org["agency"][0], org["drafter_id"][0],
                                personal_signed(w, tiny_pdf("Quyet dinh")), ["QĐ"], 4)["QĐ"]
        clerk = login(k.port, "clerk0")

        def issue(i):
            st, d, _ = clerk.req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
            return st, d

        for n, i in enumerate(docs[:2], 1):
            st, d = issue(i)
            check(st == 200 and d["number"] == n and d["issued_at"] == f"{year}-12-31T16:59:59Z",
                  f"23:59:59 +07:00: number {n} of {year}: {st} {d}")
        k.stop()
        open(k.conf, "a").write(f"test_clock = {first}\n")
        k.start()
        clerk = login(k.port, "clerk0")
        for n, i in enumerate(docs[2:], 1):
            st, d = issue(i)
            check(st == 200 and d["number"] == n and d["issued_at"] == f"{year}-12-31T17:00:00Z",
                  f"00:00:00 +07:00: the new year's series starts at {n:02d}: {st} {d}")
        st, reg, _ = clerk.req("GET", V + "/registers/outgoing?limit=50")
        rows = sorted((x["year"], x["number"], x["issued_date"], x["symbol"]) for x in reg["items"])
        check(rows == [(year, 1, f"{year}-12-31", "01/QĐ-UBND"), (year, 2, f"{year}-12-31", "02/QĐ-UBND"),
                       (year + 1, 1, f"{year + 1}-01-01", "01/QĐ-UBND"),
                       (year + 1, 2, f"{year + 1}-01-01", "02/QĐ-UBND")],
              f"the register: two numbers in {year}, the next year from 01: {rows}")
        st, reg, _ = clerk.req("GET", V + f"/registers/outgoing?year={year}")
        check(reg["total"] == 2, f"the year filter: {year} has 2 entries: {reg['total']}")
        # the seal carries the same date: its signing time is the stopped clock
        st, pdf, _ = clerk.req("GET", V + f"/documents/{docs[2]}/pdf")
        open(w + "/ny.pdf", "wb").write(pdf)
        out = subprocess.run(["pdfsig", w + "/ny.pdf"], capture_output=True, text=True,
                             env=dict(os.environ, TZ="Asia/Ho_Chi_Minh")).stdout
        check("Signature is Valid" in out and f"Jan 01 {year + 1}" in out,
              f"pdfsig: the seal is valid and signed on 1 January {year + 1} (+07:00):\n{out}")
    finally:
        rc = k.stop()
        check(rc == 0, f"kysod exits cleanly: {rc}; log {w}/k/kysod.log")
        if pg:
            pg.stop()
    print(f"year boundary ({backend}): {checks - fails} passed, {fails} failed")
    if fails:
        print("work dir:", w)
    else:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


main()
