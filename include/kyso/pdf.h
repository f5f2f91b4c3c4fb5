/* kyso — the PDF layer: a strict, lazy parser that keeps every revision, an append-only
 * incremental writer, object serialisation, stream filters and page text extraction.
 *
 * The layer knows nothing of signatures or certificates. All objects returned by the parser
 * live in the document's arena and stay valid until ks_pdf_close(). */
#ifndef KYSO_PDF_H
#define KYSO_PDF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"
#include "kyso/util.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits (documented; hostile files fail with KS_E_LIMIT) ---- */
#define KS_PDF_MAX_DEPTH 64          /* nesting of arrays/dictionaries */
#define KS_PDF_MAX_OBJECTS 8000000   /* highest object number accepted */
#define KS_PDF_MAX_REVISIONS 4096    /* /Prev hops and revisions */
#define KS_PDF_MAX_STREAM (1u << 30) /* decoded stream bytes */
#define KS_PDF_MAX_PAGES 1000000

/* ---- objects ---- */
typedef enum ks_pdf_type {
    KS_PDF_NULL = 0,
    KS_PDF_BOOL,
    KS_PDF_INT,
    KS_PDF_REAL,
    KS_PDF_NAME,
    KS_PDF_STRING,
    KS_PDF_ARRAY,
    KS_PDF_DICT,
    KS_PDF_STREAM,
    KS_PDF_REF,
} ks_pdf_type;

typedef struct ks_pdf_obj ks_pdf_obj;

typedef struct ks_pdf_ref {
    uint32_t num;
    uint16_t gen;
} ks_pdf_ref;

typedef struct ks_pdf_dict_entry {
    const char *key; /* name without '/', #xx escapes decoded, NUL-terminated */
    ks_pdf_obj *value;
} ks_pdf_dict_entry;

struct ks_pdf_obj {
    ks_pdf_type type;
    union {
        bool b;
        int64_t i;
        double r;
        struct {
            const char *s; /* decoded, NUL-terminated */
            size_t len;
        } name;
        struct {
            uint8_t *data; /* decoded (escapes, hex, decryption applied), NUL-terminated */
            size_t len;
            bool hex; /* written as <...> in the file */
        } str;
        struct {
            ks_pdf_obj **items;
            size_t len;
        } arr;
        struct {
            ks_pdf_dict_entry *entries;
            size_t len;
        } dict;
        struct {
            ks_pdf_obj *dict;  /* the stream dictionary */
            uint64_t data_off; /* offset of the raw (encoded) data in its source */
            uint64_t data_len;
            const uint8_t *src; /* raw data start (file mapping or object-stream buffer) */
            uint32_t obj_num;   /* indirect object that holds the stream (for decryption) */
            uint16_t obj_gen;
        } stream;
        ks_pdf_ref ref;
    } u;
    /* Byte span of this object's token(s) in the file: [start, end). For objects inside an
     * object stream both are 0. For strings, `start` is the offset of '<' or '('. */
    uint64_t start, end;
};

/* ---- documents and revisions ---- */
typedef struct ks_pdf_doc ks_pdf_doc;

typedef enum ks_pdf_xref_kind {
    KS_PDF_XREF_TABLE = 0,
    KS_PDF_XREF_STREAM,
    KS_PDF_XREF_HYBRID, /* table with /XRefStm */
    KS_PDF_XREF_REBUILT /* repair mode: rebuilt by scanning */
} ks_pdf_xref_kind;

typedef struct ks_pdf_revision {
    uint64_t startxref; /* offset of this revision's xref section */
    uint64_t eof_end;   /* offset just past this revision's "%%EOF" (and its EOL) */
    ks_pdf_xref_kind kind;
    uint32_t objects; /* entries defined in this revision's section */
} ks_pdf_revision;

typedef enum ks_pdf_mode {
    KS_PDF_STRICT = 0, /* default: any malformed structure is an error */
    KS_PDF_REPAIR = 1, /* rebuild a damaged xref by scanning (signing only, never verifying) */
} ks_pdf_mode;

/* One memory budget per document: everything the PDF layer holds or decodes for it (parsed
 * objects, decoded streams, object-stream caches, the object map), its revision views included.
 * Past it a call fails with KS_E_LIMIT naming the budget, never with a machine out of memory. */
#define KS_PDF_DEFAULT_MEM_BUDGET ((size_t)256 << 20)

