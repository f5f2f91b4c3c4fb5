/* server/fed_worker.c — the queue of messages to peer servers (fed_outbox) and the worker
 * thread that posts them: each message is stored before it is sent, sent by one node (a lease
 * on its row), retried with exponential backoff while the peer is down or busy, and given up
 * after FED_MAX_ATTEMPTS or when the peer refuses it (4xx). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/crypto.h>

#include "../store/blob.h"
#include "fed.h"
#include "fed_queries.h"
#include "kyso/net.h"

#define FED_POLL_MS 1000

ks_status fed_enqueue(kysod_req *r, const char *peer, const char *path, const char *key,
                      const uint8_t *body, size_t len, ks_error *e)
{
    char sha[65];
    ks_status st = ks_blob_put(r->srv->cfg.blob_dir, body, len, sha, e);
    ks_db_arg a[5] = {KS_DB_S(peer), KS_DB_S(path), KS_DB_S(key), KS_DB_S(sha),
                      KS_DB_I(time(NULL))};
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_FQ_NEW, a, 5, NULL, NULL, e);
    return st;
}

ks_status fed_queue_status(kysod_req *r, const char *peer, const char *package_id,
                           const char *for_code, const char *from_code, const char *from_name,
                           int code, const char *description, ks_error *e)
{
    char ts[32], key[512];
    ks_edxml_timestamp(time(NULL), ts);
    ks_edxml_status s;
    memset(&s, 0, sizeof s);
    s.for_organ_id = for_code;
    s.for_document_id = package_id;
    s.from.organ_id = from_code;
    s.from.organ_name = from_name;
    s.code = code;
    s.description = description && *description ? description : NULL;
    s.timestamp = ts;
    ks_buf b = KS_BUF_INIT;
    ks_status st = ks_edxml_status_pack(&s, &b, e);
    /* one message per (package, answering agency, code): a repeated step queues nothing */
    snprintf(key, sizeof key, "st|%s|%s|%s|%02d", peer, package_id, from_code, code);
    if (st == KS_OK)
        st = fed_enqueue(r, peer, "statuses", key, b.data, b.len, e);
    ks_buf_free(&b);
    return st;
}

void fed_kick(kysod *srv)
{
    kysod_fed *f = srv->fed;
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
}

/* Seconds before attempt n+1: 2, 4, 8, ... at most 5 minutes. */
static int64_t backoff_s(int64_t attempts)
{
    return attempts >= 8 ? 300 : (int64_t)2 << attempts;
}

