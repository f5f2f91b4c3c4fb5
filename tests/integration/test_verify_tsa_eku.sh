#!/usr/bin/env bash
# kyso verify and the purpose of timestamp certificates (RFC 3161 §2.3): a local "TSA" on
# 127.0.0.1 answers with tokens whose TSTInfo comes from `openssl ts -reply` but which are then
# re-signed (`openssl cms -sign -cades`) by a certificate of the same trusted CA that lacks the
# id-kp-timeStamping EKU (openssl ts -reply itself refuses such a signer). kyso sign accepts the
# token (its signature verifies); kyso verify must not take it as proof of the signing time
# (B-T: time "claimed", note), and a document timestamp from it must be INDETERMINATE /
# CHAIN_CONSTRAINTS_FAILURE with the Vietnamese and English reason. The same flow with the
# genuine TSA certificate is the control. `openssl x509 -purpose` is the oracle for the certs.
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}"
W=$KYSO_BUILD/test-verify-tsa-eku
rm -rf "$W"; mkdir -p "$W/empty-trust" "$W/t"
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
jq_py() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
SRV=; TSRV=
cleanup() { for p in $SRV $TSRV; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; }
trap cleanup EXIT
port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# ---- kyso CA for the signer (OCSP good), a separate openssl CA for the timestamp certs ----
PORT=$(port); URL=http://127.0.0.1:$PORT
export CAPW='mật khẩu thử'
"$KYSO" ca init "$W/ca" --base-url "$URL" >/dev/null 2>&1 && ok || bad "ca init"
"$KYSO" ca issue "$W/ca" --profile personal --name "Lê Văn C" --out-p12 "$W/c.p12" \
  --pin-env CAPW -o "$W/c.pem" >/dev/null 2>&1 && ok || bad "ca issue"
"$KYSO" ca serve "$W/ca" --listen "127.0.0.1:$PORT" >"$W/serve.log" 2>&1 &
SRV=$!
(
  set -e; cd "$W/t"
  cat > x.cnf <<'X'
[good]
basicConstraints=CA:false
keyUsage=critical,digitalSignature
extendedKeyUsage=critical,timeStamping
[bad]
basicConstraints=CA:false
keyUsage=critical,digitalSignature,nonRepudiation
extendedKeyUsage=emailProtection
X
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout root.key \
    -subj "/CN=TSA test root" -days 30 -addext basicConstraints=critical,CA:true \
    -addext keyUsage=critical,keyCertSign,cRLSign -out root.pem 2>/dev/null
  for e in good bad; do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout $e.key \
      -subj "/CN=tsa $e" -out $e.csr 2>/dev/null
    openssl x509 -req -in $e.csr -CA root.pem -CAkey root.key -set_serial 0x$((RANDOM + 4096)) \
      -days 30 -extfile x.cnf -extensions $e -out $e.pem 2>/dev/null
  done
  printf '[tsa]\ndefault_tsa=t\n[t]\nserial=ser\ncrypto_device=builtin\nsigner_cert=good.pem\n' > ts.cnf
  printf 'signer_key=good.key\nsigner_digest=sha256\ndefault_policy=1.2.3.4.1\n' >> ts.cnf
  printf 'digests=sha256,sha384,sha512\ness_cert_id_alg=sha256\n' >> ts.cnf
  echo 01 > ser
) && ok || bad "openssl TSA PKI"
# oracle: openssl agrees that only "good" may sign timestamps
openssl x509 -in "$W/t/good.pem" -noout -purpose | grep -q "Time Stamp signing : Yes" && ok || bad "oracle: good TSA cert"
openssl x509 -in "$W/t/bad.pem" -noout -purpose | grep -q "Time Stamp signing : No" && ok || bad "oracle: bad TSA cert"

# /good: openssl ts -reply; /bad: the same TSTInfo re-signed by bad.pem
cat > "$W/tsa.py" <<'X'
import http.server, os, subprocess, sys
d = sys.argv[2]
def der_len(n):
    if n < 128: return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b
