/* pdf/xref.c — the cross-reference chain (ISO 32000-2 §7.5.4–§7.5.6, §7.5.8.4): finds
 * startxref, follows /Prev (cycle- and hop-bounded), reads classic tables, groups sections into
 * revisions (with their %%EOF ends) and merges revisions 0..i into an object map. */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

bool ks_xsec_add(ks_xsection *sec, uint32_t num, const ks_xentry *e)
{
    if (sec->count == sec->cap) {
        size_t cap = sec->cap ? sec->cap * 2 : 64;
        ks_xsec_entry *n = realloc(sec->entries, cap * sizeof *n);
        if (!n)
            return false;
        sec->entries = n;
        sec->cap = cap;
    }
    sec->entries[sec->count].num = num;
    sec->entries[sec->count].e = *e;
    sec->count++;
    return true;
}

/* Reads "xref" subsections and the trailer dictionary at `off` (§7.5.4, §7.5.5). */
ks_status ks_xref_read_table(ks_pdf_doc *doc, uint64_t off, ks_xsection *sec, ks_error *err)
{
    ks_cur c = {doc->data, doc->len, (size_t)off, 0, true};
    c.pos += 4; /* "xref", checked by the caller */
    sec->kind = KS_PDF_XREF_TABLE;
    for (;;) {
        if (ks_lex_peek_keyword(&c, "trailer"))
            break;
        uint64_t first, count;
        ks_lex_skip_ws(&c);
        size_t sub_at = c.pos;
        if (!ks_lex_uint(&c, &first) || !ks_lex_uint(&c, &count))
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: malformed xref subsection header at byte offset %zu"),
                                doc->name, sub_at);
        if (first > KS_PDF_MAX_OBJECTS || count > KS_PDF_MAX_OBJECTS - first)
            return ks_error_set(err, KS_E_LIMIT,
                                N_("%s: xref subsection %llu %llu at byte offset %zu exceeds "
                                   "the object limit"),
                                doc->name, (unsigned long long)first, (unsigned long long)count,
                                sub_at);
        /* Entries are 20 bytes each; a count larger than the bytes left is a lie. */
        if (count > (doc->len - c.pos) / 18 + 1)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("%s: xref subsection at byte offset %zu claims %llu entries, "
                                   "more than the file holds"),
                                doc->name, sub_at, (unsigned long long)count);
        for (uint64_t k = 0; k < count; k++) {
            uint64_t o, g;
            ks_lex_skip_ws(&c);
            size_t at = c.pos;
            if (!ks_lex_uint(&c, &o) || !ks_lex_uint(&c, &g) || (g > 65535 && o != 0))
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("%s: malformed xref entry for object %llu at byte offset "
                                       "%zu"),
                                    doc->name, (unsigned long long)(first + k), at);
            ks_lex_skip_ws(&c);
            uint8_t t = c.pos < c.len ? c.p[c.pos] : 0;
            if ((t != 'n' && t != 'f') || (c.pos + 1 < c.len && ks_pdf_is_regular(c.p[c.pos + 1])))
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("%s: malformed xref entry for object %llu at byte offset "
                                       "%zu"),
                                    doc->name, (unsigned long long)(first + k), at);
            c.pos++;
            ks_xentry e = {0};
            e.type = t == 'n' ? KS_XE_INUSE : KS_XE_FREE;
            e.gen = g > 65535 ? 65535 : (uint16_t)g; /* "0 65536 n" (pdftk): a free slot */
            e.off = o;
            /* ISO 32000-2 §7.5.4: an in-use entry with offset 0 is not a real object. */
            if (e.type == KS_XE_INUSE && o == 0)
                e.type = KS_XE_FREE;
            if (!ks_xsec_add(sec, (uint32_t)(first + k), &e))
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        }
    }
    ks_lex_skip_ws(&c);
    c.pos += 7;
    ks_pdf_obj *tr;
    ks_status st = ks_parse_object(doc, &c, 0, &tr, err);
    if (st)
        return st;
    if (tr->type != KS_PDF_DICT)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: trailer at byte offset %llu is not a dictionary"), doc->name,
                            (unsigned long long)tr->start);
    sec->trailer = tr;
    sec->end = c.pos;
    return KS_OK;
}

