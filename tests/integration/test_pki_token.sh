#!/usr/bin/env bash
# kyso ca with keys in PKCS#11 tokens (SoftHSM2): `ca init --pkcs11` generates the four CA key
# pairs in a token and signs certificates, CRLs, OCSP responses and timestamps through C_Sign;
# `ca issue --pkcs11` generates a subscriber's key pair in another token and stores the
# certificate beside it. Oracles: openssl verify/crl/ocsp/ts, p11tool, pkcs11-tool.
set -uo pipefail
SRC=${KYSO_SOURCE:?}
. "$(dirname "$0")/pki_lib.sh" test-pki-token

. "$SRC/scripts/softhsm-env.sh" "$W/hsm" --clean
M=${KYSO_P11_MODULE:-}
if [ -z "$M" ] || ! command -v softhsm2-util >/dev/null; then
  # a missing tool is a failure, not a pass with zero checks (scripts/deps.sh installs it)
  echo "FAIL: SoftHSM2 is not installed"; echo "0 passed, 1 failed"; exit 1
fi
softhsm2-util --init-token --free --label "kyso ca" --pin 11223344 --so-pin 99887766 >/dev/null
softhsm2-util --init-token --free --label "kyso pki" --pin 246810 --so-pin 135790 >/dev/null
export CAPIN=11223344 TOKPIN=246810
p11list() { p11tool --provider "$M" --list-all --login --set-pin "$2" "pkcs11:token=$1" 2>/dev/null; }

# ---- CA keys in a token ----
"$KYSO" --lang en ca init nopin --pkcs11 "$M" --token "kyso ca" < /dev/null 2> e0.txt
check "init without a PIN refused" has e0.txt "a PIN or password is needed"
check "ca init --pkcs11" "$KYSO" ca init ca --key-type rsa:2048 --pkcs11 "$M" --token "kyso ca" --pin-env CAPIN --base-url "$URL"
for f in root.pem issuing-ca.pem ocsp.pem tsa.pem ca.db; do check "init wrote $f" test -s "ca/$f"; done
check "no key files" test -z "$(ls ca/private 2>/dev/null)"
check "issuing chains to root" openssl verify -CAfile ca/root.pem ca/issuing-ca.pem
check "OCSP and TSA certificates chain" openssl verify -CAfile ca/root.pem -untrusted ca/issuing-ca.pem ca/ocsp.pem ca/tsa.pem
p11list "kyso%20ca" "$CAPIN" > ca-objs.txt
for l in kyso-root kyso-issuing-ca kyso-ocsp kyso-tsa; do
  check "token holds private key $l" grep -A4 "object=$l;type=private" ca-objs.txt
done
check "CA keys never extractable" test "$(grep -c CKA_NEVER_EXTRACTABLE ca-objs.txt)" = 4
pkcs11-tool --module "$M" --token-label "kyso ca" --read-object --type cert --label kyso-issuing-ca \
  -o icert.der >/dev/null 2>&1
check "issuing CA certificate stored in the token" cmp icert.der <(openssl x509 -in ca/issuing-ca.pem -outform DER)
"$KYSO" --lang en ca init ca2 --pkcs11 "$M" --token "kyso ca" --pin-env CAPIN 2> e1.txt
check "second CA in the same token refused" has e1.txt 'already has a key labelled "kyso-root"'
CAPIN=00000000 "$KYSO" --lang en ca crl ca -o x.der --pin-env CAPIN 2> e2.txt
rc=$?
[ $rc -eq 5 ] && ok || bad "wrong CA PIN exit $rc"
check "wrong CA PIN message" has e2.txt "wrong user PIN"

# ---- a failed `ca init --pkcs11` takes back what it made in the token ----
softhsm2-util --init-token --free --label "kyso ca2" --pin 11223344 --so-pin 99887766 >/dev/null
pkcs11-tool --module "$M" --token-label "kyso ca2" --login --pin "$CAPIN" --keypairgen \
  --key-type EC:prime256v1 --label kyso-ocsp >/dev/null 2>&1
"$KYSO" --lang en ca init ca2 --key-type rsa:2048 --pkcs11 "$M" --token "kyso ca2" --pin-env CAPIN \
  --base-url "$URL" >/dev/null 2>ca2.err; rc=$?
