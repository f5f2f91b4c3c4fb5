/* tests/unit/appear/visual.h — the fixtures and oracles of the visible-signature tests
 * (test_visual_lo.c, test_visual_corpus.c): generated blue signature and red seal PNGs, a
 * LibreOffice decision, a self-signed signer; signing through ks_sign_file with the appearance
 * provider; pdftoppm pixels, pdftotext -bbox-layout lines, pdfsig and mutool as judges.
 * Everything is static inline so that each test uses what it needs. */
#ifndef KYSO_TEST_VISUAL_H
#define KYSO_TEST_VISUAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../../src/sign/appear.h"
#include "kyso/pdfgen.h"
#include "kyso/sign.h"
#include "pngmake.h"
#include "test.h"

#define DPI 100.0
#define PX2PT (72.0 / DPI)
#define MM (72.0 / 25.4)

/* No libm in the test link: small replacements. */
#define PI 3.14159265358979323846
static inline double fabs_(double x)
{
    return x < 0 ? -x : x;
}
static inline double sin_(double x)
{
    while (x > PI)
        x -= 2 * PI;
    while (x < -PI)
        x += 2 * PI;
    double term = x, sum = x;
    for (int k = 1; k < 12; k++) {
        term *= -x * x / ((2 * k) * (2 * k + 1));
        sum += term;
    }
    return sum;
}

static const char *dir;
static char key_pem[512], cert_pem[512], blue_png[512], seal_png[512];
static time_t sign_time;

typedef struct box {
    double x0, y0, x1, y1; /* points, origin top left (as pdftotext and the raster) */
    int n;
} box;

typedef struct tline {
    char text[256]; /* words joined without spaces */
    box b;
} tline;

static inline const char *path_in(char *buf, const char *name)
{
    snprintf(buf, 512, "%s/%s", dir, name);
    return buf;
}

/* ---- fixtures ---- */

static inline void put_px(uint8_t *rgba, uint32_t w, uint32_t h, int x, int y, const uint8_t c[4])
{
    if (x < 0 || y < 0 || (uint32_t)x >= w || (uint32_t)y >= h)
        return;
    memcpy(rgba + 4 * ((size_t)y * w + (size_t)x), c, 4);
}

static inline int write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

/* A blue scribble on a transparent background: a thick wave across the whole width, point
 * symmetric about the image centre (f(1-t) = -f(t)), so that its pixel box is centred on the
 * image box. */
static inline int make_blue(const char *path)
{
    const uint32_t w = 600, h = 200;
    uint8_t *px = calloc((size_t)w * h, 4);
    const uint8_t blue[4] = {20, 40, 190, 255};
    for (int x = 0; x < (int)w; x++) {
        double t = (double)x / (w - 1);
        int yc = (int)(h / 2.0 - (h / 2.0 - 8) * sin_(t * 2 * PI * 2) * sin_(t * PI) + 0.5);
        for (int dy = -5; dy <= 5; dy++)
            for (int dx = -1; dx <= 1; dx++)
                put_px(px, w, h, x + dx, yc + dy, blue);
    }
    size_t len = 0;
    uint8_t *png = pm_make_png(px, w, h, PNG_FORMAT_RGBA, 0, &len);
    int rc = png ? write_file(path, png, len) : -1;
    free(png);
    free(px);
    return rc;
}

/* A red round seal of 40 mm at 300 dpi (pHYs): outer ring to the image edge, inner ring, a
 * filled centre. */
static inline int make_seal(const char *path)
{
    const uint32_t n = 472; /* 472 px / 11811 px/m = 39.96 mm */
    uint8_t *px = calloc((size_t)n * n, 4);
    const uint8_t red[4] = {215, 25, 30, 255};
    double c = (n - 1) / 2.0;
    for (uint32_t y = 0; y < n; y++)
        for (uint32_t x = 0; x < n; x++) {
            double r2 = (x - c) * (x - c) + (y - c) * (y - c), ro = n / 2.0;
            bool on = (r2 <= ro * ro && r2 >= (ro - 14) * (ro - 14)) ||
                      (r2 <= (ro - 50) * (ro - 50) && r2 >= (ro - 58) * (ro - 58)) || r2 <= 50 * 50;
            if (on)
                put_px(px, n, n, (int)x, (int)y, red);
        }
    size_t len = 0;
    uint8_t *png = pm_make_png(px, n, n, PNG_FORMAT_RGBA, 11811, &len);
    int rc = png ? write_file(path, png, len) : -1;
    free(png);
    free(px);
    return rc;
}

