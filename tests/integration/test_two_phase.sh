#!/usr/bin/env bash
# Signing in two halves across processes, with the key in a SoftHSM2 token that only
# pkcs11-tool touches: process 1 prepares the revision and begins the CMS (tests/tools/
# twophase.c begin), saving the state; pkcs11-tool signs the DigestInfo with CKM_RSA_PKCS;
# process 2 loads the state with the base document, finishes and writes. The result verifies
# in pdfsig and in kyso verify; a changed base document, a wrong signature value, a damaged
# state and B-T without a TSA are refused with clear errors and no output file.
set -u
K=${KYSO:?}
TP=${KYSO_BUILD:?}/tests/kyso_twophase
C=${KYSO_SHARED:?}/corpus
IN=$C/github/gh-pdfbox-sign-me.pdf
W=$KYSO_BUILD/test-two-phase
rm -rf "$W"; mkdir -p "$W"; cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
for tool in pkcs11-tool softhsm2-util pdfsig openssl; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is missing (scripts/deps.sh installs it)"; exit 1; }
done
[ -r "$IN" ] || { echo "SKIP: no corpus at $C"; exit 77; }
[ -x "$TP" ] || { echo "FAIL: $TP not built"; exit 1; }

# a root and a signer certificate (the signer's key goes into the token, then off the disk)
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -subj "/CN=Two-phase Root" -days 30 \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign \
  -out root.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -keyout signer.key -subj "/CN=Nguyen Van B/O=UBND" \
  -out signer.csr 2>/dev/null
openssl x509 -req -in signer.csr -CA root.pem -CAkey root.key -CAcreateserial -days 20 \
  -extfile <(printf 'keyUsage=critical,digitalSignature,nonRepudiation\n') -out signer.pem 2>/dev/null
. "$KYSO_SOURCE/scripts/softhsm-env.sh" "$W/hsm" --clean
softhsm2-util --init-token --free --label TwoPhase --pin 1234 --so-pin 5678 >/dev/null
openssl pkcs8 -topk8 -nocrypt -in signer.key -out signer.p8
softhsm2-util --import signer.p8 --token TwoPhase --label ky-so --id 01 --pin 1234 >/dev/null
rm -f signer.key signer.p8
check "the token holds the key" "pkcs11-tool --module '$KYSO_P11_MODULE' --token-label TwoPhase --login --pin 1234 -O 2>/dev/null | grep -q ky-so"

# process 1: prepare + begin + save
out=$("$TP" begin "$IN" signer.pem root.pem B-B - state.bin tbs.bin 2>&1)
check "begin: $out" '[ $? -eq 0 ] && [ -s state.bin ] && [ -s tbs.bin ]'
st_size=$(stat -c %s state.bin); in_size=$(stat -c %s "$IN")
check "the state is small (a few KB; $st_size bytes) and holds no copy of the document ($in_size)" \
  "[ $st_size -lt 16384 ] && [ $st_size -lt $in_size ]"
check "tbs is a SHA-256 DigestInfo" "[ \$(stat -c %s tbs.bin) -eq 51 ]"

# the token signs (pkcs11-tool, not kyso)
pkcs11-tool --module "$KYSO_P11_MODULE" --token-label TwoPhase --login --pin 1234 --id 01 \
  --sign -m RSA-PKCS -i tbs.bin -o sig.bin >/dev/null 2>&1
check "pkcs11-tool signed" '[ -s sig.bin ]'

# process 2: load + finish + write
out=$("$TP" finish "$IN" state.bin sig.bin signed.pdf 2>&1)
check "finish: $out" '[ $? -eq 0 ] && [ -s signed.pdf ]'
pdfsig signed.pdf > pdfsig.txt 2>&1
check "pdfsig: signature valid" 'grep -q "Signature Validation: Signature is Valid" pdfsig.txt'
check "pdfsig: signer" 'grep -q "Nguyen Van B" pdfsig.txt'
"$K" verify signed.pdf --trust root.pem --offline --json > v.json 2>&1
check "kyso verify: TOTAL-PASSED" '[ $? -eq 0 ] && grep -q "\"indication\": \"TOTAL-PASSED\"" v.json'

# a changed base document is refused
cp "$IN" changed.pdf; printf '%% changed\n' >> changed.pdf
out=$("$TP" finish changed.pdf state.bin sig.bin bad1.pdf 2>&1)
check "changed base refused: $out" '[ $? -ne 0 ] && grep -q "is not the one the signature was prepared for" <<<"$out" && [ ! -e bad1.pdf ]'
# a wrong signature value is refused before anything is embedded
cp sig.bin wrong.bin; printf '\x01' | dd of=wrong.bin bs=1 seek=10 conv=notrunc 2>/dev/null
out=$("$TP" finish "$IN" state.bin wrong.bin bad2.pdf 2>&1)
check "wrong signature refused: $out" '[ $? -ne 0 ] && grep -q "does not verify with its certificate" <<<"$out" && [ ! -e bad2.pdf ]'
# a signature by another key (the root's) is refused too
openssl pkeyutl -sign -inkey root.key -pkeyopt rsa_padding_mode:pkcs1 -in tbs.bin -out other.bin 2>/dev/null
out=$("$TP" finish "$IN" state.bin other.bin bad3.pdf 2>&1)
check "another key's signature refused" '[ $? -ne 0 ] && grep -q "does not verify" <<<"$out" && [ ! -e bad3.pdf ]'
# a damaged state
head -c 200 state.bin > cut.bin
out=$("$TP" finish "$IN" cut.bin sig.bin bad4.pdf 2>&1)
check "damaged state refused: $out" '[ $? -ne 0 ] && grep -q "saved signature state is damaged" <<<"$out" && [ ! -e bad4.pdf ]'
# B-T without a TSA is refused at prepare, as in ks_sign_file
out=$("$TP" begin "$IN" signer.pem root.pem B-T - s2.bin t2.bin 2>&1)
check "B-T without TSA refused: $out" '[ $? -ne 0 ] && grep -q "needs a timestamp authority" <<<"$out" && [ ! -e s2.bin ]'
# the certificate checks run on this path too: an expired certificate is refused at prepare
openssl x509 -req -in signer.csr -CA root.pem -CAkey root.key -CAcreateserial -days 1 \
  -not_before 20200101000000Z -not_after 20200201000000Z \
  -extfile <(printf 'keyUsage=critical,digitalSignature,nonRepudiation\n') -out old.pem 2>/dev/null
if [ -s old.pem ]; then
  out=$("$TP" begin "$IN" old.pem root.pem B-B - s3.bin t3.bin 2>&1)
  check "expired certificate refused at prepare: $out" '[ $? -ne 0 ] && grep -q "expired" <<<"$out"'
fi
echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