typedef struct ks_pdf_open_opts {
    ks_pdf_mode mode;
    const char *password; /* user or owner password; NULL = try the empty password */
    size_t mem_budget;    /* bytes; 0 = KS_PDF_DEFAULT_MEM_BUDGET */
} ks_pdf_open_opts;

/* Opens `path` (memory-mapped; only the trailer chain and xref are read now). `opts` may be NULL.
 * Errors: KS_E_IO, KS_E_FORMAT (with byte offset), KS_E_LIMIT, KS_E_PASSWORD. */
ks_status ks_pdf_open(const char *path, const ks_pdf_open_opts *opts, ks_pdf_doc **out,
                      ks_error *err);
/* Same over a caller-owned buffer that must outlive the document. `name` is used in messages. */
ks_status ks_pdf_open_mem(const uint8_t *data, size_t len, const char *name,
                          const ks_pdf_open_opts *opts, ks_pdf_doc **out, ks_error *err);
void ks_pdf_close(ks_pdf_doc *doc); /* NULL is a no-op */

/* The bytes of the whole file (borrowed from the document). */
const uint8_t *ks_pdf_data(const ks_pdf_doc *doc, size_t *len);
const char *ks_pdf_name(const ks_pdf_doc *doc);
ks_arena *ks_pdf_arena(ks_pdf_doc *doc);

/* Header version, e.g. "1.7"; the catalog /Version if later is reported separately. */
const char *ks_pdf_header_version(const ks_pdf_doc *doc);
const char *ks_pdf_catalog_version(ks_pdf_doc *doc); /* NULL when absent */

/* Revisions, oldest first. Index n-1 is the latest. Borrowed. */
size_t ks_pdf_revision_count(const ks_pdf_doc *doc);
const ks_pdf_revision *ks_pdf_revision_at(const ks_pdf_doc *doc, size_t i);
/* Opens the document as it was at revision `i` (objects and trailer of revisions 0..i only):
 * a view sharing the same bytes, to be closed with ks_pdf_close before `doc` is. The view is
 * kept by `doc` and given again to the next caller asking for revision `i`, with the objects
 * parsed so far (each object is parsed once per revision, whoever compares revisions); it is
 * freed with `doc`. Treat its objects as read-only. */
ks_status ks_pdf_open_revision(ks_pdf_doc *doc, size_t i, ks_pdf_doc **out, ks_error *err);
/* The revision (index) in which object `num` was last defined, or -1 if it is not defined. */
long ks_pdf_object_revision(const ks_pdf_doc *doc, uint32_t num);
/* What the xref entry of object `num` in this view points at (ISO 32000-2 §7.5.4, §7.5.8). */
typedef struct ks_pdf_entry_info {
    int kind;          /* 0: not defined or free, 1: at a byte offset, 2: in an object stream */
    long revision;     /* revision (index) whose section gave the entry, -1 when none */
    uint16_t gen;      /* generation the entry states */
    uint64_t offset;   /* kind 1: the byte offset the xref states; kind 2: the stream's number */
    bool header_ok;    /* kind 1: "num gen obj" begins at that offset */
    bool other_header; /* kind 1: another object's header "M G obj" begins there instead */
    bool relocated;    /* kind 1: the object was found by its header at found_offset */
    uint64_t found_offset;
    uint32_t other_num;
    uint16_t other_gen;
} ks_pdf_entry_info;
/* Fills `out` for object `num` of `doc` (a document or a revision view). */
void ks_pdf_entry(const ks_pdf_doc *doc, uint32_t num, ks_pdf_entry_info *out);
/* Limits the strict-mode recovery of objects whose xref offset misses their header (located by
 * scanning their revision) to revisions 0..`last`: a verifier calls it with the revision of the
 * first signature, so that in later revisions such an entry stays a fault that it reports.
 * Objects of later revisions already relocated are put back to their stated offset. Views
 * opened from `doc` afterwards follow the same limit. */
void ks_pdf_limit_recovery(ks_pdf_doc *doc, size_t last);
/* Highest object number + 1 in the current xref (the /Size to continue from). */
uint32_t ks_pdf_xref_size(const ks_pdf_doc *doc);

