#!/usr/bin/env bash
# Visible signatures through the command line (design.md "Command line"): personal, organisation,
# copy and attachment appearances made by `kyso sign`, checked with pdfsig, pdftotext, pdfimages
# and pdffonts; usage errors exit 3 naming the option. The pixel-level placement rules are
# checked by tests/unit/appear/test_visual_*.c; test_visual_corpus --fixtures writes the images used here.
set -uo pipefail
K=${KYSO:?}
B=${KYSO_BUILD:?}
T="$B/test-tmp/appear_cli"
rm -rf "$T" && mkdir -p "$T"
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }

"$B/tests/appear_test_visual_corpus" --fixtures "$T" || { echo "FAIL: fixtures"; echo "0 passed, 1 failed"; exit 1; }
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 30 -utf8 \
  -subj "/CN=Nguyễn Văn A/title=CHỦ TỊCH/O=Ủy ban nhân dân tỉnh Bắc Ninh/C=VN" \
  -addext "keyUsage=critical,digitalSignature,nonRepudiation" 2>/dev/null
check "test certificate" '[ -s "$T/cert.pem" ]'
bash "${KYSO_SOURCE:?}/scripts/sample_pdf.sh" "$B/sample/qd.pdf" || { echo "FAIL: no sample PDF"; exit 1; }
QD="$B/sample/qd.pdf"   # the sample decision (docs/sample, LibreOffice)
KEY=(--key "$T/key.pem" --cert "$T/cert.pem" --offline)
# A signing time inside the certificate's validity, in Vietnam time (POSIX TZ "UTC-7" = +07:00).
NOW=$(TZ=UTC-7 date -d '+1 hour' +%Y-%m-%dT%H:%M:%S+07:00)

# Personal: title and name from the certificate (title 2.5.4.12 "CHỦ TỊCH", CN).
out=$("$K" sign "$QD" -o "$T/p.pdf" "${KEY[@]}" --kind personal --image "$T/blue.png" 2>&1); rc=$?
check "personal exits 0 ($out)" '[ $rc -eq 0 ]'
# Organisation seal over it, real size from pHYs.
out=$("$K" sign "$T/p.pdf" -o "$T/po.pdf" "${KEY[@]}" --kind organization --image "$T/seal.png" 2>&1); rc=$?
check "organization exits 0 ($out)" '[ $rc -eq 0 ]'
n=$(pdfsig "$T/po.pdf" 2>/dev/null | grep -c "Signature is Valid")
check "pdfsig: both signatures valid ($n)" '[ "$n" -eq 2 ]'
out=$("$K" verify "$T/po.pdf" --trust "$T/cert.pem" --offline --json 2>&1); rc=$?
check "kyso verify: both signatures and the seal's revision accepted ($rc)" \
  '[ $rc -eq 0 ] && grep -q "\"indication\": *\"TOTAL-PASSED\"" <<<"$out"'
imgs=$(pdfimages -list "$T/po.pdf" 2>/dev/null)
check "two images with soft masks" '[ "$(grep -c " smask " <<<"$imgs")" -eq 2 ]'
# --rect and --page place it where the caller says.
out=$("$K" sign "$QD" -o "$T/r.pdf" "${KEY[@]}" --kind personal --image "$T/blue.png" \
  --page 1 --rect 300,100,450,150 2>&1); rc=$?
check "personal with --rect exits 0 ($out)" '[ $rc -eq 0 ]'
check "pdfsig: --rect signature valid" 'pdfsig "$T/r.pdf" 2>/dev/null | grep -q "Signature is Valid"'
out=$("$K" --lang en sign "$QD" -o "$T/r2.pdf" "${KEY[@]}" --kind personal --image "$T/blue.png" \
  --page 1 --rect 500,800,700,900 2>&1); rc=$?
