/* server/auth.c — sign-in (argon2id through libsodium), back-off per account and per address,
 * sessions (256-bit random tokens; only their SHA-256 is stored), the CSRF token, idle and
 * absolute timeouts, sign-out here and everywhere, and password changes. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "../store/queries.h"
#include "server.h"

#define COOKIE "kyso_session"
#define ACCOUNT_FREE_FAILURES 5
#define ADDRESS_FREE_FAILURES 20
#define BACKOFF_MAX_S 900

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    sodium_bin2hex(out, n * 2 + 1, b, n);
}

static void token_hash(const char *token, char out[65])
{
    uint8_t md[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(md, (const uint8_t *)token, strlen(token));
    hex(md, sizeof md, out);
}

ks_status kysod_hash_password(kysod *srv, const char *pw, char out[128], ks_error *err)
{
    pthread_mutex_lock(&srv->hash_lock);
    int rc = crypto_pwhash_str_alg(
        out, pw, strlen(pw), (unsigned long long)srv->cfg.pwhash_opslimit,
        (size_t)srv->cfg.pwhash_memlimit_kb * 1024, crypto_pwhash_ALG_ARGON2ID13);
    pthread_mutex_unlock(&srv->hash_lock);
    return rc == 0 ? KS_OK : ks_error_set(err, KS_E_NOMEM, N_("cannot hash the password"));
}

static bool verify_password(kysod *srv, const char *stored, const char *pw)
{
    pthread_mutex_lock(&srv->hash_lock);
    bool ok = crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
    pthread_mutex_unlock(&srv->hash_lock);
    return ok;
}

/* ---- the session cache ---- */

static kysod_session_entry *slot_of(kysod *srv, const char *h)
{
    unsigned v = 0;
    sscanf(h, "%8x", &v);
    return &srv->cache[v % KYSOD_SESSION_CACHE];
}

static void cache_forget(kysod *srv, const char *h)
{
    pthread_mutex_lock(&srv->cache_lock);
    kysod_session_entry *e = slot_of(srv, h);
    if (strcmp(e->token_hash, h) == 0)
        e->token_hash[0] = 0;
    pthread_mutex_unlock(&srv->cache_lock);
}

void kysod_session_forget_user(kysod *srv, int64_t user_id)
{
    pthread_mutex_lock(&srv->cache_lock);
    for (int i = 0; i < KYSOD_SESSION_CACHE; i++)
        if (srv->cache[i].user_id == user_id)
            srv->cache[i].token_hash[0] = 0;
    pthread_mutex_unlock(&srv->cache_lock);
}

static void derive_flags(kysod_req *r)
{
    r->city_admin = r->city_auditor = r->reg_officer = false;
    for (int i = 0; i < r->s.nroles; i++) {
        const char *role = r->s.roles[i].role;
        if (strcmp(role, "city_admin") == 0)
            r->city_admin = true;
        if (strcmp(role, "auditor") == 0 && r->s.roles[i].root)
            r->city_auditor = true;
        if (strcmp(role, "registration_officer") == 0)
            r->reg_officer = true;
    }
    if (!r->lang_explicit)
        snprintf(r->lang, sizeof r->lang, "%s", strcmp(r->s.lang, "en") == 0 ? "en" : "vi");
}

