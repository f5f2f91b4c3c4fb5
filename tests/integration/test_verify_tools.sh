#!/usr/bin/env bash
# kyso verify on signatures made by other tools with the corpus test identity: `mutool sign`
# (SHA-1: intact, but refused by the algorithm policy) and `podofosign` (SHA-256), with pdfsig
# and openssl as oracles for the signed bytes. Then a kyso-signed file checked the other way
# round: pdfsig accepts what kyso verify accepts.
set -uo pipefail
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
: "${KYSO:?}" "${KYSO_SHARED:?}" "${KYSO_BUILD:?}"
C=$KYSO_SHARED/corpus
W=$KYSO_BUILD/test-verify-tools
rm -rf "$W"; mkdir -p "$W/empty-trust"
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
jq_py() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
P12=$C/certs/vn-corpus-public-signer-nguyen-van-a.p12
TRUST=(--trust "$C/certs/vn-corpus-public-root.pem" --trust "$C/certs/vn-corpus-public-issuing-ca.pem")

# ---- mutool sign (fills the existing empty field 7; MuPDF signs with SHA-1) ----
if mutool sign -s "$P12" -P test -o "$W/mutool.pdf" "$C/github/gh-pyhanko-minimal-with-field.pdf" 7 \
    >/dev/null 2>&1; then
  ok
  pdfsig "$W/mutool.pdf" 2>/dev/null | grep -q "Signature is Valid" && ok || bad "pdfsig rejects mutool's signature"
  "$KYSO" verify "$W/mutool.pdf" "${TRUST[@]}" --offline --json >"$W/m.json" 2>"$W/m.err"
  rc=$?
  [ $rc -eq 1 ] && ok || bad "mutool: exit $rc, expected 1 (SHA-1 policy) $(head -c 200 "$W/m.err")"
  [ "$(jq_py "$W/m.json" 'd["signatures"][0]["integrity"]')" = True ] && ok || bad "mutool: integrity not intact"
  [ "$(jq_py "$W/m.json" 'd["signatures"][0]["digest"]')" = SHA-1 ] && ok || bad "mutool: digest not SHA-1"
  [ "$(jq_py "$W/m.json" 'd["signatures"][0]["subindication"]')" = CRYPTO_CONSTRAINTS_FAILURE ] && ok || bad "mutool: not a policy failure"
  [ "$(jq_py "$W/m.json" 'any("SHA-1" in m and "không còn được chấp nhận" in m for m in d["signatures"][0]["messages"])')" = True ] \
    && ok || bad "mutool: no Vietnamese SHA-1 policy message"
  [ "$(jq_py "$W/m.json" 'd["signatures"][0]["chain"]')" = trusted ] && ok || bad "mutool: chain not trusted"
  [ "$(jq_py "$W/m.json" 'd["signatures"][0]["signer"]["name"]')" = "Nguyễn Văn A" ] && ok || bad "mutool: signer name"
else
  bad "mutool sign failed"
fi

# ---- podofosign (new field, SHA-256) ----
openssl pkcs12 -in "$P12" -passin pass:test -nodes -nocerts -out "$W/key.pem" 2>/dev/null ||
  openssl pkcs12 -legacy -in "$P12" -passin pass:test -nodes -nocerts -out "$W/key.pem" 2>/dev/null
openssl pkcs12 -in "$P12" -passin pass:test -clcerts -nokeys -out "$W/cert.pem" 2>/dev/null ||
  openssl pkcs12 -legacy -in "$P12" -passin pass:test -clcerts -nokeys -out "$W/cert.pem" 2>/dev/null
if podofosign -in "$C/generated/lo74-odt-qd-default.pdf" -out "$W/podofo.pdf" -cert "$W/cert.pem" \
    -pkey "$W/key.pem" -digest SHA256 -field-name Sig1 >/dev/null 2>&1; then
  ok
  pdfsig "$W/podofo.pdf" 2>/dev/null | grep -q "Signature is Valid" && ok || bad "pdfsig rejects podofosign's signature"
  "$KYSO" verify "$W/podofo.pdf" "${TRUST[@]}" --offline --json >"$W/p.json" 2>"$W/p.err"
  rc=$?
  [ $rc -ne 4 ] && ok || bad "podofo: kyso refused the file: $(head -c 200 "$W/p.err")"
  [ "$(jq_py "$W/p.json" 'd["signatures"][0]["coverage"]')" = whole-file ] && ok || bad "podofo: coverage"
  # podofosign (0.9) writes the same SignerInfo twice; ISO 32000 / ETSI EN 319 142-1 allow
  # exactly one. Either the CMS layer accepts it (then everything must hold) or refuses it as a
  # format failure — never a pass without integrity.
  if [ "$(jq_py "$W/p.json" 'd["signatures"][0]["integrity"]')" = True ]; then
    [ $rc -eq 0 ] && ok || bad "podofo: intact and trusted but exit $rc"
  else
    [ "$(jq_py "$W/p.json" 'd["signatures"][0]["subindication"]')" = FORMAT_FAILURE ] && [ $rc -eq 1 ] \
      && ok || bad "podofo: refused without FORMAT_FAILURE (exit $rc)"
    echo "NOTE: podofosign's two-SignerInfo CMS is refused as FORMAT_FAILURE"
  fi
else
  bad "podofosign failed"
fi

# ---- kyso sign, judged by pdfsig and kyso verify alike; then one tampered byte ----
if PW=test "$KYSO" sign "$C/generated/lo74-docx-qd-pdf15.pdf" -o "$W/kyso.pdf" --p12 "$P12" \
    --pin-env PW --kind invisible >/dev/null 2>&1; then
  ok
  pdfsig "$W/kyso.pdf" 2>/dev/null | grep -q "Signature is Valid" && ok || bad "pdfsig rejects kyso's signature"
  "$KYSO" verify "$W/kyso.pdf" "${TRUST[@]}" --offline >"$W/k.txt" 2>&1
  [ $? -eq 0 ] && ok || bad "kyso: own signature not TOTAL-PASSED: $(head -20 "$W/k.txt")"
  grep -q "Tất cả chữ ký đều hợp lệ" "$W/k.txt" && ok || bad "kyso: Vietnamese verdict missing"
  # flip one bit of the /Producer string of the original revision (inside the signed range)
  $PY - "$W/kyso.pdf" "$W/kyso-tampered.pdf" <<'EOF'
import sys
d = bytearray(open(sys.argv[1], "rb").read())
i = d.index(b"/Producer")
d[i + 12] ^= 0x01
open(sys.argv[2], "wb").write(d)
EOF
  pdfsig "$W/kyso-tampered.pdf" 2>/dev/null | grep -q "Digest Mismatch" && ok || bad "pdfsig does not see the tampering"
  "$KYSO" verify "$W/kyso-tampered.pdf" "${TRUST[@]}" --offline --json >"$W/t.json" 2>/dev/null
  [ $? -eq 1 ] && ok || bad "tampered: exit code"
  [ "$(jq_py "$W/t.json" 'd["subindication"]')" = HASH_FAILURE ] && ok || bad "tampered: not HASH_FAILURE"
else
  bad "kyso sign failed"
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
