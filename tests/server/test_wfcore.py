"""The outgoing workflow completed (issue 13, branch wfcore) on a real kysod, SQLite or
PostgreSQL: a draft whose number and date are blank goes through the workflow; the signer's
personal signature adds the number and date fields and leaves only them open; at issue the clerk's
step writes "Số: 01/QĐ-UBND" and today's "Hải Phòng, ngày … tháng … năm …" into them and the seal,
at the level the agency chose (B-LTA, then B-LT, with the local CA's TSA and OCSP from
`kyso ca serve`), locks every field. The issued PDF: pdfsig says every signature is valid,
`kyso verify` is TOTAL-PASSED with the fill listed as allowed and the seal's level as chosen,
mutool renders the number and date; a later change of the number is refused by kyso verify."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import ADMIN_PW, BUILD, Client, Kysod, PgCluster, free_port, tiny_pdf  # noqa: E402

V = "/api/v1"
KYSO = os.path.join(BUILD, "kyso")
SRC = os.environ.get("KYSO_SOURCE") or os.path.join(os.path.dirname(__file__), "../..")
fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def p11_module():
    for m in ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
              "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"]:
        if os.path.exists(m):
            return m
    raise SystemExit("FAIL: SoftHSM2 missing (scripts/deps.sh installs softhsm2)")


def need(*tools):
    for t in tools:
        if not shutil.which(t):
            raise SystemExit(f"FAIL: {t} missing (bash scripts/deps.sh installs it)")


def draft_pdf(w):
    """The Decree 30 decision of the docfmt tests with its number and date left blank."""
    t = open(os.path.join(SRC, "tests/data/docfmt/qd.fodt"), encoding="utf-8").read()
    for a, b in [("Số: 15/QĐ-UBND", 'Số: <text:s text:c="6"/>/QĐ-UBND'),
                 ("Hải Phòng, ngày 05 tháng 3 năm 2026",
                  'Hải Phòng, ngày <text:s text:c="5"/>tháng <text:s text:c="5"/>năm 2026')]:
        assert a in t, a
        t = t.replace(a, b)
    os.makedirs(w + "/src", exist_ok=True)
    open(w + "/src/draft.fodt", "w", encoding="utf-8").write(t)
    run(["timeout", "600", "soffice", "--headless", f"-env:UserInstallation=file://{w}/lo",
         "--convert-to", "pdf", "--outdir", w + "/pdf", w + "/src/draft.fodt"])
    return open(w + "/pdf/draft.pdf", "rb").read()


def make_pki(w, env, mod):
    """`kyso ca` on loopback (root, issuing CA, OCSP, CRL, TSA); the vice-chair's personal key and
    the city committee's seal key, each imported into its own SoftHSM2 token."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run([KYSO, "ca", "init", w + "/ca", "--base-url", base, "--key-type", "ec:P-256"])
    srv = subprocess.Popen([KYSO, "ca", "serve", w + "/ca", "--listen", f"127.0.0.1:{port}"],
                           stdout=subprocess.DEVNULL, stderr=open(w + "/ca-serve.log", "w"))
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/crl", timeout=2).read()
            break
        except OSError:
            time.sleep(0.1)
    os.makedirs(w + "/pins", mode=0o700, exist_ok=True)
    open(w + "/so", "w").write("so-12345678\n")
    open(w + "/p12pass", "w").write("p12pass\n")
    penv = dict(env, P12PW="p12pass")
    pems = {}
    for label, prof, name in [("vicechair", "personal", "Nguyễn Văn A"),
                              ("seal", "organization", "Ủy ban nhân dân thành phố Hải Phòng")]:
        run([KYSO, "ca", "issue", w + "/ca", "--profile", prof, "--name", name, "--org",
             "Ủy ban nhân dân thành phố Hải Phòng", "--locality", "Hải Phòng", "--out-p12",
             f"{w}/{label}.p12", "--pin-env", "P12PW", "-o", f"{w}/{label}.pem"], env=penv)
        open(f"{w}/{label}.pin", "w").write("pin-" + label + "\n")
        open(f"{w}/pins/{label}", "w").write("pin-" + label + "\n")
        run([KYSO, "token", "init", "--pkcs11", mod, "--token", label, "--so-pin-file", w + "/so",
             "--pin-file", f"{w}/{label}.pin"], env=env)
        run([KYSO, "token", "import", "--pkcs11", mod, "--token", label, "--key-label", "k",
             "--p12", f"{w}/{label}.p12", "--p12-pass-file", w + "/p12pass", "--pin-file",
             f"{w}/{label}.pin"], env=env)
        pems[label] = open(f"{w}/{label}.pem").read()
    return srv, base, pems


