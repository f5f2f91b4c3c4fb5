#!/usr/bin/env bash
# Signs every "signable" file of the public corpus (MANIFEST.tsv) twice with the corpus test
# identity (invisible, B-B): first with its PKCS#12 file, then with the same key imported into a
# SoftHSM2 token (kyso token import; the second signature is made inside the token). Checks the outputs with real tools: each input is a byte prefix of its
# output, pdfsig says both signatures are valid and trusted (NSS db holding the corpus root),
# openssl cms verifies the last one up to the corpus root,
# mutool sign -v sees no change after the last signature, and qpdf --check adds no new warning.
# Existing empty signature fields are reused (pyHanko samples).
set -u
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
# (no pipefail: `cmd | grep -q` may end cmd with SIGPIPE, which is not a failure here)
# python3 from Debian when present (a pyenv shim costs ~0.5 s of CPU per start).
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K=${KYSO:?}
C=${KYSO_SHARED:?}/corpus
W=${KYSO_BUILD:?}/test-sign-corpus
rm -rf "$W"; mkdir -p "$W/nss" "$W/res"
P12=$C/certs/vn-corpus-public-signer-nguyen-van-a.p12
export KYSO_TEST_PW=test
certutil -N --empty-password -d "sql:$W/nss" >/dev/null 2>&1
certutil -A -n vn-corpus-root -t C,C,C -i "$C/certs/vn-corpus-public-root.pem" -d "sql:$W/nss"
# A private SoftHSM2 store with a token holding the corpus key, for the second signature.
. "${KYSO_SOURCE:?}/scripts/softhsm-env.sh" "$W/hsm" --clean
export KYSO_TEST_SO=so-pin-test KYSO_TEST_TOKEN_PIN=1234-test
"$K" token init --pkcs11 "$KYSO_P11_MODULE" --token corpus --so-pin-env KYSO_TEST_SO \
    --pin-env KYSO_TEST_TOKEN_PIN >/dev/null &&
    "$K" token import --pkcs11 "$KYSO_P11_MODULE" --token corpus --key-label signer --p12 "$P12" \
        --p12-pass-env KYSO_TEST_PW --pin-env KYSO_TEST_TOKEN_PIN >/dev/null ||
    { echo "FAIL: could not put the corpus key into a SoftHSM2 token"; echo "0 passed, 1 failed"; exit 1; }

