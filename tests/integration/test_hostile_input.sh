#!/usr/bin/env bash
# Hostile and broken input against the kyso CLI, from files this test writes itself (no corpus):
# terminal spoofing through untrusted strings, secrets with a NUL or a second line, damage that
# used to read as "unsigned", a /Parent loop that `sign` accepted, one JSON verdict for every
# broken input, and the per-document memory budget against decompression bombs. Each check
# asserts the verdict or the error, never the time (bench/bench_hostile.sh measures that).
set -uo pipefail
: "${KYSO:?}" "${KYSO_BUILD:?}" "${KYSO_SOURCE:?}"
W=$KYSO_BUILD/test-hostile-input
rm -rf "$W"; mkdir -p "$W/empty-trust"
cd "$W" || exit 1
export KYSO_TRUST_DIR=$W/empty-trust
pass=0; fail=0
ok() { pass=$((pass+1)); }
bad() { fail=$((fail+1)); echo "FAIL: $*"; }
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
GEN=$KYSO_SOURCE/tests/attacks/make_hostile.py
ESC=$(printf '\033')
has_esc() { grep -q "$ESC" "$1"; }

$PY "$GEN" plain plain.pdf && ok || bad "make plain.pdf"

# ---- a signer whose name is an ANSI sequence that would overwrite the verdict line ----
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout evil.key \
  -out evil.pem -days 30 -utf8 -subj "/CN=$(printf 'Evil\033[1A\033[2K\rTOTAL-PASSED')/O=X" \
  -addext "keyUsage=critical,digitalSignature,nonRepudiation" >/dev/null 2>&1 \
  && ok || bad "openssl: evil certificate"
"$KYSO" sign plain.pdf -o evil.pdf --key evil.key --cert evil.pem --kind invisible \
  --reason "$(printf 'ok\033]0;title\007')" >/dev/null 2>&1 && ok || bad "sign with the evil certificate"
for lang in vi en; do
  "$KYSO" verify evil.pdf --trust evil.pem --offline --lang $lang >out.txt 2>err.txt
  ! has_esc out.txt && ok || bad "verify text ($lang) prints a raw ESC"
  ! has_esc err.txt && ok || bad "verify stderr ($lang) prints a raw ESC"
  grep -qF 'Evil\x1b[1A\x1b[2K\rTOTAL-PASSED' out.txt && ok || bad "verify text ($lang): the name is not shown escaped"
done
# JSON keeps the name exactly (JSON escapes it itself)
"$KYSO" verify evil.pdf --trust evil.pem --offline --json >out.json 2>/dev/null
$PY -c 'import json,sys; d=json.load(open("out.json")); assert d["signatures"][0]["signer"]["name"]=="Evil\x1b[1A\x1b[2K\rTOTAL-PASSED"' \
  && ok || bad "verify --json: the signer's name is not kept exactly"

# pdf info: /Producer, a field name and a warning with control characters
$PY - <<'EOF'
data = open("plain.pdf", "rb").read()
data = data.replace(b"<< /Type /Catalog /Pages 2 0 R >>",
                    b"<< /Type /Catalog /Pages 2 0 R >>", 1)
# an incremental update adding /Info with an ANSI producer and a field with a newline in its name
off = len(data)
# text strings in UTF-8 with a BOM (PDF 2.0): PDFDocEncoding maps byte 0x1B to a diacritic and
# UTF-16 uses ESC for language codes; U+009B is the one-byte CSI of 8-bit terminals
def u8(s):
    return b"<EFBBBF" + s.encode("utf-8").hex().encode() + b">"
body = (b"6 0 obj\n<< /Producer " + u8("Evil\x1b[31m\nFake line") + b" >>\nendobj\n"
        b"7 0 obj\n<< /FT /Sig /T " + u8("Sig\u009b2Jx") + b" >>\nendobj\n"
        b"8 0 obj\n<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [7 0 R] >> >>\nendobj\n")
