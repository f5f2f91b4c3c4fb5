#!/usr/bin/env bash
# kyso ca serve end to end with real clients as oracles: the OCSP responder (RFC 6960) with
# `openssl ocsp` (good, revoked at once, superseded, unknown, GET form, malformed requests), the
# TSA (RFC 3161) with `openssl ts -verify`, CRLs over HTTP with `openssl verify -crl_check_all`;
# the server must answer garbage with protocol errors and keep serving.
set -uo pipefail
. "$(dirname "$0")/pki_lib.sh" test-pki-serve
export P12PW='mật khẩu 123'

# ---- a CA with a few certificates: good, superseded (by a change), and one to revoke ----
check "ca init (ECDSA P-384 CA keys)" "$KYSO" ca init ca --key-type ec:P-384 --base-url "$URL"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout org.key \
  -subj "/CN=ignored" -out org.csr 2>/dev/null
check "issue org" "$KYSO" ca issue ca --profile organization --name "Sở Tài chính" --org-id H24.7 \
  --csr org.csr -o org.pem
openssl req -new -newkey rsa:2048 -nodes -keyout dev.key -subj "/CN=x" -out dev.csr 2>/dev/null
check "issue dev" "$KYSO" ca issue ca --profile device --name "Hệ thống QLVB&ĐH" --csr dev.csr -o dev.pem
check "issue a" "$KYSO" ca issue ca --profile personal --name "Nguyễn Văn A" --title "Chủ tịch" \
  --csr org.csr -o a.pem
check "change a" "$KYSO" ca change ca --serial "$(serial_of a.pem)" --title "Phó Chủ tịch" -o a2.pem
head -c 300 /dev/urandom > rnd.bin

# ---- the server ----
"$KYSO" ca serve ca --listen "127.0.0.1:$PORT" > serve.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -sf "$URL/root.cer" -o /dev/null && break; sleep 0.1; done
check "server up" curl -sf "$URL/root.cer" -o root.cer
check "root.cer is root.pem" cmp root.cer <(openssl x509 -in ca/root.pem -outform DER)
check "issue fresh" "$KYSO" ca issue ca --profile personal --name "Trần Thị Bình" --csr dev.csr -o b.pem
ocsp() { openssl ocsp -issuer ca/issuing-ca.pem -cert "$1" -url "$URL/ocsp" -CAfile ca/root.pem -resp_text "${@:2}"; }
ocsp b.pem > o1.txt 2>&1
check "OCSP good" has o1.txt "b.pem: good"
check "OCSP verified" has o1.txt "Response verify OK"
check "OCSP nonce echoed" has o1.txt "OCSP Nonce"
check "OCSP signed by delegated responder" has o1.txt "Subject: C=VN, O=kyso, CN=kyso OCSP"
ocsp b.pem -no_nonce > o1n.txt 2>&1
check "OCSP good without nonce" has o1n.txt "b.pem: good"
check "revoke b" "$KYSO" ca revoke ca --serial "$(serial_of b.pem)" --reason keyCompromise
ocsp b.pem -no_nonce > o2.txt 2>&1
check "OCSP revoked immediately (cache bypassed)" has o2.txt "b.pem: revoked"
check "OCSP reason" has o2.txt "Reason: keyCompromise"
check "OCSP revocation time" has o2.txt "Revocation Time:"
ocsp a.pem > o3.txt 2>&1
check "OCSP superseded" has o3.txt "Reason: superseded"
openssl ocsp -issuer ca/issuing-ca.pem -serial 0x1234ABCD -url "$URL/ocsp" -CAfile ca/root.pem > o4.txt 2>&1
check "OCSP unknown serial" has o4.txt ": unknown"
openssl ocsp -issuer ca/root.pem -cert ca/issuing-ca.pem -url "$URL/ocsp" -CAfile ca/root.pem -VAfile ca/ocsp.pem > o5.txt 2>&1
check "OCSP other issuer unknown" has o5.txt ": unknown"
# GET form (RFC 6960 App. A.1): base64 of the DER request in the path, URL-encoded.
openssl ocsp -issuer ca/issuing-ca.pem -cert org.pem -no_nonce -reqout req.der >/dev/null 2>&1
b64=$(base64 -w0 req.der | sed 's/+/%2B/g; s,/,%2F,g; s/=/%3D/g')
check "OCSP GET" curl -sf "$URL/ocsp/$b64" -o get.der
openssl ocsp -respin get.der -issuer ca/issuing-ca.pem -CAfile ca/root.pem -reqin req.der -resp_text > get.txt 2>&1
check "OCSP GET answer good" has get.txt "Cert Status: good"
check "OCSP GET verified" has get.txt "Response verify OK"
# Malformed requests: an OCSP error response, HTTP 200, and the server keeps going.
code=$(curl -s -o bad.der -w '%{http_code}' --data-binary 'not DER at all' -H 'Content-Type: application/ocsp-request' "$URL/ocsp")
[ "$code" = 200 ] && ok || bad "malformed OCSP HTTP code $code"
openssl ocsp -respin bad.der -resp_text -noverify > bad.txt 2>&1
check "OCSP malformedRequest" has bad.txt "malformedrequest"
head -c 300 /dev/urandom > rnd.bin
curl -s --data-binary @rnd.bin "$URL/ocsp" -o bad2.der
openssl ocsp -respin bad2.der -resp_text -noverify > bad2.txt 2>&1
check "OCSP random bytes" has bad2.txt "malformedrequest"
head -c $(( $(stat -c %s req.der) - 5 )) req.der > trunc.der
curl -s --data-binary @trunc.der "$URL/ocsp" -o bad3.der
openssl ocsp -respin bad3.der -resp_text -noverify > bad3.txt 2>&1
check "OCSP truncated" has bad3.txt "malformedrequest"
check "OCSP GET garbage" curl -sf "$URL/ocsp/%%%%" -o /dev/null

