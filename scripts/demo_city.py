"""Fills a fresh kysod with a sample city through its API: the city committee (already made by
--init-admin), its office, Sở KH&CN and two wards, internal units, a user for every role, a
delegation; the SoftHSM2 tokens demo_server.sh made, with their certificates' PEMs
($KYSO_DEMO_CERTS/<token label>.pem): the vice-chair's own, the committee's seal assigned to its
clerk and the Hồng Bàng ward's seal assigned to the ward's clerk; the blue signature and red seal
images ($KYSO_DEMO_IMAGES); and the sample decision ($KYSO_DEMO_SAMPLE) uploaded as a draft by
the drafter. Prints each login with its role and password (written to argv[2] too) and which
login does which step of the walk."""
import http.client
import json
import os
import secrets
import sys
from urllib.parse import urlencode

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kyso_city import seal_png, signature_png  # noqa: E402

PORT = int(sys.argv[1])
cookie = csrf = None


def call(method, path, body=None, raw=None):
    global cookie, csrf
    h = {"Content-Type": "application/pdf" if raw is not None else "application/json"}
    if cookie:
        h["Cookie"] = cookie
    if csrf:
        h["X-CSRF-Token"] = csrf
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    c.request(method, "/api/v1" + path, raw if raw is not None else json.dumps(body) if body is not None else None, h)
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
# the committee's documents are drafted, checked and issued by its office's staff, who work in
# the committee's own units (a document belongs to its drafter's agency, which must be the
# signer's and the seal's); they administer the committee's users too
for key, agency, name in [("th", "root", "Văn phòng UBND - Phòng Tổng hợp"),
                          ("hc", "root", "Văn phòng UBND - Phòng Hành chính - Tổ chức"),
                          ("vx", "hb", "Phòng Văn hóa - Xã hội")]:
    units[key] = call("POST", f"/agencies/{A[agency]}/units", {"name": name})["id"]

PEOPLE = [  # login, full name, title, agency, unit, roles
    ("chutich", "Nguyễn Văn An", "Chủ tịch", "root", None, ["signer"]),
    ("phochutich", "Trần Thị Bình", "Phó Chủ tịch", "root", None, ["signer"]),
    ("kiemtra", "Lê Văn Cường", "Thanh tra viên", "root", None, ["auditor"]),
    ("vanthu", "Phạm Thị Dung", "Văn thư", "root", "hc", ["clerk"]),
    ("chanhvp", "Hoàng Văn Em", "Chánh Văn phòng", "root", "th", ["unit_head"]),
    ("chuyenvien", "Vũ Thị Hoa", "Chuyên viên", "root", "th", ["drafter"]),
    ("thethuc", "Đỗ Văn Giang", "Chuyên viên pháp chế", "root", "th", ["format_checker"]),
    ("quantri.vp", "Bùi Thị Hạnh", "Chuyên viên", "root", "hc", ["agency_admin"]),
    ("cntt", "Ngô Văn Khoa", "Kỹ sư công nghệ thông tin", "root", "hc", ["it_support"]),
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
# The keys, images and the sample draft: only when demo_server.sh made the tokens (the web UI's
# tests fill a bare kysod with the city alone).
certs = os.environ.get("KYSO_DEMO_CERTS")
walkable = bool(certs)
if walkable:
    for label, owner, agency, holder in [("pho-chu-tich", "person", "root", "phochutich"),
                                         ("ubnd-hai-phong", "agency", "root", "vanthu"),
                                         ("ubnd-hong-bang", "agency", "hb", "vanthu.hb")]:
        tok = call("POST", "/tokens", {"serial": "SoftHSM2-" + label, "label": label, "model": "SoftHSM2",
                                       "agency_id": A[agency], "holder_user_id": ids[holder]})
        body = {"owner_kind": owner, "agency_id": A[agency], "token_id": tok["id"],
                "pem": open(f"{certs}/{label}.pem").read()}
        if owner == "person":
            body["user_id"] = ids[holder]
        else:
            body["assigned_user_id"] = ids[holder]
        call("POST", "/certificates", body)
    img = os.environ["KYSO_DEMO_IMAGES"]
    signature_png(f"{img}/user-{ids['phochutich']}.png")
    seal_png(f"{img}/agency-{A['root']}.png")
    seal_png(f"{img}/agency-{A['hb']}.png")
with open(sys.argv[2], "w") as f:
    for l in lines:
        f.write("\t".join(l) + "\n")
print(f"{'tên đăng nhập / login':24} {'vai trò / roles':30} {'cơ quan / agency':22} mật khẩu / password")
for login, roles, agency, pw in lines:
    print(f"{login:24} {roles:30} {agency:22} {pw}")

if not walkable:
    sys.exit(0)
# the first screen has something: the sample decision, uploaded by the drafter as a draft
cookie = csrf = None
me = call("POST", "/auth/sign-in", {"login": "chuyenvien", "password": dict((l[0], l[3]) for l in lines)["chuyenvien"]})
csrf = me["csrf_token"]
q = urlencode({"doc_type": "Quyết định", "series": "QĐ",
               "summary": "Về việc ban hành Quy chế tiếp nhận và xử lý văn bản điện tử"})
doc = call("POST", "/documents?" + q, raw=open(os.environ["KYSO_DEMO_SAMPLE"], "rb").read())
print(f"""
Dự thảo mẫu / sample draft: #{doc['id']} ({doc['state']}). Đăng nhập lần lượt / sign in, in turn:
  1. chuyenvien   — trình dự thảo / submit the draft
  2. chanhvp      — duyệt / approve (review)
  3. thethuc      — kiểm tra thể thức / format check (approve)
  4. phochutich   — ký số bằng khóa trong token SoftHSM2 / sign with her key in the SoftHSM2 token
  5. vanthu       — cấp số, đóng dấu (B-T) và phát hành, rồi gửi Phường Hồng Bàng /
                    number, seal (B-T) and issue, then send to Phường Hồng Bàng (G02.35.01)
  6. vanthu.hb    — tiếp nhận văn bản đến (đã kiểm tra chữ ký) / accept the incoming document""")