o6 = off; o7 = off + body.index(b"7 0 obj"); o8 = off + body.index(b"8 0 obj")
prev = int(data[data.rindex(b"startxref") + 9:].split()[0])
x = off + len(body)
xref = (b"xref\n0 1\n0000000000 65535 f \n1 1\n%010d 00000 n \n6 3\n%010d 00000 n \n%010d 00000 n \n"
        b"%010d 00000 n \ntrailer\n<< /Size 9 /Root 8 0 R /Info 6 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (o8, o6, o7, o8, prev, x))
open("evil-info.pdf", "wb").write(data + body + xref)
EOF
"$KYSO" pdf info evil-info.pdf >out.txt 2>err.txt; rc=$?
[ $rc -eq 0 ] && ok || bad "pdf info evil-info.pdf: exit $rc ($(head -c 200 err.txt))"
! has_esc out.txt && ok || bad "pdf info prints a raw ESC"
! grep -q '^Fake line' out.txt && ok || bad "pdf info: a newline in /Producer makes a line of its own"
grep -qF 'Evil\x1b[31m\nFake line' out.txt && ok || bad "pdf info: /Producer not shown escaped"
grep -qF 'Sig\u009b2Jx' out.txt && ok || bad "pdf info: a C1 control in a field name not shown escaped"

# what kyso issues or labels: control characters refused
"$KYSO" ca init ca >/dev/null 2>&1 && ok || bad "ca init"
"$KYSO" ca issue ca --profile personal --name "$(printf 'A\033[1mB')" --csr /dev/null -o x.pem \
  >/dev/null 2>err.txt; rc=$?
[ $rc -eq 3 ] && grep -q "control character" err.txt && ok || bad "ca issue accepts an ESC in --name (exit $rc)"
"$KYSO" ca issue ca --profile personal --name "Nguyễn Văn A" --title "$(printf 'Chu tich\nGiam doc')" \
  --csr /dev/null -o x.pem >/dev/null 2>err.txt; rc=$?
[ $rc -eq 3 ] && ok || bad "ca issue accepts a newline in --title (exit $rc)"
X=12345678 "$KYSO" token init --pkcs11 /nonexistent/module.so --token "$(printf 'tok\033[31m')" \
  --so-pin-env X --pin-env X >/dev/null 2>err.txt; rc=$?
[ $rc -eq 3 ] && grep -q "control character" err.txt && ok || bad "token init accepts an ESC in the label (exit $rc)"
# a CA database written by an older kyso may hold such a name: ca list shows it escaped
$PY - <<'EOF'
import sqlite3
db = sqlite3.connect("ca/ca.db")
db.execute("UPDATE certs SET name = 'Root\x1b[2J\nfake row' WHERE role = 'root'")
db.commit()
EOF
"$KYSO" ca list ca >out.txt 2>&1
! has_esc out.txt && ok || bad "ca list prints a raw ESC"
grep -qF 'Root\x1b[2J\nfake row' out.txt && ok || bad "ca list: the name is not shown escaped"

# ---- secrets: one rule for file and environment, never cut ----
printf '1234\0secret' >pin-nul; printf '1234\nsecond\n' >pin-lines
for src in "--pin-file pin-nul" "--pin-file pin-lines" "--pin-env PINLINES"; do
  PINLINES=$(printf '1234\nsecond') "$KYSO" sign plain.pdf -o never.pdf --p12 /nonexistent.p12 $src \
    >/dev/null 2>err.txt; rc=$?
  [ $rc -eq 3 ] && grep -q "PIN or password" err.txt && ok || bad "sign $src: exit $rc ($(head -c 200 err.txt))"
  [ ! -e never.pdf ] && ok || bad "sign $src wrote an output"
done

# ---- damage is damage: a cut last revision and bytes after the last %%EOF ----
"$KYSO" sign evil.pdf -o twice.pdf --key evil.key --cert evil.pem --kind invisible >/dev/null 2>&1 \
  && ok || bad "second signature"
$PY "$GEN" damage twice.pdf dmg >/dev/null && ok || bad "make damaged files"
for f in dmg/cut-inside-last.pdf dmg/trailing-junk.pdf; do
  "$KYSO" verify "$f" --trust evil.pem --offline --json --lang en >out.json 2>err.txt; rc=$?
  [ $rc -eq 4 ] && ok || bad "verify $f: exit $rc, expected 4"
  $PY -c 'import json; d=json.load(open("out.json")); assert d["subindication"]=="FORMAT_FAILURE", d; assert d["indication"] in ("TOTAL-FAILED","INDETERMINATE"); assert "byte offset" in d["messages"][0], d' \
    && ok || bad "verify $f: not FORMAT_FAILURE naming the offset: $(head -c 300 out.json)"
  "$KYSO" verify "$f" --trust evil.pem --offline >/dev/null 2>&1; rc=$?
  [ $rc -eq 4 ] && ok || bad "verify $f (text): exit $rc, expected 4"
done
"$KYSO" pdf info dmg/trailing-junk.pdf --lang en >out.txt 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "after the last %%EOF" out.txt && ok || bad "pdf info does not list the skipped tail (exit $rc)"
"$KYSO" sign dmg/trailing-junk.pdf -o junk-signed.pdf --key evil.key --cert evil.pem \
  --kind invisible >/dev/null 2>err.txt; rc=$?
[ $rc -eq 4 ] && [ ! -e junk-signed.pdf ] && ok || bad "sign signs over bytes after the last %%EOF (exit $rc)"
"$KYSO" pdf info dmg/trailing-junk.pdf --json >out.json 2>&1
grep -q "after the last %%EOF" out.json && ok || bad "pdf info --json does not list the skipped tail"

# ---- sign uses the reader's strict checks: a /Parent loop is refused (repair only if asked) ----
$PY "$GEN" parent-loop loop.pdf && ok || bad "make loop.pdf"
"$KYSO" pdf info loop.pdf >/dev/null 2>&1; rc=$?
[ $rc -eq 4 ] && ok || bad "pdf info loop.pdf: exit $rc, expected 4"
"$KYSO" sign loop.pdf -o loop-signed.pdf --key evil.key --cert evil.pem --kind invisible \
  >/dev/null 2>err.txt; rc=$?
[ $rc -eq 4 ] && grep -q "/Parent" err.txt && ok || bad "sign accepts a /Parent loop (exit $rc)"
[ ! -e loop-signed.pdf ] && ok || bad "sign wrote an output for a /Parent loop"

# ---- exactly one JSON verdict for every input ----
$PY "$GEN" broken broken >/dev/null && ok || bad "make broken inputs"
mkdir -p broken/a-directory.pdf
for f in broken/* broken/nonexistent.pdf; do
  "$KYSO" verify "$f" --json >out.json 2>err.txt; rc=$?
  [ $rc -eq 4 ] && ok || bad "verify --json $f: exit $rc, expected 4"
  $PY - "$f" <<'EOF' && ok || bad "verify --json $f: $(head -c 300 out.json)"
import json, sys
text = open("out.json").read()
d, end = json.JSONDecoder().raw_decode(text)
assert text[end:].strip() == "", "more than one JSON value"
assert d["indication"] in ("TOTAL-FAILED", "INDETERMINATE"), d
assert d["subindication"] == "FORMAT_FAILURE", d
assert d["file"] == sys.argv[1] and d["signatures"] == [] and d["messages"], d
EOF
done
# where the damage has a place, the message names it
for f in broken/startxref-past-end.pdf broken/xref-garbage.pdf broken/prev-loop.pdf; do
  "$KYSO" verify "$f" --json --lang en >out.json 2>/dev/null
  grep -q "offset [0-9]" out.json && ok || bad "verify --json $f: no byte offset: $(head -c 300 out.json)"
done

# ---- one memory budget per document: bombs stop at it, with the budget named ----
$PY "$GEN" bomb-content bomb-content.pdf && $PY "$GEN" bomb-objstm bomb-objstm.pdf && ok || bad "make bombs"
for c in "pdf text bomb-content.pdf" "pdf info bomb-objstm.pdf" "verify bomb-objstm.pdf --json"; do
  $KYSO $c --lang en >out.txt 2>err.txt; rc=$?
  [ $rc -eq 4 ] && grep -q "memory budget of 256 MB" err.txt && ok || bad "$c: exit $rc ($(head -c 300 err.txt))"
done
KYSO_MAX_MEMORY_MB=32 "$KYSO" pdf text bomb-content.pdf --lang en >/dev/null 2>err.txt; rc=$?
[ $rc -eq 4 ] && grep -q "memory budget of 32 MB" err.txt && ok || bad "KYSO_MAX_MEMORY_MB=32: $(head -c 300 err.txt)"
# a bomb in a later revision of a signed document: the verdict names the budget, not "valid"
$PY - <<'EOF'
import sys
sys.path.insert(0, __import__("os").environ["KYSO_SOURCE"] + "/tests/attacks")
import make_hostile
data = open("evil.pdf", "rb").read()
prev = int(data[data.rindex(b"startxref") + 9:].split()[0])
z = make_hostile.bomb_bytes(600 << 20)
off = len(data)
body = b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(z) + z + b"\nendstream\nendobj\n"
size = int(__import__("re").findall(rb"/Size (\d+)", data)[-1])
xref = (b"xref\n4 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (off, size, prev, off + len(body)))
open("evil-bomb.pdf", "wb").write(data + body + xref)
EOF
"$KYSO" verify evil-bomb.pdf --trust evil.pem --offline --json --lang en >out.json 2>err.txt; rc=$?
[ $rc -ne 0 ] && ok || bad "verify of a signed document with a bomb update passes"
$PY -c 'import json; d=json.load(open("out.json")); assert d["indication"] != "TOTAL-PASSED"' \
  && ok || bad "verify evil-bomb.pdf: $(head -c 300 out.json)"

# a DSS listing the signer's certificate 2,000 times and 2,000 look-alikes (same subject, other
# keys): the verdict stays what it was (bench/bench_hostile.sh measures the time: 2.6 s -> 0.1 s)
mkdir -p lk && openssl x509 -in evil.pem -outform DER -out lk/cert.der 2>/dev/null
for i in 1 2 3 4; do
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null -utf8 \
    -subj "/CN=$(printf 'Evil\033[1A\033[2K\rTOTAL-PASSED')/O=X" -days 30 -outform DER \
    -out lk/lookalike-$i.der 2>/dev/null
done
$PY "$GEN" dss-flood evil.pdf lk/cert.der 2000 dss-flood.pdf && ok || bad "make dss-flood.pdf"
"$KYSO" verify dss-flood.pdf --trust evil.pem --offline --json >out.json 2>/dev/null; rc=$?
[ $rc -eq 0 ] && $PY -c 'import json; d=json.load(open("out.json")); s=d["signatures"][0]; assert s["indication"]=="TOTAL-PASSED" and s["chain"]=="trusted", s' \
  && ok || bad "verify dss-flood.pdf: exit $rc $(head -c 300 out.json)"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
