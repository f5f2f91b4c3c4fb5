/* verify/trust.c — the trust anchors of a run: PEM files given with --trust, then every *.pem /
 * *.crt in the trust directory ($KYSO_TRUST_DIR, else /etc/kyso/trust). Nothing else is
 * trusted: not the system store, not certificates shipped inside the document. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "vctx.h"

static ks_status load_pem(ks_vctx *c, const char *path, bool required, ks_error *err)
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
        X509_STORE_add_cert(c->store, x);
        if (!sk_X509_push(c->anchors, x))
            X509_free(x);
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
                X509_STORE_add_cert(c->store, x);
                if (!sk_X509_push(c->anchors, x))
                    X509_free(x);
                n = 1;
            }
        }
    }
    if (n == 0 && required)
        return ks_error_set(err, KS_E_USAGE,
                            N_("the trust anchor file \"%s\" holds no certificate"), path);
    return KS_OK;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}

ks_status ks_vf_trust_load(ks_vctx *c, ks_error *err)
{
    c->store = X509_STORE_new();
    c->anchors = sk_X509_new_null();
    if (!c->store || !c->anchors)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    const ks_verify_opts *o = c->opts;
    for (size_t i = 0; o && i < o->ntrust && i < KS_VERIFY_MAX_TRUST; i++) {
        ks_status st = load_pem(c, o->trust_files[i], true, err);
        if (st != KS_OK)
            return st;
    }
    const char *dir = o && o->trust_dir ? o->trust_dir : getenv("KYSO_TRUST_DIR");
    if (!dir || !*dir)
        dir = "/etc/kyso/trust";
    DIR *d = opendir(dir);
    if (!d)
        return KS_OK;
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)) != NULL && files < 4096) {
        if (!has_suffix(e->d_name, ".pem") && !has_suffix(e->d_name, ".crt"))
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        load_pem(c, path, false, NULL);
        files++;
    }
    closedir(d);
    return KS_OK;
}
