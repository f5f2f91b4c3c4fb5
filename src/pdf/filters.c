/* pdf/filters.c — standard stream filters (ISO 32000-2 §7.4): FlateDecode and LZWDecode with
 * PNG/TIFF predictors, ASCIIHexDecode, ASCII85Decode, RunLengthDecode. Every output is bounded
 * by the caller's limit (decompression bombs fail with KS_E_LIMIT). */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "internal.h"

static ks_status too_big(ks_error *err, const char *filter, size_t max)
{
    return ks_error_set(err, KS_E_LIMIT, N_("%s output exceeds the limit of %zu bytes"), filter,
                        max);
}

static bool out_put(ks_buf *b, uint8_t ch)
{
    return ks_buf_putc(b, ch);
}

static ks_status flate(const uint8_t *in, size_t len, ks_buf *out, size_t max, ks_error *err)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit(&z) != Z_OK)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = KS_OK;
    size_t fed = 0;
    for (;;) {
        if (z.avail_in == 0 && fed < len) {
            size_t chunk = len - fed > (1u << 30) ? (1u << 30) : len - fed;
            z.next_in = (Bytef *)(in + fed);
            z.avail_in = (uInt)chunk;
            fed += chunk;
        }
        /* inflate straight into the output (no bounce buffer: a bomb is refused at `max` in
         * a fraction of the time), never past `max` + 1 byte */
        if (out->cap - out->len < 65536 && out->len <= max) {
            size_t want = out->len < 65536 ? 65536 : out->len;
            if (want > max - out->len + 1)
                want = max - out->len + 1;
            if (want < 1)
                want = 1;
            if (!ks_buf_reserve(out, want)) {
                st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                break;
            }
        }
        size_t room = out->cap - out->len - 1; /* ks_buf keeps a NUL after len */
        if (room > max - out->len + 1)
            room = max - out->len + 1;
        if (room > (1u << 30))
            room = 1u << 30;
        z.next_out = out->data + out->len;
        z.avail_out = (uInt)room;
        int r = inflate(&z, Z_NO_FLUSH);
        size_t got = room - z.avail_out;
        out->len += got;
        out->data[out->len] = 0;
        if (out->len > max) {
            st = too_big(err, "FlateDecode", max);
            break;
        }
        if (r == Z_STREAM_END)
            break;
        if (r == Z_BUF_ERROR && z.avail_in == 0 && fed >= len)
            break; /* truncated stream: keep what was decoded (common, harmless) */
        if (r != Z_OK && r != Z_BUF_ERROR) {
            /* Data decoded before a corrupt tail is kept only if there is some. */
            if (out->len == 0)
                st = ks_error_set(err, KS_E_FORMAT, N_("FlateDecode: corrupt data (%s)"),
                                  z.msg ? z.msg : "zlib");
            break;
        }
    }
    inflateEnd(&z);
    return st;
}

static ks_status lzw(const uint8_t *in, size_t len, int early, ks_buf *out, size_t max,
                     ks_error *err)
{
    /* Table of (prefix code, last byte, length); strings rebuilt backwards. */
    enum { MAXC = 4096 };
    static const int first_code = 258;
    int prefix[MAXC];
    uint8_t suffix[MAXC];
    int slen[MAXC];
    for (int i = 0; i < 256; i++) {
        prefix[i] = -1;
        suffix[i] = (uint8_t)i;
        slen[i] = 1;
    }
    int next = first_code, bits = 9, prev = -1;
    uint32_t acc = 0;
    int nacc = 0;
    size_t pos = 0;
    uint8_t stackbuf[MAXC];
    for (;;) {
        while (nacc < bits && pos < len) {
            acc = (acc << 8) | in[pos++];
            nacc += 8;
        }
        if (nacc < bits)
            break;
        int code = (int)((acc >> (nacc - bits)) & ((1u << bits) - 1));
        nacc -= bits;
        if (code == 256) {
            next = first_code;
            bits = 9;
            prev = -1;
            continue;
        }
        if (code == 257)
            break;
        int cur;
        if (prev < 0) {
            if (code > 255)
                return ks_error_set(err, KS_E_FORMAT, N_("LZWDecode: invalid code %d"), code);
            cur = code;
        } else if (code < next) {
            cur = code;
        } else if (code == next) {
            cur = prev; /* KwKwK case: the string is prev + first byte of prev */
        } else {
            return ks_error_set(err, KS_E_FORMAT, N_("LZWDecode: invalid code %d"), code);
        }
        /* emit string of cur */
        int n = 0;
        for (int c = cur; c >= 0 && n < MAXC; c = prefix[c])
            stackbuf[n++] = suffix[c];
        uint8_t firstb = stackbuf[n - 1];
        if (out->len + (size_t)n + 1 > max)
            return too_big(err, "LZWDecode", max);
        for (int i = n - 1; i >= 0; i--)
            out_put(out, stackbuf[i]);
        if (code == next && prev >= 0)
            out_put(out, firstb);
        if (prev >= 0 && next < MAXC) {
            prefix[next] = prev;
            suffix[next] = firstb;
            slen[next] = slen[prev] + 1;
            next++;
        }
        prev = code;
        if (next + early >= (1 << bits) && bits < 12)
            bits++;
    }
    return out->failed ? ks_error_set(err, KS_E_NOMEM, N_("out of memory")) : KS_OK;
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static ks_status ahex(const uint8_t *in, size_t len, ks_buf *out, ks_error *err)
{
    int hi = -1;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = in[i];
        if (c == '>')
            break;
        if (ks_pdf_is_ws(c))
            continue;
        int v = hexv(c);
        if (v < 0)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("ASCIIHexDecode: invalid character at position %zu"), i);
        if (hi < 0) {
            hi = v;
        } else {
            out_put(out, (uint8_t)(hi * 16 + v));
            hi = -1;
        }
    }
    if (hi >= 0)
        out_put(out, (uint8_t)(hi * 16));
    return out->failed ? ks_error_set(err, KS_E_NOMEM, N_("out of memory")) : KS_OK;
}

