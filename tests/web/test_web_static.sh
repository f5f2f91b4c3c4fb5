#!/usr/bin/env bash
# The web UI without a server: npm ci + strict TypeScript check + esbuild bundle (build-web.sh),
# every string a person reads is in the catalogue in vi and en (check-strings), and the date
# formatting rules (format.test.mjs, node's test runner).
set -euo pipefail
ROOT=${KYSO_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
bash "$ROOT/scripts/build-web.sh"
node "$ROOT/web/scripts/check-strings.mjs"
node --test "$ROOT/tests/web/format.test.mjs" "$ROOT/tests/web/session.test.mjs" "$ROOT/tests/web/docs_logic.test.mjs"