static const char fodt[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<office:document xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "
    "xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "
    "xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "
    "xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "
    "xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "
    "xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "
    "office:version=\"1.3\" office:mimetype=\"application/vnd.oasis.opendocument.text\">\n"
    "<office:font-face-decls><style:font-face style:name=\"Liberation Serif\" "
    "svg:font-family=\"'Liberation Serif'\"/></office:font-face-decls>\n"
    "<office:automatic-styles>\n"
    "<style:style style:name=\"H\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:text-align=\"center\"/><style:text-properties style:font-name=\"Liberation Serif\" "
    "fo:font-size=\"14pt\" fo:font-weight=\"bold\"/></style:style>\n"
    "<style:style style:name=\"B\" style:family=\"paragraph\"><style:paragraph-properties "
    "fo:text-align=\"justify\" fo:text-indent=\"10mm\"/><style:text-properties "
    "style:font-name=\"Liberation Serif\" fo:font-size=\"14pt\"/></style:style>\n"
    "<style:style style:name=\"N\" style:family=\"paragraph\"><style:text-properties "
    "style:font-name=\"Liberation Serif\" fo:font-size=\"11pt\"/></style:style>\n"
    "<style:page-layout style:name=\"pm\"><style:page-layout-properties fo:page-width=\"210mm\" "
    "fo:page-height=\"297mm\" fo:margin-top=\"20mm\" fo:margin-bottom=\"20mm\" "
    "fo:margin-left=\"30mm\" fo:margin-right=\"15mm\"/></style:page-layout>\n"
    "</office:automatic-styles>\n"
    "<office:master-styles><style:master-page style:name=\"Standard\" "
    "style:page-layout-name=\"pm\"/></office:master-styles>\n"
    "<office:body><office:text>\n"
    "<text:p text:style-name=\"H\">QUYẾT ĐỊNH</text:p>\n"
    "<text:p text:style-name=\"H\">Về việc phê duyệt kế hoạch chuyển đổi số năm 2026</text:p>\n"
    "<text:p text:style-name=\"B\">Điều 1. Phê duyệt Kế hoạch chuyển đổi số năm 2026 của Ủy "
    "ban nhân dân thành phố Hải Phòng.</text:p>\n"
    "<text:p text:style-name=\"B\">Điều 2. Quyết định này có hiệu lực kể từ ngày ký./.</text:p>\n"
    "<table:table table:name=\"K\"><table:table-column table:number-columns-repeated=\"2\"/>\n"
    "<table:table-row><table:table-cell office:value-type=\"string\">"
    "<text:p text:style-name=\"N\">Nơi nhận:</text:p><text:p text:style-name=\"N\">- Như Điều "
    "2;</text:p><text:p text:style-name=\"N\">- Lưu: VT, KGVX.</text:p></table:table-cell>\n"
    "<table:table-cell office:value-type=\"string\">"
    "<text:p text:style-name=\"H\">TM. ỦY BAN NHÂN DÂN</text:p>"
    "<text:p text:style-name=\"H\">KT. CHỦ TỊCH</text:p>"
    "<text:p text:style-name=\"H\">PHÓ CHỦ TỊCH</text:p>"
    "<text:p text:style-name=\"H\"/><text:p text:style-name=\"H\"/><text:p text:style-name=\"H\"/>"
    "<text:p text:style-name=\"H\"/>"
    "<text:p text:style-name=\"H\">Trần Thị Bình</text:p></table:table-cell></table:table-row>\n"
    "</table:table>\n"
    "</office:text></office:body></office:document>\n";

/* The decision made by LibreOffice; false (a failed check) when soffice is not installed: a
 * missing tool fails the test (scripts/deps.sh installs it). */
static inline bool make_decision(const char *pdf)
{
    char fo[512];
    int have = ks_test_sh(NULL, "command -v soffice >/dev/null");
    CHECK_MSG(have == 0, "soffice (LibreOffice) is not installed");
    if (have != 0)
        return false;
    if (write_file(path_in(fo, "qd.fodt"), fodt, sizeof fodt - 1) != 0)
        return false;
    int rc = ks_test_sh(NULL,
                        "cd '%s' && HOME='%s' soffice --headless --convert-to pdf --outdir '%s' "
                        "qd.fodt >/dev/null 2>&1",
                        dir, dir, dir);
    CHECK_MSG(rc == 0, "soffice failed (%d)", rc);
    return rc == 0 && access(pdf, R_OK) == 0;
}

static inline int make_cert(void)
{
    return ks_test_sh(NULL,
                      "openssl req -x509 -newkey rsa:2048 -nodes -keyout '%s' -out '%s' -days 30 "
                      "-utf8 -subj '/CN=Trần Thị Bình/title=PHÓ CHỦ TỊCH/O=Ủy ban nhân dân "
                      "thành phố Hải Phòng/C=VN' -addext "
                      "'keyUsage=critical,digitalSignature,nonRepudiation' 2>/dev/null",
                      key_pem, cert_pem);
}

/* A landscape-turned copy of page 1 as scanners and some editors write it: MediaBox of the
 * portrait page's height × width plus a 10 pt border, CropBox inside it, /Rotate 90, and the
 * content turned so that it reads upright in the visible frame (x = 10 + 842 - v, y = 10 + u). */
static inline int rotate_crop(const char *in, const char *out)
{
    ks_pdf_doc *doc = NULL;
    ks_pdf_update *u = NULL;
    ks_error err;
    ks_pdf_obj *page = NULL;
    ks_pdf_ref ref;
    ks_status st = ks_pdf_open(in, NULL, &doc, &err);
    if (st == KS_OK)
        st = ks_pdf_page(doc, 0, &page, &ref, &err);
    if (st == KS_OK)
        st = ks_pdf_update_new(doc, &u, &err);
    if (st != KS_OK) {
        fprintf(stderr, "%s\n", err.msg_en);
        goto done;
    }
    ks_arena *a = ks_pdf_arena(doc);
    static const char pre[] = "q 0 1 -1 0 852 10 cm\n", post[] = "\nQ\n";
    uint32_t n_pre = ks_pdf_update_alloc(u), n_post = ks_pdf_update_alloc(u);
    ks_pdf_obj *sd = ks_pdf_new_dict(a);
    st = ks_pdf_update_put_stream(u, n_pre, 0, sd, (const uint8_t *)pre, strlen(pre), &err);
    if (st == KS_OK)
        st = ks_pdf_update_put_stream(u, n_post, 0, sd, (const uint8_t *)post, strlen(post), &err);
    ks_pdf_obj *np = ks_pdf_copy(a, page), *contents = ks_pdf_new_array(a);
    ks_pdf_obj *old = ks_pdf_dict_get(page, "Contents");
    ks_pdf_array_push(a, contents, ks_pdf_new_ref(a, n_pre, 0));
    if (old && old->type == KS_PDF_ARRAY)
        for (size_t i = 0; i < old->u.arr.len; i++)
            ks_pdf_array_push(a, contents, old->u.arr.items[i]);
    else if (old)
        ks_pdf_array_push(a, contents, old);
    ks_pdf_array_push(a, contents, ks_pdf_new_ref(a, n_post, 0));
    ks_pdf_obj *media = ks_pdf_new_array(a), *crop = ks_pdf_new_array(a);
    const double mv[4] = {0, 0, 862, 615.3}, cv[4] = {10, 10, 852, 605.3};
    for (int i = 0; i < 4; i++) {
        ks_pdf_array_push(a, media, ks_pdf_new_real(a, mv[i]));
        ks_pdf_array_push(a, crop, ks_pdf_new_real(a, cv[i]));
    }
    ks_pdf_dict_put(a, np, "Contents", contents);
    ks_pdf_dict_put(a, np, "MediaBox", media);
    ks_pdf_dict_put(a, np, "CropBox", crop);
    ks_pdf_dict_put(a, np, "Rotate", ks_pdf_new_int(a, 90));
    if (st == KS_OK)
        st = ks_pdf_update_put(u, ref.num, ref.gen, np, &err);
    if (st == KS_OK)
        st = ks_pdf_update_write_file(u, out, &err);
    if (st != KS_OK)
        fprintf(stderr, "%s\n", err.msg_en);
done:
    ks_pdf_update_free(u);
    ks_pdf_close(doc);
    return st == KS_OK ? 0 : -1;
}

/* ---- signing ---- */

typedef struct sign_args {
    ks_sign_kind kind;
    const char *image, *title, *name, *copy_form, *org_name, *doc_number;
    double seal_mm; /* 0: from the PNG */
    long page;
    bool label;
} sign_args;

static inline ks_status sign(const char *in, const char *out, const sign_args *s, ks_error *err)
{
    ks_sign_opts o;
    ks_sign_opts_init(&o);
    ks_appear_extra x = {.time_label = s->label};
    o.kind = s->kind;
    o.offline = true;
    o.signing_time = sign_time;
    o.image_path = s->image;
    o.seal_mm = s->seal_mm;
    o.page = s->page;
    o.title = s->title;
    o.name = s->name;
    o.copy_form = s->copy_form;
    o.org_name = s->org_name;
    o.doc_number = s->doc_number;
    o.appearance = ks_sign_appear;
    o.appearance_user = &x;
    ks_signer *signer = NULL;
    ks_status st = ks_signer_from_pem(key_pem, cert_pem, NULL, NULL, &signer, err);
    if (st == KS_OK)
        st = ks_sign_file(in, out, &o, signer, err);
    ks_signer_free(signer);
    return st;
}

/* ---- oracles ---- */

/* Renders page `page` (1-based) at 100 dpi and returns the pixel box (in points) of the
 * pixels `want` accepts; n = 0 when none. */
typedef bool (*px_pred)(const uint8_t *p);
static inline bool is_blue(const uint8_t *p)
{
    return p[2] > 120 && p[0] < 110 && p[1] < 130;
}
static inline bool is_red(const uint8_t *p)
{
    return p[0] > 150 && p[1] < 110 && p[2] < 110;
}

static inline ks_pdf_image *render(const char *pdf, int page, const char *tag)
{
    char prefix[512];
    snprintf(prefix, sizeof prefix, "%s/r-%s", dir, tag);
    if (ks_test_sh(NULL, "pdftoppm -r %d -png -singlefile -f %d -l %d '%s' '%s'", (int)DPI, page,
                   page, pdf, prefix) != 0)
        return NULL;
    strcat(prefix, ".png");
    ks_pdf_image *img = NULL;
    ks_error err;
    if (ks_pdf_png_load(prefix, &img, &err) != KS_OK)
        fprintf(stderr, "%s\n", err.msg_en);
    return img;
}

static inline box pixel_box(const ks_pdf_image *img, px_pred want)
{
    box b = {1e9, 1e9, -1, -1, 0};
    for (uint32_t y = 0; img && y < img->height; y++)
        for (uint32_t x = 0; x < img->width; x++)
            if (want(img->rgba + 4 * ((size_t)y * img->width + x))) {
                b.n++;
                if (x < b.x0)
                    b.x0 = x;
                if (y < b.y0)
                    b.y0 = y;
                if (x + 1 > b.x1)
                    b.x1 = x + 1;
                if (y + 1 > b.y1)
                    b.y1 = y + 1;
            }
    b.x0 *= PX2PT;
    b.y0 *= PX2PT;
    b.x1 *= PX2PT;
    b.y1 *= PX2PT;
    return b;
}

static inline double attr(const char *s, const char *name)
{
    const char *p = strstr(s, name);
    return p ? atof(p + strlen(name) + 2) : 0;
}

/* Text lines of a page from pdftotext -bbox-layout: words joined without spaces. */
static inline size_t text_lines(const char *pdf, int page, tline *out, size_t max)
{
    char *xml = NULL;
    size_t n = 0;
    if (ks_test_sh(&xml, "pdftotext -f %d -l %d -bbox-layout '%s' -", page, page, pdf) != 0) {
        free(xml);
        return 0;
    }
    for (char *p = xml; (p = strstr(p, "<line ")) && n < max;) {
        tline *l = &out[n++];
        memset(l, 0, sizeof *l);
        l->b.x0 = attr(p, "xMin");
        l->b.y0 = attr(p, "yMin");
        l->b.x1 = attr(p, "xMax");
        l->b.y1 = attr(p, "yMax");
        char *end = strstr(p, "</line>");
        p++;
        for (char *w = p; (w = strstr(w, "<word ")) && (!end || w < end);) {
            char *t = strchr(w, '>'), *e = t ? strstr(t, "</word>") : NULL;
            if (!e)
                break;
            size_t have = strlen(l->text), len = (size_t)(e - t - 1);
            if (have + len < sizeof l->text)
                memcpy(l->text + have, t + 1, len);
            w = e;
        }
        if (end)
            p = end;
    }
    free(xml);
    return n;
}

static inline const tline *find_line(const tline *l, size_t n, const char *text)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(l[i].text, text))
            return &l[i];
    return NULL;
}

