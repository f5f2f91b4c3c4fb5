#!/usr/bin/env bash
# Runs every test of kyso: installs dependencies, then the whole suite twice (a -Werror build
# and an AddressSanitizer + UndefinedBehaviorSanitizer build), then each fuzz target for a
# short bounded time on its seed corpus. Exits non-zero if anything fails.
#   KYSO_SKIP_ASAN=1  skip the sanitizer pass      KYSO_SKIP_FUZZ=1  skip fuzzing
#   KYSO_SKIP_TSAN=1  skip the ThreadSanitizer pass (tests labelled tsan)
#   KYSO_FUZZ_SECONDS total fuzzing budget in seconds (default 60)
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=$(nproc)

bash scripts/deps.sh || { echo "deps.sh failed"; exit 1; }

status=0
summary=()

run_suite() {
  local name=$1 dir=$2; shift 2
  echo "=== $name: configure + build ($dir)"
  if ! cmake -S . -B "$dir" -G Ninja "$@" >"$dir.cmake.log" 2>&1; then
    cat "$dir.cmake.log"; summary+=("$name: configure FAILED"); status=1; return
  fi
  if ! ninja -C "$dir" -j "$JOBS"; then
    summary+=("$name: build FAILED"); status=1; return
  fi
  echo "=== $name: tests"
  local skipped names
  # CTEST_EXCLUDE_LABEL: a label whose tests this pass leaves out (they ran in the first one)
  if ctest --test-dir "$dir" -j "$JOBS" --output-on-failure --timeout 1800 \
       ${CTEST_EXCLUDE_LABEL:+-LE "$CTEST_EXCLUDE_LABEL"} 2>&1 | tee "$dir.ctest.log"; then
    summary+=("$name: all tests passed")
  else
    summary+=("$name: tests FAILED"); status=1
  fi
  # Tests that need ../shared/corpus exit 77 where it is absent: CTest reports them skipped.
  skipped=$(grep -c '\*\*\*Skipped' "$dir.ctest.log")
  if [ "$skipped" -gt 0 ]; then
    names=$(grep '\*\*\*Skipped' "$dir.ctest.log" | sed -E 's/.*Test +#[0-9]+: ([^ ]+).*/\1/' | tr '\n' ' ')
    summary+=("$name: $skipped tests skipped: they need ../shared/corpus (KYSO_SHARED): $names")
  fi
}

mkdir -p build
run_suite "werror" build -DKYSO_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo

# kyso-agent for Windows x64 (mingw-w64): built, not run. It configures src/agent on its own,
# since the agent needs nothing but libc and the token's module.
echo "=== windows: cross-build build-win/kyso-agent.exe"
rm -f build-win/kyso-agent.exe
if cmake -S src/agent -B build-win -G Ninja -DCMAKE_TOOLCHAIN_FILE="$ROOT/cmake/mingw-w64-x86_64.cmake" \
     -DCMAKE_BUILD_TYPE=Release >build-win.cmake.log 2>&1 && ninja -C build-win -j "$JOBS" &&
   [ -f build-win/kyso-agent.exe ]; then
  summary+=("windows: build-win/kyso-agent.exe built")
else
  cat build-win.cmake.log; summary+=("windows: cross-build FAILED"); status=1
fi

if [ "${KYSO_SKIP_ASAN:-0}" != 1 ]; then
  export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
  export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
  # the two-node storm (label scale) ran in the -Werror pass: once is enough for 2 cores
  CTEST_EXCLUDE_LABEL=scale run_suite "asan+ubsan" build-asan -DKYSO_SANITIZE=ON -DKYSO_WERROR=ON \
    -DCMAKE_BUILD_TYPE=Debug
  unset ASAN_OPTIONS UBSAN_OPTIONS
fi

# ThreadSanitizer: only the tests labelled "tsan" (many threads through one ks_ctx), built in
# their own tree, so that the whole suite is not run a third time.
if [ "${KYSO_SKIP_TSAN:-0}" != 1 ]; then
  echo "=== tsan: configure + build (build-tsan)"
  if cmake -S . -B build-tsan -G Ninja -DKYSO_TSAN=ON -DKYSO_WERROR=ON \
       -DCMAKE_BUILD_TYPE=RelWithDebInfo >build-tsan.cmake.log 2>&1 &&
     ninja -C build-tsan -j "$JOBS" kyso_po sign_test_threads util_test_msg; then
    if TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
         ctest --test-dir build-tsan -L tsan --output-on-failure --timeout 1800; then
      summary+=("tsan: no data race")
    else
      summary+=("tsan: FAILED"); status=1
    fi
  else
    cat build-tsan.cmake.log; summary+=("tsan: build FAILED"); status=1
  fi
fi

if [ "${KYSO_SKIP_FUZZ:-0}" != 1 ]; then
  if bash scripts/fuzz.sh "${KYSO_FUZZ_SECONDS:-60}"; then
    summary+=("fuzz: no crash")
  else
    summary+=("fuzz: FAILED"); status=1
  fi
fi

echo "=== summary"
printf '%s\n' "${summary[@]}"
exit $status
