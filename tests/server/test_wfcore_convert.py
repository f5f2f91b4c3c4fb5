"""DOCX/ODT drafts converted to PDF by LibreOffice headless in a background job (issue 13,
wfcore), on a real kysod, SQLite or PostgreSQL: the upload answers 202 with a job, GET /jobs/{id}
shows queued → running → done with rising progress and then the draft document (PDF ≥ 1.4); at
most convert_max conversions run at once; a conversion past convert_timeout_s is killed with its
whole process group and the job fails with the reason. Refused with a clear reason and nothing
stored: a password-protected ODT (saved by LibreOffice through UNO) and DOCX (an Office
encrypted-package container), a PDF or an ODT sent as a DOCX, a name that contradicts the type,
and a 200 MB upload (refused early by Content-Length and, without it, by counting the stream:
kysod's peak memory barely moves)."""
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import ADMIN_PW, BUILD, Client, Kysod, PgCluster  # noqa: E402

V = "/api/v1"
SRC = os.environ.get("KYSO_SOURCE") or os.path.join(os.path.dirname(__file__), "../..")
CT_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CT_ODT = "application/vnd.oasis.opendocument.text"
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


def make_files(w):
    if not shutil.which("soffice"):
        raise SystemExit("FAIL: soffice missing (bash scripts/deps.sh)")
    src = os.path.join(SRC, "tests/data/docfmt/qd.fodt")
    shutil.copy(src, w + "/qd.fodt")
    t = open(src, encoding="utf-8").read()
    anchor = '<text:p text:style-name="C13">Số: 15/QĐ-UBND</text:p>'
    assert anchor in t
    open(w + "/qdmat.fodt", "w", encoding="utf-8").write(
        t.replace(anchor, anchor + '<text:p text:style-name="C14B">MẬT</text:p>'))
    lo = ["timeout", "600", "soffice", "--headless", f"-env:UserInstallation=file://{w}/lo"]
    run(lo + ["--convert-to", "docx", "--outdir", w, w + "/qd.fodt", w + "/qdmat.fodt"])
    run(lo + ["--convert-to", "odt", "--outdir", w, w + "/qd.fodt"])
    run(lo + ["--convert-to", "pdf", "--outdir", w, w + "/qd.fodt"])
    py = "/usr/bin/python3"  # Debian's, with python3-uno
    r = subprocess.run([py, os.path.join(SRC, "tests/tools/lo_save.py"), w + "/qd.fodt", w + "/pw.odt",
                        "writer8", "mật-khẩu"], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("FAIL: LibreOffice through UNO (python3-uno, bash scripts/deps.sh): " + r.stderr[-500:])
    f = {n: open(f"{w}/{n}", "rb").read() for n in ["qd.docx", "qd.odt", "qd.pdf", "pw.odt", "qdmat.docx"]}
    f["pw.docx"] = encrypted_package(f["qd.docx"])
    return f


def encrypted_package(inner):
    """An Office encrypted-package container (MS-OFFCRYPTO 2.3.4: an OLE compound file with the
    streams EncryptionInfo and EncryptedPackage, as Word writes a password-protected .docx).
    The payload is the DOCX XOR-masked: what counts here is the container, which kysod must
    recognise before LibreOffice would ask for the password."""
    sec = 512

    def dirent(name, typ, left, right, child, start, size):
        n = (name + "\0").encode("utf-16-le")
        return (n.ljust(64, b"\0") + struct.pack("<HBBIII", len(n), typ, 1, left, right, child) +
                b"\0" * 16 + b"\0" * 4 + b"\0" * 16 + struct.pack("<IQ", start, size))
    info = struct.pack("<HHI", 4, 4, 0x40) + b"<encryption/>".ljust(500, b" ")
    pkg = struct.pack("<Q", len(inner)) + bytes(b ^ 0x5A for b in inner)
    big = lambda b: b + b"\0" * (-len(b) % sec)
    info_s, pkg_s = big(info), big(pkg)
    n_info, n_pkg = len(info_s) // sec, len(pkg_s) // sec
    # sectors: 0 FAT, 1 directory, then EncryptionInfo, then EncryptedPackage
    fat = [0xFFFFFFFD, 0xFFFFFFFE]
    first_info = 2
    for i in range(n_info):
        fat.append(first_info + i + 1 if i < n_info - 1 else 0xFFFFFFFE)
    first_pkg = first_info + n_info
    for i in range(n_pkg):
        fat.append(first_pkg + i + 1 if i < n_pkg - 1 else 0xFFFFFFFE)
    fat_s = struct.pack("<%dI" % len(fat), *fat).ljust(sec, b"\xff")
    d = (dirent("Root Entry", 5, 0xFFFFFFFF, 0xFFFFFFFF, 1, 0xFFFFFFFE, 0) +
         dirent("EncryptionInfo", 2, 0xFFFFFFFF, 2, 0xFFFFFFFF, first_info, len(info)) +
         dirent("EncryptedPackage", 2, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, first_pkg, len(pkg)))
    d = d.ljust(sec, b"\0")
    hdr = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) +
           b"\0" * 6 + struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0))
    hdr += struct.pack("<I", 0) + b"\xff" * (436 - 4)
    return hdr.ljust(sec, b"\xff") + fat_s + d + info_s + pkg_s


