#!/usr/bin/env bash
# The document workflow in the web UI, end to end through Debian's chromium: a decision from the
# drafter of the city committee's office to the clerks of two wards (one registers it, one rejects
# it with a reason the sender sees), each person in their own browser context; the signed PDF
# checked with pdfsig and kyso verify. Screenshots: build/web-screens/<backend>/wf-*.png.
#   test_web_workflow.sh [sqlite|postgresql]
set -euo pipefail
ROOT=${KYSO_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
export KYSO_SOURCE=$ROOT
export KYSO_BUILD=${KYSO_BUILD:-$ROOT/build}
CHROMIUM=${KYSO_CHROMIUM:-/usr/bin/chromium}
[ -x "$KYSO_BUILD/kysod" ] || { echo "test_web_workflow: $KYSO_BUILD/kysod is missing (build kysod first)" >&2; exit 1; }
[ -x "$CHROMIUM" ] || { echo "test_web_workflow: $CHROMIUM is missing (scripts/deps.sh installs chromium)" >&2; exit 1; }
command -v pdfsig >/dev/null || { echo "test_web_workflow: pdfsig is missing (scripts/deps.sh installs poppler-utils)" >&2; exit 1; }
bash "$ROOT/scripts/build-web.sh"
exec python3 "$ROOT/tests/web/run_workflow.py" "${1:-sqlite}"
