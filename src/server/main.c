/* kysod — the kyso server: reads its configuration, opens the database (applying migrations),
 * serves the API and the web bundle until SIGTERM or SIGINT. `--check-config` validates and
 * exits; `--init-admin LOGIN` creates the city's root agency and its first administrator in
 * an empty database (the password comes from the environment variable KYSOD_ADMIN_PASSWORD);
 * `--routes` prints the route table as JSON (the OpenAPI test reads it). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "../store/queries.h"
#include "kyso/net.h"
#include "server.h"

#define EXIT_USAGE 3
#define EXIT_INPUT 4

static void usage(FILE *f)
{
    fputs("usage: kysod [--config FILE] [--check-config] [--listen ADDR:PORT] [--db URL]\n"
          "             [--web-root DIR] [--port-file FILE] [--routes]\n"
          "             [--init-admin LOGIN --agency-name NAME --agency-code CODE]\n"
          "Default configuration: /etc/kyso/kysod.conf (deploy/kysod.conf documents it).\n"
          "--init-admin reads the password from the environment variable KYSOD_ADMIN_PASSWORD.\n",
          f);
}

static ks_ctx *g_msgs; /* the program's catalogues, for its own error lines */

static void die(const char *what, const ks_error *e)
{
    char vi[KS_ERROR_MSG_MAX];
    ks_error_str(g_msgs, "vi", e, vi, sizeof vi);
    fprintf(stderr, "kysod: lỗi: %s%s%s\nkysod: error: %s%s%s\n", what, *what ? ": " : "", vi, what,
            *what ? ": " : "", e->msg_en);
}

/* The context's clock: the machine's; in tests only (KYSOD_TEST_CLOCK=1, see config.c) a
 * stopped one, from test_clock or else from $KYSO_NOW (ISO 8601) as kyso reads it, so that
 * tests can move the time that numbers, seals, challenges and prepared signatures go by. */
static time_t kysod_clock(void *arg)
{
    const kysod_config *c = arg;
    if (c->test_clock)
        return (time_t)c->test_clock;
    const char *t = getenv("KYSOD_TEST_CLOCK"), *now = getenv("KYSO_NOW");
    time_t v;
    if (t && strcmp(t, "1") == 0 && now && *now && ks_time_parse(now, &v, NULL) == KS_OK)
        return v;
    return time(NULL);
}

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

