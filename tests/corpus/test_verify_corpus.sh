#!/usr/bin/env bash
# kyso verify over every PDF of ../shared/corpus (MANIFEST.tsv). Signed files: the number of
# signatures matches the manifest, each CMS signature's integrity matches what `openssl cms
# -verify` says about the same ByteRange bytes (checked live, an independent oracle), files whose
# expected_outcome says "integrity VALID" are never TOTAL-FAILED, and files chaining to an anchor
# of certs/ report the chain as trusted. Unsigned files: exit 2 with "no signature" (or exit 4
# for files the strict parser refuses), never a crash. Anchors: certs/*.pem and
# certs/embedded-roots/*.pem (a test convenience, see the corpus README).
set -uo pipefail
[ -d "${KYSO_SHARED:-}/corpus" ] || { echo "SKIP: needs ../shared/corpus (KYSO_SHARED=${KYSO_SHARED:-unset})"; exit 77; }
: "${KYSO:?}" "${KYSO_SHARED:?}" "${KYSO_BUILD:?}"
W=$KYSO_BUILD/test-verify-corpus
rm -rf "$W"; mkdir -p "$W/empty-trust"
export KYSO_TRUST_DIR=$W/empty-trust
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
cd "$KYSO_SHARED/corpus" || exit 1
exec "$PY" - "$KYSO" "$W" <<'EOF'
import csv, glob, json, os, re, subprocess, sys

kyso, work = sys.argv[1], sys.argv[2]
passed = failed = 0
# Files the strict parser refuses although the manifest expects them to verify. Each is a
# known limitation of the PDF layer, reported (not hidden): the check is that kyso refuses
# cleanly (exit 4, message naming the byte offset) instead of guessing.
# (gh-dss-pades-5-sigs-1-doctst.pdf was one until strict mode learnt its unambiguous xref
# recoveries; it now opens with warnings and is checked like every other file.)
KNOWN_REFUSED = {}

def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)

trust = []
for p in sorted(glob.glob("certs/*.pem") + glob.glob("certs/embedded-roots/*.pem")):
    trust += ["--trust", p]

def der_len(der):
    """Length of the outer DER element (the hex string is zero-padded after it)."""
    if len(der) < 2 or der[1] < 0x80:
        return len(der) if len(der) < 2 else 2 + der[1]
    n = der[1] & 0x7F
    if n == 0:
        return len(der)  # BER indefinite length: keep everything
    return 2 + n + int.from_bytes(der[2:2 + n], "big")

def openssl_integrity(path):
    """Per /ByteRange signature (file order): True/False from openssl cms -verify over the
    ranges, None for document timestamps (checked by imprint, not here)."""
    data = open(path, "rb").read()
    out = []
    for i, m in enumerate(re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)):
        a, b, c, d = map(int, m.groups())
        hexs = re.sub(rb"\s", b"", data[a + b + 1:c - 1])
        try:
            der = bytes.fromhex(hexs.decode())
        except ValueError:
            out.append(False)
            continue
        der = der[:der_len(der)]
        # a document timestamp encapsulates TSTInfo (id-ct-TSTInfo near the start)
        if bytes.fromhex("060B2A864886F70D0109100104") in der[:80]:
            out.append(None)
            continue
        sig, content = os.path.join(work, "sig%d.der" % i), os.path.join(work, "content%d" % i)
        open(sig, "wb").write(der)
        open(content, "wb").write(data[a:a + b] + data[c:c + d])
        r = subprocess.run(["openssl", "cms", "-verify", "-binary", "-noverify", "-purpose", "any",
                            "-inform", "DER", "-in", sig, "-content", content, "-out", os.devnull],
                           capture_output=True)
        if r.returncode != 0:  # BER / PKCS#7 oddities: try the pkcs7 path of smime
            r = subprocess.run(["openssl", "smime", "-verify", "-binary", "-noverify", "-inform",
                                "DER", "-in", sig, "-content", content, "-out", os.devnull],
                               capture_output=True)
        out.append(r.returncode == 0)
    return out

