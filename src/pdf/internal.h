/* pdf/internal.h — private structures of the PDF layer shared by its files: the document, its
 * revisions and object map, the bounded cursor, the lexer and the object parser.
 * Not a public API: only src/pdf/ includes it. */
#ifndef KYSO_PDF_INTERNAL_H
#define KYSO_PDF_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <openssl/crypto.h>

#include "kyso/pdf.h"

#define ks_wipe(p, n) OPENSSL_cleanse((p), (n))

/* ---- bounded cursor over untrusted bytes ---- */
typedef struct ks_cur {
    const uint8_t *p; /* bytes */
    size_t len;       /* number of bytes at p */
    size_t pos;       /* read position, 0 <= pos <= len */
    uint64_t base;    /* absolute file offset of p[0] (for messages); 0 in object streams */
    bool in_file;     /* p is the file itself (object spans are recorded) */
} ks_cur;

/* PDF character classes (ISO 32000-2 §7.2.3). */
static inline bool ks_pdf_is_ws(int c)
{
    return c == 0 || c == 9 || c == 10 || c == 12 || c == 13 || c == 32;
}
static inline bool ks_pdf_is_delim(int c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' || c == ']' || c == '{' ||
           c == '}' || c == '/' || c == '%';
}
static inline bool ks_pdf_is_regular(int c)
{
    return !ks_pdf_is_ws(c) && !ks_pdf_is_delim(c);
}

/* ---- lexer (lexer.c) ---- */
typedef enum ks_tok_type {
    KS_TOK_EOF = 0,
    KS_TOK_INT,
    KS_TOK_REAL,
    KS_TOK_NAME,      /* decoded into tok.s / tok.len */
    KS_TOK_STRING,    /* literal string, decoded */
    KS_TOK_HEXSTRING, /* decoded */
    KS_TOK_ARR_OPEN,
    KS_TOK_ARR_CLOSE,
    KS_TOK_DICT_OPEN,
    KS_TOK_DICT_CLOSE,
    KS_TOK_BRACE_OPEN,
    KS_TOK_BRACE_CLOSE,
    KS_TOK_KEYWORD, /* bare word: true, obj, R, stream, xref, operators... in tok.s */
} ks_tok_type;

typedef struct ks_tok {
    ks_tok_type type;
    int64_t i;
    double r;
    const char *s; /* name/string: decoded into the arena, NUL-terminated; keyword: points into
                    * the input, NOT NUL-terminated (use len / ks_tok_is_kw) */
    size_t len;
    uint64_t start, end; /* absolute offsets (cursor base + position) */
} ks_tok;

static inline bool ks_tok_is_kw(const ks_tok *t, const char *kw)
{
    size_t n = strlen(kw);
    return t->type == KS_TOK_KEYWORD && t->len == n && memcmp(t->s, kw, n) == 0;
}

/* Skips whitespace and comments. */
void ks_lex_skip_ws(ks_cur *c);
/* Reads the next token. Names and strings are decoded into arena `a`. Returns
 * KS_E_FORMAT on malformed tokens (unterminated string, bad hex), naming the offset. */
ks_status ks_lex_next(ks_cur *c, ks_arena *a, ks_tok *t, ks_error *err);
/* True when the bytes at the cursor (after whitespace) are exactly keyword `kw` followed by a
 * non-regular character. Does not move the cursor. */
bool ks_lex_peek_keyword(ks_cur *c, const char *kw);
/* Reads an unsigned decimal integer at the cursor (after whitespace). */
bool ks_lex_uint(ks_cur *c, uint64_t *v);

/* ---- object map ---- */
enum { KS_XE_UNSET = 0, KS_XE_FREE, KS_XE_INUSE, KS_XE_COMPRESSED };

typedef struct ks_xentry {
    uint8_t type; /* KS_XE_* */
    uint16_t gen; /* generation (in use / free); 0 for compressed */
    uint64_t off; /* KS_XE_INUSE: byte offset; KS_XE_COMPRESSED: object stream number */
    uint32_t idx; /* KS_XE_COMPRESSED: index in the object stream */
    int32_t rev;  /* revision index that defined the entry */
} ks_xentry;

