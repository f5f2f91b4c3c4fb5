"""The document workflow's throughput on one kysod node (driven by bench/bench_workflow.sh).

Issue: 1 MB decisions already signed by the leader (visible personal signature) are numbered,
sealed at B-T (the agency's key in SoftHSM2, the local TSA of `kyso ca serve`), registered and
sent to 3 recipient agencies (each delivery verified on arrival), by CLIENTS concurrent clerks'
requests over 4 series; documents per second over the whole run, then the register is checked
(duplicate numbers, gaps). perf samples kysod meanwhile: the CPU share of each step.

Verify: a 1 MB document with two B-LT signatures verified in-process (the server's validation,
tests/tools/verify_many: one context, 2 threads), against pdfsig and mutool on the same file.

Environment: KYSO_BUILD, BENCH_DIR (work dir with ca/, signer.p12, seal token), TSA_URL, N,
CLIENTS, DB=sqlite|pg. Prints the figures and ends with
RESULT issue_docs_per_s=N verify_docs_per_s=N duplicate_numbers=N gaps=N"""
import os
import re
import resource
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../tests/server"))
from kysod_lib import BUILD, Kysod, PgCluster  # noqa: E402
from scale_lib import V, Db, big_pdf, login, run, setup_agencies, signed_documents  # noqa: E402

W = os.environ["BENCH_DIR"]
TSA = os.environ["TSA_URL"]
N = int(os.environ.get("N", "400"))
CLIENTS = int(os.environ.get("CLIENTS", "8"))
DBKIND = os.environ.get("DB", "sqlite")
MOD = os.environ["P11_MODULE"]
KYSO = os.path.join(BUILD, "kyso")
SERIES = ["QĐ", "CV", "TB", "KH"]
SYMBOL = {"QĐ": "QĐ-UBND", "CV": "UBND-VP", "TB": "TB-UBND", "KH": "KH-UBND"}

# The steps of issue + send, by the function that does each (perf, inclusive time with call
# graphs): disjoint subtrees, so their shares add up; the rest is HTTP, JSON, sessions, audit.
STEPS = [
    ("read the stored PDF, SHA-256 check (blob get)", ["ks_blob_get"]),
    ("classification check (parse, page 1 text)", ["docs_refuse_classified"]),
    ("token session and signer", ["kysod_token_acquire", "ks_token_signer"]),
    ("seal: parse, appearance (prepare)", ["ks_sign_prepare_mem"]),
    ("seal: TSA round trip (B-T)", ["ks_tsa_request"]),
    ("seal: hash, RSA in SoftHSM2, CMS (sign minus TSA)", ["ks_sign_sign"]),
    ("seal: embed, write the revision", ["ks_sign_embed", "ks_sign_write_mem"]),
    ("store the sealed PDF (SHA-256, write)", ["ks_blob_put"]),
    ("verify on arrival (send)", ["ks_verify_run_mem"]),
    ("verification report JSON", ["ks_verify_render_json"]),
    ("database (statements, commit)", ["ks_db_run", "ks_db_exec_script"]),
]


def perf_share(data):
    """[(step, percent of kysod's samples)] from perf report --children (call graphs)."""
    out = subprocess.run(["perf", "report", "-i", data, "--children", "--sort", "sym", "--stdio", "-q",
                          "-g", "none", "--percent-limit", "0"], capture_output=True, text=True).stdout
    incl = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d.]+)%\s+([\d.]+)%\s+\[[.k]\]\s+(\S+)", line)
        if m:
            incl[m.group(3)] = max(incl.get(m.group(3), 0.0), float(m.group(1)))
    shares = []
    for name, funcs in STEPS:
        shares.append([name, sum(incl.get(f, 0.0) for f in funcs)])
    sign = next(x for x in shares if x[0].startswith("seal: hash"))
    tsa = next(x for x in shares if x[0].startswith("seal: TSA"))
    sign[1] = max(0.0, sign[1] - tsa[1])  # ks_tsa_request runs inside ks_sign_sign
    shares.append(["HTTP, JSON, sessions, audit, other", max(0.0, 100 - sum(x[1] for x in shares))])
    return shares


