#!/usr/bin/env bash
# Signing encrypted PDFs with every standard security handler qpdf writes — RC4 40-bit (R2),
# RC4 128-bit (R3), AES-128 (R4) and AES-256 (R6), each with a user password — with a visible
# personal signature and then an invisible second one. Oracles, all given the password: pdfsig
# (both signatures valid), mutool (unchanged since the last signature), qpdf --check, kyso verify;
# plus: the input is a byte prefix of the output, the new revision holds no clear-text /M, and
# the signature image really appears on the rendered page (blue pixels inside the widget).
set -uo pipefail
K=${KYSO:?}
B=${KYSO_BUILD:?}
T="$B/test-tmp/sign_encrypted"
rm -rf "$T" && mkdir -p "$T"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }

"$B/tests/appear_test_visual_corpus" --fixtures "$T" >/dev/null ||
  { echo "FAIL: fixtures"; echo "0 passed, 1 failed"; exit 1; }
# a signer of its own: self-signed, with the title the personal appearance shows
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$T/key.pem" -out "$T/cert.pem" -days 30 -utf8 \
  -subj "/CN=Nguyễn Văn A/title=CHỦ TỊCH/O=Ủy ban nhân dân thành phố Hải Phòng/C=VN" \
  -addext "keyUsage=critical,digitalSignature,nonRepudiation" 2>/dev/null
P12="$T/signer.p12"
KYSO_PW=test openssl pkcs12 -export -inkey "$T/key.pem" -in "$T/cert.pem" -passout env:KYSO_PW \
  -out "$P12" || { echo "FAIL: test signer"; exit 1; }
bash "${KYSO_SOURCE:?}/scripts/sample_pdf.sh" "$B/sample/qd.pdf" || { echo "FAIL: no sample PDF"; exit 1; }
QD="$B/sample/qd.pdf"   # the sample decision (docs/sample, LibreOffice)
export KYSO_PW=test DOCPW='mật khẩu người dùng'

for spec in "rc4-40:40:" "rc4-128:128:--use-aes=n" "aes-128:128:--use-aes=y" "aes-256:256:"; do
  name=${spec%%:*}; rest=${spec#*:}; bits=${rest%%:*}; extra=${rest#*:}
  in="$T/$name.pdf" s1="$T/$name-1.pdf" s2="$T/$name-2.pdf"
  qpdf --allow-weak-crypto --encrypt "$DOCPW" owner-pw "$bits" $extra -- "$QD" "$in" 2>/dev/null
  check "$name: qpdf made the encrypted input" '[ -s "$in" ]'
  out=$("$K" --lang en sign "$in" -o "$s1" --p12 "$P12" --pin-env KYSO_PW --pdf-password-env DOCPW \
    --kind personal --image "$T/blue.png" --title "CHỦ TỊCH" --name "Nguyễn Văn A" \
    --reason "Phê duyệt" --offline 2>&1); rc=$?
  check "$name: personal signature exits 0 ($out)" '[ $rc -eq 0 ]'
  out=$("$K" --lang en sign "$s1" -o "$s2" --p12 "$P12" --pin-env KYSO_PW --pdf-password-env DOCPW \
    --offline 2>&1); rc=$?
  check "$name: second signature exits 0 ($out)" '[ $rc -eq 0 ]'
  check "$name: each input is a byte prefix of its output" \
    'cmp -s -n "$(stat -c %s "$in")" "$in" "$s1" && cmp -s -n "$(stat -c %s "$s1")" "$s1" "$s2"'
  check "$name: pdfsig -upw: both signatures valid" \
    '[ "$(pdfsig -upw "$DOCPW" "$s2" 2>/dev/null | grep -c "Signature is Valid")" -eq 2 ]'
  check "$name: mutool: unchanged since the last signature" \
    'mutool sign -p "$DOCPW" -v "$s2" 2>&1 | tail -1 | grep -q "unchanged since signing"'
  check "$name: qpdf --check with the password" 'qpdf --password="$DOCPW" --check "$s2" >/dev/null 2>&1'
  "$K" --lang en verify "$s2" --offline --json --password-env DOCPW >"$T/$name.json" 2>/dev/null
  check "$name: kyso verify: two signatures, both intact, no disallowed change" \
    '$PY -c "import json,sys; s=json.load(open(sys.argv[1]))[\"signatures\"]; sys.exit(0 if len(s)==2 and all(x[\"integrity\"] for x in s) and not any(not c[\"allowed\"] for x in s for c in x[\"changes_after\"]) else 1)" "$T/$name.json"'
  check "$name: no signing time in clear after the input" \
    '! tail -c +$(($(stat -c %s "$in") + 1)) "$s2" | grep -aq "/M (D:"'
  # The widget's rectangle from pdfsig is not printed, so look for the blue ink on the page.
  pdftoppm -upw "$DOCPW" -r 50 -png -f 1 -l 1 "$s2" "$T/$name-page" 2>/dev/null
  check "$name: the blue signature image is drawn on the page" \
    '$PY -c "
import sys
from PIL import Image
im = Image.open(sys.argv[1]).convert(\"RGB\")
blue = sum(1 for r, g, b in im.getdata() if b > 120 and b > r + 60 and b > g + 40)
sys.exit(0 if blue > 30 else 1)" "$T/$name-page-1.png"'
done

# Without the password: a clear refusal naming the option, and no output file.
"$K" --lang en sign "$T/aes-256.pdf" -o "$T/nopw.pdf" --p12 "$P12" --pin-env KYSO_PW --offline \
  >/dev/null 2>"$T/nopw.err"; rc=$?
check "no password: exit 4, the reason and the option named, no output" \
  '[ $rc -eq 4 ] && grep -q "needs a password" "$T/nopw.err" && grep -q -- "--pdf-password-file" "$T/nopw.err" && [ ! -e "$T/nopw.pdf" ]'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