/* Was the file repaired (KS_PDF_REPAIR found damage)? */
bool ks_pdf_was_repaired(const ks_pdf_doc *doc);
/* Warnings: deviations that strict mode accepted because they are unambiguous, in the order met:
 * a startxref, /Prev or /XRefStm offset that misses its section while exactly one section start
 * lies within 64 bytes (that one is used), and a /Prev that is invalid or misses while the
 * bytes before the section end with an earlier revision's "startxref N %%EOF" (its section is
 * used). Each is a ks_error with status KS_OK: msg_en is the English text, msg its translation
 * in the catalogue language at open time; both name the byte offsets. A file that needs more
 * than 64 such recoveries fails in strict mode. In repair mode, a rebuilt xref drops them.
 * Revision views share the warnings of the document they come from. */
size_t ks_pdf_warning_count(const ks_pdf_doc *doc);
/* Bytes after the newest revision's %%EOF that are not white space (0: none), and where they
 * start: a cut or appended tail that no revision accounts for (also one of the warnings). */
uint64_t ks_pdf_trailing(const ks_pdf_doc *doc, uint64_t *off);
const ks_error *ks_pdf_warning(const ks_pdf_doc *doc, size_t i);

/* Trailer of the latest revision (for xref streams: the stream's dictionary). Borrowed. */
ks_pdf_obj *ks_pdf_trailer(ks_pdf_doc *doc);
/* Trailer dictionary of revision i. */
ks_pdf_obj *ks_pdf_revision_trailer(ks_pdf_doc *doc, size_t i);

/* Loads indirect object `num gen` (from the file or an object stream) and returns it; a free or
 * missing object yields the null object (ISO 32000-2 §7.3.10). Errors: KS_E_FORMAT, KS_E_LIMIT. */
ks_status ks_pdf_get(ks_pdf_doc *doc, uint32_t num, uint16_t gen, ks_pdf_obj **out, ks_error *err);
/* Follows references until a direct object (bounded). Returns the null object on failure and
 * records the error in `err` when given. Never returns NULL for a non-NULL input. */
ks_pdf_obj *ks_pdf_resolve(ks_pdf_doc *doc, ks_pdf_obj *obj, ks_error *err);

/* Dictionary lookup (works on a stream's dictionary too). NULL when absent. Does not resolve. */
ks_pdf_obj *ks_pdf_dict_get(const ks_pdf_obj *dict, const char *key);
/* Lookup + resolve. NULL when absent. */
ks_pdf_obj *ks_pdf_dict_getr(ks_pdf_doc *doc, const ks_pdf_obj *dict, const char *key);
/* Typed helpers; return false when the value is absent or of another type. */
bool ks_pdf_get_int(const ks_pdf_obj *o, int64_t *v);
bool ks_pdf_get_num(const ks_pdf_obj *o, double *v); /* int or real */
bool ks_pdf_is_name(const ks_pdf_obj *o, const char *name);

/* Decodes a stream's data through its /Filter chain (FlateDecode with predictors,
 * ASCIIHexDecode, ASCII85Decode, LZWDecode, RunLengthDecode; decryption first when the file is
 * encrypted). Image-only filters (DCT, JPX, CCITT, JBIG2) return KS_E_FORMAT. The result is
 * malloc'd (caller frees) and bounded by KS_PDF_MAX_STREAM. */
ks_status ks_pdf_stream_decode(ks_pdf_doc *doc, const ks_pdf_obj *stream, uint8_t **data,
                               size_t *len, ks_error *err);
/* Frees what ks_pdf_stream_decode returned and gives its bytes back to the document's memory
 * budget (plain free() also works, but the bytes stay counted until the document closes). */
void ks_pdf_stream_release(ks_pdf_doc *doc, uint8_t *data, size_t len);
/* KS_E_LIMIT with the budget's message when the document ever went over its memory budget
 * (work stops there; lookups that swallow errors then see missing objects, so a caller that
 * gets any error or an odd result asks this first), else KS_OK. */
ks_status ks_pdf_budget_error(const ks_pdf_doc *doc, ks_error *err);
/* Bytes of the document's memory budget in use now, and at most (for reports and tests). */
size_t ks_pdf_mem_used(const ks_pdf_doc *doc);
size_t ks_pdf_mem_budget(const ks_pdf_doc *doc);

/* A text string (ISO 32000-2 §7.9.2.2: UTF-16BE or UTF-8 with BOM, else PDFDocEncoding) as a
 * malloc'd NUL-terminated UTF-8 string (caller frees). NULL when `s` is not a string. */
char *ks_pdf_string_utf8(const ks_pdf_obj *s);

