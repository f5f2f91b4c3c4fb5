# Shared set-up of the agent's tests (sourced): a SoftHSM2 token in the build tree with an
# RSA-2048 key, an EC P-256 key and an EC P-384 key made inside it (`kyso token keygen`),
# a certificate for each from a throw-away openssl CA, the agent's configuration file and the
# scripted pinentry. Needs $W (work dir, fresh), $KYSO, $KYSO_SOURCE.
# shellcheck source=/dev/null
. "$KYSO_SOURCE/scripts/softhsm-env.sh" "$W" --clean
M="${KYSO_P11_MODULE:?no SoftHSM2 module found}"
AGENT=${KYSO_AGENT:-$KYSO_BUILD/kyso-agent}
NM="python3 $KYSO_SOURCE/tests/agent/nm.py"
TOK="Nguyễn Văn A"
umask 077
printf 'so-24681357\n' >"$W/so"
printf 'pin-5555\n' >"$W/pin"
printf 'pin-0000\n' >"$W/pin-bad"

agent_setup_token() {
  "$KYSO" token init --pkcs11 "$M" --token "$TOK" --so-pin-file "$W/so" --pin-file "$W/pin" \
    >/dev/null 2>"$W/setup.err" || { cat "$W/setup.err"; return 1; }
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$W/ca.key" \
    -x509 -days 2 -subj "/CN=kyso agent test CA" -out "$W/ca.pem" >/dev/null 2>&1
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$W/tmp.key" 2>/dev/null
  printf 'keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n' >"$W/ext"
  local serial=20 k spec
  for k in rsa ec256 ec384; do
    case $k in rsa) spec=rsa:2048 ;; ec256) spec=ec:P-256 ;; ec384) spec=ec:P-384 ;; esac
    serial=$((serial + 1))
    "$KYSO" token keygen --pkcs11 "$M" --token "$TOK" --key-label $k --key-type $spec \
      --pin-file "$W/pin" -o "$W/$k.pub.pem" >/dev/null 2>"$W/setup.err" || { cat "$W/setup.err"; return 1; }
    # The request carries the UTF-8 subject; its key is replaced by the token's public key.
    openssl req -new -key "$W/tmp.key" -utf8 -subj "/CN=Nguyễn Văn A $k/O=UBND thành phố Hải Phòng" \
      -out "$W/$k.csr" 2>/dev/null
    openssl x509 -req -in "$W/$k.csr" -CA "$W/ca.pem" -CAkey "$W/ca.key" -set_serial $serial \
      -days 2 -force_pubkey "$W/$k.pub.pem" -extfile "$W/ext" -out "$W/$k.cert.pem" >/dev/null 2>&1
    "$KYSO" token import --pkcs11 "$M" --token "$TOK" --key-label $k --cert "$W/$k.cert.pem" \
      --pin-file "$W/pin" >/dev/null 2>"$W/setup.err" || { cat "$W/setup.err"; return 1; }
    openssl x509 -in "$W/$k.cert.pem" -outform DER -out "$W/$k.cert.der"
    # The agent names a certificate by the SHA-256 of its DER.
    sha256sum "$W/$k.cert.der" | cut -d' ' -f1 >"$W/$k.id"
  done
}

# The pinentry the agent starts: the scripted one, told what to answer through the
# environment, which the agent passes on.
agent_config() { # agent_config [MODULE]
  cat >"$W/agent.conf" <<CONF
# kyso-agent test configuration
module = ${1:-$M}
pinentry = $KYSO_SOURCE/tests/agent/pinentry-script.sh
CONF
  export KYSO_AGENT_CONFIG="$W/agent.conf"
  export KYSO_TEST_PINENTRY_LOG="$W/pinentry.log"
  export KYSO_TEST_PIN_FILE="$W/pin"
  export KYSO_TEST_PINENTRY_MODE=pin
}

# b64 of FILE's bytes on one line
b64() { base64 -w0 "$1"; }

# The browser side: the extension copied to $W/extension with a key made for this run (the id
# of an unpacked extension comes from its "key"; a deployment packs it with its own key), and
# the native host registered by scripts/install-agent.sh in the profile $W/profile, as a
# wrapper that logs each start to $AGENT_STARTS (AGENT_HOST_WRAPPER=0: the agent itself). Exports EXT, PROFILE, AGENT_STARTS.
agent_setup_browser() {
  export EXT="$W/extension" PROFILE="$W/profile" AGENT_STARTS="$W/agent-starts.log"
  cp -r "$KYSO_SOURCE/agent/extension" "$EXT"
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$W/ext.key" 2>/dev/null
  openssl pkey -in "$W/ext.key" -pubout -outform DER -out "$W/ext.pub.der"
  local id
  id=$(python3 "$KYSO_SOURCE/tests/agent/ext_key.py" "$EXT/manifest.json" "$W/ext.pub.der") ||
    { echo "FAIL: extension key"; return 1; }
  local host="$W/agent-host.sh"
  printf '#!/bin/sh\necho start >> "%s"\nexec "%s" "$@"\n' "$AGENT_STARTS" "$AGENT" >"$host"
  chmod +x "$host"
  [ "${AGENT_HOST_WRAPPER:-1}" = 1 ] || host=$AGENT # the benchmark times the agent itself
  HOME="$W/home" bash "$KYSO_SOURCE/scripts/install-agent.sh" --agent "$host" \
    --chrome-id "$id" --user-data-dir "$PROFILE" >"$W/install.log" 2>&1 ||
    { cat "$W/install.log"; echo "FAIL: install-agent.sh"; return 1; }
  [ -f "$PROFILE/NativeMessagingHosts/vn.kyso.agent.json" ] ||
    { echo "FAIL: host manifest not written"; return 1; }
}
