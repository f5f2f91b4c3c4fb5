#!/usr/bin/env bash
# Builds the web UI into web/dist when it is missing or older than its sources: `npm ci` from the
# committed web/package-lock.json (only when node_modules does not match it), then the strict
# type-check and the esbuild bundle (`npm run build`). Safe to call from parallel tests (flock).
#   --force   rebuild even when web/dist looks current
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
WEB=$ROOT/web
command -v node >/dev/null && command -v npm >/dev/null || { echo "build-web: node and npm are needed (scripts/deps.sh installs them)" >&2; exit 1; }

exec 9>"$WEB/.build.lock"
flock 9

cd "$WEB"
# node_modules/.package-lock.json is npm's own record of what it installed: stale when the
# committed lock file is newer, or when it is missing.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "build-web: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  touch node_modules/.package-lock.json
fi

stale=0
if [ "${1:-}" = "--force" ] || [ ! -f dist/index.html ]; then
  stale=1
elif [ -n "$(find src index.html build.mjs package-lock.json tsconfig.json ../agent/extension/page/kyso-agent.js -newer dist/index.html -print -quit)" ]; then
  stale=1
fi
if [ $stale = 1 ]; then
  npm run --silent build
fi
