#!/usr/bin/env bash
# kyso ca obeys $KYSO_NOW (read by the CLI into its context's clock, which the library's CA
# takes through ks_ca_init_opts.ctx / ks_ca_set_ctx): init, issue, revoke and the CRL are dated
# by it, not by the machine's clock. OpenSSL reads the dates.
set -uo pipefail
. "$(dirname "$0")/pki_lib.sh" test-ca-now
export KYSO_NOW=2030-01-15T10:00:00+07:00
WANT="Jan 15 03:00:00 2030 GMT"

check "ca init at KYSO_NOW" "$KYSO" ca init ca --base-url "$URL"
check "root dated by KYSO_NOW" test "$(openssl x509 -in ca/root.pem -noout -startdate)" = "notBefore=$WANT"
check "issuing CA dated by KYSO_NOW" \
  test "$(openssl x509 -in ca/issuing-ca.pem -noout -startdate)" = "notBefore=$WANT"
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj "/CN=dev" \
  -keyout dev.key -out dev.csr 2>/dev/null || bad "cannot make a CSR"
check "issue at KYSO_NOW" "$KYSO" ca issue ca --profile device --name "Thiết bị" \
  --org "Sở KH&CN Hải Phòng" --csr dev.csr -o dev.pem
check "certificate dated by KYSO_NOW" \
  test "$(openssl x509 -in dev.pem -noout -startdate)" = "notBefore=$WANT"
check "revoke" "$KYSO" ca revoke ca --serial "$(serial_of dev.pem)"
check "crl" "$KYSO" ca crl ca -o crl.der
check "CRL dated by KYSO_NOW" \
  test "$(openssl crl -inform DER -in crl.der -noout -lastupdate)" = "lastUpdate=$WANT"
openssl crl -inform DER -in crl.der -noout -text > crl.txt 2>/dev/null
check "revocation dated by KYSO_NOW" has crl.txt "Revocation Date: $WANT"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
