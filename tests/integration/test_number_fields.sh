#!/usr/bin/env bash
# The number and date written into a signed document at issue (requirements §5.1 ordering note;
# kyso/numfields.h). Drafts with a blank number and date — a decision and a công văn made by
# LibreOffice, and the decision through Word's format (.docx) — get the two fields
# (`kyso pdf number-fields`), the leader's personal signature that leaves only them open
# (`--lock number-fields`), the clerk's fill (`kyso pdf fill-number`) and the organisation's
# seal that locks every field (`--lock all`). Then: pdfsig says both signatures are valid,
# `kyso verify` is TOTAL-PASSED and lists the fill as an allowed change, mutool renders the
# number and date; a later change of a field value after the seal is refused by kyso verify
# (FieldMDP), and so is a fill after a personal signature that locks every field.
set -u
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K=${KYSO:?}
SRC=${KYSO_SOURCE:?}/tests/data/docfmt
W=${KYSO_BUILD:?}/test-number-fields
rm -rf "$W"; mkdir -p "$W/src" "$W/pdf" "$W/docx"
W=$(realpath "$W")
cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
for t in soffice pdfsig mutool openssl; do
  command -v $t >/dev/null || { echo "FAIL: $t missing: bash scripts/deps.sh"; exit 1; }
done

# drafts: the number and the day and month left blank, as a drafter leaves them
$PY - "$SRC" <<'EOF'
import sys
src = sys.argv[1]
for name, num, date in [("qd", "Số: 15/QĐ-UBND", "Hải Phòng, ngày 05 tháng 3 năm 2026"),
                        ("cv", "Số: 125/SKHCN-CĐS", "Hải Phòng, ngày 12 tháng 01 năm 2026")]:
    t = open(f"{src}/{name}.fodt", encoding="utf-8").read()
    sym = num.split("/", 1)[1]
    for a, b in [(num, 'Số: <text:s text:c="6"/>/' + sym),
                 (date, 'Hải Phòng, ngày <text:s text:c="5"/>tháng <text:s text:c="5"/>năm 2026')]:
        assert a in t, a
        t = t.replace(a, b)
    open(f"src/{name}.fodt", "w", encoding="utf-8").write(t)
EOF
LO=(timeout 600 soffice --headless "-env:UserInstallation=file://$W/lo-profile")
"${LO[@]}" --convert-to pdf --outdir pdf src/qd.fodt src/cv.fodt >lo.log 2>&1
"${LO[@]}" --convert-to docx --outdir docx src/qd.fodt >>lo.log 2>&1
"${LO[@]}" --convert-to pdf --outdir docx docx/qd.docx >>lo.log 2>&1
[ -s pdf/qd.pdf ] && [ -s pdf/cv.pdf ] && [ -s docx/qd.pdf ] || { echo "FAIL: LibreOffice made no PDF"; cat lo.log; exit 1; }

# keys: a test CA, the leader's personal certificate and the agency's seal certificate
openssl req -new -x509 -newkey rsa:2048 -nodes -days 3 -keyout ca.key -out ca.pem -subj "/CN=kyso numfields CA" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
printf 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n' >ext
for l in leader seal; do
  openssl req -new -newkey rsa:2048 -nodes -keyout $l.key -out $l.csr -subj "/C=VN/CN=$l" >/dev/null 2>&1
  openssl x509 -req -in $l.csr -CA ca.pem -CAkey ca.key -set_serial 0x$(openssl rand -hex 8) -days 2 \
    -extfile ext -out $l.pem >/dev/null 2>&1
done
$PY - <<'EOF'
import struct, zlib
def png(path, w, h, rgba):
    rows = b""
    for y in range(h):
        rows += b"\0"
        for x in range(w):
            dx, dy = x - w / 2, y - h / 2
            on = (w * .35) ** 2 < dx * dx + dy * dy < (w * .48) ** 2 if w == h else abs(dy - dx * .2) < 3
            rows += bytes(rgba) if on else b"\0\0\0\0"
    ch = lambda t, d: struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + ch(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
                           + ch(b"IDAT", zlib.compress(rows)) + ch(b"IEND", b""))
