#!/usr/bin/env bash
# `kyso edxml pack|unpack|status` end to end: a package with a signed PDF and a binary file
# round-trips byte for byte (the signed PDF still verifies in pdfsig afterwards, when the corpus
# is there), the metadata comes back in --json, a status reply is made for the package and read
# back, and hostile or broken packages (XXE, billion laughs, bad base64, a hostile file name)
# are refused with exit 4 and nothing written outside the output directory.
set -u
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K=${KYSO:?}
W=${KYSO_BUILD:?}/test-edxml-cli
rm -rf "$W"; mkdir -p "$W"
cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
export KYSO_NOW=2026-03-05T09:41:07+07:00

C=${KYSO_SHARED:-}/corpus
SIGNED=$C/generated/poppler-pdfsig-signed-qd.pdf
if [ -f "$SIGNED" ]; then cp "$SIGNED" qd-signed.pdf; have_corpus=1
else printf '%%PDF-1.4\n%%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%%%EOF\n' > qd-signed.pdf; have_corpus=0; fi
head -c 70000 /dev/urandom > phu-luc.bin
pack() {
  "$K" edxml pack --from H24.35 --from-name "UBND thành phố Hải Phòng" --to H24.6 --to 000.00.04.G14 \
    --number 15 --notation QĐ-UBND --place "Hải Phòng" --date 2026-03-05 --type-name "Quyết định" \
    --subject "Về việc ban hành Quy chế <chữ ký số> & \"công vụ\"" --signer-name "Nguyễn Văn A" \
    --signer-position "Chủ tịch" --competence TM. "$@"
}
pack --attach qd-signed.pdf --attach phu-luc.bin -o p.edxml; rc=$?
check "pack exits 0" '[ $rc -eq 0 ] && [ -s p.edxml ]'
check "the package is well-formed XML in the QCVN 102 namespace" \
  "$PY -c 'import xml.dom.minidom,sys; d=xml.dom.minidom.parse(\"p.edxml\"); assert d.documentElement.namespaceURI==\"http://www.mic.gov.vn/TBT/QCVN_102_2016\"'"
check "TraceHeader carries the system time" 'grep -q "2026/03/05 09:41:07" p.edxml'
"$K" edxml unpack p.edxml -d out --json > u.json; rc=$?
check "unpack exits 0" '[ $rc -eq 0 ]'
check "signed PDF byte-exact after the round trip" 'cmp -s qd-signed.pdf out/qd-signed.pdf'
check "binary attachment byte-exact" 'cmp -s phu-luc.bin out/phu-luc.bin'
check "metadata in --json" "$PY - u.json <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
assert d['kind'] == 'document'
assert d['from']['organ_id'] == 'H24.35' and [t['organ_id'] for t in d['to']] == ['H24.6', '000.00.04.G14']
assert d['code_number'] == '15' and d['code_notation'] == 'QĐ-UBND'
assert d['promulgation_date'] == '2026/03/05' and d['type_name'] == 'Quyết định'
assert d['subject'] == 'Về việc ban hành Quy chế <chữ ký số> & \"công vụ\"'
assert d['signer_competence'] == 'TM.' and d['signer_full_name'] == 'Nguyễn Văn A'
assert d['document_id'] == 'H24.35,2026/03/05,15/QĐ-UBND'
assert [a['size'] for a in d['attachments']] == [$(stat -c %s qd-signed.pdf), 70000]
assert d['attachments'][0]['content_type'] == 'application/pdf'
PYEOF"
if [ $have_corpus = 1 ] && command -v pdfsig >/dev/null; then
  out=$(pdfsig out/qd-signed.pdf 2>&1)
  check "the unpacked signed PDF still verifies in pdfsig" 'grep -q "Signature is Valid" <<<"$out"'
