#!/usr/bin/env bash
# kyso-agent, the browser's native-messaging host, against a SoftHSM2 token: list, sign (RSA
# PKCS#1 v1.5, RSA-PSS, ECDSA; SHA-256/384), a batch under one PIN, Web eID-style
# authentication; every signature checked with `openssl pkeyutl -verify` against the
# certificate. Then the attacks and failures: hashes of the wrong length or not hashes,
# messages over the size limit, malformed JSON, broken length prefixes and truncated streams,
# cancel in the dialog, a wrong PIN, and a token whose PIN is locked / at its final try (a
# test module wrapping SoftHSM2 gives those states, which SoftHSM2 itself never reaches).
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W="$KYSO_BUILD/test-agent"
rm -rf "$W"
mkdir -p "$W"
. "$KYSO_SOURCE/tests/agent/agent_lib.sh"
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
  if "$@"; then ok; else bad "$d"; fi
}
[ -x "$AGENT" ] || { echo "FAIL: $AGENT not built"; exit 1; }
agent_setup_token || { echo "FAIL: token set-up"; exit 1; }
agent_config

# req JSON: one request; the reply lands in $W/r.json (first reply line) and $W/r.all
mkdir -p "$W/cwd" "$W/home"
req() { # run from an empty directory with an empty HOME: the agent must leave both empty
  printf '%s\n' "$1" | (cd "$W/cwd" && HOME="$W/home" $NM "$AGENT") >"$W/r.all" 2>"$W/r.err"
  local rc=$?
  head -1 "$W/r.all" >"$W/r.json"
  return $rc
}
# jf EXPR: evaluates a Python expression over the reply `r`
jf() { python3 -c "import json,sys; r=json.load(open('$W/r.json')); print($1)"; }
is() { [ "$(jf "$1")" = "$2" ] || { echo "  got $(jf "$1") for $1, want $2"; cat "$W/r.json"; return 1; }; }
ORIGIN="https://kyso.haiphong.gov.vn"

# ---- version, list ----
req '{"command":"version"}'
check "version" is "r['ok'] and r['version']" "0.1.0"
req '{"command":"list"}'
check "list finds the three certificates" is "len(r['certificates'])" 3
check "list: ids are the SHA-256 of each certificate" is \
  "sorted(c['id'] for c in r['certificates']) == sorted(open('$W/'+k+'.id').read().strip() for k in ['rsa','ec256','ec384'])" True
check "list: certificate DER as in the token" is \
  "[c['certificate'] for c in r['certificates'] if c['label']=='rsa'][0]" "$(b64 "$W/rsa.cert.der")"
check "list: subject, key type, curve" is \
  "sorted((c['subject'], c['keyType'], c.get('curveBits')) for c in r['certificates'])" \
  "[('Nguyễn Văn A ec256', 'EC', 256), ('Nguyễn Văn A ec384', 'EC', 384), ('Nguyễn Văn A rsa', 'RSA', None)]"
check "list: token label and PIN state" is "{(c['token']['label'], c['pinState']) for c in r['certificates']}" "{('$TOK', 'ok')}"

