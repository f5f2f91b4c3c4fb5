/* util/text.c — UTF-8 validation, NFC normalisation and tolerant folding (libunistring). */
#include <stdlib.h>
#include <string.h>
#include <uninorm.h>
#include <unicase.h>
#include <unistr.h>

#include "kyso/util.h"

bool ks_utf8_valid(const char *s, size_t len)
{
    return u8_check((const uint8_t *)s, len) == NULL;
}

char *ks_utf8_nfc(const char *s, size_t len)
{
    if (!ks_utf8_valid(s, len))
        return NULL;
    size_t n = 0;
    uint8_t *r = u8_normalize(UNINORM_NFC, (const uint8_t *)s, len, NULL, &n);
    if (!r)
        return NULL;
    char *out = malloc(n + 1);
    if (out) {
        memcpy(out, r, n);
        out[n] = 0;
    }
    free(r);
    return out;
}

char *ks_utf8_fold(const char *s, size_t len)
{
    if (!ks_utf8_valid(s, len))
        return NULL;
    size_t n = 0;
    uint8_t *low = u8_tolower((const uint8_t *)s, len, "vi", UNINORM_NFC, NULL, &n);
    if (!low)
        return NULL;
    char *out = malloc(n + 1);
    if (!out) {
        free(low);
        return NULL;
    }
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; i < n; i++) {
        uint8_t c = low[i];
        bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        /* U+00A0 NO-BREAK SPACE counts as space too */
        if (c == 0xC2 && i + 1 < n && low[i + 1] == 0xA0) {
            ws = true;
            i++;
        }
        if (ws) {
            space = o > 0;
            continue;
        }
        if (space) {
            out[o++] = ' ';
            space = false;
        }
        out[o++] = (char)c;
    }
    out[o] = 0;
    free(low);
    return out;
}
