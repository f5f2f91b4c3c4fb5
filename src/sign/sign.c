/* sign/sign.c — the public signing API: prepare → digest → sign → embed → write, and
 * ks_sign_file that runs them after the certificate checks. The revision itself is built in
 * revision.c; later levels (DSS, document timestamp) in dss.c and docts.c. */
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "sign_internal.h"

#define CONTENTS_MARGIN 2048 /* bytes of slack over ks_cms_estimate_size */

void ks_sign_opts_init(ks_sign_opts *o)
{
    memset(o, 0, sizeof *o);
    o->kind = KS_SIGN_INVISIBLE;
    o->level = KS_SIGN_B_B;
    o->profile = KS_CMS_CADES;
    o->md = KS_MD_SHA256;
    o->scheme = KS_SIG_RSA_PKCS1;
}

static const char *const level_names[] = {"B-B", "B-T", "B-LT", "B-LTA"};
static const char *const kind_names[] = {"invisible", "personal", "organization", "copy",
                                         "attachment"};

bool ks_sign_level_parse(const char *s, ks_sign_level *out)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, level_names[i]) == 0) {
            *out = (ks_sign_level)i;
            return true;
        }
    return false;
}

const char *ks_sign_level_name(ks_sign_level level)
{
    return (unsigned)level < 4 ? level_names[level] : "?";
}

bool ks_sign_kind_parse(const char *s, ks_sign_kind *out)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(s, kind_names[i]) == 0) {
            *out = (ks_sign_kind)i;
            return true;
        }
    return false;
}

static void cms_opts_of(const ks_sign_ctx *ctx, int key_type, ks_cms_sign_opts *c)
{
    const ks_sign_opts *o = ctx->opts;
    memset(c, 0, sizeof *c);
    c->profile = o->profile;
    c->md = o->md;
    c->scheme = key_type == EVP_PKEY_EC ? KS_SIG_ECDSA : o->scheme;
    c->signing_time = ctx->signing_time;
    c->tsa_url = o->level >= KS_SIGN_B_T ? o->tsa_url : NULL;
    c->timeout_ms = o->timeout_ms;
}

/* What every way into signing checks first: a level that needs a TSA has one, and the signer's
 * certificate is acceptable now (dates, key usage, revocation). */
static ks_status check_request(const ks_sign_opts *opts, const ks_signer *signer,
                               time_t signing_time, ks_error *err)
{
    if (opts->level >= KS_SIGN_B_T && (!opts->tsa_url || !opts->tsa_url[0]))
        return ks_error_set(err, KS_E_USAGE, N_("level %s needs a timestamp authority URL"),
                            ks_sign_level_name(opts->level));
    if (!signer || !signer->cert)
        return ks_error_set(err, KS_E_USAGE, N_("signing needs a signer with a certificate"));
    return ks_sign_check_signer(signer, opts, signing_time, err);
}

static ks_sign_ctx *ctx_new(const ks_sign_opts *opts, const ks_signer *signer)
{
    ks_sign_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx)
        return NULL;
    ctx->opts = opts;
    if (signer && signer->cert) {
        X509_up_ref(signer->cert);
        ctx->cert = signer->cert;
        ctx->chain = signer->chain ? X509_chain_up_ref(signer->chain) : NULL;
        ctx->key_type = signer->key_type;
    }
    ctx->signing_time = opts->signing_time ? opts->signing_time : ks_ctx_now(opts->ctx);
    return ctx;
}

