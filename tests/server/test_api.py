"""kysod API tests against a real kysod on an ephemeral port, on SQLite or on a throw-away
PostgreSQL cluster (argv[1]: sqlite | pg). Covers sign-in, back-off, sessions and CSRF, the
organisation, people, roles, delegations, certificates, the audit trail, ETags, pagination,
isolation between agencies, bad input, and the route x role matrix from kysod's route table."""
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from kysod_lib import ADMIN_PW, KYSOD, Client, Kysod, PgCluster, tiny_pdf  # noqa: E402

V = "/api/v1"
passed = 0
failed = 0


def check(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL:", what)


def ok(st, j, want, what):
    check(st == want, f"{what}: status {st}, want {want}: {str(j)[:300]}")


ROLES = ["drafter", "unit_head", "format_checker", "signer", "clerk", "registration_officer",
         "it_support", "agency_admin", "auditor"]


def setup_city(k):
    """The city: root (the committee), Sở KH&CN, the committee's office, two wards; one user per
    role in ward A, a city auditor, a registration officer in Sở KH&CN."""
    adm = Client(k.port)
    st, j = adm.sign_in("admin", ADMIN_PW)
    ok(st, j, 200, "admin signs in")
    ids = {"root": k.root}
    for key, name, kind, code in [("dost", "Sở Khoa học và Công nghệ", "department", "G02.01"),
                                  ("office", "Văn phòng UBND thành phố", "office", "G02.02"),
                                  ("A", "Phường Hồng Bàng", "ward", "G02.35.01"),
                                  ("B", "Phường Lê Chân", "ward", "G02.35.02")]:
        st, j, _ = adm.req("POST", V + "/agencies", {"name": name, "kind": kind, "code": code,
                                                      "parent_id": k.root,
                                                      "address": "Hải Phòng",
                                                      "contacts": {"phone": "0225 3000000"}})
        ok(st, j, 201, f"create agency {key}")
        ids[key] = j["id"]
    users = {}

    def mk(login, agency, role):
        st, j, _ = adm.req("POST", V + "/users", {"login": login, "full_name": "Người " + login,
                                                   "title": "Chuyên viên", "agency_id": agency,
                                                   "password": "pw-" + login + "-0123"})
        ok(st, j, 201, f"create user {login}")
        uid = j["id"]
        st, j, _ = adm.req("POST", V + "/role-assignments",
                           {"user_id": uid, "agency_id": agency, "role": role})
        ok(st, j, 201, f"grant {role} to {login}")
        users[login] = uid
        return uid

    for role in ROLES:
        if role != "registration_officer":
            mk("a." + role, ids["A"], role)
    mk("b.agency_admin", ids["B"], "agency_admin")
    mk("b.drafter", ids["B"], "drafter")
    mk("city.auditor", k.root, "auditor")
    mk("dost.registration_officer", ids["dost"], "registration_officer")
    users["admin"] = 1
    return adm, ids, users


def login_as(k, login):
    c = Client(k.port)
    pw = ADMIN_PW if login == "admin" else "pw-" + login + "-0123"
    st, j = c.sign_in(login, pw)
    check(st == 200, f"{login} signs in: {st} {j}")
    return c


def test_auth(k, adm, ids, users):
    c = Client(k.port)
    st, j = c.sign_in("a.drafter", "wrong-password")
    ok(st, j, 401, "wrong password")
    check(j["error"]["code"] == "bad_credentials", "bad_credentials code")
    check("sai" in j["error"]["message"], "message in Vietnamese by default: " + j["error"]["message"])
    c.lang = "en"
    st, j = c.sign_in("a.drafter", "wrong-password")
    check("wrong" in j["error"]["message"], "message in English: " + j["error"]["message"])
    # back-off: the 5th failure starts it (1 s), the 6th doubles it (2 s: room for a loaded
    # machine's slow password hash); then even the right password waits
    for _ in range(4):
        st, j = c.sign_in("a.drafter", "wrong-password")
    st, j = c.sign_in("a.drafter", "pw-a.drafter-0123")
    ok(st, j, 429, "back-off after 5 failures")
    check(isinstance(j["error"].get("retry_after"), int), "retry_after given")
    st, j = Client(k.port).sign_in("nobody.here", "whatever-password")
    ok(st, j, 401, "unknown login is the same 401")
    # cookie flags, session use, CSRF
    c2 = Client(k.port)
    st, j, r = c2.req("POST", V + "/auth/sign-in", {"login": "a.signer", "password": "pw-a.signer-0123"})
    ok(st, j, 200, "signer signs in")
    sc = r.getheader("Set-Cookie")
    check("HttpOnly" in sc and "SameSite=Strict" in sc, "cookie is HttpOnly SameSite=Strict: " + sc)
    check("Secure" not in sc, "no Secure flag over plain HTTP")
    tok = sc.split(";")[0].split("=", 1)[1]
    st, j, r = Client(k.port).req("POST", V + "/auth/sign-in", {"login": "a.signer", "password": "pw-a.signer-0123"},
                                  headers={"X-Forwarded-Proto": "https"})
    check(st == 200 and "; Secure" in r.getheader("Set-Cookie"), "Secure behind TLS (trusted proxy)")
    check(len(tok) == 43, "session token is 256 bits base64url")
    c2.csrf = j["csrf_token"]
    st, j, _ = c2.req("GET", V + "/me")
    ok(st, j, 200, "me")
    check([x["role"] for x in j["roles"]] == ["signer"], "me lists the roles")
    st, j, _ = c2.req("POST", V + "/auth/sign-out", csrf=False)
    ok(st, j, 403, "sign-out without CSRF token")
    check(j["error"]["code"] == "csrf", "csrf code")
    # sign-out everywhere ends the other session too
    c3 = login_as(k, "a.signer")
    st, _, _ = c3.req("POST", V + "/auth/sign-out-everywhere")
    ok(st, None, 204, "sign-out everywhere")
    st, j, _ = c2.req("GET", V + "/me")
    ok(st, j, 401, "the other session ended too")
    st, j, _ = c3.req("GET", V + "/me")
    ok(st, j, 401, "this session ended")
    # the session token is stored hashed: the raw token is not in the database
    # a disabled account's sessions end and it cannot sign in
    c4 = login_as(k, "a.format_checker")
    st, j, _ = adm.req("PATCH", V + f"/users/{users['a.format_checker']}", {"status": "disabled"})
    ok(st, j, 200, "disable a user")
    st, j, _ = c4.req("GET", V + "/me")
    ok(st, j, 401, "disabled user's session ended")
    st, j = Client(k.port).sign_in("a.format_checker", "pw-a.format_checker-0123")
    ok(st, j, 403, "disabled user cannot sign in")
    adm.req("PATCH", V + f"/users/{users['a.format_checker']}", {"status": "active"})
    # own password change
    c5 = login_as(k, "a.unit_head")
    st, j, _ = c5.req("POST", V + "/me/password", {"password": "new-password-123", "current_password": "bad"})
    ok(st, j, 400, "password change with a wrong current password")
    st, j, _ = c5.req("POST", V + "/me/password", {"password": "pw-a.unit_head-0123",
                                                   "current_password": "pw-a.unit_head-0123"})
    ok(st, j, 204, "password change")


def sql(db, stmt):
    if db.startswith("sqlite:"):
        subprocess.run(["sqlite3", db[7:], stmt], check=True, stderr=subprocess.DEVNULL)
    else:
        subprocess.run(["psql", "-q", db, "-c", stmt], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def test_address_backoff(k):
    """20 failures from one address (X-Real-IP, trust_proxy) hold back every login from it,
    and no other address."""
    c = Client(k.port)
    for i in range(20):
        st, j, _ = c.req("POST", V + "/auth/sign-in", {"login": f"spray{i}", "password": "guess-123456"},
                         headers={"X-Real-IP": "10.9.8.7"})
    st, j, r = c.req("POST", V + "/auth/sign-in", {"login": "a.clerk", "password": "pw-a.clerk-0123"},
                     headers={"X-Real-IP": "10.9.8.7"})
    ok(st, j, 429, "per-address back-off after 20 failures")
    check(r.getheader("Retry-After") is not None, "Retry-After header")
    st, j, _ = c.req("POST", V + "/auth/sign-in", {"login": "a.clerk", "password": "pw-a.clerk-0123"},
                     headers={"X-Real-IP": "10.9.8.8"})
    ok(st, j, 200, "another address is not held back")


def test_tamper(k, db, adm):
    """Nobody edits the trail: the database refuses, and an edit made by going around it (the
    trigger dropped) is found by /audit/verify."""
    import time
    try:
        sql(db, "UPDATE audit SET actor = 'someone' WHERE seq = 3")
        check(False, "the database let an audit entry be edited")
    except subprocess.CalledProcessError:
        check(True, "append-only")
    if db.startswith("sqlite:"):
        sql(db, "DROP TRIGGER audit_no_update")
    else:
        sql(db, "ALTER TABLE audit DISABLE TRIGGER audit_ro")
    sql(db, "UPDATE audit SET after_json = '{}' WHERE seq = 3")
    st, v, _ = adm.req("GET", V + "/audit/verify")
    check(st == 200 and v["ok"] is False and v["broken_at"] == 3, f"tampering found: {v}")


def test_timeouts(k, db):
    """Idle (30 min) and absolute (12 h) session timeouts, by ageing the session rows."""
    import time
    c = login_as(k, "a.clerk")
    sql(db, "UPDATE sessions SET last_seen = last_seen - 31 * 60 WHERE user_id = "
            "(SELECT id FROM users WHERE login = 'a.clerk')")
    time.sleep(1.2)  # the node's session cache (session_cache_ms = 1000) forgets it
    st, j, _ = c.req("GET", V + "/me")
    ok(st, j, 401, "idle session ended")
    c = login_as(k, "a.clerk")
    st, j, _ = c.req("GET", V + "/me")
    ok(st, j, 200, "fresh session")
    sql(db, "UPDATE sessions SET created_at = created_at - 13 * 3600 WHERE user_id = "
            "(SELECT id FROM users WHERE login = 'a.clerk')")
    time.sleep(1.2)
    st, j, _ = c.req("GET", V + "/me")
    ok(st, j, 401, "session past its absolute lifetime ended")


def test_org(k, adm, ids, users):
    st, j, r = adm.req("GET", V + f"/agencies/{ids['A']}")
    ok(st, j, 200, "get agency")
    etag = r.getheader("ETag")
    check(etag and etag.startswith('"'), "agency has an ETag")
    st, _, _ = adm.req("GET", V + f"/agencies/{ids['A']}", headers={"If-None-Match": etag})
    ok(st, None, 304, "If-None-Match gives 304")
    st, j, _ = adm.req("PATCH", V + f"/agencies/{ids['A']}", {"address": "12 Hoàng Văn Thụ"},
                       headers={"If-Match": etag})
    ok(st, j, 200, "PATCH with the right If-Match")
    check(j["version"] == 2 and j["address"] == "12 Hoàng Văn Thụ", "version and address changed")
    st, j, _ = adm.req("PATCH", V + f"/agencies/{ids['A']}", {"address": "x"},
                       headers={"If-Match": etag})
    ok(st, j, 412, "PATCH with a stale If-Match")
    st, j, _ = adm.req("POST", V + "/agencies", {"name": "X", "kind": "ward", "code": "G02.35.01",
                                                  "parent_id": k.root})
    ok(st, j, 409, "duplicate mã định danh")
    st, j, _ = adm.req("POST", V + "/agencies", {"name": "X", "kind": "ward", "code": "A" * 36,
                                                  "parent_id": k.root})
    ok(st, j, 400, "code longer than 35")
    check(j["error"].get("field") == "code", "field named")
    st, j, _ = adm.req("PATCH", V + f"/agencies/{k.root}", {"parent_id": ids["A"]})
    ok(st, j, 400, "root under its own child refused")
    aa = login_as(k, "a.agency_admin")
    st, j, _ = aa.req("PATCH", V + f"/agencies/{ids['A']}", {"contacts": {"email": "hb@hp.gov.vn"}})
    ok(st, j, 200, "agency admin edits contacts")
    st, j, _ = aa.req("PATCH", V + f"/agencies/{ids['A']}", {"code": "G02.99"})
    ok(st, j, 403, "agency admin cannot change the code")
    st, j, _ = aa.req("PATCH", V + f"/agencies/{ids['B']}", {"address": "y"})
    ok(st, j, 403, "agency admin of A cannot edit B")
    # units
    st, j, _ = aa.req("POST", V + f"/agencies/{ids['A']}/units", {"name": "Phòng Văn hóa - Xã hội"})
    ok(st, j, 201, "create unit")
    unit = j["id"]
    st, j, _ = aa.req("GET", V + f"/agencies/{ids['A']}/units")
    ok(st, j, 200, "list units")
    check(j["total"] == 1, "one unit")
    # CSV import: all or nothing, then 60 people
    bad = "login,full_name,title,unit\nok.one,Một,CV,\nBAD LOGIN,Hai,CV,\nok.three,Ba,CV,Không có\n"
    st, j, _ = aa.req("POST", V + f"/agencies/{ids['A']}/users/import", raw=bad.encode(), ctype="text/csv")
    ok(st, j, 400, "CSV with errors")
    check(len(j["error"]["errors"]) == 2 and j["error"]["errors"][0]["line"] == 3, f"errors by line: {j}")
    st, j, _ = aa.req("GET", V + "/users?agency_id=%d&q=ok.one" % ids["A"])
    check(j["total"] == 0, "nothing imported from a bad file")
    lines = ["login,full_name,title,unit,email,phone"]
    for i in range(60):
        lines.append(f"staff{i:02d},\"Nguyễn Văn {i}, Phường\",Chuyên viên,Phòng Văn hóa - Xã hội,s{i}@hp.gov.vn,0901")
    st, j, _ = aa.req("POST", V + f"/agencies/{ids['A']}/users/import",
                      raw=("\ufeff" + "\r\n".join(lines) + "\r\n").encode(), ctype="text/csv")
    ok(st, j, 201, "CSV import")
    check(j["created"] == 60 and len(j["passwords"]) == 60, "60 created with passwords")
    pw0 = j["passwords"][0]
    st, _ = Client(k.port).sign_in(pw0["login"], pw0["password"])
    ok(st, None, 200, "an imported user signs in with the printed password")
    st, j, r = aa.req("GET", V + "/users?agency_id=%d&limit=50" % ids["A"])
    ok(st, j, 200, "page of users")
    check(len(j["items"]) == 50 and j["total"] >= 68, f"50 items of {j['total']}")
    check(all("pw_hash" not in u and "password" not in u for u in j["items"]), "no password hashes")
    st, j2, _ = aa.req("GET", V + "/users?agency_id=%d&limit=50&offset=50" % ids["A"])
    check(len(j2["items"]) == j["total"] - 50, "second page")
    check(j2["items"][0]["id"] > j["items"][-1]["id"], "pages do not overlap")
    st, j1, r1 = aa.req("GET", V + "/users?agency_id=%d&limit=5" % ids["A"])
    st, _, _ = aa.req("GET", V + "/users?agency_id=%d&limit=5" % ids["A"],
                      headers={"If-None-Match": r1.getheader("ETag")})
    ok(st, None, 304, "a list page answers 304 to its ETag")
    aa.req("PATCH", V + f"/users/{j1['items'][0]['id']}", {"title": "Phó Chủ tịch"})
    st, j2, r2 = aa.req("GET", V + "/users?agency_id=%d&limit=5" % ids["A"],
                        headers={"If-None-Match": r1.getheader("ETag")})
    ok(st, j2, 200, "the page changed after a write")
    check(j2["items"][0]["title"] == "Phó Chủ tịch" and r2.getheader("ETag") != r1.getheader("ETag"),
          "new content, new ETag")
    st, j, _ = aa.req("GET", V + "/users?agency_id=%d&unit_id=%d" % (ids["A"], unit))
    check(j["total"] == 60, "filter by unit")
    st, j, _ = aa.req("DELETE", V + f"/units/{unit}")
    ok(st, j, 409, "unit with people is not deleted")


def test_isolation(k, adm, ids, users):
    a = login_as(k, "a.agency_admin")
    st, j, _ = a.req("GET", V + f"/users/{users['b.drafter']}")
    ok(st, j, 404, "A's admin cannot see B's user")
    st, j, _ = a.req("GET", V + "/users?agency_id=%d" % ids["B"])
    ok(st, j, 404, "A's admin cannot list B's users")
    st, j, _ = a.req("GET", V + "/users")
    check(st == 200 and all(u["agency_id"] == ids["A"] for u in j["items"]), "default list is own agency")
    st, j, _ = a.req("PATCH", V + f"/users/{users['b.drafter']}", {"title": "x"})
    ok(st, j, 404, "A's admin cannot change B's user")
    st, j, _ = a.req("POST", V + "/users", {"login": "sneak", "full_name": "S", "agency_id": ids["B"],
                                            "password": "0123456789ab"})
    ok(st, j, 404, "A's admin cannot create users in B")
    st, j, _ = a.req("POST", V + "/role-assignments", {"user_id": users["a.drafter"],
                                                       "agency_id": ids["A"], "role": "city_admin"})
    check(st in (400, 403), f"agency admin cannot make a city admin: {st}")
    st, j, _ = a.req("POST", V + "/role-assignments", {"user_id": users["a.drafter"],
                                                       "agency_id": ids["A"], "role": "registration_officer"})
    ok(st, j, 403, "agency admin cannot give the city-wide registration officer role")
    st, j, _ = adm.req("POST", V + "/users", {"login": "dost.admin", "full_name": "Quản trị Sở",
                                              "agency_id": ids["dost"], "password": "pw-dost.admin-0123"})
    adm.req("POST", V + "/role-assignments", {"user_id": j["id"], "agency_id": ids["dost"], "role": "agency_admin"})
    da = login_as(k, "dost.admin")
    st, j, _ = da.req("POST", V + f"/users/{users['dost.registration_officer']}/password", {"password": "taken-over-1234"})
    ok(st, j, 403, "an agency admin cannot reset a city-wide role holder's password")
    st, j, _ = da.req("PATCH", V + f"/users/{users['dost.registration_officer']}", {"status": "disabled"})
    ok(st, j, 403, "an agency admin cannot disable a city-wide role holder")
    st, j, _ = a.req("GET", V + "/audit?agency_id=%d" % ids["B"])
    ok(st, j, 404, "A's admin cannot read B's audit")
    au = login_as(k, "city.auditor")
    st, j, _ = au.req("GET", V + f"/users/{users['b.drafter']}")
    ok(st, j, 200, "the city auditor sees every agency")
    st, j, _ = au.req("PATCH", V + f"/users/{users['b.drafter']}", {"title": "x"})
    ok(st, j, 403, "the city auditor cannot change")
    st, j, _ = au.req("GET", V + "/audit")
    check(st == 200 and j["total"] > 10, "the city auditor reads the whole trail")


def test_delegations_certs(k, adm, ids, users):
    aa = login_as(k, "a.agency_admin")
    d = {"agency_id": ids["A"], "from_user_id": users["a.signer"], "to_user_id": users["a.unit_head"],
         "kind": "ky_thay", "valid_from": "2026-01-01T00:00:00+07:00", "valid_to": "2099-01-01T00:00:00Z"}
    st, j, _ = aa.req("POST", V + "/delegations", d)
    ok(st, j, 201, "create delegation")
    check(j["status"] == "active" and j["valid_from"] == "2025-12-31T17:00:00Z", f"active, UTC: {j}")
    did = j["id"]
    st, j, _ = aa.req("POST", V + "/delegations", dict(d, valid_to="2025-01-01T00:00:00Z"))
    ok(st, j, 400, "window ending before it starts")
    st, j, _ = aa.req("POST", V + "/delegations", dict(d, kind="ky_bua"))
    ok(st, j, 400, "unknown kind")
    st, j, _ = aa.req("POST", V + "/delegations", dict(d, to_user_id=users["b.drafter"]))
    ok(st, j, 400, "delegate in another agency")
    st, j, _ = aa.req("GET", V + "/delegations?agency_id=%d&active_at=2030-01-01T00:00:00Z" % ids["A"])
    check(st == 200 and j["total"] == 1, "active delegation listed")
    st, _, _ = aa.req("DELETE", V + f"/delegations/{did}")
    ok(st, None, 204, "revoke delegation")
    st, j, _ = aa.req("GET", V + f"/delegations/{did}")
    check(j["status"] == "revoked", "revoked kept")
    # certificates: person and agency; the agency one is assigned to a clerk only
    it = login_as(k, "a.it_support")
    st, j, _ = it.req("POST", V + "/tokens", {"serial": "TK-0001", "label": "Văn thư", "agency_id": ids["A"],
                                              "holder_user_id": users["a.clerk"]})
    ok(st, j, 201, "record a token")
    tok = j["id"]
    st, j, _ = it.req("POST", V + "/certificates", {"owner_kind": "agency", "agency_id": ids["A"],
                                                    "serial": "0A1B2C", "subject": "CN=Phường Hồng Bàng",
                                                    "token_id": tok})
    ok(st, j, 201, "record the agency certificate")
    cid = j["id"]
    st, j, _ = it.req("PATCH", V + f"/certificates/{cid}", {"assigned_user_id": users["a.drafter"]})
    ok(st, j, 400, "agency certificate cannot go to a non-clerk")
    st, j, _ = it.req("PATCH", V + f"/certificates/{cid}", {"assigned_user_id": users["a.clerk"]})
    ok(st, j, 200, "agency certificate assigned to the clerk")
    check(j["assigned_user_id"] == users["a.clerk"], "assignment stored")
    # a PEM fills the fields
    tmp = tempfile.mkdtemp()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", tmp + "/k.pem",
                    "-out", tmp + "/c.pem", "-subj", "/CN=Nguyễn Văn Ký/O=UBND", "-days", "30",
                    "-utf8", "-set_serial", "0x1234ABCD"], check=True, capture_output=True)
    pem = open(tmp + "/c.pem").read()
    st, j, _ = it.req("POST", V + "/certificates", {"owner_kind": "person", "agency_id": ids["A"],
                                                    "user_id": users["a.signer"], "pem": pem})
    ok(st, j, 201, "person certificate from PEM")
    check(j.get("serial") == "1234ABCD" and "Nguyễn Văn Ký" in j.get("subject", ""), f"PEM read: {j}")
    st, j, _ = it.req("POST", V + "/certificates", {"owner_kind": "person", "agency_id": ids["A"],
                                                    "user_id": users["a.signer"], "pem": "-----BEGIN x"})
    ok(st, j, 400, "bad PEM")
    sg = login_as(k, "a.drafter")
    st, j, _ = sg.req("GET", V + "/certificates")
    check(st == 200 and j["total"] == 0, "a drafter sees only their own (none)")
    ro = login_as(k, "dost.registration_officer")
    st, j, _ = ro.req("GET", V + "/certificates")
    check(st == 200 and j["total"] == 2, "the registration officer sees the city's certificates")


