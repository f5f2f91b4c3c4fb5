"""kysod under abuse: 10,000 slow connections (headers never finished) while a normal client
is still answered, memory bounded, idle connections closed after connection_timeout_s; and
garbage on the wire (random bytes, huge headers, bad methods, conflicting lengths) answered
with 4xx or a closed connection, never a crash."""
import os
import random
import resource
import socket
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import Client, Kysod  # noqa: E402

fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


def rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


def raw(port, data, timeout=5):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        while True:
            b = s.recv(65536)
            if not b:
                break
            out += b
    except OSError:
        pass
    finally:
        s.close()
    return out


def status_of(resp):
    try:
        return int(resp.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return 0


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = int(os.environ.get("KYSOD_SLOW_CONNECTIONS", "10000"))
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, want + 1000), hard))
    want = min(want, min(hard, want + 1000) - 500)
    work = tempfile.mkdtemp(prefix="kysod-abuse-")
    k = Kysod("sqlite:" + work + "/k.db", work,
              "connection_timeout_s = 3\nconnection_limit = 12000\nlog_level = warn\n")
    try:
        pid = k.proc.pid
        idle = rss_mb(pid)
        socks = []
        for i in range(want):
            try:
                s = socket.socket()
                s.setblocking(False)
                s.connect_ex(("127.0.0.1", k.port))
                socks.append(s)
            except OSError as e:
                print("stopped opening at", i, e)
                break
        time.sleep(0.5)
        for s in socks:
            try:
                s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            except OSError:
                pass
        time.sleep(0.5)
        t0 = time.time()
        st, j, _ = Client(k.port).req("GET", "/healthz")
        dt = time.time() - t0
        check(st == 200 and dt < 2, f"answers with {len(socks)} slow connections open: {st} in {dt:.2f}s")
        busy = rss_mb(pid)
        print(f"rss idle {idle:.1f} MB, with {len(socks)} slow connections {busy:.1f} MB")
        check(busy < 300, f"memory bounded: {busy:.1f} MB")
        time.sleep(5)
        closed = 0
        for s in socks[:200]:
            try:
                s.setblocking(True)
                s.settimeout(0.2)
                closed += s.recv(10) == b""
            except OSError:
                closed += 1
        check(closed >= 190, f"slow connections closed after the timeout: {closed}/200")
        for s in socks:
            s.close()
        # garbage on the wire
        rnd = random.Random(12)
        for i in range(200):
            data = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 400)))
            raw(k.port, data, timeout=2)
        cases = [
            (b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 70000 + b"\r\n\r\n", (400, 413, 431, 0)),
            (b"BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n", (400, 404, 405, 501)),
            (b"POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
             b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n0\r\n\r\n", (400, 401, 0)),
            (b"POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n", (400, 413)),
            (b"GET /" + b"%ff" * 3000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", (400, 404, 414, 0)),
            (b"GET /api/v1/users/1 HTTP/1.1\r\nHost: x\r\nCookie: kyso_session=" + b"A" * 43 + b"\r\n\r\n", (401,)),
            (b"GET /healthz HTTP/1.0\r\n\r\n", (200,)),
        ]
        for data, allowed in cases:
            code = status_of(raw(k.port, data))
            check(code in allowed, f"{data[:50]!r}...: status {code}, allowed {allowed}")
        st, _, _ = Client(k.port).req("GET", "/healthz")
        check(st == 200, "alive after the abuse")
        check(k.proc.poll() is None, "kysod still running")
    finally:
        rc = k.stop()
        check(rc == 0, f"clean stop: {rc}")
    print(f"{checks - fails} passed, {fails} failed")
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
