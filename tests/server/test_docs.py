"""The document workflow (issue 13) on a real kysod: drafter -> unit head -> format checker ->
signer (server-side SoftHSM2 token, visible personal signature) -> clerk (number, seal, outgoing
register) -> two wards on the same server (verified on arrival; one accepts with the next
incoming number and a deadline in working days, one rejects with a reason the sender sees).
The signed PDF validates in pdfsig and `kyso verify`; numbers run 01, 02, ... without gaps;
classified, unsigned, oversized and tampered input is refused and nothing is half-registered."""
import csv
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import ADMIN_PW, BUILD, Client, Kysod, PgCluster  # noqa: E402

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


def make_pki(w, env, mod):
    """A test CA; the vice-chair's personal key and the city committee's seal key, each in its
    own SoftHSM2 token with its PIN in the PIN directory kysod reads."""
    os.makedirs(w + "/pins", mode=0o700, exist_ok=True)
    run(["openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3",
         "-keyout", w + "/ca.key", "-out", w + "/ca.pem", "-subj", "/CN=kyso workflow test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    open(w + "/ext", "w").write("keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n")
    pems = {}
    for label, cn in [("vicechair", "Nguyễn Văn Phó"), ("seal", "Ủy ban nhân dân thành phố Hải Phòng")]:
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


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    w = tempfile.mkdtemp(prefix="kysod-docs-", dir=BUILD)
    mod = p11_module()
    open(w + "/softhsm2.conf", "w").write(f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n"
                                          "log.level = ERROR\nslots.removable = false\n")
    os.makedirs(w + "/tokens")
    env = dict(os.environ, SOFTHSM2_CONF=w + "/softhsm2.conf")
    os.environ["SOFTHSM2_CONF"] = w + "/softhsm2.conf"  # kysod inherits it
    qd, qdmat = make_pdfs(w)
    pems = make_pki(w, env, mod)
    pg = None
    if backend == "pg":
        pg = PgCluster()
        db = pg.fresh_db("kysod_docs")
    else:
        db = "sqlite:" + w + "/kysod.db"
    k = Kysod(db, w + "/k", f"blob_dir = {w}/blobs\npkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\n"
              f"images_dir = {w}/img\nmax_body_kb = 2048\ntrust_anchors = {w}/ca.pem\n")
    try:
        adm, ids, users = setup(k, pems)
        os.makedirs(w + "/img", exist_ok=True)
        png(f"{w}/img/user-{users['vicechair']}.png", 240, 80, (20, 40, 200, 255))
        png(f"{w}/img/agency-{k.root}.png", 200, 200, (220, 20, 20, 255))
        s = {u: login(k, u) for u in users}

        # refusals before anything is stored
        st, j, _ = upload(s["drafter"], qd, "Mật", cls="mat")
        check(st == 422 and j["error"]["code"] == "classified" and "Đ4.1" in j["error"]["message"],
              f"a document flagged mật is refused naming the rule: {st} {j}")
        st, j, _ = upload(s["drafter"], qdmat, "Có dấu MẬT")
        check(st == 422 and j["error"]["code"] == "classified" and "MẬT" in j["error"]["message"],
              f"a first page stamped MẬT is refused: {st} {j}")
        st, j, _ = upload(s["drafter"], b"%PDF-1.4 not really", "Hỏng")
        check(st == 422 and j["error"]["code"] == "bad_pdf", f"a broken PDF is refused: {st} {j}")
        st, j, _ = upload(s["drafter"], b"%PDF-1.4\n" + b"0" * (2049 * 1024), "Quá lớn")
        check(st == 413, f"an oversized upload is refused: {st}")
        st, j, _ = upload(s["head"], qd, "Không phải người soạn")
        check(st == 403, f"only a drafter uploads: {st}")
        st, j, _ = s["drafter"].req("GET", V + "/documents")
        check(st == 200 and j["total"] == 0, f"nothing stored by the refusals: {j}")

        # one decision, step by step, with a send-back on the way
        st, d, _ = upload(s["drafter"], qd, "Quyết định về việc ban hành quy chế văn thư")
        check(st == 201 and d["pages"] >= 1 and len(d["sha256"]) == 64, f"draft stored: {st} {d}")
        i = d["id"]
        st, j, _ = s["drafter"].req("POST", V + f"/documents/{i}/review", {"decision": "approve"})
        check(st == 403, f"a drafter cannot review: {st}")
        s["drafter"].req("POST", V + f"/documents/{i}/submit", {})
        st, j, _ = s["head"].req("POST", V + f"/documents/{i}/review", {"decision": "return"})
        check(st == 400 and j["error"]["field"] == "comment", f"sending back needs a comment: {st} {j}")
        st, d, _ = s["head"].req("POST", V + f"/documents/{i}/review",
                                 {"decision": "return", "comment": "Sửa trích yếu"})
        check(st == 200 and d["state"] == "draft", f"sent back to the drafter: {st} {d}")
        st, d, _ = s["vicechair"].req("POST", V + f"/documents/{i}/sign", {"title": "CHỦ TỊCH"})
        check(st == 409 and d["error"]["code"] == "wrong_state", f"no signing out of order: {st} {d}")
        s["drafter"].req("POST", V + f"/documents/{i}/submit", {})
        s["head"].req("POST", V + f"/documents/{i}/review", {"decision": "approve"})
        st, d, _ = s["checker"].req("POST", V + f"/documents/{i}/format-check", {"decision": "approve"})
        rep = json.loads(d["format_report"])
        check(st == 200 and "findings" in rep, f"the format report is kept: {d.get('format_report')}")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/sign", {"title": "CHỦ TỊCH"})
        check(st == 403, f"a clerk cannot sign: {st}")
        st, d, _ = s["vicechair"].req("POST", V + f"/documents/{i}/sign", {"title": "CHỦ TỊCH"})
        check(st == 200 and d["state"] == "signed", f"signed: {st} {d}")
        st, d, _ = s["vicechair"].req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND"})
        check(st == 403, f"only a clerk issues: {st}")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
        check(st == 200 and d["state"] == "issued" and d["number"] == 1 and d["symbol"] == "01/QĐ-UBND",
              f"issued as 01/QĐ-UBND: {st} {d}")
        st, full, _ = s["drafter"].req("GET", V + f"/documents/{i}")
        kinds = [v["kind"] for v in full["versions"]]
        check(kinds == ["draft", "signed", "sealed"], f"versions kept: {kinds}")
        check(any(c["body"] == "Sửa trích yếu" for c in full["comments"]), "the comment is kept")
        st, pdf, r = s["drafter"].req("GET", V + f"/documents/{i}/pdf")
        check(st == 200 and pdf[:5] == b"%PDF-" and pdf[:len(qd)] == qd,
              "the issued PDF is the draft plus incremental updates")
        open(w + "/issued.pdf", "wb").write(pdf)
        out = subprocess.run(["pdfsig", w + "/issued.pdf"], capture_output=True, text=True).stdout
        check(out.count("Signature is Valid") == 2 and "Total document signed" in out,
              "pdfsig: two valid signatures, the seal covering the whole document:\n" + out)
        v = subprocess.run([KYSO, "verify", "--json", "--trust", w + "/ca.pem", "--offline",
                            w + "/issued.pdf"], capture_output=True, text=True)
        vj = json.loads(v.stdout) if v.stdout.strip().startswith("{") else {}
        check(v.returncode == 0, f"kyso verify with the test CA: exit {v.returncode} {v.stdout[:400]} {v.stderr[:400]}")
        check(len(vj.get("signatures", [])) == 2, "kyso verify sees both signatures")

        # send to two wards; the sender's clerk only
        st, j, _ = s["drafter"].req("POST", V + f"/documents/{i}/send", {"to": ["G02.01.01"]})
        check(st == 403, f"only the clerk sends: {st}")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{i}/send", {"to": ["G02.01.01", "NOPE"]})
        check(st == 422 and "NOPE" in j["error"]["message"], f"an unknown recipient is named: {st} {j}")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/send", {"to": ["G02.01.01", "G02.01.02"]})
        check(st == 200 and d["state"] == "sent", f"sent: {st} {d}")
        st, inbox1, _ = s["clerk1"].req("GET", V + "/deliveries?state=received")
        check(st == 200 and inbox1["total"] == 1, f"ward 1's inbox: {inbox1}")
        d1 = inbox1["items"][0]["id"]
        st, inbox2, _ = s["clerk2"].req("GET", V + "/deliveries?state=received")
        d2 = inbox2["items"][0]["id"]
        st, dl, _ = s["clerk1"].req("GET", V + f"/deliveries/{d1}")
        check(st == 200 and dl["verdict"] == "TOTAL-PASSED" and
              len(dl["verify_report"].get("signatures", [])) == 2,
              f"verified on arrival, the report kept: {dl.get('verdict')}")
        st, j, _ = s["clerk2"].req("GET", V + f"/deliveries/{d1}")
        check(st == 404, f"ward 2 does not see ward 1's delivery: {st}")
        st, j, _ = s["officer1"].req("POST", V + f"/deliveries/{d1}/accept", {})
        check(st == 403, f"only the ward's clerk accepts: {st}")
        st, j, _ = s["clerk1"].req("POST", V + f"/deliveries/{d1}/accept",
                                   {"assignee_id": users["officer1"], "deadline_days": 5})
        check(st == 200 and j["state"] == "accepted", f"ward 1 accepts: {st} {j}")
        st, j, _ = s["clerk1"].req("POST", V + f"/deliveries/{d1}/reject", {"reason": "x"})
        check(st == 409, f"decided once: {st}")
        st, j, _ = s["clerk2"].req("POST", V + f"/deliveries/{d2}/reject", {"reason": ""})
        check(st == 400, f"a reject needs a reason: {st}")
        st, j, _ = s["clerk2"].req("POST", V + f"/deliveries/{d2}/reject",
                                   {"reason": "Không thuộc thẩm quyền của phường"})
        check(st == 200 and j["state"] == "rejected", f"ward 2 rejects: {st} {j}")
        st, sent, _ = s["clerk"].req("GET", V + "/deliveries")
        states = sorted((x["to_agency_id"], x["state"], x["reason"]) for x in sent["items"])
        check(states == sorted([(ids["G02.01.01"], "accepted", ""),
                                (ids["G02.01.02"], "rejected", "Không thuộc thẩm quyền của phường")]),
              f"the sender sees each recipient's status and the reason: {states}")
        st, inreg, _ = s["clerk1"].req("GET", V + "/registers/incoming")
        e = inreg["items"][0] if inreg["items"] else {}
        check(inreg["total"] == 1 and e["number"] == 1 and e["doc_symbol"] == "01/QĐ-UBND" and
              len(e["deadline"]) == 10 and e["assignee_id"] == users["officer1"],
              f"ward 1's incoming register: {inreg}")
        st, inreg2, _ = s["clerk2"].req("GET", V + "/registers/incoming")
        check(inreg2["total"] == 0, "nothing registered at the ward that rejected")

        # two more through the same series: 02, 03, no gap; the register in CSV
        for n in (2, 3):
            d = walk(k, s, qd, f"Quyết định số {n}")
            check(d.get("number") == n, f"number {n} follows without a gap: {d.get('number')}")
        st, reg, _ = s["clerk"].req("GET", V + "/registers/outgoing?series=Q%C4%90")
        check([x["number"] for x in reg["items"]] == [1, 2, 3], f"outgoing register 1,2,3: {reg}")
        check(reg["items"][0]["recipients"].count("phường") == 2 and reg["items"][0]["copies"] == 2,
              f"register: recipients and copies filled at sending: {reg['items'][0]}")
        st, text, r = s["clerk"].req("GET", V + "/registers/outgoing?format=csv")
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        check(st == 200 and r.getheader("Content-Type").startswith("text/csv") and len(rows) == 4 and
              rows[1][0] == "01/QĐ-UBND" and "Nguyễn Văn A" in rows[1][3], f"CSV export: {rows[:2]}")

        # a seal that fails takes no number: the clerk without the seal key
        st, d, _ = upload(s["drafter"], qd, "Không có khóa")
        i2 = d["id"]
        s["drafter"].req("POST", V + f"/documents/{i2}/submit", {})
        s["head"].req("POST", V + f"/documents/{i2}/review", {"decision": "approve"})
        s["checker"].req("POST", V + f"/documents/{i2}/format-check", {"decision": "approve"})
        s["vicechair"].req("POST", V + f"/documents/{i2}/sign", {"title": "CHỦ TỊCH"})
        os.rename(w + "/pins/seal", w + "/pins/seal.off")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{i2}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
        check(st == 422 and "PIN" in j["error"]["message"], f"the seal fails clearly: {st} {j}")
        os.rename(w + "/pins/seal.off", w + "/pins/seal")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i2}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
        check(st == 200 and d["number"] == 4, f"the failed seal took no number: {d.get('number')}")

        # four clerks' requests at once on one series: each number used once, no gap
        import threading
        ready = []
        for n in range(4):
            st, d, _ = upload(s["drafter"], qd, f"Song song {n}")
            j = d["id"]
            s["drafter"].req("POST", V + f"/documents/{j}/submit", {})
            s["head"].req("POST", V + f"/documents/{j}/review", {"decision": "approve"})
            s["checker"].req("POST", V + f"/documents/{j}/format-check", {"decision": "approve"})
            st, d, _ = s["vicechair"].req("POST", V + f"/documents/{j}/sign", {"title": "CHỦ TỊCH"})
            check(st == 200, f"signed for the parallel issue: {st} {d}")
            ready.append(j)
        got = []

        def issue(j):
            c = login(k, "clerk")
            st, d, _ = c.req("POST", V + f"/documents/{j}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
            got.append((st, d.get("number") if isinstance(d, dict) else None))
        ts = [threading.Thread(target=issue, args=(j,)) for j in ready]
        [t.start() for t in ts]
        [t.join() for t in ts]
        check(sorted(got) == [(200, 5), (200, 6), (200, 7), (200, 8)], f"parallel issue: 5..8 once each: {got}")
        st, reg, _ = s["clerk"].req("GET", V + "/registers/outgoing?series=Q%C4%90")
        check([x["number"] for x in reg["items"]] == list(range(1, 9)), f"the register runs 1..8: {reg['total']}")

        # the stored file altered on disk: refused, not served
        st, d, _ = s["clerk"].req("GET", V + f"/documents/{i2}")
        sha = d["sha256"]
        with open(f"{w}/blobs/{sha}", "r+b") as f:
            f.seek(100)
            f.write(b"X")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{i2}/send", {"to": ["G02.01.01"]})
        check(st == 500 and j["error"]["code"] == "store_damaged", f"a tampered blob is refused: {st} {j}")
        st, j, _ = s["clerk1"].req("GET", V + "/deliveries?state=received")
        check(j["total"] == 0, "nothing delivered from the tampered file")

        st, v, _ = adm.req("GET", V + "/audit/verify")
        check(v["ok"], "the audit chain holds")
        st, au, _ = adm.req("GET", V + "/audit?limit=200")
        acts = {e["action"] for e in au["items"]}
        check({"document.create", "document.submit", "document.sign", "document.issue", "document.send",
               "delivery.accept", "delivery.reject"} <= acts, f"every step audited: {sorted(acts)}")
    finally:
        rc = k.stop()
        check(rc == 0, f"kysod exits cleanly (sanitizers quiet): {rc}; log {w}/k/kysod.log")
        if pg:
            pg.stop()
    print(f"{backend}: {checks - fails} passed, {fails} failed")
    if fails:
        print("work dir:", w)
    else:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":  # test_fed.py imports the helpers
    main()
