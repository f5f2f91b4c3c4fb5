/* server/jobs.c — background jobs: DOCX/ODT uploads converted to PDF by LibreOffice headless
 * (requirements §5.1 a; issue 13). convert_max worker threads claim queued jobs from the
 * database (one UPDATE ... WHERE state = 'queued' decides, so several nodes can share the
 * table), run `soffice --convert-to pdf` in its own process group with a private profile, report
 * progress while it runs, kill the whole group after convert_timeout_s, check the PDF as an
 * uploaded one is checked (readable, PDF 1.4 or later, not classified) and create the draft
 * document in one transaction with its audit entry. A job left 'running' by a node that died
 * is queued again once it has not moved for the timeout and a minute. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../store/blob.h"
#include "doc_queries.h"
#include "docs.h"
#include "kyso/docfmt.h"
#include "kyso/pdf.h"

extern char **environ;

typedef struct kysod_jobs {
    kysod *srv;
    pthread_t *threads;
    int n;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    unsigned wakeups;
} kysod_jobs;

static const char Q_JOB_NEXT[] = "SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT 1";
static const char Q_JOB_CLAIM[] =
    "UPDATE jobs SET state = 'running', progress = 10,"
    " started_at = ?2, updated_at = ?2 WHERE id = ?1 AND state = 'queued'";
static const char Q_JOB_STALE[] = "UPDATE jobs SET state = 'queued', progress = 0, updated_at = ?1"
                                  " WHERE state = 'running' AND updated_at < ?2";
static const char Q_JOB_LOAD[] =
    "SELECT j.agency_id, j.user_id, j.input_sha256, j.input_kind, j.params, u.login"
    " FROM jobs j JOIN users u ON u.id = j.user_id WHERE j.id = ?1";
static const char Q_JOB_PROGRESS[] =
    "UPDATE jobs SET progress = ?2, updated_at = ?3 WHERE id = ?1 AND state = 'running'";
static const char Q_JOB_FAIL[] =
    "UPDATE jobs SET state = 'failed', progress = 100, error = ?2, error_en = ?3, updated_at = ?4"
    " WHERE id = ?1";
static const char Q_JOB_REQUEUE[] =
    "UPDATE jobs SET state = 'queued', progress = 0, updated_at = ?2 WHERE id = ?1";
static const char Q_JOB_DONE[] =
    "UPDATE jobs SET state = 'done', progress = 100, document_id = ?2, updated_at = ?3"
    " WHERE id = ?1";

/* Runs one statement on a pooled connection (short: progress and state changes). */
static ks_status db_do(kysod *srv, const char *sql, const ks_db_arg *a, int n, ks_db_rows **rows,
                       int64_t *changes)
{
    ks_db *db = ks_db_acquire(srv->pool);
    ks_error e;
    ks_status st = db ? ks_db_run(db, sql, a, n, rows, changes, &e) : KS_E_IO;
    if (db)
        ks_db_release(srv->pool, db);
    return st;
}

static int64_t claim(kysod *srv)
{
    int64_t now = time(NULL);
    ks_db_arg s[2] = {KS_DB_I(now), KS_DB_I(now - srv->cfg.convert_timeout_s - 60)};
    db_do(srv, Q_JOB_STALE, s, 2, NULL, NULL);
    for (int tries = 0; tries < 8; tries++) {
        ks_db_rows *rows = NULL;
        if (db_do(srv, Q_JOB_NEXT, NULL, 0, &rows, NULL) != KS_OK || rows->nrows == 0) {
            ks_db_rows_free(rows);
            return 0;
        }
        int64_t id = ks_db_cell_int(rows, 0, 0), changed = 0;
        ks_db_rows_free(rows);
        ks_db_arg a[2] = {KS_DB_I(id), KS_DB_I(now)};
        if (db_do(srv, Q_JOB_CLAIM, a, 2, NULL, &changed) == KS_OK && changed == 1)
            return id;
    }
    return 0;
}

static void progress(kysod *srv, int64_t id, int pct)
{
    ks_db_arg a[3] = {KS_DB_I(id), KS_DB_I(pct), KS_DB_I(time(NULL))};
    db_do(srv, Q_JOB_PROGRESS, a, 3, NULL, NULL);
}