def test_audit(k, adm, ids, users):
    st, j, _ = adm.req("GET", V + "/audit?limit=500")
    ok(st, j, 200, "audit list")
    acts = {e["action"] for e in j["items"]}
    for a in ["agency.create", "user.create", "role.grant", "delegation.revoke", "certificate.assign",
              "session.sign_in", "session.sign_in_failed", "user.import", "agency.update"]:
        check(a in acts, "audited: " + a)
    upd = [e for e in j["items"] if e["action"] == "agency.update"][-1]
    check(upd["before"] and upd["after"] and upd["ip"] == "127.0.0.1" and upd["actor"], "who/where/before/after")
    check(all("pw_hash" not in json.dumps(e) and "pw-a." not in json.dumps(e) for e in j["items"]),
          "no passwords in the trail")
    st, v, _ = adm.req("GET", V + "/audit/verify")
    check(st == 200 and v["ok"] and v["entries"] == j["total"], f"chain verifies: {v}")
    st, raw, r = adm.req("GET", V + "/audit/export")
    lines = raw.decode().splitlines()
    check(st == 200 and len(lines) == j["total"] and json.loads(lines[0])["seq"] == 1, "export NDJSON")


def test_bad_input(k, adm, ids):
    decomposed = "Phu\u031bo\u031b\u0300ng Nga\u0302n"  # "Phường Ngân" typed in NFD
    st, j, _ = adm.req("POST", V + "/agencies", {"name": decomposed, "kind": "ward", "code": "NFD1",
                                                  "parent_id": k.root})
    ok(st, j, 201, "NFD name accepted")
    check(j["name"] == "Phường Ngân", "stored in NFC: " + ascii(j["name"]))
    adm.req("DELETE", V + f"/agencies/{j['id']}")
    st, j, _ = adm.req("POST", V + "/agencies", raw=b"{not json", ctype="application/json")
    ok(st, j, 400, "malformed JSON")
    check(j["error"]["code"] == "invalid_json", "invalid_json code")
    st, j, _ = adm.req("POST", V + "/agencies", raw=b'{"name":"\xff\xfe","kind":"ward","code":"X1"}')
    ok(st, j, 400, "invalid UTF-8")
    st, j, _ = adm.req("POST", V + "/agencies", {"name": 5, "kind": "ward", "code": "X1", "parent_id": 1})
    ok(st, j, 400, "wrong type")
    check(j["error"]["field"] == "name", "wrong type names the field")
    st, j, _ = adm.req("POST", V + "/agencies", {"name": "n", "kind": "ward", "code": "X1", "parent_id": 1, "evil": 1})
    ok(st, j, 400, "unknown field")
    st, j, _ = adm.req("POST", V + "/agencies", raw=b"[]")
    ok(st, j, 400, "array body")
    st, j, _ = adm.req("POST", V + "/agencies", raw=b'{"a":1,"a":2}')
    ok(st, j, 400, "duplicate keys")
    st, j, _ = adm.req("POST", V + "/agencies", raw=b"name=x", ctype="application/x-www-form-urlencoded")
    ok(st, j, 415, "form body")
    st, j, _ = adm.req("POST", V + "/agencies", raw=b"{" + b" " * (2 * 1024 * 1024) + b"}")
    ok(st, j, 413, "oversized body")
    st, j, _ = adm.req("POST", V + "/agencies", raw=b"[" * 100000 + b"]" * 100000)
    check(st == 400, f"deep nesting refused: {st}")
    st, j, _ = adm.req("GET", V + "/users?limit=100000")
    ok(st, j, 400, "limit out of range")
    st, j, _ = adm.req("GET", V + "/users?agency_id=abc")
    ok(st, j, 400, "non-numeric id")
    st, j, _ = adm.req("GET", V + "/users/99999999999999999999")
    ok(st, j, 404, "huge id")
    st, j, _ = adm.req("PUT", V + "/me")
    ok(st, j, 405, "wrong method")
    st, j, _ = adm.req("GET", V + "/nothing")
    ok(st, j, 404, "unknown API path")
    st, j, _ = adm.req("GET", "/../../etc/passwd")
    check(st == 404, "no path traversal")
    st, _, _ = adm.req("GET", "/healthz")
    ok(st, None, 200, "still alive")
    st, text, r = Client(k.port).req("GET", "/metrics")
    text = text.decode()
    check(st == 200 and r.getheader("Content-Type").startswith("text/plain; version=0.0.4"),
          "metrics in Prometheus text format")
    check('kysod_requests_total{code="4xx"}' in text and "kysod_request_duration_seconds_bucket" in text
          and "kysod_sign_in_failures_total" in text, "metrics: requests, latency, sign-in failures")
    fails = [l for l in text.splitlines() if l.startswith("kysod_sign_in_failures_total")]
    check(fails and int(fails[0].split()[1]) >= 5, "the failed sign-ins are counted")


