/* server/office_probe.c — DOCX / ODT recognition and password detection from the bytes
 * (office.h): the ZIP end-of-central-directory record, the central directory (APPNOTE 4.3.12,
 * 4.3.16), the ODF "mimetype" entry and META-INF/manifest.xml (ODF 1.2 part 3 §3.3, §4), and an
 * OLE compound file's directory names for MS-OFFCRYPTO's "EncryptedPackage". Every offset is
 * checked against the buffer; nothing is trusted. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kyso/error.h"
#include "office.h"

#define MANIFEST_MAX (1u << 20)

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8);
}
static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static bool has(const uint8_t *d, size_t n, const void *pat, size_t m)
{
    const uint8_t *p = pat;
    for (size_t i = 0; m && m <= n && i <= n - m; i++) {
        const uint8_t *hit = memchr(d + i, p[0], n - m + 1 - i);
        if (!hit)
            return false;
        i = (size_t)(hit - d);
        if (memcmp(hit, p, m) == 0)
            return true;
    }
    return false;
}

typedef struct zip_entry {
    const uint8_t *name;
    size_t name_len;
    uint32_t method, csize, usize, flags, local;
} zip_entry;

typedef struct zip {
    const uint8_t *d;
    size_t n;
    size_t cd, cd_end, count;
} zip;

static bool zip_open(zip *z, const uint8_t *d, size_t n)
{
    if (n < 22)
        return false;
    size_t lo = n > 22 + 65535 ? n - 22 - 65535 : 0;
    for (size_t i = n - 22 + 1; i-- > lo;) {
        if (memcmp(d + i, "PK\5\6", 4) != 0)
            continue;
        size_t cd = le32(d + i + 16), size = le32(d + i + 12);
        if (cd > i || size > i - cd)
            return false;
        z->d = d;
        z->n = n;
        z->cd = cd;
        z->cd_end = cd + size;
        z->count = le16(d + i + 10);
        return true;
    }
    return false;
}

/* The entry at *pos of the central directory; advances *pos. False at the end or when broken. */
static bool zip_next(const zip *z, size_t *pos, zip_entry *e)
{
    size_t p = *pos;
    if (p > z->cd_end || z->cd_end - p < 46 || memcmp(z->d + p, "PK\1\2", 4) != 0)
        return false;
    size_t nl = le16(z->d + p + 28), xl = le16(z->d + p + 30), cl = le16(z->d + p + 32);
    if (z->cd_end - p - 46 < nl + xl + cl)
        return false;
    e->flags = le16(z->d + p + 8);
    e->method = le16(z->d + p + 10);
    e->csize = le32(z->d + p + 20);
    e->usize = le32(z->d + p + 24);
    e->local = le32(z->d + p + 42);
    e->name = z->d + p + 46;
    e->name_len = nl;
    *pos = p + 46 + nl + xl + cl;
    return true;
}

static bool name_is(const zip_entry *e, const char *s)
{
    return e->name_len == strlen(s) && memcmp(e->name, s, e->name_len) == 0;
}

/* The stored or deflated bytes of `e` (at most `cap`), into `out`; the length or -1. */
static long zip_read(const zip *z, const zip_entry *e, uint8_t *out, size_t cap)
{
    size_t p = e->local;
    if (p > z->n || z->n - p < 30 || memcmp(z->d + p, "PK\3\4", 4) != 0)
        return -1;
    size_t start = p + 30 + le16(z->d + p + 26) + le16(z->d + p + 28);
    if (start > z->n || z->n - start < e->csize)
        return -1;
    if (e->method == 0) {
        size_t m = e->csize < cap ? e->csize : cap;
        memcpy(out, z->d + start, m);
        return (long)m;
    }
    if (e->method != 8)
        return -1;
    z_stream s;
    memset(&s, 0, sizeof s);
    if (inflateInit2(&s, -MAX_WBITS) != Z_OK)
        return -1;
    s.next_in = (Bytef *)(z->d + start);
    s.avail_in = e->csize;
    s.next_out = out;
    s.avail_out = (uInt)cap;
    int rc = inflate(&s, Z_FINISH);
    long got = (long)(cap - s.avail_out);
    inflateEnd(&s);
    return rc == Z_STREAM_END || rc == Z_BUF_ERROR || rc == Z_OK ? got : -1;
}

