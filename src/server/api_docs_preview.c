/* server/api_docs_preview.c — what the web UI's document page shows before a step is taken:
 * the Decree 30 Appendix I check of the current version, run now: the format checker sees its
 * findings (rule, page, box, message) before approving or sending the document back, and a
 * drafter may check a draft before submitting it. Nothing is stored and the state does not
 * move. */
#include <stdlib.h>

#include "docs.h"

/* GET /documents/{id}/format-report: {"findings": [...]} of the latest version, for anyone who
 * may read the document. */
int api_doc_format_report(kysod_req *r)
{
    json_t *doc = NULL;
    uint8_t *pdf = NULL;
    size_t len = 0, count = 0;
    int rc = docs_load(r, &doc);
    if (rc)
        return rc;
    if ((rc = docs_refuse_classified(r, doc, NULL, 0)) ||
        (rc = docs_read_pdf(r, kysod_str(doc, "sha256", ""), &pdf, &len)))
        goto done;
    char *report = docs_format_report(r, pdf, len, &count);
    json_t *j = report ? json_loads(report, 0, NULL) : NULL;
    free(report);
    if (!j) {
        rc = kysod_fail_id(r, 500, "internal", N_("the format report could not be made"));
        goto done;
    }
    rc = kysod_json(r, 200, j);
done:
    json_decref(doc);
    free(pdf);
    return rc;
}
