/* server/api_events.c — GET /events: notifications as server-sent events (text/event-stream).
 * A stream holds no thread: when it has nothing to send, its connection is suspended
 * (libmicrohttpd's suspend/resume); one poller thread per node reads new rows of the events
 * table each second, appends each to the streams whose person may see it, and resumes them. A
 * heartbeat comment every 20 s keeps proxies from closing idle streams and finds clients that
 * left; a stream ends with its session (checked at each heartbeat); the number is bounded
 * (max_event_streams) and a client that does not read is dropped once 64 KiB wait for it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fed.h"
#include "fed_queries.h"

#define EV_POLL_MS 1000
#define EV_HEARTBEAT_S 20
#define EV_MAX_PENDING (64 * 1024)
#define EV_PRUNE_AFTER_S (2 * 86400)

typedef struct ev_stream {
    kysod_events *hub;
    struct MHD_Connection *conn;
    kysod_req who; /* the session as it was when the stream opened (s and the city flags) */
    char *buf;
    size_t len, cap;
    bool suspended, closing;
    struct ev_stream *next;
} ev_stream;

struct kysod_events {
    kysod *srv;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    pthread_t thread;
    bool running, stop;
    ev_stream *head;
    int nstreams;
    int64_t last_id;
};

/* with the hub locked */
static void push(ev_stream *s, const char *text, size_t n)
{
    if (s->closing)
        return;
    if (s->len + n > EV_MAX_PENDING) {
        s->closing = true; /* the client does not read: drop it */
        return;
    }
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 1024;
        while (cap < s->len + n)
            cap *= 2;
        char *b = realloc(s->buf, cap);
        if (!b) {
            s->closing = true;
            return;
        }
        s->buf = b;
        s->cap = cap;
    }
    memcpy(s->buf + s->len, text, n);
    s->len += n;
}

static bool may_see(const ev_stream *s, int64_t agency, const char *role)
{
    if (!*role)
        return kysod_member(&s->who, agency);
    return kysod_has_role(&s->who, agency, role);
}

/* with the hub locked: every stream that has something to say (or must close) runs again */
static void resume_ready(kysod_events *h)
{
    for (ev_stream *s = h->head; s; s = s->next)
        if (s->suspended && (s->len || s->closing)) {
            s->suspended = false;
            MHD_resume_connection(s->conn);
        }
}

/* Row i of an events query as one server-sent event ("id: …\nevent: …\ndata: {…}\n\n"),
 * malloc'd; NULL when out of memory. */
static char *event_text(const ks_db_rows *rows, int i)
{
    int64_t id = ks_db_cell_int(rows, i, 0);
    const char *kind = ks_db_cell(rows, i, 3);
    json_t *data = json_loads(ks_db_cell(rows, i, 5), 0, NULL);
    char at[32];
    kysod_time_format(ks_db_cell_int(rows, i, 6), at);
    json_t *o =
        json_pack("{s:I, s:s, s:s, s:I, s:o, s:s}", "id", (json_int_t)id, "kind", kind, "ref",
                  ks_db_cell(rows, i, 4), "agency_id", (json_int_t)ks_db_cell_int(rows, i, 1),
                  "data", data ? data : json_object(), "at", at);
    char *text = json_dumps(o, JSON_COMPACT);
    json_decref(o);
    ks_buf b = KS_BUF_INIT;
    if (text)
        ks_buf_printf(&b, "id: %lld\nevent: %s\ndata: %s\n\n", (long long)id, kind, text);
    free(text);
    if (!text || b.failed) {
        ks_buf_free(&b);
        return NULL;
    }
    size_t len = 0;
    return (char *)ks_buf_steal(&b, &len);
}

static void deliver(kysod_events *h, ks_db_rows *rows)
{
    for (int i = 0; i < rows->nrows; i++) {
        int64_t agency = ks_db_cell_int(rows, i, 1);
        const char *role = ks_db_cell(rows, i, 2);
        h->last_id = ks_db_cell_int(rows, i, 0);
        char *text = event_text(rows, i);
        for (ev_stream *s = h->head; text && s; s = s->next)
            if (may_see(s, agency, role))
                push(s, text, strlen(text));
        free(text);
    }
}

/* Ends the streams whose session is gone (signed out, the person disabled, expired): checked at
 * each heartbeat, outside the hub's lock. Called with the hub locked; returns locked. */
