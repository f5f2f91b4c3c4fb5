/* sign/prepared.c — signing in two halves: ks_sign_begin hands out what the remote key must
 * sign (the hash of the CMS signed attributes), ks_sign_prepared_save / _load carry the
 * prepared revision to another request, process or node, and ks_sign_finish embeds the
 * signature value once it arrives. The base document is not saved, only its SHA-256: loading
 * against other bytes is refused. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "sign_internal.h"

#define STATE_MAGIC "KSPREP1"
#define STATE_MAX (64u << 20)
enum { T_BASE = 1, T_UPD, T_SLOT, T_FIELD, T_OPTS, T_TSA, T_CERT, T_CHAIN, T_DIGEST, T_CMS };

ks_status ks_sign_begin(ks_sign_ctx *ctx, ks_cms_tbs *tbs, ks_error *err)
{
    ks_status st = ks_sign_digest(ctx, NULL, NULL, err);
    if (st != KS_OK)
        return st;
    if (!ctx->cert)
        return ks_error_set(err, KS_E_USAGE, N_("signing needs a signer with a certificate"));
    ks_signer who = {0};
    who.cert = ctx->cert;
    who.chain = ctx->chain;
    who.key_type = ctx->key_type;
    const ks_sign_opts *o = ctx->opts;
    ks_cms_sign_opts co = {o->profile,
                           o->md,
                           ctx->key_type == EVP_PKEY_EC ? KS_SIG_ECDSA : o->scheme,
                           ctx->signing_time,
                           o->level >= KS_SIGN_B_T ? o->tsa_url : NULL,
                           o->timeout_ms,
                           o->ctx};
    ks_cms_pending_free(ctx->cms);
    ctx->cms = NULL;
    return ks_cms_begin(&who, ctx->digest, ctx->digest_len, &co, &ctx->cms, tbs, err);
}

ks_status ks_sign_finish(ks_sign_ctx *ctx, const uint8_t *sig, size_t sig_len, ks_error *err)
{
    if (!ctx->cms)
        return ks_error_set(err, KS_E_USAGE, N_("the signature was not begun (ks_sign_begin)"));
    uint8_t *der = NULL;
    size_t der_len = 0;
    ks_status st = ks_cms_finish(ctx->cms, sig, sig_len, &der, &der_len, err);
    if (st == KS_OK)
        st = ks_sign_embed(ctx, der, der_len, err);
    free(der);
    return st;
}

static bool put_tlv(ks_buf *b, uint8_t tag, const void *data, size_t len)
{
    uint8_t h[5] = {tag, (uint8_t)(len >> 24), (uint8_t)(len >> 16), (uint8_t)(len >> 8),
                    (uint8_t)len};
    return len <= 0xFFFFFFFFu && ks_buf_append(b, h, 5) && ks_buf_append(b, data, len);
}

static void put_u64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 0; i < 8; i++)
        v = v << 8 | p[i];
    return v;
}

static bool put_cert(ks_buf *b, uint8_t tag, X509 *x)
{
    unsigned char *p = NULL;
    int n = i2d_X509(x, &p);
    bool ok = n > 0 && put_tlv(b, tag, p, (size_t)n);
    OPENSSL_free(p);
    return ok;
}

/* The update without the /Contents placeholder (zeros, most of its bytes): rebuilt at load. */
static bool put_upd(ks_buf *b, const ks_sig_slot *s)
{
    size_t gap_rel = (size_t)(s->gap_off - s->base_len), after = gap_rel + (size_t)s->gap_len;
    size_t n = s->upd.len - (size_t)s->gap_len;
    uint8_t h[5] = {T_UPD, (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    return n <= 0xFFFFFFFFu && ks_buf_append(b, h, 5) && ks_buf_append(b, s->upd.data, gap_rel) &&
           ks_buf_append(b, s->upd.data + after, s->upd.len - after);
}

/* SHA-256 of the base document's bytes (the file or the memory copy). */
static ks_status base_sha256(const ks_sign_ctx *ctx, uint8_t out[32], ks_error *err)
{
    if (ctx->base_mem) {
        SHA256(ctx->base_mem, (size_t)ctx->slot.base_len, out);
        return KS_OK;
    }
    ks_mapped m;
    ks_status st = ks_map_file(ctx->in_path, &m, err);
    if (st != KS_OK)
        return st;
    if ((uint64_t)m.len != ctx->slot.base_len)
        st = ks_error_set(err, KS_E_IO, N_("\"%s\" changed while it was being signed"),
                          ctx->in_path);
    else
        SHA256(m.data, m.len, out);
    ks_unmap(&m);
    return st;
}

ks_status ks_sign_prepared_save(const ks_sign_ctx *ctx, uint8_t **out, size_t *out_len,
                                ks_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!ctx->digested || !ctx->cert)
        return ks_error_set(err, KS_E_USAGE,
                            N_("a prepared signature can be saved once its digest is made"));
    uint8_t base[8 + 32], slot[10 * 8], opts[8 + 8];
    put_u64(base, ctx->slot.base_len);
    ks_status st = base_sha256(ctx, base + 8, err);
    if (st != KS_OK)
        return st;
    const ks_sig_slot *s = &ctx->slot;
    uint64_t sv[10] = {s->br_off,   s->br_len,   s->gap_off,  s->gap_len, s->range[0],
                       s->range[1], s->range[2], s->range[3], 0,          0};
    for (int i = 0; i < 10; i++)
        put_u64(slot + 8 * i, sv[i]);
    const ks_sign_opts *o = ctx->opts;
    memset(opts, 0, sizeof opts);
    opts[0] = (uint8_t)o->level;
    opts[1] = (uint8_t)o->md;
    opts[2] = (uint8_t)o->profile;
    opts[3] = (uint8_t)o->scheme;
    opts[4] = (uint8_t)(ctx->key_type == EVP_PKEY_EC);
    put_u64(opts + 8, (uint64_t)(int64_t)ctx->signing_time);
    ks_buf b = KS_BUF_INIT;
    bool ok = ks_buf_append(&b, STATE_MAGIC, 8) && put_tlv(&b, T_BASE, base, sizeof base) &&
              put_upd(&b, s) && put_tlv(&b, T_SLOT, slot, sizeof slot) &&
              put_tlv(&b, T_FIELD, ctx->field_name, strlen(ctx->field_name)) &&
              put_tlv(&b, T_OPTS, opts, sizeof opts) &&
              (!o->tsa_url || put_tlv(&b, T_TSA, o->tsa_url, strlen(o->tsa_url))) &&
              put_cert(&b, T_CERT, ctx->cert) &&
              put_tlv(&b, T_DIGEST, ctx->digest, ctx->digest_len);
    for (int i = 0; ok && ctx->chain && i < sk_X509_num(ctx->chain); i++)
        ok = put_cert(&b, T_CHAIN, sk_X509_value(ctx->chain, i));
    if (ok && ctx->cms) {
        ks_buf c = KS_BUF_INIT;
        ok = ks_cms_pending_save(ctx->cms, &c, err) == KS_OK && put_tlv(&b, T_CMS, c.data, c.len);
        ks_buf_free(&c);
    }
    if (!ok || b.failed || !(*out = ks_buf_steal(&b, out_len))) {
        ks_buf_free(&b);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    return KS_OK;
}

static ks_status damaged(ks_error *err)
{
    return ks_error_set(err, KS_E_FORMAT, N_("the saved signature state is damaged"));
}

/* Reads the state's fields into ctx (everything but the base document). */
static ks_status parse_state(ks_sign_ctx *ctx, const uint8_t *d, size_t len, uint8_t base[40],
                             ks_error *err)
{
    if (len < 8 || len > STATE_MAX || memcmp(d, STATE_MAGIC, 8) != 0)
        return ks_error_set(err, KS_E_FORMAT, N_("not a saved signature state"));
    unsigned seen = 0;
    for (size_t pos = 8; pos < len;) {
        if (len - pos < 5)
            return damaged(err);
        uint8_t tag = d[pos];
        size_t n = (size_t)d[pos + 1] << 24 | (size_t)d[pos + 2] << 16 | (size_t)d[pos + 3] << 8 |
                   d[pos + 4];
        pos += 5;
        if (n > len - pos || tag < T_BASE || tag > T_CMS ||
            (tag != T_CHAIN && (seen & (1u << tag))))
            return damaged(err);
        seen |= 1u << tag;
        const uint8_t *v = d + pos;
        pos += n;
        switch (tag) {
        case T_BASE:
            if (n != 40)
                return damaged(err);
            memcpy(base, v, 40);
            break;
        case T_UPD:
            if (n == 0 || !ks_buf_append(&ctx->slot.upd, v, n))
                return n ? ks_error_set(err, KS_E_NOMEM, N_("out of memory")) : damaged(err);
            break;
        case T_SLOT: {
            if (n != 80)
                return damaged(err);
            ks_sig_slot *s = &ctx->slot;
            s->br_off = get_u64(v);
            s->br_len = get_u64(v + 8);
            s->gap_off = get_u64(v + 16);
            s->gap_len = get_u64(v + 24);
            for (int i = 0; i < 4; i++)
                s->range[i] = get_u64(v + 32 + 8 * i);
            break;
        }
        case T_FIELD:
            if (n >= sizeof ctx->field_name || memchr(v, 0, n))
                return damaged(err);
            memcpy(ctx->field_name, v, n);
            ctx->field_name[n] = 0;
            break;
        case T_OPTS:
            if (n != 16 || v[0] > KS_SIGN_B_LTA || v[1] > KS_MD_SHA512 || v[2] > KS_CMS_PKCS7 ||
                v[3] > KS_SIG_ECDSA)
                return damaged(err);
            ctx->own.level = (ks_sign_level)v[0];
            ctx->own.md = (ks_md)v[1];
            ctx->own.profile = (ks_cms_profile)v[2];
            ctx->own.scheme = (ks_sig_scheme)v[3];
            ctx->key_type = v[4] ? EVP_PKEY_EC : EVP_PKEY_RSA;
            ctx->signing_time = (time_t)(int64_t)get_u64(v + 8);
            break;
        case T_TSA:
            if (n == 0 || n > 4096 || memchr(v, 0, n) ||
                !(ctx->own_tsa_url = strndup((const char *)v, n)))
                return damaged(err);
            break;
        case T_CERT:
        case T_CHAIN: {
            const unsigned char *q = v;
            X509 *x = d2i_X509(NULL, &q, (long)n);
            if (!x || q != v + n) {
                X509_free(x);
                return damaged(err);
            }
            if (tag == T_CERT) {
                ctx->cert = x;
            } else if ((!ctx->chain && !(ctx->chain = sk_X509_new_null())) ||
                       sk_X509_num(ctx->chain) >= 32 || !sk_X509_push(ctx->chain, x)) {
                X509_free(x);
                return damaged(err);
            }
            break;
        }
        case T_DIGEST:
            if (n == 0 || n > sizeof ctx->digest)
                return damaged(err);
            memcpy(ctx->digest, v, n);
            ctx->digest_len = n;
            ctx->digested = true;
            break;
        case T_CMS: {
            ks_status st = ks_cms_pending_load(v, n, &ctx->cms, err);
            if (st != KS_OK)
                return st;
            break;
        }
        }
    }
    unsigned need = 1u << T_BASE | 1u << T_UPD | 1u << T_SLOT | 1u << T_FIELD | 1u << T_OPTS |
                    1u << T_CERT | 1u << T_DIGEST;
    if ((seen & need) != need)
        return damaged(err);
    /* the placeholders must lie inside the update, as prepare made them */
    const ks_sig_slot *s = &ctx->slot;
    uint64_t base_len = get_u64(base);
    /* each bound below keeps the sums that follow from overflowing: a state is untrusted input */
    if (s->gap_len < 2 || s->gap_len > (64u << 20) || s->upd.len > STATE_MAX ||
        base_len > ((uint64_t)1 << 48))
        return damaged(err);
    uint64_t end = base_len + s->upd.len + s->gap_len;
    if (s->gap_off < base_len || s->gap_off - base_len > s->upd.len ||
        s->gap_len > end - s->gap_off || s->br_off < base_len || s->br_off > end ||
        s->br_len > end - s->br_off || ctx->digest_len != ks_md_len(ctx->own.md))
        return damaged(err);
    ctx->slot.base_len = base_len;
    return KS_OK;
}

/* Puts the placeholder "<00…>" back into the update (parse_state checked the offsets against
 * the stripped update's length plus the gap). */
static ks_status restore_gap(ks_sig_slot *s, ks_error *err)
{
    size_t gap_rel = (size_t)(s->gap_off - s->base_len), gap = (size_t)s->gap_len;
    ks_buf u = KS_BUF_INIT;
    bool ok =
        ks_buf_append(&u, s->upd.data, gap_rel) && ks_buf_putc(&u, '<') && ks_buf_reserve(&u, gap);
    if (ok) {
        memset(u.data + u.len, '0', gap - 2);
        u.len += gap - 2;
        ok = ks_buf_putc(&u, '>') && ks_buf_append(&u, s->upd.data + gap_rel, s->upd.len - gap_rel);
    }
    if (!ok) {
        ks_buf_free(&u);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    ks_buf_free(&s->upd);
    s->upd = u;
    return KS_OK;
}

ks_status ks_sign_prepared_load(const uint8_t *state, size_t state_len, const uint8_t *base,
                                size_t base_len, const char *name, const ks_sign_opts *opts,
                                ks_sign_ctx **out, ks_error *err)
{
    *out = NULL;
    ks_sign_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    /* the caller's options for what the state does not fix (network, password, callbacks);
     * level, digest, profile, scheme and TSA as they were prepared */
    ks_sign_opts_init(&ctx->own);
    if (opts)
        ctx->own = *opts;
    snprintf(ctx->name, sizeof ctx->name, "%s", name ? name : "document");
    uint8_t saved[40];
    ks_status st = parse_state(ctx, state, state_len, saved, err);
    if (st != KS_OK)
        goto done;
    if ((st = restore_gap(&ctx->slot, err)) != KS_OK)
        goto done;
    ctx->own.tsa_url = ctx->own_tsa_url;
    ctx->own.signing_time = ctx->signing_time;
    ctx->opts = &ctx->own;
    uint8_t h[32];
    if (base)
        SHA256(base, base_len, h);
    if (!base || (uint64_t)base_len != ctx->slot.base_len || memcmp(h, saved + 8, 32) != 0) {
        st = ks_error_set(err, KS_E_STATE,
                          N_("the document \"%s\" is not the one the signature was prepared for "
                             "(it changed since)"),
                          ctx->name);
        goto done;
    }
    if (!(ctx->base_mem = malloc(base_len ? base_len : 1))) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    memcpy(ctx->base_mem, base, base_len);
    /* the ByteRange digest is recomputed from the bytes, never taken on trust */
    uint8_t d[64];
    size_t dlen = 0;
    st = ks_sig_slot_digest_mem(&ctx->slot, ctx->base_mem, ctx->own.md, d, &dlen, err);
    if (st == KS_OK && (dlen != ctx->digest_len || memcmp(d, ctx->digest, dlen) != 0))
        st = damaged(err);
done:
    if (st != KS_OK) {
        ks_sign_ctx_free(ctx);
        return st;
    }
    *out = ctx;
    return KS_OK;
}