def login(k, who):
    c = Client(k.port)
    st, j = c.sign_in(who, ADMIN_PW if who == "admin" else "pw-" + who + "-0123")
    assert st == 200, (who, st, j)
    return c


def setup(k):
    adm = login(k, "admin")
    st, j, _ = adm.req("POST", V + "/users", {"login": "drafter", "full_name": "Người soạn", "title": "Chuyên viên",
                                              "agency_id": k.root, "password": "pw-drafter-0123"})
    assert st == 201, j
    st, r, _ = adm.req("POST", V + "/role-assignments", {"user_id": j["id"], "agency_id": k.root, "role": "drafter"})
    assert st == 201, r
    return login(k, "drafter")


def upload(c, data, ctype, summary, filename=None):
    q = {"doc_type": "Quyết định", "summary": summary, "series": "QĐ"}
    if filename:
        q["filename"] = filename
    return c.req("POST", V + "/documents?" + urlencode(q), raw=data, ctype=ctype)


def wait_job(c, jid, limit=180):
    seen = []
    t0 = time.time()
    while time.time() - t0 < limit:
        st, j, _ = c.req("GET", V + f"/jobs/{jid}")
        if st != 200:
            return j, seen
        seen.append((j["state"], j["progress"]))
        if j["state"] in ("done", "failed"):
            return j, seen
        time.sleep(0.15)
    return j, seen