/* One entry of an xref section as read from the file. */
typedef struct ks_xsec_entry {
    uint32_t num;
    ks_xentry e;
} ks_xsec_entry;

/* One xref section (table, stream, or hybrid pair). */
typedef struct ks_xsection {
    uint64_t offset; /* where the section starts (startxref / /Prev value) */
    uint64_t end;    /* just past the trailer dictionary or the xref stream's endobj */
    ks_pdf_xref_kind kind;
    ks_pdf_obj *trailer;
    ks_xsec_entry *entries; /* malloc'd */
    size_t count, cap;
    uint64_t size; /* trailer /Size */
} ks_xsection;

/* A revision: one or (linearized files) two xref sections, oldest-first in doc->revs. */
typedef struct ks_rev {
    ks_pdf_revision pub;
    ks_pdf_obj *trailer;    /* the newest section's trailer */
    size_t first_sec, nsec; /* indexes into doc->secs */
} ks_rev;

typedef struct ks_crypt ks_crypt;

typedef struct ks_slot {
    ks_xentry e;
    ks_pdf_obj *cache; /* loaded object (NULL until loaded) */
    bool loading;      /* cycle guard */
    bool relocated;    /* e.off was found by ks_xref_relocate; stated_off is the xref's */
    uint64_t stated_off;
} ks_slot;

/* Object streams decoded once and kept (index by number through a small list). */
typedef struct ks_objstm {
    uint32_t num;
    uint8_t *data; /* decoded bytes, malloc'd */
    size_t len;
    uint64_t first;
    uint32_t n;
    uint64_t *offs; /* n pairs: object number, offset (relative to first) */
    struct ks_objstm *next;
} ks_objstm;

struct ks_pdf_doc {
    char *name;
    const uint8_t *data;
    size_t len;
    ks_mapped map; /* when opened from a path and this doc owns the mapping */
    bool owns_map;
    ks_arena *arena;
    ks_pdf_open_opts opts;
    char header_version[8];
    uint64_t header_off; /* offset of "%PDF-" */

    /* shared structure (owned by the doc that parsed the file; revision views borrow) */
    ks_xsection *secs; /* newest first, as read along the /Prev chain */
    size_t nsecs;
    ks_rev *revs; /* oldest first */
    size_t nrevs;
    struct ks_pdf_doc *parent; /* for revision views: the document they borrow from */
    size_t view_rev;           /* for views: last revision included */
    /* The base document keeps each revision view it opened (views[i] for revision i, NULL until
     * asked for) so that every caller shares its parsed objects: a verifier compares the same
     * revisions once per signature. A view counts its users; the base frees them all. */
    struct ks_pdf_doc **views;
    unsigned view_users;
    struct ks_objcache *shared; /* base only: objects every view may use (objcache.c) */

    ks_slot *slots; /* merged object map of revisions 0..view_rev */
    uint32_t nslots;
    ks_pdf_obj *trailer;
    bool repaired;      /* some damage was repaired (xref rebuilt, stream /Length, endobj) */
    bool xref_rebuilt;  /* the object map comes from scanning the file (repair.c) */
    ks_error *warnings; /* strict-mode recoveries (xref_recover.c), malloc'd; views borrow */
    struct ks_reloc_index *relocs; /* per revision, built on first need (xref_recover.c) */
    size_t nrelocs;
    size_t nwarnings;
    size_t recover_last;         /* ks_xref_relocate runs for revisions 0..recover_last only */
    bool warned_field_loop;      /* a /Kids loop was reported (fields.c) */
    bool warned_mediabox;        /* a page without /MediaBox was reported (pages.c) */
    uint64_t tail_off, tail_len; /* bytes after the newest %%EOF that are not white space */

    ks_objstm *objstms;
    ks_crypt *crypt; /* NULL when not encrypted */
    ks_pdf_obj null_obj;
    int load_depth;