def png(path, w, h, rgba):
    import struct
    import zlib
    rows = b""
    for y in range(h):
        rows += b"\0"
        for x in range(w):
            dx, dy = x - w / 2, y - h / 2
            on = (w * 0.35) ** 2 < dx * dx + dy * dy < (w * 0.48) ** 2 if w == h else abs(dy - dx * 0.2) < 3
            rows += bytes(rgba) if on else b"\0\0\0\0"

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def login(k, who):
    c = Client(k.port)
    st, j = c.sign_in(who, ADMIN_PW if who == "admin" else "pw-" + who + "-0123")
    assert st == 200, (who, st, j)
    return c


def setup(k, pems):
    adm = login(k, "admin")
    city = k.root
    users = {}
    st, j, _ = adm.req("POST", V + "/agencies", {"name": "Ủy ban nhân dân phường Hồng Bàng", "kind": "ward",
                                                 "code": "G02.01.01", "parent_id": city})
    assert st == 201, j
    ward = j["id"]
    st, j, _ = adm.req("POST", V + "/users", {"login": "wardclerk", "full_name": "Văn thư phường",
                                              "title": "Văn thư", "agency_id": ward,
                                              "password": "pw-wardclerk-0123"})
    assert st == 201, j
    users["wardclerk"] = j["id"]
    st, j, _ = adm.req("POST", V + "/role-assignments", {"user_id": j["id"], "agency_id": ward, "role": "clerk"})
    assert st == 201, j
    for login_, roles, title in [("drafter", ["drafter"], "Chuyên viên"),
                                 ("head", ["unit_head"], "Chánh Văn phòng"),
                                 ("checker", ["format_checker"], "Chuyên viên"),
                                 ("vicechair", ["signer"], "Phó Chủ tịch"),
                                 ("clerk", ["clerk"], "Văn thư")]:
        st, j, _ = adm.req("POST", V + "/users", {
            "login": login_, "full_name": "Nguyễn Văn A" if login_ == "vicechair" else "Người " + login_,
            "title": title, "agency_id": city, "password": "pw-" + login_ + "-0123"})
        assert st == 201, j
        users[login_] = j["id"]
        for r in roles:
            st, j, _ = adm.req("POST", V + "/role-assignments",
                               {"user_id": users[login_], "agency_id": city, "role": r})
            assert st == 201, j
    for label, owner in [("vicechair", "person"), ("seal", "agency")]:
        st, t, _ = adm.req("POST", V + "/tokens", {"serial": "SH-" + label, "label": label, "agency_id": city,
                                                   "holder_user_id": users["vicechair" if owner == "person" else "clerk"]})
        assert st == 201, t
        body = {"owner_kind": owner, "agency_id": city, "token_id": t["id"], "pem": pems[label]}
        if owner == "person":
            body["user_id"] = users["vicechair"]
        else:
            body["assigned_user_id"] = users["clerk"]
        st, c, _ = adm.req("POST", V + "/certificates", body)
        assert st == 201, c
    return adm, users


def upload(c, pdf, summary):
    q = {"doc_type": "Quyết định", "summary": summary, "series": "QĐ"}
    return c.req("POST", V + "/documents?" + urlencode(q), raw=pdf, ctype="application/pdf")


def to_signed(s, pdf, summary):
    st, d, _ = upload(s["drafter"], pdf, summary)
    check(st == 201, f"upload: {st} {d}")
    i = d["id"]
    s["drafter"].req("POST", V + f"/documents/{i}/submit", {})
    s["head"].req("POST", V + f"/documents/{i}/review", {"decision": "approve"})
    s["checker"].req("POST", V + f"/documents/{i}/format-check", {"decision": "approve"})
    st, d, _ = s["vicechair"].req("POST", V + f"/documents/{i}/sign", {"title": "CHỦ TỊCH"})
    check(st == 200 and d["state"] == "signed", f"signed: {st} {d}")
    return i


