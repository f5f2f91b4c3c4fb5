/* Liberation Serif for visible signatures: loads the face, shapes UTF-8 text with HarfBuzz into
 * Identity-H glyph strings, and produces the subset font program, the /W widths and the
 * ToUnicode CMap of the glyphs used. The PDF objects are written by embed_font_pdf.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/sha.h>

#include "hb_lazy.h"
#include "kyso/pdfgen.h"

KS_DL_DEFINE(ks_hb, KS_HB_SYMBOLS, "libharfbuzz.so.0", "libharfbuzz-subset.so.0");

struct ks_pdf_font {
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font; /* scaled to font units (upem) */
    unsigned upem, num_glyphs;
    int *w1000;     /* advance widths in 1/1000 em, rounded: what /W says */
    bool *used;     /* glyphs drawn so far */
    uint32_t **uni; /* per glyph: the code points it stands for (ToUnicode), or NULL */
    size_t *uni_len;
    hb_position_t ascent, descent, cap_height; /* font units */
    int bbox[4];                               /* font units */
    char ps_name[64];
};

#define FONT_MAX_FILE (32u * 1024u * 1024u)
#define FONT_MAX_TEXT (64u * 1024u) /* bytes of one shaped string */

const char *ks_pdf_font_default_path(void)
{
    static const char *const candidates[] = {
        /* Debian's fonts-liberation2 (2.x) has the Vietnamese letters; fonts-liberation (1.07)
         * lacks many of them (ở, ữ, ...), so it is only the last resort. */
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf",
    };
    const char *env = getenv("KYSO_FONT");
    if (env && *env)
        return env;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        struct stat st;
        if (stat(candidates[i], &st) == 0 && S_ISREG(st.st_mode))
            return candidates[i];
    }
    return candidates[0];
}

static void free_data(void *p)
{
    free(p);
}

/* Rounding without libm (the pdf module does not link it). */
static long round_l(double x)
{
    return x < 0 ? -(long)(-x + 0.5) : (long)(x + 0.5);
}

ks_status ks_pdf_font_open(const char *path, ks_pdf_font **out, ks_error *err)
{
    ks_status st = KS_OK;
    uint8_t *data = NULL;
    size_t len = 0;
    ks_pdf_font *f = NULL;
    hb_blob_t *glyf = NULL;

    *out = NULL;
    if ((st = ks_dl_load(&ks_hb, err)) != KS_OK)
        return st;
    if (!path)
        path = ks_pdf_font_default_path();
    st = ks_read_file(path, FONT_MAX_FILE, &data, &len, err);
    if (st != KS_OK)
        goto done;
    f = calloc(1, sizeof *f);
    if (!f) {
        free(data);
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    f->blob =
        hb_blob_create((const char *)data, (unsigned)len, HB_MEMORY_MODE_READONLY, data, free_data);
    f->face = hb_face_create(f->blob, 0);
    f->num_glyphs = hb_face_get_glyph_count(f->face);
    f->upem = hb_face_get_upem(f->face);
    glyf = hb_face_reference_table(f->face, HB_TAG('g', 'l', 'y', 'f'));
    if (f->num_glyphs == 0 || f->upem == 0 || hb_blob_get_length(glyf) == 0) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("font \"%s\" is not a TrueType font with glyph outlines"), path);
        goto done;
    }
    f->font = hb_font_create(f->face);
    hb_font_set_scale(f->font, (int)f->upem, (int)f->upem);
    f->w1000 = calloc(f->num_glyphs, sizeof *f->w1000);
    f->used = calloc(f->num_glyphs, sizeof *f->used);
    f->uni = calloc(f->num_glyphs, sizeof *f->uni);
    f->uni_len = calloc(f->num_glyphs, sizeof *f->uni_len);
    if (!f->w1000 || !f->used || !f->uni || !f->uni_len) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    for (unsigned g = 0; g < f->num_glyphs; g++) {
        hb_position_t adv = hb_font_get_glyph_h_advance(f->font, g);
        f->w1000[g] = (int)round_l((double)adv * 1000.0 / f->upem);
    }
    f->used[0] = true; /* .notdef is always part of a TrueType subset */

    hb_position_t v;
    f->ascent = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &v)
                    ? v
                    : (hb_position_t)(0.9 * f->upem);
    f->descent = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &v)
                     ? v
                     : -(hb_position_t)(0.2 * f->upem);
    f->cap_height = hb_ot_metrics_get_position(f->font, HB_OT_METRICS_TAG_CAP_HEIGHT, &v)
                        ? v
                        : (hb_position_t)(0.66 * f->upem);

    /* 'head' table: xMin, yMin, xMax, yMax at offset 36 (OpenType spec, head table). */
    hb_blob_t *head = hb_face_reference_table(f->face, HB_TAG('h', 'e', 'a', 'd'));
    unsigned hlen = 0;
    const uint8_t *h = (const uint8_t *)hb_blob_get_data(head, &hlen);
    if (h && hlen >= 44) {
        for (int i = 0; i < 4; i++)
            f->bbox[i] = (int16_t)((h[36 + 2 * i] << 8) | h[37 + 2 * i]);
    } else {
        f->bbox[0] = 0;
        f->bbox[1] = (int)f->descent;
        f->bbox[2] = (int)f->upem;
        f->bbox[3] = (int)f->ascent;
    }
    hb_blob_destroy(head);

    unsigned nlen = sizeof f->ps_name;
    if (hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &nlen,
                            f->ps_name) == 0 ||
        !f->ps_name[0])
        snprintf(f->ps_name, sizeof f->ps_name, "KysoFont");
    /* A PDF name must not carry delimiters or spaces. */
    for (char *p = f->ps_name; *p; p++)
        if (*p <= ' ' || *p > '~' || strchr("()<>[]{}/%#", *p))
            *p = '-';