check "ca init into a token that already has kyso-ocsp fails, naming it" \
  bash -c "[ $rc -ne 0 ] && grep -q 'already has a key labelled \"kyso-ocsp\"' ca2.err"
p11list "kyso%20ca2" "$CAPIN" > ca2-objs.txt
check "failed init left no root or issuing key in the token" \
  bash -c "! grep -q 'object=kyso-root\|object=kyso-issuing-ca' ca2-objs.txt"
check "the key that was there before is untouched" grep -q "object=kyso-ocsp;type=private" ca2-objs.txt
check "failed init left no ca.db" test ! -e ca2/ca.db
pkcs11-tool --module "$M" --token-label "kyso ca2" --login --pin "$CAPIN" --delete-object \
  --type privkey --label kyso-ocsp >/dev/null 2>&1
pkcs11-tool --module "$M" --token-label "kyso ca2" --login --pin "$CAPIN" --delete-object \
  --type pubkey --label kyso-ocsp >/dev/null 2>&1
check "after the clash is removed, ca init simply runs again" "$KYSO" ca init ca2 --key-type rsa:2048 \
  --pkcs11 "$M" --token "kyso ca2" --pin-env CAPIN --base-url "$URL"
p11list "kyso%20ca2" "$CAPIN" > ca2-objs.txt
check "the re-run holds exactly one root key" test "$(grep -c 'object=kyso-root;type=private' ca2-objs.txt)" = 1

# ---- issuing and revoking through the token ----
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout s.key -subj /CN=x \
  -out s.csr 2>/dev/null
check "issue (CA key in token)" "$KYSO" ca issue ca --profile personal --name "Phạm Thị Dung" \
  --org "Sở Nội vụ" --csr s.csr --pin-env CAPIN -o d.pem
check "issued certificate verifies" openssl verify -CAfile ca/root.pem -untrusted ca/issuing-ca.pem d.pem
openssl x509 -in d.pem -noout -text > d.txt
check "signed with the token's RSA key" has d.txt "Signature Algorithm: sha256WithRSAEncryption"

# A PKCS#12 password (--pin-env) is never tried as the CA token's PIN: --ca-pin-env is needed.
export P12PW='mật khẩu p12'
"$KYSO" --lang en ca issue ca --profile personal --name "Võ Thị E" --out-p12 e.p12 \
  --pin-env P12PW -o e.pem < /dev/null 2> ep.txt
check "p12 password not used as CA PIN" has ep.txt "a PIN or password is needed"
check "issue p12 with --ca-pin-env" "$KYSO" ca issue ca --profile personal --name "Võ Thị E" \
  --out-p12 e.p12 --pin-env P12PW --ca-pin-env CAPIN -o e.pem
check "p12 opens with its password" openssl pkcs12 -in e.p12 -passin env:P12PW -noout

# ---- a subscriber key generated in its own token (--pkcs11), CA PIN apart (--ca-pin-env) ----
p11objs() { p11list "kyso%20pki" "$TOKPIN" | grep -c '^Object'; }
"$KYSO" --lang en ca issue ca --profile personal --name "Lê Văn C" --years 6 --pkcs11 "$M" \
  --token "kyso pki" --pin-env TOKPIN --ca-pin-env CAPIN -o t.pem 2> et.txt
check "token: --years 6 refused" has et.txt "a validity of 6 years is refused"
check "token: refusal made no key" test "$(p11objs)" = 0
check "token: issue" "$KYSO" ca issue ca --profile personal --name "Lê Văn C" --title "Giám đốc" \
  --org "Sở Tư pháp" --pkcs11 "$M" --token "kyso pki" --key-label "le-van-c" --pin-env TOKPIN \
  --ca-pin-env CAPIN -o t.pem
check "token: cert verifies" openssl verify -CAfile ca/root.pem -untrusted ca/issuing-ca.pem t.pem
pkcs11-tool --module "$M" --token-label "kyso pki" --read-object --type cert --label le-van-c \
  -o tcert.der >/dev/null 2>&1
