/* pdf/crypt.c — the standard security handler (ISO 32000-2 §7.6.4): file key from the user or
 * owner password (R2–R4 with RC4/AESV2, R5/R6 with AESV3), per-object keys, and decryption of
 * strings and streams as objects are loaded; encryption of new objects for the writer. */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rand.h>

#include "internal.h"

enum { KS_CM_NONE = 0, KS_CM_RC4, KS_CM_AESV2, KS_CM_AESV3 };

struct ks_crypt {
    int v, r, length_bits;
    int64_t p;
    int str_method, stm_method; /* KS_CM_* for strings and streams (/StrF, /StmF) */
    bool encrypt_metadata;
    bool user_empty;
    uint8_t key[32];
    size_t key_len;
    uint32_t encrypt_num; /* the /Encrypt dictionary's object (its strings are in clear) */
};

static const uint8_t pad32[32] = {0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E,
                                  0x56, 0xFF, 0xFA, 0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68,
                                  0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};

/* RC4 is not in OpenSSL 3's default provider; it is small enough to carry. */
static void rc4(const uint8_t *key, size_t key_len, const uint8_t *in, size_t len, uint8_t *out)
{
    uint8_t s[256];
    for (int i = 0; i < 256; i++)
        s[i] = (uint8_t)i;
    for (int i = 0, j = 0; i < 256; i++) {
        j = (j + s[i] + key[(size_t)i % key_len]) & 0xff;
        uint8_t t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
    int i = 0, j = 0;
    for (size_t k = 0; k < len; k++) {
        i = (i + 1) & 0xff;
        j = (j + s[i]) & 0xff;
        uint8_t t = s[i];
        s[i] = s[j];
        s[j] = t;
        out[k] = in[k] ^ s[(s[i] + s[j]) & 0xff];
    }
    ks_wipe(s, sizeof s);
}

static bool digest(const char *name, const uint8_t *const *parts, const size_t *lens, int n,
                   uint8_t *out)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    bool ok = c && EVP_DigestInit_ex(c, EVP_get_digestbyname(name), NULL);
    for (int i = 0; ok && i < n; i++)
        ok = EVP_DigestUpdate(c, parts[i], lens[i]);
    ok = ok && EVP_DigestFinal_ex(c, out, NULL);
    EVP_MD_CTX_free(c);
    return ok;
}

static bool md5(const uint8_t *d, size_t n, uint8_t out[16])
{
    const uint8_t *p[1] = {d};
    size_t l[1] = {n};
    return digest("MD5", p, l, 1, out);
}

/* AES-CBC without padding handling of its own unless `pad` (PKCS#7). */
static bool aes_cbc(bool enc, const uint8_t *key, size_t key_len, const uint8_t *iv,
                    const uint8_t *in, size_t len, bool pad, uint8_t *out, size_t *out_len)
{
    const EVP_CIPHER *ci = key_len == 16 ? EVP_aes_128_cbc() : EVP_aes_256_cbc();
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    bool ok = c && EVP_CipherInit_ex(c, ci, NULL, key, iv, enc ? 1 : 0) &&
              EVP_CIPHER_CTX_set_padding(c, pad ? 1 : 0) &&
              EVP_CipherUpdate(c, out, &l1, in, (int)len) && EVP_CipherFinal_ex(c, out + l1, &l2);
    EVP_CIPHER_CTX_free(c);
    if (ok)
        *out_len = (size_t)l1 + (size_t)l2;
    return ok;
}

static const ks_pdf_obj *str_of(const ks_pdf_obj *d, const char *key)
{
    const ks_pdf_obj *o = ks_pdf_dict_get(d, key);
    return o && o->type == KS_PDF_STRING ? o : NULL;
}

