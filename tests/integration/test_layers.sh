#!/usr/bin/env bash
# The layer rule (docs/layers.md) holds for the tree, and the check really fails on a
# wrong-way include: a copy of the tree with pdf/ including sign.h, and one with text/ reaching
# into sign/'s private header, must both be refused.
set -uo pipefail
SRC=${KYSO_SOURCE:?}
fail=0
bash "$SRC/scripts/check_layers.sh" "$SRC" || { echo "FAIL: the tree breaks the layer rule"; fail=1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$SRC/src" "$SRC/include" "$tmp/"
sed -i '0,/#include "internal.h"/s//#include "internal.h"\n#include "kyso\/sign.h"/' "$tmp/src/pdf/object.c"
out=$(bash "$SRC/scripts/check_layers.sh" "$tmp" 2>&1)
if [[ $? -eq 0 ]] || ! grep -q 'src/pdf/object.c (pdf/) includes "kyso/sign.h" of sign/' <<<"$out"; then
  echo "FAIL: pdf/ including kyso/sign.h was not caught"; echo "$out"; fail=1
fi
cp "$SRC/src/pdf/object.c" "$tmp/src/pdf/object.c"
echo '#include "../sign/appear.h"' >>"$tmp/src/text/font.h"
out=$(bash "$SRC/scripts/check_layers.sh" "$tmp" 2>&1)
if [[ $? -eq 0 ]] || ! grep -q 'src/text/font.h (text/) includes "../sign/appear.h" of sign/' <<<"$out"; then
  echo "FAIL: text/ including sign/'s private header was not caught"; echo "$out"; fail=1
fi
[[ $fail -eq 0 ]] && echo "PASS: layers"
exit $fail
