#!/usr/bin/env bash
# The program's contract for every command: usage errors exit 3 with a message in Vietnamese
# (and English), --lang en gives English only, --help exits 0.
set -uo pipefail
K=${KYSO:?}
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }

out=$("$K" 2>&1); rc=$?
check "no arguments exits 3" '[ $rc -eq 3 ]'
out=$("$K" --help); rc=$?
check "--help exits 0" '[ $rc -eq 0 ]'
check "--help is Vietnamese" 'grep -q "Cách dùng" <<<"$out"'
out=$("$K" --lang en --help)
check "--lang en help is English" 'grep -q "Usage:" <<<"$out"'
for c in pdf sign verify ca token; do
  out=$("$K" $c --help --lang en 2>&1); rc=$?
  check "kyso $c --help exits 0 and shows its usage" '[ $rc -eq 0 ] && grep -q "kyso $c" <<<"$out"'
done
out=$("$K" frobnicate 2>&1); rc=$?
check "unknown command exits 3" '[ $rc -eq 3 ]'
check "unknown command message in Vietnamese" 'grep -q "lệnh không hợp lệ \"frobnicate\"" <<<"$out"'
check "unknown command message in English too" 'grep -q "unknown command \"frobnicate\"" <<<"$out"'
out=$("$K" --lang en frobnicate 2>&1)
check "--lang en gives no Vietnamese" '! grep -q "lỗi" <<<"$out"'
out=$("$K" --lang fr --help 2>&1); rc=$?
check "bad --lang exits 3" '[ $rc -eq 3 ]'
out=$("$K" --version)
check "--version" 'grep -q "^kyso [0-9]" <<<"$out"'
# libcurl, libmicrohttpd, SQLite, HarfBuzz, libpng and libxml2 (and the ~35 libraries they need) are loaded with
# dlopen when a command first needs them (src/util/dynlib.h); linked into the binary they would
# be loaded by every command, --version included. The sanitizer builds add only libasan/libubsan.
if command -v ldd >/dev/null; then
  libs=$(ldd "$K" 2>&1); rc=$?
  check "ldd reads the binary" '[ $rc -eq 0 ] && grep -q "libcrypto" <<<"$libs"'
  check "curl, microhttpd, sqlite3, harfbuzz, png, xml2 are not linked (dlopen on use)" \
    '! grep -E "lib(curl|microhttpd|sqlite3|harfbuzz|gnutls|png|xml2|icu)" <<<"$libs"'
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
