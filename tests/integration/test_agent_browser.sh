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

# The extension as deployed, with a key made for this run so that its id is known (the id of
# an unpacked extension is derived from its "key"; a deployment packs it with its own key).
export EXT="$W/extension"
cp -r "$KYSO_SOURCE/agent/extension" "$EXT"
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/ext.key" 2>/dev/null
openssl pkey -in "$W/ext.key" -pubout -outform DER -out "$W/ext.pub.der"
EXT_ID=$(python3 - "$EXT" "$W/ext.pub.der" <<'PY'
import base64, hashlib, json, sys
ext, pub = sys.argv[1], open(sys.argv[2], 'rb').read()
m = json.load(open(ext + '/manifest.json'))
m['key'] = base64.b64encode(pub).decode()
json.dump(m, open(ext + '/manifest.json', 'w'), ensure_ascii=False, indent=2)
print(''.join(chr(ord('a') + int(c, 16)) for c in hashlib.sha256(pub).hexdigest()[:32]))
PY
)
# The host is a wrapper that records each start, so that the test can tell the agent was
# never started for a refused page.
export AGENT_STARTS="$W/agent-starts.log"
cat >"$W/agent-host.sh" <<SH
#!/bin/sh
echo start >> "$AGENT_STARTS"
exec "$AGENT" "\$@"
SH
chmod +x "$W/agent-host.sh"
export PROFILE="$W/profile"
HOME="$W/home" bash "$KYSO_SOURCE/scripts/install-agent.sh" --agent "$W/agent-host.sh" \
  --chrome-id "$EXT_ID" --user-data-dir "$PROFILE" >"$W/install.log" 2>&1 ||
  { cat "$W/install.log"; echo "FAIL: install-agent.sh"; exit 1; }
[ -f "$PROFILE/NativeMessagingHosts/vn.kyso.agent.json" ] || { echo "FAIL: host manifest not written"; exit 1; }
export W KYSO_SOURCE
cd "$KYSO_SOURCE/tests/agent" && HOME="$W/home" timeout 300 node browser.test.mjs
