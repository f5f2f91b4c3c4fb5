#!/usr/bin/env bash
# Register numbers at the year boundary in Asia/Ho_Chi_Minh, on SQLite and on a throw-away
# PostgreSQL cluster: kysod's test clock stopped at 31/12 23:59:59 +07:00 gives that year's
# numbers and date, at 00:00:00 +07:00 the next year's series starts at 01 (the seal dated alike);
# the test clock is refused without KYSOD_TEST_CLOCK=1.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_scale_year.py" sqlite
python3 "$(dirname "$0")/../server/test_scale_year.py" pg
