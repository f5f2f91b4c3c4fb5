"""Helpers for the kysod tests: a throw-away PostgreSQL cluster, a kysod on an ephemeral
loopback port, and an HTTP client that keeps the session cookie and the CSRF token."""
import glob
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

BUILD = os.environ.get("KYSO_BUILD") or os.path.join(os.path.dirname(__file__), "../../build")
KYSOD = os.path.join(BUILD, "kysod")
ADMIN_PW = "admin-password-" + str(os.getpid())


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class PgCluster:
    """initdb in a temporary directory, pg_ctl start on a Unix socket there (no TCP port)."""

    def __init__(self):
        bins = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not bins:
            raise SystemExit("FAIL: PostgreSQL server binaries missing (scripts/deps.sh installs postgresql)")
        self.bin = os.path.dirname(bins[-1])
        self.dir = tempfile.mkdtemp(prefix="kyso-pg-")
        os.chmod(self.dir, 0o755)
        self.port = free_port()
        self._run([os.path.join(self.bin, "initdb"), "-D", self.dir + "/data", "-U", "kyso",
                   "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"])
        self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.dir + "/data", "-w", "-l",
                   self.dir + "/log", "-o",
                   f"-k {self.dir} -p {self.port} -c listen_addresses='' -c fsync=off", "start"])
        self.url = f"postgresql:///postgres?host={self.dir}&port={self.port}&user=kyso"

    def _run(self, cmd):
        if os.geteuid() == 0:  # initdb refuses root: run as the postgres user
            shutil.chown(self.dir, "postgres")
            for root, dirs, files in os.walk(self.dir):
                for d in dirs:
                    shutil.chown(os.path.join(root, d), "postgres")
            cmd = ["runuser", "-u", "postgres", "--"] + cmd
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def fresh_db(self, name):
        subprocess.run(["psql", "-q", "-h", self.dir, "-p", str(self.port), "-U", "kyso", "-d",
                        "postgres", "-c", f"CREATE DATABASE {name}"], check=True,
                       stdout=subprocess.DEVNULL)
        return f"postgresql:///{name}?host={self.dir}&port={self.port}&user=kyso"

    def stop(self):
        try:
            self._run([os.path.join(self.bin, "pg_ctl"), "-D", self.dir + "/data", "-m", "immediate",
                       "stop"])
        finally:
            shutil.rmtree(self.dir, ignore_errors=True)


class Kysod:
    def __init__(self, db, workdir, extra="", init=True):
        self.workdir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.conf = os.path.join(workdir, "kysod.conf")
        with open(self.conf, "w") as f:
            f.write(f"listen = 127.0.0.1:0\ndatabase = {db}\nthreads = 2\ndb_pool = 4\n"
                    "pwhash_opslimit = 1\npwhash_memlimit_kb = 8192\n" + extra)
        if init:
            env = dict(os.environ, KYSOD_ADMIN_PASSWORD=ADMIN_PW)
            out = subprocess.run([KYSOD, "--config", self.conf, "--init-admin", "admin",
                                  "--agency-name", "Ủy ban nhân dân thành phố Hải Phòng",
                                  "--agency-code", "G02"], env=env, check=True,
                                 capture_output=True, text=True).stdout
            self.root = json.loads(out)["agency_id"]
        self.proc = None
        self.start()

    def start(self):
        pf = os.path.join(self.workdir, "port")
        if os.path.exists(pf):
            os.unlink(pf)
        self.log = open(os.path.join(self.workdir, "kysod.log"), "a")
        self.proc = subprocess.Popen([KYSOD, "--config", self.conf, "--port-file", pf],
                                     stderr=self.log)
        for _ in range(200):
            if os.path.exists(pf):
                break
            if self.proc.poll() is not None:
                raise SystemExit("FAIL: kysod exited at start; log: " + self.workdir)
            time.sleep(0.02)
        self.port = int(open(pf).read())
        for _ in range(100):
            try:
                st, _, _ = Client(self.port).req("GET", "/healthz")
                if st == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit("FAIL: /healthz never answered 200")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


def tiny_pdf(text="Test"):
    """A one-page PDF with a correct cross-reference table (the strict parser opens it)."""
    content = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R"
            b" /Resources << /Font << /F1 5 0 R >> >> >>",
            b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >>"]
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


class Client:
    def __init__(self, port, lang=None):
        self.port = port
        self.cookie = None
        self.csrf = None
        self.lang = lang

    def req(self, method, path, body=None, headers=None, ctype="application/json", raw=None,
            csrf=True):
        h = dict(headers or {})
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf and csrf and method not in ("GET", "HEAD"):
            h["X-CSRF-Token"] = self.csrf
        if self.lang:
            h["Accept-Language"] = self.lang
        data = raw
        if body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            h["Content-Type"] = ctype
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            c.request(method, path, body=data, headers=h)
        except (BrokenPipeError, ConnectionResetError):
            pass  # kysod answered early (413) and closed: read that answer
        r = c.getresponse()
        payload = r.read()
        c.close()
        sc = r.getheader("Set-Cookie")
        if sc and sc.startswith("kyso_session="):
            v = sc.split(";")[0]
            self.cookie = v if v != "kyso_session=" else None
        j = None
        if payload and (r.getheader("Content-Type") or "").startswith("application/json"):
            j = json.loads(payload)
        return r.status, j if j is not None else payload, r

    def sign_in(self, login, password):
        st, j, _ = self.req("POST", "/api/v1/auth/sign-in", {"login": login, "password": password})
        if st == 200:
            self.csrf = j["csrf_token"]
        return st, j
