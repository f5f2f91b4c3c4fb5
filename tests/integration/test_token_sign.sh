#!/usr/bin/env bash
# A PDF signed with keys that never leave a PKCS#11 token (SoftHSM2, private store in the build
# tree): the token is set up with `kyso token`, certificates made by openssl for the token's
# public keys, then `kyso sign --pkcs11` signs with RSA PKCS#1 v1.5, RSA-PSS and ECDSA.
# Oracle: poppler's pdfsig must find each signature valid over the whole document.
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W="$KYSO_BUILD/test-token-sign"
rm -rf "$W"
mkdir -p "$W"
# shellcheck source=/dev/null
. "$KYSO_SOURCE/scripts/softhsm-env.sh" "$W" --clean
M="${KYSO_P11_MODULE:?no SoftHSM2 module found}"
bash "${KYSO_SOURCE:?}/scripts/sample_pdf.sh" "$KYSO_BUILD/sample/qd.pdf" || { echo "FAIL: no sample PDF"; exit 1; }
PDF="$KYSO_BUILD/sample/qd.pdf"   # the sample decision (docs/sample, LibreOffice)
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL: $*"
}
run() { # run EXPECTED_RC ARGS...
  local want=$1
  shift
  "$KYSO" "$@" >"$W/out" 2>"$W/err" </dev/null
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else
    bad "kyso $* exited $rc, expected $want"
    sed 's/^/  | /' "$W/err"
  fi
}
TOK="Chữ ký cá nhân"
umask 077
printf 'so-24681357\n' >"$W/so"
printf 'pin-5555\n' >"$W/pin"
printf 'pin-6666\n' >"$W/pin-bad"

run 0 token init --pkcs11 "$M" --token "$TOK" --so-pin-file "$W/so" --pin-file "$W/pin"
run 0 token keygen --pkcs11 "$M" --token "$TOK" --key-label rsa --key-type rsa:3072 \
  --pin-file "$W/pin" -o "$W/rsa.pub.pem"
run 0 token keygen --pkcs11 "$M" --token "$TOK" --key-label ec --key-type ec:P-256 \
  --pin-file "$W/pin" -o "$W/ec.pub.pem"

# A small test CA issues a signing certificate for each token key.
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/ca.key" \
  -x509 -days 2 \
  -subj "/CN=kyso token test CA" -out "$W/ca.pem" >/dev/null 2>&1
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/tmp.key" \
  -subj "/CN=unused" \
  -out "$W/req.csr" >/dev/null 2>&1
printf 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n' \
  >"$W/ext"
serial=10
for k in rsa ec; do
  serial=$((serial + 1))
  openssl x509 -req -in "$W/req.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -set_serial $serial \
    -days 2 -force_pubkey "$W/$k.pub.pem" -extfile "$W/ext" -subj "/CN=Signer $k" \
    -out "$W/$k.cert.pem" >/dev/null 2>&1
  run 0 token import --pkcs11 "$M" --token "$TOK" --key-label $k --cert "$W/$k.cert.pem" \
    --pin-file "$W/pin"
done

# sign_ok NAME KEY [extra sign options]: signs, then asks pdfsig
sign_ok() {
  local name=$1 key=$2
  shift 2
  rm -f "$W/$name.pdf"
  run 0 sign "$PDF" -o "$W/$name.pdf" --pkcs11 "$M" --token "$TOK" --key-label "$key" \
    --pin-file "$W/pin" --kind invisible --chain "$W/ca.pem" "$@"
  pdfsig "$W/$name.pdf" >"$W/$name.pdfsig" 2>&1
  if grep -q "Signature Validation: Signature is Valid" "$W/$name.pdfsig" &&
    grep -q "Total document signed" "$W/$name.pdfsig"; then ok; else
    bad "$name: pdfsig does not find a valid whole-document signature"
    sed 's/^/  | /' "$W/$name.pdfsig"
  fi
}
sign_ok rsa-pkcs1 rsa
sign_ok rsa-pss rsa --pss --hash sha384
if grep -q "Signing Hash Algorithm: SHA-384" "$W/rsa-pss.pdfsig"; then ok; else
  bad "rsa-pss: not SHA-384"
fi
sign_ok ecdsa ec

# A wrong PIN: token error (exit 5), no output file.
rm -f "$W/nope.pdf"
run 5 sign "$PDF" -o "$W/nope.pdf" --pkcs11 "$M" --token "$TOK" --key-label rsa \
  --pin-file "$W/pin-bad" --kind invisible
if [ ! -e "$W/nope.pdf" ]; then ok; else bad "output written despite a wrong PIN"; fi
if grep -q "pin-6666" "$W/err"; then bad "the PIN appears in the message"; else ok; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