int main(int argc, char **argv)
{
    const char *config = "/etc/kyso/kysod.conf", *listen = NULL, *dburl = NULL, *web = NULL;
    const char *port_file = NULL, *admin = NULL, *agency_name = "Ủy ban nhân dân thành phố";
    const char *agency_code = "G00";
    bool check = false, config_given = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--check-config") == 0) {
            check = true;
        } else if (strcmp(a, "--routes") == 0) {
            json_t *r = kysod_routes_json();
            char *s = json_dumps(r, JSON_INDENT(1));
            puts(s ? s : "[]");
            free(s);
            json_decref(r);
            return 0;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            return 0;
        } else if (v && strcmp(a, "--config") == 0) {
            config = v, config_given = true, i++;
        } else if (v && strcmp(a, "--listen") == 0) {
            listen = v, i++;
        } else if (v && strcmp(a, "--db") == 0) {
            dburl = v, i++;
        } else if (v && strcmp(a, "--web-root") == 0) {
            web = v, i++;
        } else if (v && strcmp(a, "--port-file") == 0) {
            port_file = v, i++;
        } else if (v && strcmp(a, "--init-admin") == 0) {
            admin = v, i++;
        } else if (v && strcmp(a, "--agency-name") == 0) {
            agency_name = v, i++;
        } else if (v && strcmp(a, "--agency-code") == 0) {
            agency_code = v, i++;
        } else {
            fprintf(stderr,
                    "kysod: lỗi: tùy chọn không hợp lệ \"%s\"\n"
                    "kysod: error: unknown or incomplete option \"%s\"\n",
                    a, a);
            usage(stderr);
            return EXIT_USAGE;
        }
    }
    static kysod srv;
    const char *localedir = getenv("KYSO_LOCALEDIR");
    /* revocation checks of incoming documents (and timestamps) reach out through net/'s client */
    ks_ctx_opts co = {.localedir = localedir && *localedir ? localedir : NULL,
                      .lang = "vi",
                      .fetch = ks_http_fetch,
                      .clock = kysod_clock,
                      .clock_arg = &srv.cfg};
    ks_error ce;
    if (ks_ctx_new(&co, &g_msgs, &ce) != KS_OK) {
        /* without the Vietnamese catalogue kysod still serves, in English */
        fprintf(stderr, "kysod: warning: %s\n", ce.msg_en);
        co.localedir = "";
        co.lang = "en";
        ks_ctx_new(&co, &g_msgs, NULL);
    }
    if (sodium_init() < 0) {
        fputs("kysod: error: libsodium cannot start\n", stderr);
        return EXIT_INPUT;
    }
    ks_error e;
    kysod_config_defaults(&srv.cfg);
    if ((config_given || access(config, F_OK) == 0) &&
        kysod_config_load(&srv.cfg, config, &e) != KS_OK) {
        die("", &e);
        return EXIT_USAGE;
    }
    if (listen) {
        char line[128];
        snprintf(line, sizeof line, "%s", listen);
        char *colon = strrchr(line, ':');
        if (!colon) {
            fputs("kysod: error: --listen wants ADDRESS:PORT\n", stderr);
            return EXIT_USAGE;
        }
        *colon = 0;
        snprintf(srv.cfg.listen_host, sizeof srv.cfg.listen_host, "%s", line);
        srv.cfg.listen_port = atoi(colon + 1);
    }
    if (dburl)
        snprintf(srv.cfg.database, sizeof srv.cfg.database, "%s", dburl);
    if (web)
        snprintf(srv.cfg.web_root, sizeof srv.cfg.web_root, "%s", web);
    if (kysod_config_check(&srv.cfg, &e) != KS_OK) {
        die("", &e);
        return EXIT_USAGE;
    }
    /* incoming documents are verified against trust_anchors: the context is made again with
     * them (the first one served the configuration's error lines) */
    ks_trust *anchors = NULL;
    if (srv.cfg.trust_anchors[0]) {
        ks_ctx *with = NULL;
        if (kysod_load_trust("trust_anchors", srv.cfg.trust_anchors, &anchors, &e) != KS_OK) {
            die("", &e);
            return EXIT_USAGE;
        }
        co.trust = anchors;
        if (ks_ctx_new(&co, &with, &e) != KS_OK) {
            die("", &e);
            ks_trust_free(anchors);
            return EXIT_INPUT;
        }
        ks_ctx_free(g_msgs);
        g_msgs = with;
    }
    if (check && !admin) {
        printf("kysod: cấu hình hợp lệ / configuration OK (%s)\n", config);
        return 0;
    }
    srv.ctx = g_msgs;
    if (kysod_open(&srv, &e) != KS_OK) {
        die("database", &e);
        return EXIT_INPUT;
    }
    if (admin) {
        const char *pw = getenv("KYSOD_ADMIN_PASSWORD");
        if (!pw || strlen(pw) < 10) {
            fprintf(stderr, "kysod: lỗi: KYSOD_ADMIN_PASSWORD phải có ít nhất 10 ký tự\n"
                            "kysod: error: KYSOD_ADMIN_PASSWORD must hold at least 10 "
                            "characters\n");
            kysod_close(&srv);
            return EXIT_USAGE;
        }
        int64_t ids[3];
        int rc = 0;
        if (kysod_init_city(&srv, admin, pw, agency_name, agency_code, ids, &e) != KS_OK) {
            die("--init-admin", &e);
            rc = EXIT_INPUT;
        } else {
            printf("{\"agency_id\": %lld, \"user_id\": %lld, \"role_id\": %lld}\n",
                   (long long)ids[0], (long long)ids[1], (long long)ids[2]);
        }
        kysod_close(&srv);
        return rc;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (kysod_start(&srv, &e) != KS_OK) {
        die("", &e);
        kysod_close(&srv);
        return EXIT_INPUT;
    }
    if (kysod_jobs_start(&srv, &e) != KS_OK) { /* DOCX/ODT conversions in the background */
        die("jobs", &e);
        kysod_close(&srv);
        return EXIT_INPUT;
    }
    json_t *f = json_pack("{s:s, s:i, s:s, s:i}", "listen", srv.cfg.listen_host, "port", srv.port,
                          "db", ks_db_pool_kind(srv.pool) == KS_DB_PG ? "postgresql" : "sqlite",
                          "threads", srv.cfg.threads);
    kysod_log(&srv, "info", "kysod started", f);
    json_decref(f);
    if (port_file) {
        char tmp[1100];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        FILE *pf = fopen(tmp, "w");
        if (pf) {
            fprintf(pf, "%d\n", srv.port);
            fclose(pf);
            rename(tmp, port_file);
        }
    }
    while (!stop_flag)
        pause();
    kysod_jobs_stop(&srv);
    kysod_stop(&srv);
    kysod_log(&srv, "info", "kysod stopped", NULL);
    kysod_close(&srv);
    ks_ctx_free(g_msgs);
    ks_trust_free(anchors);
    return 0;
}
