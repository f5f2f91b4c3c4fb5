#!/usr/bin/env bash
# The difference analysis against incremental updates made after signing, on files generated
# by tests/attacks/make_diff_cases.py (documents, CMS signatures and timestamps all made there
# with openssl). Attacks must end TOTAL-FAILED naming the disallowed change; honest updates
# (DSS and document timestamps after a P=1 certification, also with the catalog in an object
# stream; metadata and version updates; comments; re-serialised objects; form filling beside a
# FieldMDP lock; a tagged document signed) must end TOTAL-PASSED with every change listed as
# allowed, and pdfsig must agree that their signatures are valid. A field tree with a /Kids
# loop and a page without /MediaBox must open in `pdf info`, `verify` and `sign`; signing a
# tagged document must tag kyso's own widget.
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W=$KYSO_BUILD/test-verify-diff
rm -rf "$W"; mkdir -p "$W/empty-trust"
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
for t in openssl qpdf pdfsig; do
  command -v $t >/dev/null || { echo "FAIL: $t is missing (bash scripts/deps.sh installs it)"; exit 1; }
done
D=$W/cases
$PY "$KYSO_SOURCE/tests/attacks/make_diff_cases.py" "$D" >/dev/null || { echo "FAIL: generator"; exit 1; }

# verify FILE -> exit code; JSON in $W/out.json
verify() {
  "$KYSO" verify "$1" --trust "$D/root.pem" --trust "$D/tsa.pem" --offline --json \
    >"$W/out.json" 2>"$W/err.txt"
}

# honest FILE MIN_CHANGES: exit 0, TOTAL-PASSED, no disallowed change, at least MIN_CHANGES
# listed after the first signature (0: exactly none), every CMS signature valid for pdfsig.
honest() {
  local f=$D/$1 min=$2
  qpdf --check "$f" >/dev/null 2>&1; [ $? -ne 2 ] && ok || bad "$1: qpdf finds it broken"
  verify "$f"; local rc=$?
  [ $rc -eq 0 ] && ok || bad "$1: exit $rc, expected 0 ($(head -c 300 "$W/err.txt"))"
  local msgs
  msgs=$($PY - "$W/out.json" "$min" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); want = int(sys.argv[2])
if d["indication"] != "TOTAL-PASSED":
    print("not TOTAL-PASSED:", d["indication"], [m for s in d["signatures"] for m in s["messages"]])
for s in d["signatures"]:
    for c in s["changes_after"]:
        if not c["allowed"]:
            print("disallowed:", c["object"], c["what"])
n = len(d["signatures"][0]["changes_after"])
if (want == 0 and n) or n < want:
    print("changes listed after the first signature:", n, "expected", want or "none")
PYEOF
)
  [ -z "$msgs" ] && ok || bad "$1: $msgs"
  local cms valid
  cms=$(grep -ac "/SubFilter /adbe.pkcs7.detached" "$f")
  valid=$(pdfsig "$f" 2>/dev/null | grep -c "Signature is Valid")
  [ "$valid" -ge "$cms" ] && ok || bad "$1: pdfsig finds $valid of $cms signatures valid"
}

# attack FILE OBJECT SUBSTRING: exit 1, TOTAL-FAILED, a disallowed change of OBJECT ("N 0")
# whose English description contains SUBSTRING.
attack() {
  local f=$D/$1 obj=$2 what=$3
  verify "$f"; local rc=$?
  [ $rc -eq 1 ] && ok || bad "$1: exit $rc, expected 1 ($(head -c 300 "$W/err.txt"))"
  local msgs
  msgs=$($PY - "$W/out.json" "$obj" "$what" <<'PYEOF'
import json, sys
d = json.load(open(sys.argv[1])); obj, what = sys.argv[2:4]
if d["indication"] != "TOTAL-FAILED":
    print("not TOTAL-FAILED but", d["indication"])
ch = [c for s in d["signatures"] for c in s["changes_after"] if not c["allowed"]]
if not any(what in c["what"] and c["object"] == obj for c in ch):
    print("no disallowed change of", obj, "with", repr(what), [(c["object"], c["what"]) for c in ch])
PYEOF
)
  [ -z "$msgs" ] && ok || bad "$1: $msgs"
}

# objN FILE REGEX: the number of the (last) object whose body matches REGEX
objn() { $PY -c 'import re,sys; print(re.findall(rb"(\d+) 0 obj\s*" + sys.argv[2].encode(), open(sys.argv[1],"rb").read())[-1].decode())' "$1" "$2"; }
honest ok-cert-p1-dss-docts.pdf 5
honest ok-cert-p1-dss-docts-objstm.pdf 5
honest ok-benign-catalog.pdf 3
honest ok-comments-approval.pdf 4
honest ok-comments-cert-p3.pdf 4
honest ok-rewritten-equal.pdf 0
honest ok-fieldmdp-fill-other.pdf 2
honest ok-tagged-sign.pdf 4

attack bad-xref-other-header.pdf "4 0" "where object 5 0 begins (a different object)"
attack bad-xref-into-signed.pdf "4 0" "inside the signed part of the file, where no object begins"
attack bad-xref-objstm-other.pdf "3 0" "points into object stream"
attack bad-clobber-sig-appearance.pdf "$(objn "$D/bad-clobber-sig-appearance.pdf" '<< /Type /XObject /Subtype /Form /BBox \[0 0 160 50\]') 0" \
  "the appearance of a signature field that was already signed, or of another field, was redrawn"