/* ISO 32000-2 §7.6.4.3.2 Algorithm 2: file key of R2–R4 from a (padded) user password. */
static bool key_r4(const ks_crypt *c, const uint8_t *pw, size_t pw_len, const ks_pdf_obj *o,
                   const ks_pdf_obj *id0, uint8_t *key)
{
    uint8_t buf[32 + 32 + 4 + 256 + 4];
    size_t n = 0;
    if (pw_len > 32)
        pw_len = 32;
    memcpy(buf, pw, pw_len);
    memcpy(buf + pw_len, pad32, 32 - pw_len);
    n = 32;
    memcpy(buf + n, o->u.str.data, 32);
    n += 32;
    uint32_t p = (uint32_t)c->p;
    for (int i = 0; i < 4; i++)
        buf[n++] = (uint8_t)(p >> (8 * i));
    size_t il = id0 ? id0->u.str.len : 0;
    if (il > 256)
        il = 256;
    if (il)
        memcpy(buf + n, id0->u.str.data, il);
    n += il;
    if (c->r >= 4 && !c->encrypt_metadata) {
        memset(buf + n, 0xff, 4);
        n += 4;
    }
    uint8_t h[16];
    bool ok = md5(buf, n, h);
    for (int i = 0; ok && c->r >= 3 && i < 50; i++)
        ok = md5(h, c->key_len, h);
    memcpy(key, h, c->key_len);
    ks_wipe(buf, sizeof buf);
    ks_wipe(h, sizeof h);
    return ok;
}

/* Algorithms 4 and 5: does `key` reproduce /U? */
static bool check_user_r4(const ks_crypt *c, const uint8_t *key, const ks_pdf_obj *u,
                          const ks_pdf_obj *id0)
{
    uint8_t out[32];
    if (c->r == 2) {
        rc4(key, c->key_len, pad32, 32, out);
        return memcmp(out, u->u.str.data, 32) == 0;
    }
    uint8_t buf[32 + 256];
    size_t il = id0 ? id0->u.str.len : 0;
    if (il > 256)
        il = 256;
    memcpy(buf, pad32, 32);
    if (il)
        memcpy(buf + 32, id0->u.str.data, il);
    uint8_t h[16];
    if (!md5(buf, 32 + il, h))
        return false;
    rc4(key, c->key_len, h, 16, out);
    for (int i = 1; i <= 19; i++) {
        uint8_t k2[16];
        for (size_t j = 0; j < c->key_len; j++)
            k2[j] = key[j] ^ (uint8_t)i;
        rc4(k2, c->key_len, out, 16, out);
    }
    return memcmp(out, u->u.str.data, 16) == 0;
}

/* Algorithm 7: the user password recovered from an owner password (R2–R4). */
static bool user_from_owner_r4(const ks_crypt *c, const uint8_t *pw, size_t pw_len,
                               const ks_pdf_obj *o, uint8_t user[32])
{
    uint8_t buf[32], h[16];
    if (pw_len > 32)
        pw_len = 32;
    memcpy(buf, pw, pw_len);
    memcpy(buf + pw_len, pad32, 32 - pw_len);
    bool ok = md5(buf, 32, h);
    for (int i = 0; ok && c->r >= 3 && i < 50; i++)
        ok = md5(h, 16, h);
    if (!ok)
        return false;
    memcpy(user, o->u.str.data, 32);
    if (c->r == 2) {
        rc4(h, c->key_len, user, 32, user);
    } else {
        for (int i = 19; i >= 0; i--) {
            uint8_t k2[16];
            for (size_t j = 0; j < c->key_len; j++)
                k2[j] = h[j] ^ (uint8_t)i;
            rc4(k2, c->key_len, user, 32, user);
        }
    }
    ks_wipe(buf, sizeof buf);
    ks_wipe(h, sizeof h);
    return true;
}

