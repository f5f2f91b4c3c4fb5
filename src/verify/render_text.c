/* verify/render_text.c — the report as plain text for a receiving clerk, in the catalogue
 * language (Vietnamese by default, English with --lang en). */
#include <stdio.h>
#include <string.h>

#include "labels.h"
#include "verify_internal.h"

/* Every value that came from the document or a certificate goes through ks_buf_visible: a
 * signer's name holding "\x1b[1A" must not overwrite the verdict line on a terminal, and one
 * holding "\n" must not print a line of its own. */
static void put_untrusted(ks_buf *b, const char *value)
{
    if (value)
        ks_buf_visible(b, value, strlen(value), false);
}

static void line(ks_buf *b, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    ks_buf_printf(b, "  %s: ", label);
    put_untrusted(b, value);
    ks_buf_puts(b, "\n");
}

/* One line per group: a single change names its object; a group gives the count and the
 * objects ("revision 3: validation data (DSS) added — 8 objects: 35 0, 36 0, ..."). */
static void render_group(const ks_vf_lang *L, const ks_verify_sig *s,
                         const ks_vf_change_groups_t *g, size_t i, ks_buf *b)
{
    char what[1024];
    size_t n = g->start[i + 1] - g->start[i];
    const ks_verify_change *c = &s->changes[g->idx[g->start[i]]];
    const char *verdict = c->allowed ? TR(N_("allowed")) : TR(N_("NOT allowed"));
    if (n == 1) {
        ks_buf_printf(b, "    - %s %u, %s %u %u: ", TR(N_("revision")), c->revision,
                      TR(N_("object")), (unsigned)c->num, (unsigned)c->gen);
        put_untrusted(b, ks_vf_text(L, c->what_msg, what, sizeof what));
        ks_buf_printf(b, " (%s)\n", verdict);
        return;
    }
    ks_buf_printf(b, "    - %s %u: ", TR(N_("revision")), c->revision);
    put_untrusted(b, ks_vf_text(L, c->what_msg, what, sizeof what));
    ks_buf_printf(b, " (%s) — ", verdict);
    ks_buf_printf(b, TR(N_("%zu objects")), n);
    for (size_t k = 0; k < n; k++) {
        const ks_verify_change *m = &s->changes[g->idx[g->start[i] + k]];
        ks_buf_printf(b, "%s%u %u", k ? ", " : ": ", (unsigned)m->num, (unsigned)m->gen);
    }
    ks_buf_puts(b, "\n");
}

static void render_sig(const ks_vf_lang *L, const ks_verify_sig *s, size_t idx, ks_buf *b)
{
    char line_buf[4096];
    ks_buf_printf(b, "\n%s %zu — %s \"", TR(N_("Signature")), idx + 1, TR(N_("field")));
    put_untrusted(b, s->field);
    ks_buf_printf(b, "\" (%s)\n", ks_vf_type_label(L, s->type));
    ks_buf_printf(b, "  %s: %s [%s%s%s]\n", TR(N_("Result")), ks_vf_verdict_label(L, s->indication),
                  ks_indication_name(s->indication), s->subindication ? " / " : "",
                  ks_subindication_name(s->subindication));
    line(b, TR(N_("Signer")), s->signer.name);
    line(b, TR(N_("Title")), s->signer.title);
    line(b, TR(N_("Organization")), s->signer.organization);
    line(b, TR(N_("Certificate serial")), s->signer.serial);
    line(b, TR(N_("Issued by")), s->signer.issuer);
    if (s->signing_time) {
        char t[32];
        ks_time_iso_vn(s->signing_time, t);
        ks_buf_printf(b, "  %s: %s (%s)\n", TR(N_("Signing time")), t,
                      s->time_from_timestamp ? TR(N_("proven by a timestamp"))
                                             : TR(N_("claimed by the signer")));
    }
    line(b, TR(N_("Integrity")),
         s->integrity ? TR(N_("intact: the signed content has not been altered"))
                      : TR(N_("BROKEN: the signed content does not match the signature")));
    line(b, TR(N_("Covers")), ks_vf_coverage_label(L, s->coverage));
    if (s->type != KS_SIGTYPE_DOC_TIMESTAMP || s->signer.name) {
        line(b, TR(N_("Certificate chain")), ks_vf_chain_label(L, s->chain));
        line(b, TR(N_("Revocation")), ks_vf_rev_label(L, s->revocation));
    }
    line(b, TR(N_("Level")), s->level);
    if (s->nchanges) {
        ks_buf_printf(b, "  %s:\n", TR(N_("Changes after signing")));
        ks_vf_change_groups_t g;
        if (!ks_vf_change_groups(s, &g)) {
            b->failed = true;
            return;
        }
        for (size_t i = 0; i < g.n; i++)
            render_group(L, s, &g, i, b);
        ks_vf_change_groups_free(&g);
    }
    if (s->nmessages) {
        ks_buf_printf(b, "  %s:\n", TR(N_("Details")));
        for (size_t i = 0; i < s->nmessages; i++) {
            ks_buf_puts(b, "    - ");
            put_untrusted(b, ks_vf_text(L, s->messages[i].msg, line_buf, sizeof line_buf));
            ks_buf_puts(b, "\n");
        }
    }
}

bool ks_verify_render_text(const ks_ctx *ctx, const char *lang, const ks_verify_report *r,
                           ks_buf *out)
{
    const ks_vf_lang lang_ = {ctx, lang}, *L = &lang_;
    char line_buf[4096];
    ks_buf_printf(out, "%s: ", TR(N_("File")));
    put_untrusted(out, r->file);
    ks_buf_puts(out, "\n");
    ks_buf_printf(out, "%s: %s [%s%s%s]\n", TR(N_("Conclusion")), ks_vf_doc_verdict_label(L, r),
                  ks_indication_name(r->indication), r->subindication ? " / " : "",
                  ks_subindication_name(r->subindication));
    ks_buf_printf(out, TR(N_("Signatures: %zu; revisions of the file: %u\n")), r->nsigs,
                  r->revisions);
    if (r->validation_time) {
        char t[32];
        ks_time_iso_vn(r->validation_time, t);
        ks_buf_printf(out, "%s: %s\n", TR(N_("Validation time")), t);
    }
    for (size_t i = 0; i < r->nmessages; i++) {
        ks_buf_puts(out, "- ");
        put_untrusted(out, ks_vf_text(L, r->messages[i].msg, line_buf, sizeof line_buf));
        ks_buf_puts(out, "\n");
    }
    for (size_t i = 0; i < r->nsigs; i++)
        render_sig(L, &r->sigs[i], i, out);
    return !out->failed;
}