/* Reads the session from the database into r->s; 0 with r->signed_in false when it has ended. */
static int session_from_db(kysod_req *r, const char *h)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_S(h);
    int rc = kysod_db(r, Q_SESSION_GET, &a, 1, &rows);
    if (rc)
        return rc;
    kysod_config *c = &r->srv->cfg;
    int64_t now = now_s();
    if (rows->nrows == 0) {
        ks_db_rows_free(rows);
        return 0;
    }
    kysod_session_entry *s = &r->s;
    memset(s, 0, sizeof *s);
    snprintf(s->token_hash, sizeof s->token_hash, "%s", h);
    s->user_id = ks_db_cell_int(rows, 0, 0);
    snprintf(s->csrf, sizeof s->csrf, "%s", ks_db_cell(rows, 0, 1));
    s->created_at = ks_db_cell_int(rows, 0, 2);
    s->last_seen = ks_db_cell_int(rows, 0, 3);
    snprintf(s->login, sizeof s->login, "%s", ks_db_cell(rows, 0, 4));
    s->agency_id = ks_db_cell_int(rows, 0, 5);
    bool active = strcmp(ks_db_cell(rows, 0, 6), "active") == 0;
    snprintf(s->lang, sizeof s->lang, "%s", ks_db_cell(rows, 0, 7));
    ks_db_rows_free(rows);
    if (!active || s->last_seen + (int64_t)c->session_idle_min * 60 < now ||
        s->created_at + (int64_t)c->session_max_hours * 3600 < now) {
        ks_db_run(r->db, Q_SESSION_END, &a, 1, NULL, NULL, NULL);
        return 0;
    }
    if (now - s->last_seen >= 60) {
        ks_db_arg t[2] = {KS_DB_S(h), KS_DB_I(now)};
        ks_db_run(r->db, Q_SESSION_TOUCH, t, 2, NULL, NULL, NULL);
        s->last_seen = now;
    }
    ks_db_arg u = KS_DB_I(s->user_id);
    if ((rc = kysod_db(r, Q_USER_ROLES, &u, 1, &rows)))
        return rc;
    for (int i = 0; i < rows->nrows && s->nroles < KYSOD_MAX_ROLES; i++) {
        s->roles[s->nroles].agency_id = ks_db_cell_int(rows, i, 2);
        snprintf(s->roles[s->nroles].role, sizeof s->roles[0].role, "%s", ks_db_cell(rows, i, 3));
        s->roles[s->nroles].root = ks_db_cell(rows, i, 5) == NULL;
        s->nroles++;
    }
    ks_db_rows_free(rows);
    r->signed_in = true;
    return 0;
}

int kysod_load_session(kysod_req *r)
{
    const char *tok = MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, COOKIE);
    if (!tok || strlen(tok) < 40 || strlen(tok) > 64)
        return 0;
    char h[65];
    token_hash(tok, h);
    kysod *srv = r->srv;
    int64_t now_ms = kysod_now_us() / 1000;
    if (srv->cfg.session_cache_ms > 0) {
        pthread_mutex_lock(&srv->cache_lock);
        kysod_session_entry *e = slot_of(srv, h);
        bool hit = strcmp(e->token_hash, h) == 0 &&
                   now_ms - e->checked_ms < srv->cfg.session_cache_ms &&
                   e->last_seen + (int64_t)srv->cfg.session_idle_min * 60 > now_ms / 1000;
        if (hit)
            r->s = *e;
        pthread_mutex_unlock(&srv->cache_lock);
        if (hit) {
            r->signed_in = true;
            r->user_for_log = r->s.user_id;
            derive_flags(r);
            return 0;
        }
    }
    int rc = session_from_db(r, h);
    if (rc || !r->signed_in)
        return rc;
    r->user_for_log = r->s.user_id;
    derive_flags(r);
    if (srv->cfg.session_cache_ms > 0) {
        r->s.checked_ms = now_ms;
        pthread_mutex_lock(&srv->cache_lock);
        *slot_of(srv, h) = r->s;
        pthread_mutex_unlock(&srv->cache_lock);
    }
    return 0;
}

bool kysod_csrf_ok(kysod_req *r)
{
    const char *t = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-CSRF-Token");
    size_t n = strlen(r->s.csrf);
    return t && n == 64 && strlen(t) == n && sodium_memcmp(t, r->s.csrf, n) == 0;
}

/* Secure cookies when configured, or when the proxy we trust says the client used TLS. */
static bool behind_tls(kysod_req *r)
{
    if (r->srv->cfg.secure_cookies)
        return true;
    const char *p = r->srv->cfg.trust_proxy
                        ? MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto")
                        : NULL;
    return p && strcmp(p, "https") == 0;
}

/* ---- back-off ---- */

static int64_t throttle_wait(kysod_req *r, const char *key)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_S(key);
    if (ks_db_run(r->db, Q_THROTTLE_GET, &a, 1, &rows, NULL, NULL) != KS_OK)
        return 0;
    int64_t until = rows->nrows ? ks_db_cell_int(rows, 0, 1) : 0;
    ks_db_rows_free(rows);
    int64_t now = now_s();
    return until > now ? until - now : 0;
}

