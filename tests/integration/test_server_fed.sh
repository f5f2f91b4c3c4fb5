#!/usr/bin/env bash
# Between servers: two real kysod instances on ephemeral loopback ports, SQLite and then
# throw-away PostgreSQL clusters. A decision sent as an edXML package to a peer that is down at
# first (queued, retried with backoff), received once however often resent, verified in process,
# registered with a số đến; status replies back to the sender; recall destroys every copy;
# notifications as server-sent events; peer requests signed with the shared key.
set -euo pipefail
B=${KYSO_BUILD:?}
[ -x "$B/kysod" ] || { echo "FAIL: $B/kysod not built"; exit 1; }
python3 "$(dirname "$0")/../server/test_fed.py" sqlite
python3 "$(dirname "$0")/../server/test_fed.py" pg