/* ---- catalog and pages ---- */
ks_pdf_obj *ks_pdf_catalog(ks_pdf_doc *doc); /* NULL if missing */
ks_status ks_pdf_page_count(ks_pdf_doc *doc, size_t *count, ks_error *err);
/* Page `index` (0-based): its dictionary and reference. Walks the page tree with cycle and depth
 * checks. */
ks_status ks_pdf_page(ks_pdf_doc *doc, size_t index, ks_pdf_obj **page, ks_pdf_ref *ref,
                      ks_error *err);
/* An inheritable page attribute (Resources, MediaBox, CropBox, Rotate), resolved. NULL if none. */
ks_pdf_obj *ks_pdf_page_attr(ks_pdf_doc *doc, ks_pdf_obj *page, const char *key);

typedef struct ks_pdf_rect {
    double x0, y0, x1, y1; /* normalised: x0 <= x1, y0 <= y1 */
} ks_pdf_rect;

/* MediaBox, CropBox (defaults to MediaBox, clipped to it) and /Rotate (0, 90, 180, 270). */
ks_status ks_pdf_page_geometry(ks_pdf_doc *doc, ks_pdf_obj *page, ks_pdf_rect *media,
                               ks_pdf_rect *crop, int *rotate, ks_error *err);

/* ---- form fields ---- */
typedef struct ks_pdf_sig_field {
    const char *name;     /* fully qualified field name (parent.child), UTF-8, in the doc arena */
    ks_pdf_ref ref;       /* the field's object */
    ks_pdf_obj *field;    /* the field dictionary (borrowed) */
    ks_pdf_obj *value;    /* resolved /V signature dictionary, NULL for an empty field */
    ks_pdf_ref value_ref; /* /V reference (num 0 when /V is direct or absent) */
    bool has_byte_range;
    int64_t byte_range[4];
    const char *subfilter; /* /SubFilter name or NULL */
    const char *type;      /* /Type of /V ("Sig", "DocTimeStamp") or NULL */
} ks_pdf_sig_field;

/* One node of the field tree as ks_pdf_field_walk meets it. */
#define KS_PDF_MAX_FIELD_DEPTH 64     /* nesting of the field tree */
#define KS_PDF_MAX_FIELD_NODES 200000 /* fields and widgets visited by one walk */
typedef struct ks_pdf_field_node {
    ks_pdf_ref ref;    /* the node's object (num 0 when the node is a direct dictionary) */
    ks_pdf_obj *dict;  /* the field or widget dictionary (borrowed) */
    const char *name;  /* fully qualified name (ISO 32000-2 §12.7.4.2), UTF-8, doc arena */
    bool partial;      /* the node has its own /T */
    ks_pdf_ref parent; /* the parent node's object (num 0 at the top) */
    int depth;         /* 0 for /Fields entries */
    bool is_sig;       /* /FT /Sig, inherited */
    ks_pdf_obj *value; /* /V (raw), inherited from the parent when absent; NULL when none */
    bool terminal;     /* no kid has a /T: a terminal field (its kids are widgets) */
    bool widget;       /* no /T under a terminal field: a widget of that field */
} ks_pdf_field_node;
typedef ks_status (*ks_pdf_field_fn)(void *ctx, const ks_pdf_field_node *node, ks_error *err);

/* Walks the catalog's /AcroForm /Fields tree depth-first, fields and their widgets, calling
 * `fn` for every node (parents before kids). A node reached a second time (a /Kids loop) is
 * skipped and recorded once as a document warning, not an error. More than
 * KS_PDF_MAX_FIELD_DEPTH levels or KS_PDF_MAX_FIELD_NODES nodes fail with KS_E_LIMIT; a
 * non-OK status from `fn` stops the walk and is returned. The one field walker of kyso. */
ks_status ks_pdf_field_walk(ks_pdf_doc *doc, ks_pdf_field_fn fn, void *ctx, ks_error *err);

/* Lists the signature fields (/FT /Sig, inherited) of the catalog's /AcroForm /Fields tree, in
 * tree order, with and without a value. `*out` is malloc'd (free with free()); strings and
 * objects are borrowed from the document. Walks with ks_pdf_field_walk (a loop is a warning). No
 * /AcroForm gives zero fields. */
ks_status ks_pdf_sig_fields(ks_pdf_doc *doc, ks_pdf_sig_field **out, size_t *count, ks_error *err);

