#!/usr/bin/env bash
# `kyso token` end to end on SoftHSM2 in a private token store under the build directory:
# list, init, keygen (RSA-3072, EC P-256), certificate and PKCS#12 import, change-pin, unblock.
# Oracles: pkcs11-tool (OpenSC) reads the token's objects and signs with it, openssl checks the
# public keys and verifies pkcs11-tool's signatures. kyso gets PINs only from files or the
# environment; pkcs11-tool only takes them on argv, which is fine for these throwaway test PINs.
# SoftHSM2 has no retry limit, so the locked / final-try messages are unit-tested
# (tests/unit/token/test_pin_messages.c).
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W="$KYSO_BUILD/test-token-cli"
rm -rf "$W"
mkdir -p "$W"
# shellcheck source=/dev/null
. "$KYSO_SOURCE/scripts/softhsm-env.sh" "$W" --clean
M="${KYSO_P11_MODULE:?no SoftHSM2 module found}"
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
  fail=$((fail + 1))
  echo "FAIL: $*"
}
check() { # check DESCRIPTION COMMAND...
  local d=$1
  shift
  if "$@" >"$W/check.log" 2>&1; then ok; else
    bad "$d"
    sed 's/^/  | /' "$W/check.log"
  fi
}
# run EXPECTED_RC ARGS...: runs kyso, keeps stdout/stderr in $W/out, $W/err
run() {
  local want=$1
  shift
  "$KYSO" "$@" >"$W/out" 2>"$W/err" </dev/null
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok; else
    bad "kyso $* exited $rc, expected $want"
    sed 's/^/  | /' "$W/err"
  fi
}
has() { grep -qF -- "$2" "$W/$1"; }
not() { ! "$@"; }
p11() { pkcs11-tool --module "$M" --token-label "$TOK" "$@"; }
# snap PIN: pkcs11-tool's listing of every object (logged in) into $W/objs, read by obj_field.
# pkcs11-tool picks a signing key by --id only, hence obj_field ... ID.
snap() { p11 -O --login --pin "$1" >"$W/objs" 2>/dev/null; }
obj_field() { # obj_field TYPE LABEL FIELD: a field ("ID", "Access", "Usage") of that object
  awk -v t="$1" -v l="$2" -v f="$3" '
    /^[A-Za-z ]+ Object/ {ty = $0; sub(/ Object.*/, "", ty); lab = ""}
    /^  label:/ {sub(/^  label: +/, ""); lab = $0}
    $0 ~ "^  " f ":" && ty == t && lab == l {sub(/^  [A-Za-z]+: +/, ""); print; exit}' "$W/objs"
}

TOK="Văn thư"
umask 077
printf 'so-87654321\n' >"$W/so"
printf 'wrong-so\n' >"$W/so-bad"
printf 'pin-1111\n' >"$W/pin"
printf 'pin-2222\n' >"$W/pin2"
printf 'pin-3333\n' >"$W/pin3"
printf 'pin-0000\n' >"$W/pin-bad"

# ---- usage ----
run 3 token
run 3 token list
check "missing --pkcs11 is named" has err "--pkcs11"
run 3 token frobnicate --pkcs11 "$M"
run 5 token list --pkcs11 "$W/no-such-module.so"

# ---- an empty store: one uninitialised slot ----
run 0 token list --pkcs11 "$M"
check "list shows an uninitialised token (vi)" has out "chưa khởi tạo"
run 0 --lang en token list --pkcs11 "$M"
check "list shows an uninitialised token (en)" has out "not initialised"

# ---- init ----
run 3 token init --pkcs11 "$M" --token "$TOK" --pin-file "$W/pin"
check "init without SO PIN names the option" has err "--so-pin-file"
printf '12\n' >"$W/pin-short"
run 3 --lang en token init --pkcs11 "$M" --token "$TOK" --so-pin-file "$W/so" \
  --pin-file "$W/pin-short"
check "too short PIN refused before init" has err "accepts PINs of"
run 0 --lang en token list --pkcs11 "$M"
check "slot still uninitialised after a refused init" has out "not initialised"
run 0 token init --pkcs11 "$M" --token "$TOK" --so-pin-file "$W/so" --pin-file "$W/pin"
run 5 token list --pkcs11 "$M" --token "no such token"
run 0 --lang en token list --pkcs11 "$M" --token "$TOK"
check "initialised token listed as ready" has out "\"$TOK\""
check "initialised token is ready" has out ": ready"
p11 -T >"$W/p11" 2>&1
check "pkcs11-tool sees the label" grep -qF "$TOK" "$W/p11"
check "pkcs11-tool: PIN initialised" grep -q "PIN initialized" "$W/p11"

