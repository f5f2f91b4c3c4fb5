/* store/queries.h — every SQL statement kysod runs, in one place (conventions: SQL lives only in
 * store/). Each is a constant whose address keys the per-connection prepared-statement cache.
 * One text serves SQLite and PostgreSQL: `?N` placeholders (the PostgreSQL driver makes them
 * $N), CAST(?N AS type) where an optional filter needs its parameter's type. Times are seconds
 * since 1970 (UTC) in integer columns. */
#ifndef KYSO_STORE_QUERIES_H
#define KYSO_STORE_QUERIES_H

/* ---- sessions and sign-in ---- */
static const char Q_LOGIN_FIND[] =
    "SELECT id, pw_hash, status, agency_id, lang FROM users WHERE login = ?1";
static const char Q_SESSION_NEW[] = "INSERT INTO sessions(token_hash, user_id, csrf, created_at,"
                                    " last_seen, ip) VALUES(?1, ?2, ?3, ?4, ?4, ?5)";
static const char Q_SESSION_GET[] =
    "SELECT s.user_id, s.csrf, s.created_at, s.last_seen, u.login, u.agency_id, u.status,"
    " u.lang FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1";
static const char Q_SESSION_TOUCH[] = "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1";
static const char Q_SESSION_END[] = "DELETE FROM sessions WHERE token_hash = ?1";
static const char Q_SESSION_END_USER[] = "DELETE FROM sessions WHERE user_id = ?1";
static const char Q_SESSION_END_OTHERS[] =
    "DELETE FROM sessions WHERE user_id = ?1 AND token_hash <> ?2";
static const char Q_SESSION_EXPIRE[] =
    "DELETE FROM sessions WHERE last_seen < ?1 OR created_at < ?2";
static const char Q_USER_ROLES[] =
    "SELECT r.id, r.user_id, r.agency_id, r.role, r.created_at, a.parent_id, a.name AS agency_name"
    " FROM roles r JOIN agencies a ON a.id = r.agency_id WHERE r.user_id = ?1 ORDER BY r.id";
static const char Q_THROTTLE_GET[] = "SELECT failures, until_at FROM throttle WHERE key = ?1";
static const char Q_THROTTLE_SET[] =
    "INSERT INTO throttle(key, failures, until_at) VALUES(?1, ?2, ?3)"
    " ON CONFLICT(key) DO UPDATE SET failures = ?2, until_at = ?3";
static const char Q_THROTTLE_CLEAR[] = "DELETE FROM throttle WHERE key = ?1";

/* ---- agencies ---- */
#define KS_AGENCY_COLS                                                                             \
    "id, parent_id, name, short_name, kind, code, address, contacts, version, created_at,"         \
    " updated_at"
static const char Q_AGENCY_GET[] = "SELECT " KS_AGENCY_COLS " FROM agencies WHERE id = ?1";
static const char Q_AGENCY_LIST[] =
    "SELECT " KS_AGENCY_COLS " FROM agencies WHERE (CAST(?1 AS BIGINT) IS NULL OR parent_id = ?1)"
    " AND (CAST(?2 AS TEXT) IS NULL OR lower(name) LIKE ?2 OR lower(code) LIKE ?2)"
    " ORDER BY id LIMIT ?3 OFFSET ?4";
static const char Q_AGENCY_COUNT[] =
    "SELECT COUNT(*) FROM agencies WHERE (CAST(?1 AS BIGINT) IS NULL OR parent_id = ?1)"
    " AND (CAST(?2 AS TEXT) IS NULL OR lower(name) LIKE ?2 OR lower(code) LIKE ?2)";
static const char Q_AGENCY_ROOT[] = "SELECT id FROM agencies WHERE parent_id IS NULL ORDER BY id"
                                    " LIMIT 1";
static const char Q_AGENCY_NEW[] =
    "INSERT INTO agencies(parent_id, name, short_name, kind, code, address, contacts,"
    " created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) RETURNING id";
