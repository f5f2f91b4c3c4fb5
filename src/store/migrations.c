/* store/migrations.c — the numbered schema versions, applied in order at start inside one
 * transaction each; schema_version records the last one. One text serves both databases: @ID@,
 * @INT@ and @BLOB@ stand for the column types each spells differently. A released migration is
 * never edited: a change is a new number. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_internal.h"

typedef struct migration {
    int version;
    const char *common; /* both databases, after the type substitution */
    const char *sqlite; /* then this on SQLite */
    const char *pg;     /* or this on PostgreSQL */
} migration;

/* Migration 4: the database refuses changes to a closed year of a register. */
#define KS_CLOSED_SQLITE(t, reg, when, row)                                                        \
    "CREATE TRIGGER " t "_closed_" when " BEFORE " when " ON " t " WHEN EXISTS(SELECT 1 FROM"      \
    " reg_closed c WHERE c.agency_id = " row ".agency_id AND c.register = '" reg                   \
    "' AND c.year = " row                                                                          \
    ".year) BEGIN SELECT RAISE(ABORT, 'the register of this year is closed'); END;"
#define KS_CLOSED_SQLITE3(t, reg)                                                                  \
    KS_CLOSED_SQLITE(t, reg, "INSERT", "NEW")                                                      \
    KS_CLOSED_SQLITE(t, reg, "UPDATE", "OLD") KS_CLOSED_SQLITE(t, reg, "DELETE", "OLD")
#define KS_CLOSED_PG(t, reg)                                                                       \
    "CREATE TRIGGER " t "_closed BEFORE INSERT OR UPDATE OR DELETE ON " t                          \
    " FOR EACH ROW EXECUTE FUNCTION kyso_reg_closed('" reg "');"