# ---- keygen ----
run 0 token keygen --pkcs11 "$M" --token "$TOK" --key-label ky-rsa --key-type rsa:3072 \
  --pin-file "$W/pin" -o "$W/rsa.pub.pem"
openssl pkey -pubin -in "$W/rsa.pub.pem" -noout -text >"$W/rsa.txt" 2>&1
check "RSA public key is 3072 bits (openssl)" grep -q "Public-Key: (3072 bit)" "$W/rsa.txt"
export KYSO_TEST_PIN=pin-1111
run 0 token keygen --pkcs11 "$M" --key-label ky-ec --key-type ec:P-256 --pin-env KYSO_TEST_PIN \
  -o "$W/ec.pub.pem"
openssl pkey -pubin -in "$W/ec.pub.pem" -noout -text >"$W/ec.txt" 2>&1
check "EC public key is on P-256 (openssl)" grep -q "prime256v1" "$W/ec.txt"
run 3 token keygen --pkcs11 "$M" --key-label ky-rsa --pin-file "$W/pin"
run 3 token keygen --pkcs11 "$M" --key-label k --key-type rsa:1024 --pin-file "$W/pin"

# The private keys cannot leave the token: pkcs11-tool sees them sensitive and never
# extractable, and cannot read them out.
snap pin-1111
check "two private keys in the token" [ "$(grep -c '^Private Key Object' "$W/objs")" -eq 2 ]
for k in ky-rsa ky-ec; do
  acc=$(obj_field "Private Key" $k Access)
  check "$k: sensitive, never extractable ($acc)" \
    test "$acc" = "sensitive, always sensitive, never extractable, local"
  check "$k: signing only" test "$(obj_field "Private Key" $k Usage)" = "sign"
done
for k in ky-rsa ky-ec; do
  if p11 --login --pin pin-1111 --read-object --type privkey --label "$k" -o "$W/$k.der" \
    >/dev/null 2>&1 && [ -s "$W/$k.der" ]; then
    bad "pkcs11-tool exported private key $k"
  else ok; fi
done
run 0 --lang en token list --pkcs11 "$M" --pin-file "$W/pin"
check "list shows the RSA key not extractable" has out 'private key "ky-rsa" RSA'
check "list: keys sensitive, not extractable" \
  [ "$(grep -c 'sensitive, not extractable' "$W/out")" -eq 2 ]

# A signature made in the token (by pkcs11-tool) verifies with the public key kyso exported.
printf 'Công văn số 123/UBND-VP\n' >"$W/data"
sign_check() { # sign_check PIN: signs with both keys in the token, verifies with openssl
  local pin=$1 idr ide
  rm -f "$W/sig-rsa" "$W/sig-ec"
  snap "$pin"
  idr=$(obj_field "Private Key" ky-rsa ID)
  ide=$(obj_field "Private Key" ky-ec ID)
  [ -n "$idr" ] && [ -n "$ide" ] || return 1
  openssl dgst -sha256 -binary "$W/data" >"$W/hash"
  # SoftHSM2 2.6 has no CKM_ECDSA_SHA256: sign the hash with CKM_ECDSA, as kyso does.
  p11 --login --pin "$pin" --sign --mechanism SHA256-RSA-PKCS --id "$idr" -i "$W/data" \
    -o "$W/sig-rsa" >/dev/null 2>&1 &&
    openssl dgst -sha256 -verify "$W/rsa.pub.pem" -signature "$W/sig-rsa" "$W/data" \
      >/dev/null 2>&1 &&
    p11 --login --pin "$pin" --sign --mechanism ECDSA --signature-format openssl --id "$ide" \
      -i "$W/hash" -o "$W/sig-ec" >/dev/null 2>&1 &&
    openssl dgst -sha256 -verify "$W/ec.pub.pem" -signature "$W/sig-ec" "$W/data" >/dev/null 2>&1
}
check "token signs; openssl verifies with the exported public keys" sign_check pin-1111
printf 'tampered\n' >>"$W/data"
check "a changed document does not verify" not openssl dgst -sha256 -verify "$W/rsa.pub.pem" \
  -signature "$W/sig-rsa" "$W/data"

# ---- certificates ----
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/ca.key" \
  -x509 -days 2 -subj "/CN=Test CA" \
  -out "$W/ca.pem" >/dev/null 2>&1
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/tmp.key" \
  -subj "/CN=Nguyen Van A" \
  -out "$W/a.csr" >/dev/null 2>&1
