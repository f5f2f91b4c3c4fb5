/* fuzz_kysod_request — kysod end to end in one process: a real server (libmicrohttpd, SQLite in
 * a temporary directory, a signed-in city administrator) receives each input over loopback.
 * Input byte 0 chooses the mode: < 0x40 sends the rest as a whole raw HTTP request (request
 * parsing); otherwise it picks a route of the table and the rest is that route's JSON (or CSV)
 * body, sent with the session cookie and the CSRF token, so that the handlers' body checks
 * and the CSV reader see arbitrary bytes. A 500 (kysod failed inside) is a bug and aborts;
 * libmicrohttpd's own protocol answers (505 for an unknown HTTP version) are not. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/csv.h"
#include "server/server.h"

static kysod srv;
static char cookie[128], csrf[80];

/* Sends `req` (len bytes) and reads the answer into out (NUL-terminated, truncated). */
static size_t roundtrip(const char *req, size_t len, char *out, size_t cap)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)srv.port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    size_t n = 0;
    if (connect(fd, (struct sockaddr *)&a, sizeof a) == 0) {
        size_t off = 0;
        while (off < len) {
            ssize_t w = send(fd, req + off, len - off, MSG_NOSIGNAL);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        shutdown(fd, SHUT_WR);
        ssize_t got;
        while (n + 1 < cap && (got = recv(fd, out + n, cap - 1 - n, 0)) > 0)
            n += (size_t)got;
    }
    out[n] = 0;
    close(fd);
    return n;
}

static int status_of(const char *resp)
{
    const char *sp = strchr(resp, ' ');
    return sp ? atoi(sp + 1) : 0;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char dir[] = "/tmp/kysod-fuzz-XXXXXX";
    if (!mkdtemp(dir))
        abort();
    if (ks_ctx_new(NULL, &srv.ctx, NULL) != KS_OK) {
        ks_ctx_opts en = {.localedir = "", .lang = "en"}; /* no catalogue in a fuzz build */
        ks_ctx_new(&en, &srv.ctx, NULL);
    }
    kysod_config_defaults(&srv.cfg);
    snprintf(srv.cfg.database, sizeof srv.cfg.database, "sqlite:%s/k.db", dir);
    srv.cfg.listen_port = 0;
    srv.cfg.threads = 2;
    srv.cfg.pwhash_opslimit = 1;
    srv.cfg.pwhash_memlimit_kb = 8;
    snprintf(srv.cfg.log_level, sizeof srv.cfg.log_level, "warn");
    ks_error e;
    int64_t ids[3];
    if (kysod_open(&srv, &e) != KS_OK ||
        kysod_init_city(&srv, "admin", "fuzz-password-1", "UBND", "G00", ids, &e) != KS_OK ||
        kysod_start(&srv, &e) != KS_OK) {
        fprintf(stderr, "fuzz_kysod_request: %s\n", e.msg_en);
        abort();
    }
    const char body[] = "{\"login\":\"admin\",\"password\":\"fuzz-password-1\"}";
    char req[512], resp[8192];
    int n = snprintf(req, sizeof req,
                     "POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                     "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                     sizeof body - 1, body);
    roundtrip(req, (size_t)n, resp, sizeof resp);
    const char *c = strstr(resp, "kyso_session=");
    const char *t = strstr(resp, "\"csrf_token\":\"");
    if (!c || !t)
        abort();
    snprintf(cookie, sizeof cookie, "%.*s", (int)strcspn(c, ";\r\n"), c);
    snprintf(csrf, sizeof csrf, "%.64s", t + 14);
    return 0;
}

static int csv_count(void *user, int line, char **fields, int n)
{
    (void)line;
    (void)fields;
    *(int *)user += n;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 65536)
        return 0;
    static char resp[1 << 16];
    int bad_line, count = 0;
    if (data[0] < 0x40) {
        roundtrip((const char *)data + 1, size - 1, resp, sizeof resp);
    } else {
        /* the CSV reader alone, then through the route */
        kysod_csv_parse((const char *)data + 1, size - 1, csv_count, &count, &bad_line);
        int writes = 0;
        for (int i = 0; i < KYSOD_NROUTES; i++)
            writes += strcmp(KYSOD_ROUTES[i].method, "GET") != 0;
        int pick = data[0] % writes;
        const kysod_route *rt = NULL;
        for (int i = 0; i < KYSOD_NROUTES && !rt; i++)
            if (strcmp(KYSOD_ROUTES[i].method, "GET") != 0 && pick-- == 0)
                rt = &KYSOD_ROUTES[i];
        if (!rt || strstr(rt->path, "sign-out"))
            return 0; /* keep the session */
        char path[256];
        const char *id = strstr(rt->path, "{id}");
        if (id)
            snprintf(path, sizeof path, "%.*s1%s", (int)(id - rt->path), rt->path, id + 4);
        else
            snprintf(path, sizeof path, "%s", rt->path);
        if (strstr(path, "/password") || strstr(path, "/role-assignments/1") ||
            (strcmp(rt->method, "DELETE") == 0 && strstr(path, "/agencies/1")))
            return 0; /* keep the administrator able to work */
        char *req = malloc(size + 1024);
        if (!req)
            return 0;
        int n = snprintf(req, 1024,
                         "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\nCookie: %s\r\n"
                         "X-CSRF-Token: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
                         rt->method, path, cookie, csrf,
                         strstr(path, "/import") ? "text/csv" : "application/json", size - 1);
        memcpy(req + n, data + 1, size - 1);
        roundtrip(req, (size_t)n + size - 1, resp, sizeof resp);
        free(req);
    }
    int st = status_of(resp);
    if (st == 500) {
        fprintf(stderr, "kysod answered %d:\n%s\n", st, resp);
        abort();
    }
    return 0;
}
