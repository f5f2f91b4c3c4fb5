/* agent/agent.h — kyso-agent's internal interfaces: the browser's native-messaging host that
 * signs a hash with the key in the person's USB token. Depends on libc and, at run time, the
 * token's PKCS#11 module only (no libkyso, no OpenSSL), so it also builds for Windows. */
#ifndef KYSO_AGENT_H
#define KYSO_AGENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define KA_VERSION "0.1.0"
#define KA_PROTOCOL 1

/* Requests are small (a batch of hashes with titles); Chrome allows 64 MiB browser→host, we
 * refuse anything over 64 KiB. Replies are capped below Chrome's 1 MB host→browser limit. */
#define KA_REQUEST_MAX (64u * 1024u)
#define KA_REPLY_MAX (1000u * 1000u)
#define KA_CHROME_MAX (64u * 1024u * 1024u)
#define KA_BATCH_MAX 100
#define KA_TITLE_MAX 512
#define KA_MODULES_MAX 8

/* mingw-w64's stdio (__USE_MINGW_ANSI_STDIO) is C99's, so formats are checked as GNU's. */
#if defined(_WIN32) && defined(__GNUC__)
#define KA_PRINTF(f, a) __attribute__((format(gnu_printf, f, a)))
#elif defined(__GNUC__)
#define KA_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define KA_PRINTF(f, a)
#endif

/* ---- errors: a stable code for programs and a msgid for people ---- */
typedef struct ka_err {
    const char *code; /* "bad-request", "user-cancelled", "pin-locked", ... (contract) */
    char msg_en[512];
    char msg[512]; /* in the request's language (Vietnamese unless "lang":"en") */
    bool en;       /* set by the dispatcher from the request's "lang" */
} ka_err;

/* Records code and the message (fmt is an English msgid wrapped in N_()). Returns false so
 * that callers can write `return ka_fail(...)`. */
bool ka_fail(ka_err *e, const char *code, const char *fmt, ...) KA_PRINTF(3, 4);
/* The same with whole msgids (no format): a, then b when not NULL, joined by a space. */
bool ka_fail_msgids(ka_err *e, const char *code, const char *a, const char *b);
#ifndef N_
#define N_(s) (s)
#endif
/* The Vietnamese text of a msgid (the table built from po/ at build time), or the msgid
 * itself in English mode or when it has no translation. */
const char *ka_tr(const char *msgid, bool en);

/* ---- growable output buffer ---- */
typedef struct ka_buf {
    char *p;
    size_t len, cap;
    bool oom;
} ka_buf;
void ka_buf_put(ka_buf *b, const void *s, size_t n);
void ka_buf_puts(ka_buf *b, const char *s);
void ka_buf_printf(ka_buf *b, const char *fmt, ...) KA_PRINTF(2, 3);
void ka_buf_free(ka_buf *b);
/* The longest prefix of s, at most n bytes, that is valid UTF-8. */
size_t ka_utf8_valid_prefix(const char *s, size_t n);
/* False when s holds a control character (C0, C1) or a bidirectional control: text that is
 * shown in the consent dialog must read as its bytes say. */
bool ka_text_displayable(const char *s, size_t n);
/* Appends `s` as a JSON string literal; invalid UTF-8 becomes U+FFFD. */
void ka_buf_json_str(ka_buf *b, const char *s, size_t n);
void ka_wipe(void *p, size_t n); /* not optimised away */

/* ---- JSON (json.c) ---- */
enum { KA_J_NULL, KA_J_FALSE, KA_J_TRUE, KA_J_NUM, KA_J_STR, KA_J_ARR, KA_J_OBJ };
typedef struct ka_jnode {
    int type;
    int next;        /* next sibling, -1 at the end */
    int child;       /* first child of an array or object, -1 if empty */
    const char *key; /* member name inside an object (decoded, NUL-terminated) */
    const char *s;   /* decoded string, NUL-terminated ("\u0000" is refused, so no NUL inside) */
    size_t slen;
} ka_jnode;
#define KA_JSON_NODES_MAX 2048
#define KA_JSON_DEPTH_MAX 8
typedef struct ka_json {
    ka_jnode *nodes;
    int count;
    char *strings; /* decoded strings, each NUL-terminated */
    size_t strings_len, strings_cap;
} ka_json;
/* Parses exactly one JSON value (RFC 8259, strict: no trailing bytes, no duplicate names, no
 * lone surrogates, valid UTF-8, no "\u0000"). Node 0 is the root. */