attack bad-clobber-field-appearance.pdf "9 0" "an appearance drawn for a form field at signing was changed for another field"
attack bad-removed-kid.pdf "8 0" 'the form field "person.name" was removed'
attack bad-removed-widget.pdf "12 0" 'the form field "title" was removed'
attack bad-removed-form.pdf "7 0" 'the form field "person" was removed'
attack bad-dangling-copy.pdf "30 0" "page 1"
attack bad-page-as-field.pdf "3 0" "the content of page 1 was replaced"
attack bad-cert-p1-visible-docts.pdf "$(objn "$D/bad-cert-p1-visible-docts.pdf" '<< /Type /XObject /Subtype /Form /BBox \[0 0 160 50\]') 0" \
  "the appearance of a new signature was added"
attack bad-fieldmdp-locked-fill.pdf "8 0" '"person.name" was changed although the signature locks it (FieldMDP)'
attack bad-sigfield-lock-fill.pdf "8 0" '"person.name" was changed although the signature locks it (FieldMDP)'
attack bad-tagged-retag.pdf "$(objn "$D/bad-tagged-retag.pdf" '<< /Type /StructElem /S /P /P 21 0 R /Pg 3 0 R /K 0 /ActualText') 0" \
  "the structure tree (tags) of content that existed at signing was changed"

# The Vietnamese verdict names the xref fault too.
verify "$D/bad-xref-other-header.pdf"
grep -q "đối tượng 5 0" "$W/out.json" && ok || bad "Vietnamese message lacks the object found at the offset"

# A /Kids loop and a missing /MediaBox: info, verify and sign work (a warning, not an error).
for f in open-field-loop open-no-mediabox; do
  "$KYSO" pdf info "$D/$f.pdf" >"$W/info.txt" 2>&1 && ok || bad "$f: pdf info fails: $(head -3 "$W/info.txt")"
  grep -qE "Kids|MediaBox" "$W/info.txt" && ok || bad "$f: pdf info gives no warning"
  "$KYSO" verify "$D/$f.pdf" --json >"$W/out.json" 2>"$W/err.txt"; rc=$?
  [ $rc -eq 2 ] && ! grep -qi "too large\|quá lớn" "$W/out.json" "$W/err.txt" && ok \
    || bad "$f: verify exit $rc ($(head -c 200 "$W/err.txt"))"
  PW=test "$KYSO" sign "$D/$f.pdf" -o "$W/$f-signed.pdf" --p12 "$D/signer.p12" --pin-env PW \
    --kind invisible >/dev/null 2>"$W/err.txt" && ok || bad "$f: sign fails: $(head -3 "$W/err.txt")"
  verify "$W/$f-signed.pdf" && ok || bad "$f: the signed file does not verify ($(head -c 200 "$W/err.txt"))"
done
grep -q "612" <("$KYSO" pdf info "$D/open-no-mediabox.pdf" 2>&1) && ok || bad "no /MediaBox: not US Letter"

# kyso signs a tagged document the way it accepts one: a /Form element with an /OBJR to its
# widget, the widget's /StructParent in the parent tree; a second signature leaves the first
# signature's later changes all allowed.
for name in open-tagged open-tagged-tree; do
T=$W/$name
PW=test "$KYSO" sign "$D/$name.pdf" -o "$T-1.pdf" --p12 "$D/signer.p12" --pin-env PW \
  --kind invisible >/dev/null 2>"$W/err.txt" && ok || bad "$name sign 1: $(head -3 "$W/err.txt")"
PW=test "$KYSO" sign "$T-1.pdf" -o "$T-2.pdf" --p12 "$D/signer.p12" --pin-env PW \
  --kind invisible >/dev/null 2>"$W/err.txt" && ok || bad "$name sign 2: $(head -3 "$W/err.txt")"
verify "$T-2.pdf" && ok || bad "$name signed by kyso: exit $? ($(head -c 300 "$W/out.json"))"
$PY - "$W/out.json" <<'PYEOF' && ok || bad "$name: the second kyso signature is not seen as extending the tags"
import json, sys
d = json.load(open(sys.argv[1]))
ch = d["signatures"][0]["changes_after"] + d["signatures"][1]["changes_after"]
sys.exit(0 if any("structure tree" in c["what"] and c["allowed"] for c in ch) else 1)
PYEOF
qpdf --qdf --object-streams=disable "$T-2.pdf" "$W/tagged-qdf.pdf" 2>/dev/null
[ "$(grep -ac "/S /Form" "$W/tagged-qdf.pdf")" -eq 2 ] && ok || bad "$name: not two /Form structure elements"
grep -aq "/StructParent 2" "$W/tagged-qdf.pdf" && ok || bad "$name: the second widget has no /StructParent"
pdfsig "$T-2.pdf" 2>/dev/null | grep -c "Signature is Valid" | grep -q 2 && ok || bad "$name: pdfsig"
done
qpdf --show-object=24 "$W/open-tagged-tree-2.pdf" 2>/dev/null | grep -q "/Limits \[ 0 2 \]" && ok \
  || bad "tagged tree: the leaf's /Limits did not grow"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