static inline bool sig_valid(const char *pdf, int count)
{
    char *out = NULL;
    ks_test_sh(&out, "pdfsig '%s' 2>&1", pdf);
    int valid = 0;
    for (const char *p = out; p && (p = strstr(p, "Signature is Valid")); p++)
        valid++;
    CHECK_MSG(valid == count, "pdfsig: %d of %d valid:\n%s", valid, count, out ? out : "");
    free(out);
    out = NULL;
    int rc = ks_test_sh(&out, "mutool sign -v '%s' 2>&1", pdf);
    /* mutool prints per signature either "Digest error: ..." or that the document is unchanged
     * / the signature valid with later edits (the earlier signatures of a multi-signed file). */
    int ok = 0, bad = 0;
    for (const char *p = out; p && (p = strstr(p, "unchanged since signing")); p++)
        ok++;
    for (const char *p = out; p && (p = strstr(p, "valid but there have been edits")); p++)
        ok++;
    for (const char *p = out; p && (p = strstr(p, "Digest error")); p++)
        bad++;
    CHECK_MSG(rc == 0 && ok == count && bad == 0, "mutool sign -v: %d of %d valid:\n%s", ok, count,
              out ? out : "");
    free(out);
    return valid == count;
}

static inline long file_size(const char *path)
{
    FILE *f = fopen(path, "rb");
    long n = -1;
    if (f && fseek(f, 0, SEEK_END) == 0)
        n = ftell(f);
    if (f)
        fclose(f);
    return n;
}