/* After the document is open: DocMDP, the field, the revision with its placeholders. */
static ks_status prepare_revision(ks_sign_ctx *ctx, const ks_signer *signer, ks_error *err)
{
    const ks_sign_opts *opts = ctx->opts;
    uint64_t tail_off = 0, tail = ks_pdf_trailing(ctx->doc, &tail_off);
    if (tail && !opts->repair) /* the new revision would follow, and sign, bytes that no
                                * revision accounts for */
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: the file is damaged: %llu bytes from byte offset %llu, after "
                               "the last %%%%EOF, belong to no revision (cut inside its last "
                               "update, or bytes appended)"),
                            ctx->name, (unsigned long long)tail, (unsigned long long)tail_off);
    ks_status st = ks_sign_check_docmdp(ctx->doc, err);
    if (st != KS_OK)
        return st;
    size_t contents = opts->contents_size;
    if (contents == 0) {
        ks_cms_sign_opts co;
        cms_opts_of(ctx, ctx->key_type, &co);
        contents = ks_cms_estimate_size(signer, &co) + CONTENTS_MARGIN;
    }
    ks_sig_rev_params p = {0};
    p.doc_ts = false;
    p.field_name = opts->field_name;
    p.contents_bytes = contents;
    p.signing_time = ctx->signing_time;
    p.opts = opts;
    p.cert = ctx->cert;
    p.chosen_name = ctx->field_name;
    return ks_sign_build_revision(ctx->doc, &p, &ctx->slot, err);
}