# The workflow's steps: the route is open to the agency's members, the handler wants this role.
DOC_STEP_ROLE = {("POST", V + "/documents"): "drafter", ("POST", "submit"): "drafter",
                 ("POST", "review"): "unit_head", ("POST", "format-check"): "format_checker",
                 ("POST", "sign"): "signer", ("POST", "issue"): "clerk", ("POST", "send"): "clerk",
                 ("POST", "versions"): "drafter", ("POST", "attachments"): "drafter",
                 ("POST", "recall"): "clerk",
                 # copies and closing a register's year (branch copies)
                 ("POST", "copies"): "clerk", ("POST", V + "/registers/outgoing/close"): "clerk",
                 ("POST", V + "/registers/incoming/close"): "clerk",
                 ("POST", V + "/registers/copies/close"): "clerk"}


def expected(access, role_key, method, path):
    """What a route answers for a caller, from the access level of the route table."""
    if access == "public":
        # peer-to-peer routes take no session but a request signed with a peer's key
        return 401 if "/fed/packages" in path or "/fed/statuses" in path else "ok"
    if role_key == "anon":
        return 401
    city_admin = role_key == "admin"
    city_aud = role_key == "city.auditor"
    reg = role_key == "dost.registration_officer"
    role = role_key.split(".", 1)[1] if role_key.startswith("a.") else None
    member = role is not None
    if path.startswith(V + "/jobs/{id}") or path.startswith(V + "/attachments/{id}"):
        return 404  # the matrix city has none (test_wfcore*.py walk them, with roles)
    if access == "authenticated":
        return "ok"
    if access == "city_admin":
        return "ok" if city_admin else 403
    if access == "agency_member":
        if path.startswith(V + "/deliveries/{id}") or path.startswith(V + "/fed/inbox/{id}"):
            return 404  # the matrix city has no delivery (test_docs.py, test_fed.py walk them)
        if path.startswith(V + "/copies/{id}"):
            return 404  # nor a copy (test_copies.py makes them)
        need = DOC_STEP_ROLE.get((method, path.rsplit("/", 1)[-1] if "{id}" in path else path))
        if need:
            if path == V + "/documents":
                return "ok" if role == need else 403  # into one's own agency
            if not (city_admin or city_aud or member):
                return 404
            return "ok" if role == need else 403
        return "ok" if (city_admin or city_aud or member) else 404
    if access == "agency_admin":
        if city_admin or role == "agency_admin":
            return "ok"
        if path == V + "/agencies/{id}" and method == "PATCH":
            return 403  # the tree is public: another's agency is 403, not 404
        return 403 if (member or city_aud) else 404
    if access == "cert_reader":
        if city_admin or city_aud or reg or role in ("agency_admin", "it_support", "clerk", "signer", "auditor"):
            return "ok"
        return 403 if member else 404
    if access == "cert_manager":
        if city_admin or reg or role in ("agency_admin", "it_support"):
            return "ok"
        return 403 if (member or city_aud) else 404
    if access == "auditor":
        if city_admin or city_aud or role in ("agency_admin", "auditor"):
            return "ok"
        if path.endswith("/audit/verify"):
            return 403  # no target agency: judged by one's own
        return 403 if member else 404
    raise AssertionError(access)