/* Bytes of the /Contents <hex> strings (signature placeholders) after `from` in `path`. */
static inline long placeholder_bytes(const char *path, long from)
{
    uint8_t *d = NULL;
    size_t len = 0;
    long total = 0;
    if (ks_read_file(path, 64u << 20, &d, &len, NULL) != KS_OK)
        return 0;
    for (size_t i = (size_t)from; i + 10 < len; i++) {
        if (memcmp(d + i, "/Contents", 9))
            continue;
        size_t j = i + 9;
        while (j < len && (d[j] == ' ' || d[j] == '\n' || d[j] == '\r'))
            j++;
        if (j >= len || d[j] != '<')
            continue;
        size_t k = j + 1;
        while (k < len && d[k] != '>')
            k++;
        total += (long)(k + 1 - j);
        i = k;
    }
    free(d);
    return total;
}

/* ---- the checks ---- */

/* Personal then organisation on a page with the title `title_text` and name `name_text`;
 * returns the blue box for later checks. */
static inline void check_pair(const char *in, const char *tag, const sign_args *personal,
                              const char *title_text, const char *name_text, int page,
                              double page_w)
{
    char p_pdf[512], po_pdf[512];
    snprintf(p_pdf, sizeof p_pdf, "%s/%s-p.pdf", dir, tag);
    snprintf(po_pdf, sizeof po_pdf, "%s/%s-po.pdf", dir, tag);
    ks_error err;
    ks_status st = sign(in, p_pdf, personal, &err);
    CHECK_MSG(st == KS_OK, "%s personal: %s", tag, err.msg_en);
    if (st != KS_OK)
        return;
    tline lines[200];
    size_t n = text_lines(p_pdf, page, lines, 200);
    const tline *t = find_line(lines, n, title_text), *nm = find_line(lines, n, name_text);
    CHECK_MSG(t && nm, "%s: lines \"%s\" / \"%s\" not found by pdftotext", tag, title_text,
              name_text);
    ks_pdf_image *img = render(p_pdf, page, tag);
    box blue = pixel_box(img, is_blue);
    ks_pdf_image_free(img);
    CHECK_MSG(blue.n > 100, "%s: no blue pixels", tag);
    if (!t || !nm || blue.n <= 100)
        return;
    printf("%s: title bottom %.1f, blue %.1f..%.1f x %.1f..%.1f, name top %.1f\n", tag, t->b.y1,
           blue.y0, blue.y1, blue.x0, blue.x1, nm->b.y0);
    CHECK_MSG(blue.y0 >= t->b.y1 - 1 && blue.y1 <= nm->b.y0 + 1,
              "%s: blue %.1f..%.1f not between title bottom %.1f and name top %.1f", tag, blue.y0,
              blue.y1, t->b.y1, nm->b.y0);
    /* Fills the gap: at least half of it. */
    CHECK_MSG(blue.y1 - blue.y0 > 0.5 * (nm->b.y0 - t->b.y1), "%s: blue %.1f high in a gap of %.1f",
              tag, blue.y1 - blue.y0, nm->b.y0 - t->b.y1);
    double col = (nm->b.x0 + nm->b.x1 + t->b.x0 + t->b.x1) / 4, cx = (blue.x0 + blue.x1) / 2;
    CHECK_MSG(fabs_(cx - col) < 0.03 * page_w, "%s: blue centre %.1f, column centre %.1f", tag, cx,
              col);

    sign_args org = {.kind = KS_SIGN_ORGANIZATION, .image = seal_png};
    st = sign(p_pdf, po_pdf, &org, &err);
    CHECK_MSG(st == KS_OK, "%s organization: %s", tag, err.msg_en);
    if (st != KS_OK)
        return;
    img = render(po_pdf, page, tag);
    box red = pixel_box(img, is_red);
    ks_pdf_image_free(img);
    CHECK_MSG(red.n > 100, "%s: no red pixels", tag);
    double bw = blue.x1 - blue.x0, frac = (red.x1 - blue.x0) / bw;
    double seal_pt = 472.0 / 11811.0 * 1000 * MM;
    printf("%s: red %.1f..%.1f x %.1f..%.1f (%.1f%% of blue width), size %.1f x %.1f pt "
           "(real %.1f)\n",
           tag, red.x0, red.x1, red.y0, red.y1, 100 * frac, red.x1 - red.x0, red.y1 - red.y0,
           seal_pt);
    CHECK_MSG(frac >= 0.25 && frac <= 0.40, "%s: seal right edge at %.1f%% of the signature", tag,
              100 * frac);
    CHECK_MSG(fabs_(red.x1 - red.x0 - seal_pt) <= 0.02 * seal_pt &&
                  fabs_(red.y1 - red.y0 - seal_pt) <= 0.02 * seal_pt,
              "%s: seal %.1f x %.1f pt, real %.1f", tag, red.x1 - red.x0, red.y1 - red.y0, seal_pt);
    double bcy = (blue.y0 + blue.y1) / 2, rcy = (red.y0 + red.y1) / 2;
    CHECK_MSG(fabs_(bcy - rcy) < 3, "%s: seal centre y %.1f, signature %.1f", tag, rcy, bcy);
    sig_valid(po_pdf, 2);

    /* Small appearances: the pair adds < 60 KB besides the signature placeholders and the
     * PNGs' own compressed size. */
    long in_len = file_size(in), added = file_size(po_pdf) - in_len;
    long ph = placeholder_bytes(po_pdf, in_len);
    long pngs = file_size(blue_png) + file_size(seal_png);
    printf("%s: the pair adds %ld bytes: %ld of signature placeholders, %ld other (PNGs %ld)\n",
           tag, added, ph, added - ph, pngs);
    CHECK_MSG(ph > 0 && added - ph < 60 * 1024 + pngs, "%s: %ld bytes added besides %ld", tag,
              added - ph, ph);
}

