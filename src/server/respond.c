/* server/respond.c — answers: the one error object {"error": {"code", "message", "field"}} with
 * the message in the request's language, JSON bodies, ETags and If-Match. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/sha.h>

#include "server.h"

static int fail_msg(kysod_req *r, int status, const char *code, const char *field, const char *msg)
{
    json_t *e = json_pack("{s:s, s:s}", "code", code, "message", msg);
    if (field)
        json_object_set_new(e, "field", json_string(field));
    if (r->retry_after[0])
        json_object_set_new(e, "retry_after", json_integer(strtoll(r->retry_after, NULL, 10)));
    return kysod_json(r, status, json_pack("{s:o}", "error", e));
}

int kysod_fail(kysod_req *r, int status, const char *code, const char *field, const char *fmt, ...)
{
    ks_error e;
    va_list ap;
    va_start(ap, fmt);
    ks_error_setv(&e, KS_E_USAGE, fmt, ap);
    va_end(ap);
    char buf[KS_ERROR_MSG_MAX];
    return fail_msg(r, status, code, field, kysod_err_text(r, &e, buf, sizeof buf));
}

const char *kysod_err_text(kysod_req *r, const ks_error *e, char *buf, size_t cap)
{
    return ks_error_str(r->srv->ctx, r->lang, e, buf, cap);
}

int kysod_fail_id(kysod_req *r, int status, const char *code, const char *msgid)
{
    return fail_msg(r, status, code, NULL, ks_ctx_tr(r->srv->ctx, r->lang, msgid));
}

int kysod_fail_err(kysod_req *r, const ks_error *e)
{
    if (e->status == KS_E_STATE) {
        char buf[KS_ERROR_MSG_MAX];
        return fail_msg(r, 409, "conflict", NULL, kysod_err_text(r, e, buf, sizeof buf));
    }
    atomic_fetch_add(&r->srv->metrics.db_errors, 1);
    json_t *f = json_pack("{s:s}", "error", e->msg_en);
    kysod_log(r->srv, "error", "internal error", f);
    json_decref(f);
    return kysod_fail(r, 500, "internal", NULL,
                      N_("the server could not complete the request; it has been logged"));
}

int kysod_json(kysod_req *r, int status, json_t *out)
{
    json_decref(r->out);
    r->out = out;
    r->status = status;
    return status;
}

void kysod_etag_text(const char *s, size_t len, char out[40])
{
    uint8_t md[SHA256_DIGEST_LENGTH];
    SHA256((const uint8_t *)s, len, md);
    out[0] = '"';
    for (int i = 0; i < 16; i++)
        snprintf(out + 1 + 2 * i, 3, "%02x", md[i]);
    out[33] = '"';
    out[34] = 0;
}

void kysod_etag_of(json_t *obj, char out[40])
{
    char *s = json_dumps(obj, KYSOD_JSON_FLAGS);
    kysod_etag_text(s ? s : "", s ? strlen(s) : 0, out);
    free(s);
}

int kysod_json_etag(kysod_req *r, json_t *out)
{
    /* the ETag is computed in send_answer from the bytes sent: one serialisation */
    r->want_etag = true;
    return kysod_json(r, 200, out);
}

int kysod_check_if_match(kysod_req *r, json_t *current)
{
    const char *im = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-Match");
    if (!im || strcmp(im, "*") == 0)
        return 0;
    char tag[40];
    kysod_etag_of(current, tag);
    if (strcmp(im, tag) == 0)
        return 0;
    return kysod_fail(r, 412, "precondition_failed", NULL,
                      N_("someone changed this record since you loaded it; reload it"));
}
