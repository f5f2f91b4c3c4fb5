/* pki/keys.c — key pairs and the files that carry keys and certificates: generation, PEM keys
 * written mode 0600, PKCS#10 requests, PKCS#12 bundles, certificate PEM files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>

#include "pki_internal.h"

static const char *ossl_reason(void)
{
    unsigned long e = ERR_peek_last_error();
    const char *r = e ? ERR_reason_error_string(e) : NULL;
    return r ? r : "unknown";
}

ks_status ks_pki_keygen(const char *spec, EVP_PKEY **out, ks_error *err)
{
    *out = NULL;
    EVP_PKEY *k = NULL;
    if (strcmp(spec, "rsa:2048") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048);
    else if (strcmp(spec, "rsa:3072") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)3072);
    else if (strcmp(spec, "ec:P-256") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256");
    else if (strcmp(spec, "ec:P-384") == 0)
        k = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
    else
        return ks_error_set(err, KS_E_USAGE, N_("unknown key type \"%s\""), spec);
    if (!k)
        return ks_error_set(err, KS_E_CRYPTO, N_("key generation (%s) failed: %s"), spec,
                            ossl_reason());
    *out = k;
    return KS_OK;
}

ks_status ks_pki_key_check(EVP_PKEY *pub, ks_error *err)
{
    int bits = EVP_PKEY_get_bits(pub);
    switch (EVP_PKEY_get_base_id(pub)) {
    case EVP_PKEY_RSA:
        if (bits >= 2048)
            return KS_OK;
        break;
    case EVP_PKEY_EC:
        if (bits >= 256)
            return KS_OK;
        break;
    default:
        break;
    }
    return ks_error_set(err, KS_E_CRYPTO,
                        N_("the public key (%d bits) is too weak: RSA-2048 or ECDSA P-256 at "
                           "least is required (Circular 15/2025)"),
                        bits);
}

/* Opens `path` for writing with mode `mode`, replacing an old file. */
static FILE *open_private(const char *path, mode_t mode, ks_error *err)
{
    unlink(path);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
    if (fd < 0) {
        ks_error_set(err, KS_E_IO, N_("cannot create output file \"%s\": %s"), path,
                     strerror(errno));
        return NULL;
    }
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        ks_error_set(err, KS_E_IO, N_("cannot create output file \"%s\": %s"), path,
                     strerror(errno));
    }
    return f;
}

ks_status ks_pki_key_save(const char *path, EVP_PKEY *key, ks_error *err)
{
    FILE *f = open_private(path, 0600, err);
    if (!f)
        return err ? err->status : KS_E_IO;
    int ok = PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
    ok = (fflush(f) == 0 && fsync(fileno(f)) == 0) && ok;
    if (fclose(f) != 0 || !ok)
        return ks_error_set(err, KS_E_IO, N_("cannot write the key file \"%s\""), path);
    return KS_OK;
}

ks_status ks_pki_key_load(const char *path, EVP_PKEY **out, ks_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ks_error_set(err, KS_E_IO, N_("cannot open file \"%s\": %s"), path, strerror(errno));
    EVP_PKEY *k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
    fclose(f);
    if (!k)
        return ks_error_set(err, KS_E_FORMAT, N_("\"%s\" does not hold a PEM private key"), path);
    *out = k;
    return KS_OK;
}

ks_status ks_pki_cert_load(const char *path, X509 **out, ks_error *err)
{
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ks_error_set(err, KS_E_IO, N_("cannot open file \"%s\": %s"), path, strerror(errno));
    X509 *c = PEM_read_X509(f, NULL, NULL, NULL);
    fclose(f);
    if (!c)
        return ks_error_set(err, KS_E_FORMAT, N_("\"%s\" does not hold a PEM certificate"), path);
    *out = c;
    return KS_OK;
}

ks_status ks_pki_read_csr(const char *path, EVP_PKEY **pub, ks_error *err)
{
    *pub = NULL;
    uint8_t *data = NULL;
    size_t len = 0;
    ks_status st = ks_read_file(path, 1 << 20, &data, &len, err);
    if (st != KS_OK)
        return st;
    X509_REQ *req = NULL;
    BIO *b = BIO_new_mem_buf(data, (int)len);
    if (b)
        req = PEM_read_bio_X509_REQ(b, NULL, NULL, NULL);
    BIO_free(b);
    if (!req) {
        const unsigned char *p = data;
        req = d2i_X509_REQ(NULL, &p, (long)len);
    }
    free(data);
    if (!req)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("\"%s\" is not a certificate request (PKCS#10, PEM or DER)"), path);
    EVP_PKEY *k = X509_REQ_get_pubkey(req);
    if (!k || X509_REQ_verify(req, k) != 1) {
        st = ks_error_set(err, KS_E_CRYPTO,
                          N_("the signature of certificate request \"%s\" does not verify"), path);
        EVP_PKEY_free(k);
    } else {
        *pub = k;
    }
    X509_REQ_free(req);
    ERR_clear_error();
    return st;
}

ks_status ks_pki_write_p12(const char *path, EVP_PKEY *key, X509 *cert, STACK_OF(X509) * chain,
                           const char *password, ks_error *err)
{
    char cn[256] = "kyso";
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    /* NID 0 / defaults: AES-256-CBC with PBKDF2 and a SHA-256 MAC in OpenSSL 3. */
    PKCS12 *p12 = PKCS12_create(password, cn, key, cert, chain, 0, 0, 0, 0, 0);
    if (!p12)
        return ks_error_set(err, KS_E_CRYPTO, N_("cannot build the PKCS#12 file \"%s\": %s"), path,
                            ossl_reason());
    FILE *f = open_private(path, 0600, err);
    if (!f) {
        PKCS12_free(p12);
        return err ? err->status : KS_E_IO;
    }
    int ok = i2d_PKCS12_fp(f, p12);
    ok = (fflush(f) == 0 && fsync(fileno(f)) == 0) && ok;
    PKCS12_free(p12);
    if (fclose(f) != 0 || !ok)
        return ks_error_set(err, KS_E_IO, N_("cannot write the PKCS#12 file \"%s\""), path);
    return KS_OK;
}

ks_status ks_pki_write_cert_pem(const char *path, X509 *cert, ks_error *err)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (!b || !PEM_write_bio_X509(b, cert)) {
        BIO_free(b);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    char *p = NULL;
    long n = BIO_get_mem_data(b, &p);
    ks_status st = ks_write_file_atomic(path, p, (size_t)n, err);
    BIO_free(b);
    return st;
}

void ks_pki_serial_hex(const ASN1_INTEGER *serial, char out[80])
{
    out[0] = 0;
    BIGNUM *bn = ASN1_INTEGER_to_BN(serial, NULL);
    char *h = bn ? BN_bn2hex(bn) : NULL;
    if (h) {
        /* BN_bn2hex gives whole bytes for positive numbers ("0A", not "A"). */
        snprintf(out, 80, "%s", h[0] == '-' ? h + 1 : h);
        if (strcmp(out, "0") == 0)
            snprintf(out, 80, "00");
    }
    OPENSSL_free(h);
    BN_free(bn);
}
