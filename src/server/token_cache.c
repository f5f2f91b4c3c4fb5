/* server/token_cache.c — see token_cache.h. A small table under one mutex: opening a session
 * (rare: a label's first use) holds it; a signature does not (the session's own mutex keeps
 * two threads' calls to one token apart). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "kyso/token.h"
#include "token_cache.h"

#define TOKEN_CACHE_SLOTS 32

struct kysod_token_use {
    char label[256];
    uint8_t pin_mac[32]; /* HMAC of the PIN under the cache's random key; the PIN is not kept */
    ks_token_session *ts;
    ks_signer *signer; /* the token's key and certificate, found once; shared (read-only) */
    int users;
    bool retired; /* closed when the last user gives it back */
};

struct kysod_token_cache {
    pthread_mutex_t mu;
    uint8_t key[32];
    kysod_token_use slot[TOKEN_CACHE_SLOTS];
};

ks_status kysod_token_cache_new(kysod_token_cache **out, ks_error *err)
{
    kysod_token_cache *c = calloc(1, sizeof *c);
    if (!c || RAND_bytes(c->key, sizeof c->key) != 1) {
        free(c);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    pthread_mutex_init(&c->mu, NULL);
    *out = c;
    return KS_OK;
}

void kysod_token_cache_free(kysod_token_cache *c)
{
    if (!c)
        return;
    for (int i = 0; i < TOKEN_CACHE_SLOTS; i++) {
        ks_signer_free(c->slot[i].signer);
        ks_token_session_close(c->slot[i].ts);
    }
    pthread_mutex_destroy(&c->mu);
    OPENSSL_cleanse(c, sizeof *c);
    free(c);
}

static void pin_mac(const kysod_token_cache *c, const char *pin, uint8_t out[32])
{
    unsigned int n = 32;
    if (!HMAC(EVP_sha256(), c->key, sizeof c->key, (const unsigned char *)pin, strlen(pin), out,
              &n))
        memset(out, 0, 32); /* matches no PIN's MAC in practice: a new session checks it */
}

static void close_slot(kysod_token_use *u)
{
    ks_signer_free(u->signer); /* borrows the session: freed first */
    ks_token_session_close(u->ts);
    memset(u, 0, sizeof *u);
}

ks_status kysod_token_acquire(kysod_token_cache *c, const char *module, const char *label,
                              const char *pin, kysod_token_use **use, ks_signer **signer,
                              ks_error *err)
{
    *use = NULL;
    *signer = NULL;
    if (strlen(label) >= sizeof c->slot[0].label)
        return ks_error_set(err, KS_E_USAGE, N_("the token label is too long"));
    uint8_t mac[32];
    pin_mac(c, pin, mac);
    ks_status st = KS_OK;
    pthread_mutex_lock(&c->mu);
    kysod_token_use *u = NULL, *free_slot = NULL;
    for (int i = 0; i < TOKEN_CACHE_SLOTS; i++) {
        kysod_token_use *s = &c->slot[i];
        if (!s->ts) {
            free_slot = free_slot ? free_slot : s;
            continue;
        }
        if (s->retired || strcmp(s->label, label) != 0)
            continue;
        if (CRYPTO_memcmp(s->pin_mac, mac, sizeof mac) == 0) {
            u = s;
            break;
        }
        /* another PIN than the session's: retire it, log in afresh (the token checks it) */
        s->retired = true;
        if (s->users == 0) {
            close_slot(s);
            free_slot = free_slot ? free_slot : s;
        }
    }
    if (!u && !free_slot) {
        /* every slot busy: retire an idle one */
        for (int i = 0; i < TOKEN_CACHE_SLOTS && !free_slot; i++)
            if (c->slot[i].users == 0) {
                close_slot(&c->slot[i]);
                free_slot = &c->slot[i];
            }
    }
    if (!u && !free_slot)
        st = ks_error_set(err, KS_E_LIMIT, N_("too many server-side tokens in use at once"));
    if (!u && st == KS_OK) {
        ks_token_session *ts = NULL;
        ks_signer *sg = NULL;
        st = ks_token_session_open(module, label, pin, &ts, err);
        if (st == KS_OK)
            st = ks_token_session_signer(ts, NULL, &sg, err);
        if (st == KS_OK) {
            u = free_slot;
            memcpy(u->label, label, strlen(label) + 1);
            memcpy(u->pin_mac, mac, sizeof mac);
            u->ts = ts;
            u->signer = sg;
        } else {
            ks_token_session_close(ts);
        }
    }
    if (u)
        u->users++;
    pthread_mutex_unlock(&c->mu);
    OPENSSL_cleanse(mac, sizeof mac);
    if (st != KS_OK)
        return st;
    *use = u;
    *signer = u->signer;
    return KS_OK;
}

void kysod_token_release(kysod_token_cache *c, kysod_token_use *use, bool failed)
{
    if (!use)
        return;
    pthread_mutex_lock(&c->mu);
    use->users--;
    if (failed)
        use->retired = true;
    if (use->retired && use->users == 0)
        close_slot(use);
    pthread_mutex_unlock(&c->mu);
}