png("seal.png", 200, 200, (220, 0, 0, 255)); png("sig.png", 240, 80, (0, 0, 200, 255))
EOF
SIGN=(--chain ca.pem --offline)

# tamper FILE OUT FIELD VALUE: an incremental update that sets the field's /V (classic xref)
tamper() {
  $PY - "$@" <<'EOF'
import re, sys
src, out, field, value = sys.argv[1:5]
d = open(src, "rb").read()
nb = rb"(?:(?!endobj).)*?"  # inside one object
objs = list(re.finditer(rb"(\d+) 0 obj\s*(<<" + nb + rb"/T \(" + field.encode() + rb"\)" + nb + rb">>)\s*endobj", d, re.S))
num, body = objs[-1].group(1), objs[-1].group(2)
body = re.sub(rb"/V (<[0-9A-Fa-f]*>|\([^)]*\))", b"/V (" + value.encode() + b")", body, count=1)
prev = re.findall(rb"startxref\s+(\d+)", d)[-1]
tr = re.findall(rb"trailer\s*(<<.*?>>)\s*startxref", d, re.S)[-1]
size = re.search(rb"/Size (\d+)", tr).group(1); root = re.search(rb"/Root (\d+ \d+ R)", tr).group(1)
ids = re.search(rb"/ID\s*\[[^\]]*\]", tr)
if not d.endswith(b"\n"):
    d += b"\n"
off = len(d)
obj = num + b" 0 obj\n" + body + b"\nendobj\n"
xref = len(d) + len(obj)
d += obj + b"xref\n0 1\n0000000000 65535 f \n" + num + b" 1\n" + b"%010d 00000 n \n" % off
d += b"trailer\n<< /Size " + size + b" /Root " + root + b" /Prev " + prev + (b" " + ids.group(0) if ids else b"") + b" >>\nstartxref\n" + str(xref).encode() + b"\n%%EOF\n"
open(out, "wb").write(d)
EOF
}

for doc in pdf/qd pdf/cv docx/qd; do
  n=${doc//\//-}
  case $doc in */cv) SYM=125/SKHCN-CĐS ;; *) SYM=07/QĐ-UBND ;; esac
  "$K" pdf number-fields $doc.pdf -o $n-f.pdf >/dev/null; rc=$?
  check "$n: number-fields" '[ $rc -eq 0 ]'
  "$K" sign $n-f.pdf -o $n-1.pdf --key leader.key --cert leader.pem "${SIGN[@]}" --kind personal \
    --image sig.png --title "CHỦ TỊCH" --name "Nguyễn Văn A" --lock number-fields >/dev/null 2>&1 ||
    "$K" sign $n-f.pdf -o $n-1.pdf --key leader.key --cert leader.pem "${SIGN[@]}" --kind personal \
      --image sig.png --title "PHÓ GIÁM ĐỐC" --name "Trần Thị B" --lock number-fields >/dev/null
  check "$n: personal signature" '[ -s $n-1.pdf ]'
  "$K" pdf fill-number $n-1.pdf -o $n-2.pdf --number "$SYM" --date 2026-12-06 >/dev/null; rc=$?
  check "$n: fill-number" '[ $rc -eq 0 ]'
  "$K" sign $n-2.pdf -o $n-3.pdf --key seal.key --cert seal.pem "${SIGN[@]}" --kind organization \
    --image seal.png --seal-mm 36 --lock all >/dev/null; rc=$?
  check "$n: organisation seal" '[ $rc -eq 0 ]'
  ps=$(pdfsig $n-3.pdf 2>&1)
  check "$n: pdfsig says both signatures are valid" '[ "$(grep -c "Signature is Valid" <<<"$ps")" = 2 ]'
  "$K" verify $n-3.pdf --trust ca.pem --offline --lang en >$n-v.txt 2>&1; rc=$?
  check "$n: kyso verify TOTAL-PASSED (rc $rc)" '[ $rc -eq 0 ] && grep -q "All signatures are valid \[TOTAL-PASSED\]" $n-v.txt'
  check "$n: the fill is an allowed change" 'grep -q "form field \"kyso_so\" was changed (allowed)" $n-v.txt && grep -q "form field \"kyso_ngay\" was changed (allowed)" $n-v.txt'
  txt=$(mutool draw -F txt $n-3.pdf 1 2>/dev/null)
  check "$n: mutool renders the number" 'grep -qF "Số: $SYM" <<<"$txt"'
  check "$n: mutool renders the date" 'grep -qF "Hải Phòng, ngày 06 tháng 12 năm 2026" <<<"$txt"'
  check "$n: kyso sees it too" '"$K" pdf text $n-3.pdf --page 1 | grep -qF "Số: $SYM"'
  # a changed number after the seal: the seal's FieldMDP lock refuses it
  tamper $n-3.pdf $n-t.pdf kyso_so "Số: 99/QĐ-UBND"
  "$K" verify $n-t.pdf --trust ca.pem --offline --lang en >$n-t.txt 2>&1; rc=$?
  check "$n: a later number change is refused (rc $rc)" '[ $rc -ne 0 ] && grep -q "kyso_so\" was changed although the signature locks it (FieldMDP)" $n-t.txt'
  check "$n: pdfsig still says valid bytes (the refusal is kyso's)" 'pdfsig $n-t.pdf 2>&1 | grep -q "Signature is Valid"'