def tamper(src, dst, field, value):
    """An incremental update (classic xref) that sets the field's /V."""
    d = open(src, "rb").read()
    nb = rb"(?:(?!endobj).)*?"
    objs = list(re.finditer(rb"(\d+) 0 obj\s*(<<" + nb + rb"/T \(" + field.encode() + rb"\)" + nb +
                            rb">>)\s*endobj", d, re.S))
    num, body = objs[-1].group(1), objs[-1].group(2)
    body = re.sub(rb"/V (<[0-9A-Fa-f]*>|\([^)]*\))", b"/V (" + value.encode() + b")", body, count=1)
    prev = re.findall(rb"startxref\s+(\d+)", d)[-1]
    tr = re.findall(rb"trailer\s*(<<.*?>>)\s*startxref", d, re.S)
    if not tr:
        return False  # the last section is an xref stream: not this helper's case
    tr = tr[-1]
    size = re.search(rb"/Size (\d+)", tr).group(1)
    root = re.search(rb"/Root (\d+ \d+ R)", tr).group(1)
    ids = re.search(rb"/ID\s*\[[^\]]*\]", tr)
    if not d.endswith(b"\n"):
        d += b"\n"
    off = len(d)
    obj = num + b" 0 obj\n" + body + b"\nendobj\n"
    x = len(d) + len(obj)
    d += obj + b"xref\n0 1\n0000000000 65535 f \n" + num + b" 1\n" + b"%010d 00000 n \n" % off
    d += (b"trailer\n<< /Size " + size + b" /Root " + root + b" /Prev " + prev +
          (b" " + ids.group(0) if ids else b"") + b" >>\nstartxref\n" + str(x).encode() + b"\n%%EOF\n")
    open(dst, "wb").write(d)
    return True


def vn_date_line(t):
    tm = time.gmtime(t + 7 * 3600)
    return "Hải Phòng, ngày %02d tháng %s%d năm %d" % (tm.tm_mday, "0" if tm.tm_mon < 3 else "",
                                                       tm.tm_mon, tm.tm_year)


def verify_json(w, path):
    v = subprocess.run([KYSO, "verify", "--json", "--lang", "en", "--trust", w + "/ca/root.pem", path],
                       capture_output=True, text=True)
    try:
        return v.returncode, json.loads(v.stdout)
    except ValueError:
        return v.returncode, {"raw": v.stdout[:500] + v.stderr[:500]}


def issued_checks(w, s, i, level, number):
    st, pdf, _ = s["clerk"].req("GET", V + f"/documents/{i}/pdf")
    path = f"{w}/issued-{i}.pdf"
    open(path, "wb").write(pdf)
    out = subprocess.run(["pdfsig", path], capture_output=True, text=True).stdout
    check(out.count("Signature is Valid") >= 2 and "Invalid" not in out,
          f"{level}: pdfsig says every signature is valid:\n{out}")
    rc, vj = verify_json(w, path)
    sigs = [x for x in vj.get("signatures", []) if x.get("type") == "signature"] or vj.get("signatures", [])
    check(rc == 0 and vj.get("indication") == "TOTAL-PASSED",
          f"{level}: kyso verify TOTAL-PASSED: rc {rc} {json.dumps(vj)[:1500]}")
    changes = json.dumps(sigs[0].get("changes_after", [])) if sigs else ""
    check("kyso_so" in changes and "kyso_ngay" in changes and '"allowed": false' not in changes,
          f"{level}: the fill is listed as an allowed change after the personal signature: {changes[:800]}")
    seal = sigs[1] if len(sigs) > 1 else {}
    check(seal.get("level") == level, f"the seal is at {level}: {seal.get('level')}")
    txt = subprocess.run(["mutool", "draw", "-F", "txt", path, "1"], capture_output=True, text=True).stdout
    check(f"Số: {number}" in txt, f"{level}: mutool renders the number {number}")
    check(vn_date_line(time.time()) in txt, f"{level}: mutool renders the date {vn_date_line(time.time())}")
    bad = f"{w}/tampered-{i}.pdf"
    if level == "B-LT" and tamper(path, bad, "kyso_so", "Số: 99/QĐ-UBND"):
        rc, tj = verify_json(w, bad)
        check(rc != 0 and "locks it (FieldMDP)" in json.dumps(tj, ensure_ascii=False),
              f"a later change of the number is refused: rc {rc} {json.dumps(tj)[:600]}")


