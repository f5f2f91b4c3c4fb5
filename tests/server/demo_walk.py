"""Walks the demo city's sample decision (scripts/demo_server.sh) through the API with the
passwords the demo wrote: the drafter submits, the unit head approves, the format checker
approves, the vice-chair signs with her key in the SoftHSM2 token, the clerk numbers, seals and
issues (B-T, the demo TSA), sends to Phường Hồng Bàng, whose clerk accepts it (verified on
arrival). The issued PDF is checked with pdfsig and `kyso verify` against the demo CA.
Usage: demo_walk.py DEMO_DIR (build/demo-server or the test's own); exit 0 only when all pass."""
import http.client
import json
import os
import re
import subprocess
import sys

D = sys.argv[1]
KYSO = os.environ.get("KYSO") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../build/kyso")
conf = dict(l.split(" = ", 1) for l in open(D + "/kysod.conf").read().splitlines() if " = " in l)
PORT = int(conf["listen"].rsplit(":", 1)[1])
PW = {l.split("\t")[0]: l.rstrip("\n").split("\t")[3] for l in open(D + "/passwords.txt")}
fails = checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    print(("ok  " if cond else "FAIL") + " " + what.splitlines()[0][:200])
    if not cond:
        fails += 1
        print("     " + what[:1500])


class Session:
    def __init__(self, login):
        self.cookie = self.csrf = None
        st, me = self.req("POST", "/auth/sign-in", {"login": login, "password": PW[login]})
        assert st == 200, (login, st, me)
        self.csrf = me["csrf_token"]

    def req(self, method, path, body=None):
        h = {"Content-Type": "application/json"}
        if self.cookie:
            h["Cookie"] = self.cookie
        if self.csrf:
            h["X-CSRF-Token"] = self.csrf
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
        c.request(method, "/api/v1" + path, json.dumps(body) if body is not None else None, h)
        r = c.getresponse()
        data = r.read()
        sc = r.getheader("Set-Cookie")
        if sc:
            self.cookie = sc.split(";")[0]
        if r.getheader("Content-Type", "").startswith("application/json"):
            data = json.loads(data or b"null")
        return r.status, data


s = {u: Session(u) for u in ["chuyenvien", "chanhvp", "thethuc", "phochutich", "vanthu", "vanthu.hb"]}
st, lst = s["chuyenvien"].req("GET", "/documents")
drafts = [d for d in lst.get("items", []) if d["state"] == "draft"]
check(st == 200 and len(drafts) == 1, f"the drafter's first screen has the sample draft: {st} {lst}")
if not drafts:
    print(f"demo walk: no sample draft; {checks - fails} passed, {fails} failed")
    sys.exit(1)
i = drafts[0]["id"]
for who, path, body, want in [
        ("chuyenvien", "submit", {}, "review"),
        ("chanhvp", "review", {"decision": "approve"}, "format_check"),
        ("thethuc", "format-check", {"decision": "approve"}, "signing"),
        ("phochutich", "sign", {"title": "Phó Chủ tịch"}, "signed"),  # the web UI's default: her title
        ("vanthu", "issue", {"symbol": "QĐ-UBND", "series": "QĐ"}, "issued"),
        ("vanthu", "send", {"to": ["G02.35.01"]}, "sent")]:
    st, d = s[who].req("POST", f"/documents/{i}/{path}", body)
    check(st == 200 and d.get("state") == want, f"{who} {path} -> {want}: {st} {d}")
st, inbox = s["vanthu.hb"].req("GET", "/deliveries?state=received")
check(st == 200 and inbox.get("total") == 1, f"the ward's inbox has it: {st} {inbox}")
dl = inbox["items"][0]["id"]
st, dj = s["vanthu.hb"].req("GET", f"/deliveries/{dl}")
check(st == 200 and dj.get("verdict") == "TOTAL-PASSED", f"verified on arrival: {st} {dj.get('verdict')}")
st, j = s["vanthu.hb"].req("POST", f"/deliveries/{dl}/accept", {})
check(st == 200 and j.get("state") == "accepted", f"the ward's clerk accepts: {st} {j}")

st, pdf = s["vanthu"].req("GET", f"/documents/{i}/pdf")
check(st == 200 and isinstance(pdf, bytes) and pdf.startswith(b"%PDF"), f"the issued PDF: {st}")
out = D + "/issued.pdf"
open(out, "wb").write(pdf)
ps = subprocess.run(["pdfsig", out], capture_output=True, text=True).stdout
check(ps.count("Signature is Valid") == 2, "pdfsig: the signature and the seal are valid:\n" + ps)
check(len(re.findall(r"Signature Type: ETSI.CAdES.detached", ps)) == 2, "pdfsig: both are PAdES:\n" + ps)
ca = os.path.dirname(os.path.realpath(conf["trust_anchors"]))
trust = ["--trust", conf["trust_anchors"]]
v = subprocess.run([KYSO, "--lang", "en", "verify", "--json"] + trust + [out], capture_output=True, text=True)
vj = json.loads(v.stdout) if v.stdout.strip().startswith("{") else {}
sigs = vj.get("signatures", [])
got = [(g.get("indication"), g.get("level")) for g in sigs]
check(v.returncode == 0 and vj.get("indication") == "TOTAL-PASSED" and len(sigs) == 2
      and all(g[0] == "TOTAL-PASSED" for g in got),
      f"kyso verify: TOTAL-PASSED, both signatures: exit {v.returncode} {got} {v.stdout[:1500]} {v.stderr[:300]}")
check(got[-1:] == [("TOTAL-PASSED", "B-T")], f"the seal is B-T (timestamped by the demo TSA): {got}")
signers = [g.get("signer", {}) for g in sigs]
check("Trần Thị Bình" in json.dumps(signers[:1], ensure_ascii=False) and
      "Ủy ban nhân dân thành phố Hải Phòng" in json.dumps(signers[1:], ensure_ascii=False),
      f"the vice-chair signed, the committee sealed: {json.dumps(signers, ensure_ascii=False)[:600]}")
print(f"demo walk: {checks - fails} passed, {fails} failed")
sys.exit(1 if fails else 0)
