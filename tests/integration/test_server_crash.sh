#!/usr/bin/env bash
# kill -9 of kysod during concurrent writes, three times, on SQLite and PostgreSQL: consistent
# database, intact audit chain, every change with its entry.
set -euo pipefail
python3 "$(dirname "$0")/../server/test_crash.py" sqlite
python3 "$(dirname "$0")/../server/test_crash.py" pg
