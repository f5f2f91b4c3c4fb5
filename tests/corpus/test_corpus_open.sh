#!/usr/bin/env bash
# Every corpus PDF (MANIFEST.tsv) opens with `kyso pdf info` and has the page count of a peer:
#  - qpdf_check "ok": must open in strict mode; pages == `qpdf --show-npages`;
#  - qpdf_check "warnings": strict mode may refuse, but then with exit 4 and a message that
#    names a byte offset or an object, and `--repair` must open it with poppler's page count
#    (`pdfinfo`, which reconstructs like we do); if strict opens it, pages == qpdf's;
#  - encrypted files with a user password are refused without it (exit 4) and open with it;
#  - only files whose expected_outcome is BROKEN may fail strict mode at all;
#  - files with unambiguous xref-offset deviations (WARN_FILES) must open strictly and report
#    each deviation in "warnings", naming byte offsets.
# Files are checked 4 at a time (each check is a few short processes).
set -uo pipefail
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
K=${KYSO:?}
C=${KYSO_SHARED:?}/corpus
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
ok() { echo ok; }
bad() { echo "FAIL: $*"; }

# startxref, /Prev and /XRefStm shifted by 19 bytes; /Prev 0 and an earlier revision whose
# startxref and /Prev are wrong (each revision's own startxref ... %%EOF tail finds its table).
WARN_FILES=" github/gh-pdfjs-issue17147-word2019.pdf github/gh-dss-pades-5-sigs-1-doctst.pdf "

pages_of() { grep -o '"page_count": [0-9]*' | grep -o '[0-9]*$'; }

check() { # check FILE QPDF_CHECK ENCRYPTED EXPECTED_OUTCOME MANIFEST_PAGES
  local file=$1 qc=$2 enc=$3 expect=$4 mpages=$5 f="$C/$1" pw out rc want got pwopt
  pw=""
  if [[ $enc =~ user-pw=\'([^\']*)\' ]]; then
    pw=${BASH_REMATCH[1]}
    out=$("$K" pdf info --lang en "$f" 2>&1); rc=$?
    [ $rc -eq 4 ] && grep -q password <<<"$out" && ok || bad "$file: opened without its password (rc $rc): $out"
  fi
  export KYSO_TEST_PW="$pw"
  pwopt=(); [ -n "$pw" ] && pwopt=(--password-env KYSO_TEST_PW)
  out=$("$K" pdf info --json --lang en "${pwopt[@]}" "$f" 2>&1); rc=$?
  if [ $rc -eq 0 ]; then
    want=$(qpdf --password="$pw" --show-npages "$f" 2>/dev/null)
    got=$(pages_of <<<"$out")
    if [[ $WARN_FILES == *" $file "* ]]; then
      # qpdf stops at "/Prev 0" (0 pages for the DSS file): poppler, which follows the earlier
      # revisions, and the MANIFEST's pages column are the oracles here.
      want=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}')
      [ "$want" = "$mpages" ] || bad "$file: pdfinfo says $want pages, MANIFEST $mpages"
    fi
    [ "$got" = "$want" ] && ok || bad "$file: $got pages, the oracle says $want"
    if [[ $WARN_FILES == *" $file "* ]]; then
      grep -Eq '"warnings": \[".*byte offset [0-9]+' <<<"$out" && ok ||
        bad "$file: opened strictly without a warning: $(head -c 300 <<<"$out")"
    fi
    return
  fi
  if [[ $WARN_FILES == *" $file "* ]]; then
    bad "$file: must open strictly (with warnings), failed (rc $rc): $out"
    return
  fi
  if [[ $expect != *BROKEN* ]]; then
    bad "$file: not marked BROKEN but strict open failed (rc $rc): $out"
    return
  fi
  if [ "$qc" != warnings ]; then
    bad "$file: qpdf --check is clean but strict open failed (rc $rc): $out"
    return
  fi
  [ $rc -eq 4 ] && grep -Eq 'byte offset|object [0-9]' <<<"$out" && ok ||
    bad "$file: strict failure is not precise (rc $rc): $out"
  out=$("$K" pdf info --json --repair --lang en "${pwopt[@]}" "$f" 2>&1); rc=$?
  want=$(pdfinfo "$f" 2>/dev/null | awk '/^Pages:/{print $2}')
  got=$(pages_of <<<"$out")
  [ $rc -eq 0 ] && [ "$got" = "$want" ] && grep -q '"repaired": true' <<<"$out" && ok ||
    bad "$file: repair mode: rc $rc, $got pages, pdfinfo says $want: $(head -c 300 <<<"$out")"
}

i=0
while IFS='|' read -r file qc enc expect mpages; do
  i=$((i+1))
  check "$file" "$qc" "$enc" "$expect" "$mpages" > "$T/$i.out" 2>&1 &
  while [ "$(jobs -rp | wc -l)" -ge 4 ]; do wait -n; done
done < <(awk -F'\t' 'NR>1 && ($22=="ok" || $22=="warnings") {print $1"|"$22"|"$15"|"$26"|"$21}' "$C/MANIFEST.tsv")
wait
cat "$T"/*.out | grep '^FAIL' || true
pass=$(cat "$T"/*.out | grep -c '^ok$' || true)
fail=$(cat "$T"/*.out | grep -vc '^ok$' || true)
for o in "$T"/*.out; do [ -s "$o" ] || { echo "FAIL: a check printed nothing"; fail=$((fail+1)); }; done
[ "$i" -ge 50 ] || { echo "FAIL: only $i corpus files"; fail=$((fail+1)); }
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
