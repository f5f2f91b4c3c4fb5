/* server/config.c — reading kysod.conf: `key = value` lines, `#` comments, every key known,
 * every number range-checked, so that a typo stops the start with the line it is on. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "config.h"

void kysod_config_defaults(kysod_config *c)
{
    memset(c, 0, sizeof *c);
    snprintf(c->listen_host, sizeof c->listen_host, "127.0.0.1");
    c->listen_port = 8480;
    snprintf(c->database, sizeof c->database, "sqlite:/var/lib/kyso/kysod.db");
    c->threads = 4;
    c->db_pool = 8;
    c->connection_limit = 4096;
    c->connection_timeout_s = 30;
    c->max_body_kb = 1024;
    c->session_idle_min = 30;
    c->session_max_hours = 12;
    c->pwhash_opslimit = 3;
    c->pwhash_memlimit_kb = 65536;
    c->session_cache_ms = 1000;
    c->page_cache = true;
    c->max_event_streams = 256;
    snprintf(c->log_level, sizeof c->log_level, "info");
    snprintf(c->soffice, sizeof c->soffice, "soffice");
    c->convert_max = 2;
    c->convert_timeout_s = 120;
}

typedef struct int_key {
    const char *name;
    size_t off;
    int lo, hi;
} int_key;

#define IK(n, lo, hi)                                                                              \
    {                                                                                              \
#n, offsetof(kysod_config, n), lo, hi                                                      \
    }
static const int_key INT_KEYS[] = {
    IK(listen_port, 0, 65535),
    IK(threads, 1, 256),
    IK(db_pool, 1, 256),
    IK(connection_limit, 16, 100000),
    IK(connection_timeout_s, 1, 3600),
    IK(max_body_kb, 1, 65536),
    IK(session_idle_min, 1, 1440),
    IK(session_max_hours, 1, 720),
    IK(pwhash_opslimit, 1, 10),
    IK(pwhash_memlimit_kb, 8, 1048576),
    IK(session_cache_ms, 0, 60000),
    IK(convert_max, 1, 16),
    IK(convert_timeout_s, 2, 3600),
    IK(max_event_streams, 0, 10000),
};

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = 0;
    return s;
}

static ks_status set_key(kysod_config *c, const char *k, const char *v, const char *path, int line,
                         ks_error *err)
{
    for (size_t i = 0; i < sizeof INT_KEYS / sizeof *INT_KEYS; i++) {
        if (strcmp(k, INT_KEYS[i].name) != 0)
            continue;
        char *end = NULL;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || !*v || *end || n < INT_KEYS[i].lo || n > INT_KEYS[i].hi)
            return ks_error_set(err, KS_E_USAGE,
                                N_("%s:%d: %s must be a whole number from %d to %d"), path, line, k,
                                INT_KEYS[i].lo, INT_KEYS[i].hi);
        *(int *)((char *)c + INT_KEYS[i].off) = (int)n;
        return KS_OK;
    }
    if (strcmp(k, "secure_cookies") == 0 || strcmp(k, "trust_proxy") == 0 ||
        strcmp(k, "page_cache") == 0) {
        bool b;
        if (strcmp(v, "true") == 0 || strcmp(v, "yes") == 0)
            b = true;
        else if (strcmp(v, "false") == 0 || strcmp(v, "no") == 0)
            b = false;
        else
            return ks_error_set(err, KS_E_USAGE, N_("%s:%d: %s must be true or false"), path, line,
                                k);
        *(k[0] == 's' ? &c->secure_cookies : k[0] == 't' ? &c->trust_proxy : &c->page_cache) = b;
        return KS_OK;
    }
    if (strcmp(k, "test_clock") == 0) {
        char *end = NULL;
        errno = 0;
        long long t = strtoll(v, &end, 10);
        if (errno || !*v || *end || t < 0 || t > 32503680000LL)
            return ks_error_set(err, KS_E_USAGE,
                                N_("%s:%d: test_clock must be seconds since 1970 (UTC), 0 for "
                                   "the real clock"),
                                path, line);
        c->test_clock = t;
        return KS_OK;
    }
    char *dst = NULL;
    size_t cap = 0;
    if (strcmp(k, "database") == 0) {
        dst = c->database;
        cap = sizeof c->database;
    } else if (strcmp(k, "blob_dir") == 0) {
        dst = c->blob_dir;
        cap = sizeof c->blob_dir;
    } else if (strcmp(k, "soffice") == 0) {
        dst = c->soffice;
        cap = sizeof c->soffice;
    } else if (strcmp(k, "pkcs11_module") == 0) {
        dst = c->pkcs11_module;
        cap = sizeof c->pkcs11_module;
    } else if (strcmp(k, "pkcs11_pin_dir") == 0) {
        dst = c->pkcs11_pin_dir;
        cap = sizeof c->pkcs11_pin_dir;
    } else if (strcmp(k, "images_dir") == 0) {
        dst = c->images_dir;
        cap = sizeof c->images_dir;
    } else if (strcmp(k, "tsa_url") == 0) {
        dst = c->tsa_url;
        cap = sizeof c->tsa_url;
    } else if (strcmp(k, "fed_peers") == 0) {
        dst = c->fed_peers;
        cap = sizeof c->fed_peers;
    } else if (strcmp(k, "public_origin") == 0) {
        dst = c->public_origin;
        cap = sizeof c->public_origin;
    } else if (strcmp(k, "trust_anchors") == 0) {
        dst = c->trust_anchors;
        cap = sizeof c->trust_anchors;
    } else if (strcmp(k, "token_trust") == 0) {
        dst = c->token_trust;
        cap = sizeof c->token_trust;
    } else if (strcmp(k, "web_root") == 0) {
        dst = c->web_root;
        cap = sizeof c->web_root;
    } else if (strcmp(k, "log_level") == 0) {
        if (strcmp(v, "info") != 0 && strcmp(v, "warn") != 0 && strcmp(v, "debug") != 0)
            return ks_error_set(err, KS_E_USAGE, N_("%s:%d: log_level must be info, warn or debug"),
                                path, line);
        dst = c->log_level;
        cap = sizeof c->log_level;
    } else if (strcmp(k, "listen") == 0) {
        const char *colon = strrchr(v, ':');
        char *end = NULL;
        long port = colon ? strtol(colon + 1, &end, 10) : -1;
        if (!colon || colon == v || (size_t)(colon - v) >= sizeof c->listen_host || !end || *end ||
            port < 0 || port > 65535)
            return ks_error_set(err, KS_E_USAGE,
                                N_("%s:%d: listen must be ADDRESS:PORT, e.g. 127.0.0.1:8480"), path,
                                line);
        snprintf(c->listen_host, sizeof c->listen_host, "%.*s", (int)(colon - v), v);
        c->listen_port = (int)port;
        return KS_OK;
    } else {
        return ks_error_set(err, KS_E_USAGE, N_("%s:%d: unknown setting \"%s\""), path, line, k);
    }
    if (strlen(v) >= cap)
        return ks_error_set(err, KS_E_USAGE, N_("%s:%d: the value of %s is too long"), path, line,
                            k);
    snprintf(dst, cap, "%s", v);
    return KS_OK;
}

ks_status kysod_config_load(kysod_config *c, const char *path, ks_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return ks_error_set(err, KS_E_IO, N_("cannot open the configuration \"%s\": %s"), path,
                            strerror(errno));
    char buf[2048];
    int line = 0;
    ks_status st = KS_OK;
    while (st == KS_OK && fgets(buf, sizeof buf, f)) {
        line++;
        if (!strchr(buf, '\n') && !feof(f)) {
            st = ks_error_set(err, KS_E_USAGE, N_("%s:%d: line too long"), path, line);
            break;
        }
        char *s = trim(buf);
        if (!*s || *s == '#')
            continue;
        char *eq = strchr(s, '=');
        if (!eq) {
            st = ks_error_set(err, KS_E_USAGE, N_("%s:%d: expected key = value"), path, line);
            break;
        }
        *eq = 0;
        st = set_key(c, trim(s), trim(eq + 1), path, line, err);
    }
    fclose(f);
    return st;
}

/* An origin as browsers send it: https://HOST[:PORT], or plain http on the loopback only; no
 * path, no user, no trailing slash (kysod binds it into every token sign-in). */
