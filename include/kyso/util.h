/* kyso — bottom-layer utilities: growable buffers, arenas, checked size arithmetic, mapped
 * files, atomic output files, Vietnam time (+07:00) and UTF-8 NFC text. */
#ifndef KYSO_UTIL_H
#define KYSO_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "kyso/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- checked size arithmetic: return false on overflow ---- */
static inline bool ks_add_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}
static inline bool ks_mul_size(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* ---- growable byte buffer ---- */
typedef struct ks_buf {
    uint8_t *data; /* NUL-terminated for convenience (not counted in len) */
    size_t len;
    size_t cap;
    bool failed; /* set when an append ran out of memory; later appends are no-ops */
} ks_buf;

#define KS_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, false                                                                          \
    }
void ks_buf_free(ks_buf *b); /* frees storage, leaves an empty buffer */
bool ks_buf_reserve(ks_buf *b, size_t extra);
bool ks_buf_append(ks_buf *b, const void *data, size_t len);
bool ks_buf_puts(ks_buf *b, const char *s);
bool ks_buf_printf(ks_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool ks_buf_putc(ks_buf *b, int c);
/* Appends `len` bytes as uppercase hex. */
bool ks_buf_hex(ks_buf *b, const uint8_t *data, size_t len);
/* Appends `s` (UTF-8) as a JSON string with its quotes, or `null` when `s` is NULL. */
bool ks_buf_json_str(ks_buf *b, const char *s);
/* Takes the buffer's storage (caller frees with free()); leaves `b` empty. */
uint8_t *ks_buf_steal(ks_buf *b, size_t *len);

/* ---- arena: many small allocations freed at once ---- */
typedef struct ks_arena ks_arena;
ks_arena *ks_arena_new(void);
void ks_arena_free(ks_arena *a);
/* Returns zeroed memory aligned to 16 bytes, or NULL when out of memory. */
void *ks_arena_alloc(ks_arena *a, size_t size);
void *ks_arena_memdup(ks_arena *a, const void *p, size_t len); /* adds a NUL after len bytes */
char *ks_arena_strdup(ks_arena *a, const char *s);
size_t ks_arena_bytes(const ks_arena *a); /* total bytes held */

/* ---- files ---- */
typedef struct ks_mapped {
    const uint8_t *data;
    size_t len;
    void *priv_; /* internal */
} ks_mapped;

/* Maps `path` read-only (an empty file gives len 0). On failure `err` names the path. */
ks_status ks_map_file(const char *path, ks_mapped *out, ks_error *err);
void ks_unmap(ks_mapped *m);

/* Reads a whole (small) file into a malloc'd buffer; `max_len` bounds it. */
ks_status ks_read_file(const char *path, size_t max_len, uint8_t **data, size_t *len,
                       ks_error *err);

/* Atomic output: data goes to a temporary file beside `path`, fsync'd, then renamed over `path`
 * by ks_out_commit. Until commit, `path` is untouched; ks_out_abort removes the temporary. */
typedef struct ks_out {
    int fd;
    char *path;
    char *tmp_path;
    uint64_t written;
    int tmp_slot; /* in the table of temporaries removed on a signal (-1: none) */
} ks_out;
ks_status ks_out_open(ks_out *o, const char *path, ks_error *err);
ks_status ks_out_write(ks_out *o, const void *data, size_t len, ks_error *err);
ks_status ks_out_commit(ks_out *o, ks_error *err);
void ks_out_abort(ks_out *o);
/* For programs: SIGINT, SIGTERM, SIGHUP and SIGQUIT (where still at their default) remove the
 * temporaries of outputs not yet committed, then end the process as the signal would. */
void ks_out_cleanup_on_signals(void);
/* Writes `len` bytes to `path` atomically. */
ks_status ks_write_file_atomic(const char *path, const void *data, size_t len, ks_error *err);

/* True when both paths name the same existing file (same device and inode). */
bool ks_same_file(const char *a, const char *b);

/* ---- time: Vietnam has UTC+07:00 all year (no DST) ---- */
#define KS_VN_OFFSET_SEC (7 * 3600)
/* "2026-03-05T09:41:07+07:00" (ISO 8601 extended, Vietnam time). `out` needs 26 bytes. */
void ks_time_iso_vn(time_t t, char out[32]);
/* "D:20260305094107+07'00'" (ISO 32000 date string, Vietnam time). */
void ks_time_pdf_vn(time_t t, char out[32]);
/* "05.03.2026 09:41:07 +07:00" (label style of current Vietnamese signing software). */
void ks_time_label_vn(time_t t, char out[32]);
/* Parses ISO 8601 ("2026-03-05T09:41:07+07:00", "...Z", or a date "2026-03-05" taken as
 * 00:00 +07:00) or a PDF date ("D:2026..."). */
ks_status ks_time_parse(const char *s, time_t *out, ks_error *err);
/* Current time (the library reads no environment: a program that wants a fixed clock gives
 * one to its ks_ctx and the times in the options). */
time_t ks_now(void);

/* ---- text ---- */
/* Returns a malloc'd NFC-normalised copy of UTF-8 `s` (NULL on invalid UTF-8 or no memory). */
char *ks_utf8_nfc(const char *s, size_t len);
/* True when `s` is valid UTF-8. */
bool ks_utf8_valid(const char *s, size_t len);
/* Folds for tolerant matching: NFC, lower case (Vietnamese aware), whitespace runs to one
 * space, trimmed. Malloc'd. Never use for comparing what a signature covers. */
char *ks_utf8_fold(const char *s, size_t len);

/* ---- untrusted text on a terminal (util/visible.c) ---- */
/* Appends `s[0..len)` to `b` with every character that could act on a terminal or reorder
 * what is read (C0 and C1 controls, DEL, bidi overrides and isolates, U+2028/2029) written as
 * a visible escape (\x1b, \u202e, \n), and each byte that is not UTF-8 as \xNN. With
 * `keep_newlines`, '\n' and '\t' pass (for whole reports, whose lines the program wrote).
 * Idempotent: escaping an escaped text changes nothing. */
bool ks_buf_visible(ks_buf *b, const char *s, size_t len, bool keep_newlines);
/* A malloc'd visible copy of one untrusted value (no newline passes); NULL on no memory. */
char *ks_text_visible(const char *s);
/* The byte offset of the first control character (as above, newlines included) or byte that
 * is not UTF-8 in s[0..len), or -1 when there is none: names kyso issues or labels refuse them. */
long ks_text_control_at(const char *s, size_t len);
/* KS_E_USAGE naming `what` and the byte offset when `s` holds what ks_text_control_at finds:
 * for every name or label kyso writes into a certificate, a token or its database. */
ks_status ks_text_check_name(const char *what, const char *s, ks_error *err);
/* Writes a whole text report to `f` through ks_buf_visible(keep_newlines = true). */
void ks_fputs_visible(const char *s, size_t len, FILE *f);

/* ---- secrets ---- */
/* Reads a secret (PIN, password) from a file, an environment variable, or the terminal without
 * echo, in that order of what is given. One rule for all three: at most 1024 bytes on one line
 * (one trailing newline is dropped); a NUL byte, a second line or more bytes give KS_E_USAGE,
 * never a shortened secret. Result is malloc'd; wipe it with ks_secret_free. `prompt` is shown
 * only for the terminal. Never from argv. */
ks_status ks_secret_read(const char *pin_file, const char *pin_env, const char *prompt, char **out,
                         ks_error *err);
void ks_secret_free(char *s);

#ifdef __cplusplus
}
#endif
#endif