def test_matrix(k, adm, ids, users):
    routes = json.loads(subprocess.run([KYSOD, "--routes"], check=True, capture_output=True, text=True).stdout)
    A = ids["A"]
    st, j, _ = adm.req("POST", V + "/tokens", {"serial": "TK-M", "agency_id": A})
    tok = j["id"]
    st, j, _ = adm.req("POST", V + "/certificates", {"owner_kind": "agency", "agency_id": A, "serial": "ABCDEF01"})
    cert = j["id"]
    st, j, _ = adm.req("POST", V + "/delegations", {"agency_id": A, "from_user_id": users["a.signer"],
                                                    "to_user_id": users["a.unit_head"], "kind": "ky_thua_lenh",
                                                    "valid_from": "2026-01-01", "valid_to": "2099-01-01"})
    deleg = j["id"]
    st, j, _ = adm.req("POST", V + f"/agencies/{A}/units", {"name": "Matrix unit"})
    unit = j["id"]

    def fresh(kind):
        """A new object in A for a DELETE, made by the city admin (signed in anew: the matrix
        signs the admin out everywhere on the way)."""
        adm = login_as(k, "admin")
        if kind == "agencies":
            st, j, _ = adm.req("POST", V + "/agencies", {"name": "tmp", "kind": "other",
                                                         "code": "T" + os.urandom(4).hex(),
                                                         "parent_id": A})
            assert st == 201, j
            return j["id"]
        if kind == "units":
            return adm.req("POST", V + f"/agencies/{A}/units", {"name": "tmp"})[1]["id"]
        if kind == "role-assignments":
            st, j, _ = adm.req("POST", V + "/users", {"login": "m" + os.urandom(4).hex(), "full_name": "M",
                                                      "agency_id": A, "password": "0123456789ab"})
            st, j, _ = adm.req("POST", V + "/role-assignments", {"user_id": j["id"],
                                                                 "agency_id": A, "role": "drafter"})
            assert st == 201, j
            return j["id"]
        if kind == "delegations":
            st, j, _ = adm.req("POST", V + "/delegations", {"agency_id": A, "from_user_id": users["a.signer"],
                                                            "to_user_id": users["a.unit_head"], "kind": "ky_thay",
                                                            "valid_from": "2026-01-01", "valid_to": "2099-01-01"})
            return j["id"]
        raise AssertionError(kind)

    st, d, _ = login_as(k, "a.drafter").req("POST", V + "/documents?doc_type=QD&summary=M",
                                             raw=tiny_pdf(), ctype="application/pdf")
    assert st == 201, d
    target = {"agencies": A, "units": unit, "users": users["a.drafter"], "delegations": deleg,
              "certificates": cert, "tokens": tok, "documents": d["id"], "deliveries": 999999}
    callers = ["anon"] + ["a." + r for r in ROLES if r != "registration_officer"] + \
              ["city.auditor", "dost.registration_officer", "admin"]
    sessions = {}
    n = 0
    for rt in routes:
        method, path, access = rt["method"], rt["path"], rt["access"]
        for who in callers:
            if who != "anon" and who not in sessions:
                sessions[who] = login_as(k, who)
            c = sessions.get(who) or Client(k.port)
            seg = path.split("/")
            kind = seg[3] if len(seg) > 3 else ""
            url = path
            if "{id}" in path:
                oid = fresh(kind) if method == "DELETE" else target.get(kind, A)
                if path.endswith("/units") or path.endswith("/import"):
                    oid = A
                url = path.replace("{id}", str(oid))
            if method == "GET" and path in (V + "/users", V + "/role-assignments", V + "/delegations",
                                            V + "/certificates", V + "/tokens", V + "/audit",
                                            V + "/audit/export", V + "/documents", V + "/deliveries", V + "/fed/inbox",
                                            V + "/registers/outgoing", V + "/registers/incoming",
                                            V + "/registers/followup", V + "/registers/copies"):
                url += "?agency_id=%d" % A
            body, raw, ctype = None, None, "application/json"
            if method in ("POST", "PATCH"):
                body = {"agency_id": A} if method == "POST" and "{id}" not in path and \
                    not path.endswith("/agencies") and "/auth/" not in path else {}
                if path.endswith("/import"):
                    body, raw, ctype = None, b"", "text/csv"
            st, j, _ = c.req(method, url, body, raw=raw, ctype=ctype)
            want = expected(access, who, method, path)
            if want == "ok":
                good = st not in (401, 403, 404, 405) and st < 500
            else:
                good = st == want
            n += 1
            check(good, f"matrix {method} {path} as {who}: {st}, want {want}: {str(j)[:160]}")
            if path.endswith("/sign-out") or path.endswith("/sign-out-everywhere"):
                if who in sessions:
                    del sessions[who]
    check(n == len(routes) * len(callers), "every route x caller ran")
    print(f"matrix: {len(routes)} routes x {len(callers)} callers")


