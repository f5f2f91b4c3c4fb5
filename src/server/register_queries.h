/* server/register_queries.h — the SQL of the four registers as lists and exports (outgoing,
 * incoming, follow-up, copies), of copies and of the follow-up (schema 4), one text for SQLite
 * and PostgreSQL. Every register filters by agency (?1), year (?2), then its series or copy
 * form where it has one, and a date range (from, to: YYYY-MM-DD, inclusive). */
#ifndef KYSOD_REGISTER_QUERIES_H
#define KYSOD_REGISTER_QUERIES_H

#define KS_RANGE(col, a, b)                                                                        \
    " AND (CAST(" a " AS TEXT) IS NULL OR " col " >= " a ")"                                       \
    " AND (CAST(" b " AS TEXT) IS NULL OR " col " <= " b ")"

/* ---- outgoing: ?1 agency ?2 year ?3 series ?4 from ?5 to ---- */
#define KS_REG_OUT_FILTER                                                                          \
    " WHERE o.agency_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR o.year = ?2)"                      \
    " AND (CAST(?3 AS TEXT) IS NULL OR o.series = ?3)" KS_RANGE("o.issued_date", "?4", "?5")
static const char Q_REG_OUT_LIST[] =
    "SELECT o.id, o.document_id, o.series, o.year, o.number, o.symbol, o.issued_date, o.doc_type,"
    " o.summary, o.signer, o.recipients, o.copies, o.handler, o.note,"
    " (SELECT MIN(l.sent_at) FROM deliveries l WHERE l.document_id = o.document_id) AS sent_at"
    " FROM reg_outgoing o" KS_REG_OUT_FILTER " ORDER BY o.year, o.series, o.number"
    " LIMIT ?6 OFFSET ?7";
static const char Q_REG_OUT_COUNT[] = "SELECT COUNT(*) FROM reg_outgoing o" KS_REG_OUT_FILTER;

/* ---- incoming and follow-up: ?1 agency ?2 year ?3 from ?4 to ---- */
#define KS_REG_IN_FILTER                                                                           \
    " WHERE i.agency_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR i.year = ?2)" KS_RANGE(            \
        "i.received_date", "?3", "?4")
/* One register for both kinds of arrival, since their numbers come from one series:
 * same-server deliveries (reg_incoming) and documents registered from other servers (fed_inbox,
 * schema 5; delivery_id null, fed_inbox_id set). */
#define KS_REG_IN_SRC                                                                              \
    " (SELECT agency_id, id, delivery_id, year, number, received_date, from_agency, doc_symbol,"   \
    " doc_date, doc_type, summary, assignee_id, deadline, note, progress, progress_note,"          \
    " reply_symbol, done_date, CAST(NULL AS BIGINT) AS fed_inbox_id FROM reg_incoming"             \
    " UNION ALL SELECT to_agency_id, id, CAST(NULL AS BIGINT), year, number, received_date,"       \
    " from_name, symbol, doc_date, doc_type, summary, assignee_id, deadline, note,"                \
    " CASE WHEN state = 'done' THEN 'done' ELSE 'pending' END, '', '', '', id FROM fed_inbox"      \
    " WHERE number IS NOT NULL) i"
static const char Q_REG_IN_LIST[] =
    "SELECT i.id, i.delivery_id, i.year, i.number, i.received_date, i.from_agency, i.doc_symbol,"
    " i.doc_date, i.doc_type, i.summary, i.assignee_id, COALESCE(u.full_name, '') AS assignee,"
    " i.deadline, i.note, i.progress, i.progress_note, i.reply_symbol, i.done_date,"
    " i.fed_inbox_id FROM" KS_REG_IN_SRC
    " LEFT JOIN users u ON u.id = i.assignee_id" KS_REG_IN_FILTER
    " ORDER BY i.year, i.number LIMIT ?5 OFFSET ?6";
static const char Q_REG_IN_COUNT[] = "SELECT COUNT(*) FROM" KS_REG_IN_SRC KS_REG_IN_FILTER;

/* ---- copies: ?1 agency ?2 year ?3 form ?4 from ?5 to ---- */
#define KS_COPY_COLS                                                                               \
    "c.id, c.agency_id, c.document_id, c.source_copy_id, c.form, c.year, c.number, c.symbol,"      \
    " c.copied_date, c.pages AS page_list, c.doc_symbol, c.doc_date, c.doc_type, c.summary, "      \
    "c.issuer,"                                                                                    \
    " c.source_sha256, c.sha256, c.size, c.clerk_id, u.full_name AS clerk, c.recipients, c.note,"  \
    " c.created_at"
#define KS_REG_COPY_FILTER                                                                         \
    " WHERE c.agency_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR c.year = ?2)"                      \
    " AND (CAST(?3 AS TEXT) IS NULL OR c.form = ?3)" KS_RANGE("c.copied_date", "?4", "?5")
static const char Q_REG_COPY_LIST[] =
    "SELECT " KS_COPY_COLS " FROM reg_copies c JOIN users u ON u.id = c.clerk_id" KS_REG_COPY_FILTER
    " ORDER BY c.year, c.number LIMIT ?6 OFFSET ?7";
static const char Q_REG_COPY_COUNT[] = "SELECT COUNT(*) FROM reg_copies c" KS_REG_COPY_FILTER;
static const char Q_COPY_GET[] =
    "SELECT " KS_COPY_COLS " FROM reg_copies c JOIN users u ON u.id = c.clerk_id WHERE c.id = ?1";
static const char Q_COPY_NEW[] =
    "INSERT INTO reg_copies(agency_id, document_id, source_copy_id, form, year, number, symbol,"
    " copied_date, pages, doc_symbol, doc_date, doc_type, summary, issuer, source_sha256, sha256,"
    " size, clerk_id, note, created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
    " ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) RETURNING id";
/* The registered incoming entry of document ?1 at agency ?2 (a copy of an accepted document). */
static const char Q_COPY_INCOMING[] =
    "SELECT i.number, i.from_agency FROM deliveries l JOIN reg_incoming i ON i.delivery_id = l.id"
    " WHERE l.document_id = ?1 AND l.to_agency_id = ?2 AND l.state = 'accepted'";

/* ---- follow-up ---- */
static const char Q_FOLLOW_GET[] =
    "SELECT i.id, i.delivery_id, i.agency_id, i.year, i.number, i.assignee_id, i.deadline,"
    " i.progress, i.progress_note, i.reply_symbol, i.done_date FROM reg_incoming i"
    " WHERE i.delivery_id = ?1";
static const char Q_FOLLOW_SET[] =
    "UPDATE reg_incoming SET progress = ?2, progress_note = ?3, reply_symbol = ?4,"
    " done_date = ?5 WHERE delivery_id = ?1";
static const char Q_FOLLOW_ADD[] =
    "INSERT INTO followup_updates(delivery_id, author_id, progress, note, reply_symbol,"
    " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
static const char Q_FOLLOW_LIST[] =
    "SELECT f.id, f.author_id, u.full_name AS author, f.progress, f.note, f.reply_symbol,"
    " f.created_at FROM followup_updates f JOIN users u ON u.id = f.author_id"
    " WHERE f.delivery_id = ?1 ORDER BY f.id";

/* ---- closing (khóa sổ) ---- */
static const char Q_REG_CLOSE[] =
    "INSERT INTO reg_closed(agency_id, register, year, closed_by, closed_at)"
    " VALUES(?1, ?2, ?3, ?4, ?5)";
static const char Q_REG_CLOSED[] =
    "SELECT closed_by, closed_at FROM reg_closed WHERE agency_id = ?1 AND register = ?2"
    " AND year = ?3";

#endif
