/* server/lifecycle.c — a kysod's resources from its configuration: the database pool (with
 * migrations), the session cache, the embedded OpenAPI document, the locks, the dummy hash;
 * and their release. The program (main.c) and the fuzz target share it. */
#include <stdlib.h>
#include <sys/stat.h>

#include "server.h"

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
        st = kysod_hash_password(srv, "kysod: the cost of an unknown login", srv->dummy_hash, err);
    if (st == KS_OK && srv->cfg.token_trust[0]) {
        struct stat sb;
        st = ks_trust_new(&srv->token_trust, err);
        if (st == KS_OK)
            st = stat(srv->cfg.token_trust, &sb) == 0 && S_ISDIR(sb.st_mode)
                     ? ks_trust_add_dir(srv->token_trust, srv->cfg.token_trust, err)
                     : ks_trust_add_file(srv->token_trust, srv->cfg.token_trust, err);
        if (st == KS_OK && ks_trust_count(srv->token_trust) == 0)
            st = ks_error_set(err, KS_E_USAGE, N_("token_trust \"%s\" holds no certificate"),
                              srv->cfg.token_trust);
    }
    if (st != KS_OK)
        kysod_close(srv);
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
}