static bool find_backwards(const ks_pdf_doc *doc, const char *needle, size_t window, size_t *at)
{
    size_t n = strlen(needle);
    if (doc->len < n)
        return false;
    size_t lo = doc->len > window ? doc->len - window : 0;
    for (size_t i = doc->len - n + 1; i-- > lo;) {
        if (doc->data[i] == (uint8_t)needle[0] && memcmp(doc->data + i, needle, n) == 0) {
            *at = i;
            return true;
        }
    }
    return false;
}

/* Offset just past the first "%%EOF" (and its EOL) at or after `from`; 0 if none. */
static uint64_t eof_after(const ks_pdf_doc *doc, uint64_t from)
{
    const uint8_t *p = doc->data;
    for (size_t i = (size_t)from; i + 5 <= doc->len; i++) {
        if (p[i] == '%' && memcmp(p + i, "%%EOF", 5) == 0) {
            size_t e = i + 5;
            if (e < doc->len && p[e] == '\r')
                e++;
            if (e < doc->len && p[e] == '\n')
                e++;
            return e;
        }
    }
    return 0;
}

static ks_status read_section(ks_pdf_doc *doc, uint64_t off, ks_xsection *sec, ks_error *err)
{
    sec->offset = off;
    if (off >= doc->len)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: xref offset %llu is past the end of the file (%zu bytes)"),
                            doc->name, (unsigned long long)off, doc->len);
    if (doc->len - off >= 4 && memcmp(doc->data + off, "xref", 4) == 0) {
        ks_status st = ks_xref_read_table(doc, off, sec, err);
        if (st)
            return st;
        ks_pdf_obj *xs = ks_pdf_dict_get(sec->trailer, "XRefStm");
        if (xs && xs->type == KS_PDF_INT && xs->u.i >= 0) {
            /* Hybrid file (§7.5.8.4): the stream's entries fill in what the table lacks. */
            ks_xsection hs = {0};
            uint64_t xoff = (uint64_t)xs->u.i, near;
            if (!ks_xref_lands(doc, xoff, false) && ks_xref_near(doc, xoff, false, &near)) {
                if (!ks_pdf_warn(doc,
                                 N_("%s: /XRefStm %llu of the xref section at byte offset %llu "
                                    "is not an xref stream; using the one at byte offset %llu"),
                                 doc->name, (unsigned long long)xoff, (unsigned long long)off,
                                 (unsigned long long)near))
                    return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                xoff = near;
            }
            st = ks_xref_read_stream(doc, xoff, &hs, err);
            if (!st) {
                for (size_t i = 0; i < hs.count && !st; i++) {
                    ks_xentry e = hs.entries[i].e;
                    e.rev = -2; /* weak: does not override the table's in-use entries */
                    if (!ks_xsec_add(sec, hs.entries[i].num, &e))
                        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
                }
            }
            free(hs.entries);
            if (st) {
                ks_error_prefix(err, N_("reading /XRefStm of the trailer at byte offset %llu: "),
                                (unsigned long long)off);
                return st;
            }
            sec->kind = KS_PDF_XREF_HYBRID;
        }
        return KS_OK;
    }
    return ks_xref_read_stream(doc, off, sec, err);
}

static ks_status find_startxref(ks_pdf_doc *doc, uint64_t *out, ks_error *err)
{
    size_t at;
    if (!find_backwards(doc, "startxref", 4096, &at))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: no \"startxref\" in the last 4096 bytes of the file (from "
                               "byte offset %zu to its end at %zu): the file is cut short, "
                               "damaged or not a PDF"),
                            doc->name, doc->len > 4096 ? doc->len - 4096 : (size_t)0, doc->len);
    ks_cur c = {doc->data, doc->len, at + 9, 0, true};
    uint64_t v;
    if (!ks_lex_uint(&c, &v))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: \"startxref\" at byte offset %zu is not followed by an offset"),
                            doc->name, at);
    while (c.pos < c.len && ks_pdf_is_ws(c.p[c.pos]))
        c.pos++; /* not ks_lex_skip_ws: "%%EOF" would be skipped as a comment */
    if (c.len - c.pos < 5 || memcmp(c.p + c.pos, "%%EOF", 5) != 0)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: no \"%%%%EOF\" after startxref %llu"),
                            doc->name, (unsigned long long)v);
    *out = v;
    return KS_OK;
}