static const char Q_AGENCY_UPDATE[] =
    "UPDATE agencies SET parent_id = ?2, name = ?3, short_name = ?4, kind = ?5, code = ?6,"
    " address = ?7, contacts = ?8, version = version + 1, updated_at = ?9 WHERE id = ?1";
static const char Q_AGENCY_DELETE[] = "DELETE FROM agencies WHERE id = ?1";
static const char Q_AGENCY_IN_USE[] = "SELECT (SELECT COUNT(*) FROM agencies WHERE parent_id = ?1)"
                                      " + (SELECT COUNT(*) FROM units WHERE agency_id = ?1)"
                                      " + (SELECT COUNT(*) FROM users WHERE agency_id = ?1)"
                                      " + (SELECT COUNT(*) FROM roles WHERE agency_id = ?1)"
                                      " + (SELECT COUNT(*) FROM certificates WHERE agency_id = ?1)"
                                      " + (SELECT COUNT(*) FROM tokens WHERE agency_id = ?1)"
                                      " + (SELECT COUNT(*) FROM delegations WHERE agency_id = ?1)";
/* Is ?2 ?1 itself or one of its ancestors? (a parent must not become its own descendant) */
static const char Q_AGENCY_IS_ANCESTOR[] =
    "WITH RECURSIVE up(id, parent_id, depth) AS (SELECT id, parent_id, 0 FROM agencies"
    " WHERE id = ?2 UNION ALL SELECT a.id, a.parent_id, up.depth + 1 FROM agencies a"
    " JOIN up ON a.id = up.parent_id WHERE up.depth < 64)"
    " SELECT COUNT(*) FROM up WHERE id = ?1";

/* ---- units ---- */
#define KS_UNIT_COLS "id, agency_id, name, code, version"
static const char Q_UNIT_GET[] = "SELECT " KS_UNIT_COLS " FROM units WHERE id = ?1";
static const char Q_UNIT_LIST[] =
    "SELECT " KS_UNIT_COLS " FROM units WHERE agency_id = ?1 ORDER BY id LIMIT ?2 OFFSET ?3";
static const char Q_UNIT_COUNT[] = "SELECT COUNT(*) FROM units WHERE agency_id = ?1";
static const char Q_UNIT_NEW[] =
    "INSERT INTO units(agency_id, name, code) VALUES(?1, ?2, ?3) RETURNING id";
static const char Q_UNIT_UPDATE[] =
    "UPDATE units SET name = ?2, code = ?3, version = version + 1 WHERE id = ?1";
static const char Q_UNIT_DELETE[] = "DELETE FROM units WHERE id = ?1";
static const char Q_UNIT_IN_USE[] = "SELECT COUNT(*) FROM users WHERE unit_id = ?1";
static const char Q_UNIT_BY_NAME[] = "SELECT id FROM units WHERE agency_id = ?1 AND name = ?2";

/* ---- users ---- */
#define KS_USER_COLS                                                                               \
    "id, login, full_name, title, agency_id, unit_id, email, phone, status, lang, version,"        \
    " created_at, updated_at"
static const char Q_USER_GET[] = "SELECT " KS_USER_COLS " FROM users WHERE id = ?1";
#define KS_USER_FILTER                                                                             \
    " WHERE (CAST(?1 AS BIGINT) IS NULL OR agency_id = ?1)"                                        \
    " AND (CAST(?2 AS BIGINT) IS NULL OR unit_id = ?2)"                                            \
    " AND (CAST(?3 AS TEXT) IS NULL OR status = ?3)"                                               \
    " AND (CAST(?4 AS TEXT) IS NULL OR lower(full_name) LIKE ?4 OR lower(login) LIKE ?4"           \
    " OR lower(email) LIKE ?4)"
static const char Q_USER_LIST[] =
    "SELECT " KS_USER_COLS " FROM users" KS_USER_FILTER " ORDER BY id LIMIT ?5 OFFSET ?6";
