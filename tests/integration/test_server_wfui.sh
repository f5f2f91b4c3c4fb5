#!/usr/bin/env bash
# What the web UI's document page needs from kysod, SQLite and then a throw-away PostgreSQL
# cluster: the format report a checker runs before deciding, and the signature image placed where
# the signer moved it (bad boxes refused naming the field, nothing signed by a refusal).
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_wfui_sign.py" sqlite
python3 "$(dirname "$0")/../server/test_wfui_sign.py" pg
