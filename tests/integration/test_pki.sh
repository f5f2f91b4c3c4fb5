#!/usr/bin/env bash
# kyso ca end to end, with OpenSSL as the oracle: profiles (KU, EKU, policies, UTF-8 names),
# Decree 68 validity refusals, renewal and change, CRLs with `openssl verify -crl_check`,
# the audit trail. The HTTP services are tested by test_pki_serve.sh, keys in PKCS#11 tokens
# (CA and subscribers) by test_pki_token.sh.
set -uo pipefail
. "$(dirname "$0")/pki_lib.sh" test-pki
export P12PW='mật khẩu 123'

# ---- init ----
check "ca init" "$KYSO" ca init ca --base-url "$URL"
for f in root.pem issuing-ca.pem ocsp.pem tsa.pem ca.db; do check "init wrote $f" test -s "ca/$f"; done
for k in ca/private/*.key; do
  [ "$(stat -c %a "$k")" = 600 ] && ok || bad "key $k mode $(stat -c %a "$k")"
done
check "init twice refused" bash -c "! '$KYSO' ca init ca"
openssl asn1parse -in ca/issuing-ca.pem > issuing.asn1
check "issuing CA CN is UTF8String with diacritics" \
  has issuing.asn1 "UTF8STRING        :kyso CA chuyên dùng công vụ (thử nghiệm)"
check "root self-verifies" openssl verify -CAfile ca/root.pem ca/root.pem
check "issuing chains to root" openssl verify -CAfile ca/root.pem ca/issuing-ca.pem
openssl x509 -in ca/ocsp.pem -noout -text > ocsp.txt
check "OCSP cert EKU" has ocsp.txt "OCSP Signing"
check "OCSP cert nocheck" has ocsp.txt "OCSP No Check"
openssl x509 -in ca/tsa.pem -noout -text > tsa.txt
check "TSA EKU critical" grep -A1 -F "X509v3 Extended Key Usage: critical" tsa.txt
check "TSA EKU timeStamping" has tsa.txt "Time Stamping"

# ---- issue: personal with a software key in PKCS#12 ----
check "issue personal" "$KYSO" ca issue ca --profile personal --name "Nguyễn Văn A" \
  --title "Chủ tịch" --org "UBND phường Gia Viên" --unit "Văn phòng" --locality "Hải Phòng" \
  --email a@haiphong.gov.vn --out-p12 a.p12 --pin-env P12PW -o a.pem
openssl x509 -in a.pem -noout -text -nameopt utf8,sep_comma_plus_space > a.txt
check "personal subject" has a.txt \
  "Subject: C=VN, L=Hải Phòng, O=UBND phường Gia Viên, OU=Văn phòng, title=Chủ tịch, CN=Nguyễn Văn A, emailAddress=a@haiphong.gov.vn"
openssl asn1parse -in a.pem > a.asn1
check "CN UTF8String" has a.asn1 "UTF8STRING        :Nguyễn Văn A"
check "title UTF8String" has a.asn1 "UTF8STRING        :Chủ tịch"
check "KU critical" grep -A1 -F "X509v3 Key Usage: critical" a.txt
check "KU values" has a.txt "Digital Signature, Non Repudiation"
check "EKU" has a.txt "E-mail Protection, TLS Web Client Authentication, 1.3.6.1.5.5.7.3.36"
check "SAN email" has a.txt "email:a@haiphong.gov.vn"
check "policy personal" has a.txt "Policy: 2.25.115274035936286627048492735598134553501.1.1"
check "CA:FALSE" has a.txt "CA:FALSE"
check "CRL DP" has a.txt "URI:$URL/crl"
check "AIA OCSP" has a.txt "OCSP - URI:$URL/ocsp"
check "AIA caIssuers" has a.txt "CA Issuers - URI:$URL/issuing-ca.cer"
check "SKI" has a.txt "X509v3 Subject Key Identifier"
check "AKI" has a.txt "X509v3 Authority Key Identifier"
check "personal verifies" openssl verify -CAfile ca/root.pem -untrusted ca/issuing-ca.pem a.pem
start=$(date -d "$(openssl x509 -in a.pem -noout -startdate | cut -d= -f2)" +%s)
end=$(date -d "$(openssl x509 -in a.pem -noout -enddate | cut -d= -f2)" +%s)
days=$(( (end - start) / 86400 ))
[ "$days" -ge 1095 ] && [ "$days" -le 1097 ] && ok || bad "default validity 3 years, got $days days"
check "p12 mode 0600" test "$(stat -c %a a.p12)" = 600
openssl pkcs12 -in a.p12 -passin env:P12PW -nodes -out a-p12.pem 2>/dev/null && ok || bad "p12 opens"
openssl x509 -in a-p12.pem -noout -pubkey > p12.pub 2>/dev/null
openssl pkey -in a-p12.pem -pubout > key.pub 2>/dev/null
check "p12 key matches cert" cmp p12.pub key.pub
check "p12 has chain" test "$(grep -c 'BEGIN CERTIFICATE' a-p12.pem)" = 3
check "wrong p12 password fails" bash -c "! P12PW=wrong openssl pkcs12 -in a.p12 -passin env:P12PW -noout"

# ---- issue: organisation from a CSR ----
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout org.key \
  -subj "/CN=ignored" -out org.csr 2>/dev/null
check "issue organization" "$KYSO" ca issue ca --profile organization \
  --name "Sở Khoa học và Công nghệ thành phố Hải Phòng" --org "UBND thành phố Hải Phòng" \
  --org-id H24.6 --street "01 Phạm Ngũ Lão, phường Gia Viên" --locality "Hải Phòng" \
  --email sokhcn@haiphong.gov.vn --years 5 --csr org.csr -o org.pem
openssl x509 -in org.pem -noout -text -nameopt utf8,sep_comma_plus_space > org.txt
check "organizationIdentifier" has org.txt "organizationIdentifier=H24.6"
check "org CN" has org.txt "CN=Sở Khoa học và Công nghệ thành phố Hải Phòng"
check "org street" has org.txt "street=01 Phạm Ngũ Lão, phường Gia Viên"
check "policy organization" has org.txt "Policy: 2.25.115274035936286627048492735598134553501.1.2"
check "CSR key used" cmp <(openssl x509 -in org.pem -noout -pubkey) <(openssl pkey -in org.key -pubout)
check "org verifies" openssl verify -CAfile ca/root.pem -untrusted ca/issuing-ca.pem org.pem
openssl req -new -newkey rsa:2048 -nodes -keyout dev.key -subj "/CN=x" -out dev.csr 2>/dev/null
check "issue device" "$KYSO" ca issue ca --profile device --name "Hệ thống QLVB&ĐH" \
  --org "Sở KH&CN Hải Phòng" --csr dev.csr -o dev.pem
openssl x509 -in dev.pem -noout -text > dev.txt
check "policy device" has dev.txt "Policy: 2.25.115274035936286627048492735598134553501.1.3"
check "device KU" grep -A1 -F "X509v3 Key Usage: critical" dev.txt
check "device no nonRepudiation" lacks dev.txt "Non Repudiation"

# ---- refusals (exact text) ----
"$KYSO" --lang en ca issue ca --profile personal --name X --csr dev.csr --years 6 -o x.pem 2> e6.txt
rc=$?
[ $rc -eq 3 ] && ok || bad "--years 6 exit code $rc"
check "--years 6 message" has e6.txt \
  "kyso: error: a validity of 6 years is refused: a new certificate may be valid for 1 to 5 years (Decree 68/2024, Art. 9)"
check "--years 6 wrote nothing" test ! -e x.pem
"$KYSO" ca issue ca --profile personal --name X --csr dev.csr --years 6 -o x.pem 2> e6vi.txt
check "--years 6 Vietnamese" has e6vi.txt "kyso: lỗi: thời hạn 6 năm bị từ chối"
"$KYSO" --lang en ca renew ca --serial "$(serial_of a.pem)" --years 4 -o x.pem 2> e4.txt
rc=$?
[ $rc -eq 3 ] && ok || bad "renew --years 4 exit code $rc"
check "renew 4 message" has e4.txt \
  "kyso: error: a renewal by 4 years is refused: a renewal may extend the validity by 1 to 3 years (Decree 68/2024, Art. 9)"
weak=$(openssl req -new -newkey rsa:1024 -nodes -keyout /dev/null -subj /CN=x 2>/dev/null > weak.csr; echo $?)
if [ "$weak" = 0 ]; then
  "$KYSO" --lang en ca issue ca --profile personal --name X --csr weak.csr -o x.pem 2> ew.txt
  [ $? -eq 5 ] && ok || bad "weak key refused with exit 5"
fi
"$KYSO" --lang en ca issue ca --profile personal --name X --email "not an address" \
  --csr dev.csr -o x.pem 2> em.txt
check "bad e-mail refused" has em.txt "is not an e-mail address"
"$KYSO" --lang en ca revoke ca --serial ZZZ 2> es.txt
check "bad serial" has es.txt "\"ZZZ\" is not a certificate serial (hex)"
"$KYSO" --lang en ca revoke ca --serial 0123456789ABCDEF 2> en.txt
check "unknown serial" has en.txt "no certificate with serial 0123456789ABCDEF in this CA"

# ---- renew: same key and subject, expiry + N years ----
check "renew" "$KYSO" ca renew ca --serial "$(serial_of org.pem)" --years 2 -o org2.pem
check "renew same key" cmp <(openssl x509 -in org.pem -noout -pubkey) <(openssl x509 -in org2.pem -noout -pubkey)
check "renew same subject" cmp <(openssl x509 -in org.pem -noout -subject) <(openssl x509 -in org2.pem -noout -subject)
old_end=$(date -d "$(openssl x509 -in org.pem -noout -enddate | cut -d= -f2)" +%Y%m%d%H%M%S)
new_end=$(date -d "$(openssl x509 -in org2.pem -noout -enddate | cut -d= -f2)" +%Y%m%d%H%M%S)
[ "$new_end" = "$(( ${old_end:0:4} + 2 ))${old_end:4}" ] && ok || bad "renewal end $new_end vs $old_end + 2y"
check "renewed serial differs" test "$(serial_of org.pem)" != "$(serial_of org2.pem)"

# ---- change: new data, same key, original expiry, old superseded ----
check "change" "$KYSO" ca change ca --serial "$(serial_of a.pem)" --title "Phó Chủ tịch" -o a2.pem
openssl x509 -in a2.pem -noout -subject -nameopt utf8,sep_comma_plus_space > a2.subj
check "changed title" has a2.subj "title=Phó Chủ tịch, CN=Nguyễn Văn A"
check "change same key" cmp <(openssl x509 -in a.pem -noout -pubkey) <(openssl x509 -in a2.pem -noout -pubkey)
check "change keeps expiry" cmp <(openssl x509 -in a.pem -noout -enddate) <(openssl x509 -in a2.pem -noout -enddate)
"$KYSO" --lang en ca change ca --serial "$(serial_of a.pem)" --title X -o x.pem 2> ec.txt
check "change of a superseded certificate refused" has ec.txt "is revoked"

# ---- CRL with openssl verify -crl_check ----
check "crl" "$KYSO" ca crl ca -o crl1.der
openssl crl -inform DER -in crl1.der -out crl1.pem 2>/dev/null
check "CRL verifies" openssl crl -in crl1.pem -CAfile ca/issuing-ca.pem -noout
check "crl_check passes (org)" openssl verify -crl_check -CRLfile crl1.pem -CAfile ca/root.pem \
  -untrusted ca/issuing-ca.pem org2.pem
check "crl_check fails for superseded" bash -c "! openssl verify -crl_check -CRLfile crl1.pem -CAfile ca/root.pem -untrusted ca/issuing-ca.pem a.pem"
openssl crl -in crl1.pem -noout -text > crl1.txt
check "superseded reason in CRL" has crl1.txt "Superseded"
check "revoke org2" "$KYSO" ca revoke ca --serial "$(serial_of org2.pem)" --reason affiliationChanged
check "crl after revoke" "$KYSO" ca crl ca -o crl2.der
openssl crl -inform DER -in crl2.der -out crl2.pem 2>/dev/null
openssl verify -crl_check -CRLfile crl2.pem -CAfile ca/root.pem -untrusted ca/issuing-ca.pem org2.pem > v2.txt 2>&1
check "crl_check fails after revoke" has v2.txt "certificate revoked"
n1=$(openssl crl -in crl1.pem -noout -crlnumber | cut -d= -f2 | sed 's/^0x//')
n2=$(openssl crl -in crl2.pem -noout -crlnumber | cut -d= -f2 | sed 's/^0x//')
[ $((16#$n2)) -gt $((16#$n1)) ] && ok || bad "CRL number increases ($n1 -> $n2)"
check "revoke twice refused" bash -c "! '$KYSO' ca revoke ca --serial $(serial_of org2.pem)"

# ---- audit trail ----
entries=$(sqlite3 ca/ca.db 'SELECT count(*) FROM audit')
[ "${entries:-0}" -ge 10 ] && ok || bad "audit entries: $entries"
check "audit refuses UPDATE" bash -c "! sqlite3 ca/ca.db \"UPDATE audit SET detail='x' WHERE seq=1\""
check "audit refuses DELETE" bash -c "! sqlite3 ca/ca.db 'DELETE FROM audit'"
check "audit chained" test "$(sqlite3 ca/ca.db 'SELECT count(*) FROM audit a JOIN audit b ON b.seq=a.seq+1 WHERE b.prev_hash<>a.hash')" = 0

# ---- kyso ca list / ca audit: read without the CA key ----
"$KYSO" --lang en ca list ca > list.txt 2>&1
check "ca list counts every certificate" has list.txt "Certificates issued by the CA in ca: $(sqlite3 ca/ca.db 'SELECT count(*) FROM certs')"
check "ca list shows the revoked org certificate with its reason" \
  grep -A1 "$(serial_of org2.pem)" list.txt
grep -A1 "$(serial_of org2.pem)" list.txt > org2-line.txt
check "ca list: org2 revoked, affiliationChanged" has org2-line.txt "revoked"
check "ca list: reason" has org2-line.txt "affiliationChanged"
"$KYSO" ca list ca --json > list.json
check "ca list --json parses, statuses match the database" python3 -c "
import json, sqlite3, sys
j = json.load(open('list.json'))
db = {r[0]: r[1] for r in sqlite3.connect('ca/ca.db').execute('SELECT serial, revoked FROM certs')}
ok = j['count'] == len(db) == len(j['certificates']) and all(
    (c['status'] == 'revoked') == bool(db[c['serial']]) for c in j['certificates'])
sys.exit(0 if ok else 1)"
"$KYSO" --lang en ca audit ca > audit.txt 2>&1; rc=$?
check "ca audit: intact, exit 0" bash -c "[ $rc -eq 0 ] && grep -q 'entries, hash chain intact' audit.txt"
check "ca audit lists every entry" test "$(grep -c '^  #' audit.txt)" = "$(sqlite3 ca/ca.db 'SELECT count(*) FROM audit')"
# Someone with write access drops the guard and edits entry 3: the chain shows where.
sqlite3 ca/ca.db "DROP TRIGGER audit_no_update; UPDATE audit SET detail='sửa lén' WHERE seq=3"
"$KYSO" --lang en ca audit ca > audit2.txt 2>&1; rc=$?
check "ca audit after tampering: exit 4, names entry 3" \
  bash -c "[ $rc -eq 4 ] && grep -q 'audit trail is broken at entry 3' audit2.txt && grep -q 'the first 2 entries are intact' audit2.txt"
"$KYSO" ca audit ca --json > audit2.json
check "ca audit --json: intact false, 2 entries" python3 -c "
import json, sys; j = json.load(open('audit2.json')); sys.exit(0 if j['intact'] is False and j['entries'] == 2 and len(j['log']) == 2 and 'kiểm toán' in j['problem'] else 1)"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
