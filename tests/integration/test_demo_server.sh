#!/usr/bin/env bash
# The README's demo server is walkable (issues #13, #14): scripts/demo_server.sh, run into a
# directory and on a port of its own (never a person's build/demo-server or their port), starts
# kysod with the sample city, its SoftHSM2 tokens, its CA/OCSP/TSA and the sample draft; then
# tests/server/demo_walk.py walks the draft with the passwords the demo printed (submit, approve,
# format check, sign, issue, send to a ward, accept) and checks the issued PDF with pdfsig and
# `kyso verify` (TOTAL-PASSED, the seal B-T). kysod and the CA server are stopped at the end.
set -euo pipefail
B=${KYSO_BUILD:?}
SRC=${KYSO_SOURCE:-$(cd "$(dirname "$0")/../.." && pwd)}
for t in pdfsig soffice softhsm2-util curl; do
  command -v "$t" >/dev/null || { echo "FAIL: $t missing (bash scripts/deps.sh installs it)"; exit 1; }
done
W=$(mktemp -d "$B/test-demo-server.XXXXXX")
D=$W/demo-server
stop() {
  for p in "$D/kysod.pid" "$D/ca-own.pid"; do
    [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
  done
}
trap stop EXIT
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
rc=0
KYSOD_DEMO_DIR=$D KYSO_DEMO_DIR=$W/no-demo KYSOD_DEMO_PORT=$PORT bash "$SRC/scripts/demo_server.sh" \
  > "$W/demo.out" 2>&1 || rc=$?
if [ $rc != 0 ]; then echo "FAIL: demo_server.sh exit $rc"; tail -30 "$W/demo.out"; exit 1; fi
fails=0
ok() { if "$@"; then echo "ok   $desc"; else echo "FAIL $desc"; fails=$((fails + 1)); fi; }
desc="the demo prints the address on its port"; ok grep -q "http://127.0.0.1:$PORT/" "$W/demo.out"
desc="the demo prints which login does which step (Vietnamese first)"
ok grep -q "vanthu.hb    — tiếp nhận văn bản đến" "$W/demo.out"
desc="PIN files are 0600 and never printed"
ok bash -c 'for f in "$1"/pins/*; do [ "$(stat -c %a "$f")" = 600 ] || exit 1; ! grep -qF "$(cat "$f")" "$2" || exit 1; done' _ "$D" "$W/demo.out"
desc="three tokens made (vice-chair, committee seal, ward seal)"; ok test "$(ls "$D/pins" | wc -l)" = 3
python3 "$SRC/tests/server/demo_walk.py" "$D" || fails=$((fails + 1))
stop
# gone (or a zombie: the processes were reparented to whoever reaps orphans here)
running() { local s; s=$(ps -o stat= -p "$(cat "$1")" 2>/dev/null) && [ "${s#Z}" = "$s" ]; }
gone() { for _ in $(seq 1 50); do running "$1" || return 0; sleep 0.1; done; return 1; }
desc="kysod stopped"; ok gone "$D/kysod.pid"
desc="the CA server stopped"; ok gone "$D/ca-own.pid"
desc="no sanitizer report in kysod's log"; ok bash -c '! grep -q "Sanitizer" "$1/kysod.log"' _ "$D"
if [ $fails = 0 ]; then rm -rf "$W"; echo "test_demo_server: all passed"; exit 0; fi
echo "test_demo_server: $fails failed (work dir $W)"
exit 1
