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

#include "queries.h"
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

static void die(const char *what, const ks_error *e)
{
    fprintf(stderr, "kysod: lỗi: %s%s%s\nkysod: error: %s%s%s\n", what, *what ? ": " : "", e->msg,
            what, *what ? ": " : "", e->msg_en);
}

static volatile sig_atomic_t stop_flag;
static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static int init_admin(kysod *srv, const char *login, const char *name, const char *code)
{
    const char *pw = getenv("KYSOD_ADMIN_PASSWORD");
    ks_error e;
    if (!pw || strlen(pw) < 10) {
        fprintf(stderr, "kysod: lỗi: KYSOD_ADMIN_PASSWORD phải có ít nhất 10 ký tự\n"
                        "kysod: error: KYSOD_ADMIN_PASSWORD must hold at least 10 characters\n");
        return EXIT_USAGE;
    }
    ks_db *db = ks_db_acquire(srv->pool);
    ks_db_rows *rows = NULL;
    ks_status st = ks_db_tx_begin(db, &e);
    if (st == KS_OK)
        st = ks_db_run(db, Q_AGENCY_ROOT, NULL, 0, &rows, NULL, &e);
    if (st == KS_OK && rows->nrows)
        st = ks_error_set(&e, KS_E_STATE, N_("the database already has its root agency"));
    ks_db_rows_free(rows);
    rows = NULL;
    int64_t now = (int64_t)time(NULL), agency = 0, user = 0, role = 0;
    ks_db_arg a[8] = {KS_DB_NIL,     KS_DB_S(name), KS_DB_S(""),   KS_DB_S("city_committee"),
                      KS_DB_S(code), KS_DB_S(""),   KS_DB_S("{}"), KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(db, Q_AGENCY_NEW, a, 8, &rows, NULL, &e);
    if (st == KS_OK)
        agency = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    rows = NULL;
    json_t *u = json_pack("{s:s, s:s, s:s, s:I}", "login", login, "full_name", login, "title",
                          "Quản trị thành phố", "agency_id", (json_int_t)agency);
    if (st == KS_OK)
        st = kysod_user_insert(srv, db, u, pw, &user, &e);
    ks_db_arg ra[4] = {KS_DB_I(user), KS_DB_I(agency), KS_DB_S("city_admin"), KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(db, Q_ROLE_NEW, ra, 4, &rows, NULL, &e);
    if (st == KS_OK)
        role = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    ks_audit_rec rec = {0, "system", "local", agency, "city.init", "agency", "", ""};
    char *after = json_dumps(u, JSON_COMPACT | JSON_SORT_KEYS);
    rec.after = after;
    if (st == KS_OK)
        st = ks_audit_append(db, &rec, now, &e);
    free(after);
    json_decref(u);
    st = ks_db_tx_end(db, st, &e);
    ks_db_release(srv->pool, db);
    if (st != KS_OK) {
        die("--init-admin", &e);
        return EXIT_INPUT;
    }
    printf("{\"agency_id\": %lld, \"user_id\": %lld, \"role_id\": %lld}\n", (long long)agency,
           (long long)user, (long long)role);
    return 0;
}

/* src/server/openapi.json, embedded at build time (embed.cmake) */
extern const char kysod_openapi_json[];
extern const size_t kysod_openapi_json_len;

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
    ks_i18n_init(NULL, "vi");
    if (sodium_init() < 0) {
        fputs("kysod: error: libsodium cannot start\n", stderr);
        return EXIT_INPUT;
    }
    static kysod srv;
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
    if (check && !admin) {
        printf("kysod: cấu hình hợp lệ / configuration OK (%s)\n", config);
        return 0;
    }
    pthread_mutex_init(&srv.cache_lock, NULL);
    pthread_mutex_init(&srv.hash_lock, NULL);
    pthread_mutex_init(&srv.log_lock, NULL);
    srv.cache = calloc(KYSOD_SESSION_CACHE, sizeof *srv.cache);
    srv.openapi = (char *)kysod_openapi_json;
    srv.openapi_len = kysod_openapi_json_len;
    if (!srv.cache)
        return EXIT_INPUT;
    if (ks_db_pool_open(srv.cfg.database, srv.cfg.db_pool, &srv.pool, &e) != KS_OK) {
        die("database", &e);
        return EXIT_INPUT;
    }
    if (kysod_hash_password(&srv, "kysod: the cost of an unknown login", srv.dummy_hash, &e) !=
        KS_OK) {
        die("", &e);
        return EXIT_INPUT;
    }
    if (admin) {
        int rc = init_admin(&srv, admin, agency_name, agency_code);
        ks_db_pool_free(srv.pool);
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
        ks_db_pool_free(srv.pool);
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
    kysod_stop(&srv);
    kysod_log(&srv, "info", "kysod stopped", NULL);
    ks_db_pool_free(srv.pool);
    free(srv.cache);
    return 0;
}