def vm_hwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def big_upload(port, cookie, csrf, total, with_length):
    """Streams `total` bytes as a draft; returns the HTTP status kysod answered (0: none)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=30)
    path = V + "/documents?" + urlencode({"doc_type": "Quyết định", "summary": "Quá lớn"})
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\nX-CSRF-Token: {csrf}\r\n" \
           f"Content-Type: {CT_DOCX}\r\n"
    head += f"Content-Length: {total}\r\n" if with_length else "Transfer-Encoding: chunked\r\n"
    s.sendall((head + "\r\n").encode())
    chunk = b"PK\x03\x04" + b"\0" * (1 << 20)
    sent = 0
    try:
        while sent < total:
            part = chunk[:min(len(chunk), total - sent)]
            if with_length:
                s.sendall(part)
            else:
                s.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
            sent += len(part)
        if not with_length:
            s.sendall(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        data = s.recv(200)
    except (ConnectionResetError, socket.timeout):
        data = b""
    s.close()
    try:
        return int(data.split(b" ")[1]), sent
    except (IndexError, ValueError):
        return 0, sent


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    w = tempfile.mkdtemp(prefix="kysod-convert-test-", dir=BUILD)
    files = make_files(w)
    pg = None
    ks = []
    try:
        if backend == "pg":
            pg = PgCluster()
            db, db2 = pg.fresh_db("kysod_conv"), pg.fresh_db("kysod_conv_slow")
        else:
            db, db2 = "sqlite:" + w + "/kysod.db", "sqlite:" + w + "/kysod-slow.db"
        k = Kysod(db, w + "/k", f"blob_dir = {w}/blobs\nmax_body_kb = 8192\nconvert_max = 1\n"
                  "convert_timeout_s = 120\n")
        ks.append(k)
        c = setup(k)

        # refusals, each with its reason; nothing stored
        for data, ct, name, code, what in [
                (files["pw.odt"], CT_ODT, None, "password_protected", "a password-protected ODT"),
                (files["pw.docx"], CT_DOCX, None, "password_protected", "a password-protected DOCX"),
                (files["qd.pdf"], CT_DOCX, None, "wrong_type", "a PDF sent as a DOCX"),
                (files["qd.odt"], CT_DOCX, None, "wrong_type", "an ODT sent as a DOCX"),
                (files["qd.docx"], CT_ODT, None, "wrong_type", "a DOCX sent as an ODT"),
                (files["qd.docx"], CT_DOCX, "quyet-dinh.pdf", "wrong_type", "a .pdf name on a DOCX")]:
            st, j, _ = upload(c, data, ct, what, name)
            msg = j.get("error", {}).get("message", "") if isinstance(j, dict) else ""
            check(st == 422 and j["error"]["code"] == code and len(msg) > 20,
                  f"{what} is refused ({code}): {st} {j}")
        st, j, _ = c.req("GET", V + "/documents")
        check(j["total"] == 0, f"nothing stored by the refusals: {j['total']}")

        # 200 MB: refused before it is read, memory unchanged
        adm = login(k, "admin")
        hwm0 = vm_hwm(k.proc.pid)
        t0 = time.time()
        st, sent = big_upload(k.port, c.cookie, c.csrf, 200 << 20, True)
        t_len = time.time() - t0
        st2, sent2 = big_upload(k.port, c.cookie, c.csrf, 200 << 20, False)
        hwm1 = vm_hwm(k.proc.pid)
        print(f"200 MB upload: Content-Length → {st} after {sent >> 20} MiB sent in {t_len:.2f} s; "
              f"chunked → {st2} after {sent2 >> 20} MiB; kysod VmHWM {hwm0} → {hwm1} KiB")
        check(st == 413 and st2 == 413, f"a 200 MB upload is refused (413): {st} {st2}")
        check(hwm1 - hwm0 < 32 * 1024, f"kysod did not buffer it: VmHWM grew {hwm1 - hwm0} KiB")
        st, j, _ = c.req("GET", V + "/documents")
        check(j["total"] == 0, "nothing stored by the 200 MB uploads")

        # DOCX and ODT: 202, job progress, then the draft
        st, j1, r = upload(c, files["qd.docx"], CT_DOCX, "Quyết định từ DOCX", "quyet-dinh.docx")
        check(st == 202 and j1.get("state") == "queued" and j1.get("progress") == 0,
              f"a DOCX is queued: {st} {j1}")
        st, j2, _ = upload(c, files["qd.odt"], CT_ODT, "Quyết định từ ODT")
        check(st == 202, f"an ODT is queued: {st} {j2}")
        running_together = 0
        t0 = time.time()
        while time.time() - t0 < 240:
            a = c.req("GET", V + f"/jobs/{j1['id']}")[1]
            b = c.req("GET", V + f"/jobs/{j2['id']}")[1]
            running_together = max(running_together, (a["state"] == "running") + (b["state"] == "running"))
            if a["state"] in ("done", "failed") and b["state"] in ("done", "failed"):
                break
            time.sleep(0.1)
        check(running_together == 1, f"convert_max = 1: one conversion at a time ({running_together})")
        for j, what in [(a, "DOCX"), (b, "ODT")]:
            check(j["state"] == "done" and j["progress"] == 100 and j.get("document_id"),
                  f"the {what} job is done with its document: {j}")
            st, d, _ = c.req("GET", V + f"/documents/{j.get('document_id')}")
            check(st == 200 and d["state"] == "draft" and d["pages"] >= 2 and
                  [v["kind"] for v in d["versions"]] == ["draft"], f"the {what} draft: {st} {d}")
            st, pdf, _ = c.req("GET", V + f"/documents/{j.get('document_id')}/pdf")
            ver = pdf[5:8].decode("ascii", "replace") if isinstance(pdf, bytes) else ""
            check(st == 200 and pdf[:5] == b"%PDF-" and ver >= "1.4", f"the {what} became PDF {ver}")
        # progress was visible on the way
        st, j3, _ = upload(c, files["qd.docx"], CT_DOCX, "Lần nữa")
        final, seen = wait_job(c, j3["id"])
        states = [s for s, _ in seen]
        prog = [p for _, p in seen]
        check("running" in states and final["state"] == "done" and prog == sorted(prog) and
              any(0 < p < 100 for p in prog), f"progress rises while it runs: {seen[:12]} … {final}")
        # classified: by its field at once; by the stamp on its first page once converted
        st, j, _ = c.req("POST", V + "/documents?" + urlencode({"doc_type": "Quyết định", "summary": "Mật",
                                                                  "classification": "mat"}),
                         raw=files["qd.docx"], ctype=CT_DOCX)
        check(st == 422 and j["error"]["code"] == "classified", f"a DOCX flagged mật is refused: {st} {j}")
        st, j4, _ = upload(c, files["qdmat.docx"], CT_DOCX, "Có dấu MẬT")
        final, _ = wait_job(c, j4.get("id"))
        check(final.get("state") == "failed" and "MẬT" in final.get("error", "") and not final.get("document_id"),
              f"a DOCX stamped MẬT fails its conversion job naming the stamp, no document: {final}")
        adm2 = Client(k.port)
        adm2.sign_in("admin", ADMIN_PW)
        st, j, _ = Client(k.port).req("GET", V + f"/jobs/{j3['id']}")
        check(st == 401, f"a job is not public: {st}")
        k.stop()

        # a conversion that hangs: killed with its process group at the timeout
        pidfile = w + "/slow.pid"
        os.environ["KYSO_SLOW_PIDFILE"] = pidfile
        k2 = Kysod(db2, w + "/k2", f"blob_dir = {w}/blobs2\nmax_body_kb = 8192\nconvert_max = 2\n"
                   f"convert_timeout_s = 2\nsoffice = {os.path.join(SRC, 'tests/tools/slow_soffice.sh')}\n")
        ks.append(k2)
        c2 = setup(k2)
        st, j, _ = upload(c2, files["qd.docx"], CT_DOCX, "Treo")
        final, seen = wait_job(c2, j["id"], 60)
        check(final["state"] == "failed" and "2 s" in final.get("error_en", "") and
              final.get("error", "") != final.get("error_en", ""),
              f"a hung conversion fails at the timeout, the reason in Vietnamese and English: {final}")
        pid = int(open(pidfile).read()) if os.path.exists(pidfile) else 0
        time.sleep(0.3)
        alive = pid and os.path.exists(f"/proc/{pid}")
        group = []
        for p in os.listdir("/proc") if pid else []:
            try:
                f = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(f[2]) == pid and f[0] != "Z":  # a zombie waiting for init is dead already
                group.append(p)
        alive = alive and open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()[0] != "Z"
        check(pid and not alive and not group, f"the converter and its children were killed: {pid} {group}")
        st, d, _ = c2.req("GET", V + "/documents")
        check(d["total"] == 0, "no document from a failed conversion")
    finally:
        for k in ks:
            k.stop()
        if pg:
            pg.stop()
    print(f"{backend}: {checks - fails} passed, {fails} failed")
    if not fails:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


main()
