/* store/blob.c — the content-addressed file store (blob.h). */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "blob.h"

static void sha256_hex(const uint8_t *d, size_t n, char hex[65])
{
    unsigned char md[32];
    unsigned int ml = 0;
    EVP_Digest(d, n, md, &ml, EVP_sha256(), NULL);
    for (int i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
}

static bool hex_name(const char *h)
{
    if (!h || strlen(h) != 64)
        return false;
    for (int i = 0; i < 64; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return false;
    return true;
}

ks_status ks_blob_put(const char *dir, const uint8_t *data, size_t len, char hex[65], ks_error *err)
{
    sha256_hex(data, len, hex);
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return ks_error_set(err, KS_E_IO, N_("cannot create the blob directory %s: %s"), dir,
                            strerror(errno));
    char path[1200], tmp[1300];
    snprintf(path, sizeof path, "%s/%s", dir, hex);
    if (access(path, F_OK) == 0)
        return KS_OK; /* the same bytes are there: never rewritten */
    snprintf(tmp, sizeof tmp, "%s/.tmp-%s-%ld", dir, hex, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return ks_error_set(err, KS_E_IO, N_("cannot write %s: %s"), tmp, strerror(errno));
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        off += (size_t)w;
    }
    bool ok = off == len && fsync(fd) == 0;
    ok = close(fd) == 0 && ok;
    if (!ok || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return ks_error_set(err, KS_E_IO, N_("cannot write %s: %s"), path, strerror(e));
    }
    return KS_OK;
}

ks_status ks_blob_get(const char *dir, const char *hex, uint8_t **out, size_t *len, ks_error *err)
{
    *out = NULL;
    *len = 0;
    if (!hex_name(hex))
        return ks_error_set(err, KS_E_USAGE, N_("a blob name is 64 hexadecimal digits"));
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, hex);
    /* one read into a buffer of the file's size: no growing copies of a 1 MB document */
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat sb;
    if (fd < 0 || fstat(fd, &sb) != 0) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return ks_error_set(err, KS_E_IO, N_("the stored file %s is missing: %s"), hex,
                            strerror(e));
    }
    size_t cap = (size_t)sb.st_size, n = 0;
    uint8_t *buf = malloc(cap ? cap : 1);
    if (!buf) {
        close(fd);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    while (n < cap) {
        ssize_t r = read(fd, buf + n, cap - n);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    close(fd);
    char got[65];
    sha256_hex(buf, n, got);
    if (strcmp(got, hex) != 0) {
        free(buf);
        return ks_error_set(err, KS_E_FORMAT,
                            N_("the stored file %s was altered: its SHA-256 is now %s"), hex, got);
    }
    *out = buf;
    *len = n;
    return KS_OK;
}
