#!/usr/bin/env bash
# Issuance is one transaction (ks_ca_issue_request): when delivery fails after the key and the
# certificate exist, the PKCS#12 file is removed, the key pair generated in a token deleted,
# and the recorded certificate revoked (cessationOfOperation), so that no valid certificate
# is left whose key nobody holds. A request refused up front makes nothing at all.
set -u
K=${KYSO:?}
W=${KYSO_BUILD:?}/test-issue-rollback
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
status_of() { # NAME -> status of the subscriber certificate with that name
  "$K" ca list ca --json | $PY -c 'import json,sys; d=json.load(sys.stdin); print(" ".join(c["status"] + ":" + str(c["reason"]) for c in d["certificates"] if c["name"] == sys.argv[1]))' "$1"
}
"$K" ca init ca >/dev/null 2>&1 || { echo "FAIL: ca init"; exit 1; }
export P12PW=secret-1

# PKCS#12 delivery fails at the PEM step: nothing usable remains
out=$("$K" --lang en ca issue ca --profile personal --name "Tran Van C" --out-p12 c.p12 \
  --pin-env P12PW -o /nonexistent/c.pem 2>&1); rc=$?
check "failed issuance exits 4 naming the output: $out" '[ $rc -eq 4 ] && grep -q "/nonexistent/c.pem" <<<"$out"'
check "the PKCS#12 file was taken back" '[ ! -e c.p12 ]'
check "the certificate is revoked (cessationOfOperation)" '[ "$(status_of "Tran Van C")" = "revoked:cessationOfOperation" ]'

# a good issuance still works and stays valid
out=$("$K" --lang en ca issue ca --profile personal --name "Le Thi D" --out-p12 d.p12 \
  --pin-env P12PW -o d.pem 2>&1)
check "issuance: $out" '[ -s d.p12 ] && [ -s d.pem ] && [ "$(status_of "Le Thi D")" = "valid:None" ]'

# an empty password is refused before any key or certificate is made
export EMPTY=
out=$("$K" --lang en ca issue ca --profile personal --name "Pham Van E" --out-p12 e.p12 \
  --pin-env EMPTY -o e.pem 2>&1); rc=$?
check "empty password refused up front" '[ $rc -eq 3 ] && [ -z "$(status_of "Pham Van E")" ] && [ ! -e e.p12 ]'

# a key generated in a token is deleted when the issuance fails after it
if command -v softhsm2-util >/dev/null && command -v pkcs11-tool >/dev/null; then
  . "$KYSO_SOURCE/scripts/softhsm-env.sh" "$W/hsm" --clean
  softhsm2-util --init-token --free --label Rollback --pin 1234 --so-pin 5678 >/dev/null
  export TPIN=1234
  out=$("$K" --lang en ca issue ca --profile personal --name "Vo Van F" --pkcs11 "$KYSO_P11_MODULE" \
    --token Rollback --key-label vo-van-f --pin-env TPIN -o /nonexistent/f.pem 2>&1); rc=$?
  check "token issuance failure exits 4: $out" '[ $rc -eq 4 ]'
  objs=$(pkcs11-tool --module "$KYSO_P11_MODULE" --token-label Rollback --login --pin 1234 -O 2>/dev/null)
  check "the token key pair was deleted" '! grep -q vo-van-f <<<"$objs"'
  check "the token certificate is revoked" '[ "$(status_of "Vo Van F")" = "revoked:cessationOfOperation" ]'
else
  echo "FAIL: softhsm2-util / pkcs11-tool missing (scripts/deps.sh installs them)"; fail=$((fail+1))
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