/* Algorithm 2.A/2.B: the R5 (SHA-256) or R6 (iterated) hash of password, salt and udata. */
static bool hash_r6(int r, const uint8_t *pw, size_t pw_len, const uint8_t *salt,
                    const uint8_t *udata, size_t ud_len, uint8_t out[32])
{
    uint8_t k[64];
    const uint8_t *p3[3] = {pw, salt, udata};
    size_t l3[3] = {pw_len, 8, ud_len};
    if (!digest("SHA256", p3, l3, 3, k))
        return false;
    if (r == 5) {
        memcpy(out, k, 32);
        return true;
    }
    size_t klen = 32;
    size_t blk = pw_len + 64 + ud_len;
    uint8_t *k1 = malloc(blk * 64);
    uint8_t *e = malloc(blk * 64 + 16);
    bool ok = k1 && e;
    for (int i = 0; ok; i++) {
        size_t n = 0;
        for (int rep = 0; rep < 64; rep++) {
            memcpy(k1 + n, pw, pw_len);
            n += pw_len;
            memcpy(k1 + n, k, klen);
            n += klen;
            if (ud_len)
                memcpy(k1 + n, udata, ud_len);
            n += ud_len;
        }
        size_t el = 0;
        ok = aes_cbc(true, k, 16, k + 16, k1, n, false, e, &el);
        if (!ok)
            break;
        unsigned sum = 0;
        for (int j = 0; j < 16; j++)
            sum += e[j];
        const char *md = sum % 3 == 0 ? "SHA256" : sum % 3 == 1 ? "SHA384" : "SHA512";
        klen = sum % 3 == 0 ? 32 : sum % 3 == 1 ? 48 : 64;
        const uint8_t *pe[1] = {e};
        size_t le[1] = {el};
        ok = digest(md, pe, le, 1, k);
        if (i >= 63 && e[el - 1] <= (unsigned)(i + 1 - 32))
            break;
        if (i > 2000)
            ok = false;
    }
    if (ok)
        memcpy(out, k, 32);
    if (k1)
        ks_wipe(k1, blk * 64);
    if (e)
        ks_wipe(e, blk * 64);
    free(k1);
    free(e);
    ks_wipe(k, sizeof k);
    return ok;
}

/* §7.6.4.3.3 Algorithms 2.A, 11, 12: tries `pw` as user, then owner password (R5/R6). */
static bool key_r6(ks_crypt *c, const uint8_t *pw, size_t pw_len, const ks_pdf_obj *o,
                   const ks_pdf_obj *u, const ks_pdf_obj *oe, const ks_pdf_obj *ue)
{
    if (pw_len > 127)
        pw_len = 127;
    uint8_t h[32], iv[16] = {0};
    size_t ol = 0;
    bool ok = false;
    if (hash_r6(c->r, pw, pw_len, u->u.str.data + 32, NULL, 0, h) &&
        memcmp(h, u->u.str.data, 32) == 0) {
        ok = hash_r6(c->r, pw, pw_len, u->u.str.data + 40, NULL, 0, h) &&
             aes_cbc(false, h, 32, iv, ue->u.str.data, 32, false, c->key, &ol);
    } else if (hash_r6(c->r, pw, pw_len, o->u.str.data + 32, u->u.str.data, 48, h) &&
               memcmp(h, o->u.str.data, 32) == 0) {
        ok = hash_r6(c->r, pw, pw_len, o->u.str.data + 40, u->u.str.data, 48, h) &&
             aes_cbc(false, h, 32, iv, oe->u.str.data, 32, false, c->key, &ol);
    }
    ks_wipe(h, sizeof h);
    c->key_len = 32;
    return ok && ol == 32;
}

static int method_of(ks_pdf_doc *doc, const ks_pdf_obj *enc, const char *which, int v)
{
    if (v < 4)
        return KS_CM_RC4;
    ks_pdf_obj *fname = ks_pdf_dict_getr(doc, enc, which);
    if (!fname || ks_pdf_is_name(fname, "Identity"))
        return KS_CM_NONE;
    ks_pdf_obj *cf = ks_pdf_dict_getr(doc, enc, "CF");
    ks_pdf_obj *f = fname->type == KS_PDF_NAME ? ks_pdf_dict_getr(doc, cf, fname->u.name.s) : NULL;
    ks_pdf_obj *cfm = ks_pdf_dict_getr(doc, f, "CFM");
    if (ks_pdf_is_name(cfm, "V2"))
        return KS_CM_RC4;
    if (ks_pdf_is_name(cfm, "AESV2"))
        return KS_CM_AESV2;
    if (ks_pdf_is_name(cfm, "AESV3"))
        return KS_CM_AESV3;
    if (!cfm || ks_pdf_is_name(cfm, "None"))
        return KS_CM_NONE;
    return -1;
}

