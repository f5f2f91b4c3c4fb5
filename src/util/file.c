/* util/file.c — read-only mappings of inputs and atomic (temp + fsync + rename) outputs. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kyso/util.h"

ks_status ks_map_file(const char *path, ks_mapped *out, ks_error *err)
{
    memset(out, 0, sizeof *out);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return ks_error_set(err, KS_E_IO, N_("cannot open file \"%s\": %s"), path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return ks_error_set(err, KS_E_IO, N_("\"%s\" is not a regular file"), path);
    }
    if (st.st_size > 0) {
        void *p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (p == MAP_FAILED) {
            int e = errno;
            close(fd);
            return ks_error_set(err, KS_E_IO, N_("cannot read file \"%s\": %s"), path, strerror(e));
        }
        out->data = p;
        out->len = (size_t)st.st_size;
        out->priv_ = p;
    } else {
        out->data = (const uint8_t *)"";
    }
    close(fd);
    return KS_OK;
}

void ks_unmap(ks_mapped *m)
{
    if (m && m->priv_)
        munmap(m->priv_, m->len);
    if (m)
        memset(m, 0, sizeof *m);
}

ks_status ks_read_file(const char *path, size_t max_len, uint8_t **data, size_t *len, ks_error *err)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return ks_error_set(err, KS_E_IO, N_("cannot open file \"%s\": %s"), path, strerror(errno));
    ks_buf b = KS_BUF_INIT;
    uint8_t tmp[65536];
    size_t n;
    ks_status st = KS_OK;
    while ((n = fread(tmp, 1, sizeof tmp, f)) > 0) {
        if (b.len + n > max_len) {
            st = ks_error_set(err, KS_E_LIMIT, N_("file \"%s\" is larger than %zu bytes"), path,
                              max_len);
            break;
        }
        if (!ks_buf_append(&b, tmp, n)) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory reading \"%s\""), path);
            break;
        }
    }
    if (st == KS_OK && ferror(f))
        st = ks_error_set(err, KS_E_IO, N_("cannot read file \"%s\": %s"), path, strerror(errno));
    fclose(f);
    if (st != KS_OK) {
        ks_buf_free(&b);
        return st;
    }
    if (!b.data)
        ks_buf_reserve(&b, 0);
    *data = ks_buf_steal(&b, len);
    return *data ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("out of memory reading \"%s\""), path);
}

/* ---- temporaries removed when the process is interrupted ---- */
/* Fixed slots so that the signal handler reads no memory that may be freed meanwhile: a slot's
 * path is written before its flag is set, and the flag cleared before the slot is reused. */
#define TMP_SLOTS 16
static const int k_stop_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static char g_tmp_path[TMP_SLOTS][4096];
static atomic_int g_tmp_used[TMP_SLOTS];

static int tmp_register(const char *path)
{
    size_t n = strlen(path) + 1;
    if (n > sizeof g_tmp_path[0])
        return -1;
    for (int i = 0; i < TMP_SLOTS; i++) {
        int expect = 0;
        if (atomic_compare_exchange_strong(&g_tmp_used[i], &expect, 2)) { /* 2: being written */
            memcpy(g_tmp_path[i], path, n);
            atomic_store(&g_tmp_used[i], 1);
            return i;
        }
    }
    return -1; /* more than TMP_SLOTS outputs at once: this one is simply not tracked */
}

static void tmp_unregister(int slot)
{
    if (slot >= 0 && slot < TMP_SLOTS)
        atomic_store(&g_tmp_used[slot], 0);
}

static void on_signal(int sig)
{
    for (int i = 0; i < TMP_SLOTS; i++)
        if (atomic_load(&g_tmp_used[i]) == 1)
            unlink(g_tmp_path[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

void ks_out_cleanup_on_signals(void)
{
    for (size_t i = 0; i < sizeof k_stop_signals / sizeof k_stop_signals[0]; i++) {
        struct sigaction sa, old;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        /* Keep a disposition someone set on purpose (ignored, or a handler of their own). */
        if (sigaction(k_stop_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_DFL)
            sigaction(k_stop_signals[i], &sa, NULL);
    }
}

ks_status ks_out_open(ks_out *o, const char *path, ks_error *err)
{
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->tmp_slot = -1;
    o->path = strdup(path);
    size_t n = strlen(path) + 32;
    o->tmp_path = malloc(n);
    if (!o->path || !o->tmp_path) {
        ks_out_abort(o);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    snprintf(o->tmp_path, n, "%s.tmp-XXXXXX", path);
    /* No signal between creating the temporary and registering it for removal. */
    sigset_t block, old;
    sigemptyset(&block);
    for (size_t i = 0; i < sizeof k_stop_signals / sizeof k_stop_signals[0]; i++)
        sigaddset(&block, k_stop_signals[i]);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    o->fd = mkstemp(o->tmp_path);
    if (o->fd >= 0)
        o->tmp_slot = tmp_register(o->tmp_path);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (o->fd < 0) {
        int e = errno;
        ks_status st = ks_error_set(err, KS_E_IO, N_("cannot create output file \"%s\": %s"), path,
                                    strerror(e));
        free(o->tmp_path);
        o->tmp_path = NULL;
        ks_out_abort(o);
        return st;
    }
    fchmod(o->fd, 0644);
    return KS_OK;
}

ks_status ks_out_write(ks_out *o, const void *data, size_t len, ks_error *err)
{
    const uint8_t *p = data;
    while (len > 0) {
        ssize_t w = write(o->fd, p, len);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return ks_error_set(err, KS_E_IO, N_("cannot write output file \"%s\": %s"), o->path,
                                strerror(errno));
        }
        p += w;
        len -= (size_t)w;
        o->written += (uint64_t)w;
    }
    return KS_OK;
}

static void fsync_dir(const char *path)
{
    char *copy = strdup(path);
    if (!copy)
        return;
    int dfd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        fsync(dfd);
        close(dfd);
    }
    free(copy);
}

ks_status ks_out_commit(ks_out *o, ks_error *err)
{
    ks_status st = KS_OK;
    if (fsync(o->fd) != 0 || close(o->fd) != 0) {
        o->fd = -1;
        st = ks_error_set(err, KS_E_IO, N_("cannot write output file \"%s\": %s"), o->path,
                          strerror(errno));
        ks_out_abort(o);
        return st;
    }
    o->fd = -1;
    if (rename(o->tmp_path, o->path) != 0) {
        st = ks_error_set(err, KS_E_IO, N_("cannot create output file \"%s\": %s"), o->path,
                          strerror(errno));
        ks_out_abort(o);
        return st;
    }
    tmp_unregister(o->tmp_slot);
    fsync_dir(o->path);
    free(o->tmp_path);
    free(o->path);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->tmp_slot = -1;
    return KS_OK;
}

void ks_out_abort(ks_out *o)
{
    if (!o)
        return;
    if (o->fd >= 0)
        close(o->fd);
    if (o->tmp_path)
        unlink(o->tmp_path);
    tmp_unregister(o->tmp_slot);
    free(o->tmp_path);
    free(o->path);
    memset(o, 0, sizeof *o);
    o->fd = -1;
    o->tmp_slot = -1;
}

ks_status ks_write_file_atomic(const char *path, const void *data, size_t len, ks_error *err)
{
    ks_out o;
    ks_status st = ks_out_open(&o, path, err);
    if (st != KS_OK)
        return st;
    st = ks_out_write(&o, data, len, err);
    if (st != KS_OK) {
        ks_out_abort(&o);
        return st;
    }
    return ks_out_commit(&o, err);
}

bool ks_same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) != 0 || stat(b, &sb) != 0)
        return false;
    return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}
