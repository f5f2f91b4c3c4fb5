/* kyso — PKCS#11 tokens (thiết bị lưu khóa bí mật): signing with a key that never leaves the
 * token, and token administration (init, keygen, import, PIN change, unblock with the SO PIN).
 * The module is loaded with dlopen; SoftHSM2 in tests, a USB token's module in production. */
#ifndef KYSO_TOKEN_H
#define KYSO_TOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>

#include "kyso/error.h"
#include "kyso/signer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ks_p11 ks_p11; /* a loaded and initialised module */

ks_status ks_p11_load(const char *module_path, ks_p11 **out, ks_error *err);
void ks_p11_unload(ks_p11 *p); /* NULL is a no-op */

typedef struct ks_token_info {
    unsigned long slot;
    char label[33];
    char manufacturer[33];
    char model[17];
    char serial[17];
    bool initialized;
    bool user_pin_initialized;
    bool login_required;
    bool user_pin_count_low; /* CKF_USER_PIN_COUNT_LOW */
    bool user_pin_final_try; /* CKF_USER_PIN_FINAL_TRY */
    bool user_pin_locked;    /* CKF_USER_PIN_LOCKED */
    bool so_pin_count_low, so_pin_final_try, so_pin_locked;
} ks_token_info;

/* Lists tokens present in the module's slots. `*out` is malloc'd. */
ks_status ks_p11_list(ks_p11 *p, ks_token_info **out, size_t *count, ks_error *err);
/* Finds the slot of the token labelled `label` (NULL: the only initialised token present). */
ks_status ks_p11_find_token(ks_p11 *p, const char *label, ks_token_info *out, ks_error *err);
/* The token's PIN state as a msgid to show (pass through ks_tr): "ready", "user PIN locked
 * (recovery: ...)", "user PIN: one try left", "user PIN: few tries left", ... Never NULL. */
const char *ks_token_pin_state(const ks_token_info *ti);

typedef struct ks_token_obj {
    char label[128];
    uint8_t id[64];
    size_t id_len;
    int kind;     /* 0 private key, 1 certificate, 2 public key */
    int key_type; /* EVP_PKEY_RSA / EVP_PKEY_EC for keys */
    bool extractable, sensitive;
} ks_token_obj;
ks_status ks_p11_list_objects(ks_p11 *p, const char *token_label, const char *pin,
                              ks_token_obj **out, size_t *count, ks_error *err);

/* A signer whose private key stays in the token (C_Sign). Finds the key by label (NULL: the
 * only key) and the certificate with the same CKA_ID (or label). A wrong PIN reports the
 * token's remaining-tries state; a locked PIN says how recovery works. The signer keeps the
 * module loaded until ks_signer_free. */
ks_status ks_token_signer(const char *module_path, const char *token_label, const char *key_label,
                          const char *pin, ks_signer **out, ks_error *err);
/* Like ks_token_signer, but the certificate is optional: (*out)->cert is NULL when the token
 * holds none for the key. For signing the key's own first certificate (a CA key generated in
 * the token) or a certification request. */
ks_status ks_token_key_signer(const char *module_path, const char *token_label,
                              const char *key_label, const char *pin, ks_signer **out,
                              ks_error *err);

/* ---- administration ---- */
/* C_InitToken on the first free slot (or the slot of a token with this label) with the SO
 * PIN, then C_InitPIN for the user PIN. */
ks_status ks_token_init(const char *module_path, const char *label, const char *so_pin,
                        const char *user_pin, ks_error *err);
/* C_GenerateKeyPair in the token: "rsa:2048", "rsa:3072", "ec:P-256", "ec:P-384".
 * Private key sensitive and not extractable. Returns the public key (caller frees). */
ks_status ks_token_keygen(const char *module_path, const char *token_label, const char *pin,
                          const char *key_label, const char *spec, EVP_PKEY **pub, ks_error *err);
/* Destroys every private key, public key and certificate labelled `label`. Used to take back
 * what a failed operation generated. */
ks_status ks_token_delete_label(const char *module_path, const char *token_label, const char *pin,
                                const char *label, ks_error *err);
/* Stores a certificate in the token beside the key of the same label (same CKA_ID). */
ks_status ks_token_put_cert(const char *module_path, const char *token_label, const char *pin,
                            const char *label, X509 *cert, ks_error *err);
/* Imports a PKCS#12 (key + certificate) into the token as a non-extractable key. */
ks_status ks_token_import_p12(const char *module_path, const char *token_label, const char *pin,
                              const char *label, const char *p12_path, const char *p12_password,
                              ks_error *err);
ks_status ks_token_change_pin(const char *module_path, const char *token_label, const char *old_pin,
                              const char *new_pin, ks_error *err);
/* Token recovery (city regulation Art. 12): logs in as SO and sets a new user PIN
 * (C_InitPIN), which also clears a locked user PIN. */
ks_status ks_token_unblock(const char *module_path, const char *token_label, const char *so_pin,
                           const char *new_user_pin, ks_error *err);

/* ---- a long-lived session ----
 * Loads the module once, opens one read-write session on the token `token_label` (NULL: the
 * only initialised one) and logs in with the user PIN once; every call below then reuses that
 * login, where the path-taking functions above each load the module, open a session and log in
 * again. The PIN is not kept. Threads: a PKCS#11 session may not be used by two threads at
 * once, so each call holds the session's mutex: a session may be shared between threads, and
 * their calls run one at a time. Close with ks_token_session_close (NULL is a no-op). */
typedef struct ks_token_session ks_token_session;
ks_status ks_token_session_open(const char *module_path, const char *token_label, const char *pin,
                                ks_token_session **out, ks_error *err);
void ks_token_session_close(ks_token_session *ts);
/* The token's label and state as read when the session opened. */
const ks_token_info *ks_token_session_info(const ks_token_session *ts);
ks_status ks_token_session_keygen(ks_token_session *ts, const char *key_label, const char *spec,
                                  EVP_PKEY **pub, ks_error *err);
ks_status ks_token_session_delete_label(ks_token_session *ts, const char *label, ks_error *err);
ks_status ks_token_session_put_cert(ks_token_session *ts, const char *label, X509 *cert,
                                    ks_error *err);
ks_status ks_token_session_import_p12(ks_token_session *ts, const char *label, const char *p12_path,
                                      const char *p12_password, ks_error *err);
/* `*out` is malloc'd. */
ks_status ks_token_session_list_objects(ks_token_session *ts, ks_token_obj **out, size_t *count,
                                        ks_error *err);
/* A signer (key by label, NULL: the only one; with its certificate) on the session's login: no
 * new session or login. It signs under the session's mutex and borrows the session: free it
 * before ks_token_session_close. A key that needs the PIN for every signature
 * (CKA_ALWAYS_AUTHENTICATE) is refused: use ks_token_signer. */
ks_status ks_token_session_signer(ks_token_session *ts, const char *key_label, ks_signer **out,
                                  ks_error *err);
/* C_SetPIN in the session; the session stays logged in. */
ks_status ks_token_session_change_pin(ks_token_session *ts, const char *old_pin,
                                      const char *new_pin, ks_error *err);

#ifdef __cplusplus
}
#endif
#endif