# One corpus file: prints "ok <what>" / "FAIL <what>" / "SKIP <what>" lines.
# An encrypted file's user password (third argument, "" for the empty one) goes to every tool.
one() {
    local f=$1 qref=$2 in=$C/$1 b; b=$(basename "$1" .pdf)
    local s1=$W/$b.1.pdf s2=$W/$b.2.pdf rc
    local kpw=() ppw=() mpw=() qpw=()
    if [ $# -ge 3 ]; then
        export KYSO_TEST_DOCPW=$3
        kpw=(--pdf-password-env KYSO_TEST_DOCPW) ppw=(-upw "$3") mpw=(-p "$3") qpw=(--password="$3")
    fi
    "$K" --lang en sign "$in" -o "$s1" --p12 "$P12" --pin-env KYSO_TEST_PW --offline "${kpw[@]}" \
        --reason "Phê duyệt" --location "Bắc Ninh" >/dev/null 2>"$W/$b.err"; rc=$?
    if [ $rc -eq 4 ] && [ "$qref" = warnings ]; then
        # Damaged input (qpdf reconstructs it): strict mode must refuse, --repair may sign.
        "$K" --lang en sign "$in" -o "$s1" --p12 "$P12" --pin-env KYSO_TEST_PW --offline \
            --repair >/dev/null 2>"$W/$b.err"; rc=$?
        if [ $rc -ne 0 ]; then
            echo "SKIP $f: damaged; strict refused (exit 4), --repair: $(head -c 200 "$W/$b.err")"
            return
        fi
    fi
    [ $rc -eq 0 ] && echo "ok sign1 $f" || { echo "FAIL sign1 $f (exit $rc): $(cat "$W/$b.err")"; return; }
    # SoftHSM2's file store is not safe for two processes at once (a token being rewritten
    # by one is missing for the other): the token signatures take turns.
    flock "$W/token.lock" "$K" --lang en sign "$s1" -o "$s2" --pkcs11 "$KYSO_P11_MODULE" --token corpus \
        --key-label signer --chain "$C/certs/vn-corpus-public-issuing-ca.pem" \
        --pin-env KYSO_TEST_TOKEN_PIN --offline "${kpw[@]}" >/dev/null 2>"$W/$b.err"; rc=$?
    [ $rc -eq 0 ] && echo "ok sign2 $f" || { echo "FAIL sign2 $f (exit $rc): $(cat "$W/$b.err")"; return; }
    local n v t m
    cmp -s -n "$(stat -c %s "$in")" "$in" "$s1" && cmp -s -n "$(stat -c %s "$s1")" "$s1" "$s2" &&
        echo "ok prefix $f" || echo "FAIL prefix $f: an input is not a byte prefix of its output"
    # The second output holds both signatures: pdfsig checks both (n counts empty fields too).
    pdfsig "${ppw[@]}" -nssdir "sql:$W/nss" "$s2" >"$W/$b.ps2" 2>&1
    n=$(grep -c '^Signature #' "$W/$b.ps2")
    v=$(grep -c 'Signature is Valid' "$W/$b.ps2")
    t=$(grep -c 'Certificate is Trusted' "$W/$b.ps2")
    # poppler 22 + NSS report the second use of the same certificate in one file as
    # "Unknown issue"; trust of the last signature is checked with openssl below instead.
    [ "$n" -ge 2 ] && [ "$v" = 2 ] && [ "$t" -ge 1 ] && echo "ok pdfsig $f" ||
        echo "FAIL pdfsig $f: $n signatures, $v valid, $t trusted"
    $PY "$W/lastsig.py" "$s2" "$W/$b.data" "$W/$b.der" &&
        openssl cms -verify -binary -inform DER -in "$W/$b.der" -content "$W/$b.data" \
            -CAfile "$C/certs/vn-corpus-public-root.pem" -purpose any -out /dev/null \
            >"$W/$b.cms" 2>&1 && echo "ok openssl-cms $f" ||
        echo "FAIL openssl-cms $f: $(head -3 "$W/$b.cms")"
    mutool sign "${mpw[@]}" -v "$s2" >"$W/$b.mu" 2>&1
    m=$(grep -c 'unchanged since signing\|valid but there have been edits' "$W/$b.mu")
    [ "$m" = 2 ] && tail -1 "$W/$b.mu" | grep -q 'unchanged since signing' &&
        echo "ok mutool $f" || echo "FAIL mutool $f: $(tr '\n' ' ' <"$W/$b.mu")"
    qpdf "${qpw[@]}" --check "$s2" >"$W/$b.qc" 2>&1; rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 3 ] || { [ $rc -eq 3 ] && [ "$qref" != warnings ]; }; then
        echo "FAIL qpdf $f: exit $rc: $(grep -v WARNING "$W/$b.qc" | head -3)"
    elif [ $rc -eq 3 ]; then
        # The input had warnings: the output may have the same ones, nothing new.
        # Offsets are normalized: an input qpdf rebuilds (its startxref misses) warns at the
        # startxref, the output (whose /Prev is right) where the same damage is met next.
        qpdf --check "$in" 2>&1 | grep WARNING | sed "s|$in||; s/(offset [0-9]*)/(offset N)/" |
            sort >"$W/$b.qa"
        grep WARNING "$W/$b.qc" | sed "s|$s2||; s/(offset [0-9]*)/(offset N)/" | sort >"$W/$b.qo"
        [ -z "$(comm -13 "$W/$b.qa" "$W/$b.qo")" ] && echo "ok qpdf $f" ||
            echo "FAIL qpdf $f: new warnings: $(comm -13 "$W/$b.qa" "$W/$b.qo" | head -3)"
    else
        echo "ok qpdf $f"
    fi
    case "$b" in
    gh-pyhanko-minimal-with-field)
        grep -q 'Field Name: Sig1' "$W/$b.ps2" && [ "$(grep -c 'Field Name:' "$W/$b.ps2")" = 2 ] &&
            echo "ok reuse $f" || echo "FAIL reuse $f: the empty field Sig1 was not used" ;;
    gh-pyhanko-minimal-two-fields)
        grep -q 'Field Name: Sig1' "$W/$b.ps2" && grep -q 'Field Name: Sig2' "$W/$b.ps2" &&
            echo "ok reuse $f" || echo "FAIL reuse $f: Sig1 and Sig2 were not both used" ;;
    esac
}
export -f one
export K C W P12 PY KYSO_TEST_TOKEN_PIN

