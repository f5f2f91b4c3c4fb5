#!/usr/bin/env bash
# The server part of the demo: builds build/kysod, starts it on SQLite (build/demo-server/) on a
# free loopback port, fills a sample city through the API (the city committee, its office,
# Sở KH&CN, two wards; a user for every role, with the passwords printed once) and makes it
# walkable: SoftHSM2 tokens (store in build/demo-server/tokens, its own SOFTHSM2_CONF) with the
# vice-chair's personal key, the city committee's seal key and a ward's seal key, certificates
# issued by the demo's kyso CA (demo.sh's build/demo/ca while demo.sh's CA server runs, else a
# CA of its own served here) and registered with their PEMs, PIN files in pkcs11_pin_dir (0600,
# never printed), a blue signature and red seal images, trust_anchors = the CA's root and
# tsa_url = its TSA (the seal is B-T), and the sample decision uploaded as a draft by the drafter.
# It prints the address, each login and its password, and which login does which step.
# kysod (and the CA server it started) keep running; stop them with the line it prints.
# Environment: KYSOD_DEMO_PORT (the port), KYSOD_DEMO_DIR (instead of build/demo-server),
# KYSO_DEMO_DIR (demo.sh's output, instead of build/demo), KYSO_BUILD (instead of build).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${KYSO_BUILD:-$ROOT/build}   # the tests run it with their own build tree (the sanitizer one too)
[ -x "$BUILD/kysod" ] && [ -x "$BUILD/kyso" ] || { cmake -S . -B "$BUILD" -G Ninja >/dev/null && ninja -C "$BUILD" kyso kysod kyso_po; }
ninja -C "$BUILD" kyso kysod kyso_po >/dev/null
KYSO=$BUILD/kyso
OUT=${KYSOD_DEMO_DIR:-$ROOT/build/demo-server}
DEMO=${KYSO_DEMO_DIR:-$ROOT/build/demo}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
# a previous run of this script: its kysod and the CA server it started
for p in "$OUT/kysod.pid" "$OUT/ca-own.pid"; do
  if alive "$p"; then kill "$(cat "$p")"; sleep 0.5; fi
done
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 700 "$OUT"
PORT=${KYSOD_DEMO_PORT:-$(free_port)}
# on failure, stop what this run started (nothing is left running half set up)
ok=0
trap '[ $ok = 1 ] || for p in "$OUT/kysod.pid" "$OUT/ca-own.pid"; do alive "$p" && kill "$(cat "$p")"; done; true' EXIT

# ---- the CA: demo.sh's while its server runs, else our own on a free port ----
if alive "$DEMO/ca-serve.pid" && [ -s "$DEMO/ca-url" ] && [ -f "$DEMO/ca/root.pem" ]; then
  CA=$DEMO/ca
  CA_URL=$(cat "$DEMO/ca-url")
  cp "$DEMO/ca-serve.pid" "$OUT/ca-serve.pid"
else
  CA=$OUT/ca
  CA_URL=http://127.0.0.1:$(free_port)
  "$KYSO" ca init "$CA" --base-url "$CA_URL" >/dev/null
  setsid "$KYSO" ca serve "$CA" --listen "${CA_URL#http://}" >"$OUT/ca-serve.log" 2>&1 </dev/null &
  echo $! > "$OUT/ca-own.pid"
  cp "$OUT/ca-own.pid" "$OUT/ca-serve.pid"
  for _ in $(seq 1 100); do
    curl -sf -o /dev/null "$CA_URL/crl" && break
    sleep 0.1
  done
  curl -sf -o /dev/null "$CA_URL/crl" || { echo "kyso ca serve did not start:"; tail "$OUT/ca-serve.log"; exit 1; }
fi

# ---- SoftHSM2 tokens: a key generated in each, its certificate from the CA ----
MOD=$(python3 scripts/kyso_city.py module)
export SOFTHSM2_CONF
SOFTHSM2_CONF=$(python3 -c 'import sys; sys.path.insert(0, "scripts"); import kyso_city; print(kyso_city.softhsm_conf(sys.argv[1]))' "$OUT")
mkdir -m 700 "$OUT/pins" "$OUT/certs"
(umask 077
 python3 -c 'import secrets; print("so-" + secrets.token_hex(8))' > "$OUT/so.pin")
