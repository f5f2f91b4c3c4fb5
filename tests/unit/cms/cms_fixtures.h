/* tests/unit/cms/cms_fixtures.h — a throwaway test PKI made with the openssl CLI in the build
 * directory (root CA, RSA-3072 and EC P-256 signers, a TSA with a critical timeStamping EKU),
 * plus small file helpers shared by the CMS tests. Header-only: each test is one program. */
#ifndef KYSO_CMS_FIXTURES_H
#define KYSO_CMS_FIXTURES_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/rand.h>

#include "kyso/cms.h"
#include "kyso/util.h"
#include "test.h"

/* Creates the PKI under `dir` with RSA keys of `rsa_bits` for the root and the RSA signer (3072
 * as the brief asks; 2048 where a test only needs some key, for speed); returns 0 on success.
 * Files: root.{key,pem}, rsa.{key,pem,p12}, rsa-enc.key (password "secret"), ec.{key,pem,p12},
 * tsa.{key,pem}, rsa-twin.pem (same issuer, serial and key as rsa.pem, other validity), other.pem
 * (another RSA signer). */
static inline int fx_make_pki(const char *dir, int rsa_bits)
{
    return ks_test_sh(
        NULL,
        "set -e; cd '%s'\n"
        "cat > ext.cnf <<'X'\n"
        "[ca]\nbasicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign,cRLSign\n"
        "subjectKeyIdentifier=hash\n"
        "[signer]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature,nonRepudiation\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
        "[tsa]\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature\n"
        "extendedKeyUsage=critical,timeStamping\nsubjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
        "X\n"
        "openssl req -x509 -newkey rsa:%d -nodes -keyout root.key -out root.pem -days 3650 "
        "-subj '/CN=kyso test root/O=kyso tests' -addext basicConstraints=critical,CA:true "
        "-addext keyUsage=critical,keyCertSign,cRLSign 2>/dev/null\n"
        "issue() { # name subj ext keyopt serial days\n"
        "  openssl req -new -utf8 -key $1.key -subj \"$2\" -out $1.csr 2>/dev/null\n"
        "  openssl x509 -req -in $1.csr -CA root.pem -CAkey root.key -set_serial $5 -days $6 "
        "-extfile ext.cnf -extensions $3 -out $1.pem 2>/dev/null\n"
        "}\n"
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:%d -out rsa.key 2>/dev/null\n"
        "issue rsa '/CN=Nguyễn Văn A/O=Ủy ban nhân dân thử nghiệm' signer x 4097 365\n"
        "cp rsa.key rsa-twin.key; issue rsa-twin '/CN=Nguyễn Văn A/O=Ủy ban nhân dân thử nghiệm' "
        "signer x 4097 366\n"
        "openssl pkcs8 -topk8 -in rsa.key -out rsa-enc.key -passout pass:secret -v2 aes-256-cbc\n"
        "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null\n"
        "issue ec '/CN=Trần Thị B/O=Sở thử nghiệm' signer x 4098 365\n"
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out other.key 2>/dev/null\n"
        "issue other '/CN=Người khác' signer x 4099 365\n"
        "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out tsa.key 2>/dev/null\n"
        "issue tsa '/CN=kyso test TSA' tsa x 4100 365\n"
        "openssl pkcs12 -export -inkey rsa.key -in rsa.pem -certfile root.pem -out rsa.p12 "
        "-passout pass:pw -name rsa\n"
        "openssl pkcs12 -export -inkey ec.key -in ec.pem -out ec.p12 -passout pass: -name ec\n",
        dir, rsa_bits, rsa_bits);
}

static inline char *fx_path(const char *dir, const char *name)
{
    static char buf[8][4096];
    static int next;
    char *b = buf[next++ % 8];
    snprintf(b, sizeof buf[0], "%s/%s", dir, name);
    return b;
}

static inline int fx_write(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

/* Random content of `len` bytes (malloc'd). */
static inline uint8_t *fx_random(size_t len)
{
    uint8_t *p = malloc(len);
    if (p && RAND_bytes(p, (int)len) != 1) {
        free(p);
        return NULL;
    }
    return p;
}

static inline uint8_t *fx_memmem(uint8_t *hay, size_t hlen, const uint8_t *needle, size_t nlen)
{
    for (size_t i = 0; nlen && i + nlen <= hlen; i++)
        if (memcmp(hay + i, needle, nlen) == 0)
            return hay + i;
    return NULL;
}

#endif