static const char Q_USER_COUNT[] = "SELECT COUNT(*) FROM users" KS_USER_FILTER;
static const char Q_USER_NEW[] =
    "INSERT INTO users(login, full_name, title, agency_id, unit_id, email, phone, status, lang,"
    " pw_hash, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)"
    " RETURNING id";
static const char Q_USER_UPDATE[] =
    "UPDATE users SET full_name = ?2, title = ?3, agency_id = ?4, unit_id = ?5, email = ?6,"
    " phone = ?7, status = ?8, lang = ?9, version = version + 1, updated_at = ?10 WHERE id = ?1";
static const char Q_USER_SET_PW[] =
    "UPDATE users SET pw_hash = ?2, version = version + 1, updated_at = ?3 WHERE id = ?1";
static const char Q_USER_PW[] = "SELECT pw_hash FROM users WHERE id = ?1";

/* ---- role assignments ---- */
#define KS_ROLE_SELECT                                                                             \
    "SELECT r.id, r.user_id, r.agency_id, r.role, r.created_at, u.full_name AS user_name,"         \
    " a.name AS agency_name FROM roles r JOIN users u ON u.id = r.user_id"                         \
    " JOIN agencies a ON a.id = r.agency_id"
#define KS_ROLE_FILTER                                                                             \
    " WHERE (CAST(?1 AS BIGINT) IS NULL OR r.agency_id = ?1)"                                      \
    " AND (CAST(?2 AS BIGINT) IS NULL OR r.user_id = ?2)"                                          \
    " AND (CAST(?3 AS TEXT) IS NULL OR r.role = ?3)"
static const char Q_ROLE_GET[] = KS_ROLE_SELECT " WHERE r.id = ?1";
static const char Q_ROLE_LIST[] = KS_ROLE_SELECT KS_ROLE_FILTER " ORDER BY r.id LIMIT ?4 OFFSET ?5";
static const char Q_ROLE_COUNT[] = "SELECT COUNT(*) FROM roles r" KS_ROLE_FILTER;
static const char Q_ROLE_NEW[] =
    "INSERT INTO roles(user_id, agency_id, role, created_at) VALUES(?1, ?2, ?3, ?4) RETURNING id";
static const char Q_ROLE_DELETE[] = "DELETE FROM roles WHERE id = ?1";

/* ---- delegations ---- */
#define KS_DELEG_COLS                                                                              \
    "id, agency_id, from_user_id, to_user_id, kind, valid_from, valid_to, scope, note,"            \
    " revoked_at, version, created_at"
#define KS_DELEG_FILTER                                                                            \
    " WHERE (CAST(?1 AS BIGINT) IS NULL OR agency_id = ?1)"                                        \
    " AND (CAST(?2 AS BIGINT) IS NULL OR from_user_id = ?2 OR to_user_id = ?2)"                    \
    " AND (CAST(?3 AS BIGINT) IS NULL OR (valid_from <= ?3 AND valid_to > ?3"                      \
    " AND revoked_at IS NULL))"
static const char Q_DELEG_GET[] = "SELECT " KS_DELEG_COLS " FROM delegations WHERE id = ?1";
static const char Q_DELEG_LIST[] = "SELECT " KS_DELEG_COLS " FROM delegations" KS_DELEG_FILTER
                                   " ORDER BY id DESC LIMIT ?4 OFFSET ?5";
static const char Q_DELEG_COUNT[] = "SELECT COUNT(*) FROM delegations" KS_DELEG_FILTER;
static const char Q_DELEG_NEW[] =
    "INSERT INTO delegations(agency_id, from_user_id, to_user_id, kind, valid_from, valid_to,"
    " scope, note, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id";
static const char Q_DELEG_REVOKE[] =
    "UPDATE delegations SET revoked_at = ?2, version = version + 1 WHERE id = ?1"
    " AND revoked_at IS NULL";

/* ---- certificates and tokens ---- */
#define KS_CERT_COLS                                                                               \
    "id, owner_kind, user_id, agency_id, assigned_user_id, serial, subject, issuer, not_before,"   \
    " not_after, token_id, status, version"
