#!/usr/bin/env bash
# Long-term validation data without waste, closed over every path (issue 10). A test PKI made
# with openssl whose delegated OCSP responder certificate lacks id-pkix-ocsp-nocheck (kyso's
# own CA always sets it), served on loopback by `openssl ocsp` and a small Python server (CRLs,
# RFC 3161 with `openssl ts -reply`). Two B-LT signatures, then `kyso sign --extend --level
# B-LTA`. Checks: the second DSS revision writes no stream the first one wrote (no stream twice
# in the file); every non-root certificate of every path (signers, TSA, OCSP responder) has an
# OCSP response or CRL in the DSS that `openssl ocsp -verify` / `openssl crl -verify` accept;
# the responder's certificate is in /Certs; pdfsig validates every level; `kyso verify
# --offline` reports every signature's and document timestamp's revocation as checked.
set -u
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
K=${KYSO:?}
SRC=${KYSO_SOURCE:?}
W=${KYSO_BUILD:?}/test-sign-ltv
rm -rf "$W"; mkdir -p "$W/www" "$W/ca/new"
cd "$W" || exit 1
pass=0; fail=0
check() { if eval "$2"; then pass=$((pass+1)); else fail=$((fail+1)); echo "FAIL: $1"; fi; }
for t in openssl pdfsig qpdf curl; do
    command -v $t >/dev/null || { echo "FAIL: $t is missing (scripts/deps.sh installs it)"; exit 1; }