static void end_dead_sessions(kysod_events *h)
{
    kysod *srv = h->srv;
    int n = 0;
    char(*hashes)[65] = calloc((size_t)h->nstreams + 1, sizeof *hashes);
    for (ev_stream *s = h->head; hashes && s && n < h->nstreams; s = s->next)
        memcpy(hashes[n++], s->who.s.token_hash, 65);
    pthread_mutex_unlock(&h->lock);
    bool *dead = calloc((size_t)n + 1, sizeof *dead);
    int64_t now = time(NULL);
    ks_db_arg a[3] = {KS_DB_NIL, KS_DB_I(now - (int64_t)srv->cfg.session_max_hours * 3600),
                      KS_DB_I(now - (int64_t)srv->cfg.session_idle_min * 60)};
    ks_db *db = n && dead ? ks_db_acquire(srv->pool) : NULL;
    for (int i = 0; db && i < n; i++) {
        ks_db_rows *rows = NULL;
        ks_error e;
        a[0] = KS_DB_S(hashes[i]);
        if (ks_db_run(db, Q_EV_SESSION_LIVE, a, 3, &rows, NULL, &e) == KS_OK)
            dead[i] = ks_db_cell_int(rows, 0, 0) == 0;
        ks_db_rows_free(rows);
    }
    if (db)
        ks_db_release(srv->pool, db);
    pthread_mutex_lock(&h->lock);
    for (int i = 0; dead && i < n; i++)
        for (ev_stream *s = h->head; dead[i] && s; s = s->next)
            if (strcmp(s->who.s.token_hash, hashes[i]) == 0)
                s->closing = true;
    free(hashes);
    free(dead);
}

static void *poller(void *arg)
{
    kysod_events *h = arg;
    kysod *srv = h->srv;
    time_t last_beat = time(NULL), last_prune = 0;
    pthread_mutex_lock(&h->lock);
    while (!h->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += EV_POLL_MS / 1000;
        pthread_cond_timedwait(&h->wake, &h->lock, &ts);
        if (h->stop)
            break;
        int64_t since = h->last_id;
        bool any = h->head != NULL;
        pthread_mutex_unlock(&h->lock);
        ks_db_rows *rows = NULL;
        ks_error e;
        time_t now = time(NULL);
        ks_db *db = ks_db_acquire(srv->pool);
        ks_db_arg a = KS_DB_I(since);
        ks_status st = ks_db_run(db, Q_EV_SINCE, &a, 1, &rows, NULL, &e);
        if (now - last_prune > 600) {
            ks_db_arg p = KS_DB_I(now - EV_PRUNE_AFTER_S);
            ks_db_run(db, Q_EV_PRUNE, &p, 1, NULL, NULL, &e);
            last_prune = now;
        }
        ks_db_release(srv->pool, db);
        pthread_mutex_lock(&h->lock);
        if (st == KS_OK)
            deliver(h, rows);
        ks_db_rows_free(rows);
        if (any && now - last_beat >= EV_HEARTBEAT_S) {
            end_dead_sessions(h);
            for (ev_stream *s = h->head; s; s = s->next)
                push(s, ": heartbeat\n\n", 13);
            last_beat = now;
        }
        resume_ready(h);
    }
    pthread_mutex_unlock(&h->lock);
    return NULL;
}

ks_status kysod_events_start(kysod *srv, ks_error *err)
{
    kysod_events *h = calloc(1, sizeof *h);
    if (!h)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    h->srv = srv;
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    ks_db *db = ks_db_acquire(srv->pool);
    ks_db_rows *rows = NULL;
    ks_status st = ks_db_run(db, Q_EV_MAX, NULL, 0, &rows, NULL, err);
    ks_db_release(srv->pool, db);
    if (st == KS_OK)
        h->last_id = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    if (st == KS_OK && pthread_create(&h->thread, NULL, poller, h) != 0)
        st = ks_error_set(err, KS_E_IO, N_("cannot start the notification thread"));
    if (st != KS_OK) {
        pthread_mutex_destroy(&h->lock);
        pthread_cond_destroy(&h->wake);
        free(h);
        return st;
    }
    h->running = true;
    srv->events = h;
    return KS_OK;
}

/* Closes every stream (resumed, they end) and stops the poller; before MHD_stop_daemon, which
 * must not meet a suspended connection. */
void kysod_events_stop(kysod *srv)
{
    kysod_events *h = srv->events;
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    h->stop = true;
    for (ev_stream *s = h->head; s; s = s->next)
        s->closing = true;
    resume_ready(h);
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    if (h->running)
        pthread_join(h->thread, NULL);
    h->running = false;
}

/* Frees the hub once the daemon has stopped (no stream is left then). */
void kysod_events_free(kysod *srv)
{
    kysod_events *h = srv->events;
    if (!h)
        return;
    pthread_mutex_lock(&h->lock);
    while (h->head) { /* streams whose connection never started: nothing refers to them */
        ev_stream *s = h->head;
        h->head = s->next;
        free(s->buf);
        free(s);
    }
    pthread_mutex_unlock(&h->lock);
    pthread_mutex_destroy(&h->lock);
    pthread_cond_destroy(&h->wake);
    free(h);
    srv->events = NULL;
}