class H(http.server.BaseHTTPRequestHandler):
    def log_message(self, *a): pass
    def do_POST(self):
        q = self.rfile.read(int(self.headers["Content-Length"]))
        open(os.path.join(d, "q.tsq"), "wb").write(q)
        run = lambda c: subprocess.run(c, cwd=d, shell=True, check=True, capture_output=True)
        try:
            if self.path == "/good":
                run("openssl ts -reply -config ts.cnf -queryfile q.tsq -out r.tsr")
                body = open(os.path.join(d, "r.tsr"), "rb").read()
            else:
                run("openssl ts -reply -config ts.cnf -queryfile q.tsq -token_out -out tok.der")
                run("openssl cms -verify -noverify -inform DER -in tok.der -out tst.der")
                run("openssl cms -sign -binary -nodetach -cades -md sha256 -in tst.der "
                    "-econtent_type 1.2.840.113549.1.9.16.1.4 -signer bad.pem -inkey bad.key "
                    "-outform DER -out fake.der")
                tok = open(os.path.join(d, "fake.der"), "rb").read()
                inner = b"\x30\x03\x02\x01\x00" + tok
                body = b"\x30" + der_len(len(inner)) + inner
        except subprocess.CalledProcessError as e:
            sys.stderr.write(e.stderr.decode()); self.send_response(500); self.end_headers(); return
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers(); self.wfile.write(body)
http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
X
TPORT=$(port); TURL=http://127.0.0.1:$TPORT
$PY "$W/tsa.py" "$TPORT" "$W/t" 2>"$W/tsa.log" &
TSRV=$!
for _ in $(seq 50); do curl -s -o /dev/null "$URL/crl" && curl -s -o /dev/null "$TURL/" && break; sleep 0.2; done

bash "${KYSO_SOURCE:?}/scripts/sample_pdf.sh" "$KYSO_BUILD/sample/qd.pdf" || { echo "FAIL: no sample PDF"; exit 1; }
IN=$KYSO_BUILD/sample/qd.pdf   # the sample decision (docs/sample, LibreOffice)
sign() { # OUT LEVEL TSA-PATH
  PW=$CAPW "$KYSO" sign "$IN" -o "$W/$1" --p12 "$W/c.p12" --pin-env PW --kind invisible \
    --level "$2" --tsa "$TURL/$3" >/dev/null 2>"$W/$1.err"
}
v() { # FILE [--lang en] -> exit code in $rc, JSON in $W/out.json
  local f=$1; shift
  XDG_CACHE_HOME=$W/cache "$KYSO" verify "$W/$f" --trust "$W/ca/root.pem" --trust "$W/t/root.pem" \
    --json "$@" >"$W/out.json" 2>"$W/err.txt"
  rc=$?
}
s0() { jq_py "$W/out.json" "$1"; }

sign bt-good.pdf B-T good && ok || bad "sign B-T with the genuine TSA: $(head -3 "$W/bt-good.pdf.err")"
sign bt-bad.pdf B-T bad && ok || bad "sign B-T with the bad TSA: $(head -3 "$W/bt-bad.pdf.err")"
# the embedded token carries the bad certificate, not the genuine one (raw DER of /Contents)
if [ -f "$W/bt-bad.pdf" ]; then
  $PY - "$W/bt-bad.pdf" <<'X' && ok || bad "token in bt-bad.pdf not signed by the bad TSA cert"
import re, sys
d = open(sys.argv[1], "rb").read()
der = b"".join(bytes.fromhex(m.group(1).decode()) for m in re.finditer(rb"/Contents\s*<([0-9A-Fa-f]+)>", d))
sys.exit(0 if b"tsa bad" in der and b"tsa good" not in der else 1)
X
fi

v bt-good.pdf
[ $rc -eq 0 ] && [ "$(s0 'd["signatures"][0]["time_source"]')" = timestamp ] && ok \
  || bad "control B-T: exit $rc, time $(s0 'd["signatures"][0]["time_source"]')"
v bt-bad.pdf
[ "$(s0 'd["signatures"][0]["time_source"]')" = claimed ] && ok \
  || bad "bad-TSA B-T: time source $(s0 'd["signatures"][0]["time_source"]') (must not be timestamp)"
[ "$(s0 'any("id-kp-timeStamping" in m and "không chứng minh được thời điểm ký" in m for m in d["signatures"][0]["messages"])')" = True ] \
  && ok || bad "bad-TSA B-T: Vietnamese reason missing: $(s0 'd["signatures"][0]["messages"]')"
# the signature itself stays valid (OCSP good); only the time is no longer proven
[ $rc -eq 0 ] && ok || bad "bad-TSA B-T: exit $rc $(s0 'd["signatures"][0]["messages"]')"

