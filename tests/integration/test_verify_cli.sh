#!/usr/bin/env bash
# `kyso verify` command line contract (docs/design.md): exit codes 0/1/2/3/4, the no-signature
# report, --at moving the validation time (a signature without timestamp whose certificate has
# expired by then is INDETERMINATE / OUT_OF_BOUNDS_NO_POE), --lang en, and that secrets or
# anything else never need argv.
set -uo pipefail
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
: "${KYSO:?}" "${KYSO_SHARED:?}" "${KYSO_BUILD:?}"
C=$KYSO_SHARED/corpus
W=$KYSO_BUILD/test-verify-cli
rm -rf "$W"; mkdir -p "$W/empty-trust"
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
ROOT=$C/certs/vn-corpus-public-root.pem
SIGNED=$C/generated/poppler-pdfsig-signed-qd.pdf
UNSIGNED=$C/generated/lo74-odt-qd-default.pdf

expect() { # WANT_EXIT DESCRIPTION CMD...
  local want=$1 what=$2; shift 2
  "$@" >"$W/out" 2>"$W/err"; local rc=$?
  [ $rc -eq "$want" ] && ok || bad "$what: exit $rc, expected $want: $(head -c 300 "$W/err")"
}

expect 3 "no file" "$KYSO" verify
expect 3 "two files" "$KYSO" verify "$SIGNED" "$UNSIGNED"
expect 3 "unknown option" "$KYSO" verify "$SIGNED" --bogus
expect 3 "bad --at" "$KYSO" verify "$SIGNED" --at yesterday
expect 3 "unreadable trust file" "$KYSO" verify "$SIGNED" --trust "$W/none.pem"
expect 0 "--help" "$KYSO" verify --help
expect 4 "missing file" "$KYSO" verify "$W/none.pdf"
echo "not a pdf" >"$W/x.pdf"
expect 4 "not a PDF" "$KYSO" verify "$W/x.pdf"
grep -q "không phải tệp PDF" "$W/err" && ok || bad "not a PDF: Vietnamese message"
head -c 3000 "$SIGNED" >"$W/trunc.pdf"
expect 4 "truncated PDF" "$KYSO" verify "$W/trunc.pdf"

expect 2 "unsigned" "$KYSO" verify "$UNSIGNED" --offline
grep -q "Tài liệu không chứa chữ ký nào" "$W/out" && ok || bad "unsigned: Vietnamese note"
expect 2 "unsigned --json" "$KYSO" verify "$UNSIGNED" --offline --json
$PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["signatures"]==[] and d["subindication"]=="SIGNED_DATA_NOT_FOUND"' "$W/out" \
  && ok || bad "unsigned JSON"

expect 0 "signed, trusted" "$KYSO" verify "$SIGNED" --trust "$ROOT" --offline
grep -q "Chữ ký hợp lệ" "$W/out" && ok || bad "signed: Vietnamese verdict"
expect 0 "signed, --lang en" "$KYSO" verify "$SIGNED" --trust "$ROOT" --offline --lang en
grep -q "All signatures are valid" "$W/out" && ok || bad "signed: English verdict"
expect 0 "trust via --trust-dir" "$KYSO" verify "$SIGNED" --trust-dir "$C/certs" --offline
expect 0 "trust via KYSO_TRUST_DIR" env KYSO_TRUST_DIR="$C/certs" "$KYSO" verify "$SIGNED" --offline
expect 2 "no anchor" "$KYSO" verify "$SIGNED" --offline
# JSON contract fields
expect 0 "json" "$KYSO" verify "$SIGNED" --trust "$ROOT" --offline --json
$PY - "$W/out" <<'PYEOF' && ok || bad "JSON contract fields"
import json, sys
d = json.load(open(sys.argv[1]))
for k in ("file", "indication", "subindication", "signatures"):
    assert k in d, k
s = d["signatures"][0]
for k in ("field", "type", "subfilter", "revision", "integrity", "coverage", "changes_after",
          "indication", "subindication", "signer", "signing_time", "time_source", "chain",
          "revocation", "level", "messages"):
    assert k in s, k
for k in ("name", "title", "organization", "serial", "issuer"):
    assert k in s["signer"], k
assert s["type"] == "signature" and s["subfilter"] == "adbe.pkcs7.detached"
assert s["coverage"] == "whole-file" and s["integrity"] is True and s["chain"] == "trusted"
assert s["signer"]["name"] == "Nguyễn Văn A"
assert s["time_source"] in ("timestamp", "claimed") and s["signing_time"].endswith("+07:00")
PYEOF
# --at: far in the future the signer's certificate has expired and nothing proves the signature
# existed before (no timestamp): INDETERMINATE / OUT_OF_BOUNDS_NO_POE.
NA=$(openssl x509 -in "$C/certs/vn-corpus-public-signer-nguyen-van-a.pem" -noout -enddate | cut -d= -f2)
LATER=$(date -u -d "$NA + 1 day" +%Y-%m-%dT%H:%M:%SZ)
expect 2 "--at after expiry" "$KYSO" verify "$SIGNED" --trust "$ROOT" --offline --json --at "$LATER"
[ "$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["subindication"])' "$W/out")" = OUT_OF_BOUNDS_NO_POE ] \
  && ok || bad "--at after expiry: sub-indication"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
