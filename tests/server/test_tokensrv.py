"""Sign-in and signing with the person's own token (issue 14), server side, on a real kysod with
a real CA (kyso ca: OCSP and CRL served on loopback): the browser's part (kyso-agent) is played
by openssl with the subscriber's key, byte for byte what the agent sends (Web eID
"web-eid:1.0" authentication tokens; PKCS#1 v1.5 / ECDSA values over the prepared hash).

Sign-in: the session it opens is the password sign-in's; refused: a replayed token, a challenge
older than 5 minutes (kysod's clock moved with KYSO_NOW), a token made for another origin, a
request from another Origin, a certificate not registered / revoked (OCSP) / from another CA.
Signing: begin -> hash, finish -> signed, sealed by the clerk, valid in pdfsig and kyso verify;
refused: a value made for another hash, another user's sign_id, after expiry, twice, a
certificate registered to someone else. Batch: 3 documents, one begin, one finish.
Run with "sqlite" or "pg"."""
import base64
import hashlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import datetime

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import ADMIN_PW, BUILD, Client, Kysod, PgCluster, free_port  # noqa: E402

V = "/api/v1"
KYSO = os.path.join(BUILD, "kyso")
ORIGIN = "https://kyso.haiphong.test"
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


def block_pdf(title, name, summary):
    """A one-page PDF with a signer block (title line above the name line) in Times-Roman."""
    content = (f"BT /F1 12 Tf 72 720 Td ({summary}) Tj ET "
               f"BT /F1 13 Tf 360 300 Td ({title}) Tj ET BT /F1 13 Tf 370 180 Td ({name}) Tj ET").encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman /Encoding /WinAnsiEncoding >>"]
    out = b"%PDF-1.4\n"
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


def png(path, w, h, rgba):
    import struct
    import zlib
    rows = b""
    for y in range(h):
        rows += b"\0" + b"".join(bytes(rgba) if abs((y - h / 2) - (x - w / 2) * 0.2) < 3 or
                                 (w == h and (w * .35) ** 2 < (x - w / 2) ** 2 + (y - h / 2) ** 2 < (w * .48) ** 2)
                                 else b"\0\0\0\0" for x in range(w))

    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xffffffff)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


class Pki:
    """kyso ca on an ephemeral loopback port; subscribers with their key in a PEM file (the
    token's stand-in: openssl signs what kyso-agent would)."""

    def __init__(self, w):
        self.w = w
        self.port = free_port()
        self.dir = w + "/ca"
        run([KYSO, "ca", "init", self.dir, "--base-url", f"http://127.0.0.1:{self.port}"])
        self.proc = subprocess.Popen([KYSO, "ca", "serve", self.dir, "--listen", f"127.0.0.1:{self.port}"],
                                     stdout=subprocess.DEVNULL, stderr=open(w + "/ca-serve.log", "w"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), 0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        with open(w + "/trust.pem", "w") as f:
            f.write(open(self.dir + "/root.pem").read() + open(self.dir + "/issuing-ca.pem").read())
        self.trust = w + "/trust.pem"

    def issue(self, name, key_type=None):
        base = f"{self.w}/{name.replace(' ', '_')}"
        env = dict(os.environ, P12_PW="p12-password")
        run([KYSO, "ca", "issue", self.dir, "--profile", "personal", "--name", name, "--title", "Pho Chu tich",
             "--org", "UBND thanh pho Hai Phong", "--out-p12", base + ".p12", "--pin-env", "P12_PW",
             "-o", base + ".pem"], env=env)
        run(["openssl", "pkcs12", "-in", base + ".p12", "-nodes", "-nocerts", "-passin", "env:P12_PW",
             "-out", base + ".key"], env=env)
        return Subscriber(base + ".key", base + ".pem")

    def issue_ec(self, name):
        """An EC P-256 subscriber (kyso ca issue --csr): ES256 sign-in, ECDSA signatures."""
        base = f"{self.w}/{name.replace(' ', '_')}"
        run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
             "-keyout", base + ".key", "-out", base + ".csr", "-subj", "/CN=" + name])
        run([KYSO, "ca", "issue", self.dir, "--profile", "personal", "--name", name, "--title", "Chu tich",
             "--org", "UBND thanh pho Hai Phong", "--csr", base + ".csr", "-o", base + ".pem"])
        return Subscriber(base + ".key", base + ".pem")

    def issue_in_token(self, name, module, token, pin_file):
        """The subscriber's key made inside a PKCS#11 token (non-extractable), the certificate
        written back to it: what kyso-agent lists. Returns the PEM's path."""
        pem = f"{self.w}/{name.replace(' ', '_')}.pem"
        run([KYSO, "ca", "issue", self.dir, "--profile", "personal", "--name", name, "--title", "Pho Chu tich",
             "--org", "UBND thanh pho Hai Phong", "--pkcs11", module, "--token", token, "--key-label", "k",
             "--pin-file", pin_file, "-o", pem])
        return pem

    def revoke(self, sub):
        run([KYSO, "ca", "revoke", self.dir, "--serial", sub.serial, "--reason", "keyCompromise"])

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


