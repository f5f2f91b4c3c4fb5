/* token/p11_internal.h — private plumbing of the PKCS#11 layer: the shared module registry,
 * sessions with login, object search, CKR_* to message mapping, and signature encodings. */
#ifndef KYSO_TOKEN_P11_INTERNAL_H
#define KYSO_TOKEN_P11_INTERNAL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <p11-kit/pkcs11.h>

#include <openssl/evp.h>

#include "kyso/token.h"

/* One loaded module, shared by every user in the process: PKCS#11 allows one C_Initialize per
 * application, so a second load of the same path takes a reference, and C_Finalize runs only
 * when the last reference goes. */
/* Login state is per application and slot in PKCS#11: a second C_Login while logged in returns
 * CKR_USER_ALREADY_LOGGED_IN without checking the PIN. To keep a wrong PIN from passing while a
 * signer holds the login, we remember a keyed hash (HMAC with a per-process random key) of the
 * PIN that logged in, for as long as the slot has open sessions. */
#define KS_P11_MAX_TRACKED 16
typedef struct ks_p11_login {
    CK_SLOT_ID slot;
    int sessions;
    bool user; /* a user login of ours is active */
    uint8_t mac[32];
} ks_p11_login_rec;

struct ks_p11 {
    ks_p11_login_rec logins[KS_P11_MAX_TRACKED];
    char *path;
    void *dl;
    CK_FUNCTION_LIST *f;
    int refs;
    bool finalize; /* we called C_Initialize, so we call C_Finalize */
    /* Held across C_OpenSession, C_Login and C_CloseSession together with their bookkeeping
     * below, so that a thread never sees the token's login without our record of it. */
    pthread_mutex_t login_lock;
    struct ks_p11 *next;
};

/* Session bookkeeping (module.c): counts sessions per slot and forgets the login record when
 * the last one closes (the token then logs out by itself). */
void ks_p11_login_lock(ks_p11 *p);
void ks_p11_login_unlock(ks_p11 *p);
void ks_p11_sess_opened(ks_p11 *p, CK_SLOT_ID slot);
void ks_p11_sess_closed(ks_p11 *p, CK_SLOT_ID slot);
void ks_p11_note_login(ks_p11 *p, CK_SLOT_ID slot, const char *pin);
/* 1: `pin` is the PIN of the active user login; 0: it is not; -1: no login of ours is known. */
int ks_p11_check_login(ks_p11 *p, CK_SLOT_ID slot, const char *pin);

/* ---- errors (rv.c) ---- */
/* Symbolic name of a return value ("CKR_PIN_INCORRECT"), or "CKR_0x..." in a static buffer. */
const char *ks_p11_rv_name(CK_RV rv);
/* Records a token error for `rv` returned by `fn` (e.g. "C_Sign") on `token` (may be NULL). */
ks_status ks_p11_fail(ks_error *err, CK_RV rv, const char *fn, const char *token);
/* The msgid for a failed login: `rv` from C_Login, `flags` the token's CKF_* flags read after
 * the failure (0 when unknown), `so` true for the SO PIN. The message has one %s (the token
 * label). Returns NULL when `rv` is not a PIN problem. SoftHSM2 sets CKF_USER_PIN_COUNT_LOW after
 * a wrong PIN but never the final-try or locked flags, so the unit tests feed this function the
 * flag values directly. */
const char *ks_p11_pin_msgid(CK_RV rv, CK_FLAGS flags, bool so);

/* ---- sessions (session.c) ---- */
typedef struct ks_p11_sess {
    ks_p11 *p;
    CK_SLOT_ID slot;
    CK_SESSION_HANDLE h;
    bool open;
    ks_token_info info;
} ks_p11_sess;

/* Loads `module_path`, finds the token `token_label` (NULL: the only one), opens a session (rw
 * or not) and, when `pin` is given, logs in as `user` (CKU_USER or CKU_SO). A wrong or locked
 * PIN gives KS_E_TOKEN with the token's remaining-tries state. Close with ks_p11_close. */
ks_status ks_p11_open(const char *module_path, const char *token_label, bool rw, CK_USER_TYPE user,
                      const char *pin, ks_p11_sess *s, ks_error *err);
/* Logs in on an open session (CKR_USER_ALREADY_LOGGED_IN counts as success). */
ks_status ks_p11_login(ks_p11_sess *s, CK_USER_TYPE user, const char *pin, ks_error *err);
/* Closes the session (which ends its login once no other session of the app is open) and
 * drops the module reference. Safe on a zeroed or already closed struct. */