static const migration MIGRATIONS[] = {
    {1,
     "CREATE TABLE agencies(id @ID@, parent_id @INT@ REFERENCES agencies(id),"
     " name TEXT NOT NULL, short_name TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL,"
     " code TEXT NOT NULL UNIQUE, address TEXT NOT NULL DEFAULT '',"
     " contacts TEXT NOT NULL DEFAULT '{}', version @INT@ NOT NULL DEFAULT 1,"
     " created_at @INT@ NOT NULL, updated_at @INT@ NOT NULL);"
     "CREATE INDEX agencies_parent ON agencies(parent_id);"
     "CREATE TABLE units(id @ID@, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " name TEXT NOT NULL, code TEXT NOT NULL DEFAULT '', version @INT@ NOT NULL DEFAULT 1);"
     "CREATE INDEX units_agency ON units(agency_id);"
     "CREATE TABLE users(id @ID@, login TEXT NOT NULL UNIQUE, full_name TEXT NOT NULL,"
     " title TEXT NOT NULL DEFAULT '', agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " unit_id @INT@ REFERENCES units(id), email TEXT NOT NULL DEFAULT '',"
     " phone TEXT NOT NULL DEFAULT '', status TEXT NOT NULL DEFAULT 'active',"
     " lang TEXT NOT NULL DEFAULT 'vi', pw_hash TEXT NOT NULL,"
     " version @INT@ NOT NULL DEFAULT 1, created_at @INT@ NOT NULL, updated_at @INT@ NOT NULL);"
     "CREATE INDEX users_agency ON users(agency_id, id);"
     "CREATE TABLE roles(id @ID@, user_id @INT@ NOT NULL REFERENCES users(id),"
     " agency_id @INT@ NOT NULL REFERENCES agencies(id), role TEXT NOT NULL,"
     " created_at @INT@ NOT NULL, UNIQUE(user_id, agency_id, role));"
     "CREATE INDEX roles_agency ON roles(agency_id);"
     "CREATE TABLE delegations(id @ID@, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " from_user_id @INT@ NOT NULL REFERENCES users(id),"
     " to_user_id @INT@ NOT NULL REFERENCES users(id), kind TEXT NOT NULL,"
     " valid_from @INT@ NOT NULL, valid_to @INT@ NOT NULL, scope TEXT NOT NULL DEFAULT '',"
     " note TEXT NOT NULL DEFAULT '', revoked_at @INT@, version @INT@ NOT NULL DEFAULT 1,"
     " created_at @INT@ NOT NULL);"
     "CREATE TABLE tokens(id @ID@, serial TEXT NOT NULL UNIQUE, label TEXT NOT NULL DEFAULT '',"
     " model TEXT NOT NULL DEFAULT '', holder_user_id @INT@ REFERENCES users(id),"
     " agency_id @INT@ NOT NULL REFERENCES agencies(id), status TEXT NOT NULL DEFAULT 'in_use',"
     " version @INT@ NOT NULL DEFAULT 1);"
     "CREATE TABLE certificates(id @ID@, owner_kind TEXT NOT NULL, user_id @INT@ REFERENCES"
     " users(id), agency_id @INT@ NOT NULL REFERENCES agencies(id), assigned_user_id @INT@"
     " REFERENCES users(id), serial TEXT NOT NULL UNIQUE, subject TEXT NOT NULL DEFAULT '',"
     " issuer TEXT NOT NULL DEFAULT '', not_before @INT@, not_after @INT@, token_id @INT@"
     " REFERENCES tokens(id), status TEXT NOT NULL DEFAULT 'active',"
     " version @INT@ NOT NULL DEFAULT 1);"
     "CREATE TABLE sessions(token_hash TEXT PRIMARY KEY, user_id @INT@ NOT NULL"
     " REFERENCES users(id), csrf TEXT NOT NULL, created_at @INT@ NOT NULL,"
     " last_seen @INT@ NOT NULL, ip TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX sessions_user ON sessions(user_id);"
     "CREATE TABLE throttle(key TEXT PRIMARY KEY, failures @INT@ NOT NULL,"
     " until_at @INT@ NOT NULL);"
     "CREATE TABLE audit(seq @INT@ PRIMARY KEY, at @INT@ NOT NULL, actor_id @INT@,"
     " actor TEXT NOT NULL, ip TEXT NOT NULL, agency_id @INT@, action TEXT NOT NULL,"
     " object TEXT NOT NULL, before_json TEXT NOT NULL, after_json TEXT NOT NULL,"
     " prev_hash TEXT NOT NULL, hash TEXT NOT NULL);"
     "CREATE INDEX audit_agency ON audit(agency_id, seq);"
     "CREATE TABLE audit_head(id @INT@ PRIMARY KEY, seq @INT@ NOT NULL, hash TEXT NOT NULL);"
     "INSERT INTO audit_head(id, seq, hash) VALUES(1, 0,"
     " '0000000000000000000000000000000000000000000000000000000000000000');",
     /* Nobody edits or deletes an entry, the administrator included (the chain would show it,
      * and the database refuses first). */
     "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
     " BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;"
     "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
     " BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
     "CREATE FUNCTION kyso_audit_ro() RETURNS trigger LANGUAGE plpgsql AS"
     " $$ BEGIN RAISE EXCEPTION 'audit trail is append-only'; END $$;"
     "CREATE TRIGGER audit_ro BEFORE UPDATE OR DELETE ON audit"
     " FOR EACH ROW EXECUTE FUNCTION kyso_audit_ro();"},
    /* The document workflow (issue 13): documents, their PDF versions (blobs by SHA-256 in the
     * blob directory), comments, the numbering series and the registers, deliveries. */
    {2,
     "CREATE TABLE documents(id @ID@, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " drafter_id @INT@ NOT NULL REFERENCES users(id), doc_type TEXT NOT NULL,"
     " summary TEXT NOT NULL, urgency TEXT NOT NULL DEFAULT 'normal',"
     " classification TEXT NOT NULL DEFAULT 'none', state TEXT NOT NULL,"
     " series TEXT NOT NULL DEFAULT '', number @INT@, symbol TEXT NOT NULL DEFAULT '',"
     " issued_at @INT@, signer_id @INT@ REFERENCES users(id), pages @INT@ NOT NULL DEFAULT 0,"
     " recipients TEXT NOT NULL DEFAULT '', format_report TEXT NOT NULL DEFAULT '',"
     " version @INT@ NOT NULL DEFAULT 1, created_at @INT@ NOT NULL, updated_at @INT@ NOT NULL);"
     "CREATE INDEX documents_agency ON documents(agency_id, state, id);"
     "CREATE TABLE doc_versions(id @ID@, document_id @INT@ NOT NULL REFERENCES documents(id),"
     " seq @INT@ NOT NULL, sha256 TEXT NOT NULL, size @INT@ NOT NULL, kind TEXT NOT NULL,"
     " author_id @INT@ REFERENCES users(id), created_at @INT@ NOT NULL,"
     " UNIQUE(document_id, seq));"
     "CREATE TABLE doc_comments(id @ID@, document_id @INT@ NOT NULL REFERENCES documents(id),"
     " author_id @INT@ NOT NULL REFERENCES users(id), step TEXT NOT NULL, body TEXT NOT NULL,"
     " created_at @INT@ NOT NULL);"
     "CREATE INDEX doc_comments_doc ON doc_comments(document_id, id);"
     /* one row per agency, register, series and year: its last number (locked to take the next) */
     "CREATE TABLE reg_series(id @ID@, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " register TEXT NOT NULL, series TEXT NOT NULL, year @INT@ NOT NULL,"
     " last_number @INT@ NOT NULL DEFAULT 0, UNIQUE(agency_id, register, series, year));"
     "CREATE TABLE reg_outgoing(id @ID@, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " document_id @INT@ NOT NULL UNIQUE REFERENCES documents(id), series TEXT NOT NULL,"
     " year @INT@ NOT NULL, number @INT@ NOT NULL, symbol TEXT NOT NULL, issued_date TEXT NOT"
     " NULL, doc_type TEXT NOT NULL, summary TEXT NOT NULL, signer TEXT NOT NULL,"
     " recipients TEXT NOT NULL, copies @INT@ NOT NULL DEFAULT 1, handler TEXT NOT NULL,"
     " note TEXT NOT NULL DEFAULT '', created_at @INT@ NOT NULL,"
     " UNIQUE(agency_id, series, year, number));"
     "CREATE TABLE deliveries(id @ID@, document_id @INT@ NOT NULL REFERENCES documents(id),"
     " from_agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " to_agency_id @INT@ NOT NULL REFERENCES agencies(id), state TEXT NOT NULL,"
     " verify_report TEXT NOT NULL DEFAULT '', verdict TEXT NOT NULL DEFAULT '',"
     " reason TEXT NOT NULL DEFAULT '', sent_at @INT@ NOT NULL, decided_at @INT@,"
     " version @INT@ NOT NULL DEFAULT 1, UNIQUE(document_id, to_agency_id));"
     "CREATE INDEX deliveries_to ON deliveries(to_agency_id, state, id);"
     "CREATE TABLE reg_incoming(id @ID@, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " delivery_id @INT@ NOT NULL UNIQUE REFERENCES deliveries(id), year @INT@ NOT NULL,"
     " number @INT@ NOT NULL, received_date TEXT NOT NULL, from_agency TEXT NOT NULL,"
     " doc_symbol TEXT NOT NULL, doc_date TEXT NOT NULL, doc_type TEXT NOT NULL,"
     " summary TEXT NOT NULL, assignee_id @INT@ REFERENCES users(id),"
     " deadline TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',"
     " created_at @INT@ NOT NULL, UNIQUE(agency_id, year, number));",
     "SELECT 1", "SELECT 1"},
    /* The outgoing workflow completed (wfcore, issue 13): the level of an agency's seal
     * signature ('' = B-T with the configured TSA, else B-B; 'B-LT' or 'B-LTA'), and the
     * signer of a document uploaded already signed, the attachments of a document, and the
     * background conversion jobs of DOCX/ODT uploads. */
    {3,
     "ALTER TABLE agencies ADD COLUMN seal_level TEXT NOT NULL DEFAULT '';"
     /* a PDF signed elsewhere and uploaded: who signed it, as its verification names them */
     "ALTER TABLE documents ADD COLUMN external_signer TEXT NOT NULL DEFAULT '';"
     /* attachments and appendices in files of their own (requirements §4.3), each sealed with
      * the attachment signature at issue (signed_sha256) */
     "CREATE TABLE doc_attachments(id @ID@, document_id @INT@ NOT NULL REFERENCES documents(id),"
     " kind TEXT NOT NULL, name TEXT NOT NULL, sha256 TEXT NOT NULL, size @INT@ NOT NULL,"
     " pages @INT@ NOT NULL, signed_sha256 TEXT NOT NULL DEFAULT '', author_id @INT@"
     " REFERENCES users(id), created_at @INT@ NOT NULL);"
     "CREATE INDEX doc_attachments_doc ON doc_attachments(document_id, id);"
     /* background jobs: a DOCX/ODT upload converted to PDF by LibreOffice (params: the
      * document's metadata as JSON; error and error_en when it failed) */
     "CREATE TABLE jobs(id @ID@, kind TEXT NOT NULL, state TEXT NOT NULL,"
     " progress @INT@ NOT NULL DEFAULT 0, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " user_id @INT@ NOT NULL REFERENCES users(id), input_sha256 TEXT NOT NULL,"
     " input_kind TEXT NOT NULL, params TEXT NOT NULL, error TEXT NOT NULL DEFAULT '',"
     " error_en TEXT NOT NULL DEFAULT '', document_id @INT@ REFERENCES documents(id),"
     " created_at @INT@ NOT NULL, started_at @INT@, updated_at @INT@ NOT NULL);"
     "CREATE INDEX jobs_state ON jobs(state, id)",
     "SELECT 1", "SELECT 1"},
    /* Copies, the follow-up register and closed registers (issue 13, branch copies): the copy
     * register (SAO Y, SAO LỤC, TRÍCH SAO; its own series per agency and year), the progress of
     * each registered incoming document with its history, and a register's year once closed
     * (khóa sổ), after which the database refuses any change to that year's entries. */
    {4,
     "CREATE TABLE reg_copies(id @ID@, agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " document_id @INT@ NOT NULL REFERENCES documents(id), source_copy_id @INT@"
     " REFERENCES reg_copies(id), form TEXT NOT NULL, year @INT@ NOT NULL, number @INT@ NOT NULL,"
     " symbol TEXT NOT NULL, copied_date TEXT NOT NULL, pages TEXT NOT NULL DEFAULT '',"
     " doc_symbol TEXT NOT NULL, doc_date TEXT NOT NULL, doc_type TEXT NOT NULL,"
     " summary TEXT NOT NULL, issuer TEXT NOT NULL, source_sha256 TEXT NOT NULL,"
     " sha256 TEXT NOT NULL, size @INT@ NOT NULL, clerk_id @INT@ NOT NULL REFERENCES users(id),"
     " recipients TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',"
     " created_at @INT@ NOT NULL, UNIQUE(agency_id, year, number));"
     "CREATE INDEX reg_copies_doc ON reg_copies(document_id);"
     "ALTER TABLE reg_incoming ADD COLUMN progress TEXT NOT NULL DEFAULT 'pending';"
     "ALTER TABLE reg_incoming ADD COLUMN progress_note TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE reg_incoming ADD COLUMN reply_symbol TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE reg_incoming ADD COLUMN done_date TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE followup_updates(id @ID@, delivery_id @INT@ NOT NULL REFERENCES"
     " deliveries(id), author_id @INT@ NOT NULL REFERENCES users(id), progress TEXT NOT NULL,"
     " note TEXT NOT NULL, reply_symbol TEXT NOT NULL, created_at @INT@ NOT NULL);"
     "CREATE INDEX followup_updates_dlv ON followup_updates(delivery_id, id);"
     "CREATE TABLE reg_closed(agency_id @INT@ NOT NULL REFERENCES agencies(id),"
     " register TEXT NOT NULL, year @INT@ NOT NULL, closed_by @INT@ NOT NULL REFERENCES"
     " users(id), closed_at @INT@ NOT NULL, PRIMARY KEY(agency_id, register, year));",
     KS_CLOSED_SQLITE3("reg_outgoing", "outgoing") KS_CLOSED_SQLITE3("reg_incoming", "incoming")
         KS_CLOSED_SQLITE3("reg_copies", "copy"),
     "CREATE FUNCTION kyso_reg_closed() RETURNS trigger LANGUAGE plpgsql AS $$"
     " DECLARE a BIGINT; y BIGINT; BEGIN"
     " IF TG_OP = 'INSERT' THEN a := NEW.agency_id; y := NEW.year;"
     " ELSE a := OLD.agency_id; y := OLD.year; END IF;"
     " IF EXISTS(SELECT 1 FROM reg_closed c WHERE c.agency_id = a AND c.register = TG_ARGV[0]"
     " AND c.year = y) THEN RAISE EXCEPTION 'the register of this year is closed'; END IF;"
     " IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END $$;" KS_CLOSED_PG(
         "reg_outgoing", "outgoing") KS_CLOSED_PG("reg_incoming", "incoming")
         KS_CLOSED_PG("reg_copies", "copy")},
    /* Between servers (issue 13, branch fed): the edXML transport queue, each remote
     * recipient's status at the sender, packages received from peers, recall marks on the
     * same-server tables, and the notification events the SSE streams read. */
    {5,
     "CREATE TABLE fed_outbox(id @ID@, peer TEXT NOT NULL, path TEXT NOT NULL,"
     " msg_key TEXT NOT NULL UNIQUE, body_sha TEXT NOT NULL, state TEXT NOT NULL,"
     " attempts @INT@ NOT NULL DEFAULT 0, next_at @INT@ NOT NULL,"
     " last_error TEXT NOT NULL DEFAULT '', created_at @INT@ NOT NULL, sent_at @INT@);"
     "CREATE INDEX fed_outbox_due ON fed_outbox(state, next_at);"
     "CREATE TABLE fed_sent(id @ID@, document_id @INT@ NOT NULL REFERENCES documents(id),"
     " agency_id @INT@ NOT NULL REFERENCES agencies(id), to_code TEXT NOT NULL,"
     " peer TEXT NOT NULL, edxml_document TEXT NOT NULL, state TEXT NOT NULL,"
     " reason TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',"
     " sent_at @INT@ NOT NULL, updated_at @INT@ NOT NULL, UNIQUE(document_id, to_code));"
     "CREATE INDEX fed_sent_pkg ON fed_sent(edxml_document, to_code);"
     "CREATE TABLE fed_inbox(id @ID@, edxml_document TEXT NOT NULL,"
     " to_agency_id @INT@ NOT NULL REFERENCES agencies(id), from_code TEXT NOT NULL,"
     " from_name TEXT NOT NULL, peer TEXT NOT NULL, symbol TEXT NOT NULL,"
     " doc_date TEXT NOT NULL, doc_type TEXT NOT NULL, summary TEXT NOT NULL,"
     " signer TEXT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL DEFAULT '',"
     " size @INT@ NOT NULL DEFAULT 0, verify_report TEXT NOT NULL DEFAULT '',"
     " verdict TEXT NOT NULL DEFAULT '', state TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '',"
     " year @INT@, number @INT@, assignee_id @INT@ REFERENCES users(id),"
     " deadline TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '',"
     " received_date TEXT NOT NULL DEFAULT '', received_at @INT@ NOT NULL, decided_at @INT@, "
     "recalled_at @INT@,"
     " recall_reason TEXT NOT NULL DEFAULT '', version @INT@ NOT NULL DEFAULT 1,"
     " UNIQUE(edxml_document, to_agency_id), UNIQUE(to_agency_id, year, number));"
     "CREATE INDEX fed_inbox_to ON fed_inbox(to_agency_id, state, id);"
     "ALTER TABLE documents ADD COLUMN recalled_at @INT@;"
     "ALTER TABLE documents ADD COLUMN recall_reason TEXT NOT NULL DEFAULT '';"
     "ALTER TABLE deliveries ADD COLUMN recalled_at @INT@;"
     "ALTER TABLE deliveries ADD COLUMN recall_reason TEXT NOT NULL DEFAULT '';"
     "CREATE TABLE events(id @ID@, agency_id @INT@ NOT NULL, role TEXT NOT NULL DEFAULT '',"
     " user_id @INT@, kind TEXT NOT NULL, ref TEXT NOT NULL, data TEXT NOT NULL DEFAULT '{}',"
     " created_at @INT@ NOT NULL);"
     "CREATE INDEX events_at ON events(created_at);",
     "SELECT 1", "SELECT 1"},
    /* Sign-in and signing with the person's own token (issue 14): the sign-in challenges (used
     * once, 5 minutes) and the prepared signatures waiting for the token's value, bound to the
     * user, the document version and an expiry. */
    {6,
     "CREATE TABLE token_challenges(id_hash TEXT PRIMARY KEY, nonce TEXT NOT NULL,"
     " created_at @INT@ NOT NULL, expires_at @INT@ NOT NULL, used_at @INT@);"
     "CREATE INDEX token_challenges_expiry ON token_challenges(expires_at);"
     "CREATE TABLE token_signings(sign_id TEXT PRIMARY KEY,"
     " user_id @INT@ NOT NULL REFERENCES users(id),"
     " document_id @INT@ NOT NULL REFERENCES documents(id), base_sha256 TEXT NOT NULL,"
     " prep_sha256 TEXT NOT NULL,"
     " cert_sha256 TEXT NOT NULL, hash TEXT NOT NULL, state TEXT NOT NULL,"
     " created_at @INT@ NOT NULL, expires_at @INT@ NOT NULL, finished_at @INT@);"
     "CREATE INDEX token_signings_user ON token_signings(user_id, document_id);",
     "SELECT 1", "SELECT 1"},
};

