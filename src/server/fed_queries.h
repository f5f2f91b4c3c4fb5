/* server/fed_queries.h — the SQL of kysod's between-servers files (schema 5), one text for
 * SQLite and PostgreSQL. */
#ifndef KYSOD_FED_QUERIES_H
#define KYSOD_FED_QUERIES_H

/* ---- the transport queue ---- */
static const char Q_FQ_NEW[] =
    "INSERT INTO fed_outbox(peer, path, msg_key, body_sha, state, next_at, created_at)"
    " VALUES(?1, ?2, ?3, ?4, 'pending', ?5, ?5) ON CONFLICT(msg_key) DO NOTHING";
static const char Q_FQ_DUE[] =
    "SELECT id, peer, path, msg_key, body_sha, attempts, next_at FROM fed_outbox"
    " WHERE state = 'pending' AND next_at <= ?1 ORDER BY id LIMIT 16";
/* a lease: the node that moves next_at first sends it (several nodes on one PostgreSQL) */
static const char Q_FQ_CLAIM[] = "UPDATE fed_outbox SET next_at = ?3 WHERE id = ?1 AND"
                                 " state = 'pending' AND next_at = ?2";
static const char Q_FQ_SENT[] =
    "UPDATE fed_outbox SET state = 'sent', sent_at = ?2, attempts = attempts + 1,"
    " last_error = '' WHERE id = ?1";
static const char Q_FQ_RETRY[] =
    "UPDATE fed_outbox SET state = ?2, attempts = attempts + 1, next_at = ?3, last_error = ?4"
    " WHERE id = ?1";
static const char Q_FQ_GET[] =
    "SELECT id, peer, path, msg_key, state, attempts, next_at, last_error, created_at, sent_at"
    " FROM fed_outbox WHERE id = ?1";

/* ---- the sender's view of its remote recipients ---- */
static const char Q_FS_NEW[] =
    "INSERT INTO fed_sent(document_id, agency_id, to_code, peer, edxml_document, state, sent_at,"
    " updated_at) VALUES(?1, ?2, ?3, ?4, ?5, 'queued', ?6, ?6)";
static const char Q_FS_DELIVERED[] =
    "UPDATE fed_sent SET state = 'delivered', updated_at = ?3 WHERE edxml_document = ?1 AND"
    " peer = ?2 AND state = 'queued'";
static const char Q_FS_FAILED[] =
    "UPDATE fed_sent SET state = 'failed', reason = ?3, updated_at = ?4 WHERE edxml_document = ?1"
    " AND peer = ?2 AND state IN ('queued', 'delivered')";
static const char Q_FS_FIND[] =
    "SELECT id, document_id, agency_id, state, peer FROM fed_sent WHERE edxml_document = ?1 AND"
    " to_code = ?2";
static const char Q_FS_SET[] = "UPDATE fed_sent SET state = ?2, reason = ?3, detail = ?4,"
                               " updated_at = ?5 WHERE id = ?1";
static const char Q_FS_OF_DOC[] =
    "SELECT id, to_code, peer, edxml_document, state, reason, detail, sent_at, updated_at"
    " FROM fed_sent WHERE document_id = ?1 ORDER BY id";

/* ---- the receiver's inbox ---- */
#define KS_FIN_COLS                                                                                \
    "id, edxml_document, to_agency_id, from_code, from_name, peer, symbol, doc_date, doc_type,"    \
    " summary, signer, file_name, sha256, size, verdict, state, reason, year, number,"             \
    " assignee_id, deadline, note, received_at, decided_at, recalled_at, recall_reason, version"
static const char Q_FIN_NEW[] =
    "INSERT INTO fed_inbox(edxml_document, to_agency_id, from_code, from_name, peer, symbol,"
    " doc_date, doc_type, summary, signer, file_name, sha256, size, verify_report, verdict,"
    " state, received_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,"
    " ?15, 'received', ?16) ON CONFLICT(edxml_document, to_agency_id) DO NOTHING";
static const char Q_FIN_GET[] =
    "SELECT " KS_FIN_COLS ", verify_report FROM fed_inbox WHERE id = ?1";
static const char Q_FIN_ROW[] = "SELECT " KS_FIN_COLS " FROM fed_inbox WHERE id = ?1";
#define KS_FIN_FILTER " WHERE to_agency_id = ?1 AND (CAST(?2 AS TEXT) IS NULL OR state = ?2)"
static const char Q_FIN_LIST[] =
    "SELECT id, edxml_document, to_agency_id, from_code, from_name, symbol, doc_date, doc_type,"
    " summary, verdict, state, reason, year, number, received_at, decided_at, recalled_at,"
    " recall_reason FROM fed_inbox" KS_FIN_FILTER " ORDER BY id DESC LIMIT ?3 OFFSET ?4";