def cpu_of(pid):
    """user + system seconds of a process."""
    f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


def bench_issue():
    pg = None
    if DBKIND == "pg":
        pg = PgCluster()
        db = pg.fresh_db("kysod_bench")
    else:
        db = f"sqlite:{W}/kysod.db"
        for f in ("kysod.db", "kysod.db-wal", "kysod.db-shm"):
            if os.path.exists(f"{W}/{f}"):
                os.unlink(f"{W}/{f}")
    shutil.rmtree(W + "/blobs", ignore_errors=True)
    shutil.rmtree(W + "/k", ignore_errors=True)
    k = Kysod(db, W + "/k", f"blob_dir = {W}/blobs\ntrust_anchors = {W}/ca/root.pem\npkcs11_module = {MOD}\npkcs11_pin_dir = {W}/pins\n"
              f"images_dir = {W}/img\ntsa_url = {TSA}\nthreads = 4\ndb_pool = 8\nlog_level = warn\n"
              "max_body_kb = 4096\n")
    try:
        pems = {"seal0": open(W + "/seal0.pem").read()}
        org = setup_agencies(k, W, pems, [("G02", "Ủy ban nhân dân thành phố Hải Phòng", "seal0")],
                             [("G02.01.%02d" % i, "Ủy ban nhân dân phường %d" % i) for i in (1, 2, 3)])
        dbh = Db(db, pg)
        base = open(W + "/doc-1m-signed.pdf", "rb").read()
        per = N // len(SERIES)
        docs = signed_documents(k, dbh, "drafter0", org["agency"][0], org["drafter_id"][0], base, SERIES, per)
        clerk = login(k.port, "clerk0")
        jobs = [(d, s) for s in SERIES for d in docs[s]]
        jobs.sort(key=lambda j: docs[j[1]].index(j[0]))  # interleave the series
        lock = threading.Lock()
        errors = []
        t_issue = []
        t_send = []

        def worker():
            from kysod_lib import Client
            c = Client(k.port)
            c.cookie, c.csrf = clerk.cookie, clerk.csrf
            while True:
                with lock:
                    if not jobs:
                        return
                    d, s = jobs.pop(0)
                t0 = time.perf_counter()
                st, j, _ = c.req("POST", V + f"/documents/{d}/issue", {"symbol": SYMBOL[s], "series": s})
                t1 = time.perf_counter()
                st2, j2, _ = c.req("POST", V + f"/documents/{d}/send", {"to": org["recipient"]}) \
                    if st == 200 else (0, None, None)
                t2 = time.perf_counter()
                with lock:
                    t_issue.append(t1 - t0)
                    t_send.append(t2 - t1)
                    if st != 200 or st2 != 200:
                        errors.append((d, st, st2, j if st != 200 else j2))

        cg = ["--call-graph", "dwarf,16384"]
        perf = subprocess.Popen(["perf", "record", "-q", "-F", "199"] + cg + ["-o", W + "/perf.data", "-p",
                                 str(k.proc.pid)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) \
            if shutil.which("perf") else None
        tsa_pid = int(os.environ.get("TSA_PID", "0"))
        cpu0, tsa0 = cpu_of(k.proc.pid), cpu_of(tsa_pid) if tsa_pid else 0
        t0 = time.time()
        ts = [threading.Thread(target=worker) for _ in range(CLIENTS)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        dt = time.time() - t0
        cpu1, tsa1 = cpu_of(k.proc.pid), cpu_of(tsa_pid) if tsa_pid else 0
        if perf:
            perf.send_signal(2)
            perf.wait()
        n = per * len(SERIES)
        rate = (n - len(errors)) / dt
        print(f"issue+send: {n} documents of {len(base)} bytes, {CLIENTS} clients, {DBKIND}: {dt:.1f} s,"
              f" {rate:.1f} documents/s; errors {len(errors)} {errors[:2]}")
        t_issue.sort()
        t_send.sort()
        print(f"  latency median: issue {1000 * t_issue[len(t_issue) // 2]:.0f} ms,"
              f" send to 3 {1000 * t_send[len(t_send) // 2]:.0f} ms")
        per_doc = ((cpu1 - cpu0) + (tsa1 - tsa0)) / n
        print(f"  CPU: kysod {cpu1 - cpu0:.1f} s ({1000 * (cpu1 - cpu0) / n:.1f} ms/doc), TSA server"
              f" {tsa1 - tsa0:.1f} s ({1000 * (tsa1 - tsa0) / n:.1f} ms/doc), wall {dt:.1f} s on"
              f" {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
        print(f"  CPU-bound capacity of a dedicated {os.cpu_count()}-core node (kysod + TSA CPU per"
              f" document): {os.cpu_count() / per_doc:.0f} documents/s")
        if perf and os.path.exists(W + "/perf.data"):
            print("  kysod CPU by step (perf call graphs, inclusive):")
            for name, pct in perf_share(W + "/perf.data"):
                print(f"    {pct:5.1f}%  {name}")
        dup = gaps = 0
        for s in SERIES:
            nums = [int(r[0]) for r in dbh.q(f"SELECT number FROM reg_outgoing WHERE series = '{s}'")]
            dup += len(nums) - len(set(nums))
            gaps += len(set(range(1, max(nums, default=0) + 1)) - set(nums))
        sent = int(dbh.q("SELECT COUNT(*) FROM deliveries")[0][0])
        print(f"  register: {dup} duplicate numbers, {gaps} gaps; {sent} deliveries")
        return rate, dup, gaps
    finally:
        k.stop()
        if pg:
            pg.stop()


def bench_verify():
    f = W + "/blt2.pdf"
    nv = int(os.environ.get("NV", "400"))
    vm = os.path.join(BUILD, "tests", "kyso_verify_many")
    best = 0.0
    cpu = 0.0
    for _ in range(3):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        out = subprocess.run([vm, "2", W + "/ca/root.pem"] + [f] * nv, capture_output=True, text=True)
        m = re.search(r"docs_per_s=([\d.]+) passed=(\d+)", out.stdout)
        if not m or int(m.group(2)) != nv:
            print("kyso_verify_many did not pass every document:", out.stdout, out.stderr[-400:])
            return 0.0
        best = max(best, float(m.group(1)))
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu += (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) / nv / 3
    print(f"verify: {os.path.getsize(f)} bytes, two B-LT signatures; kyso in-process, 2 threads:"
          f" {best:.0f} documents/s (best of 3 x {nv}, every one TOTAL-PASSED); CPU"
          f" {1000 * cpu:.1f} ms/doc (file reading included): {os.cpu_count() / cpu:.0f} documents/s"
          f" CPU-bound on {os.cpu_count()} cores")
    peers = []
    for name, cmd in [("pdfsig", ["pdfsig", f]), ("mutool", ["mutool", "sign", "-v", f])]:
        if not shutil.which(cmd[0]):
            continue
        m = 40
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.time()
        procs = []
        for i in range(m):  # two at a time: the same 2 cores
            procs.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            if len(procs) == 2:
                [p.wait() for p in procs]
                procs = []
        [p.wait() for p in procs]
        r = m / (time.time() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        pc = (r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime) / m
        peers.append((name, r))
        print(f"  {name}, two processes at a time: {r:.1f} documents/s, CPU {1000 * pc:.1f} ms/doc;"
              f" kyso / {name}: {best / r:.1f}x by wall clock, {pc / cpu:.1f}x by CPU")
    return best


def main():
    rate, dup, gaps = bench_issue()
    vrate = bench_verify()
    print(f"goals: issue >= 50 documents/s ({'met' if rate >= 50 else 'NOT met'}), verify >= 200"
          f" documents/s ({'met' if vrate >= 200 else 'NOT met'})")
    print(f"RESULT issue_docs_per_s={rate:.0f} verify_docs_per_s={vrate:.0f} duplicate_numbers={dup} gaps={gaps}")


main()
