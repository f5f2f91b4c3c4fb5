#!/usr/bin/env bash
# PAdES levels and revocation before signing, against services started here on 127.0.0.1:
# a test PKI made with openssl (root → issuing CA → signer, OCSP responder, TSA), `openssl ocsp`
# as OCSP responder, and a small Python HTTP server that serves the CRLs and answers RFC 3161
# requests with `openssl ts -reply`. Checks: B-T carries a signature timestamp; B-LT adds a
# /DSS whose /VRI key is the SHA-1 of the signature's /Contents and whose OCSP responses and
# CRLs parse; B-LTA adds a /DocTimeStamp that `openssl ts -verify` accepts; a revoked
# certificate is refused; an unreachable OCSP/CRL service gives a warning, not a refusal.
set -u
# (no pipefail: `cmd | grep -q` may end cmd with SIGPIPE, which is not a failure here)
# python3 from Debian when present (a pyenv shim costs ~0.5 s of CPU per start).
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K=${KYSO:?}
W=${KYSO_BUILD:?}/test-sign-levels
rm -rf "$W"; mkdir -p "$W/www" "$W/ca/new"
cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT

free_port() {
    $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
OPORT=$(free_port); HPORT=$(free_port); DEAD=$(free_port)
H=http://127.0.0.1:$HPORT

# ---- the PKI ----
touch ca/index.txt; echo 1000 >ca/serial; echo 1000 >ca/crlnumber
cat >ca.cnf <<EOF
[ca]
default_ca = d
[d]
database = $W/ca/index.txt
new_certs_dir = $W/ca/new
serial = $W/ca/serial
crlnumber = $W/ca/crlnumber
default_md = sha256
default_crl_days = 30
policy = p
unique_subject = no
copy_extensions = none
[p]
commonName = supplied
[req]
distinguished_name = dn
[dn]
[v3root]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[v3ica]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$H/root.crl
[signer]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$OPORT
crlDistributionPoints = URI:$H/ica.crl
[deadsvc]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, nonRepudiation
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$DEAD
crlDistributionPoints = URI:http://127.0.0.1:$DEAD/ica.crl
[ocsp]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
authorityKeyIdentifier = keyid
[tsa]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
authorityKeyIdentifier = keyid
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$OPORT
crlDistributionPoints = URI:$H/ica.crl
[tsa_cfg]
default_tsa = t
[t]
serial = $W/ca/tsaserial
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
ess_cert_id_alg = sha256
ess_cert_id_chain = no
accuracy = secs:1
ordering = no
tsa_name = no
EOF
echo 01 >ca/tsaserial
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
    -subj "/CN=Levels Test Root" -config ca.cnf -extensions v3root 2>/dev/null
issue() { # NAME ISSUER EXT [DAYS]
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" \
        -config ca.cnf 2>/dev/null
    openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" -out "$1.pem" \
        -extensions "$3" -days "${4:-365}" -notext >/dev/null 2>&1
}
issue ica root v3ica 1825
issue signer ica signer
issue revoked ica signer
issue deadsvc ica deadsvc
issue ocsp ica ocsp
issue tsa ica tsa
openssl ca -config ca.cnf -cert ica.pem -keyfile ica.key -revoke revoked.pem \
    -crl_reason keyCompromise >/dev/null 2>&1
crl() { openssl ca -config ca.cnf -gencrl -cert "$1.pem" -keyfile "$1.key" -out "$1.crl.pem" \
    >/dev/null 2>&1 && openssl crl -in "$1.crl.pem" -outform DER -out "www/$1.crl"; }
crl root; crl ica
cat ica.pem root.pem >chain.pem
cat tsa.pem ica.pem >tsachain.pem
check "test PKI made" '[ -s signer.pem ] && [ -s tsa.pem ] && [ -s www/ica.crl ] && [ -s www/root.crl ]'

# ---- services ----
cat >srv.py <<'EOF'
import http.server, os, subprocess, sys, tempfile
W = sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def reply(self, code, body, ctype):
        self.send_response(code); self.send_header('Content-Type', ctype)
        self.send_header('Content-Length', str(len(body))); self.end_headers(); self.wfile.write(body)
    def do_GET(self):
        p = os.path.join(W, 'www', os.path.basename(self.path))
        if os.path.isfile(p): self.reply(200, open(p, 'rb').read(), 'application/pkix-crl')
        else: self.reply(404, b'', 'text/plain')
    def do_POST(self):
        q = self.rfile.read(int(self.headers.get('Content-Length', 0)))
        with tempfile.TemporaryDirectory() as d:
            open(d + '/q', 'wb').write(q)
            r = subprocess.run(['openssl', 'ts', '-reply', '-config', W + '/ca.cnf', '-section', 't',
                                '-queryfile', d + '/q', '-inkey', W + '/tsa.key', '-signer',
                                W + '/tsa.pem', '-chain', W + '/tsachain.pem', '-out', d + '/r'],
                               capture_output=True)
            if r.returncode: self.reply(500, r.stderr, 'text/plain')
            else: self.reply(200, open(d + '/r', 'rb').read(), 'application/timestamp-reply')
http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
EOF
$PY srv.py "$HPORT" "$W" 2>srv.err & PIDS+=($!)
openssl ocsp -index ca/index.txt -port "$OPORT" -rsigner ocsp.pem -rkey ocsp.key \
    -CA ica.pem -nmin 10 >ocsp.log 2>&1 & PIDS+=($!)
for i in $(seq 1 100); do
    # (openssl ocsp serves one connection at a time: probe it only through its log.)
    curl -sf -o /dev/null "$H/ica.crl" && grep -q "waiting for OCSP" ocsp.log && break
    sleep 0.2
done
check "CRL server answers" 'curl -sf -o /dev/null "$H/ica.crl"'
check "openssl ocsp answers (good for signer)" \
    'openssl ocsp -issuer ica.pem -cert signer.pem -url http://127.0.0.1:$OPORT -CAfile chain.pem 2>&1 | grep -q "signer.pem: good"'

bash "${KYSO_SOURCE:?}/scripts/sample_pdf.sh" "$KYSO_BUILD/sample/qd.pdf" || { echo "FAIL: no sample PDF"; exit 1; }
IN=$KYSO_BUILD/sample/qd.pdf   # the sample decision (docs/sample, LibreOffice)
sign() { "$K" --lang en sign "$IN" --key signer.key --cert signer.pem --chain chain.pem "$@"; }
lastsig() { # FILE DATA DER [VRIKEY]: last ByteRange's bytes, its DER, SHA-1 of /Contents
    $PY - "$@" <<'EOF'
import hashlib, re, sys
d = open(sys.argv[1], 'rb').read()
m = list(re.finditer(rb'/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]', d))[-1]
a, b, c, n = (int(x) for x in m.groups())
open(sys.argv[2], 'wb').write(d[a:a + b] + d[c:c + n])
der = bytes.fromhex(d[a + b:c].strip(b'<> \r\n').decode())
ll = der[1] & 0x7F if der[1] & 0x80 else 0
size = 2 + ll + (int.from_bytes(der[2:2 + ll], 'big') if ll else der[1])
open(sys.argv[3], 'wb').write(der[:size])
if len(sys.argv) > 4: open(sys.argv[4], 'w').write(hashlib.sha1(der).hexdigest().upper())
EOF
}
cms_ok() {
    openssl cms -verify -binary -inform DER -in "$1.der" -content "$1.data" -CAfile root.pem \
        -purpose any -out /dev/null >/dev/null 2>&1
}
valid() { pdfsig "$1" 2>/dev/null | grep -c 'Signature is Valid'; }

# ---- revocation before signing ----
out=$(sign -o bb.pdf 2>&1); rc=$?
check "B-B online (OCSP good) exits 0 ($out)" '[ $rc -eq 0 ] && [ "$(valid bb.pdf)" = 1 ]'
check "no warning when OCSP answers" '! grep -q warning <<<"$out"'
out=$("$K" --lang en sign "$IN" -o rev.pdf --key revoked.key --cert revoked.pem --chain chain.pem 2>&1); rc=$?
check "revoked certificate refused with exit 5" '[ $rc -eq 5 ] && [ ! -e rev.pdf ]'
check "revoked message ($out)" 'grep -qE "certificate \"CN=revoked\" was revoked on [0-9T:+-]+ \(OCSP\)" <<<"$out"'
out=$("$K" --lang en sign "$IN" -o rev.pdf --key revoked.key --cert revoked.pem --chain chain.pem --offline 2>&1); rc=$?
check "--offline skips the revocation check" '[ $rc -eq 0 ]'
out=$("$K" --lang en sign "$IN" -o dead.pdf --key deadsvc.key --cert deadsvc.pem --chain chain.pem 2>&1); rc=$?
check "unreachable OCSP/CRL: signed anyway" '[ $rc -eq 0 ] && [ "$(valid dead.pdf)" = 1 ]'
check "unreachable OCSP/CRL: warning" \
    'grep -q "warning: revocation status of \"CN=deadsvc\" could not be checked" <<<"$out"'

# ---- B-T ----
out=$(sign -o bt.pdf --level B-T --tsa "$H/tsa" 2>&1); rc=$?
check "B-T exits 0 ($out)" '[ $rc -eq 0 ] && [ "$(valid bt.pdf)" = 1 ]'
lastsig bt.pdf bt.pdf.data bt.pdf.der
check "B-T signature verifies" 'cms_ok bt.pdf'
check "B-T has a signature-time-stamp attribute" \
    'openssl cms -cmsout -print -inform DER -in bt.pdf.der | grep -q "id-smime-aa-timeStampToken"'
out=$(sign -o bad.pdf --level B-T --tsa "http://127.0.0.1:$DEAD/tsa" 2>&1); rc=$?
check "B-T with an unreachable TSA fails, no output" '[ $rc -ne 0 ] && [ ! -e bad.pdf ]'

# ---- B-LT ----
out=$(sign -o blt.pdf --level B-LT --tsa "$H/tsa" 2>&1); rc=$?
check "B-LT exits 0 ($out)" '[ $rc -eq 0 ]'
check "B-LT: signature still valid" '[ "$(valid blt.pdf)" = 1 ]'
check "B-LT: qpdf --check" 'qpdf --check blt.pdf >/dev/null 2>&1'
lastsig blt.pdf blt.data blt.der blt.vri
qpdf --qdf --object-streams=disable blt.pdf blt.qdf.pdf 2>/dev/null
check "B-LT: catalog has /DSS" 'grep -aq "/DSS [0-9]* 0 R" blt.qdf.pdf'
check "B-LT: /VRI key is SHA-1 of /Contents" 'grep -aq "/$(cat blt.vri)" blt.qdf.pdf'
$PY - blt.pdf <<'EOF' >dss.txt
import json, subprocess, sys
j = json.loads(subprocess.run(['qpdf', '--json=2', '--json-key=qpdf', sys.argv[1]],
                              capture_output=True).stdout)
objs = j['qpdf'][1]
def get(ref):
    o = objs.get('obj:' + ref, {})
    return o.get('value', o.get('stream', {}).get('dict', {}))
for k in objs:
    val = get(k[4:]) if k.startswith('obj:') else {}
    if isinstance(val, dict) and val.get('/Type') == '/Catalog' and '/DSS' in val:
        d = get(val['/DSS'])
        for key in ('/Certs', '/OCSPs', '/CRLs'):
            for r in d.get(key, []):
                print(key[1:], r.replace(' R', '').replace(' ', ','))
EOF
ncert=$(grep -c '^Certs' dss.txt); nocsp=$(grep -c '^OCSPs' dss.txt); ncrl=$(grep -c '^CRLs' dss.txt)
echo "DSS: $ncert certificates, $nocsp OCSP responses, $ncrl CRLs"
check "B-LT: DSS holds signer, CA, root and TSA certificates" '[ "$ncert" -ge 4 ]'
check "B-LT: DSS holds OCSP responses (signer, TSA)" '[ "$nocsp" -ge 2 ]'
check "B-LT: DSS holds the root's CRL (for the CA)" '[ "$ncrl" -ge 1 ]'
okc=0; oko=0; okr=0
while read -r kind ref; do
    n=${ref%%,*}
    qpdf --show-object="$n" --filtered-stream-data blt.pdf >blob.der 2>/dev/null
    case $kind in
    Certs) openssl x509 -inform DER -in blob.der -noout 2>/dev/null && okc=$((okc+1)) ;;
    OCSPs) openssl ocsp -respin blob.der -resp_text -noverify 2>/dev/null |
               grep -q "Cert Status: good" && oko=$((oko+1)) ;;
    CRLs) openssl crl -inform DER -in blob.der -noout 2>/dev/null && okr=$((okr+1)) ;;
    esac
