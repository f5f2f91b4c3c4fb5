/* agent/p11.c — the token side: loads the configured PKCS#11 modules (dlopen/LoadLibrary
 * through os.c), lists the certificates in their tokens with each token's PIN state, and
 * signs hashes with the private key that shares the certificate's CKA_ID. One load per
 * request, C_Finalize at its end: the agent keeps no session between requests. */
#include <stdlib.h>
#include <string.h>

#include "agent.h"
/* p11-kit's header sets 1-byte packing on Windows, as Cryptoki modules there expect. */
#include <p11-kit/pkcs11.h>

struct ka_p11 {
    void *lib[KA_MODULES_MAX];
    CK_FUNCTION_LIST *f[KA_MODULES_MAX];
    int n;
};

static void warn(ka_buf *w, const char *path, const char *why)
{
    if (!w)
        return;
    if (w->len)
        ka_buf_puts(w, ",");
    ka_buf_puts(w, "{\"module\":");
    ka_buf_json_str(w, path, strlen(path));
    ka_buf_puts(w, ",\"error\":");
    ka_buf_json_str(w, why, strlen(why));
    ka_buf_puts(w, "}");
}

ka_p11 *ka_p11_open(const ka_config *c, ka_buf *warnings)
{
    ka_p11 *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    for (int i = 0; i < c->n_modules; i++) {
        char why[300] = "";
        void *lib = ka_dl_open(c->modules[i], why, sizeof why);
        if (!lib) {
            warn(warnings, c->modules[i], why);
            continue;
        }
        CK_C_GetFunctionList getf;
        void *sym = ka_dl_sym(lib, "C_GetFunctionList");
        memcpy(&getf, &sym, sizeof getf);
        CK_FUNCTION_LIST *f = NULL;
        if (!sym || getf(&f) != CKR_OK || !f) {
            warn(warnings, c->modules[i], "no C_GetFunctionList");
            ka_dl_close(lib);
            continue;
        }
        CK_C_INITIALIZE_ARGS args;
        memset(&args, 0, sizeof args);
        args.flags = CKF_OS_LOCKING_OK;
        CK_RV rv = f->C_Initialize(&args);
        if (rv != CKR_OK && rv != CKR_CRYPTOKI_ALREADY_INITIALIZED) {
            snprintf(why, sizeof why, "C_Initialize: 0x%lx", (unsigned long)rv);
            warn(warnings, c->modules[i], why);
            ka_dl_close(lib);
            continue;
        }
        p->lib[i] = lib;
        p->f[i] = f;
    }
    p->n = c->n_modules;
    return p;
}

void ka_p11_close(ka_p11 *p)
{
    if (!p)
        return;
    for (int i = 0; i < p->n; i++) {
        if (p->f[i])
            p->f[i]->C_Finalize(NULL);
        ka_dl_close(p->lib[i]);
    }
    free(p);
}

