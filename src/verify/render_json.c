/* verify/render_json.c — the `kyso verify --json` object. Field names and tokens are a contract
 * (docs/design.md "kyso verify --json"); extra fields are added after the contract ones. */
#include <stdio.h>
#include <string.h>

#include "labels.h"
#include "verify_internal.h"

static void jstr(ks_buf *b, const char *s)
{
    ks_buf_json_str(b, s);
}

static void jkey(ks_buf *b, const char *k, bool first)
{
    if (!first)
        ks_buf_puts(b, ", ");
    jstr(b, k);
    ks_buf_puts(b, ": ");
}

static void jtime(ks_buf *b, time_t t)
{
    if (t == 0) {
        ks_buf_puts(b, "null");
        return;
    }
    char s[32];
    ks_time_iso_vn(t, s);
    jstr(b, s);
}

static void render_sig(const ks_vf_lang *L, const ks_verify_sig *s, ks_buf *b)
{
    char buf[4096];
    ks_buf_putc(b, '{');
    jkey(b, "field", true);
    jstr(b, s->field ? s->field : "");
    jkey(b, "type", false);
    jstr(b, ks_vf_type_token(s->type));
    jkey(b, "subfilter", false);
    jstr(b, s->subfilter ? s->subfilter : "");
    jkey(b, "revision", false);
    ks_buf_printf(b, "%u", s->revision);
    jkey(b, "integrity", false);
    ks_buf_puts(b, s->integrity ? "true" : "false");
    jkey(b, "coverage", false);
    jstr(b, ks_vf_coverage_token(s->coverage));
    jkey(b, "changes_after", false);
    ks_buf_putc(b, '[');
    for (size_t i = 0; i < s->nchanges; i++) {
        const ks_verify_change *c = &s->changes[i];
        char obj[40];
        snprintf(obj, sizeof obj, "%u %u", (unsigned)c->num, (unsigned)c->gen);
        ks_buf_puts(b, i ? ", {" : "{");
        jkey(b, "revision", true);
        ks_buf_printf(b, "%u", c->revision);
        jkey(b, "object", false);
        jstr(b, obj);
        jkey(b, "what", false);
        jstr(b, c->what);
        jkey(b, "allowed", false);
        ks_buf_puts(b, c->allowed ? "true" : "false");
        jkey(b, "what_text", false);
        jstr(b, ks_vf_text(L, c->what_msg, buf, sizeof buf));
        ks_buf_putc(b, '}');
    }
    ks_buf_putc(b, ']');
    jkey(b, "indication", false);
    jstr(b, ks_indication_name(s->indication));
    jkey(b, "subindication", false);
    jstr(b, ks_subindication_name(s->subindication));
    jkey(b, "signer", false);
    ks_buf_putc(b, '{');
    jkey(b, "name", true);
    jstr(b, s->signer.name);
    jkey(b, "title", false);
    jstr(b, s->signer.title);
    jkey(b, "organization", false);
    jstr(b, s->signer.organization);
    jkey(b, "serial", false);
    jstr(b, s->signer.serial);
    jkey(b, "issuer", false);
    jstr(b, s->signer.issuer);
    jkey(b, "not_before", false);
    jtime(b, s->signer.not_before);
    jkey(b, "not_after", false);
    jtime(b, s->signer.not_after);
    ks_buf_putc(b, '}');
    jkey(b, "signing_time", false);
    jtime(b, s->signing_time);
    jkey(b, "time_source", false);
    jstr(b, s->time_from_timestamp ? "timestamp" : "claimed");
    jkey(b, "chain", false);
    jstr(b, ks_vf_chain_token(s->chain));
    jkey(b, "revocation", false);
    jstr(b, ks_vf_rev_token(s->revocation));
    jkey(b, "level", false);
    jstr(b, s->level ? s->level : "none");
    jkey(b, "messages", false);
    ks_buf_putc(b, '[');
    for (size_t i = 0; i < s->nmessages; i++) {
        if (i)
            ks_buf_puts(b, ", ");
        jstr(b, ks_vf_text(L, s->messages[i].msg, buf, sizeof buf));
    }
    ks_buf_putc(b, ']');
    /* extras */
    jkey(b, "byte_range", false);
    ks_buf_printf(b, "[%lld, %lld, %lld, %lld]", (long long)s->byte_range[0],
                  (long long)s->byte_range[1], (long long)s->byte_range[2],
                  (long long)s->byte_range[3]);
    jkey(b, "object", false);
    if (s->obj_num) {
        char obj[40];
        snprintf(obj, sizeof obj, "%u %u", (unsigned)s->obj_num, (unsigned)s->obj_gen);
        jstr(b, obj);
    } else {
        ks_buf_puts(b, "null");
    }
    jkey(b, "digest", false);
    jstr(b, s->digest);
    jkey(b, "key_bits", false);
    ks_buf_printf(b, "%d", s->key_bits);
    jkey(b, "certified", false);
    ks_buf_puts(b, s->docmdp ? "true" : "false");
    if (s->docmdp) {
        jkey(b, "docmdp_p", false);
        ks_buf_printf(b, "%d", s->docmdp_p);
    }
    ks_buf_putc(b, '}');
}

bool ks_verify_render_json(const ks_ctx *ctx, const char *lang, const ks_verify_report *r,
                           ks_buf *out)
{
    const ks_vf_lang lang_ = {ctx, lang}, *L = &lang_;
    char buf[4096];
    ks_buf_putc(out, '{');
    jkey(out, "file", true);
    jstr(out, r->file ? r->file : "");
    jkey(out, "indication", false);
    jstr(out, ks_indication_name(r->indication));
    jkey(out, "subindication", false);
    jstr(out, ks_subindication_name(r->subindication));
    jkey(out, "signatures", false);
    ks_buf_putc(out, '[');
    for (size_t i = 0; i < r->nsigs; i++) {
        if (i)
            ks_buf_puts(out, ", ");
        render_sig(L, &r->sigs[i], out);
    }
    ks_buf_putc(out, ']');
    jkey(out, "revisions", false);
    ks_buf_printf(out, "%u", r->revisions);
    jkey(out, "validation_time", false);
    jtime(out, r->validation_time);
    jkey(out, "messages", false);
    ks_buf_putc(out, '[');
    for (size_t i = 0; i < r->nmessages; i++) {
        if (i)
            ks_buf_puts(out, ", ");
        jstr(out, ks_vf_text(L, r->messages[i].msg, buf, sizeof buf));
    }
    ks_buf_puts(out, "]}\n");
    return !out->failed;
}