class Subscriber:
    def __init__(self, key, pem):
        self.key, self.pem = key, pem
        der = run(["openssl", "x509", "-in", pem, "-outform", "DER"]).stdout
        self.der_b64 = base64.b64encode(der).decode()
        self.serial = run(["openssl", "x509", "-in", pem, "-noout", "-serial"]).stdout.decode().split("=")[1].strip()
        self.ec = b"ASN1 OID" in run(["openssl", "pkey", "-in", key, "-noout", "-text"]).stdout

    def auth_token(self, origin, nonce):
        """kyso-agent's authenticate: RS256 (or ES256, r || s as JWS) over sha256(origin) ||
        sha256(nonce)."""
        data = hashlib.sha256(origin.encode()).digest() + hashlib.sha256(nonce.encode()).digest()
        sig = run(["openssl", "dgst", "-sha256", "-sign", self.key], input=data).stdout
        if self.ec:
            sig = der_to_raw(sig, 32)
        return {"unverifiedCertificate": self.der_b64, "algorithm": "ES256" if self.ec else "RS256",
                "signature": base64.b64encode(sig).decode(), "format": "web-eid:1.0",
                "appVersion": "urn:kyso:agent:test"}

    def sign_hash(self, h_b64):
        """kyso-agent's sign: the hash in, PKCS#1 v1.5 (DigestInfo by the signer) out."""
        sig = run(["openssl", "pkeyutl", "-sign", "-inkey", self.key, "-pkeyopt", "digest:sha256"],
                  input=base64.b64decode(h_b64)).stdout
        return base64.b64encode(sig).decode()


def der_to_raw(d, n):
    """A DER ECDSA-Sig-Value as JWS's r || s, each n bytes."""
    i = 2 if d[1] < 0x80 else 2 + (d[1] & 0x7f)
    out = b""
    for _ in range(2):
        assert d[i] == 2
        ln = d[i + 1]
        out += d[i + 2:i + 2 + ln].lstrip(b"\0").rjust(n, b"\0")
        i += 2 + ln
    return out


class Browser(Client):
    """A client that also keeps the challenge cookie (Path=/api/v1/auth/token)."""

    def __init__(self, port, origin=ORIGIN):
        super().__init__(port)
        self.challenge_cookie = None
        self.origin = origin

    def token_req(self, path, body=None):
        h = {}
        if self.challenge_cookie:
            h["Cookie"] = self.challenge_cookie
        if self.origin:
            h["Origin"] = self.origin
        st, j, r = self.req("POST", V + path, body if body is not None else {}, headers=h)
        sc = r.getheader("Set-Cookie") or ""
        if sc.startswith("kyso_token_challenge="):
            self.challenge_cookie = sc.split(";")[0]
        return st, j, sc

    def token_sign_in(self, sub, origin=ORIGIN):
        st, ch, sc = self.token_req("/auth/token/challenge")
        assert st == 200, (st, ch)
        tok = sub.auth_token(origin, ch["nonce"])
        st, j, _ = self.token_req("/auth/token/sign-in", {"authToken": tok})
        if st == 200:
            self.csrf = j["csrf_token"]
        return st, j, tok, ch, sc