done <dss.txt
check "B-LT: every DSS certificate parses" '[ $okc -eq $ncert ]'
check "B-LT: every DSS OCSP response says good" '[ $oko -eq $nocsp ]'
check "B-LT: every DSS CRL parses" '[ $okr -eq $ncrl ]'

# ---- B-LTA ----
out=$(sign -o blta.pdf --level B-LTA --tsa "$H/tsa" 2>&1); rc=$?
check "B-LTA exits 0 ($out)" '[ $rc -eq 0 ]'
check "B-LTA: qpdf --check" 'qpdf --check blta.pdf >/dev/null 2>&1'
check "B-LTA: three revisions appended" '[ "$(grep -ac "%%EOF" blta.pdf)" -ge 4 ]'
check "B-LTA: /DocTimeStamp with /ETSI.RFC3161" \
    'grep -aq "/Type /DocTimeStamp /Filter /Adobe.PPKLite /SubFilter /ETSI.RFC3161" blta.pdf'
lastsig blta.pdf blta.data blta.tst
check "B-LTA: openssl ts -verify accepts the document timestamp over its ByteRange" \
    'openssl ts -verify -data blta.data -in blta.tst -token_in -CAfile root.pem -untrusted tsachain.pem >/dev/null 2>&1'
# (the timestamp's own validation data follows it in a last DSS revision, as Adobe writes it)
check "B-LTA: document timestamp covers its whole revision, a DSS revision follows" \
    '$PY -c "import re,sys; d=open(\"blta.pdf\",\"rb\").read(); m=list(re.finditer(rb\"/ByteRange\\s*\\[\\s*(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\", d))[-1]; e=int(m[3])+int(m[4]); sys.exit(0 if b\"%%EOF\" in d[e-8:e] and b\"/DSS\" in d[e:] else 1)"'