def make_signed_uploads(w, draft):
    """The draft signed elsewhere (kyso sign with the vice-chair's PKCS#12): as it is; with one
    signed byte changed; signed with a certificate revoked afterwards; signed by a CA this server
    does not trust (an unknown agency's)."""
    open(w + "/draft.pdf", "wb").write(draft)
    png(w + "/sig.png", 240, 80, (20, 40, 200, 255))
    penv = dict(os.environ, P12PW="p12pass")
    common = ["--kind", "personal", "--image", w + "/sig.png", "--title", "CHỦ TỊCH", "--name",
              "Nguyễn Văn A"]
    out = {}
    run([KYSO, "sign", w + "/draft.pdf", "-o", w + "/ext-ok.pdf", "--p12", w + "/vicechair.p12",
         "--pin-env", "P12PW"] + common, env=penv)
    out["ok"] = open(w + "/ext-ok.pdf", "rb").read()
    t = bytearray(out["ok"])
    k = t.find(b"stream", 1000) + 40  # a byte of page content, inside the signed byte range
    t[k] ^= 0x01
    out["tampered"] = bytes(t)
    run([KYSO, "ca", "issue", w + "/ca", "--profile", "personal", "--name", "Nguyễn Văn A", "--org",
         "Ủy ban nhân dân thành phố Hải Phòng", "--out-p12", w + "/gone.p12", "--pin-env", "P12PW",
         "-o", w + "/gone.pem"], env=penv)
    run([KYSO, "sign", w + "/draft.pdf", "-o", w + "/ext-revoked.pdf", "--p12", w + "/gone.p12",
         "--pin-env", "P12PW"] + common, env=penv)
    serial = run(["openssl", "x509", "-noout", "-serial", "-in", w + "/gone.pem"],
                 text=True).stdout.strip().split("=")[1]
    run([KYSO, "ca", "revoke", w + "/ca", "--serial", serial, "--reason", "keyCompromise"], env=penv)
    out["revoked"] = open(w + "/ext-revoked.pdf", "rb").read()
    run(["openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-keyout",
         w + "/other.key", "-out", w + "/other.pem", "-subj", "/CN=Another agency CA"])
    open(w + "/oext", "w").write("keyUsage=critical,digitalSignature,nonRepudiation\n")
    run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", w + "/stranger.key",
         "-out", w + "/stranger.csr", "-subj", "/CN=Nguyễn Văn A", "-utf8"])
    run(["openssl", "x509", "-req", "-in", w + "/stranger.csr", "-CA", w + "/other.pem", "-CAkey",
         w + "/other.key", "-set_serial", "77", "-days", "2", "-extfile", w + "/oext", "-out",
         w + "/stranger.pem"])
    run([KYSO, "sign", w + "/draft.pdf", "-o", w + "/ext-unknown.pdf", "--key", w + "/stranger.key",
         "--cert", w + "/stranger.pem", "--chain", w + "/other.pem", "--offline"] + common)
    out["unknown"] = open(w + "/ext-unknown.pdf", "rb").read()
    return out


