/* verify/render_html.c — the report as one self-contained HTML page (inline CSS, no script, no
 * external resource) in the catalogue language, for printing or attaching to a record. */
#include <stdio.h>

#include "labels.h"
#include "verify_internal.h"

static void esc(ks_buf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<':
            ks_buf_puts(b, "&lt;");
            break;
        case '>':
            ks_buf_puts(b, "&gt;");
            break;
        case '&':
            ks_buf_puts(b, "&amp;");
            break;
        case '"':
            ks_buf_puts(b, "&quot;");
            break;
        default:
            ks_buf_putc(b, *s);
        }
    }
}

static const char *css_class(ks_indication ind)
{
    return ind == KS_IND_TOTAL_PASSED ? "ok" : ind == KS_IND_TOTAL_FAILED ? "bad" : "unk";
}

static void row(ks_buf *b, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    ks_buf_puts(b, "<tr><th>");
    esc(b, label);
    ks_buf_puts(b, "</th><td>");
    esc(b, value);
    ks_buf_puts(b, "</td></tr>\n");
}

/* One list item per group of changes (see ks_vf_change_groups). */
static void render_group(const ks_vf_lang *L, const ks_verify_sig *s,
                         const ks_vf_change_groups_t *g, size_t i, ks_buf *b)
{
    char what[1024];
    size_t n = g->start[i + 1] - g->start[i];
    const ks_verify_change *c = &s->changes[g->idx[g->start[i]]];
    const char *verdict = c->allowed ? TR(N_("allowed")) : TR(N_("NOT allowed"));
    ks_buf_printf(b, "<li class=\"%s\">", c->allowed ? "ok" : "bad");
    if (n == 1) {
        ks_buf_printf(b, "%s %u, %s %u %u: ", TR(N_("revision")), c->revision, TR(N_("object")),
                      (unsigned)c->num, (unsigned)c->gen);
        esc(b, ks_vf_text(L, c->what_msg, what, sizeof what));
        ks_buf_printf(b, " (%s)</li>\n", verdict);
        return;
    }
    ks_buf_printf(b, "%s %u: ", TR(N_("revision")), c->revision);
    esc(b, ks_vf_text(L, c->what_msg, what, sizeof what));
    ks_buf_printf(b, " (%s) — ", verdict);
    ks_buf_printf(b, TR(N_("%zu objects")), n);
    for (size_t k = 0; k < n; k++) {
        const ks_verify_change *m = &s->changes[g->idx[g->start[i] + k]];
        ks_buf_printf(b, "%s%u %u", k ? ", " : ": ", (unsigned)m->num, (unsigned)m->gen);
    }
    ks_buf_puts(b, "</li>\n");
}

