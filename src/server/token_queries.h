/* server/token_queries.h — the SQL of sign-in and signing with the person's own token (schema
 * 6), one text for SQLite and PostgreSQL. */
#ifndef KYSOD_TOKEN_QUERIES_H
#define KYSOD_TOKEN_QUERIES_H

/* ---- sign-in challenges: fresh, 5 minutes, used once ---- */
static const char Q_TCH_PURGE[] = "DELETE FROM token_challenges WHERE expires_at < ?1";
static const char Q_TCH_LIVE[] =
    "SELECT COUNT(*) FROM token_challenges WHERE expires_at >= ?1 AND used_at IS NULL";
static const char Q_TCH_NEW[] = "INSERT INTO token_challenges(id_hash, nonce, created_at,"
                                " expires_at) VALUES(?1, ?2, ?3, ?4)";
/* Taking a challenge marks it used in the same statement: two requests cannot both have it. */
static const char Q_TCH_TAKE[] = "UPDATE token_challenges SET used_at = ?2 WHERE id_hash = ?1"
                                 " AND used_at IS NULL RETURNING nonce, expires_at";

/* ---- the registered personal certificate a token's certificate is (serial and issuer) ---- */
static const char Q_TCERT_FIND[] =
    "SELECT c.id, c.user_id, c.status, c.owner_kind, c.issuer, u.login, u.agency_id, u.status"
    " FROM certificates c JOIN users u ON u.id = c.user_id WHERE UPPER(c.serial) = ?1";

/* ---- prepared signatures waiting for the token's value ---- */
static const char Q_TS_NEW[] =
    "INSERT INTO token_signings(sign_id, user_id, document_id, base_sha256, cert_sha256, hash,"
    " state, created_at, expires_at, prep_sha256) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9,"
    " ?10)";
static const char Q_TS_GET[] =
    "SELECT document_id, base_sha256, cert_sha256, hash, state, expires_at, finished_at,"
    " prep_sha256"
    " FROM token_signings WHERE sign_id = ?1 AND user_id = ?2";
static const char Q_TS_DONE[] = "UPDATE token_signings SET finished_at = ?3 WHERE sign_id = ?1"
                                " AND user_id = ?2 AND finished_at IS NULL";
static const char Q_TS_PURGE[] = "DELETE FROM token_signings WHERE expires_at < ?1";

/* ---- approved documents waiting for my signature (the batch list) ---- */
static const char Q_TS_WAITING[] =
    "SELECT d.id, d.agency_id, d.doc_type, d.summary, d.urgency, d.updated_at FROM documents d"
    " JOIN roles r ON r.agency_id = d.agency_id AND r.role = 'signer' AND r.user_id = ?1"
    " WHERE d.state = 'signing' AND d.classification = 'none' ORDER BY d.id LIMIT 100";

#endif
