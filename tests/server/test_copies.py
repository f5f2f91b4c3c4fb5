"""Copies, the follow-up register and the registers as files (issue 13, branch copies) on a real
kysod (SQLite or a throw-away PostgreSQL): SAO Y, SAO LỤC and TRÍCH SAO of an issued decision and
of an accepted incoming one, each with its own number in the agency's copy register and the
agency's copy signature (pdfsig and kyso verify pass; the text sits top right of page one); the
original byte for byte unchanged; the follow-up of an accepted document by its assignee, overdue
in working days; the four registers as CSV, XLSX (read back with zipfile) and PDF (pdftotext,
qpdf --check, rendered with mutool); a closed year the database refuses to change."""
import csv
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile
from urllib.parse import quote
from xml.etree import ElementTree

sys.path.insert(0, os.path.dirname(__file__))
import wf_fixture as F  # noqa: E402
from kysod_lib import BUILD, Kysod, PgCluster  # noqa: E402

V = F.V
check = F.check


def sha(b):
    return hashlib.sha256(b).hexdigest()


def pdf_text(path, page=None):
    cmd = ["pdftotext", "-layout"] + (["-f", str(page), "-l", str(page)] if page else []) + [path, "-"]
    return subprocess.run(cmd, capture_output=True, text=True).stdout


def pages_of(path):
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else -1


def verify(w, path, nsigs):
    out = subprocess.run(["pdfsig", path], capture_output=True, text=True).stdout
    check(out.count("Signature is Valid") == nsigs and "Total document signed" in out,
          f"pdfsig {path}: {nsigs} valid signatures, the last covering the whole file:\n{out}")
    v = subprocess.run([F.KYSO, "verify", "--json", "--trust", w + "/ca.pem", "--offline", path],
                       capture_output=True, text=True)
    vj = json.loads(v.stdout) if v.stdout.strip().startswith("{") else {}
    check(v.returncode == 0 and vj.get("indication") == "TOTAL-PASSED" and
          len(vj.get("signatures", [])) == nsigs,
          f"kyso verify {path}: TOTAL-PASSED, {nsigs} signatures: {v.returncode} {v.stdout[:300]} {v.stderr[:300]}")


def xlsx_rows(data):
    """The first sheet's rows as lists of strings (shared strings resolved), stdlib only."""
    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    z = zipfile.ZipFile(io.BytesIO(data))
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", ns):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % ns["m"])))
    sheet = ElementTree.fromstring(z.read("xl/worksheets/sheet1.xml"))
    rows = []
    for row in sheet.find("m:sheetData", ns).findall("m:row", ns):
        while len(rows) < int(row.get("r")) - 1:
            rows.append([])  # a row never written (the blank one under the title)
        cells = {}
        for c in row.findall("m:c", ns):
            col = re.match(r"[A-Z]+", c.get("r")).group(0)
            idx = 0
            for ch in col:
                idx = idx * 26 + ord(ch) - 64
            v = c.find("m:v", ns)
            t = c.get("t")
            if t == "s" and v is not None:
                cells[idx - 1] = shared[int(v.text)]
            elif t == "inlineStr":
                cells[idx - 1] = "".join(x.text or "" for x in c.iter("{%s}t" % ns["m"]))
            else:
                cells[idx - 1] = v.text if v is not None else ""
        n = max(cells) + 1 if cells else 0
        rows.append([cells.get(i, "") for i in range(n)])
    return rows