void ka_certs_free(ka_certs *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].der);
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static void pad_copy(char *dst, size_t cap, const unsigned char *src, size_t n)
{
    while (n && (src[n - 1] == ' ' || src[n - 1] == 0))
        n--;
    if (n >= cap)
        n = cap - 1;
    n = ka_utf8_valid_prefix((const char *)src, n);
    if (!ka_text_displayable((const char *)src, n))
        n = 0; /* a label with control characters is not shown at all */
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void state_from(const CK_TOKEN_INFO *ti, ka_token_state *st)
{
    st->locked = (ti->flags & CKF_USER_PIN_LOCKED) != 0;
    st->final_try = (ti->flags & CKF_USER_PIN_FINAL_TRY) != 0;
    st->count_low = (ti->flags & CKF_USER_PIN_COUNT_LOW) != 0;
    st->protected_path = (ti->flags & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
    st->login_required = (ti->flags & CKF_LOGIN_REQUIRED) != 0;
}

const char *ka_pin_state_code(const ka_token_state *st)
{
    return st->locked ? "locked" : st->final_try ? "final-try" : st->count_low ? "count-low" : "ok";
}

const char *ka_pin_state_text(const ka_token_state *st)
{
    /* Recovery of a locked token: Quy chế Đ12 (Mẫu 06 to Sở KH&CN, done within 1 working
     * day). */
    if (st->locked)
        return N_("The token's PIN is locked after too many wrong entries. Do not try again: "
                  "ask your organisation's digital-signature officer to send a token recovery "
                  "request (Mẫu 06) to Sở Khoa học và Công nghệ; recovery takes one working day.");
    if (st->final_try)
        return N_("Only one PIN attempt is left: one more wrong PIN locks the token. If you are "
                  "not sure of the PIN, cancel and ask your digital-signature officer.");
    if (st->count_low)
        return N_("A wrong PIN was entered before: few attempts are left before the token "
                  "locks.");
    return NULL;
}

static bool get_attr(CK_FUNCTION_LIST *f, CK_SESSION_HANDLE s, CK_OBJECT_HANDLE o,
                     CK_ATTRIBUTE_TYPE type, uint8_t **val, size_t *len, size_t max)
{
    CK_ATTRIBUTE a = {type, NULL, 0};
    if (f->C_GetAttributeValue(s, o, &a, 1) != CKR_OK || a.ulValueLen == (CK_ULONG)-1 ||
        a.ulValueLen > max)
        return false;
    *val = malloc(a.ulValueLen ? a.ulValueLen : 1);
    if (!*val)
        return false;
    a.pValue = *val;
    if (f->C_GetAttributeValue(s, o, &a, 1) != CKR_OK) {
        free(*val);
        *val = NULL;
        return false;
    }
    *len = a.ulValueLen;
    return true;
}

/* Certificates on one token, appended to `out`. Limits: 64 certificates per token. */
static bool list_token(ka_p11 *p, int m, CK_SLOT_ID slot, const CK_TOKEN_INFO *ti, ka_certs *out,
                       ka_err *e)
{
    CK_FUNCTION_LIST *f = p->f[m];
    CK_SESSION_HANDLE s;
    if (f->C_OpenSession(slot, CKF_SERIAL_SESSION, NULL, NULL, &s) != CKR_OK)
        return true; /* a token we cannot open lists nothing */
    CK_OBJECT_CLASS cls = CKO_CERTIFICATE;
    CK_ATTRIBUTE tmpl = {CKA_CLASS, &cls, sizeof cls};
    CK_OBJECT_HANDLE objs[64];
    CK_ULONG n = 0;
    if (f->C_FindObjectsInit(s, &tmpl, 1) == CKR_OK) {
        if (f->C_FindObjects(s, objs, 64, &n) != CKR_OK)
            n = 0;
        f->C_FindObjectsFinal(s);
    }
    bool ok = true;
    for (CK_ULONG i = 0; i < n; i++) {
        uint8_t *der = NULL, *id = NULL, *label = NULL;
        size_t der_len = 0, id_len = 0, label_len = 0;
        if (!get_attr(f, s, objs[i], CKA_VALUE, &der, &der_len, 65536)) {
            free(der);
            continue;
        }
        ka_cert *v = realloc(out->v, (out->n + 1) * sizeof *v);
        if (!v) {
            free(der);
            ok = ka_fail(e, "internal", N_("out of memory"));
            break;
        }
        out->v = v;
        ka_cert *c = &out->v[out->n++];
        memset(c, 0, sizeof *c);
        c->module = m;
        c->slot = slot;
        pad_copy(c->token_label, sizeof c->token_label, ti->label, sizeof ti->label);
        pad_copy(c->manufacturer, sizeof c->manufacturer, ti->manufacturerID,
                 sizeof ti->manufacturerID);
        pad_copy(c->model, sizeof c->model, ti->model, sizeof ti->model);
        pad_copy(c->serial, sizeof c->serial, ti->serialNumber, sizeof ti->serialNumber);
        state_from(ti, &c->st);
        c->der = der;
        c->der_len = der_len;
        ka_sha(KA_SHA256, der, der_len, c->fingerprint);
        ka_cert_parse(der, der_len, &c->info);
        if (get_attr(f, s, objs[i], CKA_ID, &id, &id_len, sizeof c->id)) {
            memcpy(c->id, id, id_len);
            c->id_len = id_len;
        }
        if (get_attr(f, s, objs[i], CKA_LABEL, &label, &label_len, sizeof c->label - 1))
            pad_copy(c->label, sizeof c->label, label, label_len);
        free(id);
        free(label);
    }
    f->C_CloseSession(s);
    return ok;
}

bool ka_p11_list(ka_p11 *p, ka_certs *out, ka_err *e)
{
    memset(out, 0, sizeof *out);
    for (int m = 0; m < p->n; m++) {
        CK_FUNCTION_LIST *f = p->f[m];
        if (!f)
            continue;
        CK_SLOT_ID slots[32];
        CK_ULONG ns = 32;
        if (f->C_GetSlotList(CK_TRUE, slots, &ns) != CKR_OK)
            continue;
        for (CK_ULONG i = 0; i < ns; i++) {
            CK_TOKEN_INFO ti;
            if (f->C_GetTokenInfo(slots[i], &ti) != CKR_OK || !(ti.flags & CKF_TOKEN_INITIALIZED))
                continue;
            if (!list_token(p, m, slots[i], &ti, out, e)) {
                ka_certs_free(out);
                return false;
            }
        }
    }
    return true;
}

static const uint8_t *digest_info(int alg, size_t *n)
{
    /* DigestInfo prefixes (RFC 8017 §9.2 note 1) for SHA-256, SHA-384, SHA-512. */
    static const uint8_t di[3][19] = {{0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                       0x65, 0x03, 0x04, 0x02, 0x01, 0x05, 0x00, 0x04, 0x20},
                                      {0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                       0x65, 0x03, 0x04, 0x02, 0x02, 0x05, 0x00, 0x04, 0x30},
                                      {0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01,
                                       0x65, 0x03, 0x04, 0x02, 0x03, 0x05, 0x00, 0x04, 0x40}};
    *n = 19;
    return di[alg == KA_SHA256 ? 0 : alg == KA_SHA384 ? 1 : 2];
}

static bool login_failed(CK_FUNCTION_LIST *f, CK_SLOT_ID slot, CK_RV rv, ka_err *e)
{
    CK_TOKEN_INFO ti;
    ka_token_state st = {0};
    if (f->C_GetTokenInfo(slot, &ti) == CKR_OK)
        state_from(&ti, &st);
    if (rv == CKR_PIN_LOCKED || st.locked) {
        st.locked = true;
        return ka_fail_msgids(e, "pin-locked", ka_pin_state_text(&st), NULL);
    }
    if (rv == CKR_PIN_INCORRECT || rv == CKR_PIN_INVALID || rv == CKR_PIN_LEN_RANGE)
        return ka_fail_msgids(e, "pin-incorrect", N_("Wrong PIN."), ka_pin_state_text(&st));
    return ka_fail(e, "token-error", N_("the token refused the PIN (C_Login: 0x%lx)"),
                   (unsigned long)rv);
}

bool ka_p11_sign(ka_p11 *p, const ka_cert *cert, const char *pin, ka_sign_job *job, ka_err *e)
{
    CK_FUNCTION_LIST *f = cert->module < p->n ? p->f[cert->module] : NULL;
    if (!f)
        return ka_fail(e, "token-error", N_("the token's module is not loaded"));
    CK_SESSION_HANDLE s;
    CK_RV rv = f->C_OpenSession(cert->slot, CKF_SERIAL_SESSION, NULL, NULL, &s);
    if (rv != CKR_OK)
        return ka_fail(e, "token-error", N_("cannot open the token (C_OpenSession: 0x%lx)"),
                       (unsigned long)rv);
    bool ok = false, logged_in = false;
    /* No PIN: a pinpad reader (the protected path) or a token that needs no login. */
    if (pin || (cert->st.protected_path && cert->st.login_required)) {
        rv = pin ? f->C_Login(s, CKU_USER, (CK_UTF8CHAR_PTR)pin, (CK_ULONG)strlen(pin))
                 : f->C_Login(s, CKU_USER, NULL, 0);
        if (rv != CKR_OK && rv != CKR_USER_ALREADY_LOGGED_IN) {
            login_failed(f, cert->slot, rv, e);
            goto done;
        }
        logged_in = rv == CKR_OK;
    }
    CK_OBJECT_CLASS cls = CKO_PRIVATE_KEY;
    CK_ATTRIBUTE tmpl[2] = {{CKA_CLASS, &cls, sizeof cls},
                            {CKA_ID, (void *)cert->id, (CK_ULONG)cert->id_len}};
    CK_OBJECT_HANDLE key = 0;
    CK_ULONG nk = 0;
    if (f->C_FindObjectsInit(s, tmpl, 2) == CKR_OK) {
        CK_OBJECT_HANDLE keys[2];
        if (f->C_FindObjects(s, keys, 2, &nk) != CKR_OK)
            nk = 0;
        f->C_FindObjectsFinal(s);
        key = keys[0];
    }
    if (nk != 1) {
        ka_fail(e, "no-key", N_("the token holds no single private key for this certificate"));
        goto done;
    }
    CK_KEY_TYPE kt = 0;
    CK_ATTRIBUTE ka = {CKA_KEY_TYPE, &kt, sizeof kt};
    if (f->C_GetAttributeValue(s, key, &ka, 1) != CKR_OK ||
        (kt == CKK_RSA) != (job->mech != KA_MECH_ECDSA) || (kt != CKK_RSA && kt != CKK_EC)) {
        ka_fail(e, "bad-algorithm", N_("the signature algorithm does not fit the key's type"));
        goto done;
    }
    /* A non-repudiation key may demand the PIN again before every signature (PKCS#11 v2.40
     * §4.9 CKA_ALWAYS_AUTHENTICATE): the same PIN (or the pinpad) answers, no new dialog. */
    CK_BBOOL always = CK_FALSE;
    CK_ATTRIBUTE aa = {CKA_ALWAYS_AUTHENTICATE, &always, sizeof always};
    if (f->C_GetAttributeValue(s, key, &aa, 1) != CKR_OK)
        always = CK_FALSE;
    static const CK_MECHANISM_TYPE hash_mech[3] = {CKM_SHA256, CKM_SHA384, CKM_SHA512};
    static const CK_RSA_PKCS_MGF_TYPE mgf[3] = {CKG_MGF1_SHA256, CKG_MGF1_SHA384, CKG_MGF1_SHA512};
    size_t hlen = ka_sha_len(job->halg);
    CK_RSA_PKCS_PSS_PARAMS pss = {hash_mech[job->halg], mgf[job->halg], (CK_ULONG)hlen};
    CK_MECHANISM mech = {CKM_RSA_PKCS, NULL, 0};
    if (job->mech == KA_MECH_RSA_PSS)
        mech = (CK_MECHANISM){CKM_RSA_PKCS_PSS, &pss, sizeof pss};
    else if (job->mech == KA_MECH_ECDSA)
        mech = (CK_MECHANISM){CKM_ECDSA, NULL, 0};
    for (size_t i = 0; i < job->n; i++) {
        uint8_t data[19 + 64];
        size_t dlen = 0;
        if (job->mech == KA_MECH_RSA_PKCS1) {
            const uint8_t *di = digest_info(job->halg, &dlen);
            memcpy(data, di, dlen);
        }
        memcpy(data + dlen, job->hashes[i], hlen);
        dlen += hlen;
        CK_ULONG slen = sizeof job->sigs[i];
        rv = f->C_SignInit(s, &mech, key);
        if (rv == CKR_OK && always) {
            rv = pin ? f->C_Login(s, CKU_CONTEXT_SPECIFIC, (CK_UTF8CHAR_PTR)pin,
                                  (CK_ULONG)strlen(pin))
                     : f->C_Login(s, CKU_CONTEXT_SPECIFIC, NULL, 0);
            if (rv != CKR_OK) {
                login_failed(f, cert->slot, rv, e);
                goto done;
            }
        }
        if (rv == CKR_OK)
            rv = f->C_Sign(s, data, (CK_ULONG)dlen, job->sigs[i], &slen);
        if (rv != CKR_OK) {
            ka_fail(e, "token-error", N_("the token could not sign document %zu (0x%lx)"), i + 1,
                    (unsigned long)rv);
            goto done;
        }
        job->sig_lens[i] = slen;
    }
    ok = true;
done:
    if (logged_in)
        f->C_Logout(s);
    f->C_CloseSession(s);
    return ok;
}