done

# a personal signature that locks every field: the fill is then refused
"$K" sign pdf-qd-f.pdf -o all-1.pdf --key leader.key --cert leader.pem "${SIGN[@]}" --kind personal \
  --image sig.png --title "CHỦ TỊCH" --name "Nguyễn Văn A" --lock all >/dev/null
"$K" pdf fill-number all-1.pdf -o all-2.pdf --number 07/QĐ-UBND --date 2026-12-06 >/dev/null
"$K" verify all-2.pdf --trust ca.pem --offline --lang en >all-v.txt 2>&1; rc=$?
check "lock all: the fill breaks the personal signature (rc $rc)" '[ $rc -ne 0 ] && grep -q "locks it (FieldMDP)" all-v.txt'

# bad input: each a clear refusal, no output
"$K" pdf number-fields pdf-qd-1.pdf -o x1.pdf >x1.txt 2>&1; rc=$?
check "number-fields after a signature is refused" '[ $rc -ne 0 ] && [ ! -e x1.pdf ] && grep -q "signed already" x1.txt'
"$K" pdf fill-number pdf-qd-2.pdf -o x2.pdf --number 08/QĐ-UBND --date 2026-12-06 >x2.txt 2>&1; rc=$?
check "a second fill is refused" '[ $rc -ne 0 ] && [ ! -e x2.pdf ] && grep -q "filled already" x2.txt'
"$K" pdf fill-number pdf-qd-1.pdf -o x3.pdf --number "7/QĐ" --date 2026-12-06 >x3.txt 2>&1; rc=$?
check "a malformed number is refused" '[ $rc -eq 3 ] && [ ! -e x3.pdf ]'
"$K" pdf fill-number pdf-qd-1.pdf -o x4.pdf --number 07/QĐ-UBND --date 2026-02-30 >x4.txt 2>&1; rc=$?
check "an impossible date is refused" '[ $rc -eq 3 ] && [ ! -e x4.pdf ]'
"$K" pdf fill-number pdf/qd.pdf -o x5.pdf --number 07/QĐ-UBND >x5.txt 2>&1; rc=$?
check "a document without the fields is refused" '[ $rc -ne 0 ] && [ ! -e x5.pdf ] && grep -q "kyso_so" x5.txt'
command -v qpdf >/dev/null || { echo "FAIL: qpdf missing: bash scripts/deps.sh"; exit 1; }
qpdf pdf/qd.pdf --pages pdf/qd.pdf 2 -- blank.pdf  # page 2 of the decision: no "Số:" line
"$K" pdf number-fields blank.pdf -o x6.pdf >x6.txt 2>&1; rc=$?
check "a page without \"Số:\" is refused, naming it" '[ $rc -eq 4 ] && [ ! -e x6.pdf ] && grep -q "Số:" x6.txt'

echo "number fields: $pass passed, $fail failed"
[ $fail -eq 0 ]