static void fail(kysod *srv, int64_t id, const ks_error *e)
{
    char vi[1024];
    ks_error_str(srv->ctx, "vi", e, vi, sizeof vi);
    ks_db_arg a[4] = {KS_DB_I(id), KS_DB_S(vi), KS_DB_S(e->msg_en), KS_DB_I(time(NULL))};
    db_do(srv, Q_JOB_FAIL, a, 4, NULL, NULL);
}

static int rm_one(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(p);
    return 0;
}

static void rm_tree(const char *dir)
{
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static bool stopping(kysod_jobs *j)
{
    pthread_mutex_lock(&j->lock);
    bool s = j->stop;
    pthread_mutex_unlock(&j->lock);
    return s;
}

/* soffice --convert-to pdf IN in its own process group; 0 when it exited 0, 1 when it failed
 * (*code its status), 2 on timeout (killed), 3 when the server stops (killed). */
static int run_soffice(kysod_jobs *j, int64_t id, const char *dir, const char *in, int *code,
                       ks_error *e)
{
    kysod *srv = j->srv;
    char profile[1200], outdir[1200];
    snprintf(profile, sizeof profile, "-env:UserInstallation=file://%s/profile", dir);
    snprintf(outdir, sizeof outdir, "%s/out", dir);
    char *argv[] = {srv->cfg.soffice, "--headless",   "--norestore", "--nolockcheck",
                    profile,          "--convert-to", "pdf",         "--outdir",
                    outdir,           (char *)in,     NULL};
    posix_spawnattr_t attr;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_init(&attr);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, srv->cfg.soffice, &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        ks_error_set(e, KS_E_IO, N_("LibreOffice (%s) cannot be started: %s"), srv->cfg.soffice,
                     strerror(rc));
        return 1;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int last = 20, status = 0;
    progress(srv, id, last);
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        double el = (double)(t.tv_sec - t0.tv_sec) + (double)(t.tv_nsec - t0.tv_nsec) / 1e9;
        bool stop = stopping(j);
        if (stop || el > srv->cfg.convert_timeout_s) {
            kill(-pid, SIGKILL); /* the whole group: oosplash and soffice.bin */
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            if (stop)
                return 3;
            ks_error_set(e, KS_E_LIMIT,
                         N_("the conversion took longer than %d s; LibreOffice was stopped"),
                         srv->cfg.convert_timeout_s);
            return 2;
        }
        /* an estimate from the elapsed share of the time limit, 20 to 80 % */
        int pct = 20 + (int)(60.0 * el / srv->cfg.convert_timeout_s);
        if (pct > 80)
            pct = 80;
        if (pct > last + 4) {
            last = pct;
            progress(srv, id, pct);
        }
        struct timespec nap = {0, 100 * 1000 * 1000};
        nanosleep(&nap, NULL);
    }
    kill(-pid, SIGKILL); /* nothing of it may outlive the conversion */
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (*code != 0) {
        ks_error_set(e, KS_E_FORMAT, N_("LibreOffice could not convert the file (exit status %d)"),
                     *code);
        return 1;
    }
    return 0;
}

/* The converted PDF passes the checks of an uploaded one; `pages` receives its page count. */
static ks_status check_pdf(const uint8_t *pdf, size_t len, size_t *pages, ks_error *e)
{
    ks_pdf_doc *d = NULL;
    ks_status st = ks_pdf_open_mem(pdf, len, "converted.pdf", NULL, &d, e);
    if (st != KS_OK)
        return ks_error_set(e, KS_E_FORMAT, N_("LibreOffice produced no readable PDF"));
    st = ks_pdf_page_count(d, pages, e);
    const char *v = ks_pdf_header_version(d);
    ks_docfmt_class level = KS_DOCFMT_CLASS_NONE;
    if (st == KS_OK && *pages == 0)
        st = ks_error_set(e, KS_E_FORMAT, N_("the converted PDF has no page"));
    if (st == KS_OK && (!v || strcmp(v, "1.4") < 0))
        st = ks_error_set(e, KS_E_FORMAT,
                          N_("the converted PDF is version %s; 1.4 or later is "
                             "required"),
                          v ? v : "?");
    if (st == KS_OK && ks_docfmt_classification(d, &level, NULL, e) == KS_OK &&
        level != KS_DOCFMT_CLASS_NONE)
        st = ks_error_set(e, KS_E_STATE,
                          N_("the first page carries the classification stamp %s: classified "
                             "documents are not handled with public-service signatures "
                             "(the city regulation Đ4.1; requirements §7.1)"),
                          ks_docfmt_class_name(level));
    ks_pdf_close(d);
    return st;
}

