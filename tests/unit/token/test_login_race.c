/* Many threads of one process sign with the same SoftHSM2 token at once, each through its own
 * ks_token_signer (module load, session, login, close), as kysod's request threads did: every
 * signature must succeed. The second thread's C_Login used to see the first one's login before
 * its record existed ("already logged in by another part of this program"), and a closing
 * session could forget the record while another was opening. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "kyso/signer.h"
#include "kyso/token.h"
#include "test.h"

#define TOK "kyso-race"
#define PIN "pin-race-1"
#define THREADS 16
#define ROUNDS 60

static const char *g_mod;
static char g_err[512];
static pthread_mutex_t g_err_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *find_softhsm(void)
{
    static const char *const cands[] = {
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
    };
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        struct stat st;
        if (stat(cands[i], &st) == 0)
            return cands[i];
    }
    return NULL;
}

static bool setup_store(void)
{
    const char *b = getenv("KYSO_BUILD");
    char dir[1024], cmd[1200], path[1100];
    snprintf(dir, sizeof dir, "%s/test-token-login-race", b && *b ? b : ".");
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/tokens'", dir, dir);
    if (system(cmd) != 0)
        return false;
    snprintf(path, sizeof path, "%s/softhsm2.conf", dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n",
            dir);
    fclose(f);
    return setenv("SOFTHSM2_CONF", path, 1) == 0;
}

static void *signer_thread(void *arg)
{
    (void)arg;
    long bad = 0;
    uint8_t digest[32] = {1, 2, 3}, sig[512];
    for (int i = 0; i < ROUNDS; i++) {
        ks_signer *s = NULL;
        ks_error e;
        size_t n = sizeof sig;
        ks_status st = ks_token_signer(g_mod, TOK, "k", PIN, &s, &e);
        if (st == KS_OK)
            st = s->sign(s, KS_SIG_ECDSA, KS_MD_SHA256, digest, sizeof digest, sig, &n, &e);
        if (st != KS_OK) {
            bad++;
            pthread_mutex_lock(&g_err_lock);
            snprintf(g_err, sizeof g_err, "%s", e.msg_en);
            pthread_mutex_unlock(&g_err_lock);
        }
        ks_signer_free(s);
    }
    return (void *)bad;
}

int main(void)
{
    g_mod = find_softhsm();
    CHECK(g_mod != NULL);
    CHECK(setup_store());
    if (!g_mod)
        return ks_test_done();
    ks_error e;
    CHECK(ks_token_init(g_mod, TOK, "so-12345678", PIN, &e) == KS_OK);
    EVP_PKEY *pub = NULL;
    CHECK(ks_token_keygen(g_mod, TOK, PIN, "k", "ec:P-256", &pub, &e) == KS_OK);
    /* the signer wants the key's certificate: a self-signed one over the token's public key,
     * signed by a throw-away key (the test signs digests, it does not verify chains) */
    EVP_PKEY *ca = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    X509_NAME *nm = X509_NAME_new();
    X509_NAME_add_entry_by_txt(nm, "CN", MBSTRING_UTF8, (const unsigned char *)"race", -1, -1, 0);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 9);
    X509_set_version(x, 2);
    X509_set_subject_name(x, nm);
    X509_set_issuer_name(x, nm);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, pub);
    X509_sign(x, ca, EVP_sha256());
    CHECK(ks_token_put_cert(g_mod, TOK, PIN, "k", x, &e) == KS_OK);
    X509_NAME_free(nm);
    X509_free(x);
    EVP_PKEY_free(ca);
    EVP_PKEY_free(pub);

    /* the race is a matter of timing: three storms (the old code failed 4 storms in 5) */
    long bad = 0;
    for (int storm = 0; storm < 3 && !bad; storm++) {
        pthread_t th[THREADS];
        for (int i = 0; i < THREADS; i++)
            pthread_create(&th[i], NULL, signer_thread, NULL);
        for (int i = 0; i < THREADS; i++) {
            void *r = NULL;
            pthread_join(th[i], &r);
            bad += (long)r;
        }
    }
    if (bad)
        fprintf(stderr, "%ld of %d signatures failed, e.g.: %s\n", bad, THREADS * ROUNDS, g_err);
    CHECK(bad == 0);
    return ks_test_done();
}
