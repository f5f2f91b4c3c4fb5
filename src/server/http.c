/* server/http.c — kysod on libmicrohttpd: a thread pool over epoll, request bodies gathered up
 * to the configured limit (larger ones are refused without being buffered), one database
 * connection per request, the answer with its security headers, a JSON log line per request
 * and the metrics. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "fed.h"
#include "server.h"

int64_t kysod_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void kysod_log(kysod *srv, const char *level, const char *msg, json_t *fields)
{
    if (strcmp(level, "debug") == 0 && strcmp(srv->cfg.log_level, "debug") != 0)
        return;
    if (strcmp(level, "info") == 0 && strcmp(srv->cfg.log_level, "warn") == 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char t[40];
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(t, sizeof t, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(t + n, sizeof t - n, ".%03ldZ", ts.tv_nsec / 1000000);
    json_t *o = json_pack("{s:s, s:s, s:s}", "ts", t, "level", level, "msg", msg);
    if (fields)
        json_object_update(o, fields);
    char *line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(4));
    json_decref(o);
    if (line) {
        pthread_mutex_lock(&srv->log_lock);
        fputs(line, stderr);
        fputc('\n', stderr);
        pthread_mutex_unlock(&srv->log_lock);
        free(line);
    }
}

static void client_ip(kysod_req *r)
{
    snprintf(r->ip, sizeof r->ip, "?");
    if (r->srv->cfg.trust_proxy) {
        const char *x = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Real-IP");
        if (x && strlen(x) < sizeof r->ip && strspn(x, "0123456789abcdefABCDEF.:") == strlen(x)) {
            snprintf(r->ip, sizeof r->ip, "%s", x);
            return;
        }
    }
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (!ci || !ci->client_addr)
        return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, r->ip,
                  sizeof r->ip);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, r->ip,
                  sizeof r->ip);
}

static void pick_lang(kysod_req *r)
{
    const char *al = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Accept-Language");
    snprintf(r->lang, sizeof r->lang, "vi");
    if (al && strncmp(al, "en", 2) == 0) {
        snprintf(r->lang, sizeof r->lang, "en");
        r->lang_explicit = true;
    } else if (al && strncmp(al, "vi", 2) == 0) {
        r->lang_explicit = true;
    }
}

static const char *mime_of(const char *path)
{
    static const char *const map[][2] = {
        {".html", "text/html; charset=utf-8"},
        {".js", "text/javascript; charset=utf-8"},
        {".css", "text/css; charset=utf-8"},
        {".json", "application/json"},
        {".svg", "image/svg+xml"},
        {".png", "image/png"},
        {".ico", "image/x-icon"},
        {".woff2", "font/woff2"},
        {".map", "application/json"},
        {".txt", "text/plain; charset=utf-8"},
    };
    const char *dot = strrchr(path, '.');
    for (size_t i = 0; dot && i < sizeof map / sizeof *map; i++)
        if (strcmp(dot, map[i][0]) == 0)
            return map[i][1];
    return "application/octet-stream";
}

/* The web bundle: files under web_root; a path without a file (a UI route) gets index.html. */
int kysod_static(kysod_req *r)
{
    const char *root = r->srv->cfg.web_root;
    if (!root[0])
        return kysod_fail(r, 404, "not_found", NULL, N_("no such page"));
    const char *u = r->url;
    if (strstr(u, "..") || strchr(u, '\\') || strlen(u) > 512 || u[0] != '/')
        return kysod_fail(r, 404, "not_found", NULL, N_("no such page"));
    char path[2048];
    snprintf(path, sizeof path, "%s%s", root, strcmp(u, "/") == 0 ? "/index.html" : u);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    struct stat sb;
    if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
        close(fd);
        fd = -1;
    }
    const char *last = strrchr(u, '/');
    if (fd < 0 && last && !strchr(last, '.')) {
        snprintf(path, sizeof path, "%s/index.html", root);
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd >= 0 && (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode))) {
            close(fd);
            fd = -1;
        }
    }
    if (fd < 0)
        return kysod_fail(r, 404, "not_found", NULL, N_("no such page"));
    r->fd = fd;
    r->fd_len = (size_t)sb.st_size;
    r->fd_type = mime_of(path);
    r->status = 200;
    return 200;
}

static void observe(kysod *srv, int status, int64_t us)
{
    kysod_metrics *m = &srv->metrics;
    int cls = status / 100;
    atomic_fetch_add(&m->requests[cls >= 1 && cls <= 5 ? cls : 0], 1);
    static const int64_t bounds_us[] = {1000, 2500, 5000, 10000, 25000, 50000, 100000};
    int b = 0;
    while (b < 7 && us > bounds_us[b])
        b++;
    atomic_fetch_add(&m->duration_bucket[b], 1);
    atomic_fetch_add(&m->duration_us_sum, (unsigned long)us);
}

