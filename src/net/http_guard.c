/* net/http_guard.c — what keeps one client from silencing an HTTP server (`ca serve`): a total
 * deadline for each request's header and body (libmicrohttpd's own timer is an idle timer that
 * every byte resets, so a client trickling one byte a second held a connection for ever), enforced
 * by a watchdog thread that shuts the socket of a request past it; and the header checks a request
 * must pass before its body is read (one Content-Length, no transfer coding but chunked). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mhd_lazy.h"
#include "http_guard.h"

typedef struct track {
    int fd;
    uint64_t start_ms; /* when the current request began (connection start or last answer) */
    bool receiving;    /* header or body still arriving: the deadline runs */
    bool cut;          /* the watchdog shut it down already */
    struct track *prev, *next;
} track;

struct ks_server_guard {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool thread_started, stop;
    unsigned deadline_ms;
    track head; /* circular list sentinel */
    unsigned long cut_count;
};

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static void *watchdog(void *arg)
{
    ks_server_guard *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        uint64_t now = now_ms();
        for (track *t = g->head.next; t != &g->head; t = t->next) {
            if (t->receiving && !t->cut && now - t->start_ms > g->deadline_ms) {
                /* under the lock: the fd stays MHD's until its CLOSED notice unlinks it */
                shutdown(t->fd, SHUT_RDWR);
                t->cut = true;
                g->cut_count++;
            }
        }
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += 200 * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->cv, &g->mu, &until);
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

ks_server_guard *ks_server_guard_new(unsigned deadline_ms)
{
    ks_server_guard *g = calloc(1, sizeof *g);
    if (!g)
        return NULL;
    g->deadline_ms = deadline_ms;
    g->head.next = g->head.prev = &g->head;
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cv, NULL);
    if (pthread_create(&g->thread, NULL, watchdog, g) != 0) {
        ks_server_guard_free(g);
        return NULL;
    }
    g->thread_started = true;
    return g;
}

void ks_server_guard_stop(ks_server_guard *g)
{
    if (!g || !g->thread_started)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = true;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->thread, NULL);
    g->thread_started = false;
}

void ks_server_guard_free(ks_server_guard *g)
{
    if (!g)
        return;
    ks_server_guard_stop(g);
    for (track *t = g->head.next; t != &g->head;) {
        track *n = t->next;
        free(t);
        t = n;
    }
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

void ks_server_guard_notify(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code)
{
    ks_server_guard *g = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci =
            MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        track *t = ci ? calloc(1, sizeof *t) : NULL;
        if (!t) /* without a track the deadline does not apply; the idle timer still does */
            return;
        t->fd = ci->connect_fd;
        t->start_ms = now_ms();
        t->receiving = true;
        pthread_mutex_lock(&g->mu);
        t->next = &g->head;
        t->prev = g->head.prev;
        g->head.prev->next = t;
        g->head.prev = t;
        pthread_mutex_unlock(&g->mu);
        *socket_context = t;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        track *t = *socket_context;
        if (!t)
            return;
        pthread_mutex_lock(&g->mu);
        t->prev->next = t->next;
        t->next->prev = t->prev;
        pthread_mutex_unlock(&g->mu);
        free(t);
        *socket_context = NULL;
    }
}

static track *track_of(struct MHD_Connection *c)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

void ks_server_guard_received(ks_server_guard *g, struct MHD_Connection *c)
{
    track *t = track_of(c);
    if (!t)
        return;
    pthread_mutex_lock(&g->mu);
    t->receiving = false;
    pthread_mutex_unlock(&g->mu);
}

void ks_server_guard_next(ks_server_guard *g, struct MHD_Connection *c)
{
    track *t = track_of(c);
    if (!t)
        return;
    pthread_mutex_lock(&g->mu);
    t->receiving = true;
    t->start_ms = now_ms();
    pthread_mutex_unlock(&g->mu);
}

typedef struct hdr_scan {
    int content_lengths;
    const char *first_cl;
    bool cl_differ;
    bool te_other; /* a Transfer-Encoding other than exactly "chunked" */
} hdr_scan;

static enum MHD_Result scan_one(void *cls, enum MHD_ValueKind kind, const char *key,
                                const char *value)
{
    (void)kind;
    hdr_scan *h = cls;
    if (!key)
        return MHD_YES;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
        if (h->content_lengths++ == 0)
            h->first_cl = value;
        else if (!value || !h->first_cl || strcmp(value, h->first_cl) != 0)
            h->cl_differ = true;
    } else if (strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
        if (!value || strcasecmp(value, "chunked") != 0)
            h->te_other = true;
    }
    return MHD_YES;
}

unsigned ks_server_guard_check_headers(struct MHD_Connection *c, const char **why)
{
    hdr_scan h;
    memset(&h, 0, sizeof h);
    MHD_get_connection_values(c, MHD_HEADER_KIND, scan_one, &h);
    /* RFC 9112 §6.3: differing Content-Length values are an unrecoverable framing error (two
     * parsers would split the stream differently: request smuggling) */
    if (h.cl_differ) {
        *why = "conflicting Content-Length headers\n";
        return MHD_HTTP_BAD_REQUEST;
    }
    /* RFC 9112 §6.1: a transfer coding the server does not understand gets 501 at once, not a
     * wait for a body it cannot delimit */
    if (h.te_other) {
        *why = "transfer coding not implemented (only chunked)\n";
        return MHD_HTTP_NOT_IMPLEMENTED;
    }
    return 0;
}
