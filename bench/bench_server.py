"""kysod throughput: wrk (2 threads, 64 connections, 10 s) on an authenticated JSON GET of a
50-user page, against nginx serving the same bytes as a static file in the same run; kysod's
idle RSS and its RSS with 1,000 open keep-alive connections; the same GET on PostgreSQL.
Last line: RESULT rps=N p99_ms=N nginx_ratio=R rss_idle_mb=N rss_1000_mb=N pg_rps=N"""
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../tests/server"))
from kysod_lib import ADMIN_PW, Client, Kysod, PgCluster, free_port  # noqa: E402

DUR = os.environ.get("BENCH_DURATION", "10s")
EXTRA = "log_level = warn\nthreads = 2\ndb_pool = 4\n"


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wrk(url, headers=()):
    cmd = ["wrk", "-t2", "-c64", "-d" + DUR, "--latency"]
    for h in headers:
        cmd += ["-H", h]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if non2xx:
        raise SystemExit("bench: non-2xx answers: " + non2xx.group(0))
    return rps, p99


def seed(k):
    c = Client(k.port)
    st, j = c.sign_in("admin", ADMIN_PW)
    assert st == 200, j
    st, ag, _ = c.req("POST", "/api/v1/agencies", {"name": "Phường Hồng Bàng", "kind": "ward",
                                                    "code": "G02.35.01", "parent_id": k.root})
    assert st == 201, ag
    rows = ["login,full_name,title,email,phone"] + [
        f"user{i:02d},Nguyễn Văn Người Thứ {i},Chuyên viên,user{i}@haiphong.gov.vn,0901000{i:03d}"
        for i in range(50)]
    st, j, _ = c.req("POST", f"/api/v1/agencies/{ag['id']}/users/import", raw="\n".join(rows).encode(),
                     ctype="text/csv")
    assert st == 201, j
    path = f"/api/v1/users?agency_id={ag['id']}&limit=50"
    st, page, r = c.req("GET", path)
    assert st == 200 and len(page["items"]) == 50
    return c.cookie, path


def keepalive_rss(k, cookie, path, n=1000):
    socks = []
    req = f"GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n".encode()
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", k.port))
        s.sendall(req)
        socks.append(s)
    for s in socks:
        s.settimeout(5)
        got = b""
        while b"\r\n\r\n" not in got:
            got += s.recv(65536)
    time.sleep(0.5)
    rss = rss_mb(k.proc.pid)
    for s in socks:
        s.close()
    return rss


def main():
    work = tempfile.mkdtemp(prefix="kysod-bench-")
    k = Kysod("sqlite:" + work + "/k.db", work + "/sqlite", EXTRA)
    try:
        cookie, path = seed(k)
        time.sleep(0.5)
        rss_idle = rss_mb(k.proc.pid)
        url = f"http://127.0.0.1:{k.port}{path}"
        body = subprocess.run(["curl", "-sf", "-H", "Cookie: " + cookie, url], capture_output=True,
                              check=True).stdout
        rps, p99 = wrk(url, ["Cookie: " + cookie])
        rss_1000 = keepalive_rss(k, cookie, path)
    finally:
        k.stop()
    # the same without the page cache: every request reads SQLite and renders the JSON
    k = Kysod("sqlite:" + work + "/k.db", work + "/sqlite", EXTRA + "page_cache = false\n", init=False)
    try:
        u_rps, u_p99 = wrk(f"http://127.0.0.1:{k.port}{path}", ["Cookie: " + cookie])
    finally:
        k.stop()
    # nginx with the same bytes as a static file
    nd = work + "/nginx"
    os.makedirs(nd + "/root")
    open(nd + "/root/users.json", "wb").write(body)
    for d in (work, nd, nd + "/root"):  # nginx's workers run as www-data
        os.chmod(d, 0o755)
    os.chmod(nd + "/root/users.json", 0o644)
    nport = free_port()
    open(nd + "/nginx.conf", "w").write(f"""
worker_processes 2; daemon on; pid {nd}/nginx.pid; error_log {nd}/error.log;
events {{ worker_connections 4096; }}
http {{ access_log off; client_body_temp_path {nd}; proxy_temp_path {nd};
  server {{ listen 127.0.0.1:{nport}; root {nd}/root;
    location / {{ default_type application/json; }} }} }}
""")
    subprocess.run(["nginx", "-c", nd + "/nginx.conf", "-p", nd], check=True)
    try:
        time.sleep(0.3)
        n_rps, n_p99 = wrk(f"http://127.0.0.1:{nport}/users.json")
    finally:
        subprocess.run(["nginx", "-c", nd + "/nginx.conf", "-p", nd, "-s", "stop"], stderr=subprocess.DEVNULL)
    # PostgreSQL
    pg = PgCluster()
    try:
        kp = Kysod(pg.fresh_db("kysod_bench"), work + "/pg", EXTRA)
        try:
            cookie, path = seed(kp)
            pg_rps, pg_p99 = wrk(f"http://127.0.0.1:{kp.port}{path}", ["Cookie: " + cookie])
        finally:
            kp.stop()
    finally:
        pg.stop()
    print(f"page: {len(body)} bytes JSON (50 users)")
    print(f"kysod SQLite     : {rps:10.0f} req/s  p99 {p99:.2f} ms  (page cache on, the default)")
    print(f"kysod SQLite     : {u_rps:10.0f} req/s  p99 {u_p99:.2f} ms  (page_cache = false)")
    print(f"nginx static     : {n_rps:10.0f} req/s  p99 {n_p99:.2f} ms")
    print(f"kysod PostgreSQL : {pg_rps:10.0f} req/s  p99 {pg_p99:.2f} ms  (no page cache)")
    print(f"kysod RSS idle {rss_idle:.1f} MB, with 1000 keep-alive connections {rss_1000:.1f} MB")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"RESULT rps={rps:.0f} p99_ms={p99:.2f} nginx_ratio={rps / n_rps:.2f} "
          f"rss_idle_mb={rss_idle:.1f} rss_1000_mb={rss_1000:.1f} pg_rps={pg_rps:.0f}")


if __name__ == "__main__":
    main()
