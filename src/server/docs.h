/* server/docs.h — what the document workflow's files (api_docs*.c, api_registers.c) share. */
#ifndef KYSOD_DOCS_H
#define KYSOD_DOCS_H

#include "server.h"

/* A document's states, in order (requirements §5.1). */
#define DOC_DRAFT "draft"
#define DOC_REVIEW "review"
#define DOC_FORMAT "format_check"
#define DOC_SIGNING "signing"
#define DOC_SIGNED "signed"
#define DOC_ISSUED "issued"
#define DOC_SENT "sent"

/* 503 unless blob_dir is configured. */
int docs_need_blobs(kysod_req *r);
/* Loads document r->id (404 when absent or not visible to the caller). */
int docs_load(kysod_req *r, json_t **doc);
/* 422 naming the rule when the document is classified (seed Đ4.1; requirements §7.1), by its
 * field or by a classification stamp on its first page; 0 otherwise. `pdf` may be NULL. */
int docs_refuse_classified(kysod_req *r, json_t *doc, const uint8_t *pdf, size_t len);
/* 403 unless the caller holds `role` in the document's agency. */
int docs_need_role(kysod_req *r, json_t *doc, const char *role, const char *msgid);
/* The latest PDF version of `doc` (checked against its SHA-256). */
int docs_read_pdf(kysod_req *r, const char *sha256, uint8_t **pdf, size_t *len);
/* Inside the caller's transaction: moves the document from `from` to `to` (KS_E_STATE when it
 * moved meanwhile). */
ks_status docs_move(kysod_req *r, int64_t id, const char *from, const char *to, ks_error *e);
/* Inside the caller's transaction: stores `pdf` as a new version of kind `kind`. */
ks_status docs_add_version(kysod_req *r, int64_t id, const uint8_t *pdf, size_t len,
                           const char *kind, ks_error *e);
/* The year and date (YYYY-MM-DD) of `t` in Asia/Ho_Chi_Minh (UTC+7, no daylight saving). */
int docs_vn_year(int64_t t);
void docs_vn_date(int64_t t, char out[16]);
/* Takes the next number of `reg`/`series`/`year` for `agency` inside the caller's
 * transaction (the series row stays locked until it ends). */
ks_status docs_next_number(kysod_req *r, int64_t agency, const char *reg, const char *series,
                           int year, int64_t *number, ks_error *e);
/* The Decree 30 format report of `pdf` as JSON text {"findings": [{rule, page, box, message}]}
 * (malloc'd; *count findings). */
char *docs_format_report(kysod_req *r, const uint8_t *pdf, size_t len, size_t *count);

/* Reads images_dir/<kind>-<id>.png (the person's signature image, kind "user", or the agency's
 * seal, kind "agency"); *out malloc'd (api_docs_sign.c). */
ks_status docs_read_image(const kysod_config *c, const char *kind, int64_t id, uint8_t **out,
                          size_t *len, ks_error *e);

#endif
