"""Set-up shared by the scale tests and bench/bench_workflow.sh: SoftHSM2 tokens holding two
agencies' seal keys (a test CA), their seal images, clerks, and documents brought to the
"signed" state directly in the database (the load is the issue step, not the steps before it).
Standard library only."""
import datetime
import os
import sqlite3
import struct
import subprocess
import zlib

from kysod_lib import ADMIN_PW, BUILD, Client

V = "/api/v1"
KYSO = os.path.join(BUILD, "kyso")


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, **kw)


def p11_module():
    for m in ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
              "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"]:
        if os.path.exists(m):
            return m
    raise SystemExit("FAIL: SoftHSM2 missing (scripts/deps.sh installs softhsm2)")


def softhsm(w):
    """A SoftHSM2 configuration with its token store in the work dir; kysod inherits it."""
    os.makedirs(w + "/tokens", exist_ok=True)
    open(w + "/softhsm2.conf", "w").write(f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n"
                                          "log.level = ERROR\nslots.removable = false\n")
    os.environ["SOFTHSM2_CONF"] = w + "/softhsm2.conf"
    return p11_module()


def days_past_new_year():
    """Certificate validity that covers the coming 1 January (the year-boundary test)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ny = datetime.datetime(now.year + 1, 1, 1, tzinfo=datetime.timezone.utc)
    return (ny - now).days + 3


def make_pki(w, mod, labels, ext_extra=""):
    """A test CA and, for each (label, CN), a key in its own SoftHSM2 token whose PIN sits in
    w/pins/<label>. Returns {label: certificate PEM}."""
    os.makedirs(w + "/pins", mode=0o700, exist_ok=True)
    days = str(days_past_new_year())
    if not os.path.exists(w + "/ca.pem"):
        run(["openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", days,
             "-keyout", w + "/ca.key", "-out", w + "/ca.pem", "-subj", "/CN=kyso scale test CA",
             "-addext", "basicConstraints=critical,CA:TRUE",
             "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    open(w + "/ext", "w").write("keyUsage=critical,digitalSignature,nonRepudiation\n"
                                "basicConstraints=CA:FALSE\n" + ext_extra)
    open(w + "/so", "w").write("so-12345678\n")
    open(w + "/p12pass", "w").write("p12pass\n")
    pems = {}
    if not os.path.exists(w + "/signer.pem"):  # the leader's personal key, a file (kyso sign)
        run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", w + "/signer.key",
             "-out", w + "/signer.csr", "-subj", "/C=VN/CN=Nguyễn Văn A", "-utf8"])
        run(["openssl", "x509", "-req", "-in", w + "/signer.csr", "-CA", w + "/ca.pem", "-CAkey",
             w + "/ca.key", "-set_serial", "4096", "-days", days, "-extfile", w + "/ext",
             "-out", w + "/signer.pem"])
    for n, (label, cn) in enumerate(labels):
        run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{w}/{label}.key",
             "-out", f"{w}/{label}.csr", "-subj", f"/C=VN/CN={cn}", "-utf8"])
        run(["openssl", "x509", "-req", "-in", f"{w}/{label}.csr", "-CA", w + "/ca.pem", "-CAkey",
             w + "/ca.key", "-set_serial", str(0x2000 + n), "-days", days, "-extfile", w + "/ext",
             "-out", f"{w}/{label}.pem"])
        run(["openssl", "pkcs12", "-export", "-inkey", f"{w}/{label}.key", "-in", f"{w}/{label}.pem",
             "-certfile", w + "/ca.pem", "-out", f"{w}/{label}.p12", "-passout", "pass:p12pass"])
        open(f"{w}/{label}.pin", "w").write("pin-" + label + "\n")
        open(f"{w}/pins/{label}", "w").write("pin-" + label + "\n")
        run([KYSO, "token", "init", "--pkcs11", mod, "--token", label, "--so-pin-file", w + "/so",
             "--pin-file", f"{w}/{label}.pin"])
        run([KYSO, "token", "import", "--pkcs11", mod, "--token", label, "--key-label", "k",
             "--p12", f"{w}/{label}.p12", "--p12-pass-file", w + "/p12pass", "--pin-file",
             f"{w}/{label}.pin"])
        pems[label] = open(f"{w}/{label}.pem").read()
    return pems


def seal_png(path, size=120):
    """A red ring on transparency: the agency's seal image."""
    rows = b""
    for y in range(size):
        rows += b"\0"
        for x in range(size):
            dx, dy = x - size / 2, y - size / 2
            on = (size * 0.35) ** 2 < dx * dx + dy * dy < (size * 0.48) ** 2
            rows += bytes((220, 20, 20, 255)) if on else b"\0\0\0\0"

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" +
                           chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) +
                           chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def big_pdf(size, text="Quyet dinh"):
    """A one-page PDF of about `size` bytes: the page plus an incompressible embedded file (a
    scanned appendix, say), so that every step hashes and copies a realistic body."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    pad = os.urandom(max(0, size - 1200))
    objs = [b"<< /Type /Catalog /Pages 2 0 R /Names << /EmbeddedFiles << /Names [(phu-luc.bin) 6 0 R]"
            b" >> >> >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>",
            b"<< /Type /Filespec /F (phu-luc.bin) /EF << /F 7 0 R >> >>",
            b"<< /Type /EmbeddedFile /Length %d >>\nstream\n" % len(pad) + pad + b"\nendstream"]
    out = b"%PDF-1.7\n"
    offs = []
    for i, o in enumerate(objs, 1):
        offs.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    x = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for o in offs:
        out += b"%010d 00000 n \n" % o
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, x)
    return out


def personal_signed(w, pdf, name="in"):
    """`pdf` with the leader's visible personal signature (a file key): what the issue step
    receives from the signing step."""
    open(f"{w}/{name}.pdf", "wb").write(pdf)
    sig = w + "/signature.png"
    if not os.path.exists(sig):
        seal_png(sig, 80)
    run([KYSO, "sign", f"{w}/{name}.pdf", "-o", f"{w}/{name}-signed.pdf", "--key", w + "/signer.key",
         "--cert", w + "/signer.pem", "--chain", w + "/ca.pem", "--kind", "personal", "--image", sig,
         "--rect", "330,420,530,520", "--title", "CHỦ TỊCH", "--name", "Nguyễn Văn A"])
    return open(f"{w}/{name}-signed.pdf", "rb").read()


def login(port, who):
    c = Client(port)
    st, j = c.sign_in(who, ADMIN_PW if who == "admin" else "pw-" + who + "-0123")
    assert st == 200, (who, st, j)
    return c


def setup_agencies(k, w, pems, agencies, recipients=()):
    """agencies: [(code, name, seal label)]; the first is kysod's root agency (the city committee).
    Creates each other agency, a drafter and a clerk per agency (clerk<i>, drafter<i>), the seal
    token and certificate assigned to the clerk, and the seal image. recipients: [(code, name)]
    agencies with a clerk each (rclerk<i>). Returns {"agency": [ids], "clerk": [logins], ...}."""
    adm = login(k.port, "admin")
    os.makedirs(w + "/img", exist_ok=True)
    out = {"agency": [], "clerk": [], "drafter": [], "drafter_id": [], "recipient": []}
    for i, (code, name, label) in enumerate(agencies):
        if i == 0:
            ag = k.root
        else:
            st, j, _ = adm.req("POST", V + "/agencies", {"name": name, "kind": "department", "code": code,
                                                         "parent_id": k.root})
            assert st == 201, j
            ag = j["id"]
        out["agency"].append(ag)
        ids = {}
        for who, role in [(f"clerk{i}", "clerk"), (f"drafter{i}", "drafter")]:
            st, j, _ = adm.req("POST", V + "/users", {"login": who, "full_name": "Người " + who,
                                                      "title": "Văn thư", "agency_id": ag,
                                                      "password": "pw-" + who + "-0123"})
            assert st == 201, j
            ids[who] = j["id"]
            st, j, _ = adm.req("POST", V + "/role-assignments", {"user_id": j["id"], "agency_id": ag,
                                                                 "role": role})
            assert st == 201, j
        out["clerk"].append(f"clerk{i}")
        out["drafter"].append(f"drafter{i}")
        out["drafter_id"].append(ids[f"drafter{i}"])
        st, t, _ = adm.req("POST", V + "/tokens", {"serial": "SH-" + label, "label": label, "agency_id": ag,
                                                   "holder_user_id": ids[f"clerk{i}"]})
        assert st == 201, t
        st, c, _ = adm.req("POST", V + "/certificates", {"owner_kind": "agency", "agency_id": ag,
                                                         "token_id": t["id"], "pem": pems[label],
                                                         "assigned_user_id": ids[f"clerk{i}"]})
        assert st == 201, c
        seal_png(f"{w}/img/agency-{ag}.png")
    for i, (code, name) in enumerate(recipients):
        st, j, _ = adm.req("POST", V + "/agencies", {"name": name, "kind": "ward", "code": code,
                                                     "parent_id": k.root})
        assert st == 201, j
        who = f"rclerk{i}"
        st, u, _ = adm.req("POST", V + "/users", {"login": who, "full_name": "Người " + who,
                                                  "title": "Văn thư", "agency_id": j["id"],
                                                  "password": "pw-" + who + "-0123"})
        assert st == 201, u
        st, _, _ = adm.req("POST", V + "/role-assignments", {"user_id": u["id"], "agency_id": j["id"],
                                                             "role": "clerk"})
        out["recipient"].append(code)
    return out


class Db:
    """Direct SQL on kysod's database (SQLite file or the throw-away PostgreSQL cluster)."""

    def __init__(self, url, pg=None):
        self.url = url
        self.pg = pg

    def q(self, sql):
        if self.url.startswith("sqlite:"):
            con = sqlite3.connect(self.url[7:], timeout=30)
            try:
                rows = con.execute(sql).fetchall()
                con.commit()
            finally:
                con.close()
            return [tuple(str(v) if v is not None else "" for v in r) for r in rows]
        dbname = self.url.split("///")[1].split("?")[0]
        out = subprocess.run(["psql", "-q", "-X", "-A", "-t", "-F", "\t", "-h", self.pg.dir, "-p",
                              str(self.pg.port), "-U", "kyso", "-d", dbname, "-v", "ON_ERROR_STOP=1",
                              "-c", sql], check=True, capture_output=True, text=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]


