#!/usr/bin/env bash
# bench/bench_verify.sh — offline validation time of signed PDFs of about 20 KB, 1 MB, 10 MB and
# 50 MB: `kyso verify --offline` against `pdfsig` (poppler) and plain `sha256sum` of the file
# (the floor: every verifier must hash the signed bytes), measured in the same run. Prints the
# median of N runs per tool and the ratios kyso/pdfsig and kyso/sha256sum. Then a 1 MB decision
# with 2 and 5 B-LT signatures (a DSS revision after each), kyso against pdfsig: the cost of
# several signatures (goal: at most half of pdfsig's time).
#   bench/bench_verify.sh [BUILD_DIR] [RUNS]     (default: build, 20 runs; hyperfine medians)
# Files are generated into BUILD_DIR/bench-verify: a one-page PDF drawing an uncompressed
# grey image of the wanted size, signed with `kyso sign` and an identity of a test CA made
# with `kyso ca init` and served by `kyso ca serve` on a free loopback port (TSA, OCSP, CRL).
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
RUNS=${2:-20}
KYSO=$BUILD/kyso
W=$BUILD/bench-verify
mkdir -p "$W/empty-trust"
export KYSO_TRUST_DIR=$W/empty-trust
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
[ -x "$KYSO" ] || { echo "no kyso binary at $KYSO" >&2; exit 3; }

make_pdf() { # SIZE_BYTES OUT
  "$PY" - "$1" "$2" <<'EOF'
import sys
n, out = int(sys.argv[1]), sys.argv[2]
side = max(8, int(max(n - 1500, 64) ** 0.5))
img = bytes((i * 7 + (i >> 8)) & 0xFF for i in range(side * side))
objs = [
    b"<< /Type /Catalog /Pages 2 0 R >>",
    b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>",
]
content = b"q 400 0 0 400 100 300 cm /Im1 Do Q"
objs.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
objs.append(b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray "
            b"/BitsPerComponent 8 /Length %d >>\nstream\n" % (side, side, len(img)) + img + b"\nendstream")
body = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(body))
    body += b"%d 0 obj\n" % i + o + b"\nendobj\n"
x = len(body)
body += b"xref\n0 %d\n0000000000 65535 f\r\n" % (len(objs) + 1)
for o in offs:
    body += b"%010d 00000 n\r\n" % o
body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
open(out, "wb").write(body)
EOF
}

. "$SRC/bench/lib.sh"
HF_DIR=$W

# ---- the test CA, served on loopback while the files are signed ----
PORT=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
export BENCH_PW=bench-pw
if [ ! -s "$W/signer.p12" ]; then
  rm -rf "$W/ca"
  "$KYSO" ca init "$W/ca" --base-url "$BASE" >/dev/null
  "$KYSO" ca issue "$W/ca" --profile personal --name "Nguyễn Văn A" --title "Chủ tịch" \
    --org "Ủy ban nhân dân thành phố Hải Phòng" --out-p12 "$W/signer.p12" --pin-env BENCH_PW \
    -o "$W/signer.pem" >/dev/null
  rm -f "$W"/signed-*.pdf "$W"/blt-*.pdf
