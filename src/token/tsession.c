/* token/tsession.c — ks_token_session: one module load, one session and one login kept across
 * many administrative calls (a server or a batch enrolment does not log in for every key). Each
 * call holds the session's mutex, because a PKCS#11 session is not for concurrent use. */
#include <pthread.h>
#include <stdlib.h>

#include "p11_internal.h"

struct ks_token_session {
    ks_p11_sess s;
    pthread_mutex_t mu;
};

ks_status ks_token_session_open(const char *module_path, const char *token_label, const char *pin,
                                ks_token_session **out, ks_error *err)
{
    *out = NULL;
    if (!pin)
        return ks_error_set(err, KS_E_USAGE, N_("a token session needs the user PIN"));
    ks_token_session *ts = calloc(1, sizeof *ts);
    if (!ts)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = ks_p11_open(module_path, token_label, true, CKU_USER, pin, &ts->s, err);
    if (st != KS_OK) {
        free(ts);
        return st;
    }
    pthread_mutex_init(&ts->mu, NULL);
    *out = ts;
    return KS_OK;
}

void ks_token_session_close(ks_token_session *ts)
{
    if (!ts)
        return;
    ks_p11_close(&ts->s);
    pthread_mutex_destroy(&ts->mu);
    free(ts);
}

const ks_token_info *ks_token_session_info(const ks_token_session *ts)
{
    return &ts->s.info;
}

ks_status ks_token_session_keygen(ks_token_session *ts, const char *key_label, const char *spec,
                                  EVP_PKEY **pub, ks_error *err)
{
    pthread_mutex_lock(&ts->mu);
    ks_status st = ks_p11_keygen_in(&ts->s, key_label, spec, pub, err);
    pthread_mutex_unlock(&ts->mu);
    return st;
}

ks_status ks_token_session_delete_label(ks_token_session *ts, const char *label, ks_error *err)
{
    pthread_mutex_lock(&ts->mu);
    ks_status st = ks_p11_delete_label_in(&ts->s, label, err);
    pthread_mutex_unlock(&ts->mu);
    return st;
}

ks_status ks_token_session_put_cert(ks_token_session *ts, const char *label, X509 *cert,
                                    ks_error *err)
{
    pthread_mutex_lock(&ts->mu);
    ks_status st = ks_p11_put_cert_in(&ts->s, label, cert, err);
    pthread_mutex_unlock(&ts->mu);
    return st;
}

ks_status ks_token_session_import_p12(ks_token_session *ts, const char *label, const char *p12_path,
                                      const char *p12_password, ks_error *err)
{
    pthread_mutex_lock(&ts->mu);
    ks_status st = ks_p11_import_p12_in(&ts->s, label, p12_path, p12_password, err);
    pthread_mutex_unlock(&ts->mu);
    return st;
}

ks_status ks_token_session_list_objects(ks_token_session *ts, ks_token_obj **out, size_t *count,
                                        ks_error *err)
{
    pthread_mutex_lock(&ts->mu);
    ks_status st = ks_p11_list_objects_in(&ts->s, out, count, err);
    pthread_mutex_unlock(&ts->mu);
    return st;
}

ks_status ks_token_session_change_pin(ks_token_session *ts, const char *old_pin,
                                      const char *new_pin, ks_error *err)
{
    pthread_mutex_lock(&ts->mu);
    ks_status st = ks_p11_change_pin_in(&ts->s, old_pin, new_pin, err);
    pthread_mutex_unlock(&ts->mu);
    return st;
}

ks_status ks_token_session_signer(ks_token_session *ts, const char *key_label, ks_signer **out,
                                  ks_error *err)
{
    pthread_mutex_lock(&ts->mu);
    ks_status st = ks_p11_session_signer(&ts->s, &ts->mu, key_label, out, err);
    pthread_mutex_unlock(&ts->mu);
    return st;
}