static kysod_office_verdict probe_zip(const uint8_t *d, size_t n, kysod_office_kind expect,
                                      const char **what)
{
    zip z;
    if (!zip_open(&z, d, n)) {
        *what = N_("a damaged ZIP archive (no central directory)");
        return KYSOD_OFFICE_DAMAGED;
    }
    bool types = false, word = false, zip_crypt = false;
    zip_entry mimetype = {0}, manifest = {0};
    size_t pos = z.cd, seen = 0;
    zip_entry e;
    while (seen < KYSOD_OFFICE_MAX_ENTRIES && zip_next(&z, &pos, &e)) {
        seen++;
        zip_crypt |= (e.flags & 1) != 0;
        types |= name_is(&e, "[Content_Types].xml");
        word |= name_is(&e, "word/document.xml");
        if (name_is(&e, "mimetype"))
            mimetype = e;
        if (name_is(&e, "META-INF/manifest.xml"))
            manifest = e;
    }
    if (seen >= KYSOD_OFFICE_MAX_ENTRIES) {
        *what = N_("a ZIP archive with too many entries");
        return KYSOD_OFFICE_DAMAGED;
    }
    if (seen == 0 || pos != z.cd_end) {
        *what = N_("a damaged ZIP archive (broken central directory)");
        return KYSOD_OFFICE_DAMAGED;
    }
    if (zip_crypt) {
        *what = N_("a ZIP archive with encrypted entries");
        return KYSOD_OFFICE_ENCRYPTED;
    }
    if (expect == KYSOD_DOCX) {
        if (types && word) {
            *what = N_("a DOCX document");
            return KYSOD_OFFICE_OK;
        }
        *what = mimetype.name ? N_("an OpenDocument file, not a DOCX")
                : types       ? N_("an Office Open XML file that is not a Word document")
                              : N_("a ZIP archive, not a DOCX");
        return KYSOD_OFFICE_WRONG_TYPE;
    }
    static const char odt[] = "application/vnd.oasis.opendocument.text";
    uint8_t mt[64];
    long got = mimetype.name ? zip_read(&z, &mimetype, mt, sizeof mt) : -1;
    if (got != (long)(sizeof odt - 1) || memcmp(mt, odt, sizeof odt - 1) != 0) {
        *what = types && word ? N_("a DOCX document, not an ODT")
                : got > 0     ? N_("an OpenDocument file that is not a text document")
                              : N_("a ZIP archive, not an ODT");
        return KYSOD_OFFICE_WRONG_TYPE;
    }
    if (manifest.name) {
        uint8_t *m = malloc(MANIFEST_MAX);
        long ml = m ? zip_read(&z, &manifest, m, MANIFEST_MAX) : -1;
        bool enc = ml > 0 && has(m, (size_t)ml, "encryption-data", 15);
        free(m);
        if (ml < 0) {
            *what = N_("an ODT whose manifest cannot be read");
            return KYSOD_OFFICE_DAMAGED;
        }
        if (enc) {
            *what = N_("a password-protected ODT");
            return KYSOD_OFFICE_ENCRYPTED;
        }
    }
    *what = N_("an ODT document");
    return KYSOD_OFFICE_OK;
}

kysod_office_verdict kysod_office_probe(const uint8_t *d, size_t n, kysod_office_kind expect,
                                        const char **what)
{
    static const uint8_t ole[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    /* "EncryptedPackage" as an OLE directory entry name (UTF-16LE) */
    static const uint8_t encpkg[] = {'E', 0,   'n', 0,   'c', 0,   'r', 0,   'y', 0,   'p',
                                     0,   't', 0,   'e', 0,   'd', 0,   'P', 0,   'a', 0,
                                     'c', 0,   'k', 0,   'a', 0,   'g', 0,   'e', 0};
    if (!d || n < 8) {
        *what = N_("an empty or truncated file");
        return KYSOD_OFFICE_WRONG_TYPE;
    }
    if (memcmp(d, ole, 8) == 0) {
        if (has(d, n, encpkg, sizeof encpkg)) {
            *what = N_("a password-protected Office document");
            return KYSOD_OFFICE_ENCRYPTED;
        }
        *what = N_("an OLE compound file (an old Word .doc), not a DOCX or ODT");
        return KYSOD_OFFICE_WRONG_TYPE;
    }
    if (memcmp(d, "%PDF-", 5) == 0) {
        *what = N_("a PDF");
        return KYSOD_OFFICE_WRONG_TYPE;
    }
    if (memcmp(d, "PK\3\4", 4) != 0) {
        *what = N_("not a ZIP-based document");
        return KYSOD_OFFICE_WRONG_TYPE;
    }
    return probe_zip(d, n, expect, what);
}
