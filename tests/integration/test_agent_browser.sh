#!/usr/bin/env bash
# The kyso extension and kyso-agent in a real browser: Debian's chromium (new headless mode,
# persistent profile, --load-extension) with the native host registered for the test user by
# scripts/install-agent.sh in the profile's NativeMessagingHosts; the scripted pinentry stands
# in for the person. tests/agent/browser.test.mjs holds the checks (signatures verified by
# openssl; a page of an unconfigured origin refused). Screenshots: build/test-agent-browser/screens.
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W="$KYSO_BUILD/test-agent-browser"
rm -rf "$W"
mkdir -p "$W"
. "$KYSO_SOURCE/tests/agent/agent_lib.sh"
[ -x /usr/bin/chromium ] || { echo "FAIL: /usr/bin/chromium missing (scripts/deps.sh installs it)"; exit 1; }
[ -x "$AGENT" ] || { echo "FAIL: $AGENT not built"; exit 1; }
if [ ! -d "$KYSO_SOURCE/tests/agent/node_modules/playwright-core" ]; then
  (cd "$KYSO_SOURCE/tests/agent" && npm ci --no-audit --no-fund >/dev/null) ||
    { echo "FAIL: npm ci in tests/agent"; exit 1; }
fi
agent_setup_token || { echo "FAIL: token set-up"; exit 1; }
agent_config

agent_setup_browser || exit 1
export W KYSO_SOURCE
cd "$KYSO_SOURCE/tests/agent" && HOME="$W/home" timeout 300 node browser.test.mjs
