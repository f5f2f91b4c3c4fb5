/* pki/issue_request.c — issuance as one transaction with rollback (ks_ca_issue_request): check,
 * make or read the key, issue, deliver; on a failure after the key exists, take back what was
 * made (token key pair, PKCS#12 file, recorded certificate). Moved out of the CLI so that kysod
 * issues the same way. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kyso/token.h"
#include "pki_internal.h"

#define CRL_REASON_CESSATION 5 /* RFC 5280 §5.3.1 cessationOfOperation */

static ks_status check_req(const ks_ca_issue_req *r, ks_error *err)
{
    switch (r->source) {
    case KS_CA_KEY_CSR:
        if (!r->csr_path)
            return ks_error_set(err, KS_E_USAGE, N_("the request names no certification request"));
        break;
    case KS_CA_KEY_P12:
        if (!r->p12_path)
            return ks_error_set(err, KS_E_USAGE, N_("the request names no PKCS#12 file"));
        if (!r->secret || !*r->secret)
            return ks_error_set(err, KS_E_USAGE, N_("the PKCS#12 password must not be empty"));
        break;
    case KS_CA_KEY_TOKEN:
        if (!r->pkcs11_module || !r->token_label)
            return ks_error_set(err, KS_E_USAGE,
                                N_("a key in a token needs the PKCS#11 module and the token's "
                                   "label"));
        if (!r->secret || !*r->secret)
            return ks_error_set(err, KS_E_USAGE, N_("signing with a token needs the user PIN"));
        break;
    default:
        return ks_error_set(err, KS_E_USAGE, N_("unknown key source %d"), (int)r->source);
    }
    return ks_ca_issue_check(&r->subject, r->years, err);
}

ks_status ks_ca_issue_request(ks_ca *ca, const ks_ca_issue_req *r, X509 **out, ks_error *err)
{
    if (out)
        *out = NULL;
    /* Refuse a bad request before a key is generated, so that no orphan key is left behind. */
    ks_status st = check_req(r, err);
    if (st != KS_OK)
        return st;
    const char *spec = r->key_type ? r->key_type : "rsa:2048";
    /* a token belongs to its holder: label the key with the name */
    const char *label = r->key_label ? r->key_label : r->subject.name;
    EVP_PKEY *key = NULL;
    X509 *cert = NULL;
    bool token_key = false, p12_written = false;
    if (r->source == KS_CA_KEY_CSR) {
        st = ks_pki_read_csr(r->csr_path, &key, err);
    } else if (r->source == KS_CA_KEY_TOKEN) {
        /* Decree 68 Art. 11: the CA generates the key pair inside the token it hands over */
        st = ks_token_keygen(r->pkcs11_module, r->token_label, r->secret, label, spec, &key, err);
        token_key = st == KS_OK;
    } else {
        st = ks_pki_keygen(spec, &key, err);
    }
    if (st == KS_OK)
        st = ks_ca_issue(ca, &r->subject, key, r->years, &cert, err);
    if (st == KS_OK && r->source == KS_CA_KEY_TOKEN)
        st = ks_token_put_cert(r->pkcs11_module, r->token_label, r->secret, label, cert, err);
    if (st == KS_OK && r->source == KS_CA_KEY_P12) {
        STACK_OF(X509) *chain = sk_X509_new_null();
        if (chain) {
            sk_X509_push(chain, ks_ca_issuing_cert(ca));
            sk_X509_push(chain, ks_ca_root_cert(ca));
        }
        st = ks_pki_write_p12(r->p12_path, key, cert, chain, r->secret, err);
        sk_X509_free(chain);
        p12_written = st == KS_OK;
    }
    if (st == KS_OK && r->out_path)
        st = ks_pki_write_cert_pem(r->out_path, cert, err);
    if (st != KS_OK) {
        /* take back what this request made; the first error stays the one reported */
        ks_error ignored;
        if (token_key)
            ks_token_delete_label(r->pkcs11_module, r->token_label, r->secret, label, &ignored);
        if (p12_written)
            unlink(r->p12_path);
        if (cert) {
            char serial[128] = "";
            const ASN1_INTEGER *sn = X509_get0_serialNumber(cert);
            BIGNUM *bn = ASN1_INTEGER_to_BN(sn, NULL);
            char *hex = bn ? BN_bn2hex(bn) : NULL;
            if (hex)
                snprintf(serial, sizeof serial, "%s", hex);
            OPENSSL_free(hex);
            BN_free(bn);
            if (*serial)
                ks_ca_revoke(ca, serial, CRL_REASON_CESSATION, &ignored);
        }
        X509_free(cert);
        cert = NULL;
    }
    EVP_PKEY_free(key);
    if (out)
        *out = cert;
    else
        X509_free(cert);
    return st;
}
