"""End to end, issue 14: a leader signs in to kysod and signs workflow documents with the key in
their own (SoftHSM2) token, through Debian's chromium, the kyso extension and kyso-agent, the
scripted pinentry standing in for the person. Sets up a real CA (kyso ca serve), kysod with the
web UI on a loopback port (public_origin = that address), the city's people and 11 documents
at the signing step, then runs token_e2e.test.mjs (the browser part) and checks what it did:
the clerk seals the leader's decision (server-side token), pdfsig and kyso verify accept it
(TOTAL-PASSED), the batch of 10 is signed with ONE PIN request (GETPIN counted in the
pinentry's log). Needs the environment test_token_browser.sh prepares (W, EXT, PROFILE, the
agent registered, SOFTHSM2_CONF, KYSO_P11_MODULE)."""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../server"))
from kysod_lib import Kysod, free_port  # noqa: E402
from test_tokensrv import KYSO, Pki, block_pdf, login, png, run, to_signing, V  # noqa: E402

W = os.environ["W"]
SRC = os.environ["KYSO_SOURCE"]
fails = 0
checks = 0


def check(cond, what):
    global fails, checks
    checks += 1
    if not cond:
        fails += 1
        print("FAIL:", what)


def main():
    mod = os.environ["KYSO_P11_MODULE"]
    pki = Pki(W)
    # the leader's key in their own token "Nguyễn Văn A" (agent_lib made it; PIN in $W/pin)
    leader_pem = pki.issue_in_token("Nguyen Van A", mod, os.environ["LEADER_TOKEN"], W + "/pin")
    # the city's seal in a server-side token (kysod reads its PIN from the PIN directory), in a
    # token store of kysod's own: the leader's browser sees only the leader's token
    desk_conf = os.environ["SOFTHSM2_CONF"]
    os.makedirs(W + "/server-hsm/tokens", exist_ok=True)
    with open(W + "/server-hsm/softhsm2.conf", "w") as f:
        f.write(f"directories.tokendir = {W}/server-hsm/tokens\nobjectstore.backend = file\n"
                "log.level = ERROR\nslots.removable = false\n")
    os.environ["SOFTHSM2_CONF"] = W + "/server-hsm/softhsm2.conf"  # kyso ca, kyso token, kysod
    os.makedirs(W + "/pins", mode=0o700, exist_ok=True)
    open(W + "/pins/seal", "w").write("pin-seal\n")
    open(W + "/seal.pin", "w").write("pin-seal\n")
    run([KYSO, "token", "init", "--pkcs11", mod, "--token", "seal", "--so-pin-file", W + "/so",
         "--pin-file", W + "/seal.pin"])
    seal_pem = pki.issue_in_token("UBND thanh pho Hai Phong", mod, "seal", W + "/seal.pin")
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    k = Kysod("sqlite:" + W + "/kysod.db", W + "/k",
              f"listen = 127.0.0.1:{port}\nweb_root = {SRC}/web/dist\nblob_dir = {W}/blobs\n"
              f"pkcs11_module = {mod}\npkcs11_pin_dir = {W}/pins\nimages_dir = {W}/img\n"
              f"public_origin = {origin}\ntoken_trust = {pki.trust}\n")
    try:
        adm = login(k, "admin")
        users = {}
        for lg, role, name in [("drafter", "drafter", "Nguoi soan"), ("head", "unit_head", "Chanh Van phong"),
                               ("checker", "format_checker", "Chuyen vien"), ("leader", "signer", "Nguyen Van A"),
                               ("clerk", "clerk", "Van thu")]:
            st, j, _ = adm.req("POST", V + "/users", {"login": lg, "full_name": name, "title": "Pho Chu tich",
                                                      "agency_id": k.root, "password": "pw-" + lg + "-0123"})
            assert st == 201, j
            users[lg] = j["id"]
            st, j, _ = adm.req("POST", V + "/role-assignments", {"user_id": j["id"], "agency_id": k.root, "role": role})
            assert st == 201, j
        st, c, _ = adm.req("POST", V + "/certificates", {"owner_kind": "person", "agency_id": k.root,
                                                         "user_id": users["leader"], "pem": open(leader_pem).read()})
        assert st == 201, c
        st, t, _ = adm.req("POST", V + "/tokens", {"serial": "SH-seal", "label": "seal", "agency_id": k.root,
                                                   "holder_user_id": users["clerk"]})
        st, c, _ = adm.req("POST", V + "/certificates", {"owner_kind": "agency", "agency_id": k.root,
                                                         "token_id": t["id"], "pem": open(seal_pem).read(),
                                                         "assigned_user_id": users["clerk"]})
        assert st == 201, c
        os.makedirs(W + "/img", exist_ok=True)
        png(f"{W}/img/user-{users['leader']}.png", 240, 80, (20, 40, 200, 255))
        png(f"{W}/img/agency-{k.root}.png", 200, 200, (220, 20, 20, 255))
        s = {u: login(k, u) for u in ("drafter", "head", "checker", "clerk")}
        one = to_signing(s, block_pdf("PHO CHU TICH", "Nguyen Van A", "Quyet dinh ban hanh quy che"),
                         "Quyết định ban hành quy chế văn thư")
        batch = [to_signing(s, block_pdf("PHO CHU TICH", "Nguyen Van A", f"Quyet dinh so {n}"),
                            f"Quyết định số {n}/QĐ-UBND") for n in range(1, 11)]

        env = dict(os.environ, SOFTHSM2_CONF=desk_conf, KYSOD_URL=origin, DOC_ONE=str(one), DOC_BATCH=",".join(map(str, batch)))
        r = subprocess.run(["node", "token_e2e.test.mjs"], cwd=HERE, env=env, timeout=600)
        check(r.returncode == 0, f"the browser part passed ({r.returncode})")

        st, d, _ = s["clerk"].req("GET", V + f"/documents/{one}")
        check(d["state"] == "signed" and d["signer_id"] == users["leader"], f"the decision is signed by the leader: {d}")
        st, d, _ = s["clerk"].req("POST", V + f"/documents/{one}/issue", {"symbol": "QĐ-UBND", "series": "QĐ"})
        check(st == 200 and d["state"] == "issued", f"the clerk seals it: {st} {d}")
        st, raw, _ = s["clerk"].req("GET", V + f"/documents/{one}/pdf")
        open(W + "/issued.pdf", "wb").write(raw)
        out = subprocess.run(["pdfsig", W + "/issued.pdf"], capture_output=True, text=True).stdout
        check(out.count("Signature Validation: Signature is Valid.") == 2 and "Nguyen Van A" in out,
              "pdfsig: the leader's and the seal's signatures are valid\n" + out)
        v = subprocess.run([KYSO, "verify", W + "/issued.pdf", "--trust", pki.trust, "--json", "--lang", "en"],
                           capture_output=True, text=True)
        rep = json.loads(v.stdout) if v.stdout.startswith("{") else {}
        inds = [x.get("indication") for x in rep.get("signatures", [])]
        check(v.returncode == 0 and inds == ["TOTAL-PASSED"] * 2, f"kyso verify: {v.returncode} {inds}")
        for d_id in batch:
            st, d, _ = s["clerk"].req("GET", V + f"/documents/{d_id}")
            check(d["state"] == "signed", f"batch document {d_id} signed: {d['state']}")
        st, au, _ = adm.req("GET", V + "/audit?limit=500")
        acts = [e for e in au["items"] if e["action"] == "session.sign_in" and (e.get("after") or {}).get("method") == "token"]
        check(len(acts) >= 1, "the token sign-in is audited")
    finally:
        rc = k.stop()
        check(rc == 0, f"kysod exits cleanly: {rc}")
        pki.stop()
    print(f"token e2e: {checks - fails} passed, {fails} failed")
    sys.exit(1 if fails else 0)


main()
