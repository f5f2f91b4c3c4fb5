#!/usr/bin/env bash
# kyso verify against attacks on PDF signatures. A corpus document is prepared the way an
# attacker who authors it would (tests/attacks/make_attacks.py prep: hidden objects, a cover),
# signed with `kyso sign`, then attacked with byte-level incremental appends. Every attack must
# end TOTAL-FAILED (exit 1) with the precise Vietnamese reason; the untouched signed file and a
# legitimately counter-signed one must stay TOTAL-PASSED (no false alarms). qpdf checks that
# each attack file is a well-formed PDF (so the verdict is about the signature, not parsing).
set -uo pipefail
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
: "${KYSO:?}" "${KYSO_SHARED:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
C=$KYSO_SHARED/corpus
W=$KYSO_BUILD/test-verify-attacks
rm -rf "$W"; mkdir -p "$W/att" "$W/empty-trust"
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
# The system interpreter: a version-manager shim can take seconds per start.
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
GEN=$KYSO_SOURCE/tests/attacks/make_attacks.py
P12=$C/certs/vn-corpus-public-signer-nguyen-van-a.p12
ROOT=$C/certs/vn-corpus-public-root.pem

# jq-free JSON probe: prints the value of a Python expression over the parsed report `d`.
jq_py() { $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$@"; }

$PY "$GEN" prep "$C/generated/lo74-odt-qd-default.pdf" "$W/prep.pdf" && ok || bad "prep"
qpdf --check "$W/prep.pdf" >/dev/null 2>&1 && ok || bad "prepared file is not a valid PDF"
if ! PW=test "$KYSO" sign "$W/prep.pdf" -o "$W/signed.pdf" --p12 "$P12" --pin-env PW \
    --kind invisible >/dev/null 2>"$W/sign.err"; then
  bad "kyso sign failed: $(head -3 "$W/sign.err")"
  echo "$pass passed, $fail failed"; exit 1
fi
ok
$PY "$GEN" attack "$W/signed.pdf" "$W/att" >/dev/null && ok || bad "attack generation"

# verify FILE EXPECTED_EXIT -> leaves JSON in $W/out.json
verify() {
  local f=$1 want=$2; shift 2
  "$KYSO" verify "$f" --trust "$ROOT" --offline --json "$@" >"$W/out.json" 2>"$W/err.txt"
  local rc=$?
  [ "$rc" -eq "$want" ] && ok || bad "$(basename "$f"): exit $rc, expected $want ($(head -c 300 "$W/err.txt"))"
}

# Baseline: the signed file passes; pdfsig agrees that the signature verifies.
verify "$W/signed.pdf" 0
[ "$(jq_py "$W/out.json" 'd["signatures"][0]["coverage"]')" = whole-file ] && ok || bad "baseline coverage"
pdfsig "$W/signed.pdf" 2>/dev/null | grep -q "Signature is Valid" && ok || bad "pdfsig does not accept the baseline"

# A legitimate second signature: the first signature's later changes are all allowed.
PW=test "$KYSO" sign "$W/signed.pdf" -o "$W/twice.pdf" --p12 "$P12" --pin-env PW --kind invisible \
  >/dev/null 2>&1 && ok || bad "second kyso sign failed"
verify "$W/twice.pdf" 0
[ "$(jq_py "$W/out.json" 'sum(1 for s in d["signatures"] for c in s["changes_after"] if not c["allowed"])')" = 0 ] \
  && ok || bad "allowed counter-signature reported as a disallowed change"
[ "$(jq_py "$W/out.json" 'sorted(s["coverage"] for s in d["signatures"])')" = "['earlier-revision', 'whole-file']" ] \
  && ok || bad "counter-signed coverage"

# attack NAME EXPECTED_SUBINDICATION VIETNAMESE_SUBSTRING [disallowed-change substring (English)]
# (one python run checks the whole report and prints one line per failed expectation)
attack() {
  local name=$1 sub=$2 vi=$3 what=${4:-}
  local f=$W/att/$name.pdf
  qpdf --check "$f" >/dev/null 2>&1; [ $? -ne 2 ] && ok || bad "$name: qpdf finds the attack file broken"
  verify "$f" 1
  local msgs
  msgs=$($PY - "$W/out.json" "$sub" "$vi" "$what" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1]))
