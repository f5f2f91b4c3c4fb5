#!/usr/bin/env bash
# `kyso pdf check` (Decree 30/2020 Appendix I format report) both ways: two documents written
# as LibreOffice flat ODT (tests/data/docfmt: a two-page decision and a công văn), converted to
# PDF by LibreOffice directly and through Word's format (.docx) — no finding, exit 0; then one
# deliberately broken variant per rule (sed on the source) — exactly that rule is reported, with
# its page and box, exit 1. The real decisions of ../shared/corpus (LibreOffice from ODT and
# DOCX, qpdf rewrites, Chromium's công văn) also pass; an unreadable file exits 4.
set -u
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K=${KYSO:?}
SRC=${KYSO_SOURCE:?}/tests/data/docfmt
W=${KYSO_BUILD:?}/test-pdf-check
rm -rf "$W"; mkdir -p "$W/src" "$W/pdf" "$W/docx"
W=$(realpath "$W")  # soffice needs an absolute profile URL
cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
command -v soffice >/dev/null || { echo "FAIL: soffice (libreoffice-writer-nogui) missing: bash scripts/deps.sh"; exit 1; }

Q=$SRC/qd.fodt
cp "$Q" src/qd.fodt; cp "$SRC/cv.fodt" src/cv.fodt
# variant NAME RULE SED-EXPR: the decision with one rule broken
declare -A RULE
variant() { sed -e "$3" "$Q" > "src/$1.fodt"; RULE[$1]=$2; cmp -s "$Q" "src/$1.fodt" && echo "FAIL: sed of $1 changed nothing" && fail=$((fail+1)); }
variant letter page-size 's/fo:page-width="21.0cm" fo:page-height="29.7cm"/fo:page-width="21.59cm" fo:page-height="27.94cm"/'
variant left2cm margin-left 's/fo:margin-left="3cm"/fo:margin-left="2cm"/'
# the header table keeps its 16.5 cm: pushed right by the wider left margin, it enters the right one
variant left5cm "margin-left margin-right" 's/fo:margin-left="3cm"/fo:margin-left="4.5cm"/'
variant right1cm margin-right 's/fo:margin-right="1.5cm"/fo:margin-right="0.8cm"/'
variant right3cm margin-right 's/fo:margin-right="1.5cm"/fo:margin-right="3cm"/'
variant top1cm margin-top 's/fo:margin-top="2cm" fo:margin-bottom="2cm"/fo:margin-top="1.2cm" fo:margin-bottom="2cm"/'
variant top4cm margin-top 's/fo:margin-top="2cm" fo:margin-bottom="2cm"/fo:margin-top="4cm" fo:margin-bottom="2cm"/'
variant bottom1cm margin-bottom 's/fo:margin-top="2cm" fo:margin-bottom="2cm"/fo:margin-top="2cm" fo:margin-bottom="1cm"/'
variant bottom5cm margin-bottom 's/fo:margin-top="2cm" fo:margin-bottom="2cm"/fo:margin-top="2cm" fo:margin-bottom="5cm"/'
variant arial font "s/svg:font-family=\"'Times New Roman'\"/svg:font-family=\"Arial\"/"
variant noquochieu national-title '/CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM/d'
variant notieungu national-title '/Độc lập - Tự do - Hạnh phúc/d'
variant smallquochieu national-title 's/text:style-name="C13B">CỘNG HÒA/text:style-name="NoiNhanL">CỘNG HÒA/'
variant noagency agency-name '/>ỦY BAN NHÂN DÂN</d; />THÀNH PHỐ HẢI PHÒNG</d'
variant badnumber number-symbol 's#Số: 15/QĐ-UBND#Số: 15 / QĐ UBND#'
variant onedigit number-symbol 's#Số: 15/QĐ-UBND#Số: 5/QĐ-UBND#'
variant wrongtype number-symbol 's#Số: 15/QĐ-UBND#Số: 15/TB-UBND#'
variant nonumber number-symbol '/Số: 15\/QĐ-UBND/d'
variant baddate place-date 's/ngày 05 tháng 3 năm 2026/ngày 5 tháng 3 năm 2026/'
variant slashdate place-date 's/Hải Phòng, ngày 05 tháng 3 năm 2026/Hải Phòng 05\/3\/2026, ngày/'
variant smalldate place-date 's/text:style-name="C14I">Hải Phòng/text:style-name="NoiNhanL">Hải Phòng/'
variant smallname signer-block 's#<style:style style:name="B" style:family="text">#<style:style style:name="Small" style:family="paragraph"><style:text-properties fo:font-size="11pt" fo:font-weight="bold"/></style:style>\n  &#; s#text:style-name="C14B">Nguyễn Văn A#text:style-name="Small">Nguyễn Văn A#'
variant notype doc-type '/"Title">QUYẾT ĐỊNH</d'
variant norecipients recipients '/>Nơi nhận:</d'
variant noluu recipients '/- Lưu: VT, KSTTHC./d'
variant nosigner signer-block '/>TM. ỦY BAN NHÂN DÂN</d; />CHỦ TỊCH</d; />Nguyễn Văn A</d'
variant classified classified 's#<text:p text:style-name="C13">Số: 15/QĐ-UBND</text:p>#&<text:p text:style-name="C14B">MẬT</text:p>#'
variant topsecret classified 's#<text:p text:style-name="C13">Số: 15/QĐ-UBND</text:p>#&<text:p text:style-name="C14B">TUYỆT MẬT</text:p>#'

