/* ks_token_session against SoftHSM2 through a counting wrapper module (p11_count.c): one
 * session does keygen, certificate storage, PKCS#12 import, listing, deletion and a PIN change
 * with a single C_Initialize, C_OpenSession and C_Login, where the path-taking functions log in
 * on every call; and four threads share one session (its mutex keeps their calls apart). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <openssl/evp.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "kyso/token.h"
#include "test.h"

#define TOK "kyso-session"
#define SO "so-12345678"
#define PIN "pin-1111"
#define PIN2 "pin-2222"

static char g_dir[1024];
static unsigned long (*g_count)(int);

static const char *find_softhsm(void)
{
    const char *m = getenv("KYSO_P11_MODULE");
    if (m && *m)
        return m;
    static const char *const cands[] = {
        "/usr/lib/softhsm/libsofthsm2.so",
        "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so",
        "/usr/local/lib/softhsm/libsofthsm2.so",
    };
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        struct stat st;
        if (stat(cands[i], &st) == 0)
            return cands[i];
    }
    return NULL;
}

/* A private SoftHSM2 store: $KYSO_BUILD/test-token-session/{tokens,softhsm2.conf}. */
static bool setup_store(void)
{
    const char *b = getenv("KYSO_BUILD");
    snprintf(g_dir, sizeof g_dir, "%s/test-token-session", b && *b ? b : ".");
    char cmd[1200], path[1100];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s/tokens'", g_dir, g_dir);
    if (system(cmd) != 0)
        return false;
    snprintf(path, sizeof path, "%s/softhsm2.conf", g_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    fprintf(f, "directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n",
            g_dir);
    fclose(f);
    return setenv("SOFTHSM2_CONF", path, 1) == 0;
}

static X509 *make_cert(EVP_PKEY *subject_key, EVP_PKEY *issuer, const char *cn)
{
    X509 *x = X509_new();
    X509_NAME *n = X509_NAME_new();
    X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 7);
    X509_set_version(x, 2);
    X509_set_subject_name(x, n);
    X509_set_issuer_name(x, n);
    X509_gmtime_adj(X509_getm_notBefore(x), 0);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, subject_key);
    X509_sign(x, issuer, EVP_sha256());
    X509_NAME_free(n);
    return x;
}

/* A PKCS#12 file with a fresh EC key and its self-signed certificate. */
static bool write_p12(const char *path)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *x = make_cert(k, k, "imported");
    PKCS12 *p = PKCS12_create("p12-pass", "imported", k, x, NULL, 0, 0, 0, 0, 0);
    FILE *f = fopen(path, "wb");
    bool ok = p && f && i2d_PKCS12_fp(f, p) == 1;
    if (f)
        fclose(f);
    PKCS12_free(p);
    X509_free(x);
    EVP_PKEY_free(k);
    return ok;
}

static int has_label(const ks_token_obj *o, size_t n, const char *label, int kind)
{
    int c = 0;
    for (size_t i = 0; i < n; i++)
        c += strcmp(o[i].label, label) == 0 && o[i].kind == kind;
    return c;
}

static void *lister(void *arg)
{
    ks_token_session *ts = arg;
    long bad = 0;
    for (int i = 0; i < 10; i++) {
        ks_token_obj *o = NULL;
        size_t n = 0;
        ks_error e;
        if (ks_token_session_list_objects(ts, &o, &n, &e) != KS_OK ||
            has_label(o, n, "s-ec", 0) != 1)
            bad++;
        free(o);
    }
    return (void *)bad;
}