static const char Q_FIN_COUNT[] = "SELECT COUNT(*) FROM fed_inbox" KS_FIN_FILTER;
static const char Q_FIN_ACCEPT[] =
    "UPDATE fed_inbox SET state = 'accepted', year = ?2, number = ?3, assignee_id = ?4,"
    " deadline = ?5, note = ?6, decided_at = ?7, received_date = ?8, version = version + 1"
    " WHERE id = ?1 AND state = 'received'";
static const char Q_FIN_REJECT[] =
    "UPDATE fed_inbox SET state = 'rejected', reason = ?2, decided_at = ?3,"
    " version = version + 1 WHERE id = ?1 AND state = 'received'";
static const char Q_FIN_DONE[] = "UPDATE fed_inbox SET state = 'done', version = version + 1"
                                 " WHERE id = ?1 AND state = 'accepted'";
static const char Q_FIN_OF_PACKAGE[] =
    "SELECT i.id, i.to_agency_id, a.code, a.name, i.sha256, i.state FROM fed_inbox i"
    " JOIN agencies a ON a.id = i.to_agency_id WHERE i.edxml_document = ?1 AND i.peer = ?2";
static const char Q_FIN_RECALL[] =
    "UPDATE fed_inbox SET state = 'recalled', sha256 = '', recalled_at = ?2, recall_reason = ?3,"
    " version = version + 1 WHERE id = ?1 AND state <> 'recalled'";
/* a blob still used by another row (the same PDF sent to two agencies here, or ours) */
static const char Q_BLOB_USED[] = "SELECT (SELECT COUNT(*) FROM fed_inbox WHERE sha256 = ?1) +"
                                  " (SELECT COUNT(*) FROM doc_versions WHERE sha256 = ?1)";

/* ---- recall on this server ---- */
static const char Q_DOC_RECALL[] =
    "UPDATE documents SET state = 'recalled', recalled_at = ?2, recall_reason = ?3,"
    " version = version + 1, updated_at = ?2 WHERE id = ?1 AND state = 'sent'";
static const char Q_DLV_RECALL[] =
    "UPDATE deliveries SET state = 'recalled', recalled_at = ?2, recall_reason = ?3,"
    " version = version + 1 WHERE document_id = ?1 AND state <> 'recalled'";
static const char Q_DLV_OF_DOC[] =
    "SELECT l.id, l.to_agency_id, a.code, a.name, l.state, l.reason, l.sent_at, l.decided_at,"
    " l.recalled_at, (SELECT number FROM reg_incoming r WHERE r.delivery_id = l.id) AS number"
    " FROM deliveries l JOIN agencies a ON a.id = l.to_agency_id WHERE l.document_id = ?1"
    " ORDER BY l.id";
static const char Q_DLV_STATE[] = "SELECT state, recall_reason FROM deliveries WHERE id = ?1";

/* ---- events ---- */
static const char Q_EV_NEW[] = "INSERT INTO events(agency_id, role, kind, ref, data, created_at)"
                               " VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char Q_EV_MAX[] = "SELECT COALESCE(MAX(id), 0) FROM events";
static const char Q_EV_SINCE[] =
    "SELECT id, agency_id, role, kind, ref, data, created_at FROM events WHERE id > ?1"
    " ORDER BY id LIMIT 256";
/* a stream lives as long as its session (signed out, disabled, expired: it ends) */
static const char Q_EV_SESSION_LIVE[] =
    "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = ?1"
    " AND u.status = 'active' AND s.created_at >= ?2 AND s.last_seen >= ?3";
#define EV_REPLAY 100
static const char Q_EV_REPLAY[] =
    "SELECT id, agency_id, role, kind, ref, data, created_at FROM events WHERE id > ?1"
    " AND id <= ?2 ORDER BY id DESC LIMIT 100";
static const char Q_EV_PRUNE[] = "DELETE FROM events WHERE created_at < ?1";
static const char Q_EV_DOC[] = "SELECT agency_id, state, summary, symbol FROM documents"
                               " WHERE id = ?1";
static const char Q_EV_DLV[] =
    "SELECT l.id, l.to_agency_id, l.from_agency_id, l.state, d.summary, d.symbol FROM"
    " deliveries l JOIN documents d ON d.id = l.document_id WHERE l.id = ?1";
static const char Q_EV_DLVS_OF_DOC[] =
    "SELECT l.id, l.to_agency_id, d.summary, d.symbol FROM deliveries l JOIN documents d ON"
    " d.id = l.document_id WHERE l.document_id = ?1 AND l.state = 'received'";

#endif