def err(j):
    return j["error"]["code"] if isinstance(j, dict) and "error" in j else j


def iso(t):
    return datetime.datetime.fromtimestamp(t, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def at_time(k, t):
    """Restarts kysod with its clock at t (None: the machine's)."""
    k.stop()
    if t is None:
        os.environ.pop("KYSO_NOW", None)
        os.environ.pop("KYSOD_TEST_CLOCK", None)
    else:
        os.environ["KYSO_NOW"] = iso(t)
        os.environ["KYSOD_TEST_CLOCK"] = "1"
    k.start()


def login(k, who):
    c = Client(k.port)
    st, j = c.sign_in(who, ADMIN_PW if who == "admin" else "pw-" + who + "-0123")
    assert st == 200, (who, st, j)
    return c


def setup(k, subs):
    adm = login(k, "admin")
    city = k.root
    users = {}
    for login_, roles, name in [("drafter", ["drafter"], "Nguoi soan"), ("head", ["unit_head"], "Chanh Van phong"),
                                ("checker", ["format_checker"], "Chuyen vien"),
                                ("vicechair", ["signer"], "Nguyen Van A"), ("chair", ["signer"], "Tran Van B"),
                                ("clerk", ["clerk"], "Van thu")]:
        st, j, _ = adm.req("POST", V + "/users", {"login": login_, "full_name": name, "title": "Pho Chu tich",
                                                  "agency_id": city, "password": "pw-" + login_ + "-0123"})
        assert st == 201, j
        users[login_] = j["id"]
        for r in roles:
            st, j, _ = adm.req("POST", V + "/role-assignments", {"user_id": users[login_], "agency_id": city,
                                                                 "role": r})
            assert st == 201, j
    certs = {}
    for key, owner in [("vicechair", "vicechair"), ("chair", "chair"), ("revoked", "vicechair"),
                       ("chair-ec", "chair")]:
        body = {"owner_kind": "person", "agency_id": city, "user_id": users[owner],
                "pem": open(subs[key].pem).read()}
        st, c, _ = adm.req("POST", V + "/certificates", body)
        assert st == 201, c
        certs[key] = c["id"]
    return adm, users, certs


def to_signing(s, pdf, summary):
    from urllib.parse import urlencode
    q = {"doc_type": "Quyet dinh", "summary": summary, "series": "QĐ"}
    st, d, _ = s["drafter"].req("POST", V + "/documents?" + urlencode(q), raw=pdf, ctype="application/pdf")
    assert st == 201, (st, d)
    i = d["id"]
    s["drafter"].req("POST", V + f"/documents/{i}/submit", {})
    s["head"].req("POST", V + f"/documents/{i}/review", {"decision": "approve"})
    st, d, _ = s["checker"].req("POST", V + f"/documents/{i}/format-check", {"decision": "approve"})
    assert st == 200 and d["state"] == "signing", (st, d)
    return i


def p11_module():
    for m in ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
              "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so"]:
        if os.path.exists(m):
            return m
    raise SystemExit("FAIL: SoftHSM2 missing (scripts/deps.sh installs softhsm2)")


def seal_token(w, pki, mod, env):
    """The city's seal in a server-side SoftHSM2 token (the clerk's existing path)."""
    os.makedirs(w + "/pins", mode=0o700, exist_ok=True)
    open(w + "/pins/seal", "w").write("pin-seal\n")
    open(w + "/seal.pin", "w").write("pin-seal\n")
    open(w + "/so", "w").write("so-12345678\n")
    penv = dict(env, P12_PW="p12-password")
    run([KYSO, "ca", "issue", pki.dir, "--profile", "organization", "--name", "UBND thanh pho Hai Phong",
         "--org-id", "G02", "--out-p12", w + "/seal.p12", "--pin-env", "P12_PW", "-o", w + "/seal.pem"], env=penv)
    open(w + "/p12pass", "w").write("p12-password\n")
    run([KYSO, "token", "init", "--pkcs11", mod, "--token", "seal", "--so-pin-file", w + "/so",
         "--pin-file", w + "/seal.pin"], env=env)
    run([KYSO, "token", "import", "--pkcs11", mod, "--token", "seal", "--key-label", "k", "--p12",
         w + "/seal.p12", "--p12-pass-file", w + "/p12pass", "--pin-file", w + "/seal.pin"], env=env)
    return open(w + "/seal.pem").read()


