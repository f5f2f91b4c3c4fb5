#!/usr/bin/env bash
# bench/bench_workflow.sh [BUILD_DIR] — the document workflow on one kysod node (this machine:
# its cores are the node's), with the agency's seal key in SoftHSM2 and the local TSA:
#  - issue: 1 MB decisions (already signed by the leader) numbered, sealed at B-T, registered
#    and sent to 3 recipient agencies (each delivery verified on arrival), 8 concurrent
#    clients over 4 series; goal >= 50 documents/s. perf samples kysod: CPU share per step;
#    the TSA server's CPU is reported apart.
#  - verify: a 1 MB document with two B-LT signatures, in-process (the server's validation,
#    2 threads) against pdfsig and mutool on the same file; goal >= 200 documents/s.
# N (documents, default 400), CLIENTS (8), NV (verifications per run, 400), DB=sqlite|pg.
# Last line (a contract): RESULT issue_docs_per_s=N verify_docs_per_s=N duplicate_numbers=N gaps=N
set -euo pipefail
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$(cd "${1:-${KYSO_BUILD:-$SRC/build}}" && pwd)
KYSO=$BUILD/kyso
for b in kyso kysod tests/kyso_verify_many; do
  [ -x "$BUILD/$b" ] || { echo "build first: ninja -C $BUILD (missing $b)" >&2; exit 3; }
done
W=$BUILD/bench-workflow
rm -rf "$W" && mkdir -p "$W/pins" "$W/tokens" && chmod 700 "$W/pins"
MOD=
for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
         /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so; do
  [ -f "$m" ] && MOD=$m && break
done
[ -n "$MOD" ] || { echo "SoftHSM2 missing (scripts/deps.sh installs softhsm2)" >&2; exit 3; }
printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n' \
  "$W" >"$W/softhsm2.conf"
export SOFTHSM2_CONF=$W/softhsm2.conf

# the test CA (TSA, OCSP, CRL) on a free loopback port, the leader's key in a PKCS#12 file,
# the agency's seal key generated in a SoftHSM2 token
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$KYSO" ca init "$W/ca" --base-url "$BASE" >/dev/null
"$KYSO" ca serve "$W/ca" --listen "127.0.0.1:$PORT" >"$W/serve.log" 2>&1 &
TSA_PID=$!
trap 'kill $TSA_PID 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -sf -o /dev/null "$BASE/crl" && break; sleep 0.1; done
export BENCH_PW=bench-pw-1
"$KYSO" ca issue "$W/ca" --profile personal --name "Nguyễn Văn A" --title "Chủ tịch" \
  --org "Ủy ban nhân dân thành phố Hải Phòng" --out-p12 "$W/signer.p12" --pin-env BENCH_PW \
  -o "$W/signer.pem" >/dev/null
echo "so-12345678" >"$W/so"
echo "pin-seal0" >"$W/pins/seal0"
"$KYSO" token init --pkcs11 "$MOD" --token seal0 --so-pin-file "$W/so" --pin-file "$W/pins/seal0" >/dev/null
"$KYSO" ca issue "$W/ca" --profile organization --name "Ủy ban nhân dân thành phố Hải Phòng" \
  --org-id G02 --pkcs11 "$MOD" --token seal0 --key-label k --pin-file "$W/pins/seal0" \
  -o "$W/seal0.pem" >/dev/null

# a 1 MB decision signed by the leader (visible, B-T), and the same with two B-LT signatures
( cd "$SRC" && PYTHONPATH=tests/server python3 -c "
import sys; from scale_lib import big_pdf, seal_png
open('$W/doc-1m.pdf', 'wb').write(big_pdf(1_000_000)); seal_png('$W/signature.png', 80)" )
"$KYSO" sign "$W/doc-1m.pdf" -o "$W/doc-1m-signed.pdf" --p12 "$W/signer.p12" --pin-env BENCH_PW \
  --kind personal --image "$W/signature.png" --rect 330,420,530,520 --title "CHỦ TỊCH" \
  --name "Nguyễn Văn A" --level B-T --tsa "$BASE/tsa" >/dev/null
"$KYSO" sign "$W/doc-1m.pdf" -o "$W/blt1.pdf" --p12 "$W/signer.p12" --pin-env BENCH_PW \
  --kind invisible --level B-LT --tsa "$BASE/tsa" >/dev/null
"$KYSO" sign "$W/blt1.pdf" -o "$W/blt2.pdf" --pkcs11 "$MOD" --token seal0 --pin-file "$W/pins/seal0" \
  --kind invisible --level B-LT --tsa "$BASE/tsa" >/dev/null
"$KYSO" verify "$W/blt2.pdf" --offline --trust "$W/ca/root.pem" >/dev/null ||
  { echo "kyso verify does not accept $W/blt2.pdf" >&2; exit 1; }

cd "$SRC"
KYSO_BUILD=$BUILD BENCH_DIR=$W TSA_URL=$BASE/tsa TSA_PID=$TSA_PID P11_MODULE=$MOD \
  python3 bench/bench_workflow.py