done
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; }
trap cleanup EXIT
free_port() {
    $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
OPORT=$(free_port); HPORT=$(free_port)
H=http://127.0.0.1:$HPORT
bash "$SRC/scripts/sample_pdf.sh" "$KYSO_BUILD/sample/qd.pdf" || { echo "FAIL: no sample PDF"; exit 1; }
IN=$KYSO_BUILD/sample/qd.pdf

# ---- the PKI: root → ica → {signer, clerk, tsa, ocsp (no nocheck, CRL distribution point)} ----
touch ca/index.txt; echo 1000 >ca/serial; echo 1000 >ca/crlnumber; echo 01 >ca/tsaserial
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
[ocsp]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, OCSPSigning
authorityKeyIdentifier = keyid
crlDistributionPoints = URI:$H/ica.crl
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
openssl req -x509 -newkey rsa:2048 -nodes -keyout root.key -out root.pem -days 3650 \
    -subj "/CN=LTV Test Root" -config ca.cnf -extensions v3root 2>/dev/null
issue() { # NAME ISSUER EXT [DAYS]
    openssl req -newkey rsa:2048 -nodes -keyout "$1.key" -out "$1.csr" -subj "/CN=$1" \
        -config ca.cnf 2>/dev/null
    openssl ca -batch -config ca.cnf -cert "$2.pem" -keyfile "$2.key" -in "$1.csr" -out "$1.pem" \
        -extensions "$3" -days "${4:-365}" -notext >/dev/null 2>&1
}
issue ica root v3ica 1825
issue signer ica signer
issue clerk ica signer
issue ocsp ica ocsp
issue tsa ica tsa
crl() { openssl ca -config ca.cnf -gencrl -cert "$1.pem" -keyfile "$1.key" -out "$1.crl.pem" \
    >/dev/null 2>&1 && openssl crl -in "$1.crl.pem" -outform DER -out "www/$1.crl"; }
crl root; crl ica
cat ica.pem root.pem >chain.pem
cat tsa.pem ica.pem >tsachain.pem
check "test PKI made" '[ -s signer.pem ] && [ -s clerk.pem ] && [ -s www/ica.crl ]'
check "the responder certificate has no id-pkix-ocsp-nocheck" \
    '! openssl x509 -in ocsp.pem -noout -text | grep -qi "no check"'

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
    curl -sf -o /dev/null "$H/ica.crl" && grep -q "waiting for OCSP" ocsp.log && break
    sleep 0.2
done
check "services answer" 'curl -sf -o /dev/null "$H/ica.crl" && grep -q "waiting for OCSP" ocsp.log'

valid() { pdfsig "$1" 2>/dev/null | grep -c 'Signature is Valid'; }
sign() { # IN OUT NAME
    "$K" --lang en sign "$1" -o "$2" --key "$3.key" --cert "$3.pem" --chain chain.pem \
        --level B-LT --tsa "$H/tsa" 2>&1
}
out=$(sign "$IN" s1.pdf signer); rc=$?
check "first B-LT signature ($out)" '[ $rc -eq 0 ] && [ "$(valid s1.pdf)" = 1 ]'
out=$(sign s1.pdf s2.pdf clerk); rc=$?
check "second B-LT signature ($out)" '[ $rc -eq 0 ] && [ "$(valid s2.pdf)" = 2 ]'
out=$("$K" --lang en sign --extend s2.pdf -o s3.pdf --level B-LTA --tsa "$H/tsa" 2>&1); rc=$?
# (pdfsig does not validate document timestamps: "Unable to validate this type of signature")
check "sign --extend --level B-LTA ($out)" '[ $rc -eq 0 ] && [ "$(valid s3.pdf)" = 2 ]'
check "pdfsig: every signature of the extended file is valid, none unknown" \
    '! pdfsig s3.pdf 2>/dev/null | grep -q "Signature validation: \(Signature is Invalid\|Digest Mismatch\)"'
out=$("$K" --lang en sign --extend s2.pdf -o lt.pdf --level B-LT 2>&1); rc=$?
check "sign --extend --level B-LT needs no TSA ($out)" '[ $rc -eq 0 ] && [ "$(valid lt.pdf)" = 2 ]'
out=$("$K" --lang en sign --extend "$IN" -o none.pdf --level B-LT 2>&1); rc=$?
check "--extend of an unsigned file: refused, nothing written" '[ $rc -ne 0 ] && [ ! -e none.pdf ]'
out=$("$K" --lang en sign --extend s2.pdf -o bad.pdf --level B-T --tsa "$H/tsa" 2>&1); rc=$?
check "--extend needs B-LT or B-LTA" '[ $rc -ne 0 ] && [ ! -e bad.pdf ]'

# ---- the DSS of each file, dumped: kind, object, and the decoded stream in dss-N/ ----
dump() { # FILE DIR: one line "kind num sha256" per /DSS array item, blobs in DIR
    $PY - "$1" "$2" <<'EOF'
import hashlib, json, os, subprocess, sys
f, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)
j = json.loads(subprocess.run(['qpdf', '--json=2', '--json-key=qpdf', '--json-stream-data=file',
                               '--json-stream-prefix=' + out + '/s', '--decode-level=all', f],
                              capture_output=True, check=True).stdout)
objs = j['qpdf'][1]
def get(ref):
    o = objs.get('obj:' + ref, {})
    return o.get('value', o.get('stream', {}).get('dict', {}))
root = get(j['qpdf'][1]['trailer']['value']['/Root'])
dss = get(root['/DSS'])
for key in ('/Certs', '/OCSPs', '/CRLs'):
    for r in dss.get(key, []):
        n = r.split()[0]
        p = objs['obj:' + r]['stream']['datafile']
        d = open(p, 'rb').read()
        os.rename(p, '%s/%s-%s.der' % (out, key[1:], n))
        print(key[1:], n, hashlib.sha256(d).hexdigest())
EOF
}
dump s2.pdf d2 >d2.txt 2>d2.err
dump s3.pdf d3 >d3.txt 2>d3.err
check "DSS dumped ($(cat d3.err))" '[ -s d2.txt ] && [ -s d3.txt ]'
check "two B-LT signatures: no stream twice in the DSS (same bytes, other object)" \
    '[ "$(cut -d" " -f3 d2.txt | sort | uniq -d | wc -l)" = 0 ]'
check "no stream object listed twice" '[ "$(cut -d" " -f1,2 d3.txt | sort | uniq -d | wc -l)" = 0 ]'
check "after --extend B-LTA: still no stream twice" \
    '[ "$(cut -d" " -f3 d3.txt | sort | uniq -d | wc -l)" = 0 ]'
n1=$(dump s1.pdf d1 | wc -l)
check "the second signature reused the first one's CA certificates ($n1 then $(wc -l <d2.txt) items)" \
    '[ $(( $(wc -l <d2.txt) - n1 )) -le 3 ]'
# The whole file: each DSS stream object appears in one revision only (nothing rewritten).
check "every DSS stream written once in the file" \
    '$PY -c "import re,sys; d=open(\"s3.pdf\",\"rb\").read(); ids=[l.split()[1] for l in open(\"d3.txt\")]; sys.exit(any(len(re.findall(rb\"(?<![0-9])\" + i.encode() + rb\" 0 obj\", d)) != 1 for i in ids))"'

# ---- closure: every non-root certificate has revocation data that openssl accepts ----
for f in d3/Certs-*.der; do openssl x509 -inform DER -in "$f" -out "${f%.der}.pem"; done
cat d3/Certs-*.pem >d3/all.pem
subj() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253 | sed 's/^subject=//'; }
check "the OCSP responder's certificate is in /Certs" \
    '(for c in d3/Certs-*.pem; do cmp -s <(openssl x509 -in $c -outform DER) <(openssl x509 -in ocsp.pem -outform DER) && exit 0; done; exit 1)'