ks_status ks_crypt_init(ks_pdf_doc *doc, ks_error *err)
{
    ks_pdf_obj *eref = ks_pdf_dict_get(doc->trailer, "Encrypt");
    if (!eref)
        return KS_OK;
    ks_pdf_obj *enc = ks_pdf_resolve(doc, eref, NULL);
    if (enc->type != KS_PDF_DICT)
        return ks_error_set(err, KS_E_FORMAT, N_("%s: the trailer's /Encrypt is not a dictionary"),
                            doc->name);
    ks_pdf_obj *filter = ks_pdf_dict_getr(doc, enc, "Filter");
    if (!ks_pdf_is_name(filter, "Standard"))
        return ks_error_set(
            err, KS_E_FORMAT, N_("%s: security handler /%s is not supported (only /Standard)"),
            doc->name, filter && filter->type == KS_PDF_NAME ? filter->u.name.s : "?");
    ks_crypt *c = calloc(1, sizeof *c);
    if (!c)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = KS_OK;
    int64_t v = 0, r = 0, len = 40, p = 0;
    ks_pdf_get_int(ks_pdf_dict_getr(doc, enc, "V"), &v);
    ks_pdf_get_int(ks_pdf_dict_getr(doc, enc, "R"), &r);
    ks_pdf_get_int(ks_pdf_dict_getr(doc, enc, "Length"), &len);
    ks_pdf_get_int(ks_pdf_dict_getr(doc, enc, "P"), &p);
    ks_pdf_obj *em = ks_pdf_dict_getr(doc, enc, "EncryptMetadata");
    c->encrypt_metadata = !(em && em->type == KS_PDF_BOOL && !em->u.b);
    c->v = (int)v;
    c->r = (int)r;
    c->p = p;
    c->encrypt_num = eref->type == KS_PDF_REF ? eref->u.ref.num : 0;
    const ks_pdf_obj *o = str_of(enc, "O"), *u = str_of(enc, "U");
    ks_pdf_obj *ida = ks_pdf_dict_getr(doc, doc->trailer, "ID");
    const ks_pdf_obj *id0 = NULL;
    if (ida && ida->type == KS_PDF_ARRAY && ida->u.arr.len >= 1)
        id0 = ks_pdf_resolve(doc, ida->u.arr.items[0], NULL);
    if (id0 && id0->type != KS_PDF_STRING)
        id0 = NULL;
    if (v < 1 || v > 5 || v == 3 || r < 2 || r > 6) {
        st = ks_error_set(err, KS_E_FORMAT, N_("%s: encryption /V %lld /R %lld is not supported"),
                          doc->name, (long long)v, (long long)r);
        goto done;
    }
    c->str_method = method_of(doc, enc, "StrF", c->v);
    c->stm_method = method_of(doc, enc, "StmF", c->v);
    if (c->str_method < 0 || c->stm_method < 0) {
        st = ks_error_set(err, KS_E_FORMAT, N_("%s: unknown crypt filter method in /Encrypt"),
                          doc->name);
        goto done;
    }
    const char *pw = doc->opts.password ? doc->opts.password : "";
    size_t pw_len = strlen(pw);
    bool ok = false;
    if (r >= 5) {
        const ks_pdf_obj *oe = str_of(enc, "OE"), *ue = str_of(enc, "UE");
        if (!o || !u || !oe || !ue || o->u.str.len < 48 || u->u.str.len < 48 ||
            oe->u.str.len < 32 || ue->u.str.len < 32) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("%s: /Encrypt lacks valid /O, /U, /OE or /UE strings"), doc->name);
            goto done;
        }
        c->length_bits = 256;
        ks_crypt probe = *c;
        c->user_empty = key_r6(&probe, (const uint8_t *)"", 0, o, u, oe, ue);
        ks_wipe(&probe, sizeof probe);
        ok = key_r6(c, (const uint8_t *)pw, pw_len, o, u, oe, ue);
    } else {
        if (!o || !u || o->u.str.len < 32 || u->u.str.len < 32) {
            st = ks_error_set(err, KS_E_FORMAT, N_("%s: /Encrypt lacks valid /O and /U strings"),
                              doc->name);
            goto done;
        }
        if (r == 2)
            len = 40;
        if (len < 40 || len > 128 || len % 8) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("%s: encryption key /Length %lld is not supported"), doc->name,
                              (long long)len);
            goto done;
        }
        c->length_bits = (int)len;
        c->key_len = (size_t)len / 8;
        uint8_t k[16];
        c->user_empty = key_r4(c, (const uint8_t *)"", 0, o, id0, k) && check_user_r4(c, k, u, id0);
        ok = key_r4(c, (const uint8_t *)pw, pw_len, o, id0, c->key) &&
             check_user_r4(c, c->key, u, id0);
        if (!ok && pw_len) {
            uint8_t user[32];
            ok = user_from_owner_r4(c, (const uint8_t *)pw, pw_len, o, user) &&
                 key_r4(c, user, 32, o, id0, c->key) && check_user_r4(c, c->key, u, id0);
            ks_wipe(user, sizeof user);
        }
        ks_wipe(k, sizeof k);
    }
    if (!ok) {
        st =
            doc->opts.password
                ? ks_error_set(err, KS_E_PASSWORD,
                               N_("%s: the password does not open this encrypted document"),
                               doc->name)
                : ks_error_set(err, KS_E_PASSWORD,
                               N_("%s: the document is encrypted and needs a password"), doc->name);
        goto done;
    }
    doc->crypt = c;
    c = NULL;