int main(void)
{
    const char *real = find_softhsm();
    CHECK(real != NULL);
    CHECK(setup_store());
    if (!real)
        return ks_test_done();
    setenv("KYSO_COUNT_REAL", real, 1);
    const char *mod = KYSO_P11_COUNT;
    /* Kept loaded by the test so its counters live across the library's loads and unloads. */
    void *h = dlopen(mod, RTLD_NOW | RTLD_LOCAL);
    CHECK(h != NULL);
    if (!h)
        return ks_test_done();
    *(void **)&g_count = dlsym(h, "kyso_count_get");
    CHECK(g_count != NULL);
    ks_error e;
    CHECK(ks_token_init(mod, TOK, SO, PIN, &e) == KS_OK);

    /* The path-taking functions (the CLI's) still work, and each logs in again. */
    unsigned long l0 = g_count(2);
    EVP_PKEY *pub = NULL;
    CHECK(ks_token_keygen(mod, TOK, PIN, "w-1", "ec:P-256", &pub, &e) == KS_OK && pub);
    EVP_PKEY_free(pub);
    CHECK(ks_token_delete_label(mod, TOK, PIN, "w-1", &e) == KS_OK);
    CHECK(g_count(2) - l0 == 2);

    /* One session, many operations, one login. */
    unsigned long i0 = g_count(0), o0 = g_count(1);
    l0 = g_count(2);
    ks_token_session *ts = NULL;
    CHECK(ks_token_session_open(mod, "nope", PIN, &ts, &e) == KS_E_TOKEN && ts == NULL);
    CHECK(strstr(e.msg_en, "nope") != NULL);
    CHECK(ks_token_session_open(mod, TOK, "wrong-pin", &ts, &e) == KS_E_TOKEN && ts == NULL);
    i0 = g_count(0), o0 = g_count(1), l0 = g_count(2);
    ks_status st = ks_token_session_open(mod, TOK, PIN, &ts, &e);
    CHECK(st == KS_OK && ts);
    if (st != KS_OK)
        return ks_test_done();
    CHECK_STR(ks_token_session_info(ts)->label, TOK);
    EVP_PKEY *rsa = NULL, *ec = NULL;
    CHECK(ks_token_session_keygen(ts, "s-rsa", "rsa:2048", &rsa, &e) == KS_OK && rsa);
    CHECK(ks_token_session_keygen(ts, "s-ec", "ec:P-256", &ec, &e) == KS_OK && ec);
    CHECK(ks_token_session_keygen(ts, "s-ec", "ec:P-256", &pub, &e) == KS_E_USAGE);
    CHECK(ks_token_session_keygen(ts, "s-x", "dsa:1024", &pub, &e) == KS_E_USAGE);
    EVP_PKEY *issuer = EVP_EC_gen("P-256");
    X509 *cert = make_cert(ec, issuer, "session cert");
    CHECK(ks_token_session_put_cert(ts, "s-ec", cert, &e) == KS_OK);
    CHECK(ks_token_session_put_cert(ts, "s-rsa", cert, &e) == KS_E_TRUST); /* not its key */
    char p12[1100];
    snprintf(p12, sizeof p12, "%s/in.p12", g_dir);
    CHECK(write_p12(p12));
    CHECK(ks_token_session_import_p12(ts, "s-imp", p12, "p12-pass", &e) == KS_OK);
    CHECK(ks_token_session_import_p12(ts, "s-imp2", p12, "bad-pass", &e) == KS_E_PASSWORD);
    ks_token_obj *o = NULL;
    size_t n = 0;
    CHECK(ks_token_session_list_objects(ts, &o, &n, &e) == KS_OK);
    CHECK(has_label(o, n, "s-rsa", 0) == 1 && has_label(o, n, "s-ec", 0) == 1);
    CHECK(has_label(o, n, "s-ec", 1) == 1 && has_label(o, n, "s-imp", 0) == 1);
    CHECK(has_label(o, n, "s-imp", 1) == 1);
    free(o);
    CHECK(ks_token_session_delete_label(ts, "s-rsa", &e) == KS_OK);
    CHECK(ks_token_session_list_objects(ts, &o, &n, &e) == KS_OK);
    CHECK(has_label(o, n, "s-rsa", 0) == 0 && has_label(o, n, "s-rsa", 2) == 0);
    free(o);
    /* sign with the session's login: the token's signature checks with the key's public key */
    ks_signer *sg = NULL;
    st = ks_token_session_signer(ts, "s-ec", &sg, &e);
    CHECK_MSG(st == KS_OK && sg && sg->cert, "session signer: %s", st ? e.msg_en : "");
    if (sg) {
        uint8_t dg[32] = {9, 8, 7}, sig[256];
        size_t sl = sizeof sig;
        CHECK(sg->sign(sg, KS_SIG_ECDSA, KS_MD_SHA256, dg, 32, sig, &sl, &e) == KS_OK);
        EVP_PKEY_CTX *vc = EVP_PKEY_CTX_new(ec, NULL);
        CHECK(vc && EVP_PKEY_verify_init(vc) > 0 && EVP_PKEY_verify(vc, sig, sl, dg, 32) == 1);
        EVP_PKEY_CTX_free(vc);
        ks_signer_free(sg);
    }
    CHECK(ks_token_session_signer(ts, "no-such-key", &sg, &e) != KS_OK && sg == NULL);
    CHECK(ks_token_session_change_pin(ts, PIN, PIN2, &e) == KS_OK);
    CHECK(ks_token_session_keygen(ts, "s-after", "ec:P-256", &pub, &e) == KS_OK && pub);
    EVP_PKEY_free(pub);

    /* Four threads share the session: the mutex runs their calls one at a time. */
    pthread_t th[4];
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, lister, ts);
    long bad = 0;
    for (int i = 0; i < 4; i++) {
        void *r = NULL;
        pthread_join(th[i], &r);
        bad += (long)r;
    }
    CHECK(bad == 0);

    CHECK_MSG(g_count(2) - l0 == 1, "C_Login called %lu times in one session", g_count(2) - l0);
    CHECK_MSG(g_count(1) - o0 == 1, "C_OpenSession called %lu times", g_count(1) - o0);
    CHECK(g_count(0) - i0 <= 1);
    ks_token_session_close(ts);
    ks_token_session_close(NULL);

    /* The PIN change is the token's: the old PIN no longer opens it. */
    CHECK(ks_token_session_open(mod, TOK, PIN, &ts, &e) == KS_E_TOKEN);
    CHECK(ks_token_session_open(mod, TOK, PIN2, &ts, &e) == KS_OK);
    ks_token_session_close(ts);

    X509_free(cert);
    EVP_PKEY_free(issuer);
    EVP_PKEY_free(rsa);
    EVP_PKEY_free(ec);
    dlclose(h);
    return ks_test_done();
}