missing=""; nchecked=0
for c in d3/Certs-*.pem; do
    s=$(subj "$c"); is=$(openssl x509 -in "$c" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
    [ "$s" = "$is" ] && continue                       # a root: the trust anchor
    iss=""; for i in d3/Certs-*.pem; do [ "$(subj "$i")" = "$is" ] && iss=$i; done
    [ -n "$iss" ] || { missing="$missing [$s: no issuer]"; continue; }
    found=""
    for r in d3/OCSPs-*.der; do
        [ -e "$r" ] || continue
        o=$(openssl ocsp -respin "$r" -issuer "$iss" -cert "$c" -CAfile root.pem \
            -untrusted d3/all.pem -no_nonce 2>&1)
        grep -q "Response verify OK" <<<"$o" && grep -q "$c: good" <<<"$o" && { found=ocsp; break; }
    done
    if [ -z "$found" ]; then
        serial=$(openssl x509 -in "$c" -noout -serial | cut -d= -f2)
        for r in d3/CRLs-*.der; do
            [ -e "$r" ] || continue
            o=$(openssl crl -inform DER -in "$r" -CAfile <(cat "$iss" root.pem) -noout -text 2>&1)
            ci=$(openssl crl -inform DER -in "$r" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
            grep -q "verify OK" <<<"$o" && [ "$ci" = "$is" ] && ! grep -q "Serial Number: $serial" <<<"$o" &&
                { found=crl; break; }
        done
    fi
    [ -n "$found" ] && nchecked=$((nchecked+1)) || missing="$missing [$s]"
done
check "closure: every non-root certificate has an OCSP response or CRL that openssl verifies ($nchecked checked; missing:$missing)" \
    '[ -z "$missing" ] && [ $nchecked -ge 5 ]'

# ---- kyso verify --offline: every signature's and timestamp's revocation was checked ----
for f in s2 s3; do
    "$K" --lang en verify $f.pdf --trust root.pem --offline --json >$f.json 2>/dev/null
done
check "kyso verify --offline s2: TOTAL-PASSED, both signatures' revocation good" \
    '$PY -c "import json,sys; j=json.load(open(\"s2.json\")); s=j[\"signatures\"]; sys.exit(0 if j[\"indication\"]==\"TOTAL-PASSED\" and len(s)==2 and all(x[\"revocation\"]==\"good\" for x in s) else 1)"'
check "kyso verify --offline after --extend B-LTA: TOTAL-PASSED, every entry (document timestamp too) revocation good" \
    '$PY -c "import json,sys; j=json.load(open(\"s3.json\")); s=j[\"signatures\"]; sys.exit(0 if j[\"indication\"]==\"TOTAL-PASSED\" and len(s)==3 and s[-1][\"type\"]==\"document-timestamp\" and all(x[\"revocation\"]==\"good\" for x in s) else 1)"'

# ---- B-LTA when signing: the document timestamp's data in a final DSS revision ----
out=$("$K" --lang en sign "$IN" -o lta.pdf --key signer.key --cert signer.pem --chain chain.pem \
    --level B-LTA --tsa "$H/tsa" 2>&1); rc=$?
"$K" --lang en verify lta.pdf --trust root.pem --offline --json >lta.json 2>/dev/null
check "sign --level B-LTA: pdfsig valid, kyso --offline revocation good for the document timestamp ($out)" \
    '[ $rc -eq 0 ] && [ "$(valid lta.pdf)" = 1 ] && $PY -c "import json,sys; j=json.load(open(\"lta.json\")); s=j[\"signatures\"]; sys.exit(0 if j[\"indication\"]==\"TOTAL-PASSED\" and s[-1][\"type\"]==\"document-timestamp\" and s[-1][\"revocation\"]==\"good\" else 1)"'
out=$("$K" --lang en sign --extend lta.pdf -o lta2.pdf --level B-LTA --tsa "$H/tsa" 2>&1); rc=$?
"$K" --lang en verify lta2.pdf --trust root.pem --offline --json >lta2.json 2>/dev/null
check "archive re-timestamp (--extend a B-LTA file): two document timestamps, all good ($out)" \
    '[ $rc -eq 0 ] && $PY -c "import json,sys; j=json.load(open(\"lta2.json\")); s=j[\"signatures\"]; sys.exit(0 if j[\"indication\"]==\"TOTAL-PASSED\" and len(s)==3 and all(x[\"revocation\"]==\"good\" for x in s) else 1)"'

echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
