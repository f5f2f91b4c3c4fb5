/* pki/audit.c — the CA's append-only audit trail: every issuance, renewal, change and
 * revocation is a row whose SHA-256 hash covers the previous row's hash, so that removing or
 * editing an entry breaks the chain (ks_ca_audit_verify finds where). */
#include <stdio.h>
#include <string.h>

#include "pki_internal.h"

#define GENESIS KS_AUDIT_GENESIS

/* The CA's entries hash (action, serial, detail) with the chain of store/audit_chain.c. */
static void entry_hash(const char *prev, int64_t seq, int64_t at, const char *action,
                       const char *serial, const char *detail, char out[65])
{
    const char *f[3] = {action, serial, detail};
    ks_audit_chain_hash(prev, seq, at, f, 3, out);
}

ks_status ks_pki_audit(sqlite3 *db, const char *action, const char *serial, const char *detail,
                       ks_error *err)
{
    ks_status st = KS_OK;
    sqlite3_stmt *s = NULL;
    char prev[65] = GENESIS;
    int64_t seq = 1;
    int64_t at = (int64_t)ks_now();
    serial = serial ? serial : "";
    detail = detail ? detail : "";
    bool own;
    if ((st = ks_sqlite_tx_begin(db, &own, err)) != KS_OK)
        return st;
    if (sqlite3_prepare_v2(db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", -1, &s,
                           NULL) != SQLITE_OK)
        goto dberr;
    if (sqlite3_step(s) == SQLITE_ROW) {
        seq = sqlite3_column_int64(s, 0) + 1;
        snprintf(prev, sizeof prev, "%s", (const char *)sqlite3_column_text(s, 1));
    }
    sqlite3_finalize(s);
    s = NULL;
    char hash[65];
    entry_hash(prev, seq, at, action, serial, detail, hash);
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO audit(seq, at, action, serial, detail, prev_hash, hash) "
                           "VALUES(?,?,?,?,?,?,?)",
                           -1, &s, NULL) != SQLITE_OK)
        goto dberr;
    sqlite3_bind_int64(s, 1, seq);
    sqlite3_bind_int64(s, 2, at);
    sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, serial, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, prev, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, hash, -1, SQLITE_STATIC);
    if (sqlite3_step(s) != SQLITE_DONE)
        goto dberr;
    sqlite3_finalize(s);
    return ks_sqlite_tx_end(db, own, KS_OK, err);
dberr:
    st = ks_error_set(err, KS_E_IO, N_("CA database error (%s): %s"), "audit", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    return ks_sqlite_tx_end(db, own, st, NULL);
}

/* Walks the trail of `db`, checking the chain; `fn` sees each intact entry. */
static ks_status walk(sqlite3 *db, int (*fn)(void *, const ks_ca_audit_entry *), void *user,
                      long *entries, ks_error *err)
{
    sqlite3_stmt *s = NULL;
    char prev[65] = GENESIS;
    int64_t expect = 1;
    long n = 0;
    ks_status st = KS_OK;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, at, action, serial, detail, prev_hash, hash FROM audit "
                           "ORDER BY seq",
                           -1, &s, NULL) != SQLITE_OK)
        return ks_error_set(err, KS_E_IO, N_("CA database error (%s): %s"), "audit",
                            sqlite3_errmsg(db));
    while (sqlite3_step(s) == SQLITE_ROW) {
        int64_t seq = sqlite3_column_int64(s, 0);
        const char *col[5];
        for (int i = 0; i < 5; i++) {
            const unsigned char *t = sqlite3_column_text(s, 2 + i);
            col[i] = t ? (const char *)t : "";
        }
        char h[65];
        int64_t at = sqlite3_column_int64(s, 1);
        entry_hash(prev, seq, at, col[0], col[1], col[2], h);
        if (seq != expect || strcmp(col[3], prev) != 0 || strcmp(col[4], h) != 0) {
            st = ks_error_set(err, KS_E_FORMAT,
                              N_("audit trail is broken at entry %lld (expected entry %lld)"),
                              (long long)seq, (long long)expect);
            break;
        }
        n++;
        if (fn) {
            ks_ca_audit_entry e = {(long)seq, (time_t)at, col[0], col[1], col[2], h};
            if (fn(user, &e) != 0)
                break;
        }
        snprintf(prev, sizeof prev, "%s", h);
        expect++;
    }
    sqlite3_finalize(s);
    if (entries)
        *entries = n;
    return st;
}

ks_status ks_ca_audit_verify(ks_ca *ca, long *entries, ks_error *err)
{
    return walk(ca->db, NULL, NULL, entries, err);
}

ks_status ks_ca_audit_read(const char *dir, int (*fn)(void *user, const ks_ca_audit_entry *e),
                           void *user, long *entries, ks_error *err)
{
    sqlite3 *db = NULL;
    if (entries)
        *entries = 0;
    ks_status st = ks_pki_db_open(dir, false, &db, err);
    if (st == KS_OK)
        st = walk(db, fn, user, entries, err);
    sqlite3_close(db);
    return st;
}
