#!/usr/bin/env bash
# Signature formats kyso verifies but does not write: EdDSA in CMS (RFC 8419: Ed25519 with
# SHA-512, Ed448 with SHAKE256), plain-format ECDSA (BSI TR-03111, r||s) and
# /SubFilter /adbe.pkcs7.sha1 (ISO 32000-1 §12.8.3.3: the SHA-1 digest of the byte range is
# the encapsulated content). tests/attacks/make_sig_formats.py builds each SignedData by hand
# (OpenSSL 3.0's CMS cannot sign EdDSA) over a PDF kyso signed; a changed signed byte and a
# flipped bit of the signature value must each fail. No corpus needed.
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W=$KYSO_BUILD/test-sig-formats
rm -rf "$W"; mkdir -p "$W/empty-trust"
cd "$W" || exit 1
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
GEN=$KYSO_SOURCE/tests/attacks/make_sig_formats.py
KU="keyUsage=critical,digitalSignature,nonRepudiation"

$PY "$KYSO_SOURCE/tests/attacks/make_hostile.py" plain plain.pdf && ok || bad "make plain.pdf"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ec.key -out ec.pem \
  -days 30 -subj "/CN=EC Signer" -addext "$KU" >/dev/null 2>&1 && ok || bad "EC certificate"
for k in ed25519 ed448; do
  openssl genpkey -algorithm $k -out $k.key 2>/dev/null &&
    openssl req -x509 -key $k.key -out $k.pem -days 30 -subj "/CN=$k Signer" -addext "$KU" \
      >/dev/null 2>&1 && ok || bad "$k certificate"
done
"$KYSO" sign plain.pdf -o base.pdf --key ec.key --cert ec.pem --kind invisible >/dev/null 2>&1 \
  && ok || bad "kyso sign base.pdf"

# check FILE TRUST EXPECTED: "IND SUB INTEGRITY SUBFILTER DIGEST" of the one signature
check() {
  local f=$1 trust=$2 want=$3
  "$KYSO" verify "$f" --trust "$trust" --offline --json --lang en >out.json 2>err.txt
  local got
  got=$($PY -c 'import json; d=json.load(open("out.json")); s=d["signatures"][0]; print(s["indication"], s["subindication"] or "-", s["integrity"], s["subfilter"], s["digest"])' 2>&1)
  [ "$got" = "$want" ] && ok || bad "$f: got '$got', expected '$want' ($(head -c 300 out.json))"
}

for spec in "eddsa ed25519 SHA-512" "eddsa ed448 SHAKE256" "plain-ecdsa ec SHA-256"; do
  set -- $spec
  f=$1-$2.pdf
  $PY "$GEN" base.pdf $1 $2.key $2.pem $f && ok || bad "make $f"
  check $f $2.pem "TOTAL-PASSED - True adbe.pkcs7.detached $3"
  $PY "$GEN" base.pdf $1 $2.key $2.pem tampered-$f --tamper && ok || bad "make tampered-$f"
  check tampered-$f $2.pem "TOTAL-FAILED HASH_FAILURE False adbe.pkcs7.detached $3"
  $PY "$GEN" base.pdf $1 $2.key $2.pem badsig-$f --bad-sig && ok || bad "make badsig-$f"
  check badsig-$f $2.pem "TOTAL-FAILED SIG_CRYPTO_FAILURE False adbe.pkcs7.detached $3"
done

# adbe.pkcs7.sha1: integrity is checked, then the SHA-1 policy fails it
$PY "$GEN" base.pdf sha1 ec.key ec.pem sha1.pdf && ok || bad "make sha1.pdf"
check sha1.pdf ec.pem "TOTAL-FAILED CRYPTO_CONSTRAINTS_FAILURE True adbe.pkcs7.sha1 SHA-1"
$PY "$GEN" base.pdf sha1 ec.key ec.pem tampered-sha1.pdf --tamper && ok || bad "make tampered-sha1.pdf"
check tampered-sha1.pdf ec.pem "TOTAL-FAILED HASH_FAILURE False adbe.pkcs7.sha1 SHA-1"
$PY "$GEN" base.pdf sha1 ec.key ec.pem badsig-sha1.pdf --bad-sig && ok || bad "make badsig-sha1.pdf"
check badsig-sha1.pdf ec.pem "TOTAL-FAILED SIG_CRYPTO_FAILURE False adbe.pkcs7.sha1 SHA-1"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
