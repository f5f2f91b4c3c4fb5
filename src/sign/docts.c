/* sign/docts.c — B-LTA: a document timestamp revision (ISO 32000-2 §12.8.5, ETSI EN 319 142-1
 * §5.4.3): a /DocTimeStamp dictionary whose /Contents is an RFC 3161 token over the digest of
 * its own ByteRange. */
#include <stdlib.h>
#include <string.h>

#include "sign_internal.h"

#define DOCTS_CONTENTS 16384 /* bytes reserved for the token (TSA chains are a few KB) */

ks_status ks_sign_build_docts(ks_pdf_doc *doc, int fd, const uint8_t *mem, const ks_sign_opts *opts,
                              ks_buf *out, uint8_t **contents, size_t *contents_len, ks_error *err)
{
    *contents = NULL;
    *contents_len = 0;
    ks_sig_slot slot;
    memset(&slot, 0, sizeof slot);
    uint8_t *tst = NULL;
    size_t tst_len = 0;
    ks_sig_rev_params p = {0};
    p.doc_ts = true;
    p.contents_bytes = DOCTS_CONTENTS;
    p.signing_time = opts->signing_time ? opts->signing_time : ks_ctx_now(opts->ctx);
    p.opts = opts;
    ks_status st = ks_sign_build_revision(doc, &p, &slot, err);
    if (st != KS_OK)
        goto done;
    uint8_t digest[64];
    size_t dlen = 0;
    st = mem ? ks_sig_slot_digest_mem(&slot, mem, opts->md, digest, &dlen, err)
             : ks_sig_slot_digest(&slot, fd, ks_pdf_name(doc), opts->md, digest, &dlen, err);
    if (st != KS_OK)
        goto done;
    st = ks_tsa_request(opts->tsa_url, opts->md, digest, dlen, opts->timeout_ms, &tst, &tst_len,
                        err);
    if (st != KS_OK)
        goto done;
    st = ks_sig_slot_embed(&slot, tst, tst_len, err);
    if (st != KS_OK)
        goto done;
    /* The /Contents value as written, padding included (the /VRI key hashes all of it). */
    size_t room = (size_t)(slot.gap_len - 2) / 2;
    *contents = calloc(1, room ? room : 1);
    if (!*contents || !ks_buf_append(out, slot.upd.data, slot.upd.len)) {
        free(*contents);
        *contents = NULL;
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    memcpy(*contents, tst, tst_len);
    *contents_len = room;
done:
    free(tst);
    ks_buf_free(&slot.upd);
    return st;
}
