/* tests/unit/verify/test_report.c — the report model: the worst-of rule for indications, the
 * document verdict and exit codes (design.md contract), messages and changes kept in both
 * languages, and the JSON renderer's escaping (checked by parsing it with python3's json). */
#include <stdlib.h>
#include <string.h>

#include "kyso/ctx.h"
#include "test.h"
#include "verify_internal.h"

static ks_ctx *g_ctx;
#define ks_tr(s) ks_ctx_tr(g_ctx, "vi", (s))

static void test_degrade(void)
{
    ks_verify_report *r = calloc(1, sizeof *r);
    ks_vf_summarise(r);
    CHECK(r->indication == KS_IND_INDETERMINATE &&
          r->subindication == KS_SUB_SIGNED_DATA_NOT_FOUND);
    CHECK(ks_verify_exit_code(r) == 2);

    ks_verify_sig *s = ks_vf_add_sig(r);
    CHECK(s && s->indication == KS_IND_TOTAL_PASSED);
    ks_vf_summarise(r);
    CHECK(ks_verify_exit_code(r) == 0);

    ks_vf_degrade(&r->sigs[0], KS_IND_INDETERMINATE, KS_SUB_TRY_LATER);
    ks_vf_degrade(&r->sigs[0], KS_IND_INDETERMINATE, KS_SUB_NO_CERTIFICATE_CHAIN_FOUND);
    CHECK(r->sigs[0].subindication == KS_SUB_TRY_LATER); /* the first reason stays */
    ks_vf_summarise(r);
    CHECK(ks_verify_exit_code(r) == 2);

    s = ks_vf_add_sig(r);
    ks_vf_degrade(s, KS_IND_TOTAL_FAILED, KS_SUB_HASH_FAILURE);
    ks_vf_degrade(s, KS_IND_INDETERMINATE, KS_SUB_TRY_LATER); /* never upgrades */
    CHECK(s->indication == KS_IND_TOTAL_FAILED && s->subindication == KS_SUB_HASH_FAILURE);
    ks_vf_summarise(r);
    CHECK(r->indication == KS_IND_TOTAL_FAILED && r->subindication == KS_SUB_HASH_FAILURE);
    CHECK(ks_verify_exit_code(r) == 1);
    CHECK(ks_verify_exit_code(NULL) == 2);

    /* messages and changes in both languages; English twin is the msgid filled in */
    CHECK(ks_vf_sig_msg(s, N_("the content of page %u was replaced"), 3u));
    CHECK_STR(s->messages[0].text_en, "the content of page 3 was replaced");
    CHECK(s->messages[0].msg != NULL);
    /* late translation: the same message in each language, asked per call */
    char vi[256], en[256];
    ks_text_str(g_ctx, "vi", s->messages[0].msg, vi, sizeof vi);
    ks_text_str(g_ctx, "en", s->messages[0].msg, en, sizeof en);
    CHECK_STR(en, "the content of page 3 was replaced");
    CHECK_MSG(strcmp(vi, en) != 0 && strstr(vi, "3") != NULL, "vi: %s", vi);
    CHECK(ks_vf_change(s, 2, 12, 0, false, N_("the content of page %u was replaced"), 1u));
    CHECK(s->nchanges == 1 && s->changes[0].num == 12 && !s->changes[0].allowed);
    CHECK_STR(s->changes[0].what, "the content of page 1 was replaced");

    s->field = ks_vf_strdup("Sig\"1\\\n\x01");
    s->subfilter = ks_vf_strdup("ETSI.CAdES.detached");
    r->file = ks_vf_strdup("a \"quoted\" name.pdf");
    ks_buf b = KS_BUF_INIT;
    CHECK(ks_verify_render_json(g_ctx, "en", r, &b));
    const char *dir = ks_test_tmpdir("verify-report");
    char path[4096];
    snprintf(path, sizeof path, "%s/r.json", dir);
    CHECK(ks_write_file_atomic(path, b.data, b.len, NULL) == KS_OK);
    char *out = NULL;
    int rc = ks_test_sh(&out,
                        "PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3; $PY -c "
                        "'import json,sys; d=json.load(open(sys.argv[1])); "
                        "s=d[\"signatures\"][1]; print(d[\"indication\"], s[\"field\"] == "
                        "\"Sig\\\"1\\\\\\n\\x01\", s[\"changes_after\"][0][\"object\"], "
                        "s[\"changes_after\"][0][\"allowed\"])' '%s'",
                        path);
    CHECK_MSG(rc == 0 && out && strcmp(out, "TOTAL-FAILED True 12 0 False\n") == 0, "rc=%d out=%s",
              rc, out ? out : "(null)");
    free(out);
    ks_buf_free(&b);

    ks_buf t = KS_BUF_INIT;
    CHECK(ks_verify_render_text(g_ctx, "vi", r, &t) && t.len > 0);
    CHECK(strstr((const char *)t.data, "HASH_FAILURE") != NULL);
    ks_buf_free(&t);
    CHECK(ks_verify_render_html(g_ctx, "vi", r, &t));
    CHECK(strstr((const char *)t.data, "<html") != NULL);
    CHECK(strstr((const char *)t.data, "Sig\"1") == NULL); /* escaped in HTML */
    ks_buf_free(&t);
    ks_verify_report_free(r);
    ks_verify_report_free(NULL);
}

