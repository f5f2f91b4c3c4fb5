/* server/lifecycle.c — a kysod's resources from its configuration: the database pool (with
 * migrations), the session cache, the embedded OpenAPI document, the locks, the dummy hash;
 * and their release. The program (main.c) and the fuzz target share it. */
#include <stdlib.h>
#include <sys/stat.h>

#include "server.h"
#include "token_cache.h"

/* src/server/openapi.json, embedded at build time (embed.cmake) */
extern const char kysod_openapi_json[];
extern const size_t kysod_openapi_json_len;

ks_status kysod_open(kysod *srv, ks_error *err)
{
    pthread_mutex_init(&srv->cache_lock, NULL);
    pthread_mutex_init(&srv->hash_lock, NULL);
    pthread_mutex_init(&srv->log_lock, NULL);
    srv->openapi = kysod_openapi_json;
    srv->openapi_len = kysod_openapi_json_len;
    srv->cache = calloc(KYSOD_SESSION_CACHE, sizeof *srv->cache);
    if (!srv->cache)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = ks_db_pool_open(srv->cfg.database, srv->cfg.db_pool, &srv->pool, err);
    pthread_mutex_init(&srv->page_lock, NULL);
    if (st == KS_OK && srv->cfg.page_cache && ks_db_pool_kind(srv->pool) == KS_DB_SQLITE &&
        !(srv->pages = calloc(KYSOD_PAGE_CACHE, sizeof *srv->pages)))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    if (st == KS_OK)
        st = kysod_token_cache_new(&srv->tokens, err);
    if (st == KS_OK)
        st = kysod_hash_password(srv, "kysod: the cost of an unknown login", srv->dummy_hash, err);
    /* the personal CAs' anchors for token sign-in: token_trust, else those of trust_anchors */
    if (st == KS_OK && srv->cfg.token_trust[0])
        st = kysod_load_trust("token_trust", srv->cfg.token_trust, &srv->token_trust, err);
    else if (st == KS_OK && srv->cfg.trust_anchors[0])
        st = kysod_load_trust("trust_anchors", srv->cfg.trust_anchors, &srv->token_trust, err);
    if (st != KS_OK)
        kysod_close(srv);
    return st;
}

/* Anchors from `path` (a PEM file, or a directory of *.pem): KS_E_USAGE naming the setting
 * `what` when it holds none. */
ks_status kysod_load_trust(const char *what, const char *path, ks_trust **out, ks_error *err)
{
    struct stat sb;
    ks_status st = ks_trust_new(out, err);
    if (st == KS_OK)
        st = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode) ? ks_trust_add_dir(*out, path, err)
                                                         : ks_trust_add_file(*out, path, err);
    if (st == KS_OK && ks_trust_count(*out) == 0)
        st = ks_error_set(err, KS_E_USAGE, N_("%s \"%s\" holds no certificate"), what, path);
    if (st != KS_OK) {
        ks_trust_free(*out);
        *out = NULL;
    }
    return st;
}

void kysod_close(kysod *srv)
{
    kysod_stop(srv);
    ks_db_pool_free(srv->pool);
    srv->pool = NULL;
    free(srv->cache);
    srv->cache = NULL;
    for (int i = 0; srv->pages && i < KYSOD_PAGE_CACHE; i++)
        free(srv->pages[i].body);
    free(srv->pages);
    srv->pages = NULL;
    ks_trust_free(srv->token_trust);
    srv->token_trust = NULL;
    kysod_token_cache_free(srv->tokens);
    srv->tokens = NULL;
}
