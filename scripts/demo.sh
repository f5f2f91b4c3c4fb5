#!/usr/bin/env bash
# The main job on the embedded default, end to end: installs what kyso needs, builds build/kyso,
# creates a test public-service PKI (root, issuing CA, OCSP responder, TSA) served on loopback,
# issues a leader's personal certificate and the city committee's organisation certificate,
# signs a sample official decision (docs/sample/quyet-dinh.fodt, made into a PDF by
# LibreOffice) twice (the leader's visible signature, then the clerk's
# organisation seal, both PAdES B-LT with a timestamp), and verifies the result.
# Everything it makes goes under build/demo/ (keys included; never commit them). It ends with
# scripts/demo_server.sh: kysod with a walkable sample city, whose certificates this CA issues.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "1/6 Cài gói phụ thuộc / installing dependencies"
bash scripts/deps.sh

step "2/6 Biên dịch / building build/kyso"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build
KYSO=$ROOT/build/kyso

OUT=$ROOT/build/demo
# the CA server a previous run left to the demo server
if [ -f "$OUT/ca-serve.pid" ] && kill -0 "$(cat "$OUT/ca-serve.pid")" 2>/dev/null; then
  kill "$(cat "$OUT/ca-serve.pid")" || true; sleep 0.3
fi
rm -rf "$OUT"
mkdir -p "$OUT"
SAMPLE=$OUT/quyet-dinh.pdf   # made below from docs/sample/quyet-dinh.fodt
export KYSO_DEMO_PW="demo-$$-$RANDOM"   # the PKCS#12 password, through the environment only

step "3/6 Hạ tầng khóa công khai thử nghiệm / a test PKI on loopback"
PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
"$KYSO" ca init "$OUT/ca" --base-url "$BASE"
setsid "$KYSO" ca serve "$OUT/ca" --listen "127.0.0.1:$PORT" >"$OUT/ca-serve.log" 2>&1 </dev/null &
SERVER=$!
echo "$SERVER" > "$OUT/ca-serve.pid"   # demo_server.sh reuses this CA, OCSP and TSA while it runs
echo "$BASE" > "$OUT/ca-url"
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do
  curl -sf -o /dev/null "$BASE/crl" && break
  sleep 0.1
done
"$KYSO" ca issue "$OUT/ca" --profile personal --name "Nguyễn Văn A" --title "Chủ tịch" \
  --org "Ủy ban nhân dân thành phố Hải Phòng" --locality "Hải Phòng" \
  --out-p12 "$OUT/leader.p12" --pin-env KYSO_DEMO_PW -o "$OUT/leader.pem"
"$KYSO" ca issue "$OUT/ca" --profile organization --name "Ủy ban nhân dân thành phố Hải Phòng" \
  --org "Ủy ban nhân dân thành phố Hải Phòng" --locality "Hải Phòng" \
  --out-p12 "$OUT/org.p12" --pin-env KYSO_DEMO_PW -o "$OUT/org.pem"
/usr/bin/python3 scripts/sample_images.py "$OUT"   # blue signature.png, red seal.png
bash scripts/sample_pdf.sh "$SAMPLE"                # the sample decision, by LibreOffice

step "4/6 Ký cá nhân / the leader signs (visible, blue signature image)"
"$KYSO" sign "$SAMPLE" -o "$OUT/qd-1-leader.pdf" --p12 "$OUT/leader.p12" --pin-env KYSO_DEMO_PW \
  --kind personal --image "$OUT/signature.png" --title "CHỦ TỊCH" --name "Nguyễn Văn A" \
  --level B-LT --tsa "$BASE/tsa" --reason "Ký ban hành"

step "5/6 Văn thư ký số của cơ quan / the clerk adds the organisation's seal signature"
"$KYSO" sign "$OUT/qd-1-leader.pdf" -o "$OUT/qd-2-issued.pdf" --p12 "$OUT/org.p12" \
  --pin-env KYSO_DEMO_PW --kind organization --image "$OUT/seal.png" --seal-mm 36 \
  --level B-LT --tsa "$BASE/tsa"

step "6/6 Kiểm tra / verifying"
"$KYSO" pdf info "$OUT/qd-2-issued.pdf"
set +e
"$KYSO" verify "$OUT/qd-2-issued.pdf" --trust "$OUT/ca/root.pem" --html "$OUT/report.html"
rc=$?
"$KYSO" verify "$OUT/qd-2-issued.pdf" --trust "$OUT/ca/root.pem" --json >"$OUT/report.json"
set -e
if command -v pdfsig >/dev/null; then
  step "pdfsig (Poppler) — đối chứng / cross-check"
  pdfsig "$OUT/qd-2-issued.pdf" || true
fi
printf '\nKết quả / output: %s/qd-2-issued.pdf, report.html, report.json (kyso verify exit %d)\n' \
  "$OUT" "$rc"
# ---- kysod: the server with a sample city (scripts/demo_server.sh; it keeps running) ----
# Its tokens' certificates come from this CA, and its seal is timestamped by this TSA: the CA
# server keeps running with kysod (the stop line demo_server.sh prints ends both).
step "kysod — máy chủ với thành phố mẫu / the server with a sample city"
KYSO_BUILD=$ROOT/build bash scripts/demo_server.sh
trap - EXIT
exit $rc
