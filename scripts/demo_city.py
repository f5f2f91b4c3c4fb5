"""Fills a fresh kysod with a sample city through its API: the city committee (already made by
--init-admin), its office, Sở KH&CN and two wards, internal units, a user for every role, a
delegation, a token and the committee's certificate assigned to its clerk. Prints each login
with its role and password, and writes them to argv[2]."""
import http.client
import json
import os
import secrets
import sys

PORT = int(sys.argv[1])
cookie = csrf = None


def call(method, path, body=None):
    global cookie, csrf
    h = {"Content-Type": "application/json"}
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    c.request(method, "/api/v1" + path, json.dumps(body) if body is not None else None, h)
    r = c.getresponse()
    data = json.loads(r.read() or b"null")
    sc = r.getheader("Set-Cookie")
    if sc:
        cookie = sc.split(";")[0]
    if r.status >= 300:
        raise SystemExit(f"demo: {method} {path}: {r.status} {data}")
    return data


me = call("POST", "/auth/sign-in", {"login": "admin", "password": os.environ["KYSOD_ADMIN_PASSWORD"]})
csrf = me["csrf_token"]
root = me["user"]["agency_id"]
A = {"root": root}
for key, name, kind, code in [
        ("office", "Văn phòng Ủy ban nhân dân thành phố", "office", "G02.01"),
        ("dost", "Sở Khoa học và Công nghệ", "department", "G02.10"),
        ("hb", "Phường Hồng Bàng", "ward", "G02.35.01"),
        ("lc", "Phường Lê Chân", "ward", "G02.35.02")]:
    A[key] = call("POST", "/agencies", {"name": name, "kind": kind, "code": code, "parent_id": root,
                                        "address": "Hải Phòng",
                                        "contacts": {"phone": "0225 3842 000", "email": code.lower() + "@haiphong.gov.vn"}})["id"]
call("PATCH", f"/agencies/{root}", {"address": "18 Hoàng Diệu, Hồng Bàng, Hải Phòng",
                                    "contacts": {"phone": "0225 3842 024", "email": "ubnd@haiphong.gov.vn"}})
units = {}
for key, agency, name in [("th", "office", "Phòng Tổng hợp"), ("hc", "office", "Phòng Hành chính - Tổ chức"),
                          ("vx", "hb", "Phòng Văn hóa - Xã hội")]:
    units[key] = call("POST", f"/agencies/{A[agency]}/units", {"name": name})["id"]

PEOPLE = [  # login, full name, title, agency, unit, roles
    ("chutich", "Nguyễn Văn An", "Chủ tịch", "root", None, ["signer"]),
    ("phochutich", "Trần Thị Bình", "Phó Chủ tịch", "root", None, ["signer"]),
    ("kiemtra", "Lê Văn Cường", "Thanh tra viên", "root", None, ["auditor"]),
    ("vanthu", "Phạm Thị Dung", "Văn thư", "office", "hc", ["clerk"]),
    ("chanhvp", "Hoàng Văn Em", "Chánh Văn phòng", "office", None, ["unit_head", "signer"]),
    ("chuyenvien", "Vũ Thị Hoa", "Chuyên viên", "office", "th", ["drafter"]),
    ("thethuc", "Đỗ Văn Giang", "Chuyên viên pháp chế", "office", "th", ["format_checker"]),
    ("quantri.vp", "Bùi Thị Hạnh", "Chuyên viên", "office", "hc", ["agency_admin"]),
    ("cntt", "Ngô Văn Khoa", "Kỹ sư công nghệ thông tin", "office", "hc", ["it_support"]),
    ("dangky", "Đặng Thị Lan", "Chuyên viên", "dost", None, ["registration_officer"]),
    ("quantri.so", "Phan Văn Minh", "Chuyên viên", "dost", None, ["agency_admin"]),
    ("quantri.hb", "Lý Thị Ngọc", "Công chức", "hb", None, ["agency_admin"]),
    ("chutich.hb", "Trịnh Văn Phúc", "Chủ tịch", "hb", None, ["signer"]),
    ("vanthu.hb", "Mai Thị Quỳnh", "Văn thư", "hb", "vx", ["clerk"]),
    ("soanthao.hb", "Tạ Văn Sơn", "Công chức", "hb", "vx", ["drafter"]),
    ("quantri.lc", "Cao Thị Tâm", "Công chức", "lc", None, ["agency_admin"]),
]
ids = {}
lines = [("admin", "city_admin", "UBND thành phố", os.environ["KYSOD_ADMIN_PASSWORD"])]
names = {"root": "UBND thành phố", "office": "Văn phòng UBND", "dost": "Sở KH&CN", "hb": "Phường Hồng Bàng",
         "lc": "Phường Lê Chân"}
for login, full, title, agency, unit, roles in PEOPLE:
    pw = secrets.token_urlsafe(9)
    u = call("POST", "/users", {"login": login, "full_name": full, "title": title, "agency_id": A[agency],
                                "unit_id": units[unit] if unit else None, "password": pw,
                                "email": login + "@haiphong.gov.vn"})
    ids[login] = u["id"]
    for r in roles:
        call("POST", "/role-assignments", {"user_id": u["id"], "agency_id": A[agency], "role": r})
    lines.append((login, ",".join(roles), names[agency], pw))
call("POST", "/delegations", {"agency_id": A["root"], "from_user_id": ids["chutich"],
                              "to_user_id": ids["phochutich"], "kind": "ky_thay",
                              "valid_from": "2026-01-01T00:00:00+07:00", "valid_to": "2026-12-31T23:59:59+07:00",
                              "note": "Ký thay Chủ tịch trong thời gian công tác"})
tok = call("POST", "/tokens", {"serial": "VNPT-CA-0001", "label": "UBND thanh pho", "model": "ePass3003",
                               "agency_id": A["root"], "holder_user_id": None})
call("POST", "/role-assignments", {"user_id": ids["vanthu"], "agency_id": A["root"], "role": "clerk"})
cert = call("POST", "/certificates", {"owner_kind": "agency", "agency_id": A["root"], "serial": "54A1B2C3D4",
                                      "subject": "CN=Ủy ban nhân dân thành phố Hải Phòng", "token_id": tok["id"],
                                      "issuer": "CN=Cục Chứng thực số và Bảo mật thông tin"})
call("PATCH", f"/certificates/{cert['id']}", {"assigned_user_id": ids["vanthu"]})
with open(sys.argv[2], "w") as f:
    for l in lines:
        f.write("\t".join(l) + "\n")
print(f"{'tên đăng nhập / login':24} {'vai trò / roles':30} {'cơ quan / agency':22} mật khẩu / password")
for login, roles, agency, pw in lines:
    print(f"{login:24} {roles:30} {agency:22} {pw}")