static ks_status group_revisions(ks_pdf_doc *doc, ks_error *err)
{
    doc->revs = calloc(doc->nsecs, sizeof *doc->revs);
    if (!doc->revs)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    /* secs are newest first; walk oldest first. A /Prev that points forward in the file marks
     * the first-page section of a linearized file (§F.3): it and the section it points to form
     * one revision. */
    size_t k = doc->nsecs;
    while (k > 0) {
        size_t oldest = k - 1;
        size_t newest = oldest;
        if (newest > 0 && doc->secs[newest - 1].offset < doc->secs[newest].offset)
            newest--;
        ks_rev *r = &doc->revs[doc->nrevs++];
        r->first_sec = newest;
        r->nsec = oldest - newest + 1;
        r->trailer = doc->secs[newest].trailer;
        r->pub.startxref = doc->secs[newest].offset;
        r->pub.kind = doc->secs[newest].kind;
        uint64_t end = 0;
        uint32_t objs = 0;
        for (size_t s = newest; s <= oldest; s++) {
            if (doc->secs[s].end > end)
                end = doc->secs[s].end;
            objs += (uint32_t)doc->secs[s].count;
        }
        r->pub.objects = objs;
        uint64_t e = eof_after(doc, end);
        if (!e) {
            if (doc->opts.mode != KS_PDF_REPAIR)
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("%s: no \"%%%%EOF\" after the xref section at byte "
                                       "offset %llu"),
                                    doc->name, (unsigned long long)r->pub.startxref);
            e = doc->len;
        }
        r->pub.eof_end = e;
        k = newest;
    }
    return KS_OK;
}

/* Bytes after the newest revision's %%EOF (other than white space) belong to no revision: the
 * file was cut inside an update that the finder of "startxref" stepped over, or something was
 * appended that viewers scanning the end of the file may read as an update. Recorded (and listed
 * as a warning) so that nobody reads such a file as complete; ks_pdf_trailing reports it. */
static ks_status check_tail(ks_pdf_doc *doc, ks_error *err)
{
    if (doc->nrevs == 0)
        return KS_OK;
    uint64_t end = doc->revs[doc->nrevs - 1].pub.eof_end;
    uint64_t i = end;
    while (i < doc->len && ks_pdf_is_ws(doc->data[i]))
        i++;
    if (i >= doc->len)
        return KS_OK;
    doc->tail_off = i;
    doc->tail_len = doc->len - i;
    if (!ks_pdf_warn(doc,
                     N_("%s: %llu bytes after the last %%%%EOF (from byte offset %llu) belong to "
                        "no revision and were skipped: the file was cut inside an update or has "
                        "bytes appended"),
                     doc->name, (unsigned long long)doc->tail_len, (unsigned long long)i))
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    return KS_OK;
}

