#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each on its seed corpus; the total
# budget (seconds, default 60) is shared equally. A crash fails the run and its input is kept
# in build-fuzz/crashes/. For a long local run: scripts/fuzz.sh 3600 (per target: budget/N).
set -uo pipefail
cd "$(dirname "$0")/.."
BUDGET=${1:-60}
DIR=build-fuzz
CC=clang cmake -S . -B "$DIR" -G Ninja -DKYSO_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  >"$DIR.cmake.log" 2>&1 || { cat "$DIR.cmake.log"; exit 1; }
targets=()
for f in fuzz/fuzz_*.c; do [ -e "$f" ] && targets+=("$(basename "${f%.c}")"); done
if [ ${#targets[@]} -eq 0 ]; then echo "fuzz: no targets"; exit 0; fi
ninja -C "$DIR" "${targets[@]}" || exit 1
per=$(( BUDGET / ${#targets[@]} )); [ "$per" -lt 5 ] && per=5
mkdir -p "$DIR/crashes"
rc=0
for t in "${targets[@]}"; do
  name=${t#fuzz_}
  seeds=fuzz/seeds/$name
  work=$DIR/corpus-$name
  mkdir -p "$work"
  [ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null
  bin=$DIR/fuzz/$t; [ -x "$bin" ] || bin=$DIR/$t
  echo "=== fuzz $t for ${per}s"
  if ! "$bin" -max_total_time="$per" -rss_limit_mb=2048 -timeout=10 \
      -artifact_prefix="$DIR/crashes/$t-" "$work" 2>"$DIR/$t.log"; then
    tail -40 "$DIR/$t.log"; rc=1
  else
    grep -E '^#[0-9]+.*DONE|Done [0-9]+ runs' "$DIR/$t.log" | tail -1
  fi
done
exit $rc