sign lta-good.pdf B-LTA good && ok || bad "sign B-LTA with the genuine TSA: $(head -3 "$W/lta-good.pdf.err")"
sign lta-bad.pdf B-LTA bad && ok || bad "sign B-LTA with the bad TSA: $(head -3 "$W/lta-bad.pdf.err")"
v lta-good.pdf
[ $rc -eq 0 ] && [ "$(s0 '[s["indication"] for s in d["signatures"]]')" = "['TOTAL-PASSED', 'TOTAL-PASSED']" ] \
  && ok || bad "control B-LTA: exit $rc $(s0 '[(s["indication"], s["messages"]) for s in d["signatures"]]')"
[ "$(s0 'd["signatures"][0]["level"]')" = B-LTA ] && ok || bad "control B-LTA: level $(s0 'd["signatures"][0]["level"]')"
# text report: the DSS objects of one revision on one line with their count (JSON keeps each);
# B-LTA has two DSS revisions (the signature's, then the document timestamp's own data)
NDSS=$(s0 'sum(1 for c in d["signatures"][0]["changes_after"] if c["allowed"] and "DSS" in c["what"] and c["revision"] == min(x["revision"] for x in d["signatures"][0]["changes_after"]))')
NLINES=$(s0 'sum(len({c["revision"] for c in s["changes_after"] if c["allowed"] and "DSS" in c["what"]}) for s in d["signatures"])')
XDG_CACHE_HOME=$W/cache "$KYSO" verify "$W/lta-good.pdf" --trust "$W/ca/root.pem" --trust "$W/t/root.pem" \
  >"$W/good.txt" 2>&1
[ "$NDSS" -ge 2 ] && [ "$(grep -c "dữ liệu xác thực (DSS).*— $NDSS đối tượng: " "$W/good.txt")" = 1 ] \
  && [ "$(grep -c "dữ liệu xác thực (DSS)" "$W/good.txt")" = "$NLINES" ] && ok || bad "text report: DSS changes ($NDSS in JSON, $NLINES lines) not grouped: $(grep DSS "$W/good.txt")"
v lta-bad.pdf
[ $rc -eq 2 ] && ok || bad "bad-TSA B-LTA: exit $rc (expected 2)"
[ "$(s0 '[s["type"] for s in d["signatures"]]')" = "['signature', 'document-timestamp']" ] && ok \
  || bad "bad-TSA B-LTA: types $(s0 '[s["type"] for s in d["signatures"]]')"
[ "$(s0 '(d["signatures"][1]["indication"], d["signatures"][1]["subindication"])')" = "('INDETERMINATE', 'CHAIN_CONSTRAINTS_FAILURE')" ] \
  && ok || bad "bad-TSA doc timestamp: $(s0 '(d["signatures"][1]["indication"], d["signatures"][1]["subindication"])')"
[ "$(s0 'any("Dấu thời gian tài liệu không do một đơn vị cấp dấu thời gian phát hành" in m for m in d["signatures"][1]["messages"])')" = True ] \
  && ok || bad "bad-TSA doc timestamp: Vietnamese reason missing: $(s0 'd["signatures"][1]["messages"]')"
[ "$(s0 'd["signatures"][0]["time_source"]')" = claimed ] && ok || bad "bad-TSA B-LTA: signature time proven"
[ "$(s0 'd["signatures"][1]["time_source"]')" = claimed ] && ok || bad "bad-TSA doc timestamp: time shown as proven"
# an archive timestamp that proves nothing does not make the signature B-LTA
[ "$(s0 'd["signatures"][0]["level"]')" = B-LT ] && ok || bad "bad-TSA B-LTA: level $(s0 'd["signatures"][0]["level"]')"
v lta-bad.pdf --lang en
[ "$(s0 'any("The document timestamp was not issued by a timestamp authority" in m and "RFC 3161 section 2.3" in m for m in d["signatures"][1]["messages"])')" = True ] \
  && ok || bad "bad-TSA doc timestamp: English reason missing: $(s0 'd["signatures"][1]["messages"]')"
XDG_CACHE_HOME=$W/cache "$KYSO" verify "$W/lta-bad.pdf" --trust "$W/ca/root.pem" --trust "$W/t/root.pem" \
  >"$W/out.txt" 2>&1
grep -q "CHAIN_CONSTRAINTS_FAILURE" "$W/out.txt" && grep -q "id-kp-timeStamping" "$W/out.txt" && ok \
  || bad "text report: reason not shown"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
