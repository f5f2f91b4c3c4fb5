#!/usr/bin/env bash
# `kyso sign` end to end without network: key sources (PKCS#12, PEM key + chain, SoftHSM2
# token), options (--hash, --pss, --subfilter, --field, --reason/--location, --in-place), the
# signature dictionary and invisible widget, and the refusals with their exact messages and
# exit codes: OUT == IN, /DocMDP P=1, expired / not yet valid certificate, key usage without
# nonRepudiation, wrong password, not a PDF. Oracles: pdfsig, openssl cms, qpdf, cmp.
set -u
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
# (no pipefail: `cmd | grep -q` may end cmd with SIGPIPE, which is not a failure here)
# python3 from Debian when present (a pyenv shim costs ~0.5 s of CPU per start).
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K=${KYSO:?}
C=${KYSO_SHARED:?}/corpus
W=${KYSO_BUILD:?}/test-sign
rm -rf "$W"; mkdir -p "$W"
cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
P12=$C/certs/vn-corpus-public-signer-nguyen-van-a.p12
ROOT=$C/certs/vn-corpus-public-root.pem
IN=$C/github/gh-pdfbox-sign-me.pdf
export PW=test
sign() { "$K" --lang en sign "$@" --offline; }
# The last signature's covered bytes and DER (for openssl cms -verify).
lastsig() {
    $PY - "$1" "$2" "$3" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
m = list(re.finditer(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', d))[-1]
a, b, c, n = (int(x) for x in m.groups())
open(sys.argv[2], 'wb').write(d[a:a + b] + d[c:c + n])
der = bytes.fromhex(d[a + b:c].strip(b'<> \r\n').decode())
ll = der[1] & 0x7F if der[1] & 0x80 else 0
size = 2 + ll + (int.from_bytes(der[2:2 + ll], 'big') if ll else der[1])
open(sys.argv[3], 'wb').write(der[:size])
EOF
}
cms_ok() { # FILE: the last signature verifies and chains to the corpus root
    lastsig "$1" "$1.data" "$1.der" &&
        openssl cms -verify -binary -inform DER -in "$1.der" -content "$1.data" -CAfile "$ROOT" \
            -purpose any -out /dev/null >/dev/null 2>&1
}
valid() { pdfsig "$1" 2>/dev/null | grep -c 'Signature is Valid'; }

# ---- PKCS#12, reason/location in Vietnamese, the dictionary and the widget ----
before=$(sha256sum <"$IN")
out=$(sign "$IN" -o p12.pdf --p12 "$P12" --pin-env PW --reason "Phê duyệt văn bản" \
    --location "Bắc Ninh" 2>&1); rc=$?
check "p12 sign exits 0 ($out)" '[ $rc -eq 0 ]'
check "input unchanged" '[ "$(sha256sum <"$IN")" = "$before" ]'
check "input is a prefix" 'cmp -s -n "$(stat -c %s "$IN")" "$IN" p12.pdf'
check "pdfsig valid" '[ "$(valid p12.pdf)" = 1 ]'
check "openssl cms verifies to the corpus root" 'cms_ok p12.pdf'
check "qpdf --check" 'qpdf --check p12.pdf >/dev/null 2>&1'
check "CAdES subfilter" 'pdfsig p12.pdf | grep -q "Signature Type: ETSI.CAdES.detached"'
upd=$(tail -c +$(($(stat -c %s "$IN") + 1)) p12.pdf | tr -d '\0')
reason_hex=FEFF$(printf '%s' "Phê duyệt văn bản" | iconv -t UTF-16BE | od -An -tx1 | tr -d ' \n' | tr a-f A-F)
check "/Reason as UTF-16BE text string" 'grep -aq "/Reason <$reason_hex>" <<<"$upd"'
check "/M in Vietnam time" 'grep -aqE "/M \(D:[0-9]{14}\+07'"'"'00'"'"'\)" <<<"$upd"'
check "/Filter /Adobe.PPKLite" 'grep -aq "/Filter /Adobe.PPKLite" <<<"$upd"'
check "invisible widget: /Rect [0 0 0 0], /F 132" \
    'grep -aq "/Rect \[0 0 0 0\]" <<<"$upd" && grep -aq "/F 132" <<<"$upd"'
check "AcroForm /SigFlags 3" 'grep -aq "/SigFlags 3" <<<"$upd"'
check "no signingTime in a CAdES signature" \
    '! openssl cms -cmsout -print -inform DER -in p12.pdf.der | grep -q "signingTime"'

# ---- PEM key + certificate + chain; hashes; PSS; PKCS#7 subfilter; named field ----
openssl pkcs12 -in "$P12" -passin pass:test -nocerts -nodes -out key.pem 2>/dev/null
openssl pkcs12 -in "$P12" -passin pass:test -clcerts -nokeys -out cert.pem 2>/dev/null
openssl pkcs12 -in "$P12" -passin pass:test -cacerts -nokeys -out chain.pem 2>/dev/null
sign "$IN" -o pem.pdf --key key.pem --cert cert.pem --chain chain.pem >/dev/null 2>&1
check "PEM key + chain signs, valid" '[ "$(valid pem.pdf)" = 1 ] && cms_ok pem.pdf'
for h in sha384 sha512; do
    sign "$IN" -o $h.pdf --p12 "$P12" --pin-env PW --hash $h >/dev/null 2>&1
    H=SHA-${h#sha}
    check "--hash $h: pdfsig valid with $H" \
        'pdfsig $h.pdf | grep -q "Hash Algorithm: $H" && [ "$(valid $h.pdf)" = 1 ] && cms_ok $h.pdf'
done
sign "$IN" -o pss.pdf --p12 "$P12" --pin-env PW --pss >/dev/null 2>&1
check "--pss: RSASSA-PSS signature verifies" \
    'cms_ok pss.pdf && openssl cms -cmsout -print -inform DER -in pss.pdf.der | grep -q rsassaPss'
sign "$IN" -o p7.pdf --p12 "$P12" --pin-env PW --subfilter pkcs7 >/dev/null 2>&1
check "--subfilter pkcs7" \
    'pdfsig p7.pdf | grep -q "Signature Type: adbe.pkcs7.detached" && [ "$(valid p7.pdf)" = 1 ]'
sign p12.pdf -o named.pdf --p12 "$P12" --pin-env PW --field "Chu_ky_2" >/dev/null 2>&1
check "--field names a new field; both signatures valid" \
    'pdfsig named.pdf | grep -q "Field Name: Chu_ky_2" && [ "$(valid named.pdf)" = 2 ]'
sign "$IN" -o vnfield.pdf --p12 "$P12" --pin-env PW --field "Chữ ký Giám đốc" >/dev/null 2>&1
check "a Vietnamese field name is a UTF-16 text string" \
    'pdfsig vnfield.pdf | grep -q "Field Name: Chữ ký Giám đốc" && [ "$(valid vnfield.pdf)" = 1 ]'
out=$(sign vnfield.pdf -o vnfield2.pdf --p12 "$P12" --pin-env PW --field "Chữ ký Giám đốc" 2>&1); rc=$?
check "the Vietnamese field is found again by name (already signed: exit 4)" '[ $rc -eq 4 ]'
out=$(sign named.pdf -o again.pdf --p12 "$P12" --pin-env PW --field Chu_ky_2 2>&1); rc=$?
check "--field of a signed field refused ($rc)" \
    '[ $rc -eq 4 ] && grep -q "field \"Chu_ky_2\" of \".*named.pdf\" is not an empty signature field" <<<"$out"'

# ---- a visible kind goes through the appearance provider (appear.c) ----
LO=$C/generated/lo74-odt-qd-default.pdf
out=$(sign "$LO" -o copy.pdf --p12 "$P12" --pin-env PW --kind copy --copy-form "SAO Y" 2>&1); rc=$?
cupd=$(tail -c +$(($(stat -c %s "$LO") + 1)) copy.pdf 2>/dev/null | tr -d '\0')
check "--kind copy: signed, valid ($out)" '[ $rc -eq 0 ] && [ "$(valid copy.pdf)" = 1 ]'
check "--kind copy: widget has an /AP and a non-empty /Rect" \
    'grep -aq "/AP <<" <<<"$cupd" && ! grep -aq "/Rect \[0 0 0 0\]" <<<"$cupd"'
check "--kind copy: the copy form is on page 1" 'pdftotext -f 1 -l 1 copy.pdf - | grep -q "SAO Y"'

# ---- OUT == IN, --in-place ----
cp p12.pdf same.pdf
out=$(sign same.pdf -o same.pdf --p12 "$P12" --pin-env PW 2>&1); rc=$?
check "OUT == IN refused with exit 3" '[ $rc -eq 3 ]'
check "OUT == IN message" \
    'grep -q "output \"same.pdf\" is the input file; use --in-place to replace it" <<<"$out"'
check "OUT == IN left the file alone" 'cmp -s same.pdf p12.pdf'
ln same.pdf hardlink.pdf
out=$(sign same.pdf -o hardlink.pdf --p12 "$P12" --pin-env PW 2>&1); rc=$?
check "OUT == IN through a hard link refused" '[ $rc -eq 3 ]'
sign same.pdf -o same.pdf --p12 "$P12" --pin-env PW --in-place >/dev/null 2>&1; rc=$?
check "--in-place signs in place" '[ $rc -eq 0 ] && [ "$(valid same.pdf)" = 2 ]'
check "--in-place keeps the old bytes as prefix" \
    'cmp -s -n "$(stat -c %s p12.pdf)" p12.pdf same.pdf'

# ---- DocMDP P=1 ----
MDP=$C/github/gh-pyhanko-certified-docmdp.pdf
check "corpus DocMDP sample has P 1" \
    'qpdf --qdf --object-streams=disable "$MDP" - 2>/dev/null | grep -aq "/P 1"'
out=$(sign "$MDP" -o mdp.pdf --p12 "$P12" --pin-env PW 2>&1); rc=$?
check "DocMDP P=1 refused with exit 4" '[ $rc -eq 4 ] && [ ! -e mdp.pdf ]'
check "DocMDP message" 'grep -qF "gh-pyhanko-certified-docmdp.pdf\" is certified with /DocMDP P=1 (no changes allowed): a new signature would invalidate the certification" <<<"$out"'
out=$("$K" sign "$MDP" -o mdp.pdf --p12 "$P12" --pin-env PW --offline 2>&1)
check "DocMDP message in Vietnamese" 'grep -q "DocMDP P=1" <<<"$out" && grep -q "lỗi" <<<"$out"'

# ---- certificates that may not sign ----
mkdir -p ca/new && touch ca/index.txt && echo 1000 >ca/serial
cat >ca.cnf <<EOF
[ca]
default_ca = d
[d]
database = $W/ca/index.txt
new_certs_dir = $W/ca/new
serial = $W/ca/serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
[ok]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
[nonr]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
[req]
distinguished_name = dn
[dn]
[v3ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
EOF
openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 \
    -subj "/CN=Test CA" -config ca.cnf -extensions v3ca 2>/dev/null
mkcert() { # NAME EXT START END
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" \
        -config ca.cnf 2>/dev/null
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in "$1.csr" -out "$1.pem" \
        -extensions "$2" -startdate "$3" -enddate "$4" -notext >/dev/null 2>&1
}
mkcert good ok 20250101000000Z 20350101000000Z
mkcert expired ok 20200101000000Z 20210101000000Z
mkcert future ok 20400101000000Z 20410101000000Z
mkcert nonrep nonr 20250101000000Z 20350101000000Z
sign "$IN" -o good.pdf --key good.key --cert good.pem --chain ca.pem >/dev/null 2>&1
check "a good local certificate signs" '[ "$(valid good.pdf)" = 1 ]'
out=$(sign "$IN" -o bad.pdf --key expired.key --cert expired.pem --chain ca.pem 2>&1); rc=$?
check "expired certificate refused with exit 5" '[ $rc -eq 5 ] && [ ! -e bad.pdf ]'
check "expired message names subject and dates" 'grep -qF "certificate \"CN=expired\" has expired: valid from 2020-01-01T07:00:00+07:00 to 2021-01-01T07:00:00+07:00, now is " <<<"$out"'
out=$(sign "$IN" -o bad.pdf --key future.key --cert future.pem --chain ca.pem 2>&1); rc=$?
check "not-yet-valid certificate refused with exit 5" '[ $rc -eq 5 ] && [ ! -e bad.pdf ]'
check "not-yet-valid message" 'grep -qF "certificate \"CN=future\" is not yet valid: valid from 2040-01-01T07:00:00+07:00 to 2041-01-01T07:00:00+07:00" <<<"$out"'
out=$(sign "$IN" -o bad.pdf --key nonrep.key --cert nonrep.pem --chain ca.pem 2>&1); rc=$?
check "no nonRepudiation refused with exit 5" '[ $rc -eq 5 ] && [ ! -e bad.pdf ]'
check "key usage message" 'grep -qF "certificate \"CN=nonrep\" may not sign documents: its key usage lacks nonRepudiation" <<<"$out"'
out=$(KYSO_NOW=2037-01-01T00:00:00+07:00 "$K" --lang en sign "$IN" -o bad.pdf --p12 "$P12" \
    --pin-env PW --offline 2>&1); rc=$?
check "corpus certificate refused at a later KYSO_NOW" '[ $rc -eq 5 ] && grep -q "has expired" <<<"$out"'

# ---- other errors ----
export BADPW=wrong
out=$(sign "$IN" -o bad.pdf --p12 "$P12" --pin-env BADPW 2>&1); rc=$?
check "wrong PKCS#12 password: exit 5" '[ $rc -eq 5 ] && grep -q "wrong password" <<<"$out"'
printf "hello\n" >text.txt
rm -f bad.pdf
out=$(sign text.txt -o bad.pdf --p12 "$P12" --pin-env PW 2>&1); rc=$?
check "not a PDF: exit 4" '[ $rc -eq 4 ] && [ ! -e bad.pdf ]'
out=$(sign "$IN" -o bad.pdf --p12 "$P12" --pin-env PW --level B-T 2>&1); rc=$?
check "B-T without --tsa: exit 3" '[ $rc -eq 3 ]'
out=$(sign "$IN" -o bad.pdf --p12 "$P12" --pin-env PW --hash md5 2>&1); rc=$?
check "unknown --hash: exit 3" '[ $rc -eq 3 ]'
out=$(sign "$IN" -o bad.pdf --p12 "$P12" --key key.pem --cert cert.pem 2>&1); rc=$?
check "two key sources: exit 3" '[ $rc -eq 3 ]'
check "no password on argv option exists" '! "$K" sign --help | grep -q -- "--pin "'

# ---- SoftHSM2 token ----
if [ -n "${KYSO_SOURCE:-}" ] && command -v softhsm2-util >/dev/null; then
    . "$KYSO_SOURCE/scripts/softhsm-env.sh" "$W/hsm" --clean
    softhsm2-util --init-token --free --label kyso-sign --so-pin 87654321 --pin 123456 >/dev/null
    openssl pkcs8 -topk8 -nocrypt -in key.pem -out key8.pem
    softhsm2-util --import key8.pem --token kyso-sign --label signer --id 01 --pin 123456 >/dev/null
    openssl x509 -in cert.pem -outform DER -out cert.der
    pkcs11-tool --module "$KYSO_P11_MODULE" --token-label kyso-sign --login --pin 123456 \
        --write-object cert.der --type cert --id 01 --label signer >/dev/null 2>&1
    echo 123456 >pin.txt
    out=$(sign "$IN" -o hsm.pdf --pkcs11 "$KYSO_P11_MODULE" --token kyso-sign --key-label signer \
        --pin-file pin.txt --chain chain.pem 2>&1); rc=$?
    check "SoftHSM2 token signs ($out)" '[ $rc -eq 0 ] && [ "$(valid hsm.pdf)" = 1 ] && cms_ok hsm.pdf'
    sign hsm.pdf -o hsm2.pdf --pkcs11 "$KYSO_P11_MODULE" --token kyso-sign --pin-file pin.txt \
        --chain chain.pem >/dev/null 2>&1
    check "token signs a second time (only key, no --key-label)" '[ "$(valid hsm2.pdf)" = 2 ]'
    echo 000000 >badpin.txt
    rm -f bad.pdf
    out=$(sign "$IN" -o bad.pdf --pkcs11 "$KYSO_P11_MODULE" --token kyso-sign --pin-file badpin.txt 2>&1); rc=$?
    check "wrong PIN: exit 5" '[ $rc -eq 5 ] && [ ! -e bad.pdf ]'
else
    check "SoftHSM2 is installed (scripts/deps.sh installs it)" false
fi

# ---- crash safety: kill at random points; OUT is absent or complete and valid ----
big=$C/debian/deb-xfig-ref-htmldoc.pdf
t0=$(date +%s%N)
sign "$big" -o crash-ref.pdf --p12 "$P12" --pin-env PW >/dev/null 2>&1
full_ms=$((($(date +%s%N) - t0) / 1000000 + 1))
absent=0; complete=0; broken=0
for i in $(seq 1 12); do
    rm -f crash.pdf
    # Random kill points over the whole run (its length measured just above, +20 %).
    ms=$((RANDOM % (full_ms * 12 / 10 + 1)))
    d=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
    (timeout --foreground -s KILL "$d" "$K" sign "$big" -o crash.pdf --p12 "$P12" --pin-env PW --offline \
        >/dev/null 2>&1) 2>/dev/null
    if [ ! -e crash.pdf ]; then absent=$((absent+1))
    elif cmp -s -n "$(stat -c %s "$big")" "$big" crash.pdf && [ "$(valid crash.pdf)" = 1 ]; then
        complete=$((complete+1))
    else broken=$((broken+1)); fi
done
echo "crash loop (full run $full_ms ms): $absent absent, $complete complete, $broken broken"
check "no half-written output after SIGKILL" '[ $broken -eq 0 ]'
# SIGKILL cannot be caught, so its temporaries may stay; SIGTERM and SIGINT (Ctrl-C) remove them.
rm -f crash.pdf.tmp-*
absent=0; complete=0; broken=0; litter=0
for i in $(seq 1 12); do
    rm -f crash.pdf
    ms=$((RANDOM % (full_ms * 12 / 10 + 1)))
    d=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
    sig=TERM; [ $((i % 2)) -eq 0 ] && sig=INT
    (timeout --foreground -s $sig "$d" "$K" sign "$big" -o crash.pdf --p12 "$P12" --pin-env PW --offline \
        >/dev/null 2>&1) 2>/dev/null
    if [ ! -e crash.pdf ]; then absent=$((absent+1))
    elif cmp -s -n "$(stat -c %s "$big")" "$big" crash.pdf && [ "$(valid crash.pdf)" = 1 ]; then
        complete=$((complete+1))
    else broken=$((broken+1)); fi
    ls crash.pdf.tmp-* >/dev/null 2>&1 && litter=$((litter+1))
    rm -f crash.pdf.tmp-*
done
echo "TERM/INT loop: $absent absent, $complete complete, $broken broken, $litter left a temporary"
check "no half-written output after SIGTERM/SIGINT" '[ $broken -eq 0 ]'
check "no temporary file left after SIGTERM/SIGINT" '[ $litter -eq 0 ]'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