done:
    if (c) {
        ks_wipe(c, sizeof *c);
        free(c);
    }
    return st;
}

void ks_crypt_free(ks_crypt *c)
{
    if (!c)
        return;
    ks_wipe(c, sizeof *c);
    free(c);
}

bool ks_crypt_active(const ks_pdf_doc *doc)
{
    return doc->crypt != NULL;
}

/* Algorithm 1: the key of object `num gen` (RC4 and AESV2); AESV3 uses the file key. */
static size_t object_key(const ks_crypt *c, int method, uint32_t num, uint16_t gen, uint8_t key[32])
{
    if (method == KS_CM_AESV3) {
        memcpy(key, c->key, 32);
        return 32;
    }
    /* A 32-byte (AESV3) file key with an RC4/AESV2 crypt filter is malformed; Algorithm 1
     * never uses more than 16 key bytes, so clamp instead of overflowing buf. */
    size_t klen = c->key_len > 16 ? 16 : c->key_len;
    uint8_t buf[16 + 5 + 4];
    memcpy(buf, c->key, klen);
    size_t n = klen;
    buf[n++] = (uint8_t)num;
    buf[n++] = (uint8_t)(num >> 8);
    buf[n++] = (uint8_t)(num >> 16);
    buf[n++] = (uint8_t)gen;
    buf[n++] = (uint8_t)(gen >> 8);
    if (method == KS_CM_AESV2) {
        memcpy(buf + n, "sAlT", 4);
        n += 4;
    }
    uint8_t h[16];
    md5(buf, n, h);
    size_t kl = klen + 5 < 16 ? klen + 5 : 16;
    memcpy(key, h, kl);
    ks_wipe(buf, sizeof buf);
    ks_wipe(h, sizeof h);
    return kl;
}