# The last signature of a file: the bytes its /ByteRange covers and its /Contents as DER.
cat >"$W/lastsig.py" <<'EOF'
import re, sys
d = open(sys.argv[1], 'rb').read()
m = list(re.finditer(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', d))[-1]
a, b, c, n = (int(x) for x in m.groups())
open(sys.argv[2], 'wb').write(d[a:a + b] + d[c:c + n])
der = bytes.fromhex(d[a + b:c].strip(b'<> \r\n').decode())
ll = der[1] & 0x7F if der[1] & 0x80 else 0  # DER length: cut the zero padding after it
size = 2 + ll + (int.from_bytes(der[2:2 + ll], 'big') if ll else der[1])
open(sys.argv[3], 'wb').write(der[:size])
EOF

awk -F'\t' 'NR>1 && $26 ~ /^signable/ {print $1 "\t" $22}' "$C/MANIFEST.tsv" >"$W/list"
[ -s "$W/list" ] || { echo "FAIL: no signable file in the manifest"; echo "0 passed, 1 failed"; exit 1; }
tr '\t' '\n' <"$W/list" | xargs -d '\n' -n 2 -P 2 bash -c 'one "$0" "$1" >"$W/res/$(basename "$0").txt"'

# Encrypted files (the manifest gives the user password: user-pw=empty or user-pw='...'): signed
# with the password, checked by every tool with it; strings and streams of the new revisions
# are encrypted like the file's own. Without the password, or with a wrong one, a clear refusal.
awk -F'\t' 'NR>1 && $15 ~ /^yes/ {print $1 "\t" $15}' "$C/MANIFEST.tsv" >"$W/enc"
[ "$(wc -l <"$W/enc")" -ge 2 ] || echo "FAIL: the manifest lists fewer than 2 encrypted files" >"$W/res/enc-list.txt"
while IFS=$'\t' read -r f e; do
    pw=$(sed -n "s/.*user-pw='\([^']*\)'.*/\1/p" <<<"$e")
    b=$(basename "$f" .pdf)
    one "$f" ok "$pw" >"$W/res/$b.txt"
    if [ -n "$pw" ]; then
        "$K" --lang en sign "$C/$f" -o "$W/$b.nopw.pdf" --p12 "$P12" --pin-env KYSO_TEST_PW \
            --offline >/dev/null 2>"$W/$b.nopw.err"; rc=$?
        [ $rc -eq 4 ] && grep -q "the document is encrypted and needs a password" "$W/$b.nopw.err" &&
            grep -q -- "--pdf-password-env" "$W/$b.nopw.err" && [ ! -e "$W/$b.nopw.pdf" ] &&
            echo "ok refuse-nopw $f" >>"$W/res/$b.txt" ||
            echo "FAIL refuse-nopw $f: exit $rc: $(cat "$W/$b.nopw.err")" >>"$W/res/$b.txt"
        KYSO_TEST_DOCPW=sai-mat-khau "$K" --lang en sign "$C/$f" -o "$W/$b.badpw.pdf" --p12 "$P12" \
            --pin-env KYSO_TEST_PW --pdf-password-env KYSO_TEST_DOCPW --offline >/dev/null \
            2>"$W/$b.badpw.err"; rc=$?
        [ $rc -eq 4 ] && grep -q "the password does not open this encrypted document" "$W/$b.badpw.err" &&
            ! grep -q sai-mat-khau "$W/$b.badpw.err" && [ ! -e "$W/$b.badpw.pdf" ] &&
            echo "ok refuse-badpw $f" >>"$W/res/$b.txt" ||
            echo "FAIL refuse-badpw $f: exit $rc: $(cat "$W/$b.badpw.err")" >>"$W/res/$b.txt"
    fi
    KYSO_TEST_DOCPW=$pw "$K" --lang en verify "$W/$b.2.pdf" --offline --json --password-env KYSO_TEST_DOCPW \
        --trust "$C/certs/vn-corpus-public-root.pem" >"$W/$b.vj" 2>&1
    $PY -c "import json,sys; j=json.load(open(sys.argv[1])); sys.exit(0 if j['indication']=='TOTAL-PASSED' and len(j['signatures'])==2 else 1)" "$W/$b.vj" &&
        echo "ok kyso-verify $f" >>"$W/res/$b.txt" ||
        echo "FAIL kyso-verify $f: $(head -c 300 "$W/$b.vj")" >>"$W/res/$b.txt"
    tail -c +$(($(stat -c %s "$C/$f") + 1)) "$W/$b.2.pdf" | grep -aq "/M (D:" &&
        echo "FAIL strings $f: a signing time in clear in an encrypted file" >>"$W/res/$b.txt" ||
        echo "ok strings $f" >>"$W/res/$b.txt"
done <"$W/enc"

pass=$(cat "$W"/res/*.txt | grep -c '^ok ')
fail=$(cat "$W"/res/*.txt | grep -c '^FAIL')
grep -h '^FAIL\|^SKIP' "$W"/res/*.txt
echo "$(wc -l <"$W/list") corpus files, $(cat "$W"/res/*.txt | grep -c '^SKIP') skipped as damaged"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