bool ka_json_parse(ka_json *j, const uint8_t *p, size_t len, ka_err *e);
void ka_json_free(ka_json *j);
const ka_jnode *ka_json_get(const ka_json *j, const ka_jnode *obj, const char *key);
const ka_jnode *ka_json_at(const ka_json *j, int index); /* NULL for -1 */
/* The first member name of `obj` not in the NULL-terminated `keys`, or NULL. */
const char *ka_json_unknown(const ka_json *j, const ka_jnode *obj, const char *const *keys);

/* ---- encodings and hashes ---- */
void ka_b64_encode(ka_buf *b, const uint8_t *p, size_t n);
/* Decodes standard base64 (padding required, no whitespace). false on any bad character. */
bool ka_b64_decode(const char *s, size_t n, uint8_t *out, size_t cap, size_t *out_len);
void ka_hex(ka_buf *b, const uint8_t *p, size_t n);
enum { KA_SHA256, KA_SHA384, KA_SHA512 };
size_t ka_sha_len(int alg);
void ka_sha(int alg, const uint8_t *p, size_t n, uint8_t *out);

/* ---- certificates (der.c) ---- */
enum { KA_KEY_UNKNOWN, KA_KEY_RSA, KA_KEY_EC };
typedef struct ka_cert_info {
    int key_type;
    int ec_bits; /* 256, 384, 521 for EC keys */
    char subject_cn[256];
} ka_cert_info;
/* Reads what the agent shows and needs from a certificate's DER; false if it is not one. */
bool ka_cert_parse(const uint8_t *der, size_t len, ka_cert_info *out);

/* ---- configuration (config.c) ---- */
typedef struct ka_config {
    char modules[KA_MODULES_MAX][1024];
    int n_modules;
    char pinentry[1024];
} ka_config;
/* $KYSO_AGENT_CONFIG, else the per-user file, else the system file. A missing file leaves the
 * defaults (no module, pinentry from PATH). */
bool ka_config_load(ka_config *c, ka_err *e);

/* ---- dynamic libraries and child processes (os.c: POSIX and Windows) ---- */
void *ka_dl_open(const char *path, char *why, size_t why_cap);
void *ka_dl_sym(void *lib, const char *name);
void ka_dl_close(void *lib);
typedef struct ka_child ka_child;
/* Starts `program` with its standard input and output connected to us (its stderr is
 * discarded). */
ka_child *ka_spawn(const char *program, ka_err *e);
bool ka_child_write(ka_child *c, const char *s, size_t n);
/* Reads one line (without the newline) into buf; false on EOF, error or an over-long line. */
bool ka_child_readline(ka_child *c, char *buf, size_t cap);
void ka_child_close(ka_child *c);
/* The terminal of a hand-started agent (for pinentry-curses and pinentry-tty), or NULL. */
const char *ka_tty_name(void);
/* Binary-mode standard streams on Windows (native messaging is binary); no-op elsewhere. */
void ka_stdio_binary(void);

/* ---- the dialog (pinentry.c): GnuPG pinentry through the Assuan protocol ---- */
typedef struct ka_dialog {
    const char *title;  /* window title */
    const char *desc;   /* what is asked and why: origin, documents, hash prefixes */
    const char *prompt; /* "PIN:" */
    const char *error;  /* a warning shown above (PIN final try), or NULL */
    bool want_pin;      /* GETPIN (the PIN is the consent) vs CONFIRM */
} ka_dialog;
/* Shows the dialog. Returns true with the PIN in `pin` (NUL-terminated, wipe it) when the
 * person confirmed; false with e->code "user-cancelled" or "dialog-failed". */
bool ka_dialog_run(const ka_config *c, const ka_dialog *d, char *pin, size_t pin_cap, ka_err *e);