/* Decrypts `in` (method, object) into a malloc'd buffer. */
static ks_status decrypt(ks_pdf_doc *doc, int method, uint32_t num, uint16_t gen, const uint8_t *in,
                         size_t len, uint8_t **out, size_t *out_len, ks_error *err)
{
    *out = malloc(len + 1);
    if (!*out)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (method == KS_CM_NONE) {
        if (len)
            memcpy(*out, in, len);
        *out_len = len;
        (*out)[len] = 0;
        return KS_OK;
    }
    uint8_t key[32];
    size_t kl = object_key(doc->crypt, method, num, gen, key);
    bool ok = true;
    if (method == KS_CM_RC4) {
        rc4(key, kl, in, len, *out);
        *out_len = len;
    } else if (len == 0) {
        *out_len = 0; /* an empty AES string (no IV) stays empty */
    } else {
        ok = len >= 32 && len % 16 == 0 &&
             aes_cbc(false, key, kl, in, in + 16, len - 16, true, *out, out_len);
    }
    ks_wipe(key, sizeof key);
    if (!ok) {
        free(*out);
        *out = NULL;
        return ks_error_set(err, KS_E_FORMAT,
                            N_("%s: object %u %u: AES-encrypted data of %zu bytes does not "
                               "decrypt (bad length or padding)"),
                            doc->name, num, gen, len);
    }
    (*out)[*out_len] = 0;
    return KS_OK;
}

static ks_status strings(ks_pdf_doc *doc, ks_pdf_obj *o, uint32_t num, uint16_t gen, int depth,
                         ks_error *err)
{
    if (depth > KS_PDF_MAX_DEPTH)
        return ks_error_set(err, KS_E_LIMIT, N_("object nested deeper than %d levels"),
                            KS_PDF_MAX_DEPTH);
    if (o->type == KS_PDF_STRING) {
        uint8_t *d;
        size_t l;
        ks_status st = decrypt(doc, doc->crypt->str_method, num, gen, o->u.str.data, o->u.str.len,
                               &d, &l, err);
        if (st)
            return st;
        uint8_t *a = ks_arena_memdup(doc->arena, d, l);
        free(d);
        if (!a)
            return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        o->u.str.data = a;
        o->u.str.len = l;
        return KS_OK;
    }
    if (o->type == KS_PDF_STREAM)
        return strings(doc, o->u.stream.dict, num, gen, depth + 1, err);
    if (o->type == KS_PDF_ARRAY) {
        for (size_t i = 0; i < o->u.arr.len; i++) {
            ks_status st = strings(doc, o->u.arr.items[i], num, gen, depth + 1, err);
            if (st)
                return st;
        }
    } else if (o->type == KS_PDF_DICT) {
        /* §7.6.2: a signature dictionary's /Contents is never encrypted. */
        bool sig = ks_pdf_dict_get(o, "ByteRange") != NULL;
        for (size_t i = 0; i < o->u.dict.len; i++) {
            if (sig && strcmp(o->u.dict.entries[i].key, "Contents") == 0)
                continue;
            ks_status st = strings(doc, o->u.dict.entries[i].value, num, gen, depth + 1, err);
            if (st)
                return st;
        }
    }
    return KS_OK;
}

ks_status ks_crypt_strings(ks_pdf_doc *doc, ks_pdf_obj *obj, uint32_t num, uint16_t gen,
                           ks_error *err)
{
    if (!doc->crypt || num == doc->crypt->encrypt_num)
        return KS_OK;
    /* Cross-reference streams are never encrypted (§7.5.8.2). */
    if (obj->type == KS_PDF_STREAM &&
        ks_pdf_is_name(ks_pdf_dict_get(obj->u.stream.dict, "Type"), "XRef"))
        return KS_OK;
    ks_status st = strings(doc, obj, num, gen, 0, err);
    if (st)
        ks_error_prefix(err, N_("decrypting object %u %u: "), num, gen);
    return st;
}

