#!/usr/bin/env bash
# Copies (SAO Y, SAO LỤC, TRÍCH SAO) with their register and the copy signature, the follow-up
# register, the registers as CSV/XLSX/PDF and closing a year, against a real kysod on an
# ephemeral loopback port: SQLite, then a throw-away PostgreSQL cluster.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_copies.py" sqlite
python3 "$(dirname "$0")/../server/test_copies.py" pg
