#!/usr/bin/env bash
# The document workflow against a real kysod on an ephemeral loopback port, SQLite and then a
# throw-away PostgreSQL cluster: a decision walked from the drafter through review, format check,
# the signer's personal signature (SoftHSM2 token) and the clerk's number and seal, to two wards
# (one accepts, one rejects with a reason the sender sees); pdfsig and kyso verify on the output;
# sequential numbers; classified, unsigned, oversized and tampered input refused.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_docs.py" sqlite
python3 "$(dirname "$0")/../server/test_docs.py" pg