/* ---- encryption ---- */
typedef struct ks_pdf_encryption {
    bool encrypted;
    int v, r, length_bits; /* /V, /R, key length */
    int64_t p;             /* /P permissions */
    const char *method;    /* "RC4", "AESV2", "AESV3", "none" */
    bool user_password_empty;
} ks_pdf_encryption;
void ks_pdf_get_encryption(const ks_pdf_doc *doc, ks_pdf_encryption *out);

/* ---- the facts `kyso pdf info` shows, as a model (for the CLI, kysod and tests) ---- */
typedef struct ks_pdf_page_info {
    double width_pt, height_pt; /* of the crop box */
    int rotate;
} ks_pdf_page_info;

typedef struct ks_pdf_info_field {
    ks_pdf_sig_field f;   /* borrowed strings and objects, from the document */
    long covers_revision; /* 0-based revision whose %%EOF ends the signed range, or -1 */
} ks_pdf_info_field;

typedef struct ks_pdf_info {
    size_t size;                           /* bytes */
    const char *version, *catalog_version; /* borrowed; catalog_version may be NULL */
    bool repaired;
    size_t npages;
    ks_pdf_page_info *pages;
    ks_pdf_encryption encryption;
    char *producer, *creator, *title; /* UTF-8 or NULL */
    size_t nfields;
    ks_pdf_info_field *fields;
} ks_pdf_info;

/* Fills `out` from an open document (warnings and revisions stay with the document:
 * ks_pdf_warning, ks_pdf_revision_at). Free with ks_pdf_info_free before closing `doc`. */
ks_status ks_pdf_info_get(ks_pdf_doc *doc, ks_pdf_info *out, ks_error *err);
void ks_pdf_info_free(ks_pdf_info *info);
/* Appends the JSON object of docs/pdf-info-json.md (contract), with "file" = `name`. */
bool ks_pdf_info_json(ks_pdf_doc *doc, const ks_pdf_info *info, const char *name, ks_buf *out);

/* ---- serialisation and object construction ---- */
/* Appends `obj` in PDF syntax (names escaped, strings as literal or hex, reals without
 * exponent). Streams are not serialised by this function (KS_E_USAGE). */
ks_status ks_pdf_serialize(ks_buf *out, const ks_pdf_obj *obj, ks_error *err);

/* Builders allocate in `arena`. Dictionaries keep insertion order. */
ks_pdf_obj *ks_pdf_new_null(ks_arena *a);
ks_pdf_obj *ks_pdf_new_bool(ks_arena *a, bool v);
ks_pdf_obj *ks_pdf_new_int(ks_arena *a, int64_t v);
ks_pdf_obj *ks_pdf_new_real(ks_arena *a, double v);
ks_pdf_obj *ks_pdf_new_name(ks_arena *a, const char *name);
ks_pdf_obj *ks_pdf_new_string(ks_arena *a, const uint8_t *data, size_t len, bool hex);
ks_pdf_obj *ks_pdf_new_ref(ks_arena *a, uint32_t num, uint16_t gen);
ks_pdf_obj *ks_pdf_new_array(ks_arena *a);
ks_pdf_obj *ks_pdf_new_dict(ks_arena *a);
bool ks_pdf_array_push(ks_arena *a, ks_pdf_obj *arr, ks_pdf_obj *item);
/* Sets or replaces `key`. */
bool ks_pdf_dict_put(ks_arena *a, ks_pdf_obj *dict, const char *key, ks_pdf_obj *value);
bool ks_pdf_dict_del(ks_pdf_obj *dict, const char *key);
/* Shallow copy of a dictionary or array (entries shared), for editing a parsed object. */
ks_pdf_obj *ks_pdf_copy(ks_arena *a, const ks_pdf_obj *obj);

/* ---- incremental update (append-only writer) ---- */
typedef struct ks_pdf_update ks_pdf_update;

/* Starts a new revision on top of the document's latest one. */
ks_status ks_pdf_update_new(ks_pdf_doc *doc, ks_pdf_update **out, ks_error *err);
void ks_pdf_update_free(ks_pdf_update *u);
/* Reserves a fresh object number (continuing from the xref /Size). */
uint32_t ks_pdf_update_alloc(ks_pdf_update *u);
/* Adds or replaces object `num gen` with a direct object (serialised with ks_pdf_serialize). */
ks_status ks_pdf_update_put(ks_pdf_update *u, uint32_t num, uint16_t gen, const ks_pdf_obj *obj,
                            ks_error *err);
