#!/usr/bin/env bash
# The C sources are clang-formatted (.clang-format at the top): any file that clang-format
# would change fails this test, naming the file.
set -uo pipefail
SRC=${KYSO_SOURCE:?}
mapfile -t files < <(find "$SRC/src" "$SRC/include" "$SRC/tests" "$SRC/fuzz" -name '*.[ch]' | sort)
out=$(printf '%s\0' "${files[@]}" | xargs -0 -n 40 -P 2 clang-format --dry-run 2>&1)
bad=$(grep -o '^[^:]*\.[ch]:[0-9]*:[0-9]*: warning' <<<"$out" | cut -d: -f1 | sort -u)
fail=0
for f in $bad; do fail=$((fail+1)); echo "FAIL: not clang-formatted: ${f#$SRC/} (run clang-format -i)"; done
echo "$(( ${#files[@]} - fail )) passed, $fail failed"
[ "$fail" -eq 0 ] && [ ${#files[@]} -gt 0 ]
