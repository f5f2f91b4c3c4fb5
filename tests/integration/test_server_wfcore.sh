#!/usr/bin/env bash
# The outgoing workflow completed (issue 13, wfcore) against a real kysod on an ephemeral
# loopback port, SQLite and then a throw-away PostgreSQL cluster: number and date written into
# the signed document at issue, the seal at the agency's level (B-LTA, B-LT) with the local CA's
# TSA and OCSP, pdfsig / kyso verify / mutool on the output, a later change refused.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_wfcore.py" sqlite
python3 "$(dirname "$0")/../server/test_wfcore.py" pg
