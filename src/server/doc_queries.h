/* server/doc_queries.h — the document workflow's SQL (schema 2), one text for SQLite and
 * PostgreSQL. Kept apart from store/queries.h so the workflow stays in its own files. */
#ifndef KYSOD_DOC_QUERIES_H
#define KYSOD_DOC_QUERIES_H

#define KS_DOC_COLS                                                                                \
    "d.id, d.agency_id, d.drafter_id, d.doc_type, d.summary, d.urgency, d.classification,"         \
    " d.state, d.series, d.number, d.symbol, d.issued_at, d.signer_id, d.pages, d.recipients,"     \
    " d.format_report, d.version, d.created_at, d.updated_at,"                                     \
    " (SELECT sha256 FROM doc_versions v WHERE v.document_id = d.id ORDER BY seq DESC LIMIT 1)"    \
    " AS sha256"
static const char Q_DOC_GET[] = "SELECT " KS_DOC_COLS " FROM documents d WHERE d.id = ?1";
#define KS_DOC_FILTER " WHERE d.agency_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR d.state = ?2)"
static const char Q_DOC_LIST[] = "SELECT " KS_DOC_COLS " FROM documents d" KS_DOC_FILTER
                                 " ORDER BY d.id DESC LIMIT ?3 OFFSET ?4";
static const char Q_DOC_COUNT[] = "SELECT COUNT(*) FROM documents d" KS_DOC_FILTER;
static const char Q_DOC_NEW[] =
    "INSERT INTO documents(agency_id, drafter_id, doc_type, summary, urgency, classification,"
    " state, series, pages, created_at, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, 'draft', ?7,"
    " ?8, ?9, ?9) RETURNING id";
/* A state change only from the state the handler saw (two clerks cannot both move it). */
static const char Q_DOC_MOVE[] =
    "UPDATE documents SET state = ?3, version = version + 1, updated_at = ?4 WHERE id = ?1"
    " AND state = ?2";
static const char Q_DOC_SET_REPORT[] = "UPDATE documents SET format_report = ?2 WHERE id = ?1";
static const char Q_DOC_SET_SIGNER[] = "UPDATE documents SET signer_id = ?2 WHERE id = ?1";
static const char Q_DOC_SET_ISSUED[] =
    "UPDATE documents SET number = ?2, symbol = ?3, issued_at = ?4, series = ?5 WHERE id = ?1";
static const char Q_DOC_SET_RECIPIENTS[] = "UPDATE documents SET recipients = ?2 WHERE id = ?1";
static const char Q_VERSION_NEW[] =
    "INSERT INTO doc_versions(document_id, seq, sha256, size, kind, author_id, created_at)"
    " VALUES(?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM doc_versions WHERE document_id = ?1),"
    " ?2, ?3, ?4, ?5, ?6)";
static const char Q_VERSION_LIST[] =
    "SELECT seq, sha256, size, kind, author_id, created_at FROM doc_versions"
    " WHERE document_id = ?1 ORDER BY seq";
static const char Q_COMMENT_NEW[] = "INSERT INTO doc_comments(document_id, author_id, step, body,"
                                    " created_at) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char Q_COMMENT_LIST[] =
    "SELECT c.id, c.author_id, u.full_name AS author, c.step, c.body, c.created_at"
    " FROM doc_comments c JOIN users u ON u.id = c.author_id WHERE c.document_id = ?1"
    " ORDER BY c.id";

/* ---- signing keys: the person's own certificate, the agency's seal assigned to the clerk */
static const char Q_PERSON_TOKEN[] =
    "SELECT t.label FROM certificates c JOIN tokens t ON t.id = c.token_id"
    " WHERE c.owner_kind = 'person' AND c.user_id = ?1 AND c.status = 'active'"
    " AND t.status = 'in_use' ORDER BY c.id DESC LIMIT 1";
static const char Q_SEAL_TOKEN[] =
    "SELECT t.label FROM certificates c JOIN tokens t ON t.id = c.token_id"
    " WHERE c.owner_kind = 'agency' AND c.agency_id = ?1 AND c.assigned_user_id = ?2"
    " AND c.status = 'active' AND t.status = 'in_use' ORDER BY c.id DESC LIMIT 1";
static const char Q_USER_NAME[] = "SELECT full_name, title FROM users WHERE id = ?1";
static const char Q_AGENCY_NAMES[] = "SELECT name, short_name, code FROM agencies WHERE id = ?1";
static const char Q_AGENCY_BY_CODE[] = "SELECT id, name FROM agencies WHERE code = ?1";

