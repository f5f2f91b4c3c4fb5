/* Unit test of cms/'s verification side on the real signed PDFs of the shared corpus (every
 * MANIFEST.tsv row with signatures): /ByteRange and /Contents are found with a small byte
 * scanner (the PDF parser is another module's), each CMS is checked by ks_cms_verify_detached
 * (or ks_tst_verify for document timestamps) and by `openssl cms -verify` as the oracle. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/cms.h>

#include "cms_fixtures.h"

static const char *dir;
static int n_eku_ok, total_sigs, n_sig_ts, n_ess, n_crls, n_ocsps, n_doc_ts;

typedef struct sig_ref {
    size_t range[4];
    uint8_t *der;
    size_t der_len;
} sig_ref;

static bool read_uint(const uint8_t *p, size_t len, size_t *pos, size_t *out)
{
    while (*pos < len && isspace(p[*pos]))
        (*pos)++;
    if (*pos >= len || !isdigit(p[*pos]))
        return false;
    size_t v = 0;
    while (*pos < len && isdigit(p[*pos]) && v < ((size_t)1 << 40))
        v = v * 10 + (size_t)(p[(*pos)++] - '0');
    *out = v;
    return true;
}

static int hexval(int c)
{
    return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1;
}

/* Finds the next "/ByteRange [a b c d]" at or after *from whose gap holds <hex>. */
static bool next_sig(const uint8_t *p, size_t len, size_t *from, sig_ref *s)
{
    static const char key[] = "/ByteRange";
    for (size_t i = *from; i + sizeof key - 1 < len; i++) {
        if (memcmp(p + i, key, sizeof key - 1) != 0)
            continue;
        size_t pos = i + sizeof key - 1;
        while (pos < len && isspace(p[pos]))
            pos++;
        if (pos >= len || p[pos] != '[')
            continue;
        pos++;
        bool ok = true;
        for (int k = 0; k < 4 && ok; k++)
            ok = read_uint(p, len, &pos, &s->range[k]);
        *from = pos;
        size_t gap = s->range[0] + s->range[1], end = s->range[2];
        if (!ok || s->range[0] != 0 || gap >= end || end > len || s->range[3] > len - s->range[2] ||
            p[gap] != '<' || p[end - 1] != '>')
            continue;
        size_t nhex = end - gap - 2;
        s->der = malloc(nhex / 2 + 1);
        s->der_len = 0;
        for (size_t h = 0; h + 1 < nhex; h += 2) {
            int hi = hexval(p[gap + 1 + h]), lo = hexval(p[gap + 2 + h]);
            if (hi < 0 || lo < 0)
                break;
            s->der[s->der_len++] = (uint8_t)(hi << 4 | lo);
        }
        /* the placeholder is zero-padded: keep the DER element only */
        const unsigned char *q = s->der;
        ASN1_TYPE *t = d2i_ASN1_TYPE(NULL, &q, (long)s->der_len);
        if (t)
            s->der_len = (size_t)(q - s->der);
        ASN1_TYPE_free(t);
        return true;
    }
    return false;
}

static bool is_tst(const uint8_t *der, size_t len)
{
    const unsigned char *q = der;
    CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &q, (long)len);
    bool r = cms && OBJ_obj2nid(CMS_get0_eContentType(cms)) == NID_id_smime_ct_TSTInfo;
    CMS_ContentInfo_free(cms);
    return r;
}