static ssize_t reader(void *cls, uint64_t pos, char *buf, size_t max)
{
    (void)pos;
    ev_stream *s = cls;
    kysod_events *h = s->hub;
    ssize_t n = 0;
    pthread_mutex_lock(&h->lock);
    if (s->len) {
        size_t k = s->len < max ? s->len : max;
        memcpy(buf, s->buf, k);
        memmove(s->buf, s->buf + k, s->len - k);
        s->len -= k;
        n = (ssize_t)k;
    } else if (s->closing || h->stop) {
        n = MHD_CONTENT_READER_END_OF_STREAM;
    } else {
        s->suspended = true;
        MHD_suspend_connection(s->conn);
    }
    pthread_mutex_unlock(&h->lock);
    return n;
}

static void unlink_stream(void *cls)
{
    ev_stream *s = cls;
    kysod_events *h = s->hub;
    pthread_mutex_lock(&h->lock);
    for (ev_stream **p = &h->head; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            h->nstreams--;
            break;
        }
    pthread_mutex_unlock(&h->lock);
    free(s->buf);
    free(s);
}

struct MHD_Response *kysod_events_response(kysod_req *r)
{
    ev_stream *s = r->stream;
    r->stream = NULL;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, reader, s, unlink_stream);
    if (!resp) {
        unlink_stream(s);
        return NULL;
    }
    MHD_add_response_header(resp, "X-Accel-Buffering", "no"); /* nginx: pass each event on */
    return resp;
}

/* A browser that reconnects sends the last id it saw (Last-Event-ID): the events it may see
 * between that id and `upto` (when it joined the hub; at most the latest EV_REPLAY) go first,
 * after the greeting and before anything the poller added meanwhile. */
static void replay(kysod_req *r, kysod_events *h, ev_stream *s, size_t hello_len, int64_t upto)
{
    const char *lei = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Last-Event-ID");
    char *end = NULL;
    long long since = lei ? strtoll(lei, &end, 10) : -1;
    if (!lei || !*lei || *end || since < 0 || since >= upto)
        return;
    ks_db_rows *rows = NULL;
    ks_error e;
    ks_db_arg a[2] = {KS_DB_I(since), KS_DB_I(upto)};
    if (ks_db_run(r->db, Q_EV_REPLAY, a, 2, &rows, NULL, &e) != KS_OK)
        return;
    ks_buf b = KS_BUF_INIT;
    for (int i = rows->nrows - 1; i >= 0; i--) { /* newest first in the answer */
        if (!may_see(s, ks_db_cell_int(rows, i, 1), ks_db_cell(rows, i, 2)))
            continue;
        char *text = event_text(rows, i);
        if (text)
            ks_buf_puts(&b, text);
        free(text);
    }
    ks_db_rows_free(rows);
    pthread_mutex_lock(&h->lock);
    if (!b.failed && b.len && s->len >= hello_len && s->len + b.len <= EV_MAX_PENDING) {
        size_t rest = s->len - hello_len;
        s->len = hello_len; /* the greeting, the replay, then what came meanwhile */
        char *tail = rest ? malloc(rest) : NULL;
        if (!rest || tail) {
            if (tail)
                memcpy(tail, s->buf + hello_len, rest);
            push(s, (const char *)b.data, b.len);
            if (tail)
                push(s, tail, rest);
        } else {
            s->len = hello_len + rest; /* out of memory: no replay */
        }
        free(tail);
    }
    pthread_mutex_unlock(&h->lock);
    ks_buf_free(&b);
}

/* GET /events */
int api_events(kysod_req *r)
{
    kysod_events *h = r->srv->events;
    const char *accept = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept");
    if (!accept || !strstr(accept, "text/event-stream")) /* EventSource always asks so */
        return kysod_fail(r, 406, "not_acceptable", NULL,
                          N_("this address answers only Accept: text/event-stream"));
    if (!h || r->srv->cfg.max_event_streams == 0)
        return kysod_fail(r, 503, "unavailable", NULL, N_("notifications are not available"));
    ev_stream *s = calloc(1, sizeof *s);
    if (!s)
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    s->hub = h;
    s->conn = r->conn;
    s->who.srv = r->srv;
    s->who.s = r->s;
    s->who.city_admin = r->city_admin;
    s->who.city_auditor = r->city_auditor;
    s->who.reg_officer = r->reg_officer;
    static const char hello[] = "retry: 5000\n: kysod notifications\n\n";
    size_t hello_len = sizeof hello - 1;
    pthread_mutex_lock(&h->lock);
    int64_t upto = h->last_id;
    bool full = h->stop || h->nstreams >= r->srv->cfg.max_event_streams;
    if (!full) {
        push(s, hello, hello_len);
        s->next = h->head;
        h->head = s;
        h->nstreams++;
    }
    pthread_mutex_unlock(&h->lock);
    if (full) {
        free(s->buf);
        free(s);
        snprintf(r->retry_after, sizeof r->retry_after, "30");
        return kysod_fail(r, 503, "too_many_streams", NULL,
                          N_("too many notification streams are open; try again later"));
    }
    replay(r, h, s, hello_len, upto);
    r->stream = s;
    r->raw_type = "text/event-stream; charset=utf-8";
    r->status = 200;
    return 200;
}
