#!/usr/bin/env bash
# kysod's API against a real kysod on an ephemeral loopback port, on SQLite and then on a
# throw-away PostgreSQL cluster the test starts itself (initdb in a temporary directory):
# sign-in, back-off, sessions, CSRF, organisation, people, roles, delegations, certificates,
# audit, ETags, pagination, isolation, bad input, and the route x role matrix.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_api.py" sqlite
python3 "$(dirname "$0")/../server/test_api.py" pg
