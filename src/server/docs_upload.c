/* server/docs_upload.c — a PDF signed elsewhere and uploaded (requirements §5.1 b): verified
 * in-process (the engine's full validation, with revocation, against trust_anchors) before it is
 * accepted; refused with the verdict when any signature is not valid; accepted, it waits for the
 * clerk's issue step with its signer kept. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "docs.h"
#include "kyso/verify.h"

static const char Q_SET_EXTERNAL[] =
    "UPDATE documents SET external_signer = ?2, signer_id = NULL WHERE id = ?1";
static const char Q_GET_EXTERNAL[] = "SELECT external_signer FROM documents WHERE id = ?1";

static bool has_signature(const uint8_t *pdf, size_t len)
{
    ks_pdf_doc *d = NULL;
    ks_error e;
    ks_pdf_sig_field *f = NULL;
    size_t n = 0, signed_n = 0;
    if (ks_pdf_open_mem(pdf, len, "upload.pdf", NULL, &d, &e) == KS_OK &&
        ks_pdf_sig_fields(d, &f, &n, &e) == KS_OK)
        for (size_t i = 0; i < n; i++)
            signed_n += f[i].value != NULL;
    free(f);
    ks_pdf_close(d);
    return signed_n > 0;
}

int docs_check_signed_upload(kysod_req *r, const uint8_t *pdf, size_t len, bool *is_signed,
                             char signer[256])
{
    *is_signed = false;
    signer[0] = 0;
    if (!has_signature(pdf, len))
        return 0;
    ks_verify_opts o;
    memset(&o, 0, sizeof o);
    o.ctx = r->srv->ctx;
    ks_verify_report *rep = NULL;
    ks_error e;
    if (ks_verify_run_mem(pdf, len, "upload.pdf", &o, &rep, &e) != KS_OK)
        return kysod_fail(r, 422, "signature_invalid", NULL,
                          N_("the uploaded PDF carries signatures that cannot be verified"));
    int rc = 0;
    if (rep->indication != KS_IND_TOTAL_PASSED) {
        /* the first reason of the first signature that is not valid, in the caller's language */
        char why[600] = "";
        for (size_t i = 0; i < rep->nsigs && !why[0]; i++)
            if (rep->sigs[i].indication != KS_IND_TOTAL_PASSED && rep->sigs[i].nmessages)
                ks_text_str(r->srv->ctx, r->lang, rep->sigs[i].messages[0].msg, why, sizeof why);
        rc = kysod_fail(r, 422, "signature_invalid", NULL,
                        N_("the uploaded PDF is signed, but not every signature is valid (%s / "
                           "%s): %s"),
                        ks_indication_name(rep->indication),
                        ks_subindication_name(rep->subindication), why);
    } else {
        const ks_verify_sig *last = NULL;
        for (size_t i = 0; i < rep->nsigs; i++)
            if (rep->sigs[i].type == KS_SIGTYPE_SIGNATURE)
                last = &rep->sigs[i];
        if (last)
            snprintf(signer, 256, "%s%s%s", last->signer.title ? last->signer.title : "",
                     last->signer.title ? " " : "", last->signer.name ? last->signer.name : "");
        *is_signed = true;
    }
    ks_verify_report_free(rep);
    return rc;
}

ks_status docs_mark_signed_upload(kysod_req *r, int64_t id, const char *signer, ks_error *e)
{
    ks_status st = docs_move(r, id, DOC_DRAFT, DOC_SIGNED, e);
    ks_db_arg a[2] = {KS_DB_I(id), KS_DB_S(signer)};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_SET_EXTERNAL, a, 2, NULL, NULL, e);
    return st;
}

void docs_external_signer(kysod_req *r, int64_t id, char out[256])
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(id);
    ks_error e;
    out[0] = 0;
    if (ks_db_run(r->db, Q_GET_EXTERNAL, &a, 1, &rows, NULL, &e) == KS_OK && rows->nrows)
        snprintf(out, 256, "%s", ks_db_cell(rows, 0, 0));
    ks_db_rows_free(rows);
}