done:
    hb_blob_destroy(glyf);
    if (st != KS_OK) {
        ks_pdf_font_free(f);
        f = NULL;
    }
    *out = f;
    return st;
}

void ks_pdf_font_free(ks_pdf_font *f)
{
    if (!f)
        return;
    if (f->uni)
        for (unsigned g = 0; g < f->num_glyphs; g++)
            free(f->uni[g]);
    free(f->uni);
    free(f->uni_len);
    free(f->used);
    free(f->w1000);
    hb_font_destroy(f->font);
    hb_face_destroy(f->face);
    hb_blob_destroy(f->blob);
    free(f);
}

void ks_pdf_font_metrics(const ks_pdf_font *f, double *ascent, double *descent, double *cap_height)
{
    if (ascent)
        *ascent = (double)f->ascent / f->upem;
    if (descent)
        *descent = (double)f->descent / f->upem;
    if (cap_height)
        *cap_height = (double)f->cap_height / f->upem;
}

size_t ks_pdf_font_glyph_count(const ks_pdf_font *f)
{
    size_t n = 0;
    for (unsigned g = 0; g < f->num_glyphs; g++)
        n += f->used[g];
    return n;
}

double ks_pdf_font_glyph_width(const ks_pdf_font *f, uint32_t gid)
{
    return gid < f->num_glyphs ? f->w1000[gid] : 0;
}

const char *ks_pdf_font_ps_name(const ks_pdf_font *f)
{
    return f->ps_name;
}

void ks_pdf_font_bbox(const ks_pdf_font *f, double bbox[4])
{
    for (int i = 0; i < 4; i++)
        bbox[i] = (double)round_l((double)f->bbox[i] * 1000.0 / f->upem);
}

ks_pdf_obj *ks_pdf_font_widths(const ks_pdf_font *f, ks_arena *a)
{
    /* ISO 32000-2 §9.7.4.3: runs of consecutive CIDs as "c [w1 w2 ...]". */
    ks_pdf_obj *w = ks_pdf_new_array(a);
    if (!w)
        return NULL;
    unsigned g = 0;
    while (g < f->num_glyphs) {
        if (!f->used[g]) {
            g++;
            continue;
        }
        ks_pdf_obj *run = ks_pdf_new_array(a);
        if (!run || !ks_pdf_array_push(a, w, ks_pdf_new_int(a, g)) || !ks_pdf_array_push(a, w, run))
            return NULL;
        for (; g < f->num_glyphs && f->used[g]; g++)
            if (!ks_pdf_array_push(a, run, ks_pdf_new_int(a, f->w1000[g])))
                return NULL;
    }
    return w;
}

/* Decodes one UTF-8 sequence of valid (already checked) text. */
static uint32_t utf8_next(const char **s)
{
    const uint8_t *p = (const uint8_t *)*s;
    uint32_t c = p[0];
    int n = c < 0x80 ? 0 : c < 0xE0 ? 1 : c < 0xF0 ? 2 : 3;
    if (n)
        c &= 0x3Fu >> n;
    for (int i = 1; i <= n; i++)
        c = (c << 6) | (p[i] & 0x3Fu);
    *s += n + 1;
    return c;
}