sub, vi, what = sys.argv[2:5]
sigs = d["signatures"]
if d["indication"] != "TOTAL-FAILED":
    print("not TOTAL-FAILED but", d["indication"])
if not any(s["subindication"] == sub for s in sigs):
    print("no signature with sub-indication", sub, [s["subindication"] for s in sigs])
if not any(vi in m for s in sigs for m in s["messages"]):
    print("no message containing", repr(vi), [m for s in sigs for m in s["messages"]])
if what and not any(what in c["what"] and not c["allowed"] for s in sigs for c in s["changes_after"]):
    print("no disallowed change", repr(what))
PYEOF
)
  [ -z "$msgs" ] && ok || bad "$name: $msgs"
}

attack isa-content FORMAT_FAILURE "nội dung trang 1 bị thay thế" "the content of page 1 was replaced"
attack append-page FORMAT_FAILURE "cây trang bị thay đổi" "page 2 was added"
attack shadow-hide FORMAT_FAILURE "nội dung trang 1 bị thay thế" "the content of page 1 was replaced"
attack shadow-replace FORMAT_FAILURE "Tài liệu đã bị sửa đổi sau khi ký" "hidden in the file at signing is now shown on page 1"
attack shadow-hide-replace FORMAT_FAILURE "danh mục tài liệu khác" "different document catalog"
attack sneaky-sig FORMAT_FAILURE "che phần lớn trang 1" "covers a large part of page 1"
attack catalog-action FORMAT_FAILURE "mục /OpenAction của danh mục tài liệu" "catalog entry /OpenAction"
attack tamper-byte HASH_FAILURE "giá trị băm của phần được ký không khớp"
attack wrap FORMAT_FAILURE "tấn công bọc chữ ký"

# The object numbers of a replaced content stream are named (JSON "object": "N 0").
verify "$W/att/isa-content.pdf" 1
obj=$(qpdf --show-pages "$W/signed.pdf" | awk '/^    [0-9]+ 0 R/{print $1; exit}')
[ "$(jq_py "$W/out.json" '[c["object"] for c in d["signatures"][0]["changes_after"] if not c["allowed"]]')" = "['$obj 0']" ] \
  && ok || bad "isa-content: disallowed change not named as object $obj 0"

# English text output names the change too (--lang en is consumed by main).
"$KYSO" verify "$W/att/isa-content.pdf" --trust "$ROOT" --offline --lang en >"$W/en.txt" 2>&1
grep -q "the content of page 1 was replaced" "$W/en.txt" && ok || bad "English text lacks the change"

# Unknown root: INDETERMINATE / NO_CERTIFICATE_CHAIN_FOUND, exit 2, Vietnamese reason.
"$KYSO" verify "$W/signed.pdf" --offline --json >"$W/out.json" 2>/dev/null
[ $? -eq 2 ] && ok || bad "unknown root: exit code"
[ "$(jq_py "$W/out.json" 'd["subindication"]')" = NO_CERTIFICATE_CHAIN_FOUND ] && ok || bad "unknown root: sub-indication"
[ "$(jq_py "$W/out.json" 'any("Không tìm thấy chuỗi chứng thực đến chứng thư gốc tin cậy" in m for m in d["signatures"][0]["messages"])')" = True ] \
  && ok || bad "unknown root: Vietnamese reason"

# HTML report: self-contained, Vietnamese.
"$KYSO" verify "$W/att/isa-content.pdf" --trust "$ROOT" --offline --html "$W/r.html" >/dev/null 2>&1
[ $? -eq 1 ] && ok || bad "html run exit code"
grep -q '<html lang="vi">' "$W/r.html" && grep -q "nội dung trang 1 bị thay thế" "$W/r.html" && \
  ! grep -qiE '<script|src="http|href="http' "$W/r.html" && ok || bad "html report"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