ks_status ks_xref_load(ks_pdf_doc *doc, ks_error *err)
{
    uint64_t off = 0;
    ks_status st = find_startxref(doc, &off, err);
    if (st)
        return st;
    size_t cap = 0;
    uint64_t near;
    if (!ks_xref_lands(doc, off, true) && ks_xref_near(doc, off, true, &near)) {
        if (!ks_pdf_warn(doc,
                         N_("%s: startxref %llu does not point at an xref section; using the one "
                            "at byte offset %llu"),
                         doc->name, (unsigned long long)off, (unsigned long long)near))
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        off = near;
    }
    for (;;) {
        for (size_t i = 0; i < doc->nsecs; i++)
            if (doc->secs[i].offset == off)
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("%s: /Prev chain loops back to the xref section at byte "
                                       "offset %llu"),
                                    doc->name, (unsigned long long)off);
        if (doc->nsecs >= KS_PDF_MAX_REVISIONS)
            return ks_error_set(err, KS_E_LIMIT, N_("%s: more than %d xref sections"), doc->name,
                                KS_PDF_MAX_REVISIONS);
        if (doc->nsecs == cap) {
            cap = cap ? cap * 2 : 4;
            ks_xsection *n = realloc(doc->secs, cap * sizeof *n);
            if (!n)
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            doc->secs = n;
        }
        ks_xsection *sec = &doc->secs[doc->nsecs];
        memset(sec, 0, sizeof *sec);
        doc->nsecs++;
        st = read_section(doc, off, sec, err);
        if (st)
            return st;
        ks_pdf_obj *sz = ks_pdf_dict_get(sec->trailer, "Size");
        if (sz && sz->type == KS_PDF_INT && sz->u.i > 0)
            sec->size = (uint64_t)sz->u.i;
        ks_pdf_obj *prev = ks_pdf_dict_get(sec->trailer, "Prev");
        if (!prev)
            break;
        bool valid = prev->type == KS_PDF_INT && prev->u.i > 0 && (uint64_t)prev->u.i < doc->len;
        if (valid && ks_xref_lands(doc, (uint64_t)prev->u.i, true)) {
            off = (uint64_t)prev->u.i;
            continue;
        }
        uint64_t eof, stated;
        if (valid && ks_xref_near(doc, (uint64_t)prev->u.i, true, &near)) {
            if (!ks_pdf_warn(doc,
                             N_("%s: /Prev %llu of the xref section at byte offset %llu does not "
                                "point at an xref section; using the one at byte offset %llu"),
                             doc->name, (unsigned long long)prev->u.i, (unsigned long long)off,
                             (unsigned long long)near))
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            off = near;
        } else if (ks_xref_earlier(doc, off, &near, &eof, &stated)) {
            if (near != stated &&
                !ks_pdf_warn(doc,
                             N_("%s: startxref %llu of the revision that ends with \"%%%%EOF\" at "
                                "byte offset %llu does not point at its xref section, which is "
                                "at byte offset %llu"),
                             doc->name, (unsigned long long)stated, (unsigned long long)eof,
                             (unsigned long long)near))
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            if (!ks_pdf_warn(doc,
                             N_("%s: /Prev of the xref section at byte offset %llu is not a valid "
                                "offset; following the revision that ends with \"%%%%EOF\" at byte "
                                "offset %llu (xref section at byte offset %llu)"),
                             doc->name, (unsigned long long)off, (unsigned long long)eof,
                             (unsigned long long)near))
                return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            off = near;
        } else if (valid) {
            off = (uint64_t)prev->u.i; /* fails below with the precise reason */
        } else {
            return ks_error_set(
                err, KS_E_FORMAT,
                N_("%s: /Prev of the xref section at byte offset %llu is not a valid "
                   "offset"),
                doc->name, (unsigned long long)off);
        }
    }
    st = group_revisions(doc, err);
    if (st)
        return st;
    return check_tail(doc, err);
}

ks_status ks_xref_build_map(ks_pdf_doc *doc, size_t last, ks_error *err)
{
    uint64_t n = 1;
    for (size_t r = 0; r <= last; r++) {
        const ks_rev *rv = &doc->revs[r];
        for (size_t s = rv->first_sec; s < rv->first_sec + rv->nsec; s++) {
            const ks_xsection *sec = &doc->secs[s];
            if (sec->size > n)
                n = sec->size;
            for (size_t i = 0; i < sec->count; i++)
                if ((uint64_t)sec->entries[i].num + 1 > n)
                    n = (uint64_t)sec->entries[i].num + 1;
        }
    }
    if (n > KS_PDF_MAX_OBJECTS)
        return ks_error_set(err, KS_E_LIMIT, N_("%s: /Size %llu exceeds the limit of %d objects"),
                            doc->name, (unsigned long long)n, KS_PDF_MAX_OBJECTS);
    if (doc->slots)
        ks_budget_credit(doc, (size_t)doc->nslots * sizeof *doc->slots);
    free(doc->slots);
    doc->slots = NULL;
    doc->nslots = 0;
    ks_status bst =
        ks_budget_charge(doc, (size_t)n * sizeof *doc->slots, "building the object map", err);
    if (bst)
        return bst;
    doc->slots = calloc((size_t)n, sizeof *doc->slots);
    if (!doc->slots)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    doc->nslots = (uint32_t)n;
    for (size_t r = 0; r <= last; r++) {
        const ks_rev *rv = &doc->revs[r];
        /* inside a revision, older sections first (secs are newest first) */
        for (size_t s = rv->first_sec + rv->nsec; s-- > rv->first_sec;) {
            const ks_xsection *sec = &doc->secs[s];
            for (size_t i = 0; i < sec->count; i++) {
                ks_slot *sl = &doc->slots[sec->entries[i].num];
                ks_xentry e = sec->entries[i].e;
                if (e.rev == -2 && sl->e.rev == (int32_t)r && sl->e.type == KS_XE_INUSE)
                    continue;
                e.rev = (int32_t)r;
                sl->e = e;
            }
        }
    }
    doc->trailer = doc->revs[last].trailer;
    return KS_OK;
}