/* Records the text a glyph stands for (the first one seen wins: ToUnicode maps a code once). */
static bool record_text(ks_pdf_font *f, uint32_t gid, const char *s, size_t len)
{
    if (f->uni[gid] || len == 0)
        return true;
    size_t n = 0;
    uint32_t tmp[32];
    const char *p = s, *end = s + len;
    while (p < end && n < 32)
        tmp[n++] = utf8_next(&p);
    f->uni[gid] = malloc(n * sizeof(uint32_t));
    if (!f->uni[gid])
        return false;
    memcpy(f->uni[gid], tmp, n * sizeof(uint32_t));
    f->uni_len[gid] = n;
    return true;
}

static void flush_tj(ks_buf *ops, bool *open)
{
    if (*open) {
        ks_buf_puts(ops, "] TJ\n");
        *open = false;
    }
}

static void open_tj(ks_buf *ops, bool *open)
{
    if (!*open) {
        ks_buf_putc(ops, '[');
        *open = true;
    }
}

/* A TJ displacement in thousandths of text space (ISO 32000-2 §9.4.3): positive moves left. */
static void put_adjust(ks_buf *ops, bool *open, double adj)
{
    long a = round_l(adj);
    if (a == 0)
        return;
    open_tj(ops, open);
    ks_buf_printf(ops, " %ld ", a);
}

ks_status ks_pdf_font_show(ks_pdf_font *f, const char *text, double size_pt, ks_buf *ops,
                           double *width_pt, ks_error *err)
{
    ks_status st = KS_OK;
    char *nfc = NULL;
    hb_buffer_t *buf = NULL;
    size_t tlen = strlen(text);

    if (width_pt)
        *width_pt = 0;
    if (tlen > FONT_MAX_TEXT)
        return ks_error_set(err, KS_E_LIMIT, N_("text to draw is longer than %u bytes"),
                            FONT_MAX_TEXT);
    if (!ks_utf8_valid(text, tlen))
        return ks_error_set(err, KS_E_USAGE, N_("text to draw is not valid UTF-8"));
    nfc = ks_utf8_nfc(text, tlen);
    if (!nfc)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t nlen = strlen(nfc);

    buf = hb_buffer_create();
    hb_buffer_add_utf8(buf, nfc, (int)nlen, 0, (int)nlen);
    hb_buffer_set_direction(buf, HB_DIRECTION_LTR);
    hb_buffer_set_script(buf, HB_SCRIPT_LATIN);
    hb_buffer_set_language(buf, hb_language_from_string("vi", -1));
    hb_buffer_guess_segment_properties(buf);
    hb_shape(f->font, buf, NULL, 0);
    if (!hb_buffer_allocation_successful(buf)) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }

    unsigned n = 0;
    hb_glyph_info_t *info = hb_buffer_get_glyph_infos(buf, &n);
    hb_glyph_position_t *pos = hb_buffer_get_glyph_positions(buf, &n);
    double scale = 1000.0 / f->upem; /* font units → thousandths of text space */
    double total = 0;
    bool open = false;

    for (unsigned i = 0; i < n; i++) {
        uint32_t gid = info[i].codepoint;
        uint32_t cl = info[i].cluster;
        if (gid == 0 || gid >= f->num_glyphs) {
            const char *p = nfc + (cl < nlen ? cl : 0);
            uint32_t cp = utf8_next(&p);
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("font \"%s\" has no glyph for character U+%04X in \"%s\""),
                              f->ps_name, (unsigned)cp, nfc);
            goto done;
        }
        /* The cluster's text goes to its first glyph. */
        if (i == 0 || info[i - 1].cluster != cl) {
            uint32_t end = (uint32_t)nlen;
            for (unsigned j = i + 1; j < n; j++)
                if (info[j].cluster != cl) {
                    end = info[j].cluster > cl ? info[j].cluster : end;
                    break;
                }
            if (!record_text(f, gid, nfc + cl, end > cl ? end - cl : 0)) {
                st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                goto done;
            }
        }
        f->used[gid] = true;
        total += pos[i].x_advance;
        if (!ops)
            continue;

        double xoff = pos[i].x_offset * scale, yoff = pos[i].y_offset * scale;
        double adv = pos[i].x_advance * scale;
        if (yoff != 0) {
            flush_tj(ops, &open);
            ks_buf_printf(ops, "%.3f Ts\n", yoff * size_pt / 1000.0);
        }
        put_adjust(ops, &open, -xoff);
        open_tj(ops, &open);
        ks_buf_printf(ops, "<%04X>", (unsigned)gid);
        /* After the glyph the writer advances by its /W width; correct to HarfBuzz's advance
         * and undo the offset. */
        put_adjust(ops, &open, (double)f->w1000[gid] - adv + xoff);
        if (yoff != 0) {
            flush_tj(ops, &open);
            ks_buf_puts(ops, "0 Ts\n");
        }
    }
    if (ops) {
        flush_tj(ops, &open);
        if (ops->failed) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            goto done;
        }
    }
    if (width_pt)
        *width_pt = total / f->upem * size_pt;

