/* store/ unit tests: the audit chain hash reproduces the CA's historic construction (so old
 * ca.db files keep verifying) on fixed vectors; SQLite migrations apply once and are idempotent;
 * rows copy NULLs and text; a constraint violation is KS_E_STATE; the server's audit chain
 * appends, verifies, and reports the first tampered entry. */
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "test.h"

static void test_chain_vectors(void)
{
    char h[65];
    const char *ca[3] = {"issue", "0A1B", "CN=Nguyễn Văn A"};
    ks_audit_chain_hash(KS_AUDIT_GENESIS, 7, 1767225600, ca, 3, h);
    /* sha256(prev || "|7|1767225600|" || "5|4|17|" || fields), computed independently */
    CHECK_STR(h, "0df425aaeab680e06720832b260d8ea3d275440ee905010334b7769c1914c9f3");
    const char *srv[7] = {"admin", "10.0.0.1", "12", "user.create", "user/5", "", "{\"a\":1}"};
    ks_audit_chain_hash(KS_AUDIT_GENESIS, 7, 1767225600, srv, 7, h);
    CHECK_STR(h, "56796634b8a6436ab2e4184cc07421274762a67175e45826972692c119c682b2");
    /* moving a separator between fields changes the hash */
    const char *a[3] = {"ab", "c", ""}, *b[3] = {"a", "bc", ""};
    char ha[65], hb[65];
    ks_audit_chain_hash(KS_AUDIT_GENESIS, 1, 1, a, 3, ha);
    ks_audit_chain_hash(KS_AUDIT_GENESIS, 1, 1, b, 3, hb);
    CHECK(strcmp(ha, hb) != 0);
}

static const char Q_NEW_AGENCY[] =
    "INSERT INTO agencies(parent_id, name, kind, code, created_at, updated_at)"
    " VALUES(NULL, ?1, 'city_committee', ?2, 1, 1) RETURNING id";
static const char Q_GET[] = "SELECT id, parent_id, name FROM agencies WHERE id = ?1";
static const char Q_TAMPER_OFF[] = "DROP TRIGGER audit_no_update";
static const char Q_TAMPER[] = "UPDATE audit SET object = 'user/999' WHERE seq = 2";
static const char Q_TRY_EDIT[] = "UPDATE audit SET object = 'x' WHERE seq = 1";

static void test_sqlite(void)
{
    const char *dir = ks_test_tmpdir("store_sqlite");
    char url[1024];
    snprintf(url, sizeof url, "sqlite:%s/t.db", dir);
    ks_error e;
    ks_db_pool *pool = NULL;
    CHECK_MSG(ks_db_pool_open(url, 2, &pool, &e) == KS_OK, "%s", e.msg_en);
    if (!pool)
        return;
    ks_db_pool_free(pool);
    pool = NULL;
    CHECK_MSG(ks_db_pool_open(url, 2, &pool, &e) == KS_OK, "reopen: %s", e.msg_en);
    if (!pool)
        return;
    CHECK(ks_db_pool_kind(pool) == KS_DB_SQLITE);
    ks_db *db = ks_db_acquire(pool);
    ks_db_rows *rows = NULL;
    ks_db_arg a[2] = {KS_DB_S("Ủy ban"), KS_DB_S("G02")};
    CHECK(ks_db_run(db, Q_NEW_AGENCY, a, 2, &rows, NULL, &e) == KS_OK);
    int64_t id = ks_db_cell_int(rows, 0, 0);
    ks_db_rows_free(rows);
    CHECK(ks_db_run(db, Q_NEW_AGENCY, a, 2, NULL, NULL, &e) == KS_E_STATE); /* code is unique */
    ks_db_arg g = KS_DB_I(id);
    CHECK(ks_db_run(db, Q_GET, &g, 1, &rows, NULL, &e) == KS_OK);
    CHECK(rows && rows->nrows == 1 && ks_db_cell(rows, 0, 1) == NULL);
    CHECK(rows && strcmp(ks_db_cell(rows, 0, 2), "Ủy ban") == 0);
    CHECK(rows && ks_db_cell(rows, 0, 9) == NULL && ks_db_cell(rows, 5, 0) == NULL);
    ks_db_rows_free(rows);

    for (int i = 0; i < 5; i++) {
        ks_audit_rec rec = {1, "admin", "127.0.0.1", id, "unit.create", "unit/1", "", "{}"};
        CHECK(ks_db_tx_begin(db, &e) == KS_OK);
        CHECK(ks_audit_append(db, &rec, 1000 + i, &e) == KS_OK);
        CHECK(ks_db_tx_end(db, KS_OK, &e) == KS_OK);
    }
    /* a rolled-back change leaves no entry */
    ks_audit_rec rec = {1, "admin", "127.0.0.1", id, "unit.delete", "unit/1", "{}", ""};
    CHECK(ks_db_tx_begin(db, &e) == KS_OK);
    CHECK(ks_audit_append(db, &rec, 2000, &e) == KS_OK);
    ks_db_tx_end(db, KS_E_STATE, NULL);
    int64_t n = 0, broken = 0;
    CHECK(ks_audit_verify(db, &n, &broken, &e) == KS_OK);
    CHECK(n == 5 && broken == 0);
    CHECK(ks_db_run(db, Q_TRY_EDIT, NULL, 0, NULL, NULL, &e) != KS_OK); /* append-only */
    CHECK(ks_db_exec_script(db, Q_TAMPER_OFF, &e) == KS_OK);
    CHECK(ks_db_run(db, Q_TAMPER, NULL, 0, NULL, NULL, &e) == KS_OK);
    CHECK(ks_audit_verify(db, &n, &broken, &e) == KS_OK);
    CHECK_MSG(broken == 2 && n == 1, "broken %lld, intact %lld", (long long)broken, (long long)n);
    ks_db_release(pool, db);
    ks_db_pool_free(pool);
    CHECK(ks_db_pool_open("sqlite:/nonexistent/dir/t.db", 1, &pool, &e) == KS_E_IO);
    CHECK(ks_db_pool_open(url, 0, &pool, &e) == KS_E_USAGE);
}

int main(void)
{
    test_chain_vectors();
    test_sqlite();
    return ks_test_done();
}