check "B-LTA: the signature is still valid" '[ "$(pdfsig blta.pdf 2>/dev/null | grep -c "Signature is Valid")" -ge 1 ]'

# ---- our own verifier (JSON contract, design.md): offline, from the embedded DSS only ----
"$K" --lang en verify blta.pdf --trust root.pem --offline --json >blta.json 2>/dev/null
check "kyso verify --offline: B-LTA file TOTAL-PASSED, signature B-LTA, revocation good from DSS" \
    '$PY -c "import json,sys; j=json.load(open(\"blta.json\")); s=j[\"signatures\"]; sys.exit(0 if j[\"indication\"]==\"TOTAL-PASSED\" and s[0][\"level\"]==\"B-LTA\" and s[0][\"revocation\"]==\"good\" and s[-1][\"type\"]==\"document-timestamp\" else 1)"'

# ---- B-LTA on an encrypted document (AES-256, user password): the DSS streams, the signature
# dictionary's strings and the document timestamp are written encrypted like the rest ----
qpdf --encrypt mk-nguoi-dung mk-chu-so-huu 256 -- "$IN" enc.pdf
export DOCPW=mk-nguoi-dung
out=$("$K" --lang en sign enc.pdf -o enc-lta.pdf --key signer.key --cert signer.pem --chain chain.pem \
    --pdf-password-env DOCPW --level B-LTA --tsa "$H/tsa" --reason "Phê duyệt" 2>&1); rc=$?
