#!/usr/bin/env bash
# kyso ca serve under attack from one address (the issue: 4,100 slow connections silenced every
# other client): while 127.0.0.2 opens 4,100 connections and trickles their headers a byte at a
# time, a good OCSP client on 127.0.0.1 must be answered at once (the per-address cap), a
# trickling request is cut at the total deadline (10 s, however slowly the bytes come), and
# framing that two parsers would read differently is refused at once: differing Content-Length
# values 400, a transfer coding other than chunked 501. Latencies are printed, not asserted
# closely (a generous bound only: today's code does not answer at all).
set -uo pipefail
. "$(dirname "$0")/pki_lib.sh" test-pki-serve-flood
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3

check "ca init" "$KYSO" ca init ca --key-type ec:P-256 --base-url "$URL"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout a.key \
  -subj "/CN=x" -out a.csr 2>/dev/null
check "issue a" "$KYSO" ca issue ca --profile personal --name "Nguyễn Văn A" --csr a.csr -o a.pem
openssl ocsp -issuer ca/issuing-ca.pem -cert a.pem -no_nonce -reqout req.der >/dev/null 2>&1 \
  && ok || bad "openssl ocsp -reqout"
"$KYSO" ca serve ca --listen "127.0.0.1:$PORT" > serve.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -sf "$URL/root.cer" -o /dev/null && break; sleep 0.1; done
check "server up" curl -sf "$URL/root.cer" -o /dev/null

$PY - "$PORT" <<'PYEOF' > flood.txt 2>&1
import socket, statistics, subprocess, sys, time
port = int(sys.argv[1])
req = open("req.der", "rb").read()
fails = []

def ocsp_once(timeout=5.0):
    """One OCSP POST from 127.0.0.1: (seconds, response body) or (None, why)."""
    t = time.monotonic()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        s.sendall(b"POST /ocsp HTTP/1.1\r\nHost: ca\r\nContent-Type: application/ocsp-request\r\n"
                  b"Connection: close\r\nContent-Length: %d\r\n\r\n" % len(req) + req)
        data = b""
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
        s.close()
    except OSError as e:
        return None, str(e)
    head, _, body = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        return None, head[:60]
    return time.monotonic() - t, body

def raw(req_bytes, wait=5.0):
    s = socket.create_connection(("127.0.0.1", port), timeout=wait)
    t = time.monotonic()
    s.sendall(req_bytes)
    try:
        r = s.recv(200)
    except socket.timeout:
        r = b"(no answer)"
    return time.monotonic() - t, r.split(b"\r\n")[0]

base = [ocsp_once()[0] for _ in range(5)]
# ---- the flood: 4,100 connections from one address, headers trickled ----
socks = []
for _ in range(4100):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    except OSError:
        s.close()
        continue
    socks.append(s)
time.sleep(0.5)
for s in socks:
    try:
        s.send(b"POST /ocsp HTTP/1.1\r\nHost: ca\r\n")
    except OSError:
        pass
lat = []
for i in range(20):
    for s in socks[i::20]:  # keep trickling while the good client asks
        try:
            s.send(b"X")
        except OSError:
            pass
    d, body = ocsp_once()
    if d is None:
        fails.append("good client not answered during the flood: %s" % body)
        break
    lat.append(d)
    open("resp.der", "wb").write(body)
alive = 0
for s in socks:
    try:
        s.send(b"Y")
        alive += 1
    except OSError:
        pass
print("flood: %d connections opened from 127.0.0.2, %d still open" % (len(socks), alive))
if lat:
    print("good OCSP client during the flood: median %.1f ms, max %.1f ms over %d requests "
          "(before the flood: median %.1f ms)" % (statistics.median(lat) * 1000, max(lat) * 1000,
                                                   len(lat), statistics.median(base) * 1000))
    if max(lat) > 1.0:
        fails.append("good client answered too slowly during the flood: %.3f s" % max(lat))
for s in socks:
    s.close()

# ---- framing refused at once ----
d, line = raw(b"POST /ocsp HTTP/1.1\r\nHost: ca\r\nContent-Length: 5\r\nContent-Length: 500\r\n\r\nhello")
print("two Content-Length values: %s after %.0f ms" % (line.decode(), d * 1000))
if not line.startswith(b"HTTP/1.1 400") or d > 1.0:
    fails.append("differing Content-Length: %s after %.2f s" % (line, d))
d, line = raw(b"POST /ocsp HTTP/1.1\r\nHost: ca\r\nTransfer-Encoding: gzip\r\n\r\nhello")
print("Transfer-Encoding gzip: %s after %.0f ms" % (line.decode(), d * 1000))
if not line.startswith(b"HTTP/1.1 501") or d > 1.0:
    fails.append("unknown Transfer-Encoding: %s after %.2f s" % (line, d))

# ---- a request trickled a byte every 0.5 s is cut at the total deadline ----
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"POST /ocsp HTTP/1.1\r\nHost: ca\r\n")
t = time.monotonic()
cut = None
while time.monotonic() - t < 20:
    try:
        s.send(b"X")
        s.settimeout(0.5)
        if s.recv(10) == b"":
            cut = time.monotonic() - t
            break
    except socket.timeout:
        continue
    except OSError:
        cut = time.monotonic() - t
        break
print("trickling request cut after %s s" % ("%.1f" % cut if cut else "(never, 20 s)"))
if cut is None or cut > 15:
    fails.append("a trickling request was not cut at its deadline")
for f in fails:
    print("FAIL:", f)
sys.exit(1 if fails else 0)
PYEOF
rc=$?
cat flood.txt
[ $rc -eq 0 ] && ok || bad "flood checks (above)"
openssl ocsp -respin resp.der -issuer ca/issuing-ca.pem -cert a.pem -CAfile ca/root.pem > o.txt 2>&1
check "the answer during the flood is a verified OCSP response" has o.txt "a.pem: good"
check "server still up after the flood" curl -sf "$URL/root.cer" -o /dev/null

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