static ks_status a85(const uint8_t *in, size_t len, ks_buf *out, size_t max, ks_error *err)
{
    uint32_t tuple = 0;
    int n = 0;
    size_t i = 0;
    if (len >= 2 && in[0] == '<' && in[1] == '~')
        i = 2;
    for (; i < len; i++) {
        uint8_t c = in[i];
        if (ks_pdf_is_ws(c))
            continue;
        if (c == '~')
            break;
        if (c == 'z' && n == 0) {
            for (int k = 0; k < 4; k++)
                out_put(out, 0);
        } else if (c >= '!' && c <= 'u') {
            uint64_t t = (uint64_t)tuple * 85 + (uint64_t)(c - '!');
            if (t > UINT32_MAX)
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("ASCII85Decode: invalid group at position %zu"), i);
            tuple = (uint32_t)t;
            if (++n == 5) {
                for (int k = 3; k >= 0; k--)
                    out_put(out, (uint8_t)(tuple >> (8 * k)));
                tuple = 0;
                n = 0;
            }
        } else {
            return ks_error_set(err, KS_E_FORMAT,
                                N_("ASCII85Decode: invalid character at position %zu"), i);
        }
        if (out->len > max)
            return too_big(err, "ASCII85Decode", max);
    }
    if (n == 1)
        return ks_error_set(err, KS_E_FORMAT, N_("ASCII85Decode: invalid final group"));
    if (n > 1) {
        for (int k = n; k < 5; k++)
            tuple = tuple * 85 + 84;
        for (int k = 0; k < n - 1; k++)
            out_put(out, (uint8_t)(tuple >> (8 * (3 - k))));
    }
    return out->failed ? ks_error_set(err, KS_E_NOMEM, N_("out of memory")) : KS_OK;
}

static ks_status rle(const uint8_t *in, size_t len, ks_buf *out, size_t max, ks_error *err)
{
    size_t i = 0;
    while (i < len) {
        uint8_t l = in[i++];
        if (l == 128)
            break;
        if (l < 128) {
            size_t n = (size_t)l + 1;
            if (len - i < n)
                n = len - i;
            ks_buf_append(out, in + i, n);
            i += n;
        } else {
            if (i >= len)
                break;
            for (int k = 0; k < 257 - l; k++)
                out_put(out, in[i]);
            i++;
        }
        if (out->len > max)
            return too_big(err, "RunLengthDecode", max);
    }
    return out->failed ? ks_error_set(err, KS_E_NOMEM, N_("out of memory")) : KS_OK;
}

static int64_t parm_int(const ks_pdf_obj *parms, const char *key, int64_t def)
{
    int64_t v;
    return ks_pdf_get_int(ks_pdf_dict_get(parms, key), &v) ? v : def;
}

static uint8_t paeth(uint8_t a, uint8_t b, uint8_t c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return (pa <= pb && pa <= pc) ? a : (pb <= pc ? b : c);
}

