"""A city for the workflow tests of the web UI (tests/server/test_wfui*.py, tests/web/run_workflow.py):
kysod on SQLite or a throw-away PostgreSQL cluster with SoftHSM2 tokens for the vice-chair's
personal key and the city committee's seal (their PINs in kysod's PIN directory), the signature
and seal images, two wards, and one person per step: the drafter and the unit head of the
committee's office, the format checker, the vice-chair, the committee's clerk, the clerks of the
two wards and an officer of the first. The Decree 30 decision of tests/data/docfmt through
LibreOffice is the document."""
import os
import shutil
import subprocess
import sys
import tempfile

from kysod_lib import ADMIN_PW, BUILD, Client, Kysod, PgCluster

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../scripts"))
# shared with the demo (scripts/demo_city.py); png and p11_module stay importable from here
from kyso_city import p11_module, png, seal_png, signature_png, softhsm_conf  # noqa: E402,F401

V = "/api/v1"
KYSO = os.path.join(BUILD, "kyso")
SRC = os.environ.get("KYSO_SOURCE") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")

# login, full name, title, agency key, roles
PEOPLE = [
    ("chuyenvien", "Vũ Thị Hoa", "Chuyên viên Văn phòng", "city", ["drafter"]),
    ("chanhvp", "Hoàng Văn Em", "Chánh Văn phòng", "city", ["unit_head"]),
    ("thethuc", "Đỗ Văn Giang", "Chuyên viên pháp chế", "city", ["format_checker"]),
    ("phochutich", "Nguyễn Văn A", "Phó Chủ tịch", "city", ["signer"]),
    ("vanthu", "Phạm Thị Dung", "Văn thư", "city", ["clerk"]),
    ("vanthu.hb", "Mai Thị Quỳnh", "Văn thư", "hb", ["clerk"]),
    ("congchuc.hb", "Tạ Văn Sơn", "Công chức", "hb", ["drafter"]),
    ("vanthu.lc", "Cao Thị Tâm", "Văn thư", "lc", ["clerk"]),
]
WARDS = [("hb", "Ủy ban nhân dân phường Hồng Bàng", "UBND phường Hồng Bàng", "G02.35.01"),
         ("lc", "Ủy ban nhân dân phường Lê Chân", "UBND phường Lê Chân", "G02.35.02")]


def password(login):
    return "pw-" + login + "-0123"


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def decision_pdf(w):
    """qd.fodt (a decision laid out as Decree 30 Appendix I says) through LibreOffice, and
    qd-margins.pdf: the same with the left and top margins too narrow (format findings)."""
    if not shutil.which("soffice"):
        raise SystemExit("FAIL: soffice missing (scripts/deps.sh installs libreoffice-writer-nogui)")
    os.makedirs(w + "/src", exist_ok=True)
    text = open(os.path.join(SRC, "tests/data/docfmt/qd.fodt"), encoding="utf-8").read()
    open(w + "/src/qd.fodt", "w", encoding="utf-8").write(text)
    layout = 'fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm"'
    assert layout in text
    open(w + "/src/qd-margins.fodt", "w", encoding="utf-8").write(
        text.replace(layout, 'fo:margin-top="1cm" fo:margin-bottom="2cm" fo:margin-left="1.5cm"'))
    run(["timeout", "600", "soffice", "--headless", f"-env:UserInstallation=file://{w}/lo",
         "--convert-to", "pdf", "--outdir", w + "/pdf", w + "/src/qd.fodt", w + "/src/qd-margins.fodt"])
    return w + "/pdf/qd.pdf"


def make_pki(w, env, mod):
    """A test CA; the vice-chair's key and the seal key, each in its own SoftHSM2 token."""
    os.makedirs(w + "/pins", mode=0o700, exist_ok=True)
    run(["openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3",
         "-keyout", w + "/ca.key", "-out", w + "/ca.pem", "-subj", "/CN=kyso web workflow test CA",
         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    open(w + "/ext", "w").write("keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n")
    open(w + "/so", "w").write("so-12345678\n")
    open(w + "/p12pass", "w").write("p12pass\n")
    pems = {}
    for label, cn in [("vicechair", "Nguyễn Văn A"), ("seal", "Ủy ban nhân dân thành phố Hải Phòng")]:
        run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{w}/{label}.key",
             "-out", f"{w}/{label}.csr", "-subj", f"/C=VN/CN={cn}", "-utf8"])
        run(["openssl", "x509", "-req", "-in", f"{w}/{label}.csr", "-CA", w + "/ca.pem", "-CAkey",
             w + "/ca.key", "-set_serial", str(0x2000 + len(pems)), "-days", "2", "-extfile", w + "/ext",
             "-out", f"{w}/{label}.pem"])
        run(["openssl", "pkcs12", "-export", "-inkey", f"{w}/{label}.key", "-in", f"{w}/{label}.pem",
             "-certfile", w + "/ca.pem", "-out", f"{w}/{label}.p12", "-passout", "file:" + w + "/p12pass"])
        open(f"{w}/{label}.pin", "w").write("pin-" + label + "\n")
        open(f"{w}/pins/{label}", "w").write("pin-" + label + "\n")
        run([KYSO, "token", "init", "--pkcs11", mod, "--token", label, "--so-pin-file", w + "/so",
             "--pin-file", f"{w}/{label}.pin"], env=env)
        run([KYSO, "token", "import", "--pkcs11", mod, "--token", label, "--key-label", "k",
             "--p12", f"{w}/{label}.p12", "--p12-pass-file", w + "/p12pass", "--pin-file",
             f"{w}/{label}.pin"], env=env)
        pems[label] = open(f"{w}/{label}.pem").read()
    return pems


