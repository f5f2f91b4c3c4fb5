/* server/api_misc.c — the operational routes: /healthz, /metrics (Prometheus text format),
 * the OpenAPI document, and the list of roles with their labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kyso/version.h"
#include "../store/queries.h"
#include "server.h"

int api_health(kysod_req *r)
{
    ks_db_rows *rows = NULL;
    ks_error e;
    if (ks_db_run(r->db, Q_PING, NULL, 0, &rows, NULL, &e) != KS_OK) {
        ks_db_rows_free(rows);
        return kysod_fail(r, 503, "unavailable", NULL, N_("the database does not answer"));
    }
    ks_db_rows_free(rows);
    return kysod_json(r, 200,
                      json_pack("{s:s, s:s, s:s}", "status", "ok", "db",
                                ks_db_get_kind(r->db) == KS_DB_PG ? "postgresql" : "sqlite",
                                "version", KYSO_VERSION_STRING));
}

int api_metrics(kysod_req *r)
{
    kysod_metrics *m = &r->srv->metrics;
    size_t cap = 4096, n = 0;
    char *b = malloc(cap);
    if (!b)
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
#define OUT(...) n += (size_t)snprintf(b + n, n < cap ? cap - n : 0, __VA_ARGS__)
    OUT("# HELP kysod_requests_total HTTP requests answered, by status class.\n"
        "# TYPE kysod_requests_total counter\n");
    static const char *const cls[] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
    for (int i = 0; i < 6; i++)
        OUT("kysod_requests_total{code=\"%s\"} %lu\n", cls[i], atomic_load(&m->requests[i]));
    OUT("# HELP kysod_request_duration_seconds Time to answer a request.\n"
        "# TYPE kysod_request_duration_seconds histogram\n");
    static const char *const le[] = {"0.001", "0.0025", "0.005", "0.01",
                                     "0.025", "0.05",   "0.1",   "+Inf"};
    unsigned long cum = 0;
    for (int i = 0; i < 8; i++) {
        cum += atomic_load(&m->duration_bucket[i]);
        OUT("kysod_request_duration_seconds_bucket{le=\"%s\"} %lu\n", le[i], cum);
    }
    OUT("kysod_request_duration_seconds_sum %.6f\n",
        (double)atomic_load(&m->duration_us_sum) / 1e6);
    OUT("kysod_request_duration_seconds_count %lu\n", cum);
    OUT("# HELP kysod_sign_in_failures_total Failed sign-ins.\n"
        "# TYPE kysod_sign_in_failures_total counter\n"
        "kysod_sign_in_failures_total %lu\n",
        atomic_load(&m->sign_in_failures));
    OUT("# HELP kysod_sign_in_throttled_total Sign-ins refused by the back-off.\n"
        "# TYPE kysod_sign_in_throttled_total counter\n"
        "kysod_sign_in_throttled_total %lu\n",
        atomic_load(&m->throttled));
    OUT("# HELP kysod_db_errors_total Database errors.\n"
        "# TYPE kysod_db_errors_total counter\n"
        "kysod_db_errors_total %lu\n",
        atomic_load(&m->db_errors));
    OUT("# HELP kysod_connections Open HTTP connections.\n"
        "# TYPE kysod_connections gauge\n"
        "kysod_connections %ld\n",
        atomic_load(&m->connections));
#undef OUT
    if (n >= cap) {
        free(b);
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    }
    r->raw = b;
    r->raw_len = n;
    r->raw_type = "text/plain; version=0.0.4; charset=utf-8";
    r->status = 200;
    return 200;
}

int api_openapi(kysod_req *r)
{
    char *copy = malloc(r->srv->openapi_len + 1);
    if (!copy)
        return kysod_fail(r, 500, "internal", NULL, N_("out of memory"));
    memcpy(copy, r->srv->openapi, r->srv->openapi_len);
    r->raw = copy;
    r->raw_len = r->srv->openapi_len;
    r->raw_type = "application/json; charset=utf-8";
    r->status = 200;
    return 200;
}

int api_roles(kysod_req *r)
{
    static const char *const labels[][2] = {
        {"Chuyên viên soạn thảo", "Drafter"},
        {"Lãnh đạo đơn vị", "Unit head"},
        {"Kiểm tra thể thức", "Format checker"},
        {"Người có thẩm quyền ký", "Competent signer"},
        {"Văn thư", "Clerk"},
        {"Cán bộ đăng ký chứng thư số (Sở KH&CN)", "Registration officer"},
        {"Hỗ trợ kỹ thuật", "IT support"},
        {"Quản trị cơ quan", "Agency administrator"},
        {"Kiểm tra, giám sát", "Auditor"},
        {"Quản trị thành phố", "City administrator"},
    };
    json_t *a = json_array();
    for (int i = 0; KYSOD_ROLE_NAMES[i]; i++)
        json_array_append_new(a, json_pack("{s:s, s:s, s:s}", "role", KYSOD_ROLE_NAMES[i],
                                           "label_vi", labels[i][0], "label_en", labels[i][1]));
    return kysod_json_etag(r, a);
}