/* ---- PKCS#11 (p11.c) ---- */
typedef struct ka_token_state {
    bool locked, final_try, count_low, protected_path, login_required;
} ka_token_state;
typedef struct ka_cert {
    int module;         /* index into the configuration's modules */
    unsigned long slot; /* CK_SLOT_ID */
    char token_label[33], manufacturer[33], model[17], serial[17];
    ka_token_state st;
    uint8_t id[64];
    size_t id_len;
    char label[128];
    uint8_t *der;
    size_t der_len;
    uint8_t fingerprint[32]; /* SHA-256 of the DER: the id pages use */
    ka_cert_info info;
} ka_cert;
typedef struct ka_certs {
    ka_cert *v;
    size_t n;
} ka_certs;
typedef struct ka_p11 ka_p11;
/* Loads and initialises every configured module. Modules that fail to load are skipped and
 * named in `warnings` (a JSON array body, may be NULL). Never NULL except out of memory. */
ka_p11 *ka_p11_open(const ka_config *c, ka_buf *warnings);
void ka_p11_close(ka_p11 *p); /* C_Finalize and unload; NULL is a no-op */
/* Every certificate in every token of the loaded modules (public objects: no PIN). */
bool ka_p11_list(ka_p11 *p, ka_certs *out, ka_err *e);
void ka_certs_free(ka_certs *l);
/* The PIN state as a msgid with what to do, or NULL when nothing needs saying. */
const char *ka_pin_state_text(const ka_token_state *st);
const char *ka_pin_state_code(const ka_token_state *st);

enum { KA_MECH_RSA_PKCS1, KA_MECH_RSA_PSS, KA_MECH_ECDSA };
typedef struct ka_sign_job {
    int mech;
    int halg;
    const uint8_t *const *hashes; /* n hashes of ka_sha_len(halg) bytes each */
    size_t n;
    uint8_t (*sigs)[1024]; /* out: n signatures (ECDSA as r||s) */
    size_t *sig_lens;
} ka_sign_job;
/* Opens a session on the certificate's token, logs in with `pin` (NULL: the protected
 * authentication path), finds the private key with the certificate's CKA_ID and signs every
 * hash. A wrong PIN reports the token's new PIN state. */
bool ka_p11_sign(ka_p11 *p, const ka_cert *cert, const char *pin, ka_sign_job *job, ka_err *e);

/* ---- commands (cmd_*.c) ---- */
typedef struct ka_req {
    const ka_json *j;
    const ka_jnode *root;
    const ka_config *cfg;
    ka_p11 *p11;
    ka_buf *warnings;
    bool en; /* "lang": "en" */
} ka_req;
bool ka_cmd_list(const ka_req *r, ka_buf *out, ka_err *e);
bool ka_cmd_sign(const ka_req *r, ka_buf *out, ka_err *e);
bool ka_cmd_auth(const ka_req *r, ka_buf *out, ka_err *e);
/* Shared by sign and authenticate: the origin (checked: https://host[:port] or
 * http://127.0.0.1|localhost[:port]) and the chosen certificate (by its SHA-256 id). */
bool ka_req_origin(const ka_req *r, const char **origin, ka_err *e);
bool ka_req_cert(const ka_req *r, ka_certs *all, const ka_cert **out, ka_err *e);
/* A string member of the request (NULL when absent or not a string). */
const char *ka_req_str(const ka_req *r, const char *key, size_t *len);
/* Runs the consent dialog (GETPIN, or CONFIRM on a pinpad) and signs. */
bool ka_consent_and_sign(const ka_req *r, const ka_cert *cert, const char *desc, ka_sign_job *job,
                         ka_err *e);
/* ECDSA r||s → DER ECDSA-Sig-Value (RFC 3279). */
void ka_ecdsa_der(ka_buf *b, const uint8_t *rs, size_t n);

/* ---- framing (frame.c) and dispatch (handle.c) ---- */
/* Handles one request body (the JSON) and fills `reply` with the reply JSON. */
void ka_handle(const ka_config *cfg, const uint8_t *msg, size_t len, ka_buf *reply);
/* Reads one framed message. Returns 1 with the body, 0 at a clean EOF, -1 on a broken or
 * refused frame after writing the error reply (the caller stops on -2: unrecoverable). */
int ka_frame_read(FILE *in, FILE *out, uint8_t **msg, size_t *len);
bool ka_frame_write(FILE *out, const char *json, size_t len);
void ka_reply_error(ka_buf *reply, const ka_err *e);

#endif