static char *substitute(const char *in, ks_db_kind kind)
{
    static const char *const keys[] = {"@ID@", "@INT@", "@BLOB@"};
    const char *vals[2][3] = {{"INTEGER PRIMARY KEY", "INTEGER", "BLOB"},
                              {"BIGSERIAL PRIMARY KEY", "BIGINT", "BYTEA"}};
    size_t n = strlen(in);
    char *out = malloc(n * 3 + 1);
    if (!out)
        return NULL;
    size_t j = 0;
    for (size_t i = 0; i < n;) {
        int hit = -1;
        for (int k = 0; k < 3; k++)
            if (strncmp(in + i, keys[k], strlen(keys[k])) == 0)
                hit = k;
        if (hit < 0) {
            out[j++] = in[i++];
            continue;
        }
        const char *v = vals[kind == KS_DB_PG][hit];
        memcpy(out + j, v, strlen(v));
        j += strlen(v);
        i += strlen(keys[hit]);
    }
    out[j] = 0;
    return out;
}

static const char Q_VERSION[] = "SELECT version FROM schema_version";
static const char Q_SET_VERSION[] = "UPDATE schema_version SET version = ?";

ks_status ks_db_migrate(ks_db *db, ks_error *err)
{
    ks_db_rows *rows = NULL;
    ks_status st = ks_db_tx_begin(db, err);
    if (st != KS_OK)
        return st;
    st = ks_db_exec_script(
        db,
        db->kind == KS_DB_PG ? "CREATE TABLE IF NOT EXISTS schema_version(version BIGINT NOT NULL);"
                               "LOCK TABLE schema_version IN EXCLUSIVE MODE;"
                             : "CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT "
                               "NULL);",
        err);
    if (st == KS_OK)
        st = ks_db_run(db, Q_VERSION, NULL, 0, &rows, NULL, err);
    if (st == KS_OK && rows->nrows == 0)
        st = ks_db_exec_script(db, "INSERT INTO schema_version(version) VALUES(0)", err);
    int64_t have = rows && rows->nrows ? ks_db_cell_int(rows, 0, 0) : 0;
    int64_t newest = MIGRATIONS[sizeof MIGRATIONS / sizeof *MIGRATIONS - 1].version;
    if (st == KS_OK && have > newest)
        st = ks_error_set(err, KS_E_STATE,
                          N_("the database has schema version %lld, newer than this kysod "
                             "knows (%lld)"),
                          (long long)have, (long long)newest);
    for (size_t i = 0; st == KS_OK && i < sizeof MIGRATIONS / sizeof *MIGRATIONS; i++) {
        const migration *m = &MIGRATIONS[i];
        if (m->version <= have)
            continue;
        char *sql = substitute(m->common, db->kind);
        if (!sql) {
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
            break;
        }
        st = ks_db_exec_script(db, sql, err);
        free(sql);
        if (st == KS_OK)
            st = ks_db_exec_script(db, db->kind == KS_DB_PG ? m->pg : m->sqlite, err);
        ks_db_arg a = KS_DB_I(m->version);
        if (st == KS_OK)
            st = ks_db_run(db, Q_SET_VERSION, &a, 1, NULL, NULL, err);
        if (st != KS_OK)
            ks_error_prefix(err, N_("schema migration %d: "), m->version);
    }
    ks_db_rows_free(rows);
    return ks_db_tx_end(db, st, err);
}