# TSA
echo "văn bản cần đóng dấu thời gian" > data.txt
openssl ts -query -data data.txt -sha256 -cert -out q1.tsq 2>/dev/null
code=$(curl -s -o r1.tsr -w '%{http_code}' -H 'Content-Type: application/timestamp-query' --data-binary @q1.tsq "$URL/tsa")
[ "$code" = 200 ] && ok || bad "TSA HTTP code $code"
check "TSA verify" openssl ts -verify -in r1.tsr -queryfile q1.tsq -CAfile ca/root.pem -untrusted ca/issuing-ca.pem
check "TSA verify against data" openssl ts -verify -in r1.tsr -data data.txt -CAfile ca/root.pem -untrusted ca/issuing-ca.pem
openssl ts -reply -in r1.tsr -text > r1.txt 2>/dev/null
check "TSA granted" has r1.txt "Status: Granted."
check "TSA policy" has r1.txt "Policy OID: 2.25.115274035936286627048492735598134553501.2.1"
check "TSA accuracy 1 s" has r1.txt "Accuracy: 0x01 seconds"
qn=$(openssl ts -query -in q1.tsq -text 2>/dev/null | sed -n 's/^Nonce: //p')
rn=$(sed -n 's/^Nonce: //p' r1.txt)
[ -n "$qn" ] && [ "$qn" = "$rn" ] && ok || bad "TSA nonce echoed ($qn vs $rn)"
openssl ts -reply -in r1.tsr -token_out -out tok1.der 2>/dev/null
openssl cms -inform DER -in tok1.der -cmsout -print > tok1.txt 2>/dev/null
check "TSA ESS signing-certificate-v2" has tok1.txt "id-smime-aa-signingCertificateV2"
check "TSA ECDSA signature" has tok1.txt "ecdsa-with-SHA256"
gt=$(date -d "$(sed -n 's/^Time stamp: //p' r1.txt)" +%s)
[ $(( $(date +%s) - gt )) -le 60 ] && ok || bad "TSA genTime is now"
openssl ts -query -data data.txt -sha512 -out q2.tsq 2>/dev/null
curl -s -H 'Content-Type: application/timestamp-query' --data-binary @q2.tsq "$URL/tsa" -o r2.tsr
openssl ts -reply -in r2.tsr -text > r2.txt 2>/dev/null
s1=$(sed -n 's/^Serial number: //p' r1.txt); s2=$(sed -n 's/^Serial number: //p' r2.txt)
[ -n "$s1" ] && [ "$s1" != "$s2" ] && ok || bad "TSA serials unique ($s1, $s2)"
check "TSA without certReq verifies with tsa.pem" openssl ts -verify -in r2.tsr -queryfile q2.tsq \
  -CAfile ca/root.pem -untrusted <(cat ca/issuing-ca.pem ca/tsa.pem)
