"""What the web UI's document page needs from kysod (issue 13): the format checker runs the
Decree 30 check before deciding (GET /documents/{id}/format-report: findings, no state change,
not visible to another agency), and the signer's chosen place of the signature image goes to the engine
(POST /documents/{id}/sign with "position": the widget lands on that page at that box; a bad
box is refused naming the field, a page outside the document is refused and signs nothing).
Run on SQLite and PostgreSQL: test_wfui_sign.py sqlite|pg"""
import json
import os
import re
import subprocess
import sys
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(__file__))
from wf_city import KYSO, V, City  # noqa: E402

fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


def to_signing(c, s, pdf, summary):
    q = urlencode({"doc_type": "Quyết định", "summary": summary, "series": "QĐ"})
    st, d, _ = s["chuyenvien"].req("POST", V + "/documents?" + q, raw=pdf, ctype="application/pdf")
    assert st == 201, d
    i = d["id"]
    s["chuyenvien"].req("POST", V + f"/documents/{i}/submit", {})
    s["chanhvp"].req("POST", V + f"/documents/{i}/review", {"decision": "approve"})
    return i


def widget_rects(data, start):
    """The /Rect arrays of the signature widgets added after byte `start`."""
    tail = data[start:]
    out = []
    for m in re.finditer(rb"/FT\s*/Sig", tail):
        lo = tail.rfind(b" obj", 0, m.start())
        hi = tail.find(b"endobj", m.end())
        r = re.search(rb"/Rect\s*\[\s*([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s+([-\d.]+)\s*\]", tail[lo:hi])
        if r:
            out.append([float(x) for x in r.groups()])
    return out


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    city = City(backend, prefix="kysod-wfui-")
    keep = True
    try:
        pdf = open(city.pdf, "rb").read()
        s = {u: city.client(u) for u in city.users}

        # the format report before deciding
        i = to_signing(city, s, pdf, "Báo cáo thể thức trước khi quyết định")
        st, j, _ = s["vanthu.hb"].req("GET", V + f"/documents/{i}/format-report")
        check(st == 404, f"another agency does not see the document: {st}")
        st, rep, _ = s["thethuc"].req("GET", V + f"/documents/{i}/format-report")
        check(st == 200 and isinstance(rep.get("findings"), list),
              f"the checker gets the findings: {st} {rep}")
        check(all({"rule", "page", "box", "message"} <= set(f) for f in rep.get("findings", [])),
              f"each finding has rule, page, box, message: {rep}")
        st, d, _ = s["thethuc"].req("GET", V + f"/documents/{i}")
        check(d["state"] == "format_check" and not d.get("format_report"),
              f"the report changed nothing: {d['state']} {d.get('format_report')}")
        st, j, _ = s["thethuc"].req("GET", V + "/documents/999999/format-report")
        check(st == 404, f"an unknown document: {st}")
        s["thethuc"].req("POST", V + f"/documents/{i}/format-check", {"decision": "approve"})

        # bad positions are refused before anything is signed
        sign = lambda body: s["phochutich"].req("POST", V + f"/documents/{i}/sign", body)  # noqa: E731
        for bad in [{"page": 1, "x0": 10, "y0": 10, "x1": 12, "y1": 12},          # 2 pt wide
                    {"page": 0, "x0": 100, "y0": 100, "x1": 300, "y1": 160},      # page 0
                    {"page": 1, "x0": "a", "y0": 100, "x1": 300, "y1": 160},      # not a number
                    {"page": 1, "x0": 100, "y0": 100, "x1": 300},                 # a corner missing
                    {"page": 1, "x0": 100, "y0": 100, "x1": 300, "y1": 160, "z": 1},
                    {"page": 1.5, "x0": 100, "y0": 100, "x1": 300, "y1": 160},
                    [1, 2, 3]]:
            st, j, _ = sign({"title": "CHỦ TỊCH", "position": bad})
            check(st == 400 and j["error"].get("field") == "position", f"refused {bad}: {st} {j}")
        st, j, _ = sign({"title": "CHỦ TỊCH", "position": {"page": 99, "x0": 100, "y0": 100, "x1": 300, "y1": 160}})
        check(st == 422 and "99" in j["error"]["message"], f"a page outside the document is named: {st} {j}")
        st, d, _ = s["phochutich"].req("GET", V + f"/documents/{i}")
        check(d["state"] == "signing" and len(d["versions"]) == 1, f"nothing signed by the refusals: {d['state']}")

        # the chosen place is where the widget lands
        want = [300.0, 200.0, 450.0, 250.0]
        st, d, _ = sign({"title": "CHỦ TỊCH", "position": {"page": 1, "x0": want[0], "y0": want[1],
                                                           "x1": want[2], "y1": want[3]}})
        check(st == 200 and d["state"] == "signed", f"signed at the chosen place: {st} {d}")
        st, signed, _ = s["phochutich"].req("GET", V + f"/documents/{i}/pdf")
        rects = widget_rects(signed, len(pdf))
        check(len(rects) == 1 and all(abs(a - b) < 0.6 for a, b in zip(rects[0], want)),
              f"the widget's /Rect is the chosen box: {rects}")
        out = city.work + "/signed.pdf"
        open(out, "wb").write(signed)
        ps = subprocess.run(["pdfsig", out], capture_output=True, text=True).stdout
        check("Signature is Valid" in ps, "pdfsig: the signature is valid:\n" + ps)
        v = subprocess.run([KYSO, "verify", "--json", "--trust", city.ca, "--offline", out],
                           capture_output=True, text=True)
        check(v.returncode == 0, f"kyso verify: exit {v.returncode} {v.stdout[:300]}")

        # without a position the engine still finds the place between title and name
        j2 = to_signing(city, s, pdf, "Vị trí mặc định")
        s["thethuc"].req("POST", V + f"/documents/{j2}/format-check", {"decision": "approve"})
        st, d, _ = s["phochutich"].req("POST", V + f"/documents/{j2}/sign", {"title": "CHỦ TỊCH"})
        st2, signed2, _ = s["phochutich"].req("GET", V + f"/documents/{j2}/pdf")
        r2 = widget_rects(signed2, len(pdf))
        check(st == 200 and len(r2) == 1 and r2[0] != want, f"the engine's own place otherwise: {r2}")
        st, au, _ = city.client("admin").req("GET", V + "/audit?limit=100")
        check(sum(1 for e in au["items"] if e["action"] == "document.sign") == 2, "two signatures audited")
        keep = fails > 0
    finally:
        rc = city.stop(keep=keep)
        check(rc == 0, f"kysod exits cleanly (sanitizers quiet): {rc}")
    print(f"{backend}: {checks - fails} passed, {fails} failed")
    if fails:
        print("work dir:", city.work)
    sys.exit(1 if fails else 0)


main()