ORG="Ủy ban nhân dân thành phố Hải Phòng"
token() {  # LABEL PROFILE NAME [ca issue options…]
  local label=$1; shift
  (umask 077; python3 -c 'import secrets; print(secrets.token_hex(6))' > "$OUT/pins/$label")
  "$KYSO" token init --pkcs11 "$MOD" --token "$label" --so-pin-file "$OUT/so.pin" \
    --pin-file "$OUT/pins/$label" >/dev/null
  "$KYSO" ca issue "$CA" --pkcs11 "$MOD" --token "$label" --pin-file "$OUT/pins/$label" \
    --locality "Hải Phòng" -o "$OUT/certs/$label.pem" "$@" >/dev/null
}
token pho-chu-tich --profile personal --name "Trần Thị Bình" --title "Phó Chủ tịch" --org "$ORG"
token ubnd-hai-phong --profile organization --name "$ORG" --org "$ORG" --org-id G02
token ubnd-hong-bang --profile organization --name "Ủy ban nhân dân phường Hồng Bàng" \
  --org "Ủy ban nhân dân phường Hồng Bàng" --org-id G02.35.01

# The trust bundle: the root and the issuing CA (a token signature carries only its signer's
# certificate, so the issuing CA is listed beside the root, as a national trust list does).
cat "$CA/root.pem" "$CA/issuing-ca.pem" > "$OUT/trust.pem"

# ---- kysod ----
# The web UI: npm ci from web/package-lock.json and the esbuild bundle, when missing or stale.
bash "$ROOT/scripts/build-web.sh"
WEB=$ROOT/web/dist
mkdir -m 700 "$OUT/blobs" "$OUT/img"
cat > "$OUT/kysod.conf" <<EOF2
listen = 127.0.0.1:$PORT
database = sqlite:$OUT/kysod.db
web_root = $WEB
secure_cookies = false
threads = 2
db_pool = 4
blob_dir = $OUT/blobs
max_body_kb = 8192
pkcs11_module = $MOD
pkcs11_pin_dir = $OUT/pins
images_dir = $OUT/img
trust_anchors = $OUT/trust.pem
tsa_url = $CA_URL/tsa
EOF2
ADMIN_PW=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
KYSOD_ADMIN_PASSWORD=$ADMIN_PW "$BUILD/kysod" --config "$OUT/kysod.conf" --init-admin admin \
  --agency-name "$ORG" --agency-code G02 >/dev/null
setsid "$BUILD/kysod" --config "$OUT/kysod.conf" >"$OUT/kysod.log" 2>&1 < /dev/null &
echo $! > "$OUT/kysod.pid"
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "kysod did not start:"; tail "$OUT/kysod.log"; exit 1; }

# ---- the sample decision (docs/sample/quyet-dinh.fodt), here signed for the committee by the
# vice-chair on the chairman's behalf (TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH), made
# into a PDF by LibreOffice with a private profile ----
mkdir -p "$OUT/sample"
python3 - "$ROOT/docs/sample/quyet-dinh.fodt" "$OUT/sample/quyet-dinh.fodt" <<'PY'
import sys
t = open(sys.argv[1], encoding="utf-8").read()
p = '<text:p text:style-name="CB">'
for a, b in [(p + "CHỦ TỊCH</text:p>", p + "KT. CHỦ TỊCH</text:p>\n      " + p + "PHÓ CHỦ TỊCH</text:p>"),
             (p + "Nguyễn Văn A</text:p>", p + "Trần Thị Bình</text:p>")]:
    if t.count(a) != 1:
        sys.exit("demo_server.sh: docs/sample/quyet-dinh.fodt has no single " + a)
    t = t.replace(a, b)
open(sys.argv[2], "w", encoding="utf-8").write(t)
PY
command -v soffice >/dev/null || { echo "demo_server.sh: soffice (LibreOffice) is missing: bash scripts/deps.sh"; exit 1; }
soffice -env:UserInstallation="file://$OUT/sample/lo" --headless --convert-to pdf \
  --outdir "$OUT/sample" "$OUT/sample/quyet-dinh.fodt" >"$OUT/sample/log" 2>&1 || { cat "$OUT/sample/log"; exit 1; }
SAMPLE=$OUT/sample/quyet-dinh.pdf
[ -s "$SAMPLE" ] || { echo "demo_server.sh: LibreOffice made no PDF"; cat "$OUT/sample/log"; exit 1; }
rm -rf "$OUT/sample/lo"

KYSOD_ADMIN_PASSWORD=$ADMIN_PW KYSO_DEMO_SAMPLE=$SAMPLE KYSO_DEMO_CERTS=$OUT/certs \
  KYSO_DEMO_IMAGES=$OUT/img python3 scripts/demo_city.py "$PORT" "$OUT/passwords.txt"
chmod 600 "$OUT/passwords.txt"
ok=1
echo
echo "kysod: http://127.0.0.1:$PORT/   (/healthz: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz"))"
echo "  CA / OCSP / TSA: $CA_URL   (trust_anchors: $OUT/trust.pem)"
echo "  mật khẩu / passwords: $OUT/passwords.txt"
echo "  dừng / stop: kill \$(cat $OUT/kysod.pid $OUT/ca-serve.pid)"
