"""Numbering under load (issue 13, requirements §5.3): two kysod nodes on one PostgreSQL behind
nginx, the agencies' seal keys in SoftHSM2.

1. 1,000 concurrent "number and seal" requests (POST /documents/{id}/issue) across 4 series (two
   agencies, two series each): every request 200, every number used exactly once, each series
   exactly 01..250, the number each client got is the one in the register.
2. The same with kill -9 of one node in the middle: no registered document lost (every request
   that got a 2xx is in the register with its number, its sealed PDF is stored and verifies), no
   number used twice, and no hole: a number is taken in the transaction that writes the register
   row, so a killed transaction takes its number back. The clients retry what failed (a retry
   that finds the document already issued means the killed node committed before it died);
   afterwards each series is exactly 1..N with N its documents, and the series counter is N.
3. The killed node restarts and both nodes continue each series without a gap.
Every sealed PDF is verified (kyso_verify_many, the test CA; pdfsig on a sample)."""
import hashlib
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import BUILD, Kysod, PgCluster, tiny_pdf  # noqa: E402
from nginx_lib import Nginx  # noqa: E402
from scale_lib import (V, Db, login, make_pki, personal_signed, setup_agencies,  # noqa: E402
                       signed_documents, softhsm)

AGENCIES = [("G02", "Ủy ban nhân dân thành phố Hải Phòng", "seal0"),
            ("H24.6", "Sở Khoa học và Công nghệ Hải Phòng", "seal1")]
SERIES = ["QĐ", "CV"]
SYMBOL = {"QĐ": "QĐ-UBND", "CV": "UBND-VP"}
PHASE1, PHASE2, PHASE3 = 250, 100, 5  # documents per series in each phase

fails = checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what, flush=True)


def issue(port, sess, doc, series):
    """One POST /issue through nginx; (status, number or None)."""
    body = json.dumps({"symbol": SYMBOL[series], "series": series}).encode()
    h = {"Cookie": sess.cookie, "X-CSRF-Token": sess.csrf, "Content-Type": "application/json"}
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        c.request("POST", V + f"/documents/{doc}/issue", body=body, headers=h)
        r = c.getresponse()
        payload = r.read()
        j = json.loads(payload) if payload[:1] == b"{" else {}
        return r.status, j.get("number"), j
    except (OSError, http.client.HTTPException) as e:
        return 0, None, {"error": str(e)}
    finally:
        c.close()


def storm(port, jobs, on_done=None):
    """All jobs (session, doc, series) at once, one thread each, released together."""
    results = {}
    lock = threading.Lock()
    gate = threading.Barrier(len(jobs))

    def one(sess, doc, series):
        gate.wait()
        st, n, j = issue(port, sess, doc, series)
        with lock:
            results[doc] = (st, n, j)
            if on_done:
                on_done(len(results))
    ts = [threading.Thread(target=one, args=job) for job in jobs]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return results


def register(db):
    """{(agency, series): [(number, document_id)]} from the outgoing register."""
    out = {}
    for ag, s, n, d in db.q("SELECT agency_id, series, number, document_id FROM reg_outgoing"):
        out.setdefault((int(ag), s), []).append((int(n), int(d)))
    return out


def check_series(db, org, docs, label):
    """Each series exactly 1..N over its issued documents; the counters equal N; documents and
    register agree."""
    reg = register(db)
    total_dup = total_gap = 0
    for a, ag in enumerate(org["agency"]):
        for s in SERIES:
            nums = sorted(n for n, _ in reg.get((ag, s), []))
            issued = int(db.q(f"SELECT COUNT(*) FROM documents WHERE agency_id = {ag} AND series = '{s}'"
                              " AND state = 'issued'")[0][0])
            dup = len(nums) - len(set(nums))
            gaps = len(set(range(1, (max(nums) if nums else 0) + 1)) - set(nums))
            total_dup += dup
            total_gap += gaps
            check(nums == list(range(1, issued + 1)),
                  f"{label}: agency {ag} series {s}: numbers exactly 1..{issued} (got {len(nums)} numbers,"
                  f" {dup} duplicates, {gaps} gaps, first {nums[:3]}, last {nums[-3:]})")
            last = db.q(f"SELECT last_number FROM reg_series WHERE agency_id = {ag} AND register ="
                        f" 'outgoing' AND series = '{s}'")
            check(last and int(last[0][0]) == issued,
                  f"{label}: agency {ag} series {s}: the counter is {issued}, no number lost: {last}")
    mism = db.q("SELECT d.id FROM documents d LEFT JOIN reg_outgoing r ON r.document_id = d.id"
                " WHERE (d.state = 'issued') <> (r.id IS NOT NULL) OR d.number <> r.number")
    check(not mism, f"{label}: every issued document is in the register with its number, and only those: {mism[:5]}")
    return total_dup, total_gap