/* The draft document from the converted PDF, as POST /documents makes it, with the audit entry
 * in the uploader's name. */
static ks_status create_doc(kysod *srv, int64_t job, ks_db_rows *jr, const uint8_t *pdf, size_t len,
                            size_t pages, int64_t *doc, ks_error *e)
{
    json_t *p = json_loads(ks_db_cell(jr, 0, 4), 0, NULL);
    kysod_req r;
    memset(&r, 0, sizeof r);
    r.srv = srv;
    r.db = ks_db_acquire(srv->pool);
    r.signed_in = true;
    r.s.user_id = ks_db_cell_int(jr, 0, 1);
    r.s.agency_id = ks_db_cell_int(jr, 0, 0);
    snprintf(r.s.login, sizeof r.s.login, "%s", ks_db_cell(jr, 0, 5));
    snprintf(r.ip, sizeof r.ip, "job/%lld", (long long)job);
    snprintf(r.lang, sizeof r.lang, "vi");
    ks_db_rows *rows = NULL;
    int64_t now = time(NULL);
    ks_db_arg a[9] = {KS_DB_I(r.s.agency_id),
                      KS_DB_I(r.s.user_id),
                      KS_DB_S(kysod_str(p, "doc_type", "")),
                      KS_DB_S(kysod_str(p, "summary", "")),
                      KS_DB_S(kysod_str(p, "urgency", "normal")),
                      KS_DB_S(kysod_str(p, "classification", "none")),
                      KS_DB_S(kysod_str(p, "series", "")),
                      KS_DB_I((int64_t)pages),
                      KS_DB_I(now)};
    ks_status st = r.db ? ks_db_tx_begin(r.db, e) : ks_error_set(e, KS_E_IO, N_("no database"));
    if (st == KS_OK)
        st = ks_db_run(r.db, Q_DOC_NEW, a, 9, &rows, NULL, e);
    *doc = st == KS_OK ? ks_db_cell_int(rows, 0, 0) : 0;
    ks_db_rows_free(rows);
    if (st == KS_OK)
        st = docs_add_version(&r, *doc, pdf, len, "draft", e);
    ks_db_arg d[3] = {KS_DB_I(job), KS_DB_I(*doc), KS_DB_I(now)};
    if (st == KS_OK)
        st = ks_db_run(r.db, Q_JOB_DONE, d, 3, NULL, NULL, e);
    char obj[48];
    snprintf(obj, sizeof obj, "document/%lld", (long long)*doc);
    if (st == KS_OK)
        st = kysod_audit(&r, "document.create", obj, r.s.agency_id, NULL, NULL, e);
    if (r.db) {
        st = ks_db_tx_end(r.db, st, e);
        ks_db_release(srv->pool, r.db);
    }
    json_decref(p);
    return st;
}