static ks_status throttle_fail(kysod_req *r, const char *key, int free_failures, ks_error *err)
{
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_S(key);
    ks_status st = ks_db_run(r->db, Q_THROTTLE_GET, &a, 1, &rows, NULL, err);
    if (st != KS_OK)
        return st;
    int64_t failures = (rows->nrows ? ks_db_cell_int(rows, 0, 0) : 0) + 1;
    ks_db_rows_free(rows);
    int64_t wait = 0;
    if (failures >= free_failures) {
        int64_t k = failures - free_failures;
        wait = k >= 10 ? BACKOFF_MAX_S : (int64_t)1 << k;
        if (wait > BACKOFF_MAX_S)
            wait = BACKOFF_MAX_S;
    }
    ks_db_arg s[3] = {KS_DB_S(key), KS_DB_I(failures), KS_DB_I(now_s() + wait)};
    return ks_db_run(r->db, Q_THROTTLE_SET, s, 3, NULL, NULL, err);
}

/* ---- the routes ---- */

static json_t *me_json(kysod_req *r, int *rc)
{
    json_t *user = NULL;
    ks_db_rows *rows = NULL;
    if ((*rc = kysod_load(r, Q_USER_GET, r->s.user_id, N_("no such user"), &user)))
        return NULL;
    ks_db_arg u = KS_DB_I(r->s.user_id);
    if ((*rc = kysod_db(r, Q_USER_ROLES, &u, 1, &rows))) {
        json_decref(user);
        return NULL;
    }
    json_t *roles = kysod_rows_json(rows);
    ks_db_rows_free(rows);
    size_t i;
    json_t *v;
    json_array_foreach(roles, i, v) json_object_del(v, "parent_id");
    char exp[32];
    int64_t abs_end = r->s.created_at + (int64_t)r->srv->cfg.session_max_hours * 3600;
    int64_t idle_end = r->s.last_seen + (int64_t)r->srv->cfg.session_idle_min * 60;
    kysod_time_format(abs_end < idle_end ? abs_end : idle_end, exp);
    return json_pack("{s:o, s:o, s:s, s:s, s:i}", "user", user, "roles", roles, "csrf_token",
                     r->s.csrf, "session_expires_at", exp, "idle_timeout_s",
                     r->srv->cfg.session_idle_min * 60);
}

int api_me(kysod_req *r)
{
    int rc = 0;
    json_t *me = me_json(r, &rc);
    return me ? kysod_json(r, 200, me) : rc;
}

/* Opens a session for `uid` inside the transaction the caller began (`st` is its status so
 * far): the session row, the throttle key `clear_key` (may be NULL) cleared, the audit entry
 * `action` (with `after`), the cookie set and the answer of GET /me. Password and token
 * sign-in both end here, so both give the same session. */
int kysod_session_start(kysod_req *r, ks_status st, ks_error *e, int64_t uid, const char *login,
                        int64_t agency, const char *action, json_t *after, const char *clear_key)
{
    int rc = 0;
    uint8_t tok[32], csrf[32];
    randombytes_buf(tok, sizeof tok);
    randombytes_buf(csrf, sizeof csrf);
    char token[64], h[65], csrf_hex[65];
    sodium_bin2base64(token, sizeof token, tok, sizeof tok,
                      sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    sodium_memzero(tok, sizeof tok);
    token_hash(token, h);
    hex(csrf, sizeof csrf, csrf_hex);
    int64_t now = now_s();
    ks_db_arg s[5] = {KS_DB_S(h), KS_DB_I(uid), KS_DB_S(csrf_hex), KS_DB_I(now), KS_DB_S(r->ip)};
    ks_db_arg k = KS_DB_S(clear_key);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_SESSION_NEW, s, 5, NULL, NULL, e);
    if (st == KS_OK && clear_key)
        st = ks_db_run(r->db, Q_THROTTLE_CLEAR, &k, 1, NULL, NULL, e);
    if (st == KS_OK) {
        r->signed_in = true; /* for the audit entry's actor */
        r->s.user_id = uid;
        snprintf(r->s.login, sizeof r->s.login, "%s", login);
        st = kysod_audit(r, action, "session", agency, NULL, after, e);
    }
    if ((st = ks_db_tx_end(r->db, st, e)) != KS_OK) {
        r->signed_in = false;
        sodium_memzero(token, sizeof token);
        return kysod_fail_err(r, e);
    }
    snprintf(r->set_cookie, sizeof r->set_cookie,
             COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", token,
             r->srv->cfg.session_max_hours * 3600, behind_tls(r) ? "; Secure" : "");
    sodium_memzero(token, sizeof token);
    r->signed_in = false;
    if ((rc = session_from_db(r, h)) == 0 && r->signed_in) {
        r->user_for_log = uid;
        json_t *me = me_json(r, &rc);
        if (me)
            rc = kysod_json(r, 200, me);
    }
    return rc;
}