void ks_p11_close(ks_p11_sess *s);
/* Fills `out` from CK_TOKEN_INFO of `slot`. */
ks_status ks_p11_token_info(ks_p11 *p, CK_SLOT_ID slot, ks_token_info *out, CK_FLAGS *flags,
                            ks_error *err);

/* ---- objects (objects.c) ---- */
#define KS_P11_MAX_FOUND 64
/* Finds objects of `cls` with optional label and id. At most `max` handles. */
ks_status ks_p11_find(ks_p11_sess *s, CK_OBJECT_CLASS cls, const char *label, const uint8_t *id,
                      size_t id_len, CK_OBJECT_HANDLE *out, size_t max, size_t *n, ks_error *err);
/* Reads one variable-length attribute into a malloc'd buffer (+1 NUL byte, not counted). */
ks_status ks_p11_attr(ks_p11_sess *s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type, uint8_t **val,
                      size_t *len, ks_error *err);
/* Reads a CK_BBOOL attribute; false when the token does not have it. */
bool ks_p11_attr_bool(ks_p11_sess *s, CK_OBJECT_HANDLE o, CK_ATTRIBUTE_TYPE type);
/* Builds the public key of a key object (public or private; both carry the public parts:
 * RSA CKA_MODULUS/CKA_PUBLIC_EXPONENT, EC CKA_EC_PARAMS/CKA_EC_POINT, the latter from the public
 * key object with the same CKA_ID when the private key lacks it). */
ks_status ks_p11_pubkey(ks_p11_sess *s, CK_OBJECT_HANDLE key, EVP_PKEY **out, ks_error *err);

/* ---- creating objects (keygen.c, import.c) ---- */
/* Fills `id` with random bytes for a new CKA_ID. */
ks_status ks_p11_new_id(uint8_t *id, size_t len, ks_error *err);
/* Stores `cert` (CKO_CERTIFICATE, CKC_X_509) with `label` and `id` in a logged-in rw session,
 * replacing a certificate with the same CKA_ID. */
ks_status ks_p11_store_cert(ks_p11_sess *s, const char *label, const uint8_t *id, size_t id_len,
                            X509 *cert, ks_error *err);

/* ---- operations on an open, logged-in rw session (the bodies of the ks_token_* calls; the
 * path-taking functions open a session, call one of these and close it; ks_token_session calls
 * them on its long-lived session) ---- */
ks_status ks_p11_keygen_in(ks_p11_sess *s, const char *key_label, const char *spec, EVP_PKEY **pub,
                           ks_error *err);
ks_status ks_p11_delete_label_in(ks_p11_sess *s, const char *label, ks_error *err);
ks_status ks_p11_put_cert_in(ks_p11_sess *s, const char *label, X509 *cert, ks_error *err);
ks_status ks_p11_import_p12_in(ks_p11_sess *s, const char *label, const char *p12_path,
                               const char *p12_password, ks_error *err);
ks_status ks_p11_list_objects_in(ks_p11_sess *s, ks_token_obj **out, size_t *count, ks_error *err);
ks_status ks_p11_change_pin_in(ks_p11_sess *s, const char *old_pin, const char *new_pin,
                               ks_error *err);

/* A token signer on `s` (borrowed: it must stay open while the signer lives), signing under
 * `mu`, the mutex of the session's other users (signer.c). */
ks_status ks_p11_session_signer(const ks_p11_sess *s, pthread_mutex_t *mu, const char *key_label,
                                ks_signer **out, ks_error *err);

/* ---- encodings (sigformat.c) ---- */
/* Builds DER DigestInfo (RFC 8017 §9.2) for `md` over `digest`. `out` needs 19 + 64 bytes. */
ks_status ks_p11_digest_info(ks_md md, const uint8_t *digest, size_t digest_len, uint8_t *out,
                             size_t *out_len, ks_error *err);
/* Converts a raw r||s ECDSA signature (PKCS#11 CKM_ECDSA output) into DER ECDSA-Sig-Value
 * (RFC 5480 §2.2 / SEC 1). Writes at most *out_len bytes. */
ks_status ks_p11_ecdsa_der(const uint8_t *raw, size_t raw_len, uint8_t *out, size_t *out_len,
                           ks_error *err);
/* Digest length in bytes of `md`; 0 when unknown. PKCS#11 hash and MGF1 constants for PSS. */
size_t ks_p11_md_len(ks_md md);
CK_MECHANISM_TYPE ks_p11_md_mech(ks_md md);
CK_RSA_PKCS_MGF_TYPE ks_p11_md_mgf(ks_md md);

#endif