def signed_uploads(w, s, ext):
    """A PDF signed elsewhere is verified before it is accepted; accepted, it goes to the clerk's
    issue step; refused, nothing is stored."""
    st, before, _ = s["drafter"].req("GET", V + "/documents")
    for what, code in [("tampered", "TOTAL-FAILED"), ("revoked", "REVOKED"),
                       ("unknown", "NO_CERTIFICATE_CHAIN_FOUND")]:
        st, j, _ = upload(s["drafter"], ext[what], "Đã ký ở nơi khác: " + what)
        msg = j.get("error", {}).get("message", "") if isinstance(j, dict) else ""
        check(st == 422 and j["error"]["code"] == "signature_invalid" and code in msg,
              f"a signed upload ({what}) is refused with its verdict {code}: {st} {j}")
    st, after, _ = s["drafter"].req("GET", V + "/documents")
    check(after["total"] == before["total"], "nothing is stored for a refused signed upload")
    st, d, _ = upload(s["drafter"], ext["ok"], "Quyết định đã ký ở nơi khác")
    check(st == 201 and d.get("state") == "signed" and not d.get("signer_id"),
          f"a valid signed upload goes to the clerk's issue step: {st} {d}")
    i = d.get("id")
    st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
    check(st == 200 and d.get("state") == "issued" and d.get("symbol") == "03/QĐ-UBND",
          f"issued as 03/QĐ-UBND: {st} {d}")
    st, reg, _ = s["clerk"].req("GET", V + "/registers/outgoing?series=Q%C4%90")
    row = [x for x in reg.get("items", []) if x.get("number") == 3]
    check(row and "Nguyễn Văn A" in row[0].get("signer", ""),
          f"the register names the signer of the uploaded document: {row}")
    st, pdf, _ = s["clerk"].req("GET", V + f"/documents/{i}/pdf")
    open(w + "/ext-issued.pdf", "wb").write(pdf)
    out = subprocess.run(["pdfsig", w + "/ext-issued.pdf"], capture_output=True, text=True).stdout
    check(out.count("Signature is Valid") >= 2 and "Invalid" not in out,
          f"the uploaded document sealed: pdfsig says both valid:\n{out}")


