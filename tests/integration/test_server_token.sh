#!/usr/bin/env bash
# Sign-in and signing with the person's own token (issue 14), server side, against a real kysod
# and a real CA (kyso ca serve: OCSP, CRL), SQLite and then a throw-away PostgreSQL cluster:
# Web eID authentication tokens and signature values made with the subscriber's key exactly as
# kyso-agent makes them; replays, expired challenges, other origins, unregistered, revoked and
# foreign certificates, values for another hash, another user's sign_id, expiry and double
# finish refused; a batch; the result sealed and valid in pdfsig and kyso verify.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_tokensrv.py" sqlite
python3 "$(dirname "$0")/../server/test_tokensrv.py" pg
