# tests/integration/pki_lib.sh — sourced by the test_pki*.sh scripts: a fresh work directory
# $W under the build tree (argument: its name), a kyso ca serve PID that is stopped on exit,
# the pass/fail counters and the small checks they share, and a free port on loopback ($URL).
KYSO=${KYSO:?}
BUILD=${KYSO_BUILD:?}
W="$BUILD/${1:?work directory name}"
rm -rf "$W" && mkdir -p "$W" && cd "$W" || exit 1
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; }
trap cleanup EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
check() { local what=$1; shift; if "$@" >/dev/null 2>&1; then ok; else bad "$what"; fi; }
has() { grep -qF -- "$2" "$1" || { echo "  ($1 lacks: $2)"; return 1; }; }
lacks() { ! grep -qF -- "$2" "$1"; }
serial_of() { openssl x509 -in "$1" -noout -serial | cut -d= -f2; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