/* Text and HTML group allowed changes of one revision and kind into one line (count and
 * objects), disallowed ones first and one per line; JSON keeps every change. */
static void test_change_groups(void)
{
    ks_verify_report *r = calloc(1, sizeof *r);
    ks_verify_sig *s = ks_vf_add_sig(r);
    CHECK(ks_vf_change(s, 3, 35, 0, true, N_("validation data (DSS) was updated")));
    CHECK(ks_vf_change(s, 3, 27, 0, true, N_("an annotation was added to page %u"), 1u));
    CHECK(ks_vf_change(s, 3, 36, 0, true, N_("validation data (DSS) was updated")));
    CHECK(ks_vf_change(s, 4, 12, 0, false, N_("the content of page %u was replaced"), 1u));
    CHECK(ks_vf_change(s, 3, 37, 0, true, N_("validation data (DSS) was updated")));
    CHECK(ks_vf_change(s, 4, 38, 0, true, N_("validation data (DSS) was updated"))); /* other rev */
    CHECK(s->nchanges == 6);

    char grouped[256], dss4[256], bad[256];
    char count[64];
    snprintf(count, sizeof count, ks_tr(N_("%zu objects")), (size_t)3);
    snprintf(grouped, sizeof grouped, "%s 3: %s (%s) — %s: 35 0, 36 0, 37 0\n", ks_tr("revision"),
             ks_tr(N_("validation data (DSS) was updated")), ks_tr("allowed"), count);
    snprintf(dss4, sizeof dss4, "%s 4, %s 38 0: %s (%s)\n", ks_tr("revision"), ks_tr("object"),
             ks_tr(N_("validation data (DSS) was updated")), ks_tr("allowed"));
    snprintf(bad, sizeof bad, "%s 4, %s 12 0: ", ks_tr("revision"), ks_tr("object"));

    ks_buf t = KS_BUF_INIT;
    CHECK(ks_verify_render_text(g_ctx, "vi", r, &t) && ks_buf_putc(&t, 0));
    const char *txt = (const char *)t.data;
    const char *pg = strstr(txt, grouped), *pb = strstr(txt, bad), *p4 = strstr(txt, dss4);
    CHECK_MSG(pg && pb && p4, "text:\n%s", txt);
    CHECK(pb && pg && pb < pg); /* disallowed first */
    size_t lines = 0;
    for (const char *p = txt; (p = strstr(p, "\n    - ")); p++)
        lines++;
    CHECK_MSG(lines == 4, "%zu change lines in\n%s", lines, txt); /* 6 changes, 4 lines */
    ks_buf_free(&t);

    CHECK(ks_verify_render_html(g_ctx, "vi", r, &t) && ks_buf_putc(&t, 0));
    CHECK_MSG(strstr((const char *)t.data, "35 0, 36 0, 37 0</li>") != NULL, "%s",
              (const char *)t.data);
    ks_buf_free(&t);

    CHECK(ks_verify_render_json(g_ctx, "en", r, &t) && ks_buf_putc(&t, 0));
    size_t objs = 0;
    for (const char *p = (const char *)t.data; (p = strstr(p, "\"allowed\"")); p++)
        objs++;
    CHECK_MSG(objs == 6, "JSON lists %zu changes", objs);
    ks_buf_free(&t);
    ks_verify_report_free(r);
}

int main(void)
{
    CHECK(ks_ctx_new(NULL, &g_ctx, NULL) == KS_OK);
    test_degrade();
    test_change_groups();
    ks_ctx_free(g_ctx);
    return ks_test_done();
}