static enum MHD_Result send_answer(kysod_req *r)
{
    struct MHD_Response *resp = NULL;
    const char *type = "application/json";
    if (r->stream) {
        resp = kysod_events_response(r);
        type = r->raw_type;
    } else if (r->fd >= 0) {
        resp = MHD_create_response_from_fd(r->fd_len, r->fd);
        r->fd = -1; /* MHD closes it */
        type = r->fd_type;
    } else if (r->raw) {
        resp = MHD_create_response_from_buffer(r->raw_len, r->raw, MHD_RESPMEM_MUST_FREE);
        r->raw = NULL;
        type = r->raw_type;
    } else if (r->out) {
        /* into one buffer sized for a typical page; a larger answer is dumped again */
        size_t cap = 32768, len = 0;
        char *s = malloc(cap);
        if (s && (len = json_dumpb(r->out, s, cap, KYSOD_JSON_FLAGS)) > cap) {
            char *b = realloc(s, len);
            s = b ? b : s;
            len = b ? json_dumpb(r->out, s, len, KYSOD_JSON_FLAGS) : 0;
        }
        if (s && len == 0) { /* jansson failed (out of memory) */
            free(s);
            s = NULL;
        }
        if (r->want_etag && r->status == 200) {
            kysod_etag_text(s ? s : "", len, r->etag);
            const char *inm =
                MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "If-None-Match");
            if (inm && (strcmp(inm, r->etag) == 0 || strcmp(inm, "*") == 0)) {
                free(s);
                s = NULL;
                len = 0;
                r->status = 304;
            }
        }
        resp = MHD_create_response_from_buffer(len, s ? s : (char *)"",
                                               s ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
        type = s ? "application/json; charset=utf-8" : NULL;
    } else {
        resp = MHD_create_response_from_buffer(0, (char *)"", MHD_RESPMEM_PERSISTENT);
        type = NULL;
    }
    if (!resp)
        return MHD_NO;
    if (type)
        MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    if (strncmp(r->url, "/api/", 5) == 0) {
        MHD_add_response_header(resp, "Cache-Control", r->etag[0] ? "no-cache" : "no-store");
    } else {
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'self'; img-src 'self' data:; frame-ancestors "
                                "'none'; base-uri 'none'; form-action 'self'");
    }
    if (r->etag[0])
        MHD_add_response_header(resp, "ETag", r->etag);
    if (r->set_cookie[0])
        MHD_add_response_header(resp, "Set-Cookie", r->set_cookie);
    if (r->retry_after[0])
        MHD_add_response_header(resp, "Retry-After", r->retry_after);
    if (r->status == 405)
        MHD_add_response_header(resp, "Allow", "GET, POST, PATCH, DELETE");
    enum MHD_Result ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void finish(kysod_req *r)
{
    int64_t us = kysod_now_us() - r->start_us;
    observe(r->srv, r->status, us);
    const char *level = r->status >= 500 ? "error" : "info";
    if (strcmp(level, "info") == 0 && strcmp(r->srv->cfg.log_level, "warn") == 0)
        return;
    /* the path without its query: nothing secret travels there, but nothing needs logging */
    json_t *f = json_pack("{s:s, s:s, s:i, s:f, s:s}", "method", r->method, "path", r->url,
                          "status", r->status, "ms", (double)us / 1000.0, "ip", r->ip);
    if (r->user_for_log)
        json_object_set_new(f, "user_id", json_integer(r->user_for_log));
    kysod_log(r->srv, level, "request", f);
    json_decref(f);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_size, void **con_cls)
{
    kysod *srv = cls;
    kysod_req *r = *con_cls;
    if (!r) {
        r = calloc(1, sizeof *r);
        if (!r)
            return MHD_NO;
        r->srv = srv;
        r->conn = conn;
        r->url = url;
        r->method = method;
        r->fd = -1;
        r->start_us = kysod_now_us();
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        *con_cls = r;
        if (cl && strtoull(cl, NULL, 10) > (unsigned long long)srv->cfg.max_body_kb * 1024) {
            /* answered at once, without reading the body (MHD then closes the connection) */
            r->body_too_big = true;
            client_ip(r);
            pick_lang(r);
            kysod_fail(r, 413, "payload_too_large", NULL,
                       N_("the request body is larger than %d KiB"), srv->cfg.max_body_kb);
            r->answered = true;
            enum MHD_Result ret = send_answer(r);
            finish(r);
            return ret;
        }
        return MHD_YES;
    }
    if (r->answered) {
        *upload_size = 0;
        return MHD_YES;
    }
    if (*upload_size) {
        size_t max = (size_t)srv->cfg.max_body_kb * 1024;
        if (!r->body_too_big && r->body_len + *upload_size > max) {
            r->body_too_big = true;
            free(r->body);
            r->body = NULL;
            r->body_len = 0;
        }
        if (!r->body_too_big) {
            if (r->body_len + *upload_size + 1 > r->body_cap) {
                size_t cap = r->body_cap ? r->body_cap : 4096;
                while (cap < r->body_len + *upload_size + 1)
                    cap *= 2;
                char *b = realloc(r->body, cap);
                if (!b)
                    return MHD_NO;
                r->body = b;
                r->body_cap = cap;
            }
            memcpy(r->body + r->body_len, upload_data, *upload_size);
            r->body_len += *upload_size;
            r->body[r->body_len] = 0;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    client_ip(r);
    pick_lang(r);
    r->db = ks_db_acquire(srv->pool);
    kysod_dispatch(r);
    ks_db_release(srv->pool, r->db);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
        atomic_fetch_add(&srv->generation, 1); /* cached pages may be stale now */
    r->db = NULL;
    if (!r->status)
        kysod_fail(r, 500, "internal", NULL, N_("the server could not complete the request"));
    enum MHD_Result ret = send_answer(r);
    finish(r);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    kysod_req *r = *con_cls;
    if (!r)
        return;
    if (r->fd >= 0)
        close(r->fd);
    json_decref(r->out);
    free(r->raw);
    free(r->body);
    free(r);
    *con_cls = NULL;
}

static void on_connection(void *cls, struct MHD_Connection *conn, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
    kysod *srv = cls;
    atomic_fetch_add(&srv->metrics.connections, toe == MHD_CONNECTION_NOTIFY_STARTED ? 1 : -1);
}

static void mhd_log(void *cls, const char *fmt, va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && msg[n - 1] == '\n')
        msg[--n] = 0;
    json_t *f = json_pack("{s:s}", "detail", msg);
    kysod_log(cls, "warn", "http", f);
    json_decref(f);
}

ks_status kysod_start(kysod *srv, ks_error *err)
{
    struct sockaddr_in6 a6;
    struct sockaddr_in a4;
    struct sockaddr *sa;
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_USE_TURBO |
                     MHD_ALLOW_SUSPEND_RESUME; /* the notification streams wait suspended */
    memset(&a6, 0, sizeof a6);
    memset(&a4, 0, sizeof a4);
    if (inet_pton(AF_INET, srv->cfg.listen_host, &a4.sin_addr) == 1) {
        a4.sin_family = AF_INET;
        a4.sin_port = htons((uint16_t)srv->cfg.listen_port);
        sa = (struct sockaddr *)&a4;
    } else if (inet_pton(AF_INET6, srv->cfg.listen_host, &a6.sin6_addr) == 1) {
        a6.sin6_family = AF_INET6;
        a6.sin6_port = htons((uint16_t)srv->cfg.listen_port);
        sa = (struct sockaddr *)&a6;
        flags |= MHD_USE_IPv6;
    } else {
        return ks_error_set(err, KS_E_USAGE, N_("listen address \"%s\" is not an IP address"),
                            srv->cfg.listen_host);
    }
    srv->daemon = MHD_start_daemon(
        flags, (uint16_t)srv->cfg.listen_port, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR,
        sa, MHD_OPTION_THREAD_POOL_SIZE, (unsigned)srv->cfg.threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)srv->cfg.connection_limit, MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)srv->cfg.connection_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
        (size_t)32 * 1024, MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv, MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
        MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024, MHD_OPTION_END);
    if (!srv->daemon)
        return ks_error_set(err, KS_E_IO, N_("cannot listen on %s:%d"), srv->cfg.listen_host,
                            srv->cfg.listen_port);
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
    srv->port = di ? di->port : srv->cfg.listen_port;
    ks_status st = kysod_events_start(srv, err);
    if (st == KS_OK)
        st = fed_start(srv, err);
    if (st != KS_OK)
        kysod_stop(srv);
    return st;
}

void kysod_stop(kysod *srv)
{
    fed_stop(srv);
    kysod_events_stop(srv);
    if (srv->daemon)
        MHD_stop_daemon(srv->daemon);
    srv->daemon = NULL;
    kysod_events_free(srv);
}
