#!/usr/bin/env bash
# Numbering under load: two kysod nodes on one throw-away PostgreSQL behind Debian's nginx
# (ephemeral ports, everything in the build dir), the seal keys in SoftHSM2: 1,000 concurrent
# issue requests across 4 series, then kill -9 of one node mid-run: every number used once,
# each series exactly 1..N, nothing registered lost, every sealed PDF verifies.
# Labelled "scale": scripts/test.sh runs it in the -Werror pass only.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
[ -x "$B/tests/kyso_verify_many" ] || { echo "FAIL: $B/tests/kyso_verify_many not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_scale_nodes.py"