/* ---- numbering: the series row, created on first use, then advanced under its row lock ---- */
static const char Q_SERIES_ENSURE[] =
    "INSERT INTO reg_series(agency_id, register, series, year) VALUES(?1, ?2, ?3, ?4)"
    " ON CONFLICT(agency_id, register, series, year) DO NOTHING";
static const char Q_SERIES_LOCK_PG[] =
    "SELECT last_number FROM reg_series WHERE agency_id = ?1 AND register = ?2 AND series = ?3"
    " AND year = ?4 FOR UPDATE";
static const char Q_SERIES_NEXT[] =
    "UPDATE reg_series SET last_number = last_number + 1 WHERE agency_id = ?1 AND register = ?2"
    " AND series = ?3 AND year = ?4 RETURNING last_number";

/* ---- registers ---- */
static const char Q_OUT_NEW[] =
    "INSERT INTO reg_outgoing(agency_id, document_id, series, year, number, symbol, issued_date,"
    " doc_type, summary, signer, recipients, copies, handler, created_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 1, ?12, ?13)";
static const char Q_OUT_SET_RECIPIENTS[] =
    "UPDATE reg_outgoing SET recipients = ?2, copies = ?3 WHERE document_id = ?1";
#define KS_OUT_FILTER                                                                              \
    " WHERE agency_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR year = ?2)"                          \
    " AND (CAST(?3 AS TEXT) IS NULL OR series = ?3)"
#define KS_OUT_COLS                                                                                \
    "id, document_id, series, year, number, symbol, issued_date, doc_type, summary, signer,"       \
    " recipients, copies, handler, note"
static const char Q_OUT_LIST[] = "SELECT " KS_OUT_COLS " FROM reg_outgoing" KS_OUT_FILTER
                                 " ORDER BY year, series, number LIMIT ?4 OFFSET ?5";
static const char Q_OUT_COUNT[] = "SELECT COUNT(*) FROM reg_outgoing" KS_OUT_FILTER;

#define KS_IN_FILTER " WHERE agency_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR year = ?2)"
#define KS_IN_COLS                                                                                 \
    "id, delivery_id, year, number, received_date, from_agency, doc_symbol, doc_date, doc_type,"   \
    " summary, assignee_id, deadline, note"
static const char Q_IN_LIST[] = "SELECT " KS_IN_COLS " FROM reg_incoming" KS_IN_FILTER
                                " ORDER BY year, number LIMIT ?3 OFFSET ?4";
static const char Q_IN_COUNT[] = "SELECT COUNT(*) FROM reg_incoming" KS_IN_FILTER;
static const char Q_IN_NEW[] =
    "INSERT INTO reg_incoming(agency_id, delivery_id, year, number, received_date, from_agency,"
    " doc_symbol, doc_date, doc_type, summary, assignee_id, deadline, note, created_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

/* ---- deliveries ---- */
#define KS_DLV_COLS                                                                                \
    "l.id, l.document_id, l.from_agency_id, l.to_agency_id, l.state, l.verdict, l.reason,"         \
    " l.sent_at, l.decided_at, l.version, d.doc_type, d.summary, d.symbol, d.number,"              \
    " d.issued_at, l.recalled_at, l.recall_reason, l.verify_report"
static const char Q_DLV_GET[] = "SELECT " KS_DLV_COLS " FROM deliveries l JOIN documents d ON"
                                " d.id = l.document_id WHERE l.id = ?1";
#define KS_DLV_FILTER                                                                              \
    " WHERE (l.to_agency_id = ?1 OR l.from_agency_id = ?1)"                                        \
    " AND (CAST(?2 AS TEXT) IS NULL OR l.state = ?2)"
static const char Q_DLV_LIST[] =
    "SELECT " KS_DLV_COLS " FROM deliveries l JOIN documents d ON"
    " d.id = l.document_id" KS_DLV_FILTER " ORDER BY l.id LIMIT ?3 OFFSET ?4";
static const char Q_DLV_COUNT[] = "SELECT COUNT(*) FROM deliveries l" KS_DLV_FILTER;
static const char Q_DLV_NEW[] =
    "INSERT INTO deliveries(document_id, from_agency_id, to_agency_id, state, verify_report,"
    " verdict, sent_at) VALUES(?1, ?2, ?3, 'received', ?4, ?5, ?6)";
static const char Q_DLV_DECIDE[] =
    "UPDATE deliveries SET state = ?2, reason = ?3, decided_at = ?4, version = version + 1"
    " WHERE id = ?1 AND state = 'received'";

#endif
