#!/usr/bin/env bash
# DOCX/ODT drafts converted by LibreOffice in kysod's background jobs (progress, concurrency,
# the timeout that kills a hung conversion), and the refusals (password-protected DOCX and ODT,
# a file that is not what it says, a 200 MB upload with kysod's memory measured), on SQLite and
# then a throw-away PostgreSQL cluster.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_wfcore_convert.py" sqlite
python3 "$(dirname "$0")/../server/test_wfcore_convert.py" pg