check "a --rect off the page is refused, exit 3, naming the page's area ($out)" \
  '[ $rc -eq 3 ] && grep -q "is not inside page 1, whose visible area is \[0.00 0.00 595" <<<"$out" && [ ! -e "$T/r2.pdf" ]'

# Copy: three lines at the top right, exactly as written, with the time of /M.
out=$(KYSO_NOW=$NOW "$K" sign "$QD" -o "$T/c.pdf" "${KEY[@]}" --kind copy \
  --copy-form "SAO Y" --org-name "Sở Khoa học và Công nghệ thành phố Hải Phòng" 2>&1); rc=$?
check "copy exits 0 ($out)" '[ $rc -eq 0 ]'
txt=$(pdftotext -f 1 -l 1 -x 238 -y 0 -W 358 -H 70 "$T/c.pdf" - 2>/dev/null | head -3)
want="SAO Y"$'\n'"Sở Khoa học và Công nghệ thành phố Hải Phòng"$'\n'"$NOW"
check "copy text ($txt)" '[ "$txt" = "$want" ]'
check "copy font is an embedded Identity-H subset" \
  'pdffonts "$T/c.pdf" | grep "CID TrueType" | grep Identity-H | grep -q "yes yes yes"'

# --time-style label: the label style of current Vietnamese signing software.
LABEL=$(TZ=UTC-7 date -d "${NOW%+07:00}" '+%d.%m.%Y %H:%M:%S +07:00')
out=$(KYSO_NOW=$NOW "$K" sign "$QD" -o "$T/cl.pdf" "${KEY[@]}" --kind copy --copy-form "TRÍCH SAO" \
  --time-style label 2>&1); rc=$?
check "copy --time-style label exits 0 ($out)" '[ $rc -eq 0 ]'
txt=$(pdftotext -f 1 -l 1 -x 238 -y 0 -W 358 -H 70 "$T/cl.pdf" - 2>/dev/null | head -3)
want="TRÍCH SAO"$'\n'"Ủy ban nhân dân tỉnh Bắc Ninh"$'\n'"$LABEL"
check "copy label text, organisation from the certificate ($txt)" '[ "$txt" = "$want" ]'

# Attachment: document number and time.
out=$(KYSO_NOW=$NOW "$K" sign "$QD" -o "$T/a.pdf" "${KEY[@]}" \
  --kind attachment --doc-number "123/QĐ-UBND" 2>&1); rc=$?
check "attachment exits 0 ($out)" '[ $rc -eq 0 ]'
txt=$(pdftotext -f 1 -l 1 -x 238 -y 0 -W 358 -H 70 "$T/a.pdf" - 2>/dev/null | head -2)
want="123/QĐ-UBND"$'\n'"$NOW"
check "attachment text ($txt)" '[ "$txt" = "$want" ]'

# Usage errors: exit 3, the message names what was wrong, no output file.
out=$("$K" --lang en sign "$QD" -o "$T/x.pdf" "${KEY[@]}" --kind attachment --doc-number "12 QĐ" 2>&1); rc=$?
check "bad --doc-number exits 3" '[ $rc -eq 3 ] && grep -q "12 QĐ" <<<"$out" && [ ! -e "$T/x.pdf" ]'
out=$("$K" --lang en sign "$QD" -o "$T/x.pdf" "${KEY[@]}" --kind personal --image "$T/blue.png" \
  --title "GIÁM ĐỐC" --name "Lê Văn C" 2>&1); rc=$?
check "block not found exits 3 naming it" '[ $rc -eq 3 ] && grep -q "Lê Văn C" <<<"$out" && grep -q "GIÁM ĐỐC" <<<"$out"'
out=$("$K" sign "$QD" -o "$T/x.pdf" "${KEY[@]}" --kind organization --image "$T/seal.png" 2>&1); rc=$?
check "seal without a signature exits 3 in Vietnamese" '[ $rc -eq 3 ] && grep -q "đóng dấu" <<<"$out"'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
