/* sign/digest.c — streaming over the signed bytes: the hash of the ByteRange (base file read
 * in blocks, then the update without its /Contents gap) and the copy of the base file into the
 * output. Neither keeps the file in memory, so peak memory does not grow with file size. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "sign_internal.h"

#define BLOCK (1u << 20)

ks_status ks_sig_slot_digest(const ks_sig_slot *s, int base_fd, const char *base_name, ks_md md,
                             uint8_t *out, size_t *out_len, ks_error *err)
{
    ks_status st = KS_OK;
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint8_t *blk = malloc(BLOCK);
    if (!c || !blk) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    if (EVP_DigestInit_ex(c, ks_md_evp(md), NULL) != 1) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("cannot start the %s digest"), ks_md_name(md));
        goto done;
    }
    for (uint64_t off = 0; off < s->base_len;) {
        size_t want = s->base_len - off < BLOCK ? (size_t)(s->base_len - off) : BLOCK;
        ssize_t r = pread(base_fd, blk, want, (off_t)off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            st = ks_error_set(err, KS_E_IO, N_("cannot read file \"%s\": %s"), base_name,
                              r < 0 ? strerror(errno) : "short read");
            goto done;
        }
        EVP_DigestUpdate(c, blk, (size_t)r);
        off += (uint64_t)r;
    }
    size_t gap_rel = (size_t)(s->gap_off - s->base_len);
    size_t after = gap_rel + (size_t)s->gap_len;
    EVP_DigestUpdate(c, s->upd.data, gap_rel);
    EVP_DigestUpdate(c, s->upd.data + after, s->upd.len - after);
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(c, out, &n) != 1) {
        st = ks_error_set(err, KS_E_CRYPTO, N_("cannot finish the %s digest"), ks_md_name(md));
        goto done;
    }
    *out_len = n;
done:
    EVP_MD_CTX_free(c);
    free(blk);
    return st;
}

ks_status ks_sign_copy_fd(int fd, uint64_t len, ks_out *o, ks_error *err)
{
    loff_t in_off = 0;
    /* copy_file_range lets the kernel copy (or reflink) without passing through user space. */
    while ((uint64_t)in_off < len) {
        size_t want =
            len - (uint64_t)in_off > (1u << 30) ? (1u << 30) : (size_t)(len - (uint64_t)in_off);
        ssize_t r = copy_file_range(fd, &in_off, o->fd, NULL, want, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        o->written += (uint64_t)r;
    }
    if ((uint64_t)in_off == len)
        return KS_OK;
    uint8_t *blk = malloc(BLOCK);
    if (!blk)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = KS_OK;
    while ((uint64_t)in_off < len) {
        size_t want = len - (uint64_t)in_off < BLOCK ? (size_t)(len - (uint64_t)in_off) : BLOCK;
        ssize_t r = pread(fd, blk, want, in_off);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0) {
            st = ks_error_set(err, KS_E_IO, N_("cannot read file \"%s\": %s"), "input",
                              r < 0 ? strerror(errno) : "short read");
            break;
        }
        st = ks_out_write(o, blk, (size_t)r, err);
        if (st != KS_OK)
            break;
        in_off += r;
    }
    free(blk);
    return st;
}

ks_status ks_sig_slot_digest_mem(const ks_sig_slot *s, const uint8_t *base, ks_md md, uint8_t *out,
                                 size_t *out_len, ks_error *err)
{
    size_t gap_rel = (size_t)(s->gap_off - s->base_len);
    size_t after = gap_rel + (size_t)s->gap_len;
    ks_slice parts[3] = {{base, (size_t)s->base_len},
                         {s->upd.data, gap_rel},
                         {s->upd.data + after, s->upd.len - after}};
    ks_status st = ks_digest_slices(md, parts, 3, out, err);
    if (st == KS_OK)
        *out_len = ks_md_len(md);
    return st;
}
