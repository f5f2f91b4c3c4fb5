#!/usr/bin/env bash
# The web UI end to end: builds web/dist if needed, starts kysod on an ephemeral loopback port
# with a fresh database (SQLite, or a throw-away PostgreSQL cluster), seeds the sample city
# through the API, runs the Playwright suite (node's test runner, Debian's chromium) and stops
# kysod. Screenshots go to build/web-screens/<backend>/.
#   test_web.sh [sqlite|postgresql]
set -euo pipefail
BACKEND=${1:-sqlite}
ROOT=${KYSO_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
BUILD=${KYSO_BUILD:-$ROOT/build}
KYSOD=${KYSOD:-$BUILD/kysod}
CHROMIUM=${KYSO_CHROMIUM:-/usr/bin/chromium}

[ -x "$KYSOD" ] || { echo "test_web: $KYSOD is missing (build kysod first)" >&2; exit 1; }
[ -x "$CHROMIUM" ] || { echo "test_web: $CHROMIUM is missing (scripts/deps.sh installs chromium)" >&2; exit 1; }
bash "$ROOT/scripts/build-web.sh"

WORK=$(mktemp -d "$BUILD/web-test-$BACKEND.XXXXXX")
KPID=""
cleanup() {
  if [ -n "$KPID" ]; then kill "$KPID" 2>/dev/null || true; wait "$KPID" 2>/dev/null || true; fi
  if declare -F pg_stop >/dev/null; then pg_stop || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

case "$BACKEND" in
  sqlite) DB="sqlite:$WORK/kysod.db" ;;
  postgresql)
    # The server's tests own the throw-away cluster (initdb in a temporary directory).
    # shellcheck source=../server/pg_lib.sh
    source "$ROOT/tests/server/pg_lib.sh"
    pg_start "$WORK/pg"
    DB=$PG_URL ;;
  *) echo "test_web: unknown backend $BACKEND" >&2; exit 3 ;;
esac

export KYSOD_ADMIN_PASSWORD="admin-$RANDOM-$RANDOM-$$"
"$KYSOD" --db "$DB" --init-admin admin.tp --agency-name "Ủy ban nhân dân thành phố Hải Phòng" --agency-code H24 >/dev/null
"$KYSOD" --db "$DB" --listen 127.0.0.1:0 --port-file "$WORK/port" --web-root "$ROOT/web/dist" \
  >"$WORK/kysod.log" 2>&1 &
KPID=$!
for _ in $(seq 1 100); do [ -s "$WORK/port" ] && break; sleep 0.05; done
[ -s "$WORK/port" ] || { echo "test_web: kysod did not start" >&2; cat "$WORK/kysod.log" >&2; exit 1; }
URL="http://127.0.0.1:$(cat "$WORK/port")"
curl -sf -o /dev/null "$URL/healthz"

node "$ROOT/scripts/sample-city.mjs" "$URL" admin.tp --json "$WORK/users.json" --quiet
unset KYSOD_ADMIN_PASSWORD

status=0
KYSO_URL=$URL KYSO_BACKEND=$BACKEND KYSO_WEB_USERS=$WORK/users.json KYSO_CHROMIUM=$CHROMIUM \
  KYSO_SCREENS="$BUILD/web-screens/$BACKEND" \
  node --test --test-concurrency=1 "$ROOT/tests/web/ui.test.mjs" || status=$?
if [ $status != 0 ]; then
  echo "--- kysod log (last 40 lines)"; tail -n 40 "$WORK/kysod.log"
fi
echo "screenshots: $BUILD/web-screens/$BACKEND/"
exit $status