def verify_all(w, db, label):
    """Every issued document's last version is a stored, intact blob that verifies."""
    rows = db.q("SELECT d.id, v.sha256, v.kind FROM documents d JOIN doc_versions v ON v.document_id = d.id"
                " WHERE d.state = 'issued' AND v.seq = (SELECT MAX(seq) FROM doc_versions x"
                " WHERE x.document_id = d.id)")
    bad = []
    files = []
    for doc, sha, kind in rows:
        p = f"{w}/blobs/{sha}"
        if kind != "sealed" or not os.path.exists(p) or hashlib.sha256(open(p, "rb").read()).hexdigest() != sha:
            bad.append(doc)
        else:
            files.append(p)
    check(not bad, f"{label}: every issued document's sealed PDF is stored intact: missing {bad[:5]}")
    files = sorted(set(files))
    r = subprocess.run([os.path.join(BUILD, "tests", "kyso_verify_many"), "2", w + "/ca.pem"] + files,
                       capture_output=True, text=True)
    check(r.returncode == 0 and f"docs={len(files)}" in r.stdout and f"passed={len(files)}" in r.stdout,
          f"{label}: kyso verifies all {len(files)} sealed PDFs: {r.stdout.strip()} {r.stderr[-300:]}")
    for p in files[:: max(1, len(files) // 4)]:
        out = subprocess.run(["pdfsig", p], capture_output=True, text=True).stdout
        check(out.count("Signature is Valid") == 2 and "Total document signed" in out,
              f"{label}: pdfsig on {os.path.basename(p)}: the personal signature and the seal:\n{out}")
    return len(rows)


def node_b(start, w):
    """Starts node b with its own SoftHSM2 store."""
    os.environ["SOFTHSM2_CONF"] = w + "/softhsm2-b.conf"
    try:
        return start()
    finally:
        os.environ["SOFTHSM2_CONF"] = w + "/softhsm2.conf"


def main():
    t0 = time.time()
    w = tempfile.mkdtemp(prefix="kysod-nodes-", dir=BUILD)
    mod = softhsm(w)
    pems = make_pki(w, mod, [(label, name) for _, name, label in AGENCIES])
    pg = PgCluster()
    db = pg.fresh_db("kysod_nodes")
    dbh = Db(db, pg)
    conf = (f"blob_dir = {w}/blobs\ntrust_anchors = {w}/ca.pem\npkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\n"
            f"images_dir = {w}/img\nthreads = 4\ndb_pool = 8\nlog_level = warn\n")
    a = Kysod(db, w + "/a", conf)
    # Each node has its own token store, as each node has its own HSM client: SoftHSM2 rewrites
    # its token file on a login, so a node killed then could damage a store the other one reads.
    shutil.copytree(w + "/tokens", w + "/tokens-b")
    open(w + "/softhsm2-b.conf", "w").write(open(w + "/softhsm2.conf").read().replace(
        w + "/tokens", w + "/tokens-b"))
    b = node_b(lambda: Kysod(db, w + "/b", conf, init=False), w)
    nx = None
    try:
        org = setup_agencies(a, w, pems, AGENCIES)
        base = personal_signed(w, tiny_pdf("Quyet dinh"))
        docs = {}
        for i, ag in enumerate(org["agency"]):
            per = signed_documents(a, dbh, org["drafter"][i], ag, org["drafter_id"][i], base, SERIES,
                                   PHASE1 + PHASE2 + PHASE3)
            for s in SERIES:
                docs[(i, s)] = per[s]
        nx = Nginx(w + "/nginx", [a.port, b.port])
        sess = [login(nx.port, c) for c in org["clerk"]]
        print(f"set-up {time.time() - t0:.1f} s", flush=True)

        # 1. 1,000 at once across 4 series on two nodes
        jobs = [(sess[i], d, s) for (i, s), ds in docs.items() for d in ds[:PHASE1]]
        t = time.time()
        res = storm(nx.port, jobs)
        dt = time.time() - t
        bad = [(d, r[0], r[2]) for d, r in res.items() if r[0] != 200]
        check(len(jobs) == 1000 and not bad, f"phase 1: all 1,000 issued: {len(bad)} failed, e.g. {bad[:3]}")
        got = {}
        for (i, s), ds in docs.items():
            got[(i, s)] = sorted(res[d][1] for d in ds[:PHASE1] if res[d][0] == 200)
            check(got[(i, s)] == list(range(1, PHASE1 + 1)),
                  f"phase 1: agency {i} series {s}: the clients got 01..{PHASE1} once each")
        check_series(dbh, org, docs, "phase 1")
        reg = register(dbh)
        ag_of = {d: org["agency"][i] for (i, s), ds in docs.items() for d in ds}
        check(all((res[d][1], d) in reg[(ag_of[d], s)] for (i, s), ds in docs.items() for d in ds[:PHASE1]),
              "phase 1: the number each client got is the register's")
        print(f"phase 1: 1000 issued in {dt:.1f} s ({1000 / dt:.0f}/s) through nginx on two nodes", flush=True)

        # 2. again, kill -9 of node b when a quarter has answered
        jobs = [(sess[i], d, s) for (i, s), ds in docs.items() for d in ds[PHASE1:PHASE1 + PHASE2]]
        killed = threading.Event()

        def on_done(n):
            if n >= len(jobs) // 4 and not killed.is_set():
                killed.set()
                b.kill9()
        t = time.time()
        res2 = storm(nx.port, jobs, on_done)
        dt = time.time() - t
        ok = {d: r for d, r in res2.items() if 200 <= r[0] < 300}
        failed = [d for d, r in res2.items() if not 200 <= r[0] < 300]
        check(killed.is_set() and b.proc.returncode == -9, "phase 2: node b was killed (-9) mid-run")
        print(f"phase 2: {len(ok)} issued, {len(failed)} failed with node b killed, {dt:.1f} s", flush=True)
        reg = register(dbh)
        lost = [d for d, r in ok.items() if (r[1], d) not in reg.get((ag_of[d], next(
            s for (i, s), ds in docs.items() if d in ds)), [])]
        check(not lost, f"phase 2: every 2xx answer is in the register with its number: lost {lost[:5]}")
        dup, gaps = check_series(dbh, org, docs, "phase 2, right after the kill")
        # the clients retry what failed: issued now, or already issued by the killed node
        series_of = {d: s for (i, s), ds in docs.items() for d in ds}
        sess_of = {d: sess[i] for (i, s), ds in docs.items() for d in ds}
        already = 0
        for d in failed:
            st, n, j = issue(nx.port, sess_of[d], d, series_of[d])
            if st == 409 and j.get("error", {}).get("code") == "wrong_state":
                already += 1
            check(st == 200 or (st == 409 and j.get("error", {}).get("code") == "wrong_state"),
                  f"phase 2: a retry issues it, or finds it issued: {st} {j}")
        print(f"phase 2: retried {len(failed)}; {already} had been committed by node b before it died",
              flush=True)
        check_series(dbh, org, docs, "phase 2, after the retries")
        left = dbh.q("SELECT COUNT(*) FROM documents WHERE state = 'signed' AND number IS NULL"
                     " AND id IN (%s)" % ",".join(str(d) for d in res2))
        check(left == [("0",)], f"phase 2: no document left behind: {left}")

        # 3. node b back; both nodes go on without a gap
        node_b(b.start, w)
        jobs = [(sess[i], d, s) for (i, s), ds in docs.items() for d in ds[PHASE1 + PHASE2:]]
        res3 = storm(nx.port, jobs)
        check(all(r[0] == 200 for r in res3.values()), f"phase 3: issued after the restart: {res3}")
        dup, gaps = check_series(dbh, org, docs, "phase 3")
        n = verify_all(w, dbh, "end")
        check(n == 4 * (PHASE1 + PHASE2 + PHASE3), f"all {n} documents issued")
        print(f"RESULT documents={n} duplicate_numbers={dup} gaps={gaps} seconds={time.time() - t0:.0f}")
    finally:
        if nx:
            nx.stop()
        ra = a.stop()
        b.stop()
        check(ra == 0, f"node a exits cleanly: {ra}; log {w}/a/kysod.log")
        pg.stop()
    print(f"two nodes: {checks - fails} passed, {fails} failed ({time.time() - t0:.0f} s)")
    if fails:
        print("work dir:", w)
    else:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


main()
