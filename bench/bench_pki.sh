#!/usr/bin/env bash
# Throughput of the CA's online services with wrk on loopback: OCSP responses/s (cached
# nonce-less answers and freshly signed nonce answers), timestamps/s and CRL fetches/s, each for
# DURATION seconds (default 10), with p99 latency. Targets: >= 5000 OCSP/s and >= 2000 TSA/s on
# 2 cores with file keys (ECDSA P-256 responder and TSA keys).
# Usage: bench/bench_pki.sh [BUILD_DIR]   (env: DURATION, CONNS, THREADS)
set -euo pipefail
BUILD=${1:-${KYSO_BUILD:-$(dirname "$0")/../build}}
BUILD=$(cd "$BUILD" && pwd)
KYSO=${KYSO:-$BUILD/kyso}
DURATION=${DURATION:-10}
CONNS=${CONNS:-32}
THREADS=${THREADS:-2}
command -v wrk >/dev/null || { echo "wrk is not installed"; exit 1; }
W=$BUILD/bench-pki
rm -rf "$W" && mkdir -p "$W" && cd "$W"
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; true; }
trap cleanup EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"

"$KYSO" ca init ca --base-url "$URL" >/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s.key -subj /CN=x \
  -out s.csr 2>/dev/null
"$KYSO" ca issue ca --profile personal --name "Nguyễn Văn Bench" --csr s.csr -o s.pem >/dev/null
openssl ocsp -issuer ca/issuing-ca.pem -cert s.pem -no_nonce -reqout ocsp-nononce.der >/dev/null 2>&1
openssl ocsp -issuer ca/issuing-ca.pem -cert s.pem -reqout ocsp-nonce.der >/dev/null 2>&1
head -c 1000 /dev/urandom > data.bin
openssl ts -query -data data.bin -sha256 -cert -out tsa.tsq 2>/dev/null

cat > post.lua <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = os.getenv("CTYPE")
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA

"$KYSO" ca serve ca --listen "127.0.0.1:$PORT" > serve.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 100); do curl -sf "$URL/root.cer" -o /dev/null && break; sleep 0.1; done

# Sanity: each body gets a real answer before it is measured.
curl -sf --data-binary @ocsp-nonce.der "$URL/ocsp" -o r.der
openssl ocsp -respin r.der -issuer ca/issuing-ca.pem -CAfile ca/root.pem -reqin ocsp-nonce.der \
  2>&1 | grep -q "Response verify OK" || { echo "OCSP answer does not verify"; exit 1; }
curl -sf --data-binary @tsa.tsq "$URL/tsa" -o r.tsr
openssl ts -verify -in r.tsr -queryfile tsa.tsq -CAfile ca/root.pem -untrusted ca/issuing-ca.pem \
  >/dev/null 2>&1 || { echo "timestamp does not verify"; exit 1; }

run() { # name ctype body path
  local out
  out=$(CTYPE=$2 BODY=$3 wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s post.lua "$URL$4")
  local rps p99 errs
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  errs=$(awk '/Non-2xx|Socket errors/{print}' <<<"$out" | tr '\n' ' ')
  printf '%-28s %10s req/s   p99 %-9s %s\n' "$1" "$rps" "$p99" "$errs"
}
echo "kyso ca serve: 2 server threads, wrk -t$THREADS -c$CONNS, ${DURATION}s each, $(nproc) cores"
echo "responder/TSA keys: $(openssl x509 -in ca/ocsp.pem -noout -text | grep -m1 'Public Key Algorithm' | sed 's/.*: //') $(openssl x509 -in ca/ocsp.pem -noout -text | grep -m1 'ASN1 OID' | sed 's/.*: //')"
run "OCSP POST (cached, no nonce)" application/ocsp-request ocsp-nononce.der /ocsp
run "OCSP POST (nonce, signed)" application/ocsp-request ocsp-nonce.der /ocsp
run "TSA POST" application/timestamp-query tsa.tsq /tsa
CTYPE=x BODY=/dev/null true
out=$(wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "$URL/crl")
printf '%-28s %10s req/s   p99 %s\n' "CRL GET" "$(awk '/^Requests\/sec:/{print $2}' <<<"$out")" \
  "$(awk '$1=="99%"{print $2}' <<<"$out")"
