/* text/font_type1.c — the built-in encoding of an embedded Type 1 font program (FontFile,
 * ISO 32000-2 §9.9; Adobe Type 1 Font Format §2.3): the clear-text "/Encoding" array that
 * TeX's fonts rely on when the PDF font dictionary gives no encoding of its own. */
#include <string.h>

#include "content_lex.h"
#include "font.h"

/* The clear-text part ends where the encrypted part starts. */
#define TYPE1_MAX_CLEARTEXT (1u << 20)

bool ks_font_type1_encoding(const uint8_t *data, size_t len, ks_font *f)
{
    if (len >= 6 && data[0] == 0x80 && data[1] == 0x01) { /* PFB segment header */
        size_t seg =
            (size_t)data[2] | (size_t)data[3] << 8 | (size_t)data[4] << 16 | (size_t)data[5] << 24;
        data += 6;
        len -= 6;
        if (seg < len)
            len = seg;
    }
    if (len > TYPE1_MAX_CLEARTEXT)
        len = TYPE1_MAX_CLEARTEXT;
    ks_clex lx;
    ks_clex_init(&lx, data, len);
    bool in_encoding = false, found = false;
    /* the last three tokens, for "dup <code> /<name> put" */
    int64_t code = -1;
    char name[64] = "";
    int state = 0; /* 0: idle, 1: after dup, 2: after code, 3: after name */
    for (;;) {
        ks_ctok t;
        if (ks_clex_next(&lx, &t, NULL) != KS_OK || t.type == KS_CTOK_EOF)
            break;
        if (ks_ctok_is_kw(&t, "eexec") || ks_ctok_is_kw(&t, "currentfile"))
            break;
        if (!in_encoding) {
            if (t.type == KS_CTOK_NAME && t.len == 8 && memcmp(t.s, "Encoding", 8) == 0) {
                ks_ctok v;
                if (ks_clex_next(&lx, &v, NULL) != KS_OK)
                    break;
                if (ks_ctok_is_kw(&v, "StandardEncoding")) {
                    for (int c = 0; c < 256; c++) {
                        uint32_t u = ks_encoding_unicode(KS_ENC_STANDARD, (uint8_t)c);
                        f->uni[c][0] = u;
                        f->nuni[c] = u ? 1 : 0;
                    }
                    found = true;
                    break;
                }
                if (v.type == KS_CTOK_INT) {
                    in_encoding = found = true;
                    memset(f->nuni, 0, sizeof f->nuni);
                }
            }
            continue;
        }
        if (ks_ctok_is_kw(&t, "def") || ks_ctok_is_kw(&t, "readonly"))
            break;
        if (ks_ctok_is_kw(&t, "dup")) {
            state = 1;
        } else if (state == 1 && t.type == KS_CTOK_INT) {
            code = t.i;
            state = 2;
        } else if (state == 2 && t.type == KS_CTOK_NAME && t.len < sizeof name) {
            memcpy(name, t.s, t.len);
            name[t.len] = 0;
            state = 3;
        } else if (state == 3 && ks_ctok_is_kw(&t, "put")) {
            if (code >= 0 && code < 256) {
                uint32_t u[KS_FONT_MAX_UNI];
                size_t k = ks_glyph_to_unicode(name, u, KS_FONT_MAX_UNI);
                memcpy(f->uni[code], u, k * sizeof u[0]);
                f->nuni[code] = (uint8_t)k;
            }
            state = 0;
        } else {
            state = 0;
        }
    }
    ks_clex_free(&lx);
    return found;
}