rows = list(csv.DictReader(open("MANIFEST.tsv", encoding="utf-8"), delimiter="\t"))
for row in rows:
    f = row["file"]
    nsig = int(re.match(r"\d+", row["signatures"]).group(0)) if row["signatures"][:1].isdigit() else 0
    try:
        r = subprocess.run([kyso, "verify", f, "--offline", "--json"] + trust,
                           capture_output=True, timeout=120)
    except subprocess.TimeoutExpired:
        check(False, "%s: kyso verify timed out" % f)
        continue
    rc = r.returncode
    check(0 <= rc <= 4, "%s: exit %d (crash?) %s" % (f, rc, r.stderr[:300]))
    if f in KNOWN_REFUSED:
        check(rc == 4 and b"byte offset" in r.stderr,
              "%s: expected a clean refusal (%s), got exit %d" % (f, KNOWN_REFUSED[f], rc))
        print("KNOWN: %s refused by the strict parser: %s" % (f, KNOWN_REFUSED[f]))
        continue
    if rc == 4:
        check(nsig == 0 and row["qpdf_check"] != "ok" or "needs-password" in row["qpdf_check"]
              or row["encrypted"] != "no" or row["xref"] == "none-found",
              "%s: refused (exit 4) although qpdf finds it ok: %s" % (f, r.stderr[:300]))
        continue
    try:
        d = json.loads(r.stdout)
    except ValueError:
        check(False, "%s: output is not JSON" % f)
        continue
    sigs = d["signatures"]
    if nsig == 0:
        check(rc == 2 and d["indication"] == "INDETERMINATE" and not sigs
              and d["subindication"] == "SIGNED_DATA_NOT_FOUND",
              "%s: unsigned file: exit %d %s" % (f, rc, d["indication"]))
        continue
    check(len(sigs) == nsig, "%s: %d signatures reported, manifest says %d" % (f, len(sigs), nsig))
    oracle = openssl_integrity(f)
    for i, (s, o) in enumerate(zip(sigs, oracle)):
        if o is None:
            check(s["type"] == "document-timestamp", "%s #%d: not seen as a document timestamp" % (f, i + 1))
            continue
        check(s["integrity"] == o, "%s #%d: integrity %s but openssl says %s" % (f, i + 1, s["integrity"], o))
    exp = row["expected_outcome"]
    if "only allowed changes" in exp:
        check(all(c["allowed"] for s in sigs for c in s["changes_after"])
              and not any("Không phân tích được các thay đổi" in m for s in sigs for m in s["messages"]),
              "%s: changes after signing not all analysed and allowed: %s" % (f, [m for s in sigs for m in s["messages"] if "thay đổi" in m][:3]))
    if "integrity VALID" in exp:
        check(all(s["integrity"] for s in sigs), "%s: a signature lost integrity" % f)
        policy = any(s.get("digest") == "SHA-1" for s in sigs)
        check(d["indication"] != "TOTAL-FAILED" or policy,
              "%s: TOTAL-FAILED although expected valid: %s" % (f, [m for s in sigs for m in s["messages"]][:4]))
    anchor = row["trust_anchor"].split(" ")[0]
    if anchor.startswith("certs/") and "chain VALID" in exp:
        check(all(s["chain"] == "trusted" for s in sigs if s["type"] == "signature"),
              "%s: chain not trusted with anchor %s" % (f, anchor))
    if f == "generated/poppler-pdfsig-signed-qd.pdf":
        check(rc == 0 and d["indication"] == "TOTAL-PASSED", "%s: not TOTAL-PASSED (exit %d)" % (f, rc))
    if row["trust_anchor"].startswith("none"):
        check(d["indication"] == "INDETERMINATE" and any(s["subindication"] == "NO_CERTIFICATE_CHAIN_FOUND" for s in sigs),
              "%s: without an anchor expected INDETERMINATE/NO_CERTIFICATE_CHAIN_FOUND, got %s/%s" % (f, d["indication"], d["subindication"]))
    if "ATTACK" in exp:
        check(d["indication"] != "TOTAL-PASSED", "%s: attack sample TOTAL-PASSED" % f)

print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
EOF
