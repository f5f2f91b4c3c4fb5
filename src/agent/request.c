/* agent/request.c — what sign and authenticate share: reading request members, checking
 * the origin the extension passed, choosing the certificate, and the consent dialog that
 * precedes every use of the key. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"

const char *ka_req_str(const ka_req *r, const char *key, size_t *len)
{
    const ka_jnode *n = ka_json_get(r->j, r->root, key);
    if (!n || n->type != KA_J_STR)
        return NULL;
    if (len)
        *len = n->slen;
    return n->s;
}

/* An origin's ASCII serialisation (WHATWG HTML §7.5): scheme "://" host [":" port], no path.
 * https for any host; http only for the loopback demo. */
bool ka_req_origin(const ka_req *r, const char **origin, ka_err *e)
{
    size_t n;
    const char *o = ka_req_str(r, "origin", &n);
    if (!o)
        return ka_fail(e, "bad-request", N_("the request has no origin"));
    const char *host;
    bool http = false;
    if (strncmp(o, "https://", 8) == 0) {
        host = o + 8;
    } else if (strncmp(o, "http://", 7) == 0) {
        host = o + 7;
        http = true;
    } else {
        return ka_fail(e, "bad-origin", N_("origin \"%.100s\" is not an https origin"), o);
    }
    size_t hl = strcspn(host, ":");
    bool ok = hl > 0 && hl <= 253 && n <= 300;
    for (size_t i = 0; ok && i < hl; i++) {
        char ch = host[i];
        ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
    }
    if (ok && host[hl] == ':') {
        const char *p = host + hl + 1;
        size_t pl = strlen(p);
        ok = pl >= 1 && pl <= 5 && strspn(p, "0123456789") == pl && p[0] != '0';
    }
    if (!ok)
        return ka_fail(e, "bad-origin", N_("origin \"%.100s\" is not a valid origin"), o);
    if (http && !(hl == 9 && strncmp(host, "127.0.0.1", 9) == 0) &&
        !(hl == 9 && strncmp(host, "localhost", 9) == 0))
        return ka_fail(e, "bad-origin", N_("origin \"%.100s\" is not an https origin"), o);
    *origin = o;
    return true;
}

static bool hex_eq(const char *hex, const uint8_t *v, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    if (strlen(hex) != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (hex[2 * i] != hx[v[i] >> 4] || hex[2 * i + 1] != hx[v[i] & 15])
            return false;
    return true;
}

bool ka_req_cert(const ka_req *r, ka_certs *all, const ka_cert **out, ka_err *e)
{
    if (!ka_p11_list(r->p11, all, e))
        return false;
    const char *id = ka_req_str(r, "cert", NULL);
    if (!id && ka_json_get(r->j, r->root, "cert"))
        return ka_fail(e, "bad-request", N_("\"cert\" must be a string"));
    if (!id) {
        if (all->n != 1)
            return ka_fail(e, "no-certificate",
                           N_("choose a certificate: %zu certificates are present"), all->n);
        *out = &all->v[0];
        return true;
    }
    for (size_t i = 0; i < all->n; i++) {
        if (hex_eq(id, all->v[i].fingerprint, sizeof all->v[i].fingerprint)) {
            *out = &all->v[i];
            return true;
        }
    }
    return ka_fail(e, "no-certificate", N_("the certificate %.70s is not in any connected token"),
                   id);
}

bool ka_consent_and_sign(const ka_req *r, const ka_cert *cert, const char *desc, ka_sign_job *job,
                         ka_err *e)
{
    if (cert->st.locked)
        return ka_fail_msgids(e, "pin-locked", ka_pin_state_text(&cert->st), NULL);
    const char *warning = ka_pin_state_text(&cert->st);
    char pin[256];
    bool need_pin = cert->st.login_required && !cert->st.protected_path;
    ka_dialog d = {ka_tr(N_("kyso: digital signature"), r->en), desc,
                   ka_tr(N_("Token PIN:"), r->en), warning ? ka_tr(warning, r->en) : NULL,
                   need_pin};
    ka_buf full = {0};
    if (cert->st.protected_path && cert->st.login_required) {
        /* A pinpad reader: the PIN is typed on the reader after this confirmation. */
        ka_buf_puts(&full, desc);
        ka_buf_puts(&full, "\n\n");
        ka_buf_puts(&full,
                    ka_tr(N_("After you confirm, type the PIN on the reader's keypad."), r->en));
        d.desc = full.p;
    }
    bool ok = ka_dialog_run(r->cfg, &d, pin, sizeof pin, e);
    ka_buf_free(&full);
    if (ok)
        ok = ka_p11_sign(r->p11, cert, need_pin ? pin : NULL, job, e);
    ka_wipe(pin, sizeof pin);
    return ok;
}
