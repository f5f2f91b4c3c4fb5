"""Between servers (issue 13): two real kysod instances on loopback, each with its own database
(SQLite, or PostgreSQL clusters). Server A issues a decision and sends it to a ward on A and a
ward served by peer B; B is down at first, so the edXML package waits in A's queue and is retried
until B is up; B verifies the signed PDF in process, puts it in its ward's inbox once however
often the package is resent, and answers with edXML statuses (received, accepted with số đến,
assigned, rejected with a reason) that A's sender sees beside its same-server deliveries. A
recall freezes the document, destroys every recipient's copy (the PDF is gone: 410, and B's file
is deleted) and B confirms it. Peer requests with a bad signature, a foreign From, or a DTD are
refused. Notifications arrive as server-sent events on a raw HTTP connection; the number of
streams is bounded; kysod stops cleanly with streams open."""
import hashlib
import hmac
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.dirname(__file__))
import test_docs as td  # noqa: E402
from kysod_lib import ADMIN_PW, BUILD, KYSOD, Client, Kysod, PgCluster, free_port  # noqa: E402

V = "/api/v1"
KYSO = os.path.join(BUILD, "kyso")
fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


td.check = check  # the walk's own checks count here


def wait_for(fn, what, timeout=30):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        last = fn()
        if last:
            return last
        time.sleep(0.3)
    check(False, f"{what} (waited {timeout} s; last {last})")
    return None


def peers_file(path, self_name, peer, url, key, routes):
    with open(path, "w") as f:
        f.write(f"# kysod peers (test)\nself {self_name}\npeer {peer} {url} {key}\n")
        for r in routes:
            f.write(f"route {r} {peer}\n")
    os.chmod(path, 0o600)


def signed_post(port, path, body, name, key, when=None):
    ts = str(int(when if when is not None else time.time()))
    msg = f"kyso-fed-v1\n{name}\n{ts}\n{path}\n{hashlib.sha256(body).hexdigest()}".encode()
    sig = hmac.new(bytes.fromhex(key), msg, hashlib.sha256).hexdigest()
    c = Client(port)
    return c.req("POST", path, raw=body, ctype="application/xml",
                 headers={"X-Kyso-Peer": name, "X-Kyso-Time": ts, "X-Kyso-Signature": sig})