check "token: certificate stored in the token" cmp tcert.der <(openssl x509 -in t.pem -outform DER)
echo "dữ liệu ký thử" > tdata.txt
pkcs11-tool --module "$M" --token-label "kyso pki" --login --pin "$TOKPIN" --sign \
  -m SHA256-RSA-PKCS --label le-van-c -i tdata.txt -o tsig.bin >/dev/null 2>&1
check "token: token key signs for the certificate's public key" openssl dgst -sha256 \
  -verify <(openssl x509 -in t.pem -noout -pubkey) -signature tsig.bin tdata.txt
p11list "kyso%20pki" "$TOKPIN" > tobjs.txt
check "token: private key never extractable" has tobjs.txt "CKA_NEVER_EXTRACTABLE"
TOKPIN=000000 "$KYSO" ca issue ca --profile device --name "Máy chủ" --pkcs11 "$M" \
  --token "kyso pki" --pin-env TOKPIN --ca-pin-env CAPIN -o t2.pem 2>/dev/null
rc=$?
[ $rc -eq 5 ] && ok || bad "token: wrong PIN exit $rc"
check "token: wrong PIN wrote nothing" test ! -e t2.pem
check "token: EC key" "$KYSO" ca issue ca --profile device --name "Cổng dịch vụ công" \
  --key-type ec:P-256 --pkcs11 "$M" --token "kyso pki" --pin-env TOKPIN --ca-pin-env CAPIN -o t3.pem
openssl x509 -in t3.pem -noout -text > t3.txt
check "token: EC certificate" has t3.txt "NIST CURVE: P-256"

check "revoke" "$KYSO" ca revoke ca --serial "$(serial_of t3.pem)" --reason cessationOfOperation --pin-env CAPIN
check "crl" "$KYSO" ca crl ca -o crl.der --pin-env CAPIN
openssl crl -inform DER -in crl.der -out crl.pem 2>/dev/null
check "CRL signed by the token key" openssl crl -in crl.pem -CAfile ca/issuing-ca.pem -noout
check "crl_check passes" openssl verify -crl_check -CRLfile crl.pem -CAfile ca/root.pem -untrusted ca/issuing-ca.pem d.pem
check "crl_check fails after revoke" bash -c "! openssl verify -crl_check -CRLfile crl.pem -CAfile ca/root.pem -untrusted ca/issuing-ca.pem t3.pem"

# ---- serving with the token: OCSP and TSA signed by C_Sign ----
"$KYSO" ca serve ca --listen "127.0.0.1:$PORT" --pin-env CAPIN > serve.log 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -sf "$URL/root.cer" -o /dev/null && break; sleep 0.1; done
openssl ocsp -issuer ca/issuing-ca.pem -cert d.pem -url "$URL/ocsp" -CAfile ca/root.pem > o1.txt 2>&1
check "OCSP good (token)" has o1.txt "d.pem: good"
check "OCSP verified (token)" has o1.txt "Response verify OK"
openssl ocsp -issuer ca/issuing-ca.pem -cert t3.pem -url "$URL/ocsp" -CAfile ca/root.pem -resp_text > o2.txt 2>&1
check "OCSP revoked (token)" has o2.txt "t3.pem: revoked"
check "OCSP reason (token)" has o2.txt "Reason: cessationOfOperation"
echo "văn bản" > data.txt
openssl ts -query -data data.txt -sha256 -cert -out q.tsq 2>/dev/null
curl -s -H 'Content-Type: application/timestamp-query' --data-binary @q.tsq "$URL/tsa" -o r.tsr
check "TSA verify (token)" openssl ts -verify -in r.tsr -queryfile q.tsq -CAfile ca/root.pem -untrusted ca/issuing-ca.pem
check "GET /crl (token)" curl -sf "$URL/crl" -o http-crl.der
check "HTTP CRL signature (token)" openssl crl -inform DER -in http-crl.der -CAfile ca/issuing-ca.pem -noout
check "GET /root.crl (token)" curl -sf "$URL/root.crl" -o root-crl.der
check "root CRL signed by the token root key" openssl crl -inform DER -in root-crl.der -CAfile ca/root.pem -noout
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null; rc=$?
[ $rc -eq 0 ] && ok || bad "serve exits 0 on SIGTERM ($rc)"
SERVER_PID=

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