fi
# status replies: received, then rejected with a reason
KYSO_NOW=2026-03-05T10:00:00+07:00 "$K" edxml status p.edxml --code received --from H24.6 -o s1.xml; rc=$?
check "status received written" '[ $rc -eq 0 ] && grep -q "<edXML:StatusCode>01<" s1.xml'
"$K" edxml status p.edxml --code rejected --from H24.6 -o s2.xml >/dev/null 2>&1; rc=$?
check "rejected without a reason: usage error, nothing written" '[ $rc -eq 3 ] && [ ! -e s2.xml ]'
"$K" edxml status p.edxml --code rejected --from H24.6 --reason "Sai nơi nhận" --staff "Trần Thị B" -o s2.xml; rc=$?
"$K" edxml unpack s2.xml --json > s2.json; rc2=$?
check "status rejected read back with its reason" "[ $rc -eq 0 ] && [ $rc2 -eq 0 ] && $PY -c 'import json; d=json.load(open(\"s2.json\")); assert d[\"status\"]==\"rejected\" and d[\"description\"]==\"Sai nơi nhận\" and d[\"for_document_id\"]==\"H24.35,2026/03/05,15/QĐ-UBND\"'"
"$K" edxml status p.edxml --code bogus --from H24.6 -o s3.xml >/dev/null 2>&1; rc=$?
check "unknown status name: exit 3" '[ $rc -eq 3 ]'
# bad input to pack
pack --attach missing.pdf -o q.edxml >/dev/null 2>&1; rc=$?
check "missing attachment: exit 4, no package" '[ $rc -eq 4 ] && [ ! -e q.edxml ]'
"$K" edxml pack --from h24 --to H24.6 --number 1 --notation QĐ-UBND --date 2026-03-05 --type-name x \
  --subject s --signer-name n --attach phu-luc.bin -o q.edxml 2>err.txt; rc=$?
check "bad mã định danh named" '[ $rc -ne 0 ] && grep -q "From/OrganId" err.txt && [ ! -e q.edxml ]'
pack --attach phu-luc.bin --date 05/03/2026 -o q.edxml >/dev/null 2>&1; rc=$?
check "bad --date: exit 3" '[ $rc -eq 3 ]'
# hostile packages: exit 4, nothing extracted
printf '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>' > xxe.edxml
"$K" edxml unpack xxe.edxml -d xxe-out 2>err.txt; rc=$?
check "XXE refused (exit 4, DTD named, nothing written)" '[ $rc -eq 4 ] && grep -q DTD err.txt && [ ! -e xxe-out ]'
$PY - <<'PYEOF'
ents = '<!ENTITY a "' + 'a'*10 + '">' + ''.join('<!ENTITY %s "%s">' % (chr(98+i), ('&%s;' % chr(97+i))*10) for i in range(8))
open('lol.edxml','w').write('<?xml version="1.0"?><!DOCTYPE l [' + ents + ']><l>&i;</l>')
PYEOF
"$K" edxml unpack lol.edxml 2>err.txt; rc=$?
check "billion laughs refused" '[ $rc -eq 4 ] && grep -q DTD err.txt'
sed 's#<edXML:AttachmentName>phu-luc.bin</edXML:AttachmentName>#<edXML:AttachmentName>../../escape.bin</edXML:AttachmentName>#g' p.edxml > evil.edxml
"$K" edxml unpack evil.edxml -d evil-out >/dev/null; rc=$?
check "a ../ file name stays inside the output directory" '[ $rc -eq 0 ] && [ -f evil-out/escape.bin ] && [ ! -e escape.bin ] && [ ! -e ../escape.bin ]'
$PY - <<'PYEOF'
s = open('p.edxml').read()
i = s.index('<edXML:ContentTransferEncoded>') + len('<edXML:ContentTransferEncoded>')
open('b64.edxml', 'w').write(s[:i] + '!!' + s[i+2:])
PYEOF
"$K" edxml unpack b64.edxml -d b64-out 2>err.txt; rc=$?
check "bad base64 refused" '[ $rc -eq 4 ] && grep -q base64 err.txt'
"$K" edxml unpack qd-signed.pdf 2>err.txt; rc=$?
check "not XML: exit 4" '[ $rc -eq 4 ]'
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