/* Posts one message; the row's outcome is written back. */
static void send_one(kysod *srv, ks_db *db, ks_db_rows *rows, int i)
{
    kysod_fed *f = srv->fed;
    int64_t id = ks_db_cell_int(rows, i, 0), attempts = ks_db_cell_int(rows, i, 5);
    int64_t old_next = ks_db_cell_int(rows, i, 6), now = time(NULL);
    const char *peer = ks_db_cell(rows, i, 1), *path = ks_db_cell(rows, i, 2);
    const char *key = ks_db_cell(rows, i, 3);
    ks_error e;
    int64_t changed = 0;
    ks_db_arg c[3] = {KS_DB_I(id), KS_DB_I(old_next), KS_DB_I(now + 120)};
    if (ks_db_run(db, Q_FQ_CLAIM, c, 3, NULL, &changed, &e) != KS_OK || changed != 1)
        return; /* another node has it */
    int p = fed_peer_index(&f->cfg, peer);
    uint8_t *body = NULL, *answer = NULL;
    size_t len = 0, alen = 0;
    long http = 0;
    char err_text[512] = "";
    ks_status st = KS_OK;
    if (p < 0) {
        snprintf(err_text, sizeof err_text, "no peer \"%s\" in the peers file", peer);
        http = 400;
        st = KS_E_USAGE;
    } else if ((st = ks_blob_get(srv->cfg.blob_dir, ks_db_cell(rows, i, 4), &body, &len, &e)) !=
               KS_OK) {
        snprintf(err_text, sizeof err_text, "%s", e.msg_en);
        http = 500;
    } else {
        char url[700], upath[64], ts[24], sig[65], h1[96], h2[48], h3[96];
        snprintf(upath, sizeof upath, "/api/v1/fed/%s", path);
        snprintf(url, sizeof url, "%s%s", f->cfg.peers[p].url, upath);
        snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
        fed_sign(f->cfg.peers[p].key, f->cfg.self, ts, upath, body, len, sig);
        snprintf(h1, sizeof h1, "X-Kyso-Peer: %s", f->cfg.self);
        snprintf(h2, sizeof h2, "X-Kyso-Time: %s", ts);
        snprintf(h3, sizeof h3, "X-Kyso-Signature: %s", sig);
        const char *hdrs[] = {h1, h2, h3, NULL};
        st = ks_http_post_ex(url, "application/xml", hdrs, body, len, 60000, 1 << 20, &answer,
                             &alen, &http, &e);
        if (st != KS_OK)
            snprintf(err_text, sizeof err_text, "%s", e.msg_en);
    }
    free(body);
    free(answer);
    now = time(NULL);
    if (st == KS_OK) {
        ks_db_arg a[2] = {KS_DB_I(id), KS_DB_I(now)};
        ks_db_run(db, Q_FQ_SENT, a, 2, NULL, NULL, &e);
        if (strcmp(path, "packages") == 0) {
            /* the key is "doc|PACKAGE-ID|PEER" */
            char pkg[256];
            const char *a1 = strchr(key, '|'), *a2 = a1 ? strrchr(key, '|') : NULL;
            if (a1 && a2 > a1 && (size_t)(a2 - a1) < sizeof pkg) {
                snprintf(pkg, sizeof pkg, "%.*s", (int)(a2 - a1 - 1), a1 + 1);
                ks_db_arg d[3] = {KS_DB_S(pkg), KS_DB_S(peer), KS_DB_I(now)};
                ks_db_run(db, Q_FS_DELIVERED, d, 3, NULL, NULL, &e);
            }
        }
        json_t *fl = json_pack("{s:s, s:s, s:s}", "peer", peer, "path", path, "key", key);
        kysod_log(srv, "info", "fed: sent", fl);
        json_decref(fl);
        return;
    }
    /* a refusal (4xx but 408 and 429) will not change by retrying */
    bool final = (http >= 400 && http < 500 && http != 408 && http != 429) ||
                 attempts + 1 >= FED_MAX_ATTEMPTS;
    ks_db_arg a[4] = {KS_DB_I(id), KS_DB_S(final ? "failed" : "pending"),
                      KS_DB_I(now + backoff_s(attempts)), KS_DB_S(err_text)};
    ks_db_run(db, Q_FQ_RETRY, a, 4, NULL, NULL, &e);
    if (final && strcmp(path, "packages") == 0) {
        char pkg[256];
        const char *a1 = strchr(key, '|'), *a2 = a1 ? strrchr(key, '|') : NULL;
        if (a1 && a2 > a1 && (size_t)(a2 - a1) < sizeof pkg) {
            snprintf(pkg, sizeof pkg, "%.*s", (int)(a2 - a1 - 1), a1 + 1);
            ks_db_arg d[4] = {KS_DB_S(pkg), KS_DB_S(peer), KS_DB_S(err_text), KS_DB_I(now)};
            ks_db_run(db, Q_FS_FAILED, d, 4, NULL, NULL, &e);
        }
    }
    json_t *fl = json_pack("{s:s, s:s, s:I, s:s, s:b}", "peer", peer, "path", path, "attempt",
                           (json_int_t)(attempts + 1), "error", err_text, "given_up", final);
    kysod_log(srv, "warn", "fed: not sent", fl);
    json_decref(fl);
}

static void *worker(void *arg)
{
    kysod *srv = arg;
    kysod_fed *f = srv->fed;
    for (;;) {
        pthread_mutex_lock(&f->lock);
        if (!f->stop) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += FED_POLL_MS / 1000;
            pthread_cond_timedwait(&f->wake, &f->lock, &ts);
        }
        bool stop = f->stop;
        pthread_mutex_unlock(&f->lock);
        if (stop)
            break;
        ks_db *db = ks_db_acquire(srv->pool);
        ks_db_rows *rows = NULL;
        ks_error e;
        ks_db_arg a = KS_DB_I(time(NULL));
        if (ks_db_run(db, Q_FQ_DUE, &a, 1, &rows, NULL, &e) == KS_OK)
            for (int i = 0; i < rows->nrows; i++)
                send_one(srv, db, rows, i);
        ks_db_rows_free(rows);
        ks_db_release(srv->pool, db);
    }
    return NULL;
}

ks_status fed_start(kysod *srv, ks_error *err)
{
    if (!srv->cfg.fed_peers[0])
        return KS_OK;
    if (!srv->cfg.blob_dir[0])
        return ks_error_set(err, KS_E_USAGE,
                            N_("fed_peers needs blob_dir (the queue keeps the "
                               "messages there)"));
    kysod_fed *f = calloc(1, sizeof *f);
    if (!f)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    ks_status st = fed_config_load(&f->cfg, srv->cfg.fed_peers, err);
    if (st != KS_OK) {
        OPENSSL_cleanse(f, sizeof *f);
        free(f);
        return st;
    }
    pthread_mutex_init(&f->lock, NULL);
    pthread_cond_init(&f->wake, NULL);
    srv->fed = f;
    if (pthread_create(&f->thread, NULL, worker, srv) != 0) {
        srv->fed = NULL;
        free(f);
        return ks_error_set(err, KS_E_IO, N_("cannot start the federation worker"));
    }
    f->running = true;
    return KS_OK;
}

void fed_stop(kysod *srv)
{
    kysod_fed *f = srv->fed;
    if (!f)
        return;
    pthread_mutex_lock(&f->lock);
    f->stop = true;
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->lock);
    if (f->running)
        pthread_join(f->thread, NULL);
    pthread_mutex_destroy(&f->lock);
    pthread_cond_destroy(&f->wake);
    OPENSSL_cleanse(f, sizeof *f);
    free(f);
    srv->fed = NULL;
}
