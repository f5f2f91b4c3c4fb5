#!/usr/bin/env bash
# kysod against nginx (wrk -t2 -c64 -d10s): an authenticated JSON GET of a 50-user page on
# SQLite and on PostgreSQL, nginx serving the same bytes as a static file, and kysod's RSS idle
# and with 1,000 keep-alive connections. Ends with
#   RESULT rps=N p99_ms=N nginx_ratio=R rss_idle_mb=N rss_1000_mb=N pg_rps=N
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/deps.sh >/dev/null
[ -d build ] || cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
ninja -C build kysod >/dev/null
KYSO_BUILD=$ROOT/build python3 bench/bench_server.py
