"""What the workflow's server tests share (taken from test_docs.py, which keeps its own copy so
that it stands alone): the LibreOffice-made decision, a test CA with keys in SoftHSM2 tokens, the
sample city's agencies, people and roles, and a document walked from draft to issued."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import ADMIN_PW, BUILD, Client  # noqa: E402

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


def make_pdfs(w):
    """The Decree 30 decision of the docfmt tests through LibreOffice, and a variant with the
    MẬT stamp on its first page."""
    src = os.path.join(SRC, "tests/data/docfmt/qd.fodt")
    if not shutil.which("soffice"):
        raise SystemExit("FAIL: soffice missing (scripts/deps.sh installs libreoffice-writer-nogui)")
    os.makedirs(w + "/src", exist_ok=True)
    text = open(src, encoding="utf-8").read()
    open(w + "/src/qd.fodt", "w", encoding="utf-8").write(text)
    anchor = '<text:p text:style-name="C13">Số: 15/QĐ-UBND</text:p>'
    assert anchor in text
    open(w + "/src/qdmat.fodt", "w", encoding="utf-8").write(
        text.replace(anchor, anchor + '<text:p text:style-name="C14B">MẬT</text:p>'))
    run(["timeout", "600", "soffice", "--headless", f"-env:UserInstallation=file://{w}/lo",
         "--convert-to", "pdf", "--outdir", w + "/pdf", w + "/src/qd.fodt", w + "/src/qdmat.fodt"])
    return open(w + "/pdf/qd.pdf", "rb").read(), open(w + "/pdf/qdmat.pdf", "rb").read()


def make_pki(w, env, mod, keys=(("vicechair", "Nguyễn Văn Phó"), ("seal", "Ủy ban nhân dân thành phố Hải Phòng"))):
    """A test CA; the vice-chair's personal key and the city committee's seal key, each in its
    own SoftHSM2 token with its PIN in the PIN directory kysod reads."""
    os.makedirs(w + "/pins", mode=0o700, exist_ok=True)
    run(["openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3",
         "-keyout", w + "/ca.key", "-out", w + "/ca.pem", "-subj", "/CN=kyso workflow test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    open(w + "/ext", "w").write("keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n")
    pems = {}
    for label, cn in keys:
        run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{w}/{label}.key",
             "-out", f"{w}/{label}.csr", "-subj", f"/C=VN/CN={cn}", "-utf8"])
        run(["openssl", "x509", "-req", "-in", f"{w}/{label}.csr", "-CA", w + "/ca.pem", "-CAkey",
             w + "/ca.key", "-set_serial", str(0x1000 + len(pems)), "-days", "2", "-extfile", w + "/ext",
             "-out", f"{w}/{label}.pem"])
        run(["openssl", "pkcs12", "-export", "-inkey", f"{w}/{label}.key", "-in", f"{w}/{label}.pem",
             "-certfile", w + "/ca.pem", "-out", f"{w}/{label}.p12", "-passout", "pass:p12pass"])
        open(f"{w}/{label}.pin", "w").write("pin-" + label + "\n")
        open(f"{w}/pins/{label}", "w").write("pin-" + label + "\n")
        open(w + "/so", "w").write("so-12345678\n")
        open(w + "/p12pass", "w").write("p12pass\n")
        run([KYSO, "token", "init", "--pkcs11", mod, "--token", label, "--so-pin-file", w + "/so",
             "--pin-file", f"{w}/{label}.pin"], env=env)
        run([KYSO, "token", "import", "--pkcs11", mod, "--token", label, "--key-label", "k",
             "--p12", f"{w}/{label}.p12", "--p12-pass-file", w + "/p12pass", "--pin-file",
             f"{w}/{label}.pin"], env=env)
        pems[label] = open(f"{w}/{label}.pem").read()
    return pems


def png(path, w, h, rgba):
    """A plain RGBA PNG: a filled ring (a seal) or a stroke (a signature)."""
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
    ids = {"city": city}
    for code, name in [("G02.01.01", "Ủy ban nhân dân phường Hồng Bàng"),
                       ("G02.01.02", "Ủy ban nhân dân phường Lê Chân")]:
        st, j, _ = adm.req("POST", V + "/agencies", {"name": name, "kind": "ward", "code": code,
                                                     "parent_id": city})
        assert st == 201, j
        ids[code] = j["id"]
    users = {}
    for login_, ag, roles, title in [
            ("drafter", city, ["drafter"], "Chuyên viên"), ("head", city, ["unit_head"], "Chánh Văn phòng"),
            ("checker", city, ["format_checker"], "Chuyên viên"),
            ("vicechair", city, ["signer"], "Phó Chủ tịch"), ("clerk", city, ["clerk"], "Văn thư"),
            ("clerk1", ids["G02.01.01"], ["clerk"], "Văn thư"), ("clerk2", ids["G02.01.02"], ["clerk"], "Văn thư"),
            ("officer1", ids["G02.01.01"], ["drafter"], "Công chức")]:
        st, j, _ = adm.req("POST", V + "/users", {"login": login_, "full_name": {
            "vicechair": "Nguyễn Văn A"}.get(login_, "Người " + login_), "title": title, "agency_id": ag,
            "password": "pw-" + login_ + "-0123"})
        assert st == 201, j
        users[login_] = j["id"]
        for r in roles:
            st, j, _ = adm.req("POST", V + "/role-assignments", {"user_id": users[login_], "agency_id": ag,
                                                                 "role": r})
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
    return adm, ids, users


def upload(c, pdf, summary, cls=None, agency=None):
    from urllib.parse import urlencode
    q = {"doc_type": "Quyết định", "summary": summary, "series": "QĐ"}
    if cls:
        q["classification"] = cls
    if agency:
        q["agency_id"] = agency
    return c.req("POST", V + "/documents?" + urlencode(q), raw=pdf, ctype="application/pdf")


def walk(k, s, pdf, summary):
    """Draft to issued; returns the document."""
    st, d, _ = upload(s["drafter"], pdf, summary)
    check(st == 201 and d["state"] == "draft", f"upload: {st} {d}")
    i = d["id"]
    st, d, _ = s["drafter"].req("POST", V + f"/documents/{i}/submit", {})
    check(st == 200 and d["state"] == "review", f"submit: {st} {d}")
    st, d, _ = s["head"].req("POST", V + f"/documents/{i}/review", {"decision": "approve"})
    check(st == 200 and d["state"] == "format_check", f"review: {st} {d}")
    st, d, _ = s["checker"].req("POST", V + f"/documents/{i}/format-check", {"decision": "approve"})
    check(st == 200 and d["state"] == "signing", f"format check: {st} {d}")
    st, d, _ = s["vicechair"].req("POST", V + f"/documents/{i}/sign", {"title": "CHỦ TỊCH"})
    check(st == 200 and d["state"] == "signed", f"sign: {st} {d}")
    st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
    check(st == 200 and d["state"] == "issued", f"issue: {st} {d}")
    return d