class Db:
    """Direct SQL on kysod's database: only to move a deadline into the past and to prove that
    the database itself refuses changes to a closed year."""

    def __init__(self, backend, w, pg, name):
        self.backend, self.w, self.pg, self.name = backend, w, pg, name

    def run(self, sql):
        if self.backend == "pg":
            cmd = ["psql", "-v", "ON_ERROR_STOP=1", "-q", "-h", self.pg.dir, "-p", str(self.pg.port),
                   "-U", "kyso", "-d", self.name, "-c", sql]
        else:
            cmd = ["sqlite3", self.w + "/kysod.db", sql]
        return subprocess.run(cmd, capture_output=True, text=True)


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    w = tempfile.mkdtemp(prefix="kysod-copies-", dir=BUILD)
    mod = F.p11_module()
    open(w + "/softhsm2.conf", "w").write(f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n"
                                          "log.level = ERROR\nslots.removable = false\n")
    os.makedirs(w + "/tokens")
    env = dict(os.environ, SOFTHSM2_CONF=w + "/softhsm2.conf")
    os.environ["SOFTHSM2_CONF"] = w + "/softhsm2.conf"
    qd, _ = F.make_pdfs(w)
    # a three-page decision: the LibreOffice one, its pages told apart by what follows
    open(w + "/qd1.pdf", "wb").write(qd)
    F.run(["qpdf", "--empty", "--pages", w + "/qd1.pdf", w + "/qd1.pdf", w + "/qd1.pdf", "--",
           w + "/qd3.pdf"])
    qd3 = open(w + "/qd3.pdf", "rb").read()
    pems = F.make_pki(w, env, mod, keys=(("vicechair", "Nguyễn Văn Phó"),
                                         ("seal", "Ủy ban nhân dân thành phố Hải Phòng"),
                                         ("wardseal", "Ủy ban nhân dân phường Hồng Bàng")))
    pg = None
    dbname = "kysod_copies"
    if backend == "pg":
        pg = PgCluster()
        db = pg.fresh_db(dbname)
    else:
        db = "sqlite:" + w + "/kysod.db"
    sql = Db(backend, w, pg, dbname)
    k = Kysod(db, w + "/k", f"blob_dir = {w}/blobs\npkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\n"
              f"images_dir = {w}/img\nmax_body_kb = 4096\n")
    try:
        adm, ids, users = F.setup(k, pems)
        ward1 = ids["G02.01.01"]
        for ag, short in [(k.root, "UBND"), (ward1, "UBND")]:
            st, a, resp = adm.req("GET", V + f"/agencies/{ag}")
            st, j, _ = adm.req("PATCH", V + f"/agencies/{ag}", {"short_name": short},
                               headers={"If-Match": resp.getheader("ETag")})
            check(st == 200 and j["short_name"] == short, f"short name {short}: {st} {j}")
        st, t, _ = adm.req("POST", V + "/tokens", {"serial": "SH-wardseal", "label": "wardseal",
                                                   "agency_id": ward1, "holder_user_id": users["clerk1"]})
        check(st == 201, f"ward token: {st} {t}")
        st, c, _ = adm.req("POST", V + "/certificates", {"owner_kind": "agency", "agency_id": ward1,
                                                         "token_id": t["id"], "pem": pems["wardseal"],
                                                         "assigned_user_id": users["clerk1"]})
        check(st == 201, f"ward seal certificate: {st} {c}")
        os.makedirs(w + "/img", exist_ok=True)
        F.png(f"{w}/img/user-{users['vicechair']}.png", 240, 80, (20, 40, 200, 255))
        F.png(f"{w}/img/agency-{k.root}.png", 200, 200, (220, 20, 20, 255))
        s = {u: F.login(k, u) for u in users}

        # an issued three-page decision, sent to two wards: one accepts, one rejects
        d = F.walk(k, s, qd3, "Quyết định về việc ban hành quy chế công tác văn thư")
        i = d["id"]
        st, orig, _ = s["clerk"].req("GET", V + f"/documents/{i}/pdf")
        orig_sha = sha(orig)
        check(orig_sha == d["sha256"], "the issued PDF is the one on record")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{i}/send", {"to": ["G02.01.01", "G02.01.02"]})
        check(st == 200, f"sent: {st} {d}")
        st, inbox1, _ = s["clerk1"].req("GET", V + "/deliveries?state=received")
        d1 = inbox1["items"][0]["id"]
        st, inbox2, _ = s["clerk2"].req("GET", V + "/deliveries?state=received")
        d2 = inbox2["items"][0]["id"]
        st, j, _ = s["clerk1"].req("POST", V + f"/deliveries/{d1}/accept",
                                   {"assignee_id": users["officer1"], "deadline_days": 5})
        check(st == 200, f"ward 1 accepts: {st} {j}")
        s["clerk2"].req("POST", V + f"/deliveries/{d2}/reject", {"reason": "Không thuộc thẩm quyền"})

        # ---- copies ----
        st, j, _ = s["drafter"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO Y"})
        check(st == 403, f"only a clerk makes copies: {st} {j}")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "BẢN CHỤP"})
        check(st == 400, f"an unknown copy form is refused: {st} {j}")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO LỤC"})
        check(st == 400 and j["error"]["field"] == "from_copy_id", f"a SAO LỤC needs its SAO Y: {st} {j}")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "TRÍCH SAO"})
        check(st == 400 and j["error"]["field"] == "pages", f"a TRÍCH SAO needs its pages: {st} {j}")
        for bad in ["99", "1,1", "x", "3-1", "0"]:
            st, j, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "TRÍCH SAO", "pages": bad})
            check(st == 422 and j["error"]["field"] == "pages", f"pages \"{bad}\" refused: {st} {j}")
        st, draft, _ = F.upload(s["drafter"], qd, "Chưa ban hành")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{draft['id']}/copies", {"form": "SAO Y"})
        check(st == 409 and j["error"]["code"] == "not_registered", f"a draft is not copied: {st} {j}")
        st, j, _ = s["clerk2"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO Y"})
        check(st == 404, f"the ward that rejected it cannot copy it: {st} {j}")
        st, reg, _ = s["clerk"].req("GET", V + "/registers/copies")
        check(st == 200 and reg["total"] == 0, f"nothing registered by the refusals: {reg}")

        st, sy, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO Y", "note": "Gửi Sở Nội vụ"})
        check(st == 201 and sy["number"] == 1 and sy["symbol"] == "01/SY-UBND" and sy["form"] == "SAO Y"
              and sy["source_sha256"] == orig_sha and sy["doc_symbol"] == "01/QĐ-UBND",
              f"SAO Y 01/SY-UBND: {st} {sy}")
        st, sy_pdf, _ = s["clerk"].req("GET", V + f"/copies/{sy['id']}/pdf")
        check(sy_pdf[:len(orig)] == orig and len(sy_pdf) > len(orig) and sha(sy_pdf) == sy["sha256"],
              "the SAO Y is the original byte for byte plus the copy signature")
        open(w + "/sy.pdf", "wb").write(sy_pdf)
        verify(w, w + "/sy.pdf", 3)
        top = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-x", "297", "-y", "0", "-W", "298", "-H",
                              "200", w + "/sy.pdf", "-"], capture_output=True, text=True).stdout
        check("SAO Y" in top and "Ủy ban nhân dân thành phố Hải Phòng" in top and
              re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00", top),
              f"the copy text at the top right of page one (§4.4): {top!r}")

        st, sl, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO LỤC",
                                                                          "from_copy_id": sy["id"]})
        check(st == 201 and sl["number"] == 2 and sl["symbol"] == "02/SL-UBND" and
              sl["source_copy_id"] == sy["id"] and sl["source_sha256"] == sy["sha256"],
              f"SAO LỤC 02/SL-UBND from the SAO Y: {st} {sl}")
        st, sl_pdf, _ = s["clerk"].req("GET", V + f"/copies/{sl['id']}/pdf")
        check(sl_pdf[:len(sy_pdf)] == sy_pdf, "the SAO LỤC is the SAO Y plus its own signature")
        open(w + "/sl.pdf", "wb").write(sl_pdf)
        verify(w, w + "/sl.pdf", 4)

        st, ts, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "TRÍCH SAO", "pages": "3, 1"})
        check(st == 201 and ts["number"] == 3 and ts["symbol"] == "03/TrS-UBND" and ts["page_list"] == "3, 1",
              f"TRÍCH SAO 03/TrS-UBND of pages 3 and 1: {st} {ts}")
        st, ts_pdf, _ = s["clerk"].req("GET", V + f"/copies/{ts['id']}/pdf")
        open(w + "/ts.pdf", "wb").write(ts_pdf)
        check(pages_of(w + "/ts.pdf") == 2, f"the extract has 2 pages: {pages_of(w + '/ts.pdf')}")
        q = subprocess.run(["qpdf", "--check", w + "/ts.pdf"], capture_output=True, text=True)
        check(q.returncode in (0, 3) and "No syntax or stream encoding errors" in q.stdout, f"qpdf: {q.stdout[-300:]}")
        verify(w, w + "/ts.pdf", 1)
        t1 = pdf_text(w + "/ts.pdf", 1)
        check("TRÍCH SAO" in t1 and "QUYẾT ĐỊNH" in t1, f"the extract's page 1 is a page of the decision, "
              f"with the copy text: {t1[:300]!r}")

        full = pdf_text(w + "/ts.pdf")
        check("Nơi nhận" not in full and "Nguyễn Văn A" not in full,
              "the extract holds the chosen pages only (page 2's recipients and signer are not in it)")
        raw = ts_pdf.decode("latin-1")
        check(raw.count("/Type /Sig") + raw.count("/Type/Sig") == 1,
              "the extract carries no signature of the source, only its own")

        # the ward copies what it accepted: its own series, from 01
        st, wc, _ = s["clerk1"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO Y"})
        check(st == 201 and wc["number"] == 1 and wc["agency_id"] == ward1 and
              wc["issuer"] == "Ủy ban nhân dân thành phố Hải Phòng", f"ward 1's SAO Y 01: {st} {wc}")
        st, wc_pdf, _ = s["clerk1"].req("GET", V + f"/copies/{wc['id']}/pdf")
        open(w + "/wc.pdf", "wb").write(wc_pdf)
        verify(w, w + "/wc.pdf", 3)
        st, j, _ = s["clerk1"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO LỤC",
                                                                           "from_copy_id": sy["id"]})
        check(st == 422 and j["error"]["field"] == "from_copy_id",
              f"a SAO LỤC only of the agency's own SAO Y: {st} {j}")
        st, j, _ = s["clerk2"].req("GET", V + f"/copies/{wc['id']}")
        check(st == 404, f"another ward does not see the copy: {st}")

        # a signature that fails takes no number
        os.rename(w + "/pins/seal", w + "/pins/seal.off")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO Y"})
        check(st == 422 and "PIN" in j["error"]["message"], f"the copy signature fails clearly: {st} {j}")
        os.rename(w + "/pins/seal.off", w + "/pins/seal")
        st, c4, _ = s["clerk"].req("POST", V + f"/documents/{i}/copies", {"form": "SAO Y"})
        check(st == 201 and c4["number"] == 4, f"the failed copy took no number: {c4.get('number')}")

        # the original: unchanged byte for byte, on the API and in the store
        st, after, _ = s["clerk"].req("GET", V + f"/documents/{i}/pdf")
        st, doc, _ = s["clerk"].req("GET", V + f"/documents/{i}")
        check(sha(after) == orig_sha and doc["sha256"] == orig_sha and
              sha(open(f"{w}/blobs/{orig_sha}", "rb").read()) == orig_sha and
              [v["kind"] for v in doc["versions"]] == ["draft", "signed", "sealed"],
              "the original is kept unchanged (SHA-256 before and after, no new version)")

        st, reg, _ = s["clerk"].req("GET", V + "/registers/copies")
        check([(x["number"], x["form"]) for x in reg["items"]] ==
              [(1, "SAO Y"), (2, "SAO LỤC"), (3, "TRÍCH SAO"), (4, "SAO Y")], f"the copy register: {reg}")
        st, reg, _ = s["clerk"].req("GET", V + "/registers/copies?form=" + quote("TRÍCH SAO"))
        check(reg["total"] == 1 and reg["items"][0]["page_list"] == "3, 1", f"filtered by form: {reg}")

        # ---- the follow-up register ----
        st, fu, _ = s["clerk1"].req("GET", V + "/registers/followup")
        e = fu["items"][0] if fu.get("items") else {}
        check(fu.get("total") == 1 and e.get("progress") == "pending" and e.get("overdue") is False and
              len(e.get("deadline", "")) == 10 and e.get("assignee") == "Người officer1",
              f"the follow-up register: {fu}")
        st, j, _ = s["clerk1"].req("POST", V + f"/deliveries/{d1}/followups", {"progress": "done"})
        check(st == 403, f"only the assignee reports progress: {st} {j}")
        st, j, _ = s["officer1"].req("POST", V + f"/deliveries/{d1}/followups", {"progress": "finished"})
        check(st == 400, f"an unknown progress is refused: {st}")
        st, j, _ = s["officer1"].req("POST", V + f"/deliveries/{d1}/followups",
                                     {"progress": "in_progress", "note": "Đang dự thảo văn bản trả lời"})
        check(st == 200 and j["progress"] == "in_progress" and j["overdue"] is False, f"in progress: {st} {j}")
        # the deadline moved into the past: overdue by working days
        r = sql.run("UPDATE reg_incoming SET deadline = '2026-11-02' WHERE delivery_id = %d" % d1)
        check(r.returncode == 0, f"deadline moved: {r.stderr}")
        st, fu, _ = s["clerk1"].req("GET", V + "/registers/followup")
        e = fu["items"][0]
        check(e["overdue"] is True and e["overdue_days"] >= 20, f"overdue in working days: {e}")
        st, text, r = s["clerk1"].req("GET", V + "/registers/followup?format=csv")
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        check(len(rows) == 2 and len(rows[0]) == 7 and rows[0][0] == "Số đến" and
              rows[0][5] == "Số, ký hiệu văn bản trả lời" and rows[1][0] == "01" and
              "quá hạn" in rows[1][4] and "ngày làm việc" in rows[1][4], f"follow-up CSV: {rows}")
        st, j, _ = s["officer1"].req("POST", V + f"/deliveries/{d1}/followups",
                                     {"progress": "done", "reply_symbol": "15/UBND-VP", "note": "Đã trả lời"})
        check(st == 200 and j["progress"] == "done" and j["reply_symbol"] == "15/UBND-VP" and
              len(j["done_date"]) == 10, f"done with the reply's number: {st} {j}")
        st, j, _ = s["officer1"].req("POST", V + f"/deliveries/{d1}/followups", {"progress": "in_progress"})
        check(st == 409, f"done is final: {st}")
        st, hist, _ = s["clerk1"].req("GET", V + f"/deliveries/{d1}/followups")
        check([u["progress"] for u in hist["updates"]] == ["in_progress", "done"], f"history kept: {hist}")
        st, j, _ = s["clerk2"].req("GET", V + f"/deliveries/{d1}/followups")
        check(st == 404, f"another ward does not see it: {st}")

        # ---- the registers as files ----
        heads = {"outgoing": ["Số, ký hiệu văn bản", "Ngày tháng văn bản", "Tên loại và trích yếu nội dung",
                              "Người ký", "Nơi nhận văn bản", "Đơn vị, người nhận bản lưu", "Số lượng bản",
                              "Ngày chuyển", "Ký nhận", "Ghi chú"],
                 "incoming": ["Ngày đến", "Số đến", "Tác giả", "Số, ký hiệu văn bản", "Ngày tháng văn bản",
                              "Tên loại và trích yếu nội dung", "Đơn vị hoặc người nhận", "Ngày chuyển",
                              "Ký nhận", "Ghi chú"],
                 "followup": ["Số đến", "Tên loại, số, ký hiệu, ngày tháng văn bản, cơ quan ban hành",
                              "Đơn vị hoặc người nhận", "Thời hạn giải quyết", "Tiến độ giải quyết",
                              "Số, ký hiệu văn bản trả lời", "Ghi chú"]}
        who = {"outgoing": "clerk", "incoming": "clerk1", "followup": "clerk1", "copies": "clerk"}
        nrows = {"outgoing": 1, "incoming": 1, "followup": 1, "copies": 4}
        first = {"outgoing": "01/QĐ-UBND", "incoming": None, "followup": "01", "copies": "01/SY-UBND"}
        for kind in ["outgoing", "incoming", "followup", "copies"]:
            c = s[who[kind]]
            st, text, r = c.req("GET", V + f"/registers/{kind}?format=csv")
            rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
            check(st == 200 and len(rows) == nrows[kind] + 1, f"{kind} CSV rows: {rows}")
            if kind in heads:
                check(rows[0] == heads[kind], f"{kind} CSV headings are Appendix IV's: {rows[0]}")
            st, data, r = c.req("GET", V + f"/registers/{kind}?format=xlsx")
            check(st == 200 and r.getheader("Content-Type").startswith("application/vnd.openxmlformats"),
                  f"{kind} XLSX answered: {st}")
            x = xlsx_rows(data) if st == 200 else []
            # title rows (agency, register, year), a blank row, headings, (1)..(n), entries
            check(len(x) == 6 + nrows[kind] and x[4] == rows[0] and x[5][:2] == ["(1)", "(2)"] and
                  x[6:] == rows[1:], f"{kind} XLSX read back equals the CSV: {x[:8]}")
            check(x and x[1][0].startswith("SỔ "), f"{kind} XLSX title: {x[:3]}")
            if first[kind]:
                check(x and x[6][0] == first[kind], f"{kind} XLSX first entry: {x[6:7]}")
            st, data, r = c.req("GET", V + f"/registers/{kind}?format=pdf&year=%d" % e["year"])
            path = f"{w}/reg-{kind}.pdf"
            open(path, "wb").write(data)
            check(st == 200 and data[:5] == b"%PDF-", f"{kind} PDF answered: {st}")
            q = subprocess.run(["qpdf", "--check", path], capture_output=True, text=True)
            check(q.returncode == 0 and "No syntax or stream encoding errors" in q.stdout,
                  f"{kind} PDF qpdf --check: {q.stdout[-300:]} {q.stderr[-300:]}")
            t = pdf_text(path)
            flat = " ".join(t.split())
            check("SỔ " in t and "Năm %d" % e["year"] in t and "Trang 1/1" in t and "(1)" in t and
                  "(%d)" % len(rows[0]) in t, f"{kind} PDF title, numbering, page: {t[:600]}")
            for h in rows[0]:
                words = h.split()
                check(all(wd in flat for wd in words), f"{kind} PDF heading {h!r} present")
            info = subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout
            check("842 x 595" in info or "841.89 x 595.276" in info, f"{kind} PDF is A4 landscape: {info}")
            fonts = subprocess.run(["pdffonts", path], capture_output=True, text=True).stdout
            check("LiberationSerif" in fonts and " yes " in fonts, f"{kind} PDF embeds Liberation Serif: {fonts}")
            png = f"{w}/reg-{kind}"
            m = subprocess.run(["mutool", "draw", "-q", "-r", "50", "-o", png + "-%d.png", path, "1"],
                               capture_output=True, text=True)
            check(m.returncode == 0 and os.path.getsize(png + "-1.png") > 2000, f"{kind} PDF renders: {m.stderr}")
        st, text, _ = s["clerk1"].req("GET", V + "/registers/incoming?format=csv")
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        check(rows[1][1] == "01" and rows[1][2] == "Ủy ban nhân dân thành phố Hải Phòng" and
              rows[1][3] == "01/QĐ-UBND" and rows[1][6] == "Người officer1", f"incoming CSV row: {rows[1]}")
        st, text, _ = s["clerk"].req("GET", V + "/registers/outgoing?format=csv")
        rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
        check("phường Hồng Bàng" in rows[1][4] and len(rows[1][7]) == 10, f"outgoing CSV: recipients, sent: {rows[1]}")

        # filters: the same for lists and files
        today = e["received_date"]
        for q_, n in [(f"from={today}&to={today}", 4), ("from=2020-01-01&to=2020-12-31", 0), ("year=2020", 0)]:
            st, reg, _ = s["clerk"].req("GET", V + f"/registers/copies?{q_}")
            st, text, _ = s["clerk"].req("GET", V + f"/registers/copies?format=csv&{q_}")
            check(reg["total"] == n and len(list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))) == n + 1,
                  f"filter {q_}: {reg['total']} entries")
        st, j, _ = s["clerk"].req("GET", V + "/registers/copies?from=06-12-2026")
        check(st == 400 and j["error"]["field"] == "from", f"a bad date is named: {st} {j}")
        st, j, _ = s["clerk"].req("GET", V + "/registers/copies?format=docx")
        check(st == 400 and j["error"]["field"] == "format", f"an unknown format is named: {st} {j}")
        st, j, _ = s["clerk2"].req("GET", V + f"/registers/copies?agency_id={k.root}")
        check(st in (403, 404), f"another agency's register is not readable: {st}")

        # ---- closing a year (khóa sổ) ----
        r = sql.run("INSERT INTO reg_copies(agency_id, document_id, form, year, number, symbol, copied_date,"
                    " doc_symbol, doc_date, doc_type, summary, issuer, source_sha256, sha256, size, clerk_id,"
                    f" created_at) VALUES({k.root}, {i}, 'SAO Y', 2025, 1, '01/SY-UBND', '2025-12-31', 'x', 'x',"
                    f" 'x', 'x', 'x', 'x', 'x', 1, {users['clerk']}, 0)")
        check(r.returncode == 0, f"a 2025 entry: {r.stderr}")
        st, j, _ = s["clerk"].req("POST", V + "/registers/copies/close", {"year": e["year"]})
        check(st == 422 and j["error"]["code"] == "year_not_ended", f"the current year stays open: {st} {j}")
        st, j, _ = s["drafter"].req("POST", V + "/registers/copies/close", {"year": 2025})
        check(st == 403, f"only a clerk closes: {st}")
        st, j, _ = s["clerk"].req("POST", V + "/registers/copies/close", {"year": 2025})
        check(st == 200 and j["year"] == 2025, f"2025 closed: {st} {j}")
        st, j, _ = s["clerk"].req("POST", V + "/registers/copies/close", {"year": 2025})
        check(st == 409, f"closed once: {st}")
        st, reg, _ = s["clerk"].req("GET", V + "/registers/copies?year=2025")
        check(reg["total"] == 1 and "closed_at" in reg, f"the register shows it closed: {reg}")
        for stmt in ["UPDATE reg_copies SET note = 'sửa' WHERE year = 2025",
                     "DELETE FROM reg_copies WHERE year = 2025",
                     "INSERT INTO reg_copies(agency_id, document_id, form, year, number, symbol, copied_date,"
                     " doc_symbol, doc_date, doc_type, summary, issuer, source_sha256, sha256, size, clerk_id,"
                     f" created_at) VALUES({k.root}, {i}, 'SAO Y', 2025, 2, '02/SY-UBND', '2025-12-31', 'x',"
                     f" 'x', 'x', 'x', 'x', 'x', 'x', 1, {users['clerk']}, 0)"]:
            r = sql.run(stmt)
            check(r.returncode != 0 and "closed" in r.stderr, f"the database refuses {stmt[:30]}: {r.stderr}")
        r = sql.run(f"UPDATE reg_copies SET note = 'vẫn mở' WHERE year = {e['year']} AND number = 1")
        check(r.returncode == 0, f"the open year still changes: {r.stderr}")

        st, au, _ = adm.req("GET", V + "/audit?limit=200")
        acts = {x["action"] for x in au["items"]}
        check({"copy.create", "followup.update", "register.close"} <= acts, f"audited: {sorted(acts)}")
        st, v, _ = adm.req("GET", V + "/audit/verify")
        check(v["ok"], "the audit chain holds")
    finally:
        rc = k.stop()
        check(rc == 0, f"kysod exits cleanly (sanitizers quiet): {rc}; log {w}/k/kysod.log")
        if pg:
            pg.stop()
    print(f"{backend}: {F.checks - F.fails} passed, {F.fails} failed")
    if F.fails or os.environ.get("KYSO_KEEP"):
        print("work dir:", w)
    else:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if F.fails else 0)


main()
