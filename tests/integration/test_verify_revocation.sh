#!/usr/bin/env bash
# kyso verify and revocation, end to end with kyso's own CA (`kyso ca init/issue/serve/revoke`)
# on 127.0.0.1: OCSP from the certificate's AIA says good; --offline leaves the status unknown
# (INDETERMINATE / TRY_LATER); after `kyso ca revoke`, a B-T signature (timestamp before the
# revocation) stays valid while a B-B signature (claimed time only) becomes INDETERMINATE /
# REVOKED_NO_POE; answers are cached under $XDG_CACHE_HOME/kyso and reused when the server is
# gone; with no server and no cache the status is unknown (TRY_LATER). `openssl ocsp` is the
# oracle for what the responder says.
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}"
W=$KYSO_BUILD/test-verify-revocation
rm -rf "$W"; mkdir -p "$W/empty-trust"
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
jq_py() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }
SRV=
cleanup() { [ -n "$SRV" ] && kill "$SRV" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT

PORT=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
export CAPW='mật khẩu thử'
"$KYSO" ca init "$W/ca" --base-url "$URL" >/dev/null 2>"$W/init.err" && ok || bad "ca init: $(head -3 "$W/init.err")"
"$KYSO" ca issue "$W/ca" --profile personal --name "Trần Thị B" --title "Chuyên viên" \
  --org "Sở Nội vụ" --out-p12 "$W/b.p12" --pin-env CAPW -o "$W/b.pem" >/dev/null 2>"$W/issue.err" \
  && ok || bad "ca issue: $(head -3 "$W/issue.err")"
SERIAL=$(openssl x509 -in "$W/b.pem" -noout -serial | cut -d= -f2)
"$KYSO" ca serve "$W/ca" --listen "127.0.0.1:$PORT" >"$W/serve.log" 2>&1 &
SRV=$!
for _ in $(seq 50); do curl -s -o /dev/null "$URL/crl" && break; sleep 0.2; done
curl -s -o /dev/null "$URL/crl" && ok || bad "ca serve did not come up"

bash "${KYSO_SOURCE:?}/scripts/sample_pdf.sh" "$KYSO_BUILD/sample/qd.pdf" || { echo "FAIL: no sample PDF"; exit 1; }
IN=$KYSO_BUILD/sample/qd.pdf   # the sample decision (docs/sample, LibreOffice)
PW=$CAPW "$KYSO" sign "$IN" -o "$W/bt.pdf" --p12 "$W/b.p12" --pin-env PW --kind invisible \
  --level B-T --tsa "$URL/tsa" >/dev/null 2>&1 && ok || bad "sign B-T"
PW=$CAPW "$KYSO" sign "$IN" -o "$W/bb.pdf" --p12 "$W/b.p12" --pin-env PW --kind invisible \
  >/dev/null 2>&1 && ok || bad "sign B-B"

v() { # FILE CACHE_DIR [extra...] -> exit code in $rc, JSON in $W/out.json
  local f=$1 cache=$2; shift 2
  XDG_CACHE_HOME=$cache "$KYSO" verify "$f" --trust "$W/ca/root.pem" --json "$@" >"$W/out.json" 2>"$W/err.txt"
  rc=$?
}
s0() { jq_py "$W/out.json" "$1"; }

# ---- before revocation ----
v "$W/bt.pdf" "$W/cache-a"
[ $rc -eq 0 ] && ok || bad "B-T before revocation: exit $rc $(s0 'd["signatures"][0]["messages"]')"
[ "$(s0 'd["signatures"][0]["revocation"]')" = good ] && ok || bad "B-T: revocation not good"
[ "$(s0 'd["signatures"][0]["time_source"]')" = timestamp ] && ok || bad "B-T: time not from timestamp"
[ "$(s0 'd["signatures"][0]["level"]')" = B-T ] && ok || bad "B-T: level $(s0 'd["signatures"][0]["level"]')"
ls "$W/cache-a/kyso/"ocsp-*.der >/dev/null 2>&1 && ok || bad "no OCSP answer cached under XDG_CACHE_HOME/kyso"
v "$W/bt.pdf" "$W/cache-none" --offline --lang en
[ $rc -eq 2 ] && [ "$(s0 'd["signatures"][0]["subindication"]')" = TRY_LATER ] && ok || bad "--offline: expected INDETERMINATE/TRY_LATER, exit $rc"
[ "$(s0 'any("network checks are off" in m for m in d["signatures"][0]["messages"])')" = True ] && ok || bad "--offline: reason"

# ---- B-LTA twice (DSS + document timestamps): valid offline from embedded data alone ----
PW=$CAPW "$KYSO" sign "$IN" -o "$W/lta1.pdf" --p12 "$W/b.p12" --pin-env PW --kind invisible \
  --level B-LTA --tsa "$URL/tsa" >/dev/null 2>&1 && ok || bad "sign B-LTA"
PW=$CAPW "$KYSO" sign "$W/lta1.pdf" -o "$W/lta2.pdf" --p12 "$W/b.p12" --pin-env PW --kind invisible \
  --level B-LTA --tsa "$URL/tsa" >/dev/null 2>&1 && ok || bad "sign B-LTA twice"
v "$W/lta2.pdf" "$W/cache-none" --offline
[ $rc -eq 0 ] && ok || bad "B-LTA x2 offline: exit $rc $(s0 '[m for s in d["signatures"] for m in s["messages"]]')"
[ "$(s0 '[s["type"] for s in d["signatures"]]')" = "['signature', 'document-timestamp', 'signature', 'document-timestamp']" ] \
  && ok || bad "B-LTA x2: signature list $(s0 '[s["type"] for s in d["signatures"]]')"
[ "$(s0 'all(s["level"] == "B-LTA" and s["revocation"] == "good" for s in d["signatures"] if s["type"] == "signature")')" = True ] \
  && ok || bad "B-LTA x2: level/revocation from the DSS"
[ "$(s0 'sum(1 for s in d["signatures"] for c in s["changes_after"] if not c["allowed"])')" = 0 ] \
  && ok || bad "B-LTA x2: DSS/timestamp updates reported as disallowed"

# ---- revoke; the responder (oracle: openssl ocsp) now says revoked ----
# Times have whole seconds: wait so that the revocation falls strictly after the signing times
# (a revocation in the same second as the timestamp is, conservatively, not "after" it).
sleep 1.2
"$KYSO" ca revoke "$W/ca" --serial "$SERIAL" --reason keyCompromise >/dev/null 2>&1 && ok || bad "ca revoke"
openssl ocsp -issuer "$W/ca/issuing-ca.pem" -cert "$W/b.pem" -url "$URL/ocsp" -noverify 2>/dev/null \
  | grep -q ": revoked" && ok || bad "oracle: openssl ocsp does not see the revocation"
v "$W/bt.pdf" "$W/cache-b"
[ $rc -eq 0 ] && ok || bad "B-T after revocation: exit $rc (timestamp predates revocation)"
[ "$(s0 'any("sau thời điểm ký" in m for m in d["signatures"][0]["messages"])')" = True ] \
  && ok || bad "B-T after revocation: Vietnamese note missing: $(s0 'd["signatures"][0]["messages"]')"
v "$W/bb.pdf" "$W/cache-b"
[ $rc -eq 2 ] && [ "$(s0 'd["signatures"][0]["subindication"]')" = REVOKED_NO_POE ] && ok \
  || bad "B-B after revocation: expected INDETERMINATE/REVOKED_NO_POE, exit $rc $(s0 'd["subindication"]')"
[ "$(s0 'd["signatures"][0]["revocation"]')" = revoked ] && ok || bad "B-B: revocation not 'revoked'"
[ "$(s0 'any("Chứng thư số đã bị thu hồi lúc" in m for m in d["signatures"][0]["messages"])')" = True ] \
  && ok || bad "B-B: Vietnamese revocation message missing"

# ---- server gone: the cache answers; without a cache the status is unknown ----
kill "$SRV" 2>/dev/null; wait "$SRV" 2>/dev/null; SRV=
v "$W/bb.pdf" "$W/cache-b"
[ $rc -eq 2 ] && [ "$(s0 'd["signatures"][0]["revocation"]')" = revoked ] && ok || bad "cached answer not used (exit $rc)"
[ "$(s0 'any("cache" in m for m in d["signatures"][0]["messages"])')" = True ] && ok || bad "cache not named as the source"
v "$W/bb.pdf" "$W/cache-c"
[ $rc -eq 2 ] && [ "$(s0 'd["signatures"][0]["subindication"]')" = TRY_LATER ] && ok || bad "no server, no cache: expected TRY_LATER (exit $rc)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
