"""The registers as files: an outgoing register of N entries (BENCH_ROWS, default 2,000, put
straight into kysod's SQLite database) fetched from a running kysod as CSV, XLSX and PDF (A4
landscape, Appendix IV columns, Liberation Serif), each timed over 5 runs (median wall time);
against LibreOffice converting the same CSV to PDF and to XLSX in the same run (its start-up
included: that is what a clerk would otherwise pay). Prints pages, sizes and ratios.
Last line: RESULT rows=N csv_ms=N xlsx_ms=N pdf_ms=N pdf_pages=N lo_pdf_ratio=R lo_xlsx_ratio=R"""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../tests/server"))
from kysod_lib import ADMIN_PW, Client, Kysod  # noqa: E402

ROWS = int(os.environ.get("BENCH_ROWS", "2000"))


def timed(fn, runs=5):
    ts, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        ts.append(time.perf_counter() - t)
    return statistics.median(ts) * 1000, out


def main():
    w = tempfile.mkdtemp(prefix="bench-registers-")
    k = Kysod("sqlite:" + w + "/k.db", w + "/k", "log_level = warn\n")
    try:
        c = Client(k.port)
        st, _ = c.sign_in("admin", ADMIN_PW)
        assert st == 200
        users = subprocess.run(["sqlite3", w + "/k.db", "SELECT id FROM users LIMIT 1"],
                               capture_output=True, text=True, check=True).stdout.strip()
        sql = ["BEGIN;"]
        for i in range(1, ROWS + 1):
            sql.append(
                f"INSERT INTO documents(id, agency_id, drafter_id, doc_type, summary, state, created_at,"
                f" updated_at) VALUES({i}, {k.root}, {users}, 'Quyết định', 'x', 'issued', 0, 0);"
                f"INSERT INTO reg_outgoing(agency_id, document_id, series, year, number, symbol, issued_date,"
                f" doc_type, summary, signer, recipients, copies, handler, created_at) VALUES({k.root}, {i},"
                f" 'QĐ', 2026, {i}, '{i:02d}/QĐ-UBND', '2026-03-05', 'Quyết định', 'Quyết định về việc phê"
                f" duyệt kế hoạch cải cách hành chính năm 2026 của Ủy ban nhân dân thành phố, số {i}',"
                f" 'Phó Chủ tịch Nguyễn Văn A', '[\"Ủy ban nhân dân phường Hồng Bàng\", \"Sở Nội vụ\"]',"
                f" 2, 'Văn phòng', 0);")
        sql.append("COMMIT;")
        subprocess.run(["sqlite3", w + "/k.db"], input="\n".join(sql), text=True, check=True)
        res = {}
        for fmt in ["csv", "xlsx", "pdf"]:
            ms, (st, body, _) = timed(lambda: c.req("GET", f"/api/v1/registers/outgoing?format={fmt}"))
            assert st == 200, (fmt, st, body[:200])
            open(f"{w}/reg.{fmt}", "wb").write(body)
            res[fmt] = (ms, len(body))
        pages = subprocess.run(["pdfinfo", w + "/reg.pdf"], capture_output=True, text=True).stdout
        npages = int([x for x in pages.splitlines() if x.startswith("Pages:")][0].split()[1])
        lo = {}
        for fmt in ["pdf", "xlsx"]:
            ms, _ = timed(lambda: subprocess.run(
                ["soffice", "--headless", f"-env:UserInstallation=file://{w}/lo", "--convert-to", fmt,
                 "--outdir", w + "/lo-out", w + "/reg.csv"], capture_output=True, check=True), runs=3)
            lo[fmt] = ms
        for fmt in ["csv", "xlsx", "pdf"]:
            print(f"kysod {fmt:4s}: {res[fmt][0]:8.1f} ms  {res[fmt][1] / 1024:8.1f} KiB")
        print(f"PDF pages: {npages}")
        print(f"LibreOffice CSV->PDF:  {lo['pdf']:8.1f} ms  (ratio {lo['pdf'] / res['pdf'][0]:.2f}x)")
        print(f"LibreOffice CSV->XLSX: {lo['xlsx']:8.1f} ms  (ratio {lo['xlsx'] / res['xlsx'][0]:.2f}x)")
        print(f"RESULT rows={ROWS} csv_ms={res['csv'][0]:.0f} xlsx_ms={res['xlsx'][0]:.0f} "
              f"pdf_ms={res['pdf'][0]:.0f} pdf_pages={npages} lo_pdf_ratio={lo['pdf'] / res['pdf'][0]:.2f} "
              f"lo_xlsx_ratio={lo['xlsx'] / res['xlsx'][0]:.2f}")
    finally:
        k.stop()
        shutil.rmtree(w, ignore_errors=True)


main()