/* The page rendered from `pdf` before signing, kept for the next call with the same file. */
static inline ks_pdf_image *render_before(const char *pdf)
{
    static char have[512];
    static ks_pdf_image *img;
    if (!pdf) {
        ks_pdf_image_free(img);
        img = NULL;
        return NULL;
    }
    if (!img || strcmp(have, pdf)) {
        ks_pdf_image_free(img);
        img = render(pdf, 1, "before");
        snprintf(have, sizeof have, "%s", pdf);
    }
    return img;
}

/* Copy / attachment: the lines in the top right corner, inside the margins, exact text. With
 * `wrapped`, the items are expected broken into more lines than items, within 45 % of the
 * page width, and are compared joined by spaces. */
static inline void check_corner(const char *in, const char *tag, const sign_args *s,
                                const char *const *want, size_t n_want, bool wrapped, double page_w)
{
    char out[512];
    snprintf(out, sizeof out, "%s/%s.pdf", dir, tag);
    ks_error err;
    ks_status st = sign(in, out, s, &err);
    CHECK_MSG(st == KS_OK, "%s: %s", tag, err.msg_en);
    if (st != KS_OK)
        return;
    /* The text of the top 25 mm, right 60 %, in reading order, up to the first blank line. */
    char *txt = NULL;
    ks_test_sh(&txt, "pdftotext -f 1 -l 1 -x %d -y 0 -W %d -H %d '%s' -", (int)(page_w * 0.4),
               (int)(page_w * 0.6) + 1, (int)(25 * MM), out);
    char *blank = txt ? strstr(txt, "\n\n") : NULL;
    if (blank)
        blank[1] = 0;
    size_t got_lines = 0;
    for (char *p = txt; p && *p; p++)
        if (*p == '\n') {
            got_lines++;
            if (wrapped)
                *p = ' ';
        }
    ks_buf want_txt = KS_BUF_INIT;
    for (size_t i = 0; i < n_want; i++)
        ks_buf_printf(&want_txt, "%s%c", want[i], wrapped ? ' ' : '\n');
    CHECK_MSG(txt && !strcmp(txt, (char *)want_txt.data),
              "%s: pdftotext of the corner:\n%s\nwanted:\n%s", tag, txt ? txt : "",
              (char *)want_txt.data);
    if (wrapped)
        CHECK_MSG(got_lines > n_want, "%s: %zu lines for %zu items", tag, got_lines, n_want);
    free(txt);
    ks_buf_free(&want_txt);

    /* The font: an embedded subset, Identity-H, with a ToUnicode map. */
    char *fonts = NULL;
    ks_test_sh(&fonts, "pdffonts '%s' | grep 'CID TrueType' | grep Identity-H", out);
    CHECK_MSG(fonts && strstr(fonts, "yes yes yes"), "%s: pdffonts: %s", tag, fonts ? fonts : "");
    free(fonts);

    /* The ink the signature added: pixels dark in the signed page and light in the input. */
    ks_pdf_image *img = render(out, 1, tag), *before = render_before(in);
    box ink = {1e9, 1e9, -1, -1, 0};
    for (uint32_t y = 0; img && before && y < img->height && y < before->height; y++)
        for (uint32_t x = 0; x < img->width && x < before->width; x++) {
            const uint8_t *p = img->rgba + 4 * ((size_t)y * img->width + x);
            const uint8_t *q = before->rgba + 4 * ((size_t)y * before->width + x);
            if (p[0] < 100 && p[1] < 100 && p[2] < 100 && q[0] > 200) {
                ink.n++;
                ink.x0 = x < ink.x0 ? x : ink.x0;
                ink.y0 = y < ink.y0 ? y : ink.y0;
                ink.x1 = x + 1 > ink.x1 ? x + 1 : ink.x1;
                ink.y1 = y + 1 > ink.y1 ? y + 1 : ink.y1;
            }
        }
    ink.x0 *= PX2PT, ink.x1 *= PX2PT, ink.y0 *= PX2PT, ink.y1 *= PX2PT;
    ks_pdf_image_free(img);
    double right_mm = (page_w - ink.x1) / MM, top_mm = ink.y0 / MM, bottom_mm = ink.y1 / MM;
    printf("%s: ink %.1f..%.1f mm from the top, %.1f mm from the right\n", tag, top_mm, bottom_mm,
           right_mm);
    CHECK_MSG(ink.n > 50 && right_mm >= 14 && right_mm <= 21 && top_mm >= 5 &&
                  (wrapped || bottom_mm <= 21) && ink.x1 - ink.x0 <= 0.45 * page_w + 1,
              "%s: ink at %.1f..%.1f mm from the top, %.1f mm from the right", tag, top_mm,
              bottom_mm, right_mm);
    sig_valid(out, 1);
}

/* Creates the test's directory (absolute) under the build tree, the signer and the PNGs. */
static inline void visual_setup(const char *name)
{
    static char absdir[4096];
    if (!realpath(ks_test_tmpdir(name), absdir))
        snprintf(absdir, sizeof absdir, "%s", ks_test_tmpdir(name));
    dir = absdir;
    snprintf(key_pem, sizeof key_pem, "%s/key.pem", dir);
    snprintf(cert_pem, sizeof cert_pem, "%s/cert.pem", dir);
    snprintf(blue_png, sizeof blue_png, "%s/blue.png", dir);
    snprintf(seal_png, sizeof seal_png, "%s/seal.png", dir);
    CHECK(make_cert() == 0);
    sign_time = time(NULL); /* not before the certificate */
    CHECK(make_blue(blue_png) == 0);
    CHECK(make_seal(seal_png) == 0);
}

#endif