fi
ROOT=$W/ca/root.pem
SERVER=
serve() { # the CA's base URL is in its certificates: serve it on the port it names
  [ -n "$SERVER" ] && return
  local url; url=$(openssl x509 -in "$W/signer.pem" -noout -ocsp_uri)
  local port=${url##*:}; port=${port%%/*}
  "$KYSO" ca serve "$W/ca" --listen "127.0.0.1:$port" >"$W/serve.log" 2>&1 &
  SERVER=$!
  BASE=http://127.0.0.1:$port
  for _ in $(seq 1 50); do curl -sf -o /dev/null "$BASE/crl" && break; sleep 0.1; done
}
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null' EXIT
ms() { awk -v s="$1" 'BEGIN{printf "%.1f", s * 1000}'; }

printf "%-6s %9s | %-13s %-13s %-13s | %11s %11s | %11s %11s\n" size bytes "kyso ms w/cpu" \
  "pdfsig w/cpu" "sha256 w/cpu" kyso/pdfsig "(cpu)" kyso/sha256 "(cpu)"
for spec in 20K:20000 1M:1000000 10M:10000000 50M:50000000; do
  label=${spec%%:*}; size=${spec#*:}
  f=$W/signed-$label.pdf
  if [ ! -s "$f" ]; then
    make_pdf "$size" "$W/plain-$label.pdf"
    "$KYSO" sign "$W/plain-$label.pdf" -o "$f" --p12 "$W/signer.p12" --pin-env BENCH_PW \
      --kind invisible --offline >/dev/null 2>&1
  fi
  # sanity: kyso must find the signature intact, or the timing means nothing (B-B offline:
  # the revocation status is unknown, so the verdict is INDETERMINATE and the exit code 1)
  { "$KYSO" verify "$f" --offline --trust "$ROOT" --json 2>/dev/null || true; } |
    grep -q '"integrity": true' || { echo "kyso verify does not accept $f" >&2; exit 1; }
  read -r kw kc <<<"$(HF_IGNORE_FAILURE=1 hf kyso "$RUNS" "" "$KYSO" verify "$f" --offline --trust "$ROOT")"
  # pdfsig exits 0 for a valid signature whose issuer it does not trust (this case).
  read -r pw pc <<<"$(hf pdfsig "$RUNS" "" pdfsig "$f")"
  read -r hw hc <<<"$(hf sha "$RUNS" "" sha256sum "$f")"
  printf "%-6s %9d | %6s %6s %6s %6s %6s %6s | %11s %11s | %11s %11s\n" "$label" "$(stat -c %s "$f")" \
    "$(ms "$kw")" "$(ms "$kc")" "$(ms "$pw")" "$(ms "$pc")" "$(ms "$hw")" "$(ms "$hc")" \
    "$(awk -v a="$kw" -v b="$pw" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$kc" -v b="$pc" 'BEGIN{printf "%.2f", a/b}')" \
    "$(awk -v a="$kw" -v b="$hw" 'BEGIN{printf "%.2f", a/b}')" "$(awk -v a="$kc" -v b="$hc" 'BEGIN{printf "%.2f", a/b}')"
done

# ---- several B-LT signatures on one 1 MB document ----
echo
printf "%-8s %9s | %-13s %-13s | %11s %11s\n" sigs bytes "kyso ms w/cpu" "pdfsig w/cpu" kyso/pdfsig "(cpu)"
[ -s "$W/plain-1M.pdf" ] || make_pdf 1000000 "$W/plain-1M.pdf"
result=""
for n in 1 2 5; do
  f=$W/blt-$n.pdf
  if [ ! -s "$f" ]; then
    serve
    prev=$W/plain-1M.pdf
    for i in $(seq 1 $n); do
      "$KYSO" sign "$prev" -o "$W/blt-$n-$i.pdf" --p12 "$W/signer.p12" --pin-env BENCH_PW \
        --kind invisible --level B-LT --tsa "$BASE/tsa" >/dev/null 2>&1 ||
        { echo "kyso sign B-LT failed" >&2; exit 1; }
      prev=$W/blt-$n-$i.pdf
    done
    mv "$prev" "$f"; rm -f "$W"/blt-$n-*.pdf
  fi
  "$KYSO" verify "$f" --offline --trust "$ROOT" >/dev/null 2>&1 ||
    { echo "kyso verify does not accept $f" >&2; exit 1; }
  read -r kw kc <<<"$(hf kyso "$RUNS" "" "$KYSO" verify "$f" --offline --trust "$ROOT")"
  read -r pw pc <<<"$(hf pdfsig "$RUNS" "" pdfsig "$f")"
  r=$(awk -v a="$kw" -v b="$pw" 'BEGIN{printf "%.2f", a/b}')
  printf "%-8s %9d | %6s %6s %6s %6s | %11s %11s\n" "$n B-LT" "$(stat -c %s "$f")" \
    "$(ms "$kw")" "$(ms "$kc")" "$(ms "$pw")" "$(ms "$pc")" "$r" \
    "$(awk -v a="$kc" -v b="$pc" 'BEGIN{printf "%.2f", a/b}')"
  result+=" blt${n}_kyso_ms=$(ms "$kw") blt${n}_pdfsig_ms=$(ms "$pw") blt${n}_ratio=$r"
done
echo "RESULT$result"
