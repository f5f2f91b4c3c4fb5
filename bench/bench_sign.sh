#!/usr/bin/env bash
# Benchmark: `kyso sign` (invisible, B-B, RSA-3072 corpus key) against the signers installed
# here — podofosign, poppler's `pdfsig -add-signature` (NSS) and `mutool sign` — on generated
# PDFs of 20 KB, 1 MB, 10 MB and 50 MB that carry one empty signature field (mutool signs only
# existing fields). Prints per tool and size the median wall time (hyperfine), mean CPU time and
# peak RSS, and
# the ratio fastest-peer / kyso. Each output is checked with pdfsig before it counts.
# Usage: bench/bench_sign.sh [KYSO_BINARY] [RUNS]   (default: build/kyso, 15 runs; 7 for 50 MB)
set -uo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
K=$(realpath "${1:-$SRC/build/kyso}")
RUNS=${2:-15}
export KYSO_PW=test
C=${KYSO_SHARED:-$SRC/../shared}/corpus
P12=$C/certs/vn-corpus-public-signer-nguyen-van-a.p12
W=$(mktemp -d /tmp/kyso-bench-sign.XXXXXX)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
[ -x "$K" ] || { echo "kyso binary not found: $K"; exit 1; }

# Key material for the peers.
openssl pkcs12 -in "$P12" -passin pass:test -nocerts -nodes -out key.pem 2>/dev/null
openssl pkcs12 -in "$P12" -passin pass:test -clcerts -nokeys -out cert.pem 2>/dev/null
mkdir nss && certutil -N --empty-password -d sql:nss >/dev/null 2>&1
pk12util -i "$P12" -d sql:nss -W test >/dev/null 2>&1
NICK=$(certutil -L -d sql:nss | awk 'NR>4 && /u,u,u/ {sub(/ +u,u,u.*/, ""); print; exit}')
echo test >pw.txt

# A one-page PDF of about SIZE bytes with an empty signature field "Sig1" (object 5).
gen() {
    python3 - "$1" "$2" <<'EOF'
import os, sys
size, path = int(sys.argv[1]), sys.argv[2]
pad = os.urandom(max(0, size - 1200))
objs = [b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [5 0 R] >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Annots [5 0 R] >>",
        None,
        b"<< /Type /Annot /Subtype /Widget /FT /Sig /T (Sig1) /Rect [0 0 0 0] /F 132 /P 3 0 R >>",
        None]
content = b"0 0 1 rg 100 600 200 100 re f"
out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
offs = []
for i, o in enumerate(objs, 1):
    offs.append(len(out))
    out += b"%d 0 obj\n" % i
    if i == 4:
        out += b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    elif i == 6:
        out += b"<< /Length %d >>\nstream\n" % len(pad) + pad + b"\nendstream"
    else:
        out += o
    out += b"\nendobj\n"
x = len(out)
out += b"xref\n0 7\n0000000000 65535 f \n" + b"".join(b"%010d 00000 n \n" % o for o in offs)
out += b"trailer\n<< /Size 7 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % x
open(path, "wb").write(out)
EOF
}

# Checks "$@" once (its output must validate in pdfsig; peak RSS by GNU time), then times it
# with hyperfine: prints "median_wall_s mean_cpu_s peak_rss_kb". CPU time is the steadier number
# on a shared machine.
. "$SRC/bench/lib.sh"
HF_DIR=$W
measure() {
    local n=$1; shift
    rm -f out.pdf
    /usr/bin/time -f "%M" -o t.txt "$@" >/dev/null 2>err.txt </dev/null || { echo "fail fail fail"; return; }
    [ "$(pdfsig out.pdf 2>/dev/null | grep -c 'Signature is Valid')" -ge 1 ] || { echo "invalid invalid invalid"; return; }
    local rss; rss=$(tail -1 t.txt)
    echo "$(hf sign "$n" "rm -f out.pdf" "$@") $rss"
}

printf '%-8s %-22s %10s %10s %12s\n' size tool wall_s cpu_s peak_rss_kb
for spec in 20K:20000 1M:1000000 10M:10000000 50M:50000000; do
    name=${spec%%:*}; bytes=${spec##*:}
    gen "$bytes" in-$name.pdf
    n=$RUNS; [ "$name" = 50M ] && [ "$n" -gt 7 ] && n=7
    declare -A R=()
    R[kyso]=$(measure "$n" "$K" sign in-$name.pdf -o out.pdf \
        --p12 "$P12" --pin-env KYSO_PW --offline)
    R[podofosign]=$(measure "$n" podofosign -in in-$name.pdf -out out.pdf -cert cert.pem \
        -pkey key.pem -digest SHA256 -field-name Sig1 -field-use-existing)
    R[pdfsig-add-signature]=$(measure "$n" pdfsig -add-signature -nssdir sql:nss -nick "$NICK" \
        -kpw test in-$name.pdf out.pdf)
    R[mutool-sign]=$(measure "$n" mutool sign -s "$P12" -P test -o out.pdf in-$name.pdf 5)
    best=""; bt=""
    for tool in kyso podofosign pdfsig-add-signature mutool-sign; do
        read -r t c m <<<"${R[$tool]}"
        printf '%-8s %-22s %10s %10s %12s\n' "$name" "$tool" "$t" "$c" "$m"
        if [ "$tool" != kyso ] && [[ $t =~ ^[0-9.]+$ ]] && { [ -z "$bt" ] || awk "BEGIN{exit !($t < $bt)}"; }; then
            bt=$t; best=$tool
        fi
    done
    read -r kt kc km <<<"${R[kyso]}"
    if [[ $kt =~ ^[0-9.]+$ ]] && [ -n "$bt" ]; then
        awk -v b="$bt" -v k="$kt" -v n="$name" -v p="$best" 'BEGIN {
            printf "%-8s ratio fastest peer (%s) / kyso = %.2f\n", n, p, b / k }'
    fi
    unset R
done