check "encrypted B-LTA exits 0 ($out)" '[ $rc -eq 0 ]'
check "encrypted B-LTA: qpdf --check with the password" \
    'qpdf --password=mk-nguoi-dung --check enc-lta.pdf >/dev/null 2>&1'
check "encrypted B-LTA: pdfsig -upw: the signature is valid" \
    '[ "$(pdfsig -upw mk-nguoi-dung enc-lta.pdf 2>/dev/null | grep -c "Signature is Valid")" -ge 1 ]'
lastsig enc-lta.pdf enc-lta.data enc-lta.tst
check "encrypted B-LTA: the document timestamp's /Contents is in clear and openssl ts -verify accepts it" \
    'openssl ts -verify -data enc-lta.data -in enc-lta.tst -token_in -CAfile root.pem -untrusted tsachain.pem >/dev/null 2>&1'
check "encrypted B-LTA: the signature dictionary's /M is encrypted, not a literal in clear" \
    'tail -c +$(($(stat -c %s enc.pdf) + 1)) enc-lta.pdf | grep -aq "/M <" &&
     ! tail -c +$(($(stat -c %s enc.pdf) + 1)) enc-lta.pdf | grep -aq "/M (D:"'
"$K" --lang en verify enc-lta.pdf --trust root.pem --offline --json --password-env DOCPW \
    >enc-lta.json 2>/dev/null
check "kyso verify --password-env --offline: encrypted B-LTA TOTAL-PASSED, revocation from the DSS" \
    '$PY -c "import json,sys; j=json.load(open(\"enc-lta.json\")); s=j[\"signatures\"]; sys.exit(0 if j[\"indication\"]==\"TOTAL-PASSED\" and s[0][\"level\"]==\"B-LTA\" and s[0][\"revocation\"]==\"good\" else 1)"'
"$K" --lang en verify enc-lta.pdf --trust root.pem --offline >/dev/null 2>enc-nopw.err; rc=$?
check "kyso verify without the password: exit 4, names the need and the option" \
    '[ $rc -eq 4 ] && grep -q "the document is encrypted and needs a password" enc-nopw.err && grep -q -- "--password-env" enc-nopw.err'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