/* Undoes a PNG (10..15) or TIFF (2) predictor (§7.4.4.4) in place into a new buffer. */
static ks_status unpredict(ks_buf *b, const ks_pdf_obj *parms, ks_error *err)
{
    int64_t pred = parm_int(parms, "Predictor", 1);
    if (pred <= 1)
        return KS_OK;
    int64_t colors = parm_int(parms, "Colors", 1), bpc = parm_int(parms, "BitsPerComponent", 8),
            columns = parm_int(parms, "Columns", 1);
    if (colors < 1 || colors > 32 || (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16) ||
        columns < 1 || columns > (1 << 24))
        return ks_error_set(err, KS_E_FORMAT, N_("invalid predictor parameters"));
    size_t bpp = (size_t)((colors * bpc + 7) / 8);
    size_t row = (size_t)((colors * bpc * columns + 7) / 8);
    ks_buf out = KS_BUF_INIT;
    ks_status st = KS_OK;
    if (pred == 2) {
        if (bpc != 8) {
            ks_buf_free(&out);
            return ks_error_set(err, KS_E_FORMAT,
                                N_("TIFF predictor with %d bits per component is not supported"),
                                (int)bpc);
        }
        ks_buf_append(&out, b->data, b->len);
        for (size_t r = 0; r + row <= out.len; r += row)
            for (size_t i = bpp; i < row; i++)
                out.data[r + i] = (uint8_t)(out.data[r + i] + out.data[r + i - bpp]);
    } else if (pred >= 10 && pred <= 15) {
        uint8_t *prev = calloc(1, row);
        if (!prev) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
        size_t pos = 0;
        while (pos < b->len) {
            uint8_t ft = b->data[pos++];
            size_t n = b->len - pos < row ? b->len - pos : row;
            uint8_t *cur = b->data + pos;
            for (size_t i = 0; i < n; i++) {
                uint8_t a = i >= bpp ? cur[i - bpp] : 0, up = prev[i],
                        c = i >= bpp ? prev[i - bpp] : 0;
                switch (ft) {
                case 0:
                    break;
                case 1:
                    cur[i] = (uint8_t)(cur[i] + a);
                    break;
                case 2:
                    cur[i] = (uint8_t)(cur[i] + up);
                    break;
                case 3:
                    cur[i] = (uint8_t)(cur[i] + ((a + up) >> 1));
                    break;
                case 4:
                    cur[i] = (uint8_t)(cur[i] + paeth(a, up, c));
                    break;
                default:
                    free(prev);
                    st = ks_error_set(err, KS_E_FORMAT, N_("invalid PNG predictor type %d"), ft);
                    goto done;
                }
            }
            ks_buf_append(&out, cur, n);
            memcpy(prev, cur, n);
            pos += n;
        }
        free(prev);
    } else {
        st = ks_error_set(err, KS_E_FORMAT, N_("unknown predictor %d"), (int)pred);
        goto done;
    }
    if (out.failed) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    ks_buf_free(b);
    *b = out;
    out = (ks_buf)KS_BUF_INIT;
done:
    ks_buf_free(&out);
    return st;
}

ks_status ks_filter_apply(ks_pdf_doc *doc, const char *name, const ks_pdf_obj *parms,
                          const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len,
                          size_t max_out, ks_error *err)
{
    (void)doc;
    ks_buf b = KS_BUF_INIT;
    ks_status st;
    bool predict = false;
    if (!strcmp(name, "FlateDecode") || !strcmp(name, "Fl")) {
        st = flate(in, in_len, &b, max_out, err);
        predict = true;
    } else if (!strcmp(name, "LZWDecode") || !strcmp(name, "LZW")) {
        st = lzw(in, in_len, (int)parm_int(parms, "EarlyChange", 1) ? 1 : 0, &b, max_out, err);
        predict = true;
    } else if (!strcmp(name, "ASCIIHexDecode") || !strcmp(name, "AHx")) {
        st = ahex(in, in_len, &b, err);
    } else if (!strcmp(name, "ASCII85Decode") || !strcmp(name, "A85")) {
        st = a85(in, in_len, &b, max_out, err);
    } else if (!strcmp(name, "RunLengthDecode") || !strcmp(name, "RL")) {
        st = rle(in, in_len, &b, max_out, err);
    } else if (!strcmp(name, "Crypt")) {
        st = ks_buf_append(&b, in, in_len) ? KS_OK
                                           : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    } else {
        st = ks_error_set(err, KS_E_FORMAT, N_("stream filter /%s is not supported"), name);
    }
    if (!st && predict && parms)
        st = unpredict(&b, parms, err);
    if (!st && b.len > max_out)
        st = too_big(err, name, max_out);
    if (!st && !b.data && !ks_buf_reserve(&b, 1))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (st) {
        ks_buf_free(&b);
        return st;
    }
    *out = ks_buf_steal(&b, out_len);
    return KS_OK;
}
