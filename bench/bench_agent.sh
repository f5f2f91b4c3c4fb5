#!/usr/bin/env bash
# kyso-agent: hash → signature round trip through the page API, the extension, native
# messaging and the agent (Debian's chromium, new headless; SoftHSM2 token, RSA-2048; the
# scripted pinentry answers the dialog, so no human step is timed), and a batch of 50 hashes
# under one confirmation and one PIN. Baseline in the same run: the same request sent straight
# to the agent over its stdin (no browser), so the ratio is the browser's share.
#   bash bench/bench_agent.sh [RUNS]        (default 40 single round trips)
# Last line (contract): RESULT roundtrip_p95_ms=N batch50_s=N
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUNS=${1:-40}
BUILD=${KYSO_BUILD:-$ROOT/build}
[ -x "$BUILD/kyso-agent" ] && [ -x "$BUILD/kyso" ] || { echo "build first: ninja -C build"; exit 1; }
export KYSO="$BUILD/kyso" KYSO_BUILD="$BUILD" KYSO_SOURCE="$ROOT"
W="$BUILD/bench-agent"
rm -rf "$W"; mkdir -p "$W"
. "$ROOT/tests/agent/agent_lib.sh"
[ -d "$ROOT/tests/agent/node_modules/playwright-core" ] ||
  (cd "$ROOT/tests/agent" && npm ci --no-audit --no-fund >/dev/null)
agent_setup_token >/dev/null
agent_config
AGENT_HOST_WRAPPER=0 agent_setup_browser >/dev/null
export W RUNS

# Baseline: the agent alone, the same request over stdin, one process per request (as the
# browser starts it for each sendNativeMessage).
H=$(cat "$W/rsa.id")
python3 - "$AGENT" "$H" "$RUNS" >"$W/direct.json" <<'PY'
import base64, hashlib, json, struct, subprocess, sys, time
agent, cert, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
out = []
for i in range(runs + 1):
    h = base64.b64encode(hashlib.sha256(b'doc %d' % i).digest()).decode()
    m = json.dumps({"command": "sign", "origin": "http://127.0.0.1:8080", "cert": cert,
                    "hashAlgorithm": "SHA-256", "documents": [{"title": "Văn bản", "hash": h}]}).encode()
    t0 = time.perf_counter()
    p = subprocess.run([agent], input=struct.pack('=I', len(m)) + m, capture_output=True)
    dt = (time.perf_counter() - t0) * 1000
    assert b'"ok":true' in p.stdout, p.stdout
    if i: out.append(dt)
print(json.dumps(out))
PY
(cd "$ROOT/tests/agent" && HOME="$W/home" node roundtrip.bench.mjs) >"$W/browser.json"

python3 - "$W/direct.json" "$W/browser.json" <<'PY'
import json, sys
direct = sorted(json.load(open(sys.argv[1])))
b = json.load(open(sys.argv[2]))
single = sorted(b["single_ms"])
def pct(v, p): return v[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
print("hash → signature, RSA-2048 in SoftHSM2, scripted pinentry, %d runs each" % len(single))
print("%-40s p50 %7.1f ms   p95 %7.1f ms" % ("agent alone (stdin, one process)", pct(direct, 50), pct(direct, 95)))
print("%-40s p50 %7.1f ms   p95 %7.1f ms" % ("page → extension → agent (chromium)", pct(single, 50), pct(single, 95)))
print("ratio browser/agent-alone at p95: %.2f" % (pct(single, 95) / pct(direct, 95)))
print("batch of 50 hashes, one dialog, one PIN: %.2f s (%.1f ms per signature)" % (b["batch50_ms"] / 1000, b["batch50_ms"] / 50))
print("goals (issue 14): p95 < 150 ms, batch of 50 < 2 s")
print("RESULT roundtrip_p95_ms=%d batch50_s=%.2f" % (round(pct(single, 95)), b["batch50_ms"] / 1000))
PY
