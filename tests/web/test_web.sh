#!/usr/bin/env bash
# The web UI end to end: builds web/dist if needed, then run_web.py starts kysod on an ephemeral
# loopback port with a fresh database (SQLite, or a throw-away PostgreSQL cluster) through the
# server tests' helpers, fills the sample city through the API, runs the Playwright suite (node's
# test runner, Debian's chromium) and stops kysod. Screenshots: build/web-screens/<backend>/.
#   test_web.sh [sqlite|postgresql]
set -euo pipefail
ROOT=${KYSO_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
export KYSO_SOURCE=$ROOT
export KYSO_BUILD=${KYSO_BUILD:-$ROOT/build}
CHROMIUM=${KYSO_CHROMIUM:-/usr/bin/chromium}
[ -x "$KYSO_BUILD/kysod" ] || { echo "test_web: $KYSO_BUILD/kysod is missing (build kysod first)" >&2; exit 1; }
[ -x "$CHROMIUM" ] || { echo "test_web: $CHROMIUM is missing (scripts/deps.sh installs chromium)" >&2; exit 1; }
bash "$ROOT/scripts/build-web.sh"
exec python3 "$ROOT/tests/web/run_web.py" "${1:-sqlite}"
