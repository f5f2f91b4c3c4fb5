#!/usr/bin/env bash
# kysod under 10,000 slow connections and garbage on the wire: answers, bounded memory, no crash.
set -euo pipefail
python3 "$(dirname "$0")/../server/test_abuse.py"