done:
    hb_buffer_destroy(buf);
    free(nfc);
    return st;
}

void ks_pdf_font_tag(const ks_pdf_font *f, char tag[7])
{
    uint8_t md[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)f->used, f->num_glyphs * sizeof *f->used, md);
    for (int i = 0; i < 6; i++)
        tag[i] = (char)('A' + md[i] % 26);
    tag[6] = 0;
}

ks_status ks_pdf_font_subset(ks_pdf_font *f, uint8_t **data, size_t *len, ks_error *err)
{
    static const hb_tag_t drop[] = {
        HB_TAG('G', 'S', 'U', 'B'), HB_TAG('G', 'P', 'O', 'S'), HB_TAG('G', 'D', 'E', 'F'),
        HB_TAG('k', 'e', 'r', 'n'), HB_TAG('D', 'S', 'I', 'G'), HB_TAG('h', 'd', 'm', 'x'),
        HB_TAG('V', 'D', 'M', 'X'), HB_TAG('L', 'T', 'S', 'H'), HB_TAG('g', 'a', 's', 'p'),
        HB_TAG('J', 'S', 'T', 'F'), HB_TAG('P', 'C', 'L', 'T'), HB_TAG('v', 'h', 'e', 'a'),
        HB_TAG('v', 'm', 't', 'x'), HB_TAG('m', 'e', 'r', 'g'), HB_TAG('m', 'e', 't', 'a'),
    };
    ks_status st = KS_OK;
    hb_subset_input_t *in = NULL;
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;

    *data = NULL;
    *len = 0;
    in = hb_subset_input_create_or_fail();
    if (!in) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    hb_set_t *glyphs = hb_subset_input_glyph_set(in);
    for (unsigned g = 0; g < f->num_glyphs; g++)
        if (f->used[g])
            hb_set_add(glyphs, g);
    hb_set_t *tables = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++)
        hb_set_add(tables, drop[i]);
    /* Glyph IDs stay those of the full font: they are the CIDs of the Identity-H strings. */
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_RETAIN_GIDS | HB_SUBSET_FLAGS_NO_HINTING);
    sub = hb_subset_or_fail(f->face, in);
    if (!sub) {
        st = ks_error_set(err, KS_E_FORMAT, N_("cannot subset font \"%s\""), f->ps_name);
        goto done;
    }
    blob = hb_face_reference_blob(sub);
    unsigned blen = 0;
    const char *bd = hb_blob_get_data(blob, &blen);
    if (!bd || blen == 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("cannot subset font \"%s\""), f->ps_name);
        goto done;
    }
    *data = malloc(blen);
    if (!*data) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    memcpy(*data, bd, blen);
    *len = blen;

done:
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    return st;
}

/* Appends a code point as UTF-16BE hex. */
static void put_utf16(ks_buf *b, uint32_t c)
{
    if (c >= 0x10000) {
        c -= 0x10000;
        ks_buf_printf(b, "%04X%04X", 0xD800u + (c >> 10), 0xDC00u + (c & 0x3FFu));
    } else {
        ks_buf_printf(b, "%04X", c);
    }
}

ks_status ks_pdf_font_tounicode(const ks_pdf_font *f, ks_buf *out, ks_error *err)
{
    size_t count = 0;
    for (unsigned g = 0; g < f->num_glyphs; g++)
        count += f->uni[g] != NULL;

    ks_buf_puts(out, "/CIDInit /ProcSet findresource begin\n"
                     "12 dict begin\n"
                     "begincmap\n"
                     "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
                     "/CMapName /Adobe-Identity-UCS def\n"
                     "/CMapType 2 def\n"
                     "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n");
    /* At most 100 entries per bfchar block (ISO 32000-2 §9.10.3, PostScript CMap limits). */
    unsigned g = 0;
    while (count > 0) {
        size_t block = count > 100 ? 100 : count;
        ks_buf_printf(out, "%zu beginbfchar\n", block);
        for (size_t k = 0; k < block; g++) {
            if (!f->uni[g])
                continue;
            ks_buf_printf(out, "<%04X> <", g);
            for (size_t j = 0; j < f->uni_len[g]; j++)
                put_utf16(out, f->uni[g][j]);
            ks_buf_puts(out, ">\n");
            k++;
        }
        ks_buf_puts(out, "endbfchar\n");
        count -= block;
    }
    ks_buf_puts(out, "endcmap\n"
                     "CMapName currentdict /CMap defineresource pop\n"
                     "end\n"
                     "end\n");
    if (out->failed)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}
