/* util/trust.c — the trust store: anchors loaded once (PEM files, a directory of *.pem / *.crt)
 * and then only read, by any number of threads. Nothing else is trusted: not the system store,
 * not certificates shipped inside a document. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "kyso/ctx.h"

struct ks_trust {
    X509_STORE *store;
    STACK_OF(X509) * anchors;
};

ks_status ks_trust_new(ks_trust **out, ks_error *err)
{
    ks_trust *t = calloc(1, sizeof *t);
    if (!t || !(t->store = X509_STORE_new()) || !(t->anchors = sk_X509_new_null())) {
        ks_trust_free(t);
        *out = NULL;
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    *out = t;
    return KS_OK;
}

void ks_trust_free(ks_trust *t)
{
    if (!t)
        return;
    X509_STORE_free(t->store);
    sk_X509_pop_free(t->anchors, X509_free);
    free(t);
}

static void add(ks_trust *t, X509 *x)
{
    X509_check_purpose(x, -1, 0); /* fill OpenSSL's lazy caches before the store is shared */
    X509_STORE_add_cert(t->store, x);
    if (!sk_X509_push(t->anchors, x))
        X509_free(x);
}

static ks_status load(ks_trust *t, const char *path, bool required, ks_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (!required)
            return KS_OK;
        return ks_error_set(err, KS_E_USAGE, N_("cannot read the trust anchor file \"%s\""), path);
    }
    int n = 0;
    X509 *x;
    while ((x = PEM_read_X509(f, NULL, NULL, NULL)) != NULL) {
        add(t, x);
        n++;
    }
    fclose(f);
    if (n == 0 && required) {
        /* Maybe DER. */
        uint8_t *der = NULL;
        size_t len = 0;
        if (ks_read_file(path, 1 << 20, &der, &len, NULL) == KS_OK) {
            const unsigned char *p = der;
            x = d2i_X509(NULL, &p, (long)len);
            free(der);
            if (x) {
                add(t, x);
                n = 1;
            }
        }
    }
    if (n == 0 && required)
        return ks_error_set(err, KS_E_USAGE,
                            N_("the trust anchor file \"%s\" holds no certificate"), path);
    return KS_OK;
}

ks_status ks_trust_add_file(ks_trust *t, const char *path, ks_error *err)
{
    return load(t, path, true, err);
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

ks_status ks_trust_add_dir(ks_trust *t, const char *dir, ks_error *err)
{
    (void)err;
    DIR *d = dir && *dir ? opendir(dir) : NULL;
    if (!d)
        return KS_OK;
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL && files < 4096) {
        if (!has_suffix(e->d_name, ".pem") && !has_suffix(e->d_name, ".crt"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        load(t, path, false, NULL);
        files++;
    }
    closedir(d);
    return KS_OK;
}

size_t ks_trust_count(const ks_trust *t)
{
    return t ? (size_t)sk_X509_num(t->anchors) : 0;
}

X509_STORE *ks_trust_store(const ks_trust *t)
{
    return t ? t->store : NULL;
}

STACK_OF(X509) * ks_trust_anchors(const ks_trust *t)
{
    return t ? t->anchors : NULL;
}