def check_origins(w):
    """public_origin is bound into every token sign-in: only an origin as browsers send it."""
    from kysod_lib import KYSOD
    for o, good in [("https://kyso.haiphong.gov.vn", True), ("https://kyso.vn:8443", True),
                    ("http://127.0.0.1:8480", True), ("http://localhost", True),
                    ("http://127.0.0.1.evil.example", False), ("https://a.vn/", False), ("https://a.vn/x", False),
                    ("http://kyso.vn", False), ("https://", False), ("https://a:b", False),
                    ("https://user@a.vn", False)]:
        open(w + "/origin.conf", "w").write(f"database = sqlite:{w}/o.db\npublic_origin = {o}\n")
        r = subprocess.run([KYSOD, "--config", w + "/origin.conf", "--check-config"], capture_output=True, text=True)
        check((r.returncode == 0) == good and (good or "public_origin" in r.stderr),
              f"public_origin {o}: exit {r.returncode} {r.stderr.strip()[:200]}")


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    w = tempfile.mkdtemp(prefix="kysod-token-", dir=BUILD)
    check_origins(w)
    mod = p11_module()
    open(w + "/softhsm2.conf", "w").write(f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n"
                                          "log.level = ERROR\nslots.removable = false\n")
    os.makedirs(w + "/tokens")
    os.environ["SOFTHSM2_CONF"] = w + "/softhsm2.conf"
    env = dict(os.environ)
    os.environ.pop("KYSO_NOW", None)
    pki = Pki(w)
    subs = {n: pki.issue(n) for n in ["vicechair", "chair", "revoked", "stranger"]}
    subs["chair-ec"] = pki.issue_ec("Tran Van B")
    # another CA altogether (its certificate is even registered: the path check refuses it)
    run(["openssl", "req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "3", "-keyout",
         w + "/other-ca.key", "-out", w + "/other-ca.pem", "-subj", "/CN=Other CA"])
    open(w + "/ext", "w").write("keyUsage=critical,digitalSignature,nonRepudiation\nbasicConstraints=CA:FALSE\n")
    run(["openssl", "req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", w + "/rogue.key", "-out",
         w + "/rogue.csr", "-subj", "/CN=Nguyen Van A"])
    run(["openssl", "x509", "-req", "-in", w + "/rogue.csr", "-CA", w + "/other-ca.pem", "-CAkey",
         w + "/other-ca.key", "-set_serial", "4242", "-days", "2", "-extfile", w + "/ext", "-out", w + "/rogue.pem"])
    rogue = Subscriber(w + "/rogue.key", w + "/rogue.pem")
    seal_pem = seal_token(w, pki, mod, env)
    pg = None
    if backend == "pg":
        pg = PgCluster()
        db = pg.fresh_db("kysod_token")
    else:
        db = "sqlite:" + w + "/kysod.db"
    k = Kysod(db, w + "/k", f"blob_dir = {w}/blobs\npkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\n"
              f"images_dir = {w}/img\npublic_origin = {ORIGIN}\ntoken_trust = {pki.trust}\n")
    try:
        adm, users, certs = setup(k, subs)
        st, t, _ = adm.req("POST", V + "/tokens", {"serial": "SH-seal", "label": "seal", "agency_id": k.root,
                                                   "holder_user_id": users["clerk"]})
        st, c, _ = adm.req("POST", V + "/certificates", {"owner_kind": "agency", "agency_id": k.root,
                                                         "token_id": t["id"], "pem": seal_pem,
                                                         "assigned_user_id": users["clerk"]})
        assert st == 201, c
        os.makedirs(w + "/img", exist_ok=True)
        for u in ("vicechair", "chair"):
            png(f"{w}/img/user-{users[u]}.png", 240, 80, (20, 40, 200, 255))
        png(f"{w}/img/agency-{k.root}.png", 200, 200, (220, 20, 20, 255))

        # ---- sign-in with the token ----
        b = Browser(k.port)
        st, j, tok, ch, sc = b.token_sign_in(subs["vicechair"])
        check(len(base64.b64decode(ch["nonce"])) == 32 and ch["origin"] == ORIGIN,
              f"the challenge is 256 random bits for {ORIGIN}: {ch}")
        check("HttpOnly" in sc and "SameSite=Strict" in sc, f"the challenge cookie is HttpOnly: {sc}")
        check(st == 200 and j["user"]["login"] == "vicechair" and len(j["csrf_token"]) == 64,
              f"token sign-in opens vicechair's session: {st} {j}")
        st, me, _ = b.req("GET", V + "/me")
        check(st == 200 and me["user"]["login"] == "vicechair", f"the session works: {st}")
        st, ch2, _ = b.token_req("/auth/token/challenge")
        check(ch2["nonce"] != ch["nonce"], "every challenge is fresh")

        # replay: the same token again (its challenge is used)
        st, j, _ = b.token_req("/auth/token/sign-in", {"authToken": tok})
        check(st == 401 and err(j) in ("challenge_unknown", "bad_signature"),
              f"a replayed authentication token is refused: {st} {j}")
        b2 = Browser(k.port)
        b2.challenge_cookie = b.challenge_cookie  # fresh challenge, old token
        st, j, _ = b2.token_req("/auth/token/sign-in", {"authToken": tok})
        check(st == 401 and err(j) == "bad_signature", f"an old token on a new challenge is refused: {st} {j}")
        st, j, _ = Browser(k.port).token_req("/auth/token/sign-in", {"authToken": tok})
        check(st == 401 and err(j) == "challenge_unknown", f"no challenge cookie, no sign-in: {st} {j}")

        # another origin: a token the agent made for another site
        st, j, *_ = Browser(k.port).token_sign_in(subs["vicechair"], origin="https://evil.example")
        check(st == 401 and err(j) == "bad_signature", f"a token for another origin is refused: {st} {j}")
        st, j, *_ = Browser(k.port, origin="https://evil.example").token_sign_in(subs["vicechair"])
        check(st == 403 and err(j) == "bad_origin", f"a request from another Origin is refused: {st} {j}")

        # certificates: not registered, from another CA, revoked (OCSP at the CA)
        st, j, *_ = Browser(k.port).token_sign_in(subs["stranger"])
        check(st == 401 and err(j) == "certificate_unknown", f"an unregistered certificate is refused: {st} {j}")
        st, j, *_ = Browser(k.port).token_sign_in(rogue)
        check(st == 401 and err(j) == "certificate_untrusted", f"another CA's certificate is refused: {st} {j}")
        st, j, *_ = Browser(k.port).token_sign_in(subs["revoked"])
        check(st == 200, f"the third certificate signs in before revocation: {st} {j}")
        pki.revoke(subs["revoked"])
        st, j, *_ = Browser(k.port).token_sign_in(subs["revoked"])
        msg = json.dumps(j, ensure_ascii=False)
        check(st == 401 and err(j) == "certificate_untrusted" and ("revoked" in msg or "thu hồi" in msg),
              f"a revoked certificate is refused: {st} {j}")
        st, j, _ = adm.req("PATCH", V + f"/certificates/{certs['chair']}", {"status": "suspended"})
        st, j, *_ = Browser(k.port).token_sign_in(subs["chair"])
        check(st == 401 and err(j) == "certificate_unknown", f"a suspended certificate is refused: {st} {j}")
        adm.req("PATCH", V + f"/certificates/{certs['chair']}", {"status": "active"})

        # an EC key: ES256 sign-in, then an ECDSA signature on a document (below)
        st, j, *_ = Browser(k.port).token_sign_in(subs["chair-ec"])
        check(st == 200 and j["user"]["login"] == "chair", f"ES256 token sign-in: {st} {j}")
        bad = Browser(k.port)
        st, ch, _ = bad.token_req("/auth/token/challenge")
        tok = subs["chair-ec"].auth_token(ORIGIN, ch["nonce"])
        tok["algorithm"] = "ES384"
        st, j, _ = bad.token_req("/auth/token/sign-in", {"authToken": tok})
        check(st == 401 and err(j) == "bad_signature", f"an algorithm that does not fit the key is refused: {st} {j}")

        # a challenge older than 5 minutes
        late = Browser(k.port)
        st, ch, _ = late.token_req("/auth/token/challenge")
        tok = subs["vicechair"].auth_token(ORIGIN, ch["nonce"])
        at_time(k, time.time() + 301)
        late.port = k.port
        st, j, _ = late.token_req("/auth/token/sign-in", {"authToken": tok})
        check(st == 401 and err(j) == "challenge_expired", f"a challenge older than 5 minutes is refused: {st} {j}")
        at_time(k, None)

        # ---- signing with the token ----
        s = {u: login(k, u) for u in ("drafter", "head", "checker", "clerk")}
        lead = Browser(k.port)
        st, j, *_ = lead.token_sign_in(subs["vicechair"])
        s["vicechair"] = lead
        chair = Browser(k.port)
        st, j, *_ = chair.token_sign_in(subs["chair"])
        check(st == 200, f"the chair signs in with the token: {st} {j}")
        s["chair"] = chair
        pdf = block_pdf("PHO CHU TICH", "Nguyen Van A", "Quyet dinh ve viec ban hanh quy che")
        i = to_signing(s, pdf, "Quyết định ban hành quy chế")
        st, j, _ = lead.req("POST", V + f"/documents/{i}/sign/begin", {"certificate": subs["chair"].der_b64})
        check(st == 409 and err(j) == "wrong_certificate", f"someone else's certificate is refused: {st} {j}")
        st, j, _ = lead.req("POST", V + f"/documents/{i}/sign/begin", {"certificate": subs["stranger"].der_b64})
        check(st == 409 and err(j) == "certificate_unknown", f"an unregistered certificate is refused: {st} {j}")
        st, bg, _ = lead.req("POST", V + f"/documents/{i}/sign/begin",
                             {"certificate": subs["vicechair"].der_b64, "title": "PHO CHU TICH"})
        check(st == 200 and len(base64.b64decode(bg["hash"])) == 32 and bg["hashAlgorithm"] == "SHA-256"
              and bg["signatureAlgorithm"] == "RSASSA-PKCS1-v1_5", f"begin gives the hash: {st} {bg}")
        other = subs["vicechair"].sign_hash(base64.b64encode(hashlib.sha256(b"another").digest()).decode())
        st, j, _ = lead.req("POST", V + f"/documents/{i}/sign/finish", {"sign_id": bg["sign_id"], "signature": other})
        check(st == 422 and err(j) == "bad_signature", f"a value made for another hash is refused: {st} {j}")
        good = subs["vicechair"].sign_hash(bg["hash"])
        st, j, _ = chair.req("POST", V + f"/documents/{i}/sign/finish", {"sign_id": bg["sign_id"], "signature": good})
        check(st == 404, f"another user's sign_id is refused: {st} {j}")
        st, d, _ = lead.req("GET", V + f"/documents/{i}")
        check(d["state"] == "signing", "nothing moved after the refusals")
        st, d, _ = lead.req("POST", V + f"/documents/{i}/sign/finish", {"sign_id": bg["sign_id"], "signature": good})
        check(st == 200 and d["state"] == "signed" and d["signer_id"] == users["vicechair"],
              f"finish signs the document: {st} {d}")
        st, j, _ = lead.req("POST", V + f"/documents/{i}/sign/finish", {"sign_id": bg["sign_id"], "signature": good})
        check(st == 409 and err(j) == "already_finished", f"a second finish is refused: {st} {j}")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
        check(st == 200 and d["state"] == "issued", f"the clerk seals it: {st} {d}")
        st, raw, _ = s["clerk"].req("GET", V + f"/documents/{i}/pdf")
        open(w + "/issued.pdf", "wb").write(raw)
        out = subprocess.run(["pdfsig", w + "/issued.pdf"], capture_output=True, text=True).stdout
        check(out.count("Signature Validation: Signature is Valid.") == 2, "pdfsig: two valid signatures\n" + out)
        v = subprocess.run([KYSO, "verify", w + "/issued.pdf", "--trust", pki.trust, "--json",
                            "--lang", "en"], capture_output=True, text=True, env=env)
        rep = json.loads(v.stdout) if v.stdout.startswith("{") else {}
        inds = [x.get("indication") for x in rep.get("signatures", [])]
        check(v.returncode == 0 and inds == ["TOTAL-PASSED"] * 2, f"kyso verify: {v.returncode} {inds} {v.stderr}")

        # ECDSA: the chair signs with the EC certificate
        ie = to_signing(s, block_pdf("CHU TICH", "Tran Van B", "Quyet dinh ECDSA"), "Quyết định ký ECDSA")
        st, bg, _ = chair.req("POST", V + f"/documents/{ie}/sign/begin",
                              {"certificate": subs["chair-ec"].der_b64, "title": "CHU TICH"})
        check(st == 200 and bg["signatureAlgorithm"] == "ECDSA", f"ECDSA begin: {st} {bg}")
        st, d, _ = chair.req("POST", V + f"/documents/{ie}/sign/finish",
                             {"sign_id": bg.get("sign_id", ""), "signature": subs["chair-ec"].sign_hash(bg.get("hash", ""))})
        check(st == 200 and d["state"] == "signed", f"ECDSA finish: {st} {d}")
        st, raw, _ = chair.req("GET", V + f"/documents/{ie}/pdf")
        open(w + "/ec.pdf", "wb").write(raw)
        v = subprocess.run([KYSO, "verify", w + "/ec.pdf", "--trust", pki.trust, "--json", "--lang", "en"],
                           capture_output=True, text=True, env=env)
        rep = json.loads(v.stdout) if v.stdout.startswith("{") else {}
        check([x.get("indication") for x in rep.get("signatures", [])] == ["TOTAL-PASSED"],
              f"the ECDSA signature verifies: {v.stdout[:300]}")

        # a PDF without the signer block: refused without a position, placed with one
        from kysod_lib import tiny_pdf
        ip = to_signing(s, tiny_pdf("Cong van khong co khoi chu ky"), "Công văn không có khối chữ ký")
        st, j, _ = lead.req("POST", V + f"/documents/{ip}/sign/begin", {"certificate": subs["vicechair"].der_b64})
        check(st == 422 and err(j) == "sign_failed", f"no signer block, no position: refused: {st} {j}")
        st, j, _ = lead.req("POST", V + f"/documents/{ip}/sign/begin",
                            {"certificate": subs["vicechair"].der_b64, "position": {"page": 1, "rect": [300, 100, 100, 200]}})
        check(st == 400 and j["error"]["field"] == "position", f"a rectangle the wrong way round is refused: {st} {j}")
        st, bg, _ = lead.req("POST", V + f"/documents/{ip}/sign/begin",
                             {"certificate": subs["vicechair"].der_b64, "position": {"page": 1, "rect": [320, 120, 540, 220]}})
        check(st == 200, f"a position places the signature: {st} {bg}")
        if st == 200:
            st, d, _ = lead.req("POST", V + f"/documents/{ip}/sign/finish",
                                {"sign_id": bg["sign_id"], "signature": subs["vicechair"].sign_hash(bg["hash"])})
            check(st == 200 and d["state"] == "signed", f"signed where asked: {st}")

        # expiry of a prepared signature
        i2 = to_signing(s, block_pdf("PHO CHU TICH", "Nguyen Van A", "Quyet dinh thu hai"), "Quyết định thứ hai")
        st, bg, _ = lead.req("POST", V + f"/documents/{i2}/sign/begin", {"certificate": subs["vicechair"].der_b64})
        at_time(k, time.time() + 16 * 60)
        lead.port = k.port
        st, j, _ = lead.req("POST", V + f"/documents/{i2}/sign/finish",
                            {"sign_id": bg["sign_id"], "signature": subs["vicechair"].sign_hash(bg["hash"])})
        check(st == 410 and err(j) == "expired", f"a prepared signature past its expiry is refused: {st} {j}")
        at_time(k, None)
        for c in list(s.values()) + [adm]:
            c.port = k.port

        # ---- a batch of three (with the expired one again) ----
        ids = [i2] + [to_signing(s, block_pdf("PHO CHU TICH", "Nguyen Van A", f"Quyet dinh so {n}"),
                                 f"Quyết định số {n}") for n in range(3, 5)]
        st, j, _ = chair.req("GET", V + "/sign-batch/waiting")
        check(st == 200 and {x["id"] for x in j["items"]} >= set(ids), f"the waiting list: {st} {j}")
        st, bb, _ = lead.req("POST", V + "/sign-batch/begin", {"document_ids": ids + [ids[0]],
                                                               "certificate": subs["vicechair"].der_b64})
        check(st == 400, f"a repeated id is refused: {st}")
        st, bb, _ = lead.req("POST", V + "/sign-batch/begin", {"document_ids": ids,
                                                               "certificate": subs["vicechair"].der_b64})
        check(st == 200 and len(bb["items"]) == 3 and all(x["title"].startswith("Quyet dinh") for x in bb["items"]),
              f"batch begin: {st} {bb}")
        items = [{"sign_id": x["sign_id"], "signature": subs["vicechair"].sign_hash(x["hash"])} for x in bb["items"]]
        bad = [dict(items[0]), dict(items[1], signature=items[2]["signature"]), items[2]]
        st, j, _ = lead.req("POST", V + "/sign-batch/finish", {"items": bad})
        check(st == 422 and err(j) == "bad_signature", f"a batch with one swapped value is refused: {st} {j}")
        st, j, _ = lead.req("GET", V + f"/documents/{ids[0]}")
        check(j["state"] == "signing", "no document of the refused batch moved")
        st, j, _ = lead.req("POST", V + "/sign-batch/finish", {"items": items})
        check(st == 200 and sorted(j["signed"]) == sorted(ids), f"batch finish: {st} {j}")
        for d_id in ids:
            st, d, _ = lead.req("GET", V + f"/documents/{d_id}")
            check(d["state"] == "signed", f"document {d_id} signed")

        st, v, _ = adm.req("GET", V + "/audit/verify")
        check(v["ok"], "the audit chain holds")
        st, au, _ = adm.req("GET", V + "/audit?limit=500")
        acts = [e["action"] for e in au["items"]]
        check("session.token_sign_in_failed" in acts and "document.sign_begin" in acts and "document.sign" in acts,
              f"sign-ins and signatures audited: {sorted(set(acts))}")
        tok_in = [e for e in au["items"] if e["action"] == "session.sign_in" and (e.get("after") or {}).get("method") == "token"]
        check(len(tok_in) >= 3 and all(e["actor"] in ("vicechair", "chair") for e in tok_in),
              f"token sign-ins audited with their actor: {len(tok_in)}")
        log = open(w + "/k/kysod.log").read()
        check(subs["vicechair"].der_b64[:40] not in log, "no certificate or token bytes in the log")
    finally:
        rc = k.stop()
        check(rc == 0, f"kysod exits cleanly (sanitizers quiet): {rc}; log {w}/k/kysod.log")
        pki.stop()
        if pg:
            pg.stop()
    print(f"{backend}: {checks - fails} passed, {fails} failed")
    if fails:
        print("work dir:", w)
    else:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


if __name__ == "__main__":
    main()
