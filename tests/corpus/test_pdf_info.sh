#!/usr/bin/env bash
# `kyso pdf info` end to end: exit codes (0 ok, 3 usage, 4 input error), Vietnamese by default
# and English with --lang en, JSON that parses and is self-consistent (docs/pdf-info-json.md),
# and signature fields checked against poppler's pdfsig (count and signed ranges) on the
# signed corpus files, each ByteRange ending at a revision's %%EOF.
set -uo pipefail
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
K=${KYSO:?}
C=${KYSO_SHARED:?}/corpus
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
expect_rc() { # expect_rc WANT DESCRIPTION CMD...
  local want=$1 what=$2; shift 2
  "$@" >"$T/out" 2>"$T/err"; local rc=$?
  [ $rc -eq "$want" ] && ok || bad "$what: exit $rc, expected $want: $(head -c 300 "$T/err")"
}

A4=$C/debian/deb-cups-testpage-cairo.pdf
expect_rc 3 "no file" "$K" pdf info
expect_rc 3 "unknown option" "$K" pdf info --bogus "$A4"
expect_rc 4 "missing file" "$K" pdf info "$T/missing.pdf"
printf 'not a pdf\n' > "$T/x.pdf"
expect_rc 4 "not a PDF" "$K" pdf info "$T/x.pdf"
grep -q '%PDF-' "$T/err" && ok || bad "not-a-PDF message: $(cat "$T/err")"
expect_rc 4 "encrypted without password" "$K" pdf info "$C/github/gh-pyhanko-minimal-aes256-userpw.pdf"
grep -q 'mật khẩu' "$T/err" && ok || bad "password message is not Vietnamese: $(cat "$T/err")"
echo wrong > "$T/pw"
expect_rc 4 "wrong password" "$K" pdf info --password-file "$T/pw" "$C/github/gh-pyhanko-minimal-aes256-userpw.pdf"
echo usersecret > "$T/pw"
expect_rc 0 "right password" "$K" pdf info --password-file "$T/pw" "$C/github/gh-pyhanko-minimal-aes256-userpw.pdf"

expect_rc 0 "human output" "$K" pdf info "$A4"
grep -q '^Số trang: 1$' "$T/out" && grep -q '210.0 x 297.0 mm' "$T/out" && ok ||
  bad "Vietnamese output: $(cat "$T/out")"
expect_rc 0 "English output" "$K" pdf info --lang en "$A4"
grep -q '^Pages: 1$' "$T/out" && ok || bad "English output: $(cat "$T/out")"

# JSON over every readable corpus file: parses, page_count == len(pages), revisions ordered
mkdir -p "$T/json"; n=0
for f in "$C"/*/*.pdf; do
  n=$((n+1))
  "$K" pdf info --json "$f" >"$T/json/$n.json" 2>/dev/null || rm -f "$T/json/$n.json"
done
while read -r line; do
  [ "$line" = ok ] && ok || bad "$line"
done < <($PY - "$T"/json/*.json <<'PY'
import json, sys
for path in sys.argv[1:]:
    try:
        j = json.load(open(path))
        assert j["page_count"] == len(j["pages"]), "page_count"
        ends = [r["eof_end"] for r in j["revisions"]]
        assert ends == sorted(ends) and ends[-1] <= j["size"], "revision ends"
        for p in j["pages"]:
            assert p["width_pt"] > 0 and p["height_pt"] > 0 and p["rotate"] in (0, 90, 180, 270)
            assert abs(p["width_mm"] - p["width_pt"] * 25.4 / 72) < 0.06, "mm"
        for s in j["signature_fields"]:
            if s["byte_range"] and s["covers_revision"] is not None:
                br = s["byte_range"]
                e = j["revisions"][s["covers_revision"]]["eof_end"]
                assert 0 <= e - (br[2] + br[3]) <= 2, "covers_revision"
        print("ok")
    except Exception as e:
        print("%s: JSON inconsistent (%r)" % (path, e))
PY
)
[ "$(ls "$T/json" | wc -l)" -ge 50 ] && ok || bad "fewer than 50 corpus files gave JSON"

# signed files: field count and ranges as pdfsig reports them
for f in poppler-pdfsig-signed-qd github/gh-pyhanko-two-fields-signed-twice \
         github/gh-pyhanko-pades-lta-dss github/gh-dss-doc-firmado-es \
         github/gh-dss-etsi-plugtest-hu-mic-1 github/gh-qpdf-digitally-signed; do
  p=$C/$f.pdf; [ -f "$p" ] || p=$C/generated/$f.pdf
  "$K" pdf info --json "$p" >"$T/j" 2>"$T/err" || { bad "$f: $(cat "$T/err")"; continue; }
  pdfsig -nocert "$p" 2>/dev/null | grep 'Signed Ranges' |
    sed -E 's/.*\[([0-9]+) - ([0-9]+)\], \[([0-9]+) - ([0-9]+)\].*/\1 \2 \3 \4/' >"$T/want"
  $PY - "$T/j" <<'PY' >"$T/got"
import json, sys
for s in json.load(open(sys.argv[1]))["signature_fields"]:
    if s["signed"] and s["byte_range"]:
        a, b, c, d = s["byte_range"]
        print(a, a + b, c, c + d)
PY
  [ -s "$T/want" ] && diff -q <(sort "$T/want") <(sort "$T/got") >/dev/null && ok ||
    bad "$f: ranges differ from pdfsig: want $(tr '\n' ';' <"$T/want") got $(tr '\n' ';' <"$T/got")"
done

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