ks_status ks_sign_prepare(const char *in_path, const ks_sign_opts *opts, const ks_signer *signer,
                          ks_sign_ctx **out, ks_error *err)
{
    *out = NULL;
    ks_status st = check_request(
        opts, signer, opts->signing_time ? opts->signing_time : ks_ctx_now(opts->ctx), err);
    if (st != KS_OK)
        return st;
    ks_sign_ctx *ctx = ctx_new(opts, signer);
    if (!ctx || !(ctx->in_path = strdup(in_path))) {
        ks_sign_ctx_free(ctx);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    snprintf(ctx->name, sizeof ctx->name, "%s", in_path);
    ks_pdf_open_opts oo = {opts->repair ? KS_PDF_REPAIR : KS_PDF_STRICT, opts->pdf_password,
                           opts->mem_budget};
    st = ks_pdf_open(in_path, &oo, &ctx->doc, err);
    if (st == KS_OK)
        st = prepare_revision(ctx, signer, err);
    if (st != KS_OK) {
        ks_sign_ctx_free(ctx);
        return st;
    }
    *out = ctx;
    return KS_OK;
}

ks_status ks_sign_prepare_mem(const uint8_t *data, size_t len, const char *name,
                              const ks_sign_opts *opts, const ks_signer *signer, ks_sign_ctx **out,
                              ks_error *err)
{
    *out = NULL;
    ks_status st = check_request(
        opts, signer, opts->signing_time ? opts->signing_time : ks_ctx_now(opts->ctx), err);
    if (st != KS_OK)
        return st;
    ks_sign_ctx *ctx = ctx_new(opts, signer);
    if (!ctx || !(ctx->base_mem = malloc(len ? len : 1))) {
        ks_sign_ctx_free(ctx);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    memcpy(ctx->base_mem, data, len);
    snprintf(ctx->name, sizeof ctx->name, "%s", name ? name : "document");
    ks_pdf_open_opts oo = {opts->repair ? KS_PDF_REPAIR : KS_PDF_STRICT, opts->pdf_password,
                           opts->mem_budget};
    st = ks_pdf_open_mem(ctx->base_mem, len, ctx->name, &oo, &ctx->doc, err);
    if (st == KS_OK)
        st = prepare_revision(ctx, signer, err);
    if (st != KS_OK) {
        ks_sign_ctx_free(ctx);
        return st;
    }
    *out = ctx;
    return KS_OK;
}

/* Reads all of `fd` (a pipe, a socket or a file) into memory, at most `max` bytes. */
static ks_status read_fd(int fd, size_t max, ks_buf *b, ks_error *err)
{
    uint8_t blk[65536];
    for (;;) {
        ssize_t r = read(fd, blk, sizeof blk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return ks_error_set(err, KS_E_IO, N_("cannot read the document: %s"), strerror(errno));
        if (r == 0)
            break;
        if (b->len + (size_t)r > max)
            return ks_error_set(err, KS_E_LIMIT, N_("the document is larger than %zu bytes"), max);
        if (!ks_buf_append(b, blk, (size_t)r))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    return KS_OK;
}

ks_status ks_sign_prepare_fd(int fd, const char *name, const ks_sign_opts *opts,
                             const ks_signer *signer, ks_sign_ctx **out, ks_error *err)
{
    ks_buf b = KS_BUF_INIT;
    *out = NULL;
    ks_status st = read_fd(fd, KS_SIGN_MAX_INPUT, &b, err);
    if (st == KS_OK)
        st = ks_sign_prepare_mem(b.data ? b.data : (const uint8_t *)"", b.len, name, opts, signer,
                                 out, err);
    ks_buf_free(&b);
    return st;
}

/* Opens `path` for reading and checks that it still has `len` bytes. */
static ks_status open_base(const char *path, uint64_t len, int *fd, ks_error *err)
{
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (*fd < 0 || fstat(*fd, &sb) != 0)
        return ks_error_set(err, KS_E_IO, N_("cannot open file \"%s\": %s"), path, strerror(errno));
    if ((uint64_t)sb.st_size != len) {
        close(*fd);
        *fd = -1;
        return ks_error_set(err, KS_E_IO, N_("\"%s\" changed while it was being signed"), path);
    }
    return KS_OK;
}

/* Opens the output and copies the base file into it now, then asks the kernel to start
 * writing it out (sync_file_range), so that the final fsync finds little left to do. The digest
 * is then read from this copy: the signature covers exactly the bytes the output holds. */
static ks_status stage_output(ks_sign_ctx *ctx, const char *out_path, ks_error *err)
{
    int fd = -1;
    ks_status st = open_base(ctx->in_path, ctx->slot.base_len, &fd, err);
    if (st != KS_OK)
        return st;
    st = ks_out_open(&ctx->staged, out_path, err);
    if (st != KS_OK) {
        close(fd);
        return st;
    }
    ctx->staged_open = true;
    st = ks_sign_copy_fd(fd, ctx->slot.base_len, &ctx->staged, err);
    close(fd);
    if (st != KS_OK)
        return st;
#ifdef SYNC_FILE_RANGE_WRITE
    (void)sync_file_range(ctx->staged.fd, 0, 0, SYNC_FILE_RANGE_WRITE);
#endif
    return KS_OK;
}

ks_status ks_sign_digest(ks_sign_ctx *ctx, uint8_t *digest, size_t *digest_len, ks_error *err)
{
    if (!ctx->digested && ctx->base_mem) {
        ks_status st = ks_sig_slot_digest_mem(&ctx->slot, ctx->base_mem, ctx->opts->md, ctx->digest,
                                              &ctx->digest_len, err);
        if (st != KS_OK)
            return st;
        ctx->digested = true;
    }
    if (!ctx->digested) {
        int fd = -1;
        ks_status st = KS_OK;
        if (!ctx->staged_open)
            st = open_base(ctx->in_path, ctx->slot.base_len, &fd, err);
        if (st != KS_OK)
            return st;
        st = ks_sig_slot_digest(&ctx->slot, ctx->staged_open ? ctx->staged.fd : fd,
                                ctx->staged_open ? ctx->staged.tmp_path : ctx->in_path,
                                ctx->opts->md, ctx->digest, &ctx->digest_len, err);
        if (fd >= 0)
            close(fd);
        if (st != KS_OK)
            return st;
        ctx->digested = true;
    }
    if (digest)
        memcpy(digest, ctx->digest, ctx->digest_len);
    if (digest_len)
        *digest_len = ctx->digest_len;
    return KS_OK;
}

ks_status ks_sign_sign(ks_sign_ctx *ctx, ks_signer *signer, uint8_t **der, size_t *der_len,
                       ks_error *err)
{
    ks_status st = ks_sign_digest(ctx, NULL, NULL, err);
    if (st != KS_OK)
        return st;
    if (!signer || !signer->cert || !ctx->cert || X509_cmp(signer->cert, ctx->cert) != 0)
        return ks_error_set(err, KS_E_USAGE,
                            N_("the signer's certificate is not the one the signature was "
                               "prepared for"));
    ks_cms_sign_opts co;
    cms_opts_of(ctx, signer->key_type, &co);
    return ks_cms_sign_digest(signer, ctx->digest, ctx->digest_len, &co, der, der_len, err);
}

ks_status ks_sign_embed(ks_sign_ctx *ctx, const uint8_t *der, size_t der_len, ks_error *err)
{
    ks_status st = ks_sig_slot_embed(&ctx->slot, der, der_len, err);
    if (st != KS_OK)
        return st;
    free(ctx->cms_der);
    ctx->cms_der = malloc(der_len ? der_len : 1);
    if (!ctx->cms_der)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    memcpy(ctx->cms_der, der, der_len);
    ctx->cms_der_len = der_len;
    ctx->embedded = true;
    return KS_OK;
}

static ks_status check_out_path(const char *in, const char *out, bool in_place, ks_error *err)
{
    if (!in_place && (strcmp(in, out) == 0 || ks_same_file(in, out)))
        return ks_error_set(
            err, KS_E_USAGE,
            N_("output \"%s\" is the input file, and replacing it was not asked for"), out);
    return KS_OK;
}

/* The signature's /Contents as written (the /VRI key hashes it all, zero padding included),
 * malloc'd into `sig`. */
static ks_status sig_contents(const ks_sign_ctx *ctx, ks_dss_sig *sig, ks_error *err)
{
    size_t room = (size_t)(ctx->slot.gap_len - 2) / 2;
    uint8_t *contents = calloc(1, room ? room : 1);
    if (!contents)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    memcpy(contents, ctx->cms_der, ctx->cms_der_len);
    sig->contents = contents;
    sig->len = room;
    sig->cert = ctx->cert;
    sig->chain = ctx->chain;
    return KS_OK;
}

/* B-LT and B-LTA revisions after the signature, to the output file or the buffer. */
static ks_status append_levels(ks_sign_ctx *ctx, ks_out *o, ks_buf *b, ks_error *err)
{
    if (ctx->opts->level < KS_SIGN_B_LT)
        return KS_OK;
    ks_dss_sig sig;
    ks_status st = sig_contents(ctx, &sig, err);
    if (st == KS_OK)
        st = ks_sign_append_levels(o, b, ctx->name, ctx->opts, &sig, 1, err);
    free((void *)sig.contents);
    return st;
}

ks_status ks_sign_write_mem(ks_sign_ctx *ctx, uint8_t **out, size_t *out_len, ks_error *err)
{
    *out = NULL;
    *out_len = 0;
    if (!ctx->embedded)
        return ks_error_set(err, KS_E_USAGE, N_("no signature has been embedded yet"));
    ks_buf b = KS_BUF_INIT;
    ks_status st = KS_OK;
    if (ctx->base_mem) {
        if (!ks_buf_append(&b, ctx->base_mem, (size_t)ctx->slot.base_len))
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    } else {
        int fd = -1;
        st = open_base(ctx->in_path, ctx->slot.base_len, &fd, err);
        if (st == KS_OK) {
            st = read_fd(fd, (size_t)ctx->slot.base_len, &b, err);
            close(fd);
        }
    }
    if (st == KS_OK && !ks_buf_append(&b, ctx->slot.upd.data, ctx->slot.upd.len))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (st == KS_OK)
        st = append_levels(ctx, NULL, &b, err);
    if (st == KS_OK && !(*out = ks_buf_steal(&b, out_len)))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_buf_free(&b);
    return st;
}

ks_status ks_sign_write_fd(ks_sign_ctx *ctx, int fd, ks_error *err)
{
    uint8_t *data = NULL;
    size_t len = 0;
    ks_status st = ks_sign_write_mem(ctx, &data, &len, err);
    for (size_t off = 0; st == KS_OK && off < len;) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            st = ks_error_set(err, KS_E_IO, N_("cannot write the signed document: %s"),
                              w < 0 ? strerror(errno) : "short write");
        else
            off += (size_t)w;
    }
    free(data);
    return st;
}

ks_status ks_sign_write(ks_sign_ctx *ctx, const char *out_path, ks_error *err)
{
    if (!ctx->embedded)
        return ks_error_set(err, KS_E_USAGE, N_("no signature has been embedded yet"));
    if (!ctx->in_path) { /* a base in memory: build it there, then write it atomically */
        uint8_t *data = NULL;
        size_t len = 0;
        ks_status st = ks_sign_write_mem(ctx, &data, &len, err);
        if (st == KS_OK)
            st = ks_write_file_atomic(out_path, data, len, err);
        free(data);
        return st;
    }
    ks_status st = check_out_path(ctx->in_path, out_path, ctx->opts->in_place, err);
    if (st != KS_OK)
        return st;
    ks_out o;
    if (ctx->staged_open && strcmp(ctx->staged.path, out_path) != 0) {
        ks_out_abort(&ctx->staged); /* staged for another path: write this one afresh */
        ctx->staged_open = false;
    }
    if (ctx->staged_open) {
        o = ctx->staged;
        ctx->staged_open = false; /* owned here from now on */
    } else {
        int fd = -1;
        st = open_base(ctx->in_path, ctx->slot.base_len, &fd, err);
        if (st != KS_OK)
            return st;
        st = ks_out_open(&o, out_path, err);
        if (st != KS_OK) {
            close(fd);
            return st;
        }
        st = ks_sign_copy_fd(fd, ctx->slot.base_len, &o, err);
        close(fd);
    }
    if (st == KS_OK)
        st = ks_out_write(&o, ctx->slot.upd.data, ctx->slot.upd.len, err);
    if (st == KS_OK)
        st = append_levels(ctx, &o, NULL, err);
    if (st != KS_OK) {
        ks_out_abort(&o);
        return st;
    }
    return ks_out_commit(&o, err);
}

void ks_sign_ctx_free(ks_sign_ctx *ctx)
{
    if (!ctx)
        return;
    if (ctx->staged_open)
        ks_out_abort(&ctx->staged);
    ks_pdf_close(ctx->doc);
    ks_buf_free(&ctx->slot.upd);
    free(ctx->in_path);
    free(ctx->base_mem);
    free(ctx->own_tsa_url);
    ks_cms_pending_free(ctx->cms);
    free(ctx->cms_der);
    X509_free(ctx->cert);
    sk_X509_pop_free(ctx->chain, X509_free);
    OPENSSL_cleanse(ctx->digest, sizeof ctx->digest);
    free(ctx);
}

const char *ks_sign_field_name(const ks_sign_ctx *ctx)
{
    return ctx->field_name;
}

void ks_sign_byte_range(const ks_sign_ctx *ctx, uint64_t range[4])
{
    memcpy(range, ctx->slot.range, sizeof ctx->slot.range);
}

ks_status ks_sign_file(const char *in_path, const char *out_path, const ks_sign_opts *opts,
                       ks_signer *signer, ks_error *err)
{
    ks_status st = check_out_path(in_path, out_path, opts->in_place, err);
    if (st != KS_OK)
        return st;
    /* the TSA and certificate checks run in ks_sign_prepare, as on every path */
    ks_sign_ctx *ctx = NULL;
    uint8_t *der = NULL;
    size_t der_len = 0;
    st = ks_sign_prepare(in_path, opts, signer, &ctx, err);
    if (st == KS_OK)
        st = stage_output(ctx, out_path, err);
    if (st == KS_OK)
        st = ks_sign_sign(ctx, signer, &der, &der_len, err);
    if (st == KS_OK)
        st = ks_sign_embed(ctx, der, der_len, err);
    if (st == KS_OK)
        st = ks_sign_write(ctx, out_path, err);
    free(der);
    ks_sign_ctx_free(ctx);
    return st;
}