openssl ts -query -data data.txt -sha1 -out q3.tsq 2>/dev/null
curl -s --data-binary @q3.tsq "$URL/tsa" -o r3.tsr
openssl ts -reply -in r3.tsr -text > r3.txt 2>/dev/null
check "TSA refuses SHA-1" has r3.txt "Status: Rejected."
curl -s --data-binary @rnd.bin "$URL/tsa" -o r4.tsr
openssl ts -reply -in r4.tsr -text > r4.txt 2>/dev/null
check "TSA malformed -> rejection" has r4.txt "Status: Rejected."
check "TSA malformed -> badDataFormat" has r4.txt "the data submitted has the wrong format"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$URL/tsa")
[ "$code" = 400 ] && ok || bad "TSA empty body HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "$URL/nothing")
[ "$code" = 404 ] && ok || bad "unknown path HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data x "$URL/tsa")
[ "$code" = 405 ] && ok || bad "PUT HTTP $code"
code=$(head -c 100000 /dev/zero | curl -s -o /dev/null -w '%{http_code}' --data-binary @- "$URL/tsa")
[ "$code" = 413 ] && ok || bad "oversized body HTTP $code"

# CRL over HTTP: fresh, lists the revocations, nextUpdate = thisUpdate + 7 days.
check "GET /crl" curl -sf "$URL/crl" -o http-crl.der
openssl crl -inform DER -in http-crl.der -CAfile ca/issuing-ca.pem -noout -text > http-crl.txt 2>&1
check "HTTP CRL signature" has http-crl.txt "verify OK"
check "HTTP CRL has b" has http-crl.txt "$(serial_of b.pem)"
lu=$(date -d "$(openssl crl -inform DER -in http-crl.der -noout -lastupdate | cut -d= -f2)" +%s)
nu=$(date -d "$(openssl crl -inform DER -in http-crl.der -noout -nextupdate | cut -d= -f2)" +%s)
[ $((nu - lu)) -eq 604800 ] && ok || bad "CRL nextUpdate +7 days ($((nu - lu)))"
check "GET /root.crl" curl -sf "$URL/root.crl" -o root-crl.der
check "root CRL signed by root" openssl crl -inform DER -in root-crl.der -CAfile ca/root.pem -noout
openssl crl -inform DER -in http-crl.der -out http-crl.pem 2>/dev/null
openssl crl -inform DER -in root-crl.der -out root-crl.pem 2>/dev/null
check "crl_check_all with served CRLs" openssl verify -crl_check_all -CRLfile http-crl.pem \
  -CRLfile root-crl.pem -CAfile ca/root.pem -untrusted ca/issuing-ca.pem dev.pem

# still serving after all the garbage
ocsp dev.pem > o9.txt 2>&1
check "server still serving" has o9.txt "dev.pem: good"
check "server alive" kill -0 "$SERVER_PID"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; rc=$?
[ $rc -eq 0 ] && ok || bad "serve exits 0 on SIGTERM ($rc)"
SERVER_PID=

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
