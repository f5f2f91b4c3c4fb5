/* sign/levels.c — the revisions that follow a signature: B-LT's validation data (dss.c) and
 * B-LTA's document timestamp (docts.c) followed by the timestamp's own validation data, as
 * Adobe and pyHanko write them, so that an offline verifier finds the revocation data of every
 * path, the document timestamp's included. Each revision is built on the temporary output as it
 * stands and appended to it. Also `kyso sign --extend`: the same revisions for an already
 * signed document. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sign_internal.h"

/* Where the revisions go: the temporary output file, or a document held in memory. */
typedef struct level_sink {
    ks_out *o;
    ks_buf *mem;
    const char *name;
} level_sink;

static ks_status reopen(const level_sink *k, const ks_sign_opts *opts, ks_pdf_doc **doc,
                        ks_error *err)
{
    /* Same mode and password as the input: its bytes are this file's prefix. */
    ks_pdf_open_opts oo = {opts->repair ? KS_PDF_REPAIR : KS_PDF_STRICT, opts->pdf_password,
                           opts->mem_budget};
    ks_status st = k->o ? ks_pdf_open(k->o->tmp_path, &oo, doc, err)
                        : ks_pdf_open_mem(k->mem->data, k->mem->len, k->name, &oo, doc, err);
    if (st != KS_OK)
        ks_error_prefix(err, N_("while reopening the signed file: "));
    return st;
}

/* Appends `upd`; the document built on the old bytes is closed first (in memory it reads the
 * buffer that grows). */
static ks_status append(const level_sink *k, ks_pdf_doc **doc, const ks_buf *upd, ks_error *err)
{
    ks_pdf_close(*doc);
    *doc = NULL;
    if (k->o)
        return ks_out_write(k->o, upd->data, upd->len, err);
    if (!ks_buf_append(k->mem, upd->data, upd->len))
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

static ks_status append_dss(const level_sink *k, const ks_sign_opts *opts, const ks_dss_sig *sigs,
                            size_t n, ks_error *err)
{
    ks_pdf_doc *doc = NULL;
    ks_buf upd = KS_BUF_INIT;
    ks_status st = reopen(k, opts, &doc, err);
    if (st == KS_OK)
        st = ks_sign_build_dss(doc, sigs, n, opts, &upd, err);
    if (st == KS_OK)
        st = append(k, &doc, &upd, err);
    ks_buf_free(&upd);
    ks_pdf_close(doc);
    return st;
}

static ks_status append_docts(const level_sink *k, const ks_sign_opts *opts, uint8_t **contents,
                              size_t *contents_len, ks_error *err)
{
    ks_pdf_doc *doc = NULL;
    ks_buf upd = KS_BUF_INIT;
    int fd = -1;
    ks_status st = reopen(k, opts, &doc, err);
    if (st != KS_OK)
        goto done;
    if (k->o && (fd = open(k->o->tmp_path, O_RDONLY | O_CLOEXEC)) < 0) {
        st = ks_error_set(err, KS_E_IO, N_("cannot open file \"%s\": %s"), k->o->tmp_path,
                          strerror(errno));
        goto done;
    }
    st = ks_sign_build_docts(doc, fd, k->o ? NULL : k->mem->data, opts, &upd, contents,
                             contents_len, err);
    if (st == KS_OK)
        st = append(k, &doc, &upd, err);
done:
    if (fd >= 0)
        close(fd);
    ks_buf_free(&upd);
    ks_pdf_close(doc);
    return st;
}

ks_status ks_sign_append_levels(ks_out *o, ks_buf *mem, const char *name, const ks_sign_opts *opts,
                                const ks_dss_sig *sigs, size_t n, ks_error *err)
{
    level_sink k = {o, mem, name};
    ks_status st = KS_OK;
    if (opts->level >= KS_SIGN_B_LT && n)
        st = append_dss(&k, opts, sigs, n, err);
    if (st != KS_OK || opts->level < KS_SIGN_B_LTA)
        return st;
    uint8_t *contents = NULL;
    size_t len = 0;
    st = append_docts(&k, opts, &contents, &len, err);
    if (st == KS_OK) {
        ks_dss_sig ts = {contents, len, NULL, NULL};
        st = append_dss(&k, opts, &ts, 1, err);
    }
    free(contents);
    return st;
}

/* The /Contents of every signature and document timestamp of the document. */
static ks_status signed_fields(ks_pdf_doc *doc, ks_dss_sig **out, size_t *n, ks_error *err)
{
    ks_pdf_sig_field *f = NULL;
    size_t nf = 0;
    *out = NULL;
    *n = 0;
    ks_status st = ks_pdf_sig_fields(doc, &f, &nf, err);
    if (st != KS_OK)
        return st;
    ks_dss_sig *s = calloc(nf ? nf : 1, sizeof *s);
    if (!s) {
        free(f);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    for (size_t i = 0; i < nf; i++) {
        ks_pdf_obj *c = f[i].value ? ks_pdf_dict_getr(doc, f[i].value, "Contents") : NULL;
        if (!c || c->type != KS_PDF_STRING || !c->u.str.len)
            continue;
        s[*n].contents = c->u.str.data;
        s[*n].len = c->u.str.len;
        (*n)++;
    }
    free(f);
    *out = s;
    return KS_OK;
}

ks_status ks_sign_extend(const char *in_path, const char *out_path, const ks_sign_opts *opts,
                         ks_error *err)
{
    if (opts->level < KS_SIGN_B_LT)
        return ks_error_set(err, KS_E_USAGE,
                            N_("extending a signed document needs level B-LT or B-LTA"));
    if (opts->level >= KS_SIGN_B_LTA && (!opts->tsa_url || !opts->tsa_url[0]))
        return ks_error_set(err, KS_E_USAGE, N_("level %s needs a timestamp authority URL"),
                            ks_sign_level_name(opts->level));
    if (!opts->in_place && (strcmp(in_path, out_path) == 0 || ks_same_file(in_path, out_path)))
        return ks_error_set(
            err, KS_E_USAGE,
            N_("output \"%s\" is the input file, and replacing it was not asked for"), out_path);
    ks_pdf_doc *doc = NULL;
    ks_dss_sig *sigs = NULL;
    size_t n = 0;
    ks_out o;
    bool open_out = false;
    int fd = -1;
    ks_pdf_open_opts oo = {opts->repair ? KS_PDF_REPAIR : KS_PDF_STRICT, opts->pdf_password,
                           opts->mem_budget};
    ks_status st = ks_pdf_open(in_path, &oo, &doc, err);
    if (st == KS_OK)
        st = signed_fields(doc, &sigs, &n, err);
    if (st == KS_OK && n == 0)
        st = ks_error_set(err, KS_E_STATE, N_("\"%s\" has no signature to extend"), in_path);
    if (st != KS_OK)
        goto done;
    size_t len = 0;
    ks_pdf_data(doc, &len);
    fd = open(in_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        st =
            ks_error_set(err, KS_E_IO, N_("cannot open file \"%s\": %s"), in_path, strerror(errno));
        goto done;
    }
    if ((st = ks_out_open(&o, out_path, err)) != KS_OK)
        goto done;
    open_out = true;
    st = ks_sign_copy_fd(fd, len, &o, err);
    if (st == KS_OK)
        st = ks_sign_append_levels(&o, NULL, NULL, opts, sigs, n, err);
    if (st == KS_OK) {
        open_out = false;
        st = ks_out_commit(&o, err);
    }
done:
    if (open_out)
        ks_out_abort(&o);
    if (fd >= 0)
        close(fd);
    free(sigs);
    ks_pdf_close(doc);
    return st;
}
