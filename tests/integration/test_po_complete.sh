#!/usr/bin/env bash
# Every message a user can read has a Vietnamese translation: the msgids marked with N_() or
# ks_tr() in the sources must all be translated in po/vi.po (+ po/fragments/*.po), and the
# format directives must agree (msgfmt --check-format).
set -uo pipefail
SRC=${KYSO_SOURCE:?}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }

find "$SRC/src" -name '*.c' | sort > "$T/files"
xgettext --from-code=UTF-8 --language=C --keyword=N_ --keyword=ks_tr -o "$T/kyso.pot" \
  --files-from="$T/files" 2>"$T/xg.err" && ok || bad "xgettext: $(cat "$T/xg.err")"
shopt -s nullglob
msgcat --use-first -o "$T/all.po" "$SRC/po/vi.po" "$SRC"/po/fragments/*.po
if msgcmp "$T/all.po" "$T/kyso.pot" 2>"$T/cmp.err"; then ok; else
  bad "untranslated messages:"; grep -E 'this message' "$T/cmp.err" | head -50
  n=$(grep -c 'this message' "$T/cmp.err"); echo "($n messages lack a Vietnamese translation)"
fi
msgfmt --check-format -o /dev/null "$T/all.po" 2>"$T/fmt.err" && ok || bad "format: $(head -20 "$T/fmt.err")"
# No fuzzy entries: a fuzzy translation is not used by gettext.
if msgattrib --only-fuzzy "$T/all.po" | grep -q '^msgid "[^"]'; then bad "fuzzy entries"; else ok; fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
