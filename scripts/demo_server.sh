#!/usr/bin/env bash
# The server part of the demo: builds build/kysod, starts it on SQLite (build/demo-server/) on a
# free loopback port, fills a sample city through the API (the city committee, its office,
# Sở KH&CN, two wards; a user for every role, with the passwords printed once), waits until
# /healthz answers 200 and prints the address to open. kysod keeps running afterwards; stop it
# with: kill "$(cat build/demo-server/kysod.pid)". KYSOD_DEMO_PORT chooses the port.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
[ -x build/kysod ] || { cmake -S . -B build -G Ninja >/dev/null && ninja -C build kysod; }
ninja -C build kysod >/dev/null
OUT=$ROOT/build/demo-server
if [ -f "$OUT/kysod.pid" ] && kill -0 "$(cat "$OUT/kysod.pid")" 2>/dev/null; then
  kill "$(cat "$OUT/kysod.pid")"; sleep 0.5
fi
rm -rf "$OUT"; mkdir -p "$OUT"; chmod 700 "$OUT"
PORT=${KYSOD_DEMO_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
# The web UI: npm ci from web/package-lock.json and the esbuild bundle, when missing or stale.
bash "$ROOT/scripts/build-web.sh"
WEB=$ROOT/web/dist
cat > "$OUT/kysod.conf" <<EOF2
listen = 127.0.0.1:$PORT
database = sqlite:$OUT/kysod.db
web_root = $WEB
secure_cookies = false
threads = 2
db_pool = 4
EOF2
ADMIN_PW=$(python3 -c 'import secrets; print(secrets.token_urlsafe(12))')
KYSOD_ADMIN_PASSWORD=$ADMIN_PW build/kysod --config "$OUT/kysod.conf" --init-admin admin \
  --agency-name "Ủy ban nhân dân thành phố Hải Phòng" --agency-code G02 >/dev/null
setsid build/kysod --config "$OUT/kysod.conf" >"$OUT/kysod.log" 2>&1 < /dev/null &
echo $! > "$OUT/kysod.pid"
for _ in $(seq 1 100); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" && break
  sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$PORT/healthz" || { echo "kysod did not start:"; tail "$OUT/kysod.log"; exit 1; }
KYSOD_ADMIN_PASSWORD=$ADMIN_PW python3 scripts/demo_city.py "$PORT" "$OUT/passwords.txt"
chmod 600 "$OUT/passwords.txt"
echo
echo "kysod: http://127.0.0.1:$PORT/   (/healthz: $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/healthz"))"
echo "  mật khẩu / passwords: $OUT/passwords.txt    dừng / stop: kill \$(cat $OUT/kysod.pid)"
