/* server/api_copies_sign.c — the copying agency's signature on a copy (requirements §4.4,
 * Decree 30 Đ33.2): the agency's seal certificate assigned to the clerk, in a server-side
 * PKCS#11 token whose PIN is read from pkcs11_pin_dir/<label>; the engine's `copy` appearance
 * (no image; the copy form, the agency and the signing time, Times metrics 10 pt, top right of
 * page one); B-T when a TSA is configured. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "copies.h"
#include "doc_queries.h"
#include "kyso/sign.h"
#include "kyso/token.h"

static ks_status read_pin(const kysod_config *c, const char *label, char pin[128], ks_error *e)
{
    if (!c->pkcs11_module[0] || !c->pkcs11_pin_dir[0])
        return ks_error_set(e, KS_E_USAGE,
                            N_("server-side signing is not configured (pkcs11_module, "
                               "pkcs11_pin_dir)"));
    if (strchr(label, '/') || strcmp(label, "..") == 0 || !*label)
        return ks_error_set(e, KS_E_USAGE, N_("the token label cannot name a PIN file"));
    char path[1400];
    snprintf(path, sizeof path, "%s/%s", c->pkcs11_pin_dir, label);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n = fd >= 0 ? read(fd, pin, 127) : -1;
    if (fd >= 0)
        close(fd);
    if (n <= 0)
        return ks_error_set(e, KS_E_TOKEN, N_("no PIN is stored for the token \"%s\""), label);
    pin[n] = 0;
    while (n > 0 && (pin[n - 1] == '\n' || pin[n - 1] == '\r'))
        pin[--n] = 0;
    return KS_OK;
}

int copies_seal_label(kysod_req *r, int64_t agency, char label[256])
{
    ks_db_rows *rows = NULL;
    ks_db_arg a[2] = {KS_DB_I(agency), KS_DB_I(r->s.user_id)};
    int rc = kysod_db(r, Q_SEAL_TOKEN, a, 2, &rows);
    if (rc)
        return rc;
    if (rows->nrows == 0) {
        ks_db_rows_free(rows);
        return kysod_fail_id(
            r, 409, "no_key",
            N_("only the clerk assigned to the agency's certificate signs copies"));
    }
    snprintf(label, 256, "%s", ks_db_cell(rows, 0, 0));
    ks_db_rows_free(rows);
    return 0;
}

ks_status copies_sign(kysod_req *r, const char *label, const char *form, const char *org,
                      const char *reason, const uint8_t *in, size_t len, uint8_t **out,
                      size_t *out_len, ks_error *e)
{
    const kysod_config *c = &r->srv->cfg;
    char pin[128];
    ks_signer *signer = NULL;
    ks_sign_ctx *ctx = NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    o.kind = KS_SIGN_COPY;
    o.copy_form = form;
    o.org_name = org;
    o.reason = reason;
    if (c->tsa_url[0]) {
        o.level = KS_SIGN_B_T;
        o.tsa_url = c->tsa_url;
    }
    ks_status st = read_pin(c, label, pin, e);
    if (st == KS_OK)
        st = ks_token_signer(c->pkcs11_module, label, NULL, pin, &signer, e);
    memset(pin, 0, sizeof pin);
    if (st == KS_OK)
        st = ks_sign_check_signer(signer, &o, time(NULL), e);
    if (st == KS_OK)
        st = ks_sign_prepare_mem(in, len, "source.pdf", &o, signer, &ctx, e);
    if (st == KS_OK)
        st = ks_sign_sign(ctx, signer, &der, &der_len, e);
    if (st == KS_OK)
        st = ks_sign_embed(ctx, der, der_len, e);
    if (st == KS_OK)
        st = ks_sign_write_mem(ctx, out, out_len, e);
    free(der);
    ks_sign_ctx_free(ctx);
    ks_signer_free(signer);
    return st;
}