static const kysod_field SIGN_IN[] = {
    {"login", F_STR, true, 64, NULL, NULL},
    {"password", F_STR, true, 256, NULL, NULL},
};

int api_sign_in(kysod_req *r)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc || (rc = kysod_body_check(r, b, SIGN_IN, 2, false)))
        goto done;
    const char *login = kysod_str(b, "login", ""), *pw = kysod_str(b, "password", "");
    char ukey[80], ikey[80];
    snprintf(ukey, sizeof ukey, "u:%s", login);
    snprintf(ikey, sizeof ikey, "ip:%s", r->ip);
    int64_t wait = throttle_wait(r, ukey);
    int64_t wait_ip = throttle_wait(r, ikey);
    if (wait_ip > wait)
        wait = wait_ip;
    if (wait > 0) {
        atomic_fetch_add(&r->srv->metrics.throttled, 1);
        snprintf(r->retry_after, sizeof r->retry_after, "%lld", (long long)wait);
        rc = kysod_fail(r, 429, "throttled", NULL,
                        N_("too many failed sign-ins; try again in %lld seconds"), (long long)wait);
        goto done;
    }
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_S(login);
    if ((rc = kysod_db(r, Q_LOGIN_FIND, &a, 1, &rows)))
        goto done;
    bool found = rows->nrows == 1;
    int64_t uid = found ? ks_db_cell_int(rows, 0, 0) : 0;
    int64_t agency = found ? ks_db_cell_int(rows, 0, 3) : 0;
    bool active = found && strcmp(ks_db_cell(rows, 0, 2), "active") == 0;
    /* An unknown login costs the same hash as a known one. */
    bool ok = verify_password(r->srv, found ? ks_db_cell(rows, 0, 1) : r->srv->dummy_hash, pw);
    if (!r->lang_explicit && found)
        snprintf(r->lang, sizeof r->lang, "%s",
                 strcmp(ks_db_cell(rows, 0, 4), "en") == 0 ? "en" : "vi");
    ks_db_rows_free(rows);
    ks_error e;
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (!ok || !found) {
        atomic_fetch_add(&r->srv->metrics.sign_in_failures, 1);
        if (st == KS_OK)
            st = throttle_fail(r, ukey, ACCOUNT_FREE_FAILURES, &e);
        if (st == KS_OK)
            st = throttle_fail(r, ikey, ADDRESS_FREE_FAILURES, &e);
        json_t *what = json_pack("{s:s}", "login", login);
        if (st == KS_OK)
            st = kysod_audit(r, "session.sign_in_failed", "session", agency, NULL, what, &e);
        json_decref(what);
        st = ks_db_tx_end(r->db, st, &e);
        rc = st != KS_OK ? kysod_fail_err(r, &e)
                         : kysod_fail(r, 401, "bad_credentials", NULL,
                                      N_("the login or the password is wrong"));
        goto done;
    }
    if (!active) {
        ks_db_tx_end(r->db, KS_E_STATE, NULL);
        rc = kysod_fail(r, 403, "forbidden", NULL, N_("this account is disabled or locked"));
        goto done;
    }
    rc = kysod_session_start(r, st, &e, uid, login, agency, "session.sign_in", NULL, ukey);
done:
    json_decref(b);
    return rc;
}