openssl x509 -req -in "$W/a.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -set_serial 7 -days 2 \
  -force_pubkey "$W/rsa.pub.pem" -out "$W/rsa.cert.pem" >/dev/null 2>&1
check "test certificate made" [ -s "$W/rsa.cert.pem" ]
run 5 token import --pkcs11 "$M" --key-label ky-ec --cert "$W/rsa.cert.pem" --pin-file "$W/pin"
run 0 token import --pkcs11 "$M" --key-label ky-rsa --cert "$W/rsa.cert.pem" --pin-file "$W/pin"
snap pin-1111
check "certificate stored" grep -q '^Certificate Object' "$W/objs"
keyid=$(obj_field "Private Key" ky-rsa ID)
certid=$(obj_field Certificate ky-rsa ID)
check "certificate has the key's CKA_ID" test -n "$keyid" -a "$keyid" = "$certid"
p11 --read-object --type cert --id "$certid" -o "$W/back.der" >/dev/null 2>&1
check "stored certificate is the one given" \
  cmp -s <(openssl x509 -in "$W/rsa.cert.pem" -outform DER) "$W/back.der"

# ---- PKCS#12 import ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout "$W/p12.key" \
  -subj "/CN=Van thu" -days 2 -out "$W/p12.cert" >/dev/null 2>&1
openssl pkcs12 -export -inkey "$W/p12.key" -in "$W/p12.cert" -passout pass:p12-secret \
  -out "$W/id.p12" >/dev/null 2>&1
printf 'p12-secret\n' >"$W/p12pass"
printf 'not-it\n' >"$W/p12bad"
run 4 token import --pkcs11 "$M" --key-label imp --p12 "$W/id.p12" --p12-pass-file "$W/p12bad" \
  --pin-file "$W/pin"
run 0 token import --pkcs11 "$M" --key-label imp --p12 "$W/id.p12" --p12-pass-file "$W/p12pass" \
  --pin-file "$W/pin"
snap pin-1111
acc=$(obj_field "Private Key" imp Access)
check "imported key is sensitive and not extractable ($acc)" test "$acc" = "sensitive"
check "imported key only signs" test "$(obj_field "Private Key" imp Usage)" = "sign"
printf 'x\n' >"$W/d2"
openssl dgst -sha256 -binary "$W/d2" >"$W/h2"
p11 --login --pin pin-1111 --sign --mechanism ECDSA --signature-format openssl \
  --id "$(obj_field "Private Key" imp ID)" -i "$W/h2" -o "$W/sig-imp" >/dev/null 2>&1
check "imported key signs for its certificate" \
  openssl dgst -sha256 -verify <(openssl x509 -in "$W/p12.cert" -noout -pubkey) \
  -signature "$W/sig-imp" "$W/d2"

# ---- wrong PIN, change-pin ----
run 5 token list --pkcs11 "$M" --pin-file "$W/pin-bad"
check "wrong PIN message (vi)" has err "sai mã PIN người dùng"
check "the PIN is not in the message" not grep -q "pin-0000" "$W/err"
run 5 --lang en token list --pkcs11 "$M" --pin-file "$W/pin-bad"
check "wrong PIN message (en)" has err "wrong user PIN for token \"$TOK\""
run 5 token change-pin --pkcs11 "$M" --pin-file "$W/pin-bad" --new-pin-file "$W/pin2"
run 0 token change-pin --pkcs11 "$M" --pin-file "$W/pin" --new-pin-file "$W/pin2"
run 5 token list --pkcs11 "$M" --pin-file "$W/pin"
run 0 token list --pkcs11 "$M" --pin-file "$W/pin2"

# ---- unblock (recovery with the SO PIN) ----
run 3 token unblock --pkcs11 "$M" --new-pin-file "$W/pin3"
check "unblock without SO PIN is refused" has err "--so-pin-file"
run 5 --lang en token unblock --pkcs11 "$M" --so-pin-file "$W/so-bad" --new-pin-file "$W/pin3"
check "wrong SO PIN message" has err "wrong SO PIN"
run 0 token list --pkcs11 "$M" --pin-file "$W/pin2"
run 0 token unblock --pkcs11 "$M" --token "$TOK" --so-pin-file "$W/so" --new-pin-file "$W/pin3"
run 5 token list --pkcs11 "$M" --pin-file "$W/pin2"
run 0 token list --pkcs11 "$M" --pin-file "$W/pin3"
printf 'Công văn số 124/UBND-VP\n' >"$W/data"
check "the new PIN signs (openssl verifies)" sign_check pin-3333
check "the old PIN no longer signs" not sign_check pin-2222

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
