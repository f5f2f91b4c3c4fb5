/* pki/db.c — the CA database (DIR/ca.db, SQLite): settings, issued certificates with their
 * subject data and revocation state. The audit trail lives in the same file (audit.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pki_internal.h"

static const char *const SCHEMA =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS certs("
    " serial TEXT PRIMARY KEY, role TEXT NOT NULL, profile INTEGER,"
    " name TEXT, title TEXT, org TEXT, unit TEXT, org_id TEXT, email TEXT, locality TEXT,"
    " street TEXT, not_before INTEGER NOT NULL, not_after INTEGER NOT NULL,"
    " issued_at INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0, revoked_at INTEGER,"
    " reason INTEGER, der BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS audit(seq INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
    " action TEXT NOT NULL, serial TEXT, detail TEXT, prev_hash TEXT NOT NULL,"
    " hash TEXT NOT NULL);"
    "CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"
    "CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit"
    " BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;";

static ks_status db_fail(sqlite3 *db, const char *what, ks_error *err)
{
    return ks_error_set(err, KS_E_IO, N_("CA database error (%s): %s"), what,
                        db ? sqlite3_errmsg(db) : "?");
}

ks_status ks_pki_db_open(const char *dir, bool create, sqlite3 **out, ks_error *err)
{
    char path[4096];
    *out = NULL;
    ks_status st = ks_sqlite_load(err);
    if (st != KS_OK)
        return st;
    snprintf(path, sizeof path, "%s/ca.db", dir);
    sqlite3 *db = NULL;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
        st = ks_error_set(err, KS_E_IO, N_("cannot open the CA database \"%s\": %s"), path,
                          db ? sqlite3_errmsg(db) : "?");
        sqlite3_close(db);
        return st;
    }
    sqlite3_busy_timeout(db, 5000);
    if (create) {
        st = ks_sqlite_exec(db, SCHEMA, err);
        if (st != KS_OK) {
            sqlite3_close(db);
            return st;
        }
    }
    *out = db;
    return KS_OK;
}

ks_status ks_pki_meta_get(sqlite3 *db, const char *key, char *out, size_t out_len, ks_error *err)
{
    sqlite3_stmt *s = NULL;
    ks_status st = KS_OK;
    if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key=?", -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, "meta", err);
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        snprintf(out, out_len, "%s", (const char *)sqlite3_column_text(s, 0));
    } else {
        st = ks_error_set(err, KS_E_FORMAT, N_("CA database has no setting \"%s\""), key);
    }
    sqlite3_finalize(s);
    return st;
}

ks_status ks_pki_meta_set(sqlite3 *db, const char *key, const char *value, ks_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &s,
                           NULL) != SQLITE_OK)
        return db_fail(db, "meta", err);
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? KS_OK : db_fail(db, "meta", err);
}

static void bind_opt(sqlite3_stmt *s, int i, const char *v)
{
    if (v && *v)
        sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s, i);
}

ks_status ks_pki_cert_insert(sqlite3 *db, const ks_cert_row *r, ks_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO certs(serial, role, profile, name, title, org, unit, "
                           "org_id, email, locality, street, not_before, not_after, issued_at, "
                           "der) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, "insert", err);
    sqlite3_bind_text(s, 1, r->serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, r->role, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 3, (int)r->profile);
    bind_opt(s, 4, r->name);
    bind_opt(s, 5, r->title);
    bind_opt(s, 6, r->org);
    bind_opt(s, 7, r->unit);
    bind_opt(s, 8, r->org_id);
    bind_opt(s, 9, r->email);
    bind_opt(s, 10, r->locality);
    bind_opt(s, 11, r->street);
    sqlite3_bind_int64(s, 12, r->not_before);
    sqlite3_bind_int64(s, 13, r->not_after);
    sqlite3_bind_int64(s, 14, (int64_t)ks_now());
    sqlite3_bind_blob(s, 15, r->der, (int)r->der_len, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? KS_OK : db_fail(db, "insert", err);
}

static char *col_dup(sqlite3_stmt *s, int i)
{
    const unsigned char *t = sqlite3_column_text(s, i);
    return t ? strdup((const char *)t) : NULL;
}

void ks_cert_row_clear(ks_cert_row *r)
{
    if (!r)
        return;
    free(r->name);
    free(r->title);
    free(r->org);
    free(r->unit);
    free(r->org_id);
    free(r->email);
    free(r->locality);
    free(r->street);
    free(r->der);
    memset(r, 0, sizeof *r);
}

ks_status ks_pki_cert_find(sqlite3 *db, const char *serial_hex, ks_cert_row *r, ks_error *err)
{
    char serial[80];
    ks_status st = ks_pki_serial_normalize(serial_hex, serial, err);
    if (st != KS_OK)
        return st;
    memset(r, 0, sizeof *r);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "SELECT serial, role, profile, name, title, org, unit, org_id, email, "
                           "locality, street, not_before, not_after, revoked, revoked_at, reason, "
                           "der FROM certs WHERE serial=?",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, "select", err);
    sqlite3_bind_text(s, 1, serial, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW) {
        st = rc == SQLITE_DONE
                 ? ks_error_set(err, KS_E_USAGE, N_("no certificate with serial %s in this CA"),
                                serial)
                 : db_fail(db, "select", err);
        sqlite3_finalize(s);
        return st;
    }
    snprintf(r->serial, sizeof r->serial, "%s", (const char *)sqlite3_column_text(s, 0));
    snprintf(r->role, sizeof r->role, "%s", (const char *)sqlite3_column_text(s, 1));
    r->profile = (ks_pki_profile)sqlite3_column_int(s, 2);
    r->name = col_dup(s, 3);
    r->title = col_dup(s, 4);
    r->org = col_dup(s, 5);
    r->unit = col_dup(s, 6);
    r->org_id = col_dup(s, 7);
    r->email = col_dup(s, 8);
    r->locality = col_dup(s, 9);
    r->street = col_dup(s, 10);
    r->not_before = sqlite3_column_int64(s, 11);
    r->not_after = sqlite3_column_int64(s, 12);
    r->revoked = sqlite3_column_int(s, 13) != 0;
    r->revoked_at = sqlite3_column_int64(s, 14);
    r->reason = sqlite3_column_int(s, 15);
    int n = sqlite3_column_bytes(s, 16);
    const void *blob = sqlite3_column_blob(s, 16);
    r->der = malloc(n > 0 ? (size_t)n : 1);
    if (!r->der) {
        sqlite3_finalize(s);
        ks_cert_row_clear(r);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    if (n > 0)
        memcpy(r->der, blob, (size_t)n);
    r->der_len = (size_t)n;
    sqlite3_finalize(s);
    return KS_OK;
}

ks_status ks_pki_cert_set_revoked(sqlite3 *db, const char *serial, int64_t at, int reason,
                                  ks_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db,
                           "UPDATE certs SET revoked=1, revoked_at=?, reason=? WHERE serial=? "
                           "AND revoked=0",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, "revoke", err);
    sqlite3_bind_int64(s, 1, at);
    sqlite3_bind_int(s, 2, reason);
    sqlite3_bind_text(s, 3, serial, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
        return db_fail(db, "revoke", err);
    if (sqlite3_changes(db) != 1)
        return ks_error_set(err, KS_E_STATE, N_("certificate %s is already revoked"), serial);
    return KS_OK;
}

ks_status ks_pki_next_crl_number(sqlite3 *db, int64_t *out, ks_error *err)
{
    char buf[32] = "0";
    ks_error tmp;
    if (ks_pki_meta_get(db, "crl_number", buf, sizeof buf, &tmp) != KS_OK)
        snprintf(buf, sizeof buf, "0");
    int64_t n = strtoll(buf, NULL, 10) + 1;
    snprintf(buf, sizeof buf, "%lld", (long long)n);
    ks_status st = ks_pki_meta_set(db, "crl_number", buf, err);
    if (st == KS_OK)
        *out = n;
    return st;
}

ks_status ks_pki_serial_normalize(const char *in, char out[80], ks_error *err)
{
    const char *p = in ? in : "";
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
        p += 2;
    size_t n = strlen(p), k = 0;
    if (n == 0 || n > 40)
        return ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not a certificate serial (hex)"),
                            in ? in : "");
    /* Odd length: pad to whole bytes as DER hex would show them. */
    if (n % 2)
        out[k++] = '0';
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        if (c >= 'a' && c <= 'f')
            c = (char)(c - 'a' + 'A');
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')))
            return ks_error_set(err, KS_E_USAGE, N_("\"%s\" is not a certificate serial (hex)"),
                                in);
        out[k++] = c;
    }
    out[k] = 0;
    return KS_OK;
}