static int end_sessions(kysod_req *r, bool everywhere)
{
    ks_error e;
    ks_db_arg a = everywhere ? KS_DB_I(r->s.user_id) : KS_DB_S(r->s.token_hash);
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, everywhere ? Q_SESSION_END_USER : Q_SESSION_END, &a, 1, NULL, NULL,
                       &e);
    if (st == KS_OK)
        st = kysod_audit(r, everywhere ? "session.sign_out_everywhere" : "session.sign_out",
                         "session", r->s.agency_id, NULL, NULL, &e);
    if ((st = ks_db_tx_end(r->db, st, &e)) != KS_OK)
        return kysod_fail_err(r, &e);
    if (everywhere)
        kysod_session_forget_user(r->srv, r->s.user_id);
    else
        cache_forget(r->srv, r->s.token_hash);
    snprintf(r->set_cookie, sizeof r->set_cookie,
             COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0%s",
             behind_tls(r) ? "; Secure" : "");
    r->status = 204;
    return 204;
}

int api_sign_out(kysod_req *r)
{
    return end_sessions(r, false);
}

int api_sign_out_everywhere(kysod_req *r)
{
    return end_sessions(r, true);
}

static const kysod_field PASSWORD[] = {
    {"password", F_STR, true, 256, NULL, NULL},
    {"current_password", F_STR, false, 256, NULL, NULL},
};

/* Sets `user`'s password and ends their sessions (all, or all but `keep`), audited. */
static int set_password(kysod_req *r, int64_t user, int64_t agency, const char *pw,
                        const char *keep)
{
    if (strlen(pw) < 10)
        return kysod_fail(r, 400, "invalid_field", "password",
                          N_("the password must have at least 10 characters"));
    char hash[128];
    ks_error e;
    if (kysod_hash_password(r->srv, pw, hash, &e) != KS_OK)
        return kysod_fail_err(r, &e);
    ks_db_arg a[3] = {KS_DB_I(user), KS_DB_S(hash), KS_DB_I(now_s())};
    ks_db_arg k[2] = {KS_DB_I(user), KS_DB_S(keep ? keep : "")};
    ks_status st = ks_db_tx_begin(r->db, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_USER_SET_PW, a, 3, NULL, NULL, &e);
    if (st == KS_OK)
        st = ks_db_run(r->db, Q_SESSION_END_OTHERS, k, 2, NULL, NULL, &e);
    char obj[40];
    snprintf(obj, sizeof obj, "user/%lld", (long long)user);
    if (st == KS_OK)
        st = kysod_audit(r, "user.password_set", obj, agency, NULL, NULL, &e);
    if ((st = ks_db_tx_end(r->db, st, &e)) != KS_OK)
        return kysod_fail_err(r, &e);
    kysod_session_forget_user(r->srv, user);
    r->status = 204;
    return 204;
}

int api_me_password(kysod_req *r)
{
    json_t *b = NULL;
    int rc = kysod_body_object(r, &b);
    if (rc || (rc = kysod_body_check(r, b, PASSWORD, 2, false)))
        goto done;
    ks_db_rows *rows = NULL;
    ks_db_arg a = KS_DB_I(r->s.user_id);
    if ((rc = kysod_db(r, Q_USER_PW, &a, 1, &rows)))
        goto done;
    bool ok = rows->nrows == 1 &&
              verify_password(r->srv, ks_db_cell(rows, 0, 0), kysod_str(b, "current_password", ""));
    ks_db_rows_free(rows);
    if (!ok) {
        rc = kysod_fail(r, 400, "invalid_field", "current_password",
                        N_("the current password is wrong"));
        goto done;
    }
    rc = set_password(r, r->s.user_id, r->s.agency_id, kysod_str(b, "password", ""),
                      r->s.token_hash);
done:
    json_decref(b);
    return rc;
}

int api_set_password(kysod_req *r)
{
    json_t *b = NULL, *u = NULL;
    int rc = kysod_load(r, Q_USER_GET, r->id, N_("no such user"), &u);
    if (rc)
        return rc;
    int64_t agency = kysod_int(u, "agency_id");
    json_decref(u);
    if ((rc = kysod_authorize(r, ACC_AGENCY_ADMIN, agency)) ||
        (rc = kysod_guard_city_user(r, r->id)))
        return rc;
    if ((rc = kysod_body_object(r, &b)) || (rc = kysod_body_check(r, b, PASSWORD, 1, false)))
        goto done;
    rc = set_password(r, r->id, agency, kysod_str(b, "password", ""), NULL);
done:
    json_decref(b);
    return rc;
}