class City:
    """Starts kysod with the city; .port, .root, .ids (agency key -> id), .users (login -> id),
    .pdf (path of the decision), .work, .ca (the test CA's PEM). stop() ends it all."""

    def __init__(self, backend, prefix="kysod-wf-", extra=""):
        self.work = w = tempfile.mkdtemp(prefix=prefix, dir=BUILD)
        mod = p11_module()
        conf = softhsm_conf(w)
        env = dict(os.environ, SOFTHSM2_CONF=conf)
        os.environ["SOFTHSM2_CONF"] = conf  # kysod inherits it
        self.pdf = decision_pdf(w)
        pems = make_pki(w, env, mod)
        self.ca = w + "/ca.pem"
        self.pg = None
        if backend in ("pg", "postgresql"):
            self.pg = PgCluster()
            db = self.pg.fresh_db("kysod_wfui")
        else:
            db = "sqlite:" + w + "/kysod.db"
        os.makedirs(w + "/img", exist_ok=True)
        self.k = Kysod(db, w + "/k", f"blob_dir = {w}/blobs\npkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\n"
                       f"images_dir = {w}/img\nmax_body_kb = 4096\ntrust_anchors = {w}/ca.pem\n" + extra)
        self.port = self.k.port
        self.root = self.k.root
        self._populate(pems)
        signature_png(f"{w}/img/user-{self.users['phochutich']}.png")
        seal_png(f"{w}/img/agency-{self.root}.png")

    def client(self, login):
        c = Client(self.port)
        st, j = c.sign_in(login, ADMIN_PW if login == "admin" else password(login))
        assert st == 200, (login, st, j)
        return c

    def _populate(self, pems):
        adm = self.client("admin")
        st, j, _ = adm.req("PATCH", V + f"/agencies/{self.root}", {"short_name": "UBND"})
        self.ids = {"city": self.root}
        for key, name, short, code in WARDS:
            st, j, _ = adm.req("POST", V + "/agencies", {"name": name, "short_name": short, "kind": "ward",
                                                         "code": code, "parent_id": self.root})
            assert st == 201, j
            self.ids[key] = j["id"]
        st, unit, _ = adm.req("POST", V + f"/agencies/{self.root}/units", {"name": "Văn phòng Ủy ban nhân dân"})
        assert st == 201, unit
        self.users = {}
        for login, full, title, ag, roles in PEOPLE:
            body = {"login": login, "full_name": full, "title": title, "agency_id": self.ids[ag],
                    "password": password(login)}
            if login in ("chuyenvien", "chanhvp", "thethuc", "vanthu"):
                body["unit_id"] = unit["id"]
            st, j, _ = adm.req("POST", V + "/users", body)
            assert st == 201, j
            self.users[login] = j["id"]
            for r in roles:
                st, j, _ = adm.req("POST", V + "/role-assignments", {"user_id": self.users[login],
                                                                     "agency_id": self.ids[ag], "role": r})
                assert st == 201, j
        for label, owner in [("vicechair", "person"), ("seal", "agency")]:
            st, t, _ = adm.req("POST", V + "/tokens", {"serial": "SH-" + label, "label": label, "agency_id": self.root,
                                                       "holder_user_id": self.users["phochutich" if owner == "person" else "vanthu"]})
            assert st == 201, t
            body = {"owner_kind": owner, "agency_id": self.root, "token_id": t["id"], "pem": pems[label]}
            if owner == "person":
                body["user_id"] = self.users["phochutich"]
            else:
                body["assigned_user_id"] = self.users["vanthu"]
            st, c, _ = adm.req("POST", V + "/certificates", body)
            assert st == 201, c

    def stop(self, keep=False):
        rc = self.k.stop()
        if self.pg:
            self.pg.stop()
        if not keep:
            shutil.rmtree(self.work, ignore_errors=True)
        return rc