static void render_sig(const ks_vf_lang *L, const ks_verify_sig *s, size_t idx, ks_buf *b)
{
    char line_buf[4096];
    ks_buf_printf(b, "<section class=\"%s\"><h2>", css_class(s->indication));
    ks_buf_printf(b, "%s %zu — ", TR(N_("Signature")), idx + 1);
    esc(b, s->field);
    ks_buf_puts(b, " (");
    esc(b, ks_vf_type_label(L, s->type));
    ks_buf_puts(b, ")</h2>\n<p class=\"verdict\">");
    esc(b, ks_vf_verdict_label(L, s->indication));
    ks_buf_printf(b, " <code>%s%s%s</code></p>\n<table>\n", ks_indication_name(s->indication),
                  s->subindication ? " / " : "", ks_subindication_name(s->subindication));
    row(b, TR(N_("Signer")), s->signer.name);
    row(b, TR(N_("Title")), s->signer.title);
    row(b, TR(N_("Organization")), s->signer.organization);
    row(b, TR(N_("Certificate serial")), s->signer.serial);
    row(b, TR(N_("Issued by")), s->signer.issuer);
    if (s->signing_time) {
        char t[32], v[128];
        ks_time_iso_vn(s->signing_time, t);
        snprintf(v, sizeof v, "%s (%s)", t,
                 s->time_from_timestamp ? TR(N_("proven by a timestamp"))
                                        : TR(N_("claimed by the signer")));
        row(b, TR(N_("Signing time")), v);
    }
    row(b, TR(N_("Integrity")),
        s->integrity ? TR(N_("intact: the signed content has not been altered"))
                     : TR(N_("BROKEN: the signed content does not match the signature")));
    row(b, TR(N_("Covers")), ks_vf_coverage_label(L, s->coverage));
    row(b, TR(N_("Certificate chain")), ks_vf_chain_label(L, s->chain));
    row(b, TR(N_("Revocation")), ks_vf_rev_label(L, s->revocation));
    row(b, TR(N_("Level")), s->level);
    ks_buf_puts(b, "</table>\n");
    if (s->nchanges) {
        ks_buf_printf(b, "<h3>%s</h3>\n<ul>\n", TR(N_("Changes after signing")));
        ks_vf_change_groups_t g;
        if (!ks_vf_change_groups(s, &g)) {
            b->failed = true;
            return;
        }
        for (size_t i = 0; i < g.n; i++)
            render_group(L, s, &g, i, b);
        ks_vf_change_groups_free(&g);
        ks_buf_puts(b, "</ul>\n");
    }
    if (s->nmessages) {
        ks_buf_printf(b, "<h3>%s</h3>\n<ul>\n", TR(N_("Details")));
        for (size_t i = 0; i < s->nmessages; i++) {
            ks_buf_puts(b, "<li>");
            esc(b, ks_vf_text(L, s->messages[i].msg, line_buf, sizeof line_buf));
            ks_buf_puts(b, "</li>\n");
        }
        ks_buf_puts(b, "</ul>\n");
    }
    ks_buf_puts(b, "</section>\n");
}

bool ks_verify_render_html(const ks_ctx *ctx, const char *lang, const ks_verify_report *r,
                           ks_buf *out)
{
    const ks_vf_lang lang_ = {ctx, lang}, *L = &lang_;
    char line_buf[4096];
    ks_buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\"><head><meta charset=\"utf-8\">\n<title>",
                  TR(N_("en")));
    esc(out, TR(N_("Signature verification report")));
    ks_buf_puts(out,
                "</title>\n<style>\n"
                "body{font-family:'Times New Roman',serif;max-width:50em;margin:2em auto;"
                "color:#111}\n"
                "h1{font-size:1.4em}h2{font-size:1.15em;margin:0 0 .3em}\n"
                "section{border:2px solid #999;border-radius:6px;padding:.8em 1em;margin:1em 0}\n"
                "section.ok{border-color:#2a7a2a}section.bad{border-color:#b00}"
                "section.unk{border-color:#c80}\n"
                ".verdict{font-weight:bold;font-size:1.1em}.ok .verdict{color:#2a7a2a}"
                ".bad .verdict{color:#b00}.unk .verdict{color:#a60}\n"
                "li.bad{color:#b00}th{text-align:left;padding-right:1em;vertical-align:top;"
                "font-weight:normal;color:#444}\ncode{font-size:.85em;color:#555}\n"
                "</style></head><body>\n<h1>");
    esc(out, TR(N_("Signature verification report")));
    ks_buf_printf(out, "</h1>\n<section class=\"%s\"><p class=\"verdict\">",
                  r->nsigs ? css_class(r->indication) : "unk");
    esc(out, ks_vf_doc_verdict_label(L, r));
    ks_buf_printf(out, " <code>%s%s%s</code></p>\n<table>\n", ks_indication_name(r->indication),
                  r->subindication ? " / " : "", ks_subindication_name(r->subindication));
    row(out, TR(N_("File")), r->file);
    if (r->validation_time) {
        char t[32];
        ks_time_iso_vn(r->validation_time, t);
        row(out, TR(N_("Validation time")), t);
    }
    ks_buf_puts(out, "</table>\n");
    for (size_t i = 0; i < r->nmessages; i++) {
        ks_buf_puts(out, "<p>");
        esc(out, ks_vf_text(L, r->messages[i].msg, line_buf, sizeof line_buf));
        ks_buf_puts(out, "</p>\n");
    }
    ks_buf_puts(out, "</section>\n");
    for (size_t i = 0; i < r->nsigs; i++)
        render_sig(L, &r->sigs[i], i, out);
    ks_buf_puts(out, "</body></html>\n");
    return !out->failed;
}