    /* memory budget (budget.c): shared by the document and its revision views */
    struct ks_budget *budget; /* &own_budget, or the parent's */
    struct ks_budget {
        size_t limit, used;
        bool exceeded;  /* sticky: once over, every later charge fails too */
        ks_error first; /* the message of the first failure, for ks_pdf_budget_error */
    } own_budget;
    size_t charged;       /* bytes this doc (or view) put on the budget, returned at close */
    size_t arena_charged; /* part of `charged` that is arena growth already counted */

    ks_pdf_ref *pages; /* flattened page tree (pages.c), malloc'd; NULL until walked */
    size_t npages;
    bool pages_done;
};

/* ---- objects shared by the views of a document (objcache.c) ---- */
typedef struct ks_objcache ks_objcache;
/* The object parsed as "num gen obj" at `off`, or NULL. */
ks_pdf_obj *ks_objcache_find(const ks_objcache *c, uint64_t off, uint32_t num, uint16_t gen);
/* Shares `o` (unless it may read differently in another view); creates the cache on first use. */
void ks_objcache_put(ks_objcache **c, uint64_t off, uint32_t num, uint16_t gen, ks_pdf_obj *o);
void ks_objcache_free(ks_objcache *c);

#define KS_PDF_MAX_LOAD_DEPTH 32 /* nested object loads (indirect /Length, object streams) */

/* ---- memory budget (budget.c) ---- */
/* Puts `n` bytes on the document's budget, or fails with KS_E_LIMIT saying what needed them
 * (`what`, an English phrase) and the budget in MB. */
ks_status ks_budget_charge(ks_pdf_doc *doc, size_t n, const char *what, ks_error *err);
void ks_budget_credit(ks_pdf_doc *doc, size_t n);
/* Charges the growth of the document's arena since the last call (parsed objects). */
ks_status ks_budget_sync_arena(ks_pdf_doc *doc, ks_error *err);
/* Bytes still free on the budget. */
size_t ks_budget_left(const ks_pdf_doc *doc);

/* ---- parser (parser.c) ---- */
/* Parses one direct object at the cursor. `depth` counts enclosing containers. */
ks_status ks_parse_object(ks_pdf_doc *doc, ks_cur *c, int depth, ks_pdf_obj **out, ks_error *err);
/* Parses "num gen obj <object> [stream ... endstream] endobj" at absolute `off`. Checks that the
 * header names `num gen` (unless num is UINT32_MAX). */
ks_status ks_parse_indirect(ks_pdf_doc *doc, uint64_t off, uint32_t num, uint16_t gen,
                            ks_pdf_obj **out, uint64_t *end, ks_error *err);

/* ---- xref (xref.c, xref_stream.c) ---- */
ks_status ks_xref_load(ks_pdf_doc *doc, ks_error *err);
ks_status ks_xref_read_table(ks_pdf_doc *doc, uint64_t off, ks_xsection *sec, ks_error *err);
ks_status ks_xref_read_stream(ks_pdf_doc *doc, uint64_t off, ks_xsection *sec, ks_error *err);
bool ks_xsec_add(ks_xsection *sec, uint32_t num, const ks_xentry *e);
/* Strict-mode recovery of misplaced xref offsets (xref_recover.c). */
#define KS_XREF_NEAR 64 /* bytes either side of a wrong offset searched for its section */
/* Does `off` start an "xref" keyword (when `table`) or an "N G obj" with /Type /XRef? */
bool ks_xref_lands(ks_pdf_doc *doc, uint64_t off, bool table);
/* Exactly one section start (see ks_xref_lands) within KS_XREF_NEAR bytes of `off`? */
bool ks_xref_near(ks_pdf_doc *doc, uint64_t off, bool table, uint64_t *out);
/* The xref section of the revision that ends ("startxref N %%EOF", N in *stated) just before
 * `before`: N itself, the one section start near N, or the table whose trailer ends at that
 * "startxref". */
bool ks_xref_earlier(ks_pdf_doc *doc, uint64_t before, uint64_t *out, uint64_t *eof_at,
                     uint64_t *stated);