static void check_file(const char *rel, int expected)
{
    const char *path = ks_test_shared(rel);
    ks_mapped m;
    ks_error e;
    CHECK_MSG(ks_map_file(path, &m, &e) == KS_OK, "%s", e.msg_en);
    if (!m.data)
        return;
    size_t from = 0;
    int found = 0;
    sig_ref s;
    while (next_sig(m.data, m.len, &from, &s)) {
        found++;
        total_sigs++;
        ks_slice sl[2] = {{m.data + s.range[0], s.range[1]}, {m.data + s.range[2], s.range[3]}};
        if (is_tst(s.der, s.der_len)) {
            ks_tst_info t;
            CHECK_MSG(ks_tst_verify(s.der, s.der_len, sl, 2, &t, &e) == KS_OK, "%s #%d: %s", rel,
                      found, e.msg_en);
            CHECK_MSG(t.imprint_ok && t.signature_ok && t.tsa_cert && t.gen_time > 0,
                      "%s #%d: document timestamp", rel, found);
            n_doc_ts++;
            n_eku_ok += t.tsa_eku_ok;
            ks_tst_info_free(&t);
        } else {
            ks_cms_result r;
            CHECK_MSG(ks_cms_verify_detached(s.der, s.der_len, sl, 2, &r, &e) == KS_OK,
                      "%s #%d: %s", rel, found, e.msg_en);
            CHECK_MSG(r.parsed && r.digest_ok && r.signature_ok && r.content_type_ok, "%s #%d: %s",
                      rel, found, r.detail);
            CHECK_MSG(!r.ess_cert_present || r.ess_cert_ok, "%s #%d: %s", rel, found, r.detail);
            CHECK_MSG(!r.sig_ts.present || (r.sig_ts.imprint_ok && r.sig_ts.signature_ok),
                      "%s #%d: signature timestamp: %s", rel, found, r.detail);
            CHECK(r.signer != NULL && r.key_bits >= 1024);
            n_sig_ts += r.sig_ts.present;
            n_eku_ok += r.sig_ts.tsa_eku_ok;
            n_ess += r.ess_cert_ok;
            n_crls += r.crls ? sk_X509_CRL_num(r.crls) : 0;
            n_ocsps += r.ocsps ? sk_OCSP_RESPONSE_num(r.ocsps) : 0;
            ks_cms_result_free(&r);
            /* oracle: OpenSSL over the same two ranges */
            fx_write(fx_path(dir, "c.der"), s.der, s.der_len);
            FILE *f = fopen(fx_path(dir, "c.bin"), "wb");
            if (f) {
                fwrite(sl[0].data, 1, sl[0].len, f);
                fwrite(sl[1].data, 1, sl[1].len, f);
                fclose(f);
            }
            CHECK_MSG(ks_test_sh(NULL,
                                 "cd '%s' && openssl cms -verify -binary -inform DER -in c.der "
                                 "-content c.bin -noverify -out /dev/null 2>/dev/null",
                                 dir) == 0,
                      "%s #%d: openssl cms -verify", rel, found);
        }
        /* one changed byte of the signed bytes: no longer intact */
        uint8_t *copy = malloc(s.range[1]);
        memcpy(copy, sl[0].data, s.range[1]);
        copy[s.range[1] / 2] ^= 0x20;
        ks_slice bad[2] = {{copy, s.range[1]}, sl[1]};
        if (is_tst(s.der, s.der_len)) {
            ks_tst_info t;
            CHECK(ks_tst_verify(s.der, s.der_len, bad, 2, &t, &e) == KS_OK && !t.imprint_ok);
            ks_tst_info_free(&t);
        } else {
            ks_cms_result r;
            CHECK(ks_cms_verify_detached(s.der, s.der_len, bad, 2, &r, &e) == KS_OK);
            CHECK_MSG(r.parsed && !r.digest_ok && r.detail[0], "%s #%d", rel, found);
            ks_cms_result_free(&r);
        }
        free(copy);
        free(s.der);
    }
    CHECK_MSG(found == expected, "%s: %d signatures found, MANIFEST says %d", rel, found, expected);
    ks_unmap(&m);
}

int main(void)
{
    dir = strdup(ks_test_tmpdir("cms-corpus"));
    uint8_t *man = NULL;
    size_t len = 0;
    ks_error e;
    char *mpath = strdup(ks_test_shared("corpus/MANIFEST.tsv"));
    CHECK_MSG(ks_read_file(mpath, 1 << 24, &man, &len, &e) == KS_OK, "%s", e.msg_en);
    int files = 0;
    for (char *line = man ? strtok((char *)man, "\n") : NULL; line; line = strtok(NULL, "\n")) {
        /* column 17 (1-based) is "signatures", e.g. "2 (ETSI.CAdES.detached,ETSI.RFC3161)" */
        char *col = line;
        for (int c = 1; c < 17 && col; c++) {
            col = strchr(col, '\t');
            if (col)
                col++;
        }
        char *tab = strchr(line, '\t');
        if (!col || !tab || !isdigit((unsigned char)*col) || atoi(col) <= 0)
            continue;
        *tab = '\0';
        files++;
        check_file(strncmp(line, "corpus/", 7) == 0 ? line : fx_path("corpus", line), atoi(col));
    }
    CHECK(files >= 5 && total_sigs >= 10);
    /* the corpus exercises each path: document and signature timestamps, ESS, archived OCSP */
    CHECK(n_doc_ts > 0 && n_sig_ts > 0 && n_ess > 0 && n_ocsps > 0);
    /* real TSAs all carry the critical timeStamping EKU: the check has no false alarms here */
    CHECK(n_eku_ok == n_doc_ts + n_sig_ts);
    printf("%d signed corpus files, %d signatures: %d document timestamps, %d signature "
           "timestamps (%d by a proper TSA certificate), %d ESS bindings, %d CRLs and %d OCSP "
           "responses archived\n",
           files, total_sigs, n_doc_ts, n_sig_ts, n_eku_ok, n_ess, n_crls, n_ocsps);
    free(man);
    free(mpath);
    free((void *)dir);
    return ks_test_done();
}
