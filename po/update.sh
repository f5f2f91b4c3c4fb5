#!/usr/bin/env bash
# Regenerates the message template from the sources and merges it into po/vi.po, folding in
# any po/fragments/*.po (translations written per module while work is in progress) and
# dropping messages the code no longer uses. Run after adding or changing N_()/ks_tr() strings;
# `ctest -R po_complete` then tells what still lacks a Vietnamese translation.
set -euo pipefail
cd "$(dirname "$0")/.."
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
find src -name '*.c' | sort >"$T/files"
xgettext --from-code=UTF-8 --language=C --keyword=N_ --keyword=ks_tr --package-name=kyso \
  --no-location -o "$T/kyso.pot" --files-from="$T/files"
shopt -s nullglob
msgcat --use-first -o "$T/all.po" po/vi.po po/fragments/*.po
msgmerge --quiet --no-fuzzy-matching --no-location -o "$T/merged.po" "$T/all.po" "$T/kyso.pot"
msgattrib --no-obsolete --no-location -o po/vi.po "$T/merged.po"
msgfmt --check-format --statistics -o /dev/null po/vi.po