# ---- sign: one document per algorithm, each checked by openssl ----
printf 'Quyết định số 12/QĐ-UBND' >"$W/doc.txt"
# sign_one KEY HASHALG(SHA-256|SHA-384) SIGALG PKEYOPTS...
sign_one() {
  local k=$1 h=$2 s=$3
  shift 3
  local dg=${h#SHA-}
  openssl dgst -sha"$dg" -binary "$W/doc.txt" >"$W/hash"
  : >"$W/pinentry.log"
  req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$(cat "$W/$k.id")\",\"hashAlgorithm\":\"$h\",\"signatureAlgorithm\":\"$s\",\"documents\":[{\"title\":\"Quyết định 12/QĐ-UBND\",\"hash\":\"$(b64 "$W/hash")\"}]}"
  if [ "$(jf "r['ok']")" != True ]; then
    cat "$W/r.json"
    return 1
  fi
  jf "r['signatures'][0]" | base64 -d >"$W/sig"
  openssl pkeyutl -verify -pubin -inkey "$W/$k.pub.pem" -in "$W/hash" -sigfile "$W/sig" \
    -pkeyopt digest:sha"$dg" "$@" >/dev/null 2>&1
}
check "sign RSA PKCS#1 v1.5 SHA-256 verifies" sign_one rsa SHA-256 RSASSA-PKCS1-v1_5
check "sign RSA PKCS#1 v1.5 SHA-384 verifies" sign_one rsa SHA-384 RSASSA-PKCS1-v1_5
check "sign RSA-PSS SHA-256 verifies" sign_one rsa SHA-256 RSA-PSS \
  -pkeyopt rsa_padding_mode:pss -pkeyopt rsa_pss_saltlen:32
check "sign ECDSA P-256 SHA-256 verifies" sign_one ec256 SHA-256 ECDSA
check "sign ECDSA P-384 SHA-384 verifies" sign_one ec384 SHA-384 ECDSA
# The oracle itself must refuse a signature over another hash (else the checks above prove nothing).
sign_one rsa SHA-256 RSASSA-PKCS1-v1_5
printf 'another' | openssl dgst -sha256 -binary >"$W/hash2"
check "openssl refuses the signature for another hash" \
  bash -c "! openssl pkeyutl -verify -pubin -inkey '$W/rsa.pub.pem' -in '$W/hash2' -sigfile '$W/sig' -pkeyopt digest:sha256 >/dev/null 2>&1"
# The dialog showed the origin, the title and the hash's first bytes, and asked the PIN.
prefix=$(xxd -p -l 8 "$W/hash")
check "dialog shows the origin" grep -q "SETDESC.*$ORIGIN" "$W/pinentry.log"
check "dialog shows the title" grep -q "Quyết định 12/QĐ-UBND" "$W/pinentry.log"
check "dialog shows the hash prefix" grep -q "SHA-256 $prefix" "$W/pinentry.log"
check "dialog asks the PIN in the dialog" grep -q '^GETPIN' "$W/pinentry.log"
check "dialog text is Vietnamese" grep -q "yêu cầu" "$W/pinentry.log"
check "the PIN is never sent to the dialog" bash -c "! grep -q pin-5555 '$W/pinentry.log'"
check "the PIN is not in the reply" bash -c "! grep -q pin-5555 '$W/r.all'"

# ---- a batch of 10 under one confirmation and one PIN ----
docs=""
for i in $(seq 1 10); do
  printf 'văn bản %d' "$i" | openssl dgst -sha256 -binary >"$W/h$i"
  docs="$docs${docs:+,}{\"title\":\"Văn bản số $i\",\"hash\":\"$(b64 "$W/h$i")\"}"
done
: >"$W/pinentry.log"
req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$(cat "$W/rsa.id")\",\"hashAlgorithm\":\"SHA-256\",\"documents\":[$docs]}"
check "batch: 10 signatures" is "len(r['signatures'])" 10
check "batch: one PIN asked" is "sum(1 for l in open('$W/pinentry.log') if l.startswith('GETPIN'))" 1
check "batch: the dialog lists the documents" grep -q "Văn bản số 8" "$W/pinentry.log"
check "batch: the rest are counted" grep -q "2 văn bản khác" "$W/pinentry.log"
batch_ok=0
for i in $(seq 1 10); do
  jf "r['signatures'][$((i - 1))]" | base64 -d >"$W/sig$i"
  openssl pkeyutl -verify -pubin -inkey "$W/rsa.pub.pem" -in "$W/h$i" -sigfile "$W/sig$i" \
    -pkeyopt digest:sha256 >/dev/null 2>&1 && batch_ok=$((batch_ok + 1))
done
check "batch: every signature verifies over its own hash" [ "$batch_ok" -eq 10 ]

# ---- authenticate (Web eID token format): hash(origin) ‖ hash(challenge) ----
CH=$(openssl rand -base64 32)
auth_one() { # auth_one KEY DGST
  local k=$1 dg=$2
  req "{\"command\":\"authenticate\",\"origin\":\"$ORIGIN\",\"cert\":\"$(cat "$W/$k.id")\",\"challenge\":\"$CH\"}"
  [ "$(jf "r['ok']")" = True ] || { cat "$W/r.json"; return 1; }
  [ "$(jf "r['authToken']['format']")" = web-eid:1.0 ] || return 1
  [ "$(jf "r['authToken']['unverifiedCertificate']")" = "$(b64 "$W/$k.cert.der")" ] || return 1
  { printf '%s' "$ORIGIN" | openssl dgst -"$dg" -binary
    printf '%s' "$CH" | openssl dgst -"$dg" -binary; } >"$W/authdata"
  jf "r['authToken']['signature']" | base64 -d >"$W/authsig.raw"
  # ECDSA comes as r‖s (JWS); openssl wants the DER ECDSA-Sig-Value.
  python3 - "$W/authsig.raw" "$W/authsig" "$k" <<'PY'
import sys
raw = open(sys.argv[1], 'rb').read()
if sys.argv[3] == 'rsa':
    open(sys.argv[2], 'wb').write(raw); sys.exit()
def integer(b):
    b = b.lstrip(b'\0') or b'\0'
    if b[0] & 0x80: b = b'\0' + b
    return bytes([2, len(b)]) + b
h = len(raw) // 2
body = integer(raw[:h]) + integer(raw[h:])
open(sys.argv[2], 'wb').write(bytes([0x30, len(body)]) + body)
PY
  openssl dgst -"$dg" -verify "$W/$k.pub.pem" -signature "$W/authsig" "$W/authdata" >/dev/null 2>&1
}
check "authenticate RSA (RS256) verifies over hash(origin)‖hash(challenge)" auth_one rsa sha256
check "authenticate: algorithm RS256" is "r['authToken']['algorithm']" RS256
check "authenticate EC P-256 (ES256) verifies" auth_one ec256 sha256
check "authenticate EC P-384 (ES384) verifies" auth_one ec384 sha384
check "authenticate: algorithm ES384" is "r['authToken']['algorithm']" ES384
# Origin binding: the same token does not verify for another origin.
auth_one rsa sha256
{ printf '%s' "https://evil.example" | openssl dgst -sha256 -binary
  printf '%s' "$CH" | openssl dgst -sha256 -binary; } >"$W/authdata-evil"
check "authenticate: the token does not verify for another origin" \
  bash -c "! openssl dgst -sha256 -verify '$W/rsa.pub.pem' -signature '$W/authsig' '$W/authdata-evil' >/dev/null 2>&1"
check "authenticate: the dialog shows the origin" grep -q "SETDESC.*$ORIGIN.*đăng nhập" "$W/pinentry.log"
req "{\"command\":\"authenticate\",\"origin\":\"$ORIGIN\",\"cert\":\"$(cat "$W/rsa.id")\",\"challenge\":\"short\"}"
check "authenticate: a short challenge is refused" is "r['error']" bad-request

# ---- attacks: not a hash of the announced length ----
: >"$W/pinentry.log"
H=$(cat "$W/rsa.id")
sign_req() { req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$H\",\"hashAlgorithm\":\"$1\",\"documents\":[{\"title\":\"t\",\"hash\":\"$2\"}]}"; }
sign_req SHA-256 "$(head -c 31 /dev/urandom | base64 -w0)"
check "31 bytes for SHA-256 refused" is "r['error']" bad-hash
sign_req SHA-256 "$(head -c 48 /dev/urandom | base64 -w0)"
check "48 bytes for SHA-256 refused" is "r['error']" bad-hash
sign_req SHA-384 "$(head -c 32 /dev/urandom | base64 -w0)"
check "32 bytes for SHA-384 refused" is "r['error']" bad-hash
# A whole DigestInfo (51 bytes) passed as the "hash" would let a page choose what is signed.
{ printf '\x30\x31\x30\x0d\x06\x09\x60\x86\x48\x01\x65\x03\x04\x02\x01\x05\x00\x04\x20'; cat "$W/hash"; } >"$W/di"
sign_req SHA-256 "$(b64 "$W/di")"
check "a DigestInfo instead of a hash refused" is "r['error']" bad-hash
sign_req SHA-256 "$(printf 'Tôi đồng ý chuyển 1 tỷ đồng' | base64 -w0)"
check "raw text instead of a hash refused" is "r['error']" bad-hash
sign_req SHA-256 "not base64!"
check "non-base64 refused" is "r['error']" bad-hash
sign_req MD5 "$(b64 "$W/hash")"
check "an unknown hash algorithm refused" is "r['error']" bad-request
check "refused requests never reached the dialog" [ ! -s "$W/pinentry.log" ]
check "an unknown hash algorithm is named in the refusal" is "r['messageEn']" \
  '"hashAlgorithm" must be "SHA-256", "SHA-384" or "SHA-512"'
sign_req SHA-256 "$(b64 "$W/di")"
check "the refusal names the document and the length (English)" is "r['messageEn']" \
  'document 1: "hash" is not a base64 SHA-256 hash of 32 bytes'
check "the refusal in Vietnamese" is "r['message']" \
  'văn bản 1: "hash" không phải giá trị băm SHA-256 dạng base64 dài 32 byte'
# A title with a newline or a bidirectional override could draw a fake origin line in the dialog.
req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$H\",\"hashAlgorithm\":\"SHA-256\",\"documents\":[{\"title\":\"QĐ 12\\n\\nhttps://other.example yêu cầu\",\"hash\":\"$(b64 "$W/hash")\"}]}"
check "a title with a newline refused" is "r['error']" bad-request
req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$H\",\"hashAlgorithm\":\"SHA-256\",\"documents\":[{\"title\":\"QĐ \\u202egnp.exe\",\"hash\":\"$(b64 "$W/hash")\"}]}"
check "a title with a bidi override refused" is "r['error']" bad-request
check "... before any dialog" [ ! -s "$W/pinentry.log" ]
req "{\"command\":\"sign\",\"origin\":\"http://evil.example\",\"cert\":\"$H\",\"hashAlgorithm\":\"SHA-256\",\"documents\":[{\"title\":\"t\",\"hash\":\"$(b64 "$W/hash")\"}]}"
check "an http origin other than loopback refused" is "r['error']" bad-origin
req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$H\",\"hashAlgorithm\":\"SHA-256\",\"documents\":[{\"title\":\"t\",\"hash\":\"$(b64 "$W/hash")\",\"data\":\"x\"}]}"
check "an unknown member in a document refused" is "r['error']" bad-request
req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$(printf '%064d' 0)\",\"hashAlgorithm\":\"SHA-256\",\"documents\":[{\"title\":\"t\",\"hash\":\"$(b64 "$W/hash")\"}]}"
check "an unknown certificate refused" is "r['error']" no-certificate

# ---- attacks on the framing and the JSON ----
python3 - "$W" <<'PY'
import struct, sys
w = sys.argv[1]
def frame(b): return struct.pack('=I', len(b)) + b
v = b'{"command":"version"}'
open(w + '/big', 'wb').write(frame(b'{"command":"version","lang":"' + b'x' * 70000 + b'"}') + frame(v))
open(w + '/huge', 'wb').write(struct.pack('=I', 0xFFFFFFF0) + b'{}')
open(w + '/short-prefix', 'wb').write(b'\x10\x00')
open(w + '/truncated', 'wb').write(struct.pack('=I', 100) + b'{"command":"version"}')
open(w + '/zero', 'wb').write(struct.pack('=I', 0) + frame(v))
bad = [b'{"command":"version",}', b'{"command":"version","command":"list"}', b'{"command":"\\ud800"}',
       b'{"command":"\xc3\x28"}', b'[' * 100 + b']' * 100, b'{"command":"version"} x', b'{command:1}',
       b'{"command":"version\x01"}', b'{"a":01}', b'{"a":1.}', b'"\\u0000"', b'nul', b'']
open(w + '/badjson', 'wb').write(b''.join(frame(b) for b in bad if b) + frame(v))
PY
$NM "$AGENT" --raw "$W/big" >"$W/r.all"
check "a message over 64 KiB is refused" grep -q '"error":"too-large"' "$W/r.all"
check "... and the next message is still answered" grep -q '"version":"0.1.0"' "$W/r.all"
$NM "$AGENT" --raw "$W/huge" >"$W/r.all"
check "a length over the browser's limit is refused, agent stops" \
  bash -c "grep -q '\"error\":\"too-large\"' '$W/r.all' && grep -q 'EXIT 1' '$W/r.all'"
$NM "$AGENT" --raw "$W/short-prefix" >"$W/r.all"
check "a cut length prefix is reported" grep -q '"error":"bad-frame"' "$W/r.all"
$NM "$AGENT" --raw "$W/truncated" >"$W/r.all"
check "a truncated message is reported, agent stops cleanly" \
  bash -c "grep -q 'cut short' '$W/r.all' && grep -q 'EXIT 1' '$W/r.all'"
$NM "$AGENT" --raw "$W/zero" >"$W/r.all"
check "an empty message is refused and the next answered" \
  bash -c "grep -q '\"error\":\"bad-frame\"' '$W/r.all' && grep -q '\"version\"' '$W/r.all'"
$NM "$AGENT" --raw "$W/badjson" >"$W/r.all"
check "12 malformed JSON messages: 12 bad-json replies" [ "$(grep -c '"error":"bad-json"' "$W/r.all")" -eq 12 ]
check "... then a good one is answered, exit 0" \
  bash -c "grep -q '\"version\":\"0.1.0\"' '$W/r.all' && grep -q 'EXIT 0' '$W/r.all'"

# ---- the person cancels; a wrong PIN ----
KYSO_TEST_PINENTRY_MODE=cancel sign_req SHA-256 "$(b64 "$W/hash")"
check "cancel in the dialog: user-cancelled, no signature" \
  bash -c "python3 -c \"import json; r=json.load(open('$W/r.json')); assert r['error']=='user-cancelled' and 'signatures' not in r\""
KYSO_TEST_PINENTRY_MODE=die sign_req SHA-256 "$(b64 "$W/hash")"
check "a dialog that dies: dialog-failed" is "r['error']" dialog-failed
KYSO_TEST_PIN_FILE="$W/pin-bad" sign_req SHA-256 "$(b64 "$W/hash")"
check "a wrong PIN: pin-incorrect" is "r['error']" pin-incorrect
req '{"command":"list","lang":"en"}'
check "after a wrong PIN the list shows count-low with advice" \
  bash -c "python3 -c \"import json; r=json.load(open('$W/r.json')); c=r['certificates'][0]; assert c['pinState']=='count-low' and 'attempts' in c['pinStateText']\""
sign_req SHA-256 "$(b64 "$W/hash")"
check "the right PIN then signs" is "r['ok']" True

# ---- a real pinentry: Debian's pinentry-tty, on the terminal of an agent started by hand ----
if command -v pinentry-tty >/dev/null && command -v script >/dev/null; then
  printf 'module = %s\npinentry = %s\n' "$M" "$(command -v pinentry-tty)" >"$W/tty.conf"
  python3 - "$W/tty.req" "$H" "$(b64 "$W/hash")" <<'PY'
import json, struct, sys
m = json.dumps({"command": "sign", "origin": "https://kyso.haiphong.gov.vn", "cert": sys.argv[2],
                "hashAlgorithm": "SHA-256", "documents": [{"title": "Quyết định 12", "hash": sys.argv[3]}]},
               ensure_ascii=False).encode()
open(sys.argv[1], 'wb').write(struct.pack('=I', len(m)) + m)
PY
  # The person: waits for the PIN prompt on the terminal, then types the PIN.
  : >"$W/tty.typescript"
  ( for _ in $(seq 1 300); do grep -q 'PIN thiết bị' "$W/tty.typescript" && break; sleep 0.1; done
    sleep 0.3; IFS= read -r p <"$W/pin"; printf '%s\n' "$p"; sleep 2 ) |
    (cd "$W/cwd" && KYSO_AGENT_CONFIG="$W/tty.conf" timeout 60 script -qfec \
      "'$AGENT' <'$W/tty.req' >'$W/tty.bin'" "$W/tty.typescript" >/dev/null)
  tail -c +5 "$W/tty.bin" >"$W/r.json"
  check "pinentry-tty: the terminal showed origin and hash prefix" \
    grep -q "https://kyso.haiphong.gov.vn yêu cầu.*" "$W/tty.typescript"
  check "pinentry-tty: ... and the hash prefix" grep -q "SHA-256 $(xxd -p -l 8 "$W/hash")" "$W/tty.typescript"
  check "pinentry-tty: signed after the PIN typed on the terminal" is "r['ok']" True
  jf "r['signatures'][0]" 2>/dev/null | base64 -d >"$W/sig" 2>/dev/null
  check "pinentry-tty: the signature verifies" bash -c "openssl pkeyutl -verify -pubin \
    -inkey '$W/rsa.pub.pem' -in '$W/hash' -sigfile '$W/sig' -pkeyopt digest:sha256 >/dev/null"
else
  bad "pinentry-tty or script missing (scripts/deps.sh installs pinentry-tty)"
fi

# ---- PIN locked / final try / pinpad, through a module wrapping SoftHSM2 ----
cc -shared -fPIC -o "$W/shim.so" "$KYSO_SOURCE/tests/agent/p11_shim.c" $(pkg-config --cflags p11-kit-1) -ldl ||
  bad "cannot build the test module"
agent_config "$W/shim.so"
export KYSO_SHIM_REAL="$M" KYSO_SHIM_PIN_FILE="$W/pin"
: >"$W/pinentry.log"
KYSO_SHIM_FLAGS=locked req '{"command":"list"}'
check "locked: list says locked" is "r['certificates'][0]['pinState']" locked
check "locked: list tells the recovery (Mẫu 06, Sở KH&CN)" \
  bash -c "python3 -c \"import json; r=json.load(open('$W/r.json')); t=r['certificates'][0]['pinStateText']; assert 'Mẫu 06' in t and 'Sở Khoa học và Công nghệ' in t\""
KYSO_SHIM_FLAGS=locked sign_req SHA-256 "$(b64 "$W/hash")"
check "locked: sign refused before any dialog" \
  bash -c "grep -q '\"error\":\"pin-locked\"' '$W/r.json' && [ ! -s '$W/pinentry.log' ]"
KYSO_SHIM_FLAGS=final-try sign_req SHA-256 "$(b64 "$W/hash")"
check "final try: the dialog warns before the PIN" grep -q '^SETERROR.*một lần' "$W/pinentry.log"
check "final try: signing still works with the right PIN" is "r['ok']" True
: >"$W/pinentry.log"
KYSO_SHIM_FLAGS=protected sign_req SHA-256 "$(b64 "$W/hash")"
check "pinpad: signs after a confirmation" is "r['ok']" True
check "pinpad: CONFIRM, no GETPIN" bash -c "grep -q '^CONFIRM' '$W/pinentry.log' && ! grep -q '^GETPIN' '$W/pinentry.log'"
check "pinpad: the dialog says to use the keypad" grep -q "bàn phím" "$W/pinentry.log"
jf "r['signatures'][0]" | base64 -d >"$W/sig"
check "pinpad: the signature verifies" bash -c "openssl pkeyutl -verify -pubin -inkey '$W/rsa.pub.pem' \
  -in '$W/hash' -sigfile '$W/sig' -pkeyopt digest:sha256 >/dev/null"

# A qualified-signature key (CKA_ALWAYS_AUTHENTICATE): the PIN again before each signature,
# from the one dialog.
: >"$W/pinentry.log"
docs3=""
for i in 1 2 3; do docs3="$docs3${docs3:+,}{\"title\":\"VB $i\",\"hash\":\"$(b64 "$W/h$i")\"}"; done
KYSO_SHIM_FLAGS=always-auth req "{\"command\":\"sign\",\"origin\":\"$ORIGIN\",\"cert\":\"$H\",\"hashAlgorithm\":\"SHA-256\",\"documents\":[$docs3]}"
check "always-authenticate key: 3 signatures from one dialog" \
  bash -c "grep -q '\"ok\":true' '$W/r.json' && [ \$(grep -c '^GETPIN' '$W/pinentry.log') -eq 1 ]"

# ---- no key material written: the agent's working tree holds nothing new ----
check "the agent wrote no file in its directory or HOME" \
  bash -c "[ -z \"\$(find '$W/cwd' '$W/home' -mindepth 1)\" ]"

echo "$pass passed, $fail failed"
[ $fail -eq 0 ] && [ $pass -gt 0 ]