class Stream:
    """GET /events on a raw socket: the chunked text/event-stream read as it comes."""

    def __init__(self, port, cookie, last_id=None):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=30)
        more = f"Last-Event-ID: {last_id}\r\n" if last_id is not None else ""
        self.s.sendall(f"GET {V}/events HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                       f"Accept: text/event-stream\r\n{more}\r\n".encode())
        self.data = b""

    def head(self):
        while b"\r\n\r\n" not in self.data:
            self.data += self.s.recv(4096)
        h, _, self.data = self.data.partition(b"\r\n\r\n")
        return h.decode()

    def until(self, needle, timeout=15):
        end = time.time() + timeout
        while needle.encode() not in self.data and time.time() < end:
            self.s.settimeout(max(0.1, end - time.time()))
            try:
                b = self.s.recv(65536)
            except socket.timeout:
                break
            if not b:
                break
            self.data += b
        return needle.encode() in self.data

    def ended(self, timeout=30):
        """True when kysod ends the stream (the last chunk, or the connection closed)."""
        end = time.time() + timeout
        while time.time() < end:
            if self.data.endswith(b"0\r\n\r\n"):
                return True
            self.s.settimeout(max(0.1, end - time.time()))
            try:
                b = self.s.recv(65536)
            except socket.timeout:
                return False
            if not b:
                return True
            self.data += b
        return False

    def close(self):
        self.s.close()


def recipients(c, doc):
    st, j, _ = c.req("GET", V + f"/documents/{doc}/deliveries")
    return {x["to_code"]: x for x in j["items"]} if st == 200 else {}


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    w = tempfile.mkdtemp(prefix="kysod-fed-", dir=BUILD)
    mod = td.p11_module()
    open(w + "/softhsm2.conf", "w").write(f"directories.tokendir = {w}/tokens\nobjectstore.backend = file\n"
                                          "log.level = ERROR\nslots.removable = false\n")
    os.makedirs(w + "/tokens")
    env = dict(os.environ, SOFTHSM2_CONF=w + "/softhsm2.conf")
    os.environ["SOFTHSM2_CONF"] = w + "/softhsm2.conf"
    qd, _ = td.make_pdfs(w)
    pems = td.make_pki(w, env, mod)
    pg = None
    if backend == "pg":
        pg = PgCluster()
        db_a, db_b = pg.fresh_db("kysod_fed_a"), pg.fresh_db("kysod_fed_b")
    else:
        db_a, db_b = "sqlite:" + w + "/a.db", "sqlite:" + w + "/b.db"
    key = os.urandom(32).hex()
    port_a, port_b = free_port(), free_port()
    peers_file(w + "/peers-a", "hp-city", "ward-srv", f"http://127.0.0.1:{port_b}", key, ["H24.6", "H24.7*"])
    peers_file(w + "/peers-b", "ward-srv", "hp-city", f"http://127.0.0.1:{port_a}", key, ["G02*"])
    common = f"pkcs11_module = {mod}\npkcs11_pin_dir = {w}/pins\nmax_body_kb = 4096\ntrust_anchors = {w}/ca.pem\n"
    a = Kysod(db_a, w + "/a", f"listen = 127.0.0.1:{port_a}\nblob_dir = {w}/blobs-a\nimages_dir = {w}/img\n"
              f"fed_peers = {w}/peers-a\nmax_event_streams = 6\n" + common)
    b = None
    try:
        # the peers file must be private: 0644 stops B's start with a clear message
        os.makedirs(w + "/b", exist_ok=True)
        extra_b = f"listen = 127.0.0.1:{port_b}\nblob_dir = {w}/blobs-b\nfed_peers = {w}/peers-b\n" + common
        conf_b = (f"database = {db_b}\nthreads = 2\ndb_pool = 4\n"
                  "pwhash_opslimit = 1\npwhash_memlimit_kb = 8192\n" + extra_b)
        open(w + "/b/kysod.conf", "w").write(conf_b)
        os.chmod(w + "/peers-b", 0o644)
        envb = dict(os.environ, KYSOD_ADMIN_PASSWORD=ADMIN_PW)
        out = subprocess.run([KYSOD, "--config", w + "/b/kysod.conf", "--init-admin", "admin", "--agency-name",
                              "Ủy ban nhân dân thành phố (máy chủ B)", "--agency-code", "H24"],
                             env=envb, capture_output=True, text=True)
        check(out.returncode == 0, f"B's city created: {out.stderr}")
        r = subprocess.run([KYSOD, "--config", w + "/b/kysod.conf"], capture_output=True, text=True, timeout=30)
        check(r.returncode != 0 and "0600" in r.stderr, f"a peers file others can read is refused: {r.returncode} {r.stderr}")
        os.chmod(w + "/peers-b", 0o600)

        adm, ids, users = td.setup(a, pems)
        os.makedirs(w + "/img", exist_ok=True)
        td.png(f"{w}/img/user-{users['vicechair']}.png", 240, 80, (20, 40, 200, 255))
        td.png(f"{w}/img/agency-{a.root}.png", 200, 200, (220, 20, 20, 255))
        s = {u: td.login(a, u) for u in users}

        # notifications: ward 1's clerk listens before anything is sent
        ev1 = Stream(a.port, s["clerk1"].cookie)
        h = ev1.head()
        check(" 200 " in h.split("\r\n")[0] and "text/event-stream" in h, f"GET /events opens a stream: {h}")
        evc = Stream(a.port, s["clerk"].cookie)
        evc.head()
        st, _, _ = Client(a.port).req("GET", V + "/events", headers={"Accept": "text/event-stream"})
        check(st == 401, f"no stream without a session: {st}")
        st, _, _ = s["clerk"].req("GET", V + "/events")
        check(st == 406, f"a client that does not ask for an event stream gets none: {st}")

        # 1. issue and send to a ward here and a ward on B (B is down)
        d = td.walk(a, s, qd, "Quyết định gửi liên thông")
        doc = d["id"]
        check(evc.until("event: document.waiting"), "the clerk is told that a signed document waits")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{doc}/send", {"to": ["G02.01.01", "H24.99.1"]})
        check(st == 422 and "H24.99.1" in j["error"]["message"], f"a code no peer serves is refused: {st} {j}")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{doc}/send", {"to": ["G02.01.01", "H24.6"]})
        check(st == 200 and j["state"] == "sent", f"sent to a local and a remote ward: {st} {j}")
        check(ev1.until("event: delivery.arrived"), "ward 1's clerk is notified at once (SSE)")
        rc = recipients(s["clerk"], doc)
        check(rc.get("G02.01.01", {}).get("via") == "local" and rc.get("H24.6", {}).get("via") == "edxml"
              and rc["H24.6"]["state"] == "queued", f"one list of recipients, local and remote: {rc}")
        time.sleep(4)
        log = open(w + "/a/kysod.log").read()
        check("fed: not sent" in log, "A tried B while B was down and keeps the package")
        check(recipients(s["clerk"], doc)["H24.6"]["state"] == "queued", "still queued while B is down")

        # 2. B comes up: the retry delivers; B's ward gets it in its inbox, verified
        b = Kysod(db_b, w + "/b", extra_b, init=False)
        badm = Client(b.port)
        st, _ = badm.sign_in("admin", ADMIN_PW)
        st, me, _ = badm.req("GET", V + "/me")
        broot = me.get("agency_id") or me.get("user", {}).get("agency_id")
        st, ward, _ = badm.req("POST", V + "/agencies", {"name": "Ủy ban nhân dân phường Ngô Quyền", "kind": "ward",
                                                          "code": "H24.6", "parent_id": broot})
        check(st == 201, f"B's ward: {st} {ward}")
        bu = {}
        for login_, roles in [("bclerk", ["clerk"]), ("bofficer", ["drafter"])]:
            st, u, _ = badm.req("POST", V + "/users", {"login": login_, "full_name": "Người " + login_,
                                                      "agency_id": ward["id"], "password": "pw-" + login_ + "-0123"})
            bu[login_] = u["id"]
            for r_ in roles:
                badm.req("POST", V + "/role-assignments", {"user_id": u["id"], "agency_id": ward["id"], "role": r_})
        bc = td.login(b, "bclerk")
        # A's retry may come before this stream opens: like a browser that reconnects, it names
        # the last event it saw (none) and gets what it missed
        evb = Stream(b.port, bc.cookie, last_id=0)
        evb.head()
        # the ward exists now; the next retry follows the backoff (2 s doubling: up to a minute
        # when B was slow to start on a loaded machine)
        got = wait_for(lambda: (lambda j: j["items"] if j["total"] else None)(
            bc.req("GET", V + "/fed/inbox")[1]), "the package reaches B's ward", 180)
        item = got[0] if got else {}
        check(item.get("symbol") == d["symbol"] and item.get("from_code") == "G02" and item.get("state") == "received",
              f"B's inbox entry carries the metadata: {item}")
        check(evb.until("event: delivery.arrived"), "B's clerk is notified of the arrival (SSE, replayed)")
        st, full, _ = bc.req("GET", V + f"/fed/inbox/{item.get('id')}")
        check(st == 200 and full["verdict"] == "TOTAL-PASSED" and
              len(full["verify_report"].get("signatures", [])) == 2,
              f"verified in process on arrival, report kept: {full.get('verdict')}")
        st, pdf, _ = bc.req("GET", V + f"/fed/inbox/{item.get('id')}/pdf")
        st2, orig, _ = s["clerk"].req("GET", V + f"/documents/{doc}/pdf")
        check(st == 200 and pdf == orig, "the signed PDF arrived byte for byte")
        recv_at = datetime.fromisoformat(full["received_at"].replace("Z", "+00:00"))
        check(abs((datetime.now(timezone.utc) - recv_at).total_seconds()) < 120,
              f"the receive time is B's system time: {full['received_at']}")
        check(wait_for(lambda: recipients(s["clerk"], doc)["H24.6"]["state"] in ("received", "accepted"),
                       "A learns that B received it (status 01)"), "status 01 back at A")

        # idempotent on the package id: the same package posted again adds nothing
        vn = (datetime.now(timezone.utc) + timedelta(hours=7)).strftime("%Y-%m-%d")
        open(w + "/issued.pdf", "wb").write(orig)
        subprocess.run([KYSO, "edxml", "pack", "--from", "G02", "--to", "H24.6", "--number", d["symbol"].split("/")[0],
                        "--notation", d["symbol"].split("/", 1)[1], "--date", vn, "--type-name", "Quyết định",
                        "--subject", "Quyết định gửi liên thông", "--signer-name", "Nguyễn Văn A",
                        "--attach", w + "/issued.pdf", "-o", w + "/again.edxml"], check=True, capture_output=True)
        again = open(w + "/again.edxml", "rb").read()
        st, j, _ = signed_post(b.port, V + "/fed/packages", again, "hp-city", key)
        check(st == 200 and j["added"] == 0 and j["duplicates"] == 1, f"a resent package is not registered twice: {st} {j}")
        st, j, _ = bc.req("GET", V + "/fed/inbox")
        check(j["total"] == 1, f"still one entry: {j['total']}")
        # refusals at the door
        st, j, _ = signed_post(b.port, V + "/fed/packages", again, "hp-city", "00" * 32)
        check(st == 401, f"a wrong key is refused: {st}")
        st, j, _ = signed_post(b.port, V + "/fed/packages", again, "hp-city", key, time.time() - 3600)
        check(st == 401, f"an old signed request is refused: {st}")
        st, j, _ = signed_post(b.port, V + "/fed/packages", again.replace(b">G02<", b">H01<"), "hp-city", key)
        check(st == 403 and "H01" in j["error"]["message"], f"a peer cannot speak for another agency: {st} {j}")
        evil = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' + again.split(b"?>", 1)[1]
        st, j, _ = signed_post(b.port, V + "/fed/packages", evil, "hp-city", key)
        check(st == 422 and j["error"]["code"] == "bad_package", f"a package with a DTD is refused: {st} {j}")

        # 3. B's clerk accepts: số đến, assignee, deadline; A sees accepted then assigned
        st, j, _ = Client(b.port).req("POST", V + f"/fed/inbox/{item['id']}/accept", {})
        check(st in (401, 403), f"no decision without the clerk: {st}")
        st, j, _ = bc.req("POST", V + f"/fed/inbox/{item['id']}/accept",
                          {"assignee_id": bu["bofficer"], "deadline_days": 5})
        check(st == 200 and j["state"] == "accepted" and j["number"] == 1 and len(j["deadline"]) == 10,
              f"B registers it as số đến 01: {st} {j}")
        st, reg, _ = bc.req("GET", V + "/registers/incoming")
        e = reg["items"][0] if reg.get("items") else {}
        check(reg.get("total") == 1 and e.get("number") == 1 and e.get("doc_symbol") == d["symbol"] and
              e.get("fed_inbox_id") == item["id"] and e.get("delivery_id") is None and
              e.get("assignee_id") == bu["bofficer"] and e.get("from_agency"),
              f"the incoming register lists it beside same-server arrivals: {reg}")
        check(wait_for(lambda: recipients(s["clerk"], doc)["H24.6"]["state"] == "assigned",
                       "A sees the assignment"), "statuses 03 and 04 reached A")
        st, j, _ = bc.req("POST", V + f"/fed/inbox/{item['id']}/reject", {"reason": "muộn"})
        check(st == 409, f"decided once: {st}")

        # a second decision: B rejects it with a reason A's sender sees
        d2 = td.walk(a, s, qd, "Quyết định thứ hai")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{d2['id']}/send", {"to": ["H24.6"]})
        check(st == 200, f"second sent: {st} {j}")
        got = wait_for(lambda: [x for x in bc.req("GET", V + "/fed/inbox?state=received")[1]["items"]],
                       "the second package reaches B")
        st, j, _ = bc.req("POST", V + f"/fed/inbox/{got[0]['id']}/reject", {"reason": "Không thuộc thẩm quyền"}) \
            if got else (0, {}, None)
        check(st == 200 and j["state"] == "rejected", f"B rejects: {st} {j}")
        rej = wait_for(lambda: (lambda x: x if x["state"] == "rejected" else None)(recipients(s["clerk"], d2["id"])["H24.6"]),
                       "A sees the rejection")
        check(rej and rej["reason"] == "Không thuộc thẩm quyền", f"with B's reason: {rej}")
        check(evc.until("event: status.changed"), "A's clerk is notified of the status (SSE)")

        # a peer's refusal is final: no retry, the sender sees why
        d3 = td.walk(a, s, qd, "Quyết định thứ ba")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{d3['id']}/send", {"to": ["H24.77"]})
        check(st == 200, f"sent to a code B routes but does not have: {st} {j}")
        bad = wait_for(lambda: (lambda x: x if x["state"] == "failed" else None)(recipients(s["clerk"], d3["id"])["H24.77"]),
                       "A gives up on B's refusal", 20)
        check(bad and "422" in bad["reason"], f"the sender sees the refusal: {bad}")

        # 4. recall the first document: frozen; copies destroyed here and on B; B confirms
        st, j, _ = s["drafter"].req("POST", V + f"/documents/{doc}/recall", {"reason": "Sai sót nội dung"})
        check(st == 403, f"only the clerk recalls: {st}")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{doc}/recall", {"reason": ""})
        check(st == 400, f"a recall needs a reason: {st}")
        st, j, _ = s["clerk1"].req("GET", V + "/deliveries?state=received")
        dl = j["items"][0]["id"] if j["items"] else 0
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{doc}/recall", {"reason": "Sai sót nội dung"})
        check(st == 200 and j["state"] == "recalled", f"recalled: {st} {j}")
        st, j, _ = s["clerk"].req("POST", V + f"/documents/{doc}/send", {"to": ["G02.01.02"]})
        check(st == 409, f"a recalled document is frozen: {st}")
        st, j, _ = s["clerk1"].req("GET", V + f"/deliveries/{dl}")
        check(j.get("state") == "recalled" and j.get("recall_reason") == "Sai sót nội dung",
              f"ward 1's clerk sees it recalled and why: {j.get('state')} {j.get('recall_reason')}")
        st, j, _ = s["clerk1"].req("GET", V + f"/deliveries/{dl}/pdf")
        check(st == 410, f"the recalled PDF is no longer downloadable here: {st}")
        st, j, _ = s["clerk1"].req("POST", V + f"/deliveries/{dl}/accept", {})
        check(st == 409, f"a recalled delivery cannot be accepted: {st}")
        check(ev1.until("event: document.recalled"), "ward 1's clerk is notified of the recall (SSE)")
        rec = wait_for(lambda: (lambda j: j if j["state"] == "recalled" else None)(
            bc.req("GET", V + f"/fed/inbox/{item['id']}")[1]), "B destroys its copy")
        check(rec and rec["recall_reason"] == "Sai sót nội dung" and rec["sha256"] == "" and rec["number"] == 1,
              f"B keeps the entry (số đến) with the recall and why, not the file: {rec and {k: rec[k] for k in ('state', 'recall_reason', 'number')}}")
        st, j, _ = bc.req("GET", V + f"/fed/inbox/{item['id']}/pdf")
        check(st == 410, f"the recalled PDF is no longer downloadable on B: {st}")
        sha = hashlib.sha256(orig).hexdigest()
        check(not os.path.exists(f"{w}/blobs-b/{sha}"), "B deleted the file")
        check(os.path.exists(f"{w}/blobs-a/{sha}"), "the sender keeps its original (Đ19.2)")
        check(evb.until("event: document.recalled"), "B's clerk is notified of the recall (SSE)")
        check(wait_for(lambda: recipients(s["clerk"], doc)["H24.6"]["state"] == "recalled",
                       "B confirms the recall to A (status 15)"), "recall confirmed")

        # the stream bound: 6 per node here (2 open, 4 more), the 7th is refused
        extra = [Stream(a.port, s["clerk"].cookie) for _ in range(4)]
        [x.head() for x in extra]
        over = Stream(a.port, s["clerk"].cookie)
        h = over.head()
        check(" 503 " in h.split("\r\n")[0], f"streams are bounded: {h.splitlines()[0]}")
        over.close()
        # clients that leave free their slot at the next heartbeat (a waiting stream holds no
        # thread and cannot see the close before it writes)
        for x in extra:
            x.close()

        def reopened():
            x = Stream(a.port, s["clerk"].cookie)
            ok = " 200 " in x.head().split("\r\n")[0]
            x.close()
            return ok
        check(wait_for(reopened, "a slot is free again after the heartbeat", 45), "slots come back")
        check(evc.until(": heartbeat", 25), "a heartbeat comment keeps idle streams open")
        # a reconnecting browser (Last-Event-ID) gets what it missed, only what it may see
        # (the probes above hold their slots until their own heartbeats: wait for one)
        def open_ok():
            x = Stream(a.port, s["clerk1"].cookie, last_id=0)
            if " 200 " in x.head().split("\r\n")[0]:
                return x
            x.close()
            return None
        again1 = wait_for(open_ok, "a slot for the reconnecting browser", 45) or Stream(a.port, s["clerk1"].cookie, last_id=0)
        check(again1.until("event: delivery.arrived", 5) and b"document.waiting" not in again1.data,
              f"replay after Last-Event-ID, filtered by role: {again1.data[:300]}")
        again1.close()
        # a stream ends with its session
        c2 = td.login(a, "clerk2")
        ev2 = Stream(a.port, c2.cookie)
        ev2.head()
        st, _, _ = c2.req("POST", V + "/auth/sign-out", {})
        check(st in (200, 204), f"clerk2 signs out: {st}")
        check(ev2.ended(30), "the stream of a signed-out session ends at the next heartbeat")
        ev2.close()

        st, v, _ = adm.req("GET", V + "/audit/verify")
        check(v["ok"], "A's audit chain holds")
        st, au, _ = badm.req("GET", V + "/audit?limit=200")
        acts = {e["action"] for e in au["items"]}
        check({"fed.receive", "fed.accept", "fed.reject", "fed.status"} <= acts, f"B audits each step: {sorted(acts)}")
    finally:
        # streams still open: both must stop cleanly all the same
        rc_a = a.stop()
        check(rc_a == 0, f"A exits cleanly with streams open: {rc_a}; log {w}/a/kysod.log")
        if b:
            rc_b = b.stop()
            check(rc_b == 0, f"B exits cleanly: {rc_b}; log {w}/b/kysod.log")
        if pg:
            pg.stop()
    print(f"{backend}: {checks - fails} passed, {fails} failed")
    if fails:
        print("work dir:", w)
    else:
        shutil.rmtree(w, ignore_errors=True)
    sys.exit(1 if fails else 0)


main()
