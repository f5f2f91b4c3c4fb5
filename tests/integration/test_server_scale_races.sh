#!/usr/bin/env bash
# Races on one document, on SQLite and PostgreSQL: 8 concurrent issues, sends and accepts of the
# same document or delivery; one wins, the others get 409, one number and one entry are taken.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_scale_races.py" sqlite
python3 "$(dirname "$0")/../server/test_scale_races.py" pg
