#!/usr/bin/env bash
# Issue 14 end to end in a real browser: Debian's chromium (new headless mode, persistent
# profile, the kyso extension loaded, kyso-agent registered for the test HOME by
# scripts/install-agent.sh), kysod's web UI on a loopback port, the leader's key made inside
# their own SoftHSM2 token by kyso ca, the scripted pinentry for the person. The leader signs in
# with the token, signs a decision through the UI, the clerk seals it (server-side token), pdfsig
# and kyso verify accept it, and a batch of 10 is signed with one PIN request. Checks in
# tests/agent/token_e2e.py and token_e2e.test.mjs; screenshots in build/test-token-browser/screens.
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W="$KYSO_BUILD/test-token-browser"
rm -rf "$W"
mkdir -p "$W"
. "$KYSO_SOURCE/tests/agent/agent_lib.sh"
[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium missing (scripts/deps.sh installs it)"; exit 1; }
[ -x "$AGENT" ] || { echo "FAIL: $AGENT not built"; exit 1; }
[ -x "$KYSO_BUILD/kysod" ] || { echo "FAIL: $KYSO_BUILD/kysod not built"; exit 1; }
bash "$KYSO_SOURCE/scripts/build-web.sh" >"$W/build-web.log" 2>&1 || { cat "$W/build-web.log"; echo "FAIL: web build"; exit 1; }
if [ ! -d "$KYSO_SOURCE/tests/agent/node_modules/playwright-core" ]; then
  (cd "$KYSO_SOURCE/tests/agent" && npm ci --no-audit --no-fund >/dev/null) ||
    { echo "FAIL: npm ci in tests/agent"; exit 1; }
fi
# The leader's own token: empty; kyso ca makes the key inside it (token_e2e.py).
export LEADER_TOKEN="Nguyen Van A"
"$KYSO" token init --pkcs11 "$M" --token "$LEADER_TOKEN" --so-pin-file "$W/so" --pin-file "$W/pin" \
  >/dev/null 2>"$W/setup.err" || { cat "$W/setup.err"; echo "FAIL: token set-up"; exit 1; }
agent_config
agent_setup_browser || exit 1
export W KYSO_SOURCE KYSO_BUILD
HOME="$W/home" timeout 900 python3 "$KYSO_SOURCE/tests/agent/token_e2e.py"
