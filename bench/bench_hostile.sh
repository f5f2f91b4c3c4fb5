#!/usr/bin/env bash
# bench/bench_hostile.sh [BUILD_DIR] [OLD_KYSO] — wall time and peak RSS of kyso on hostile files
# (tests/attacks/make_hostile.py): FlateDecode bombs in a content stream and in an object stream
# (1000 MB decoded each), and a signed file whose DSS lists 4,000 copies of its certificate plus
# 4,000 look-alikes. Peers in the same run: `qpdf --check` (reads every stream) and `pdfsig`;
# OLD_KYSO (e.g. a build of the previous main) is measured too when given. The goal of issue 10:
# every input finishes within 2 s and 300 MB. Reports only; tests assert verdicts, not time.
set -uo pipefail
BUILD=${1:-$(dirname "$0")/../build}
K=$(realpath "$BUILD/kyso")
OLD=${2:-}
SRC=$(realpath "$(dirname "$0")/..")
W=${BENCH_DIR:-$(mktemp -d)}; mkdir -p "$W"
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$W"' EXIT
cd "$W" || exit 1
G=$SRC/tests/attacks/make_hostile.py
python3 "$G" plain plain.pdf
python3 "$G" bomb-content bomb-content.pdf
python3 "$G" bomb-objstm bomb-objstm.pdf
mkdir -p lk
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s.key -out s.pem \
  -days 30 -subj "/CN=Signer/O=X" -addext "keyUsage=critical,digitalSignature,nonRepudiation" 2>/dev/null
openssl x509 -in s.pem -outform DER -out lk/cert.der
for i in $(seq 1 20); do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
    -subj "/CN=Signer/O=X" -days 30 -outform DER -out "lk/lookalike-$i.der" 2>/dev/null
done
"$K" sign plain.pdf -o signed.pdf --key s.key --cert s.pem --kind invisible >/dev/null 2>&1
python3 "$G" dss-flood signed.pdf lk/cert.der 4000 dss-flood.pdf

worst_s=0; worst_kb=0
row() { # row LABEL CMD...: one run; kyso rows count towards the worst case
  local label=$1; shift
  /usr/bin/time -o t.out -f "%e %M %U %S" "$@" >/dev/null 2>&1
  read -r wall kb u sy < <(tail -1 t.out)
  local cpu; cpu=$(python3 -c "print(round($u + $sy, 2))")
  printf '%-46s %6s s %6s s %8s KB\n' "$label" "$wall" "$cpu" "$kb"
  if [[ $label == kyso* ]]; then
    worst_s=$(python3 -c "print(max($worst_s, $cpu))"); worst_kb=$(( kb > worst_kb ? kb : worst_kb ))
  fi
}
echo "file / tool                                      wall      CPU       peak RSS"
echo "(on a shared machine the wall time grows with the load; CPU time is the work done)"
for f in bomb-content.pdf bomb-objstm.pdf; do
  row "kyso pdf text $f" "$K" pdf text "$f"
  row "kyso pdf info $f" "$K" pdf info "$f"
  row "kyso verify $f" "$K" verify "$f" --json
  [ -n "$OLD" ] && row "old kyso pdf text $f" "$OLD" pdf text "$f"
  command -v qpdf >/dev/null && row "qpdf --check $f" qpdf --check "$f"
done
row "kyso verify dss-flood.pdf (8,000 DSS certs)" "$K" verify dss-flood.pdf --trust s.pem --offline --json
[ -n "$OLD" ] && row "old kyso verify dss-flood.pdf" "$OLD" verify dss-flood.pdf --trust s.pem --offline --json
command -v pdfsig >/dev/null && row "pdfsig dss-flood.pdf" pdfsig dss-flood.pdf
echo "RESULT worst_kyso_cpu_s=$worst_s worst_kyso_rss_kb=$worst_kb goal_s=2 goal_rss_kb=307200 load=$(cut -d' ' -f1 /proc/loadavg)"