ks_status ks_ca_list(const char *dir, int (*fn)(void *user, const ks_ca_cert_info *c), void *user,
                     ks_error *err)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *s = NULL;
    ks_status st = ks_pki_db_open(dir, false, &db, err);
    if (st != KS_OK)
        return st;
    if (sqlite3_prepare_v2(db,
                           "SELECT serial, role, profile, name, title, org, unit, org_id, email, "
                           "locality, not_before, not_after, issued_at, revoked, revoked_at, "
                           "reason FROM certs ORDER BY issued_at, rowid",
                           -1, &s, NULL) != SQLITE_OK) {
        st = db_fail(db, "select", err);
        sqlite3_close(db);
        return st;
    }
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        const char *t[10];
        for (int i = 0; i < 10; i++)
            t[i] = (const char *)sqlite3_column_text(s, i);
        ks_ca_cert_info c = {
            .serial = t[0] ? t[0] : "",
            .role = t[1] ? t[1] : "",
            .profile = (ks_pki_profile)sqlite3_column_int(s, 2),
            .name = t[3],
            .title = t[4],
            .org = t[5],
            .unit = t[6],
            .org_id = t[7],
            .email = t[8],
            .locality = t[9],
            .not_before = (time_t)sqlite3_column_int64(s, 10),
            .not_after = (time_t)sqlite3_column_int64(s, 11),
            .issued_at = (time_t)sqlite3_column_int64(s, 12),
            .revoked = sqlite3_column_int(s, 13) != 0,
            .revoked_at = (time_t)sqlite3_column_int64(s, 14),
            .reason = sqlite3_column_int(s, 15),
        };
        if (fn(user, &c) != 0)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        st = db_fail(db, "select", err);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return st;
}
