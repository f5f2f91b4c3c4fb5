/* tests/unit/cms/http_fixture.h — a tiny HTTP/1.0 server for the CMS network tests, forked on
 * 127.0.0.1 with an ephemeral port. It answers a TSA (`openssl ts -reply`), an OCSP responder
 * (`openssl ocsp`), static files, error statuses, an oversized and a slow body. Header-only. */
#ifndef KYSO_CMS_HTTP_FIXTURE_H
#define KYSO_CMS_HTTP_FIXTURE_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

typedef struct fx_server {
    pid_t pid;
    int port;
} fx_server;

static inline void fx_send(int fd, int status, const void *body, size_t len)
{
    char hdr[256];
    int n = snprintf(hdr, sizeof hdr,
                     "HTTP/1.0 %d X\r\nContent-Length: %zu\r\nContent-Type: "
                     "application/octet-stream\r\nConnection: close\r\n\r\n",
                     status, len);
    if (write(fd, hdr, (size_t)n) != n)
        return;
    const char *p = body;
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w <= 0)
            return;
        p += w;
        len -= (size_t)w;
    }
}

static inline void fx_send_file(int fd, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fx_send(fd, 500, "no file", 7);
        return;
    }
    static char buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f);
    fclose(f);
    fx_send(fd, 200, buf, n);
}

/* Reads one request: path into `path`, body into `body` (up to `cap`). */
static inline long fx_read_request(int fd, char *path, size_t path_cap, char *body, size_t cap)
{
    static char buf[1 << 16];
    size_t have = 0;
    char *end = NULL;
    while (!end && have < sizeof buf - 1) {
        ssize_t r = read(fd, buf + have, sizeof buf - 1 - have);
        if (r <= 0)
            return -1;
        have += (size_t)r;
        buf[have] = '\0';
        end = strstr(buf, "\r\n\r\n");
    }
    if (!end)
        return -1;
    char *sp = strchr(buf, ' ');
    char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
    if (!sp2 || (size_t)(sp2 - sp - 1) >= path_cap)
        return -1;
    memcpy(path, sp + 1, (size_t)(sp2 - sp - 1));
    path[sp2 - sp - 1] = '\0';
    size_t clen = 0;
    for (char *h = buf; h < end; h++)
        if (strncasecmp(h, "\nContent-Length:", 16) == 0)
            clen = (size_t)strtoul(h + 16, NULL, 10);
    if (clen > cap)
        return -1;
    size_t got = have - (size_t)(end + 4 - buf);
    if (got > clen)
        got = clen;
    memcpy(body, end + 4, got);
    while (got < clen) {
        ssize_t r = read(fd, body + got, clen - got);
        if (r <= 0)
            return -1;
        got += (size_t)r;
    }
    return (long)clen;
}

static inline int fx_save(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(data, 1, len, f);
    return fclose(f) == 0 && n == len ? 0 : -1;
}

/* Routes: POST /tsa (reply from ts.cnf), POST /tsa-other (a reply to other.tsq, i.e. another
 * nonce and imprint), POST /tsa-broken (a reply whose token signature is damaged), POST /ocsp
 * (answered by openssl ocsp from index.txt), GET /file/NAME, GET /status/N, GET /big (2 MiB), GET
 * /slow (waits 5 s), anything else: 404. */
static inline void fx_handle(int fd, const char *dir)
{
    static char body[1 << 16];
    char path[512], cmd[2048], file[1024];
    long n = fx_read_request(fd, path, sizeof path, body, sizeof body);
    if (n < 0)
        return;
    if (strcmp(path, "/tsa") == 0 || strcmp(path, "/tsa-other") == 0 ||
        strcmp(path, "/tsa-broken") == 0) {
        snprintf(file, sizeof file, "%s/q.tsq", dir);
        fx_save(file, body, (size_t)n);
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && openssl ts -reply -config ts.cnf -queryfile %s -out r.tsr "
                 ">/dev/null 2>&1",
                 dir, strcmp(path, "/tsa-other") != 0 ? "q.tsq" : "other.tsq");
        if (system(cmd) != 0) {
            fx_send(fd, 500, "ts failed", 9);
            return;
        }
        snprintf(file, sizeof file, "%s/r.tsr", dir);
        if (strcmp(path, "/tsa-broken") == 0) {
            /* a byte of the TSA's signature value (the reply's last bytes) */
            FILE *f = fopen(file, "r+b");
            if (f && fseek(f, -3, SEEK_END) == 0) {
                int c = fgetc(f);
                fseek(f, -3, SEEK_END);
                fputc(c ^ 0x08, f);
            }
            if (f)
                fclose(f);
        }
        fx_send_file(fd, file);
    } else if (strncmp(path, "/ocsp", 5) == 0) {
        /* /ocsp: signed by the CA; /ocsp-delegated: by a responder with the OCSPSigning EKU;
         * /ocsp-rogue: by a certificate of the same CA without that EKU (the TSA's) */
        const char *signer = strcmp(path, "/ocsp-delegated") == 0 ? "ocspresp"
                             : strcmp(path, "/ocsp-rogue") == 0   ? "tsa"
                                                                  : "root";
        snprintf(file, sizeof file, "%s/ocsp-q.der", dir);
        fx_save(file, body, (size_t)n);
        snprintf(cmd, sizeof cmd,
                 "cd '%s' && openssl ocsp -index index.txt -CA root.pem -rsigner %s.pem "
                 "-rkey %s.key -reqin ocsp-q.der -respout ocsp-r.der -ndays 1 >/dev/null 2>&1",
                 dir, signer, signer);
        if (system(cmd) != 0) {
            fx_send(fd, 500, "ocsp failed", 11);
            return;
        }
        snprintf(file, sizeof file, "%s/ocsp-r.der", dir);
        fx_send_file(fd, file);
    } else if (strncmp(path, "/file/", 6) == 0 && !strstr(path, "..")) {
        snprintf(file, sizeof file, "%s/%s", dir, path + 6);
        fx_send_file(fd, file);
    } else if (strncmp(path, "/status/", 8) == 0) {
        fx_send(fd, atoi(path + 8), "status", 6);
    } else if (strcmp(path, "/big") == 0) {
        static char big[2 << 20];
        fx_send(fd, 200, big, sizeof big);
    } else if (strcmp(path, "/slow") == 0) {
        sleep(5);
        fx_send(fd, 200, "late", 4);
    } else {
        fx_send(fd, 404, "not found", 9);
    }
}

/* Starts the server serving `dir`; it exits by itself after 120 s at the latest. */
static inline int fx_server_start(fx_server *s, const char *dir)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a;
    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&a, &al) != 0)
        return -1;
    s->port = ntohs(a.sin_port);
    fflush(NULL);
    s->pid = fork();
    if (s->pid < 0)
        return -1;
    if (s->pid == 0) {
        alarm(120);
        signal(SIGPIPE, SIG_IGN);
        for (;;) {
            int c = accept(fd, NULL, NULL);
            if (c < 0)
                continue;
            fx_handle(c, dir);
            shutdown(c, SHUT_WR);
            close(c);
        }
    }
    close(fd);
    return 0;
}

static inline void fx_server_stop(fx_server *s)
{
    if (s->pid > 0) {
        kill(s->pid, SIGTERM);
        waitpid(s->pid, NULL, 0);
        s->pid = 0;
    }
}

#endif
