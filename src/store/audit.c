/* store/audit.c — the server's audit trail: one entry per state change (who, when, from where,
 * what, before and after), appended in the change's own transaction and linked into the hash
 * chain of audit_chain.c. The head row serialises writers (FOR UPDATE in PostgreSQL; SQLite's
 * IMMEDIATE transactions already queue them). */
#include <stdio.h>
#include <string.h>

#include "db_internal.h"

static const char Q_HEAD_SQLITE[] = "SELECT seq, hash FROM audit_head WHERE id = 1";
static const char Q_HEAD_PG[] = "SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE";
static const char Q_HEAD_SET[] = "UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1";
static const char Q_INSERT[] =
    "INSERT INTO audit(seq, at, actor_id, actor, ip, agency_id, action, object, before_json,"
    " after_json, prev_hash, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)";
static const char Q_WALK[] =
    "SELECT seq, at, actor, ip, agency_id, action, object, before_json, after_json, prev_hash,"
    " hash FROM audit WHERE seq > ? ORDER BY seq LIMIT 1000";

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* The chained fields of an entry; agency as decimal text ("" for none). */
static void entry_hash(const char *prev, int64_t seq, int64_t at, const char *actor, const char *ip,
                       const char *agency, const char *action, const char *object,
                       const char *before, const char *after, char out[65])
{
    const char *f[7] = {actor, ip, agency, action, object, before, after};
    ks_audit_chain_hash(prev, seq, at, f, 7, out);
}

ks_status ks_audit_append(ks_db *db, const ks_audit_rec *rec, int64_t at, ks_error *err)
{
    ks_db_rows *head = NULL;
    ks_status st =
        ks_db_run(db, db->kind == KS_DB_PG ? Q_HEAD_PG : Q_HEAD_SQLITE, NULL, 0, &head, NULL, err);
    if (st != KS_OK)
        return st;
    if (head->nrows != 1) {
        ks_db_rows_free(head);
        return ks_error_set(err, KS_E_STATE, N_("the audit trail's head row is missing"));
    }
    int64_t seq = ks_db_cell_int(head, 0, 0) + 1;
    char prev[65];
    snprintf(prev, sizeof prev, "%s", nz(ks_db_cell(head, 0, 1)));
    ks_db_rows_free(head);
    char agency[24] = "";
    if (rec->agency_id > 0)
        snprintf(agency, sizeof agency, "%lld", (long long)rec->agency_id);
    char hash[65];
    entry_hash(prev, seq, at, nz(rec->actor), nz(rec->ip), agency, nz(rec->action), nz(rec->object),
               nz(rec->before), nz(rec->after), hash);
    ks_db_arg a[12] = {KS_DB_I(seq),
                       KS_DB_I(at),
                       rec->actor_id > 0 ? KS_DB_I(rec->actor_id) : KS_DB_NIL,
                       KS_DB_S(nz(rec->actor)),
                       KS_DB_S(nz(rec->ip)),
                       rec->agency_id > 0 ? KS_DB_I(rec->agency_id) : KS_DB_NIL,
                       KS_DB_S(nz(rec->action)),
                       KS_DB_S(nz(rec->object)),
                       KS_DB_S(nz(rec->before)),
                       KS_DB_S(nz(rec->after)),
                       KS_DB_S(prev),
                       KS_DB_S(hash)};
    st = ks_db_run(db, Q_INSERT, a, 12, NULL, NULL, err);
    ks_db_arg h[2] = {KS_DB_I(seq), KS_DB_S(hash)};
    if (st == KS_OK)
        st = ks_db_run(db, Q_HEAD_SET, h, 2, NULL, NULL, err);
    return st;
}

ks_status ks_audit_verify(ks_db *db, int64_t *entries, int64_t *broken_at, ks_error *err)
{
    char prev[65] = KS_AUDIT_GENESIS;
    int64_t expect = 1, n = 0;
    *broken_at = 0;
    ks_status st = KS_OK;
    for (;;) {
        ks_db_rows *r = NULL;
        ks_db_arg a = KS_DB_I(expect - 1);
        if ((st = ks_db_run(db, Q_WALK, &a, 1, &r, NULL, err)) != KS_OK)
            break;
        int got = r->nrows;
        for (int i = 0; i < r->nrows && !*broken_at; i++) {
            int64_t seq = ks_db_cell_int(r, i, 0);
            char h[65];
            entry_hash(prev, seq, ks_db_cell_int(r, i, 1), nz(ks_db_cell(r, i, 2)),
                       nz(ks_db_cell(r, i, 3)), nz(ks_db_cell(r, i, 4)), nz(ks_db_cell(r, i, 5)),
                       nz(ks_db_cell(r, i, 6)), nz(ks_db_cell(r, i, 7)), nz(ks_db_cell(r, i, 8)),
                       h);
            if (seq != expect || strcmp(nz(ks_db_cell(r, i, 9)), prev) != 0 ||
                strcmp(nz(ks_db_cell(r, i, 10)), h) != 0) {
                *broken_at = seq != expect && seq > expect ? expect : seq;
                break;
            }
            memcpy(prev, h, sizeof prev);
            expect++;
            n++;
        }
        ks_db_rows_free(r);
        if (*broken_at || got < 1000)
            break;
    }
    *entries = n;
    return st;
}