/* Records a warning (English msgid + translation) on the document; false when out of memory. */
bool ks_pdf_warn(ks_pdf_doc *doc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Builds doc->slots from revisions 0..last. */
ks_status ks_xref_build_map(ks_pdf_doc *doc, size_t last, ks_error *err);
/* Repair mode: rebuilds the map by scanning for "N G obj" and trailers. */
ks_status ks_xref_rebuild(ks_pdf_doc *doc, ks_error *err);
/* "obj" at `at` that ends a "num gen obj" header (repair.c): its start and numbers. */
bool ks_pdf_header_before(const ks_pdf_doc *doc, size_t at, size_t *start, uint32_t *num,
                          uint16_t *gen);
/* The keyword `kw` stands at `i` as a whole token. */
bool ks_pdf_keyword_at(const ks_pdf_doc *doc, size_t i, const char *kw);
/* Some "N G obj" header starts at `off`. */
bool ks_pdf_header_at(const ks_pdf_doc *doc, uint64_t off);
/* "num gen obj" starts at `off`. */
bool ks_parse_header_is(const ks_pdf_doc *doc, uint64_t off, uint32_t num, uint16_t gen);
/* When revision `rev`'s xref entry for `num gen` does not point at its header: the header of
 * `num gen` found by scanning that revision's own bytes (from the previous revision's %%EOF to
 * its own), if there is exactly one; records a warning per revision. False when not unique. */
bool ks_xref_relocate(ks_pdf_doc *doc, int32_t rev, uint32_t num, uint16_t gen, uint64_t wrong,
                      uint64_t *found);
void ks_xref_relocs_free(ks_pdf_doc *doc);

/* ---- object streams (objstm.c) ---- */
/* Decodes object stream `stm` once (cached in doc->objstms) and checks its header. */
ks_status ks_objstm_load(ks_pdf_doc *doc, uint32_t stm, ks_objstm **out, ks_error *err);
ks_status ks_objstm_get(ks_pdf_doc *doc, uint32_t stm, uint32_t idx, uint32_t num, ks_pdf_obj **out,
                        ks_error *err);
void ks_objstm_free_all(ks_pdf_doc *doc);

/* ---- filters (filters.c) ---- */
/* Decodes `in` through one named filter with its /DecodeParms (may be NULL). Output malloc'd. */
ks_status ks_filter_apply(ks_pdf_doc *doc, const char *name, const ks_pdf_obj *parms,
                          const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len,
                          size_t max_out, ks_error *err);

/* ---- encryption (crypt.c) ---- */
ks_status ks_crypt_init(ks_pdf_doc *doc, ks_error *err);
void ks_crypt_free(ks_crypt *c);
/* Decrypts all strings inside a freshly parsed object `num gen` in place. */
ks_status ks_crypt_strings(ks_pdf_doc *doc, ks_pdf_obj *obj, uint32_t num, uint16_t gen,
                           ks_error *err);
/* Decrypts raw stream data of object `num gen`. Output malloc'd. */
ks_status ks_crypt_stream(ks_pdf_doc *doc, const ks_pdf_obj *stream, uint32_t num, uint16_t gen,
                          const uint8_t *in, size_t len, uint8_t **out, size_t *out_len,
                          ks_error *err);
/* Encrypts `len` bytes for object `num gen` (strings and streams of new objects). */
ks_status ks_crypt_encrypt(ks_pdf_doc *doc, uint32_t num, uint16_t gen, bool is_stream,
                           const uint8_t *in, size_t len, ks_buf *out, ks_error *err);
bool ks_crypt_active(const ks_pdf_doc *doc);

/* ---- misc helpers (object.c) ---- */
/* Appends without checking for an existing key (`key` must live in the arena). */
bool ks_pdf_dict_append(ks_arena *a, ks_pdf_obj *dict, const char *key, ks_pdf_obj *value);
/* Resolves one value; NULL in, NULL out. */
ks_pdf_obj *ks_pdf_resolve_opt(ks_pdf_doc *doc, ks_pdf_obj *obj);
/* Reads a file-absolute offset's bytes window. */
static inline bool ks_doc_range_ok(const ks_pdf_doc *doc, uint64_t off, uint64_t len)
{
    return off <= doc->len && len <= doc->len - off;
}

#endif