#define KS_CERT_FILTER                                                                             \
    " WHERE (CAST(?1 AS BIGINT) IS NULL OR agency_id = ?1)"                                        \
    " AND (CAST(?2 AS BIGINT) IS NULL OR user_id = ?2 OR assigned_user_id = ?2)"                   \
    " AND (CAST(?3 AS TEXT) IS NULL OR owner_kind = ?3)"
static const char Q_CERT_GET[] = "SELECT " KS_CERT_COLS " FROM certificates WHERE id = ?1";
static const char Q_CERT_LIST[] =
    "SELECT " KS_CERT_COLS " FROM certificates" KS_CERT_FILTER " ORDER BY id LIMIT ?4 OFFSET ?5";
static const char Q_CERT_COUNT[] = "SELECT COUNT(*) FROM certificates" KS_CERT_FILTER;
static const char Q_CERT_NEW[] =
    "INSERT INTO certificates(owner_kind, user_id, agency_id, assigned_user_id, serial, subject,"
    " issuer, not_before, not_after, token_id, status) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8,"
    " ?9, ?10, ?11) RETURNING id";
static const char Q_CERT_UPDATE[] =
    "UPDATE certificates SET assigned_user_id = ?2, token_id = ?3, status = ?4,"
    " version = version + 1 WHERE id = ?1";
#define KS_TOKEN_COLS "id, serial, label, model, holder_user_id, agency_id, status, version"
#define KS_TOKEN_FILTER                                                                            \
    " WHERE (CAST(?1 AS BIGINT) IS NULL OR agency_id = ?1)"                                        \
    " AND (CAST(?2 AS BIGINT) IS NULL OR holder_user_id = ?2)"
static const char Q_TOKEN_GET[] = "SELECT " KS_TOKEN_COLS " FROM tokens WHERE id = ?1";
static const char Q_TOKEN_LIST[] =
    "SELECT " KS_TOKEN_COLS " FROM tokens" KS_TOKEN_FILTER " ORDER BY id LIMIT ?3 OFFSET ?4";
static const char Q_TOKEN_COUNT[] = "SELECT COUNT(*) FROM tokens" KS_TOKEN_FILTER;
static const char Q_TOKEN_NEW[] =
    "INSERT INTO tokens(serial, label, model, holder_user_id, agency_id, status)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6) RETURNING id";
static const char Q_TOKEN_UPDATE[] =
    "UPDATE tokens SET label = ?2, holder_user_id = ?3, status = ?4, version = version + 1"
    " WHERE id = ?1";

/* ---- audit ---- */
#define KS_AUDIT_COLS                                                                              \
    "seq, at, actor_id, actor, ip, agency_id, action, object, before_json, after_json,"            \
    " prev_hash, hash"
#define KS_AUDIT_FILTER                                                                            \
    " WHERE (CAST(?1 AS BIGINT) IS NULL OR agency_id = ?1)"                                        \
    " AND (CAST(?2 AS BIGINT) IS NULL OR actor_id = ?2)"                                           \
    " AND (CAST(?3 AS TEXT) IS NULL OR action = ?3)"                                               \
    " AND (CAST(?4 AS BIGINT) IS NULL OR at >= ?4) AND (CAST(?5 AS BIGINT) IS NULL OR at < ?5)"
static const char Q_AUDIT_LIST[] =
    "SELECT " KS_AUDIT_COLS " FROM audit" KS_AUDIT_FILTER " ORDER BY seq DESC LIMIT ?6 OFFSET ?7";
static const char Q_AUDIT_COUNT[] = "SELECT COUNT(*) FROM audit" KS_AUDIT_FILTER;
static const char Q_AUDIT_EXPORT[] =
    "SELECT " KS_AUDIT_COLS " FROM audit" KS_AUDIT_FILTER " AND seq > ?6 ORDER BY seq LIMIT 1000";
static const char Q_PING[] = "SELECT 1";

#endif