def versions_attachments(w, s, draft):
    """Versions (every upload kept, any downloadable), comments, an appendix in a file of its own
    sealed at issue with the attachment signature and delivered with the document, and the
    metadata of Appendix VI table 1 that the system fills."""
    v1 = tiny_pdf("Du thao lan 1")
    st, d, _ = upload(s["drafter"], v1, "Quyết định có phụ lục")
    i = d["id"]
    st, d, _ = s["drafter"].req("POST", V + f"/documents/{i}/versions", raw=draft, ctype="application/pdf")
    check(st == 201 and d.get("pages", 0) >= 2, f"a second version of the draft: {st} {d}")
    appx = tiny_pdf("Phu luc I")
    st, a, _ = s["drafter"].req("POST", V + f"/documents/{i}/attachments?" +
                                urlencode({"name": "Phụ lục I: Danh mục", "kind": "appendix"}),
                                raw=appx, ctype="application/pdf")
    check(st == 201 and a.get("kind") == "appendix" and a.get("pages") == 1, f"an appendix added: {st} {a}")
    st, j, _ = s["drafter"].req("POST", V + f"/documents/{i}/attachments?" + urlencode({"name": "x"}),
                                raw=b"%PDF-1.4 broken", ctype="application/pdf")
    check(st == 422 and j["error"]["code"] == "bad_pdf", f"a broken attachment is refused: {st} {j}")
    s["drafter"].req("POST", V + f"/documents/{i}/submit", {})
    st, j, _ = s["head"].req("POST", V + f"/documents/{i}/review", {"decision": "return", "comment": "Bổ sung căn cứ"})
    check(st == 200 and j.get("state") == "draft", f"sent back with a comment: {st} {j}")
    st, d, _ = s["drafter"].req("POST", V + f"/documents/{i}/versions", raw=draft, ctype="application/pdf")
    check(st == 201, f"a third version after the comment: {st}")
    s["drafter"].req("POST", V + f"/documents/{i}/submit", {})
    st, j, _ = s["drafter"].req("POST", V + f"/documents/{i}/versions", raw=draft, ctype="application/pdf")
    check(st == 409, f"no new version once submitted: {st}")
    s["head"].req("POST", V + f"/documents/{i}/review", {"decision": "approve"})
    s["checker"].req("POST", V + f"/documents/{i}/format-check", {"decision": "approve"})
    st, d, _ = s["vicechair"].req("POST", V + f"/documents/{i}/sign", {"title": "CHỦ TỊCH"})
    st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
    check(st == 200 and d.get("symbol") == "04/QĐ-UBND", f"issued with its appendix: {st} {d}")
    st, full, _ = s["drafter"].req("GET", V + f"/documents/{i}")
    kinds = [v["kind"] for v in full["versions"]]
    check(kinds == ["draft", "draft", "draft", "signed", "sealed"], f"every version kept: {kinds}")
    check(any(c["body"] == "Bổ sung căn cứ" for c in full["comments"]), "the comment is kept")
    st, b1, _ = s["drafter"].req("GET", V + f"/documents/{i}/version?seq=1")
    st2, b2, _ = s["drafter"].req("GET", V + f"/documents/{i}/version?seq=2")
    check(st == 200 and b1 == v1 and st2 == 200 and b2 == draft, "any version downloads, byte for byte")
    st, j, _ = s["drafter"].req("GET", V + f"/documents/{i}/version?seq=99")
    check(st == 404, f"no version 99: {st}")
    st, lst, _ = s["clerk"].req("GET", V + f"/documents/{i}/attachments")
    att = lst["items"][0] if st == 200 and lst.get("items") else {}
    check(len(att.get("signed_sha256", "")) == 64, f"the appendix is sealed at issue: {lst}")
    st, apdf, _ = s["clerk"].req("GET", V + f"/attachments/{att.get('id')}/pdf")
    open(w + "/appendix.pdf", "wb").write(apdf)
    check(st == 200 and apdf[:len(appx)] == appx, "the sealed appendix is the upload plus a signature")
    out = subprocess.run(["pdfsig", w + "/appendix.pdf"], capture_output=True, text=True).stdout
    check(out.count("Signature is Valid") >= 1 and "Invalid" not in out, f"pdfsig on the appendix:\n{out}")
    rc, vj = verify_json(w, w + "/appendix.pdf")
    check(rc == 0 and vj.get("indication") == "TOTAL-PASSED", f"kyso verify on the appendix: {rc}")
    txt = subprocess.run(["mutool", "draw", "-F", "txt", w + "/appendix.pdf", "1"], capture_output=True,
                         text=True).stdout
    check("04/QĐ-UBND" in txt, f"the appendix shows the document's number: {txt[:300]}")
    st, j, _ = s["wardclerk"].req("GET", V + f"/attachments/{att.get('id')}/pdf")
    check(st == 404, f"another agency cannot read it before it is sent: {st}")
    st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/send", {"to": ["G02.01.01"]})
    check(st == 200 and d.get("state") == "sent", f"sent: {st} {d}")
    st, inbox, _ = s["wardclerk"].req("GET", V + "/deliveries?state=received")
    dl = inbox["items"][0]["id"] if st == 200 and inbox.get("items") else 0
    st, dlatt, _ = s["wardclerk"].req("GET", V + f"/deliveries/{dl}/attachments")
    check(st == 200 and len(dlatt.get("items", [])) == 1, f"the appendix came with the delivery: {st} {dlatt}")
    st, wpdf, _ = s["wardclerk"].req("GET", V + f"/attachments/{att.get('id')}/pdf")
    check(st == 200 and wpdf == apdf, f"the recipient downloads the sealed appendix: {st}")
    st, m, _ = s["clerk"].req("GET", V + f"/documents/{i}/metadata")
    today = time.strftime("%Y-%m-%d", time.gmtime(time.time() + 7 * 3600))
    check(st == 200 and m.get("OrganId") == "G02" and m.get("CodeNumber") == "04" and
          m.get("CodeNotation") == "QĐ-UBND" and m.get("IssuedDate") == today and
          m.get("OrganName") == "Ủy ban nhân dân thành phố Hải Phòng" and m.get("PageAmount") == d.get("pages") and
          m.get("SignerInfo") == {"Position": "Phó Chủ tịch", "FullName": "Nguyễn Văn A"} and
          m.get("To") == [{"OrganId": "G02.01.01", "OrganName": "Ủy ban nhân dân phường Hồng Bàng"}] and
          m.get("IssuedAmount") == 1 and m.get("FileCatalog") == int(today[:4]) and m.get("Language") == "vi",
          f"the metadata the system fills: {st} {m}")


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    need("soffice", "pdfsig", "mutool")
    w = tempfile.mkdtemp(prefix="kysod-wfcore-", dir=BUILD)
    mod = p11_module()
    open(w + "/softhsm2.conf", "w").write(f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n"
                                          "log.level = ERROR\nslots.removable = false\n")
    os.makedirs(w + "/tokens")
    env = dict(os.environ, SOFTHSM2_CONF=w + "/softhsm2.conf")
    os.environ["SOFTHSM2_CONF"] = w + "/softhsm2.conf"
    draft = draft_pdf(w)
    ca, base, pems = make_pki(w, env, mod)
    os.makedirs(w + "/trust")
    shutil.copy(w + "/ca/root.pem", w + "/trust/root.pem")
    signed_elsewhere = make_signed_uploads(w, draft)
    pg = None
    k = None
    try:
        if backend == "pg":
            pg = PgCluster()
            db = pg.fresh_db("kysod_wfcore")
        else:
            db = "sqlite:" + w + "/kysod.db"
        k = Kysod(db, w + "/k", f"blob_dir = {w}/blobs\npkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\n"
                  f"images_dir = {w}/img\nmax_body_kb = 4096\ntsa_url = {base}/tsa\n"
                  f"trust_anchors = {w}/trust\n")
        adm, users = setup(k, pems)
        os.makedirs(w + "/img", exist_ok=True)
        png(f"{w}/img/user-{users['vicechair']}.png", 240, 80, (20, 40, 200, 255))
        png(f"{w}/img/agency-{k.root}.png", 200, 200, (220, 20, 20, 255))
        s = {u: login(k, u) for u in users}

        # the seal level: the agency's administrator chooses; nobody else; only known levels
        st, j, _ = s["clerk"].req("PUT", V + f"/agencies/{k.root}/seal-level", {"seal_level": "B-LTA"})
        check(st == 403, f"a clerk cannot set the seal level: {st} {j}")
        st, j, _ = adm.req("PUT", V + f"/agencies/{k.root}/seal-level", {"seal_level": "B-XL"})
        check(st == 400, f"an unknown level is refused: {st} {j}")
        st, j, _ = adm.req("PUT", V + f"/agencies/{k.root}/seal-level", {"seal_level": "B-LTA"})
        check(st == 200 and j.get("seal_level") == "B-LTA", f"B-LTA chosen: {st} {j}")

        # the personal signature adds the fields and leaves only them open
        i = to_signed(s, draft, "Quyết định ban hành quy chế (B-LTA)")
        st, pdf, _ = s["clerk"].req("GET", V + f"/documents/{i}/pdf")
        open(w + "/signed.pdf", "wb").write(pdf)
        info = subprocess.run(["pdfsig", w + "/signed.pdf"], capture_output=True, text=True).stdout
        check("Signature is Valid" in info, f"the personal signature is valid: {info}")
        check(b"/T (kyso_so)" in pdf and b"/T (kyso_ngay)" in pdf and b"/Action /Exclude" in pdf,
              "the number and date fields are there, excluded from the personal signature's lock")

        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
        check(st == 200 and d.get("symbol") == "01/QĐ-UBND", f"issued 01/QĐ-UBND: {st} {d}")
        issued_checks(w, s, i, "B-LTA", "01/QĐ-UBND")

        st, j, _ = adm.req("PUT", V + f"/agencies/{k.root}/seal-level", {"seal_level": "B-LT"})
        check(st == 200 and j.get("seal_level") == "B-LT", f"B-LT chosen: {st} {j}")
        i2 = to_signed(s, draft, "Quyết định thứ hai (B-LT)")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i2}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
        check(st == 200 and d.get("symbol") == "02/QĐ-UBND", f"issued 02/QĐ-UBND: {st} {d}")
        issued_checks(w, s, i2, "B-LT", "02/QĐ-UBND")
        st, full, _ = s["clerk"].req("GET", V + f"/documents/{i2}")
        check([v["kind"] for v in full["versions"]] == ["draft", "signed", "sealed"],
              f"versions kept: {full.get('versions')}")
        signed_uploads(w, s, signed_elsewhere)
        versions_attachments(w, s, draft)
    finally:
        if k:
            k.stop()
        if pg:
            pg.stop()
        ca.terminate()
        ca.wait()
    print(f"{backend}: {checks - fails} passed, {fails} failed")
    if not fails:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


main()