static bool origin_ok(const char *o)
{
    bool loopback =
        strncmp(o, "http://127.0.0.1", 16) == 0 || strncmp(o, "http://localhost", 16) == 0;
    const char *host = loopback ? o + 16 : strncmp(o, "https://", 8) == 0 ? o + 8 : NULL;
    if (!host || (loopback && *host && *host != ':') || (!loopback && (!*host || *host == ':')))
        return false;
    for (const char *p = host; *p; p++)
        if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-' && *p != ':')
            return false;
    const char *colon = strchr(host, ':');
    return !colon || (colon[1] && strspn(colon + 1, "0123456789") == strlen(colon + 1));
}

ks_status kysod_config_check(const kysod_config *c, ks_error *err)
{
    const char *db = c->database;
    bool pg = strncmp(db, "postgres", 8) == 0;
    if (!pg && strncmp(db, "sqlite:", 7) != 0)
        return ks_error_set(err, KS_E_USAGE,
                            N_("database must start with sqlite: or postgresql:// (got \"%.40s\")"),
                            db);
    if (!pg && !db[7])
        return ks_error_set(err, KS_E_USAGE, N_("database: the SQLite file path is empty"));
    if (c->web_root[0]) {
        struct stat sb;
        if (stat(c->web_root, &sb) != 0 || !S_ISDIR(sb.st_mode))
            return ks_error_set(err, KS_E_USAGE, N_("web_root \"%s\" is not a directory"),
                                c->web_root);
    }
    if (c->public_origin[0] && !origin_ok(c->public_origin))
        return ks_error_set(err, KS_E_USAGE,
                            N_("public_origin must be https://HOST[:PORT] (http only on "
                               "127.0.0.1 or localhost), without a path: \"%s\""),
                            c->public_origin);
    if (c->test_clock != 0) {
        const char *t = getenv("KYSOD_TEST_CLOCK");
        if (!t || strcmp(t, "1") != 0)
            return ks_error_set(err, KS_E_USAGE,
                                N_("test_clock stops the clock that dates register numbers and "
                                   "seals: it is for tests only and needs KYSOD_TEST_CLOCK=1 in "
                                   "the environment"));
    }
    if (c->db_pool < c->threads)
        return ks_error_set(err, KS_E_USAGE, N_("db_pool (%d) must be at least threads (%d)"),
                            c->db_pool, c->threads);
    return KS_OK;
}