def signed_documents(k, db, drafter, agency, drafter_id, pdf, series_list, per_series):
    """Uploads `pdf` once through the API as `drafter`, then copies that draft per_series times
    per series, every copy in the state "signed" (its version is the same stored blob).
    Returns {series: [document ids]}."""
    from urllib.parse import urlencode
    c = login(k.port, drafter)
    st, d, _ = c.req("POST", V + "/documents?" + urlencode({"doc_type": "Quyết định", "summary": "Mẫu",
                                                          "series": series_list[0]}),
                     raw=pdf, ctype="application/pdf")
    assert st == 201, (st, d)
    sha, size = d["sha256"], len(pdf)
    out = {}
    for s in series_list:
        first = int(db.q("SELECT COALESCE(MAX(id), 0) FROM documents")[0][0]) + 1
        db.q("INSERT INTO documents(agency_id, drafter_id, signer_id, doc_type, summary, state, series,"
             " pages, created_at, updated_at) SELECT %d, %d, %d, 'Quyết định', 'Văn bản số ' || n,"
             " 'signed', '%s', 1, 0, 0 FROM %s" % (agency, drafter_id, drafter_id, s, numbers(db, per_series)))
        ids = [int(r[0]) for r in db.q("SELECT id FROM documents WHERE agency_id = %d AND series = '%s'"
                                       " AND state = 'signed' AND id >= %d ORDER BY id" % (agency, s, first))]
        assert len(ids) == per_series, (s, len(ids))
        db.q("INSERT INTO doc_versions(document_id, seq, sha256, size, kind, author_id, created_at)"
             " SELECT id, 1, '%s', %d, 'signed', %d, 0 FROM documents WHERE id >= %d AND id <= %d"
             % (sha, size, drafter_id, ids[0], ids[-1]))
        out[s] = ids
    return out


def numbers(db, n):
    """A FROM clause of the rows n = 1..n."""
    if db.url.startswith("sqlite:"):
        return ("(WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < %d)"
                " SELECT n FROM c)" % n)
    return "generate_series(1, %d) AS g(n)" % n
