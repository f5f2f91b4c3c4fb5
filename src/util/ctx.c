/* util/ctx.c — the library context: catalogues, clock, logger, fetcher, trust store and the
 * revocation cache, made once by a program and shared read-only by its threads (the cache has
 * its own mutex). */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/ctx.h"

#define CACHE_MAX 4096

typedef struct cache_entry {
    char *key;
    uint8_t *data;
    size_t len;
    time_t valid_until;
} cache_entry;

struct ks_ctx {
    ks_ctx_opts o;
    char lang[8];
    ks_catalog *vi;
    pthread_mutex_t lock; /* guards the cache */
    cache_entry *cache;
    size_t ncache;
};

ks_status ks_ctx_new(const ks_ctx_opts *opts, ks_ctx **out, ks_error *err)
{
    *out = NULL;
    ks_ctx *c = calloc(1, sizeof *c);
    if (!c)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (opts)
        c->o = *opts;
    snprintf(c->lang, sizeof c->lang, "%s",
             c->o.lang && strncmp(c->o.lang, "en", 2) == 0 ? "en" : "vi");
    pthread_mutex_init(&c->lock, NULL);
    char path[4096];
    snprintf(path, sizeof path, "%s/vi/LC_MESSAGES/kyso.mo",
             c->o.localedir ? c->o.localedir : KYSO_LOCALEDIR);
    c->o.localedir = NULL; /* borrowed only during the call */
    c->o.lang = NULL;
    ks_status st = ks_catalog_load(path, &c->vi, err);
    if (st != KS_OK) {
        ks_ctx_free(c);
        return st;
    }
    *out = c;
    return KS_OK;
}

void ks_ctx_free(ks_ctx *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->ncache; i++) {
        free(c->cache[i].key);
        free(c->cache[i].data);
    }
    free(c->cache);
    pthread_mutex_destroy(&c->lock);
    ks_catalog_free(c->vi);
    free(c);
}

const char *ks_ctx_lang(const ks_ctx *c)
{
    return c ? c->lang : "en";
}

static bool is_en(const ks_ctx *c, const char *lang)
{
    if (!lang)
        lang = ks_ctx_lang(c);
    return strncmp(lang, "vi", 2) != 0;
}

const char *ks_ctx_tr(const ks_ctx *c, const char *lang, const char *msgid)
{
    if (!c || !msgid || !*msgid || is_en(c, lang))
        return msgid;
    const char *t = ks_catalog_lookup(c->vi, msgid);
    return t ? t : msgid;
}

static const char *tr_vi(const void *arg, const char *msgid)
{
    return ks_ctx_tr(arg, "vi", msgid);
}

const char *ks_text_str(const ks_ctx *c, const char *lang, const ks_text *t, char *out, size_t cap)
{
    bool en = !c || is_en(c, lang);
    ks_text_render(t, en ? NULL : tr_vi, c, out, cap);
    return out;
}

const char *ks_error_str(const ks_ctx *c, const char *lang, const ks_error *err, char *out,
                         size_t cap)
{
    if (!err) {
        if (cap)
            out[0] = 0;
        return out;
    }
    if (err->text.nparts == 0) { /* filled by hand (msg_en only) */
        snprintf(out, cap, "%s", err->msg_en);
        return out;
    }
    return ks_text_str(c, lang, &err->text, out, cap);
}

bool ks_text_append(const ks_ctx *c, const char *lang, const ks_text *t, ks_buf *b)
{
    bool en = !c || is_en(c, lang);
    size_t n = ks_text_render(t, en ? NULL : tr_vi, c, NULL, 0);
    if (!ks_buf_reserve(b, n + 1))
        return false;
    ks_text_render(t, en ? NULL : tr_vi, c, (char *)b->data + b->len, n + 1);
    b->len += n;
    return true;
}

time_t ks_ctx_now(const ks_ctx *c)
{
    return c && c->o.clock ? c->o.clock(c->o.clock_arg) : time(NULL);
}

void ks_ctx_log(const ks_ctx *c, int level, const char *fmt, ...)
{
    if (!c || !c->o.log)
        return;
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    c->o.log(c->o.log_arg, level, line);
}

ks_status ks_ctx_fetch(const ks_ctx *c, const char *url, const char *content_type,
                       const uint8_t *body, size_t body_len, long timeout_ms, size_t max_len,
                       uint8_t **out, size_t *out_len, ks_error *err)
{
    if (!c || !c->o.fetch)
        return ks_error_set(err, KS_E_USAGE, N_("no network access configured to fetch %s"),
                            url ? url : "");
    return c->o.fetch(c->o.fetch_arg, url, content_type, body, body_len, timeout_ms, max_len, out,
                      out_len, err);
}

const ks_trust *ks_ctx_trust(const ks_ctx *c)
{
    return c ? c->o.trust : NULL;
}

/* The cache is the one part of a shared context that changes: its own mutex guards it, so the
 * context stays const for its users. */
static ks_ctx *mut(const ks_ctx *c)
{
    return (ks_ctx *)(uintptr_t)c;
}

ks_status ks_ctx_cache_get(const ks_ctx *cc, const char *key, uint8_t **data, size_t *len)
{
    ks_ctx *c = mut(cc);
    *data = NULL;
    *len = 0;
    if (!c || !key)
        return KS_E_IO;
    ks_status st = KS_E_IO;
    time_t now = ks_ctx_now(c);
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->ncache; i++) {
        cache_entry *e = &c->cache[i];
        if (strcmp(e->key, key) != 0)
            continue;
        if (e->valid_until >= now && (*data = malloc(e->len ? e->len : 1)) != NULL) {
            memcpy(*data, e->data, e->len);
            *len = e->len;
            st = KS_OK;
        }
        break;
    }
    pthread_mutex_unlock(&c->lock);
    return st;
}

void ks_ctx_cache_put(const ks_ctx *cc, const char *key, const uint8_t *data, size_t len,
                      time_t valid_until)
{
    ks_ctx *c = mut(cc);
    if (!c || !key)
        return;
    char *k = strdup(key);
    uint8_t *d = malloc(len ? len : 1);
    if (!k || !d) {
        free(k);
        free(d);
        return;
    }
    memcpy(d, data, len);
    pthread_mutex_lock(&c->lock);
    cache_entry *e = NULL;
    for (size_t i = 0; i < c->ncache && !e; i++)
        if (strcmp(c->cache[i].key, key) == 0 || c->cache[i].valid_until < ks_ctx_now(c))
            e = &c->cache[i];
    if (!e && c->ncache < CACHE_MAX) {
        cache_entry *grown = realloc(c->cache, (c->ncache + 1) * sizeof *grown);
        if (grown) {
            c->cache = grown;
            e = &c->cache[c->ncache++];
            memset(e, 0, sizeof *e);
        }
    }
    if (e) {
        free(e->key);
        free(e->data);
        *e = (cache_entry){k, d, len, valid_until};
        k = NULL;
        d = NULL;
    }
    pthread_mutex_unlock(&c->lock);
    free(k);
    free(d);
}