/* The method of a stream: its own /Crypt filter (Identity) overrides /StmF (§7.4.10). */
static int stream_method(ks_pdf_doc *doc, const ks_pdf_obj *stream)
{
    const ks_pdf_obj *d = stream->u.stream.dict;
    ks_pdf_obj *f = ks_pdf_dict_getr(doc, d, "Filter");
    bool crypt = ks_pdf_is_name(f, "Crypt") ||
                 (f && f->type == KS_PDF_ARRAY && f->u.arr.len > 0 &&
                  ks_pdf_is_name(ks_pdf_resolve(doc, f->u.arr.items[0], NULL), "Crypt"));
    if (crypt) {
        ks_pdf_obj *dp = ks_pdf_dict_getr(doc, d, "DecodeParms");
        if (dp && dp->type == KS_PDF_ARRAY && dp->u.arr.len > 0)
            dp = ks_pdf_resolve(doc, dp->u.arr.items[0], NULL);
        ks_pdf_obj *name = ks_pdf_dict_getr(doc, dp, "Name");
        if (!name || ks_pdf_is_name(name, "Identity"))
            return KS_CM_NONE;
    }
    if (!doc->crypt->encrypt_metadata &&
        ks_pdf_is_name(ks_pdf_dict_getr(doc, d, "Type"), "Metadata"))
        return KS_CM_NONE;
    return doc->crypt->stm_method;
}

ks_status ks_crypt_stream(ks_pdf_doc *doc, const ks_pdf_obj *stream, uint32_t num, uint16_t gen,
                          const uint8_t *in, size_t len, uint8_t **out, size_t *out_len,
                          ks_error *err)
{
    int m = stream_method(doc, stream);
    ks_status st = decrypt(doc, m, num, gen, in, len, out, out_len, err);
    if (st)
        ks_error_prefix(err, N_("decrypting the stream of object %u %u: "), num, gen);
    return st;
}

ks_status ks_crypt_encrypt(ks_pdf_doc *doc, uint32_t num, uint16_t gen, bool is_stream,
                           const uint8_t *in, size_t len, ks_buf *out, ks_error *err)
{
    if (!doc->crypt)
        return ks_buf_append(out, in, len) ? KS_OK
                                           : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    int m = is_stream ? doc->crypt->stm_method : doc->crypt->str_method;
    if (m == KS_CM_NONE)
        return ks_buf_append(out, in, len) ? KS_OK
                                           : ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    uint8_t key[32];
    size_t kl = object_key(doc->crypt, m, num, gen, key);
    ks_status st = KS_OK;
    if (!ks_buf_reserve(out, len + 48)) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    uint8_t *dst = out->data + out->len;
    if (m == KS_CM_RC4) {
        rc4(key, kl, in, len, dst);
        out->len += len;
    } else {
        size_t cl = 0;
        if (RAND_bytes(dst, 16) != 1 ||
            !aes_cbc(true, key, kl, dst, in, len, true, dst + 16, &cl)) {
            st =
                ks_error_set(err, KS_E_CRYPTO, N_("object %u %u: AES encryption failed"), num, gen);
            goto done;
        }
        out->len += 16 + cl;
    }
    out->data[out->len] = 0;
done:
    ks_wipe(key, sizeof key);
    return st;
}

void ks_pdf_get_encryption(const ks_pdf_doc *doc, ks_pdf_encryption *out)
{
    memset(out, 0, sizeof *out);
    out->method = "none";
    const ks_crypt *c = doc->crypt;
    if (!c)
        return;
    out->encrypted = true;
    out->v = c->v;
    out->r = c->r;
    out->length_bits = c->length_bits;
    out->p = c->p;
    int m = c->stm_method != KS_CM_NONE ? c->stm_method : c->str_method;
    out->method = m == KS_CM_RC4     ? "RC4"
                  : m == KS_CM_AESV2 ? "AESV2"
                  : m == KS_CM_AESV3 ? "AESV3"
                                     : "none";
    out->user_password_empty = c->user_empty;
}