def main():
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    work = tempfile.mkdtemp(prefix="kysod-api-")
    pg = None
    if backend == "pg":
        pg = PgCluster()
        db = pg.fresh_db("kysod_api")
    else:
        db = "sqlite:" + work + "/kysod.db"
    k = Kysod(db, work, f"trust_proxy = true\nblob_dir = {work}/blobs\n")
    try:
        adm, ids, users = setup_city(k)
        test_auth(k, adm, ids, users)
        test_timeouts(k, db)
        test_address_backoff(k)
        test_org(k, adm, ids, users)
        test_isolation(k, adm, ids, users)
        test_delegations_certs(k, adm, ids, users)
        test_audit(k, adm, ids, users)
        test_bad_input(k, adm, ids)
        test_matrix(k, adm, ids, users)
        adm = login_as(k, "admin")  # the matrix signed the admin out everywhere
        st, v, _ = adm.req("GET", V + "/audit/verify")
        check(v["ok"], "chain still verifies at the end")
        test_tamper(k, db, adm)
    finally:
        rc = k.stop()
        check(rc == 0, f"kysod stopped cleanly on SIGTERM (rc {rc})")
        log = open(os.path.join(work, "kysod.log")).read()
        check(log.count('"msg":"request"') > 500, "a JSON line per request")
        check("pw-a." not in log and ADMIN_PW not in log and "csrf" not in log.lower(),
              "no passwords or tokens in the log")
        for line in log.splitlines():
            if line.startswith("{"):
                json.loads(line)
        if pg:
            pg.stop()
    print(f"{backend}: {passed} passed, {failed} failed")
    if failed:
        print("log:", work)
    sys.exit(1 if failed or not passed else 0)


if __name__ == "__main__":
    main()
