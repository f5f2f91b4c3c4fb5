/* fuzz/fuzz_edxml.c — libFuzzer target of the edXML reader (edxml/unpack.c, edxml/status.c):
 * any bytes as a document package and as a status package, checking the invariants the
 * workflow relies on when one is accepted. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "kyso/edxml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    ks_edxml_limits lim = {1u << 20, 1u << 20};
    ks_edxml_package *p = NULL;
    ks_error err;
    if (ks_edxml_unpack(data, len, &lim, &p, &err) == KS_OK) {
        const ks_edxml_doc *d = &p->doc;
        if (!d->from.organ_id || !ks_edxml_organ_id_ok(d->from.organ_id) || d->nto == 0 ||
            d->nattachments == 0 || !d->subject || !d->code_number)
            __builtin_trap();
        for (size_t i = 0; i < d->nattachments; i++)
            if (!d->attachments[i].data || !d->attachments[i].content_id ||
                d->attachments[i].len > lim.max_attachment)
                __builtin_trap();
        /* what was read packs again */
        ks_buf b = KS_BUF_INIT;
        ks_edxml_pack(d, &b, &err);
        ks_buf_free(&b);
        ks_edxml_package_free(p);
    } else if (p) {
        __builtin_trap();
    }
    ks_edxml_status_msg *m = NULL;
    if (ks_edxml_status_unpack(data, len, &lim, &m, &err) == KS_OK) {
        if (!ks_edxml_status_name(m->status.code) || !m->status.from.organ_id)
            __builtin_trap();
        ks_edxml_status_msg_free(m);
    } else if (m) {
        __builtin_trap();
    }
    return 0;
}