/* Adds or replaces object `num gen` with raw bytes that go between "num gen obj\n" and
 * "\nendobj" verbatim (e.g. a dictionary with a /Contents placeholder, or a stream).
 * If the document is encrypted, the caller is responsible for any strings inside. */
ks_status ks_pdf_update_put_raw(ks_pdf_update *u, uint32_t num, uint16_t gen, const uint8_t *body,
                                size_t len, ks_error *err);
/* Appends to `out` the string `data` written as it must appear inside object `num gen` of the
 * update: encrypted for that object and hex-encoded when the document is encrypted, else a hex
 * string. For building put_raw bodies (e.g. a signature dictionary's /M or /Name); the
 * signature's /Contents itself is never encrypted (ISO 32000-2 §7.6.2). */
ks_status ks_pdf_update_string(ks_pdf_update *u, uint32_t num, uint16_t gen, const uint8_t *data,
                               size_t len, ks_buf *out, ks_error *err);
/* Adds a stream object: `dict` (without /Length; it is set) and the already-encoded `data`.
 * The caller sets /Filter in `dict` if `data` is compressed. Encrypts when the file is. */
ks_status ks_pdf_update_put_stream(ks_pdf_update *u, uint32_t num, uint16_t gen,
                                   const ks_pdf_obj *dict, const uint8_t *data, size_t len,
                                   ks_error *err);
/* Replaces the catalog /Root reference target is not needed: put the new catalog under the same
 * number. Extra trailer keys (e.g. none usually) may be set here. */
ks_status ks_pdf_update_trailer_put(ks_pdf_update *u, const char *key, const ks_pdf_obj *value,
                                    ks_error *err);
/* Produces the bytes of the new revision (objects, xref section of the same kind as the file's
 * last one, trailer with /Prev and /ID kept, startxref, %%EOF) into `out`. The bytes are meant
 * to be appended to the original file unchanged. */
ks_status ks_pdf_update_finish(ks_pdf_update *u, ks_buf *out, ks_error *err);
/* After finish: absolute file offset where object `num` starts ("num gen obj") in the updated
 * file, or 0 if it is not part of the update. */
uint64_t ks_pdf_update_offset(const ks_pdf_update *u, uint32_t num);
/* Convenience: original bytes + update written atomically to `path`. */
ks_status ks_pdf_update_write_file(ks_pdf_update *u, const char *path, ks_error *err);

/* ---- new documents and page extracts (newdoc.c) ---- */
/* The object number of a new document's page tree. */
#define KS_PDF_NEWDOC_PAGES 2u
/* Appends to `seed` the first revision of a new document: the catalog (object 1) and an empty
 * page tree (object 2). Open it with ks_pdf_open_mem (keeping `seed` alive), start an update,
 * add the pages (their /Parent is object 2) and call ks_pdf_newdoc_pages; the new file is the
 * seed followed by the update's bytes. */
ks_status ks_pdf_newdoc_seed(ks_buf *seed, ks_error *err);
/* In a new document's update: the page tree with `kids` (in order). */
ks_status ks_pdf_newdoc_pages(ks_pdf_update *u, const ks_pdf_ref *kids, size_t n, ks_error *err);
/* Parses a page list as people write it, "1, 3-5" (1-based pages and ascending ranges, commas
 * between, each page once), into 0-based indices (at most `cap`). Errors: KS_E_USAGE naming the
 * problem, KS_E_LIMIT past `cap`. Whether the pages exist is ks_pdf_extract_pages's check. */
ks_status ks_pdf_page_list_parse(const char *s, size_t *pages, size_t cap, size_t *n,
                                 ks_error *err);
/* Appends to `out` a new document made of pages `pages` (0-based, in that order, each at most
 * once) of `src`: everything those pages reach is copied (content, resources, fonts, images;
 * streams byte for byte, still encoded); their annotations, the source's form, signatures,
 * outline, other pages and earlier revisions are not. Errors: KS_E_USAGE (no page, a page out of
 * range or chosen twice, an encrypted source), KS_E_FORMAT, KS_E_LIMIT, KS_E_NOMEM. */
ks_status ks_pdf_extract_pages(ks_pdf_doc *src, const size_t *pages, size_t n, ks_buf *out,
                               ks_error *err);

#ifdef __cplusplus
}
#endif
#endif