LO=(timeout 600 soffice --headless "-env:UserInstallation=file://$W/lo-profile")
"${LO[@]}" --convert-to pdf --outdir pdf src/*.fodt >lo.log 2>&1
# Word's format: the conforming sources and the Arial variant through .docx and back
"${LO[@]}" --convert-to docx --outdir docx src/qd.fodt src/cv.fodt src/arial.fodt >>lo.log 2>&1
"${LO[@]}" --convert-to pdf --outdir docx docx/*.docx >>lo.log 2>&1
n=$(ls pdf/*.pdf docx/*.pdf 2>/dev/null | wc -l)
check "LibreOffice converted every source ($n of $(( ${#RULE[@]} + 5 )))" "[ $n -eq $(( ${#RULE[@]} + 5 )) ]"

# rules FILE: the sorted, distinct rule ids of the JSON report; also checks the contract shape
rules() {
  $PY - "$1" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["findings"]:
    assert set(("rule", "page", "box", "message")) <= set(f), f
    assert isinstance(f["page"], int) and f["page"] >= 1
    assert len(f["box"]) == 4 and f["box"][0] <= f["box"][2] and f["box"][1] <= f["box"][3], f
    assert f["message"]
print(" ".join(sorted(set(f["rule"] for f in d["findings"]))))
PYEOF
}
for f in pdf/qd.pdf pdf/cv.pdf docx/qd.pdf docx/cv.pdf; do
  "$K" pdf check "$f" --json > out.json; rc=$?
  check "$f follows Appendix I: exit 0, no finding ($(rules out.json))" '[ $rc -eq 0 ] && [ -z "$(rules out.json)" ]'
done
check "the decision spans two pages (bottom margin of a full page measured)" \
  '[ "$(pdfinfo pdf/qd.pdf | awk "/^Pages:/{print \$2}")" = 2 ]'
for v in "${!RULE[@]}"; do
  "$K" pdf check "pdf/$v.pdf" --json > "$v.json"; rc=$?
  got=$(rules "$v.json")
  check "$v: exit 1 and exactly rule ${RULE[$v]} (got: $got)" '[ $rc -eq 1 ] && [ "$got" = "${RULE[$v]}" ]'
done
"$K" pdf check docx/arial.pdf --json > a.json; rc=$?
check "Arial through .docx: font" '[ $rc -eq 1 ] && [ "$(rules a.json)" = font ]'
# the box points at the part: the wrong number line is where "Số:" is on page 1
check "badnumber: page 1, box around the Số line (top left)" "$PY - badnumber.json <<'PYEOF'
import json, sys
f = json.load(open(sys.argv[1]))['findings'][0]
x0, y0, x1, y1 = f['box']
assert f['page'] == 1 and x1 < 300 and y0 > 650 and y1 - y0 < 30, f
PYEOF"
check "bottom1cm: the finding is on page 1" "grep -q '\"page\": 1' bottom1cm.json"
# messages in both languages
out=$("$K" pdf check pdf/letter.pdf); rc=$?
check "Vietnamese message by default" '[ $rc -eq 1 ] && grep -q "khổ A4" <<<"$out"'
out=$("$K" --lang en pdf check pdf/letter.pdf); rc=$?
check "English with --lang en" '[ $rc -eq 1 ] && grep -q "Decree 30 asks for A4" <<<"$out"'
out=$("$K" --lang en pdf check pdf/topsecret.pdf --json)
check "classification named in the JSON" 'grep -q "\"classification\": \"TUYỆT MẬT\"" <<<"$out"'
# unreadable input: exit 4, nothing on stdout
echo "not a pdf" > bad.pdf
out=$("$K" pdf check bad.pdf --json 2>err.txt); rc=$?
check "not a PDF: exit 4" '[ $rc -eq 4 ] && [ -z "$out" ] && [ -s err.txt ]'
"$K" pdf check missing.pdf >/dev/null 2>&1; rc=$?
check "missing file: exit 4" '[ $rc -eq 4 ]'
"$K" pdf check >/dev/null 2>&1; rc=$?
check "no file: usage, exit 3" '[ $rc -eq 3 ]'

# real decisions of the corpus (skipped without ../shared)
C=${KYSO_SHARED:-}/corpus
if [ -f "$C/MANIFEST.tsv" ]; then
  for f in generated/lo74-odt-qd-default.pdf generated/lo74-docx-qd-pdf15.pdf generated/lo74-odt-qd-pdfa1.pdf \
           generated/lo74-odt-qd-tagged.pdf generated/qpdf-objstm-qd.pdf generated/qpdf-linearized-qd.pdf \
           generated/chromium-cv-html.pdf; do
    "$K" pdf check "$C/$f" --json > c.json; rc=$?
    check "corpus $f: no finding ($(rules c.json))" '[ $rc -eq 0 ] && [ -z "$(rules c.json)" ]'
  done
  "$K" pdf check "$C/generated/tesseract-ocr-qd-scan.pdf" --json > c.json
  check "corpus OCR scan: its GlyphLessFont is reported" 'grep -q GlyphLessFont c.json'
  "$K" pdf check "$C/debian/deb-cups-testpage-cairo.pdf" --json > c.json; rc=$?
  check "corpus non-official page: national-title, signer-block among findings" \
    '[ $rc -eq 1 ] && grep -q national-title <<<"$(rules c.json)" && grep -q signer-block <<<"$(rules c.json)"'
else
  echo "(../shared absent: corpus part skipped)"
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
