#!/usr/bin/env bash
# bench/bench_verify.sh — offline validation time of signed PDFs of about 20 KB, 1 MB, 10 MB and
# 50 MB: `kyso verify --offline` against `pdfsig` (poppler) and plain `sha256sum` of the file
# (the floor: every verifier must hash the signed bytes), measured in the same run. Prints the
# median of N runs per tool and the ratios kyso/pdfsig and kyso/sha256sum.
#   bench/bench_verify.sh [BUILD_DIR] [RUNS]     (default: build, 5 runs)
# Files are generated into BUILD_DIR/bench-verify: a one-page PDF drawing an uncompressed
# grey image of the wanted size, signed with `kyso sign` and the corpus test identity.
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-$SRC/build}
RUNS=${2:-5}
KYSO=$BUILD/kyso
C=${KYSO_SHARED:-$SRC/../shared}/corpus
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

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

time_ms() { # RUNS CMD... -> median wall time in ms
  local n=$1; shift
  for _ in $(seq "$n"); do
    local s e
    s=$(date +%s%N)
    "$@" >/dev/null 2>&1 || true
    e=$(date +%s%N)
    echo $(( (e - s) / 1000000 ))
  done | median
}

printf "%-8s %10s %10s %10s %10s %12s %12s\n" size bytes kyso_ms pdfsig_ms sha256_ms kyso/pdfsig kyso/sha256
for spec in 20K:20000 1M:1000000 10M:10000000 50M:50000000; do
  label=${spec%%:*}; size=${spec#*:}
  f=$W/signed-$label.pdf
  if [ ! -s "$f" ]; then
    make_pdf "$size" "$W/plain-$label.pdf"
    PW=test "$KYSO" sign "$W/plain-$label.pdf" -o "$f" --p12 "$C/certs/vn-corpus-public-signer-nguyen-van-a.p12" \
      --pin-env PW --kind invisible >/dev/null 2>&1
  fi
  # sanity: kyso must accept the file, or the timing means nothing
  "$KYSO" verify "$f" --offline --trust "$C/certs/vn-corpus-public-root.pem" >/dev/null 2>&1 ||
    { echo "kyso verify does not accept $f" >&2; exit 1; }
  k=$(time_ms "$RUNS" "$KYSO" verify "$f" --offline --trust "$C/certs/vn-corpus-public-root.pem")
  p=$(time_ms "$RUNS" pdfsig "$f")
  h=$(time_ms "$RUNS" sha256sum "$f")
  printf "%-8s %10d %10s %10s %10s %12s %12s\n" "$label" "$(stat -c %s "$f")" "$k" "$p" "$h" \
    "$(awk -v a="$k" -v b="$p" 'BEGIN{printf (b>0?"%.2f":"-"), a/b}')" \
    "$(awk -v a="$k" -v b="$h" 'BEGIN{printf (b>0?"%.2f":"-"), a/b}')"
done