static void run_job(kysod_jobs *j, int64_t id)
{
    kysod *srv = j->srv;
    ks_error e;
    ks_db_rows *jr = NULL;
    uint8_t *in = NULL, *pdf = NULL;
    size_t in_len = 0, pdf_len = 0, pages = 0;
    char dir[] = "/tmp/kysod-convert-XXXXXX", path[1200], out[1300];
    bool made = mkdtemp(dir) != NULL;
    ks_db_arg a = KS_DB_I(id);
    if (!made) {
        ks_error_set(&e, KS_E_IO, N_("no temporary directory for the conversion"));
        fail(srv, id, &e);
        return;
    }
    if (db_do(srv, Q_JOB_LOAD, &a, 1, &jr, NULL) != KS_OK || jr->nrows != 1) {
        ks_error_set(&e, KS_E_STATE, N_("the job's data is missing"));
        fail(srv, id, &e);
        goto done;
    }
    const char *ext = strcmp(ks_db_cell(jr, 0, 3), "odt") == 0 ? "odt" : "docx";
    snprintf(path, sizeof path, "%s/upload.%s", dir, ext);
    snprintf(out, sizeof out, "%s/out/upload.pdf", dir);
    if (ks_blob_get(srv->cfg.blob_dir, ks_db_cell(jr, 0, 2), &in, &in_len, &e) != KS_OK ||
        ks_write_file_atomic(path, in, in_len, &e) != KS_OK) {
        fail(srv, id, &e);
        goto done;
    }
    int code = 0;
    int rc = run_soffice(j, id, dir, path, &code, &e);
    if (rc == 3) { /* the server stops: another start (or node) takes it again */
        ks_db_arg q[2] = {KS_DB_I(id), KS_DB_I(time(NULL))};
        db_do(srv, Q_JOB_REQUEUE, q, 2, NULL, NULL);
        goto done;
    }
    if (rc != 0) {
        fail(srv, id, &e);
        goto done;
    }
    progress(srv, id, 90);
    if (ks_read_file(out, (size_t)srv->cfg.max_body_kb * 1024 * 8, &pdf, &pdf_len, &e) != KS_OK) {
        ks_error_set(&e, KS_E_FORMAT, N_("LibreOffice produced no PDF"));
        fail(srv, id, &e);
        goto done;
    }
    int64_t doc = 0;
    if (check_pdf(pdf, pdf_len, &pages, &e) != KS_OK ||
        create_doc(srv, id, jr, pdf, pdf_len, pages, &doc, &e) != KS_OK)
        fail(srv, id, &e);
    else
        atomic_fetch_add(&srv->generation, 1); /* list pages changed */
done:
    free(in);
    free(pdf);
    ks_db_rows_free(jr);
    rm_tree(dir);
}

static void *worker(void *arg)
{
    kysod_jobs *j = arg;
    while (!stopping(j)) {
        int64_t id = claim(j->srv);
        if (id) {
            run_job(j, id);
            continue;
        }
        pthread_mutex_lock(&j->lock);
        if (!j->stop && !j->wakeups) {
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1; /* also picks up jobs queued by other nodes */
            pthread_cond_timedwait(&j->cond, &j->lock, &until);
        }
        if (j->wakeups)
            j->wakeups--;
        pthread_mutex_unlock(&j->lock);
    }
    return NULL;
}

ks_status kysod_jobs_start(kysod *srv, ks_error *err)
{
    if (!srv->cfg.blob_dir[0])
        return KS_OK; /* no document store, no uploads to convert */
    kysod_jobs *j = calloc(1, sizeof *j);
    pthread_t *t = calloc((size_t)srv->cfg.convert_max, sizeof *t);
    if (!j || !t) {
        free(j);
        free(t);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    j->srv = srv;
    j->threads = t;
    pthread_mutex_init(&j->lock, NULL);
    pthread_cond_init(&j->cond, NULL);
    srv->jobs = j;
    for (int i = 0; i < srv->cfg.convert_max; i++)
        if (pthread_create(&t[j->n], NULL, worker, j) == 0)
            j->n++;
    return KS_OK;
}

void kysod_jobs_wake(kysod *srv)
{
    kysod_jobs *j = srv->jobs;
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->wakeups++;
    pthread_cond_broadcast(&j->cond);
    pthread_mutex_unlock(&j->lock);
}

void kysod_jobs_stop(kysod *srv)
{
    kysod_jobs *j = srv->jobs;
    if (!j)
        return;
    pthread_mutex_lock(&j->lock);
    j->stop = true;
    pthread_cond_broadcast(&j->cond);
    pthread_mutex_unlock(&j->lock);
    for (int i = 0; i < j->n; i++)
        pthread_join(j->threads[i], NULL);
    pthread_cond_destroy(&j->cond);
    pthread_mutex_destroy(&j->lock);
    free(j->threads);
    free(j);
    srv->jobs = NULL;
}
