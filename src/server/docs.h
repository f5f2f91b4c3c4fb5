/* server/docs.h — what the document workflow's files (api_docs*.c, api_registers.c) share. */
#ifndef KYSOD_DOCS_H
#define KYSOD_DOCS_H

#include "kyso/sign.h"
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
/* The verification report of `pdf` (the engine's validation with revocation) as JSON text and
 * its indication ("UNSIGNED" without a signature); *report malloc'd. */
ks_status docs_verify_pdf(kysod_req *r, const uint8_t *pdf, size_t len, char **report,
                          char verdict[32], ks_error *e);
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

/* The personal signature's set-up, one place for every path that makes it (the server-side
 * token in api_docs_sign.c, the person's own token through sign/begin|finish): fills `o` with
 * ks_sign_opts_init's defaults, the personal kind, `title` and `name` (borrowed; NULL or "" for
 * none) and the FieldMDP lock that leaves only the number and date fields open; and, unless the
 * document is signed already or has them, replaces *pdf / *len (malloc'd; the old buffer is
 * freed) with the document plus a revision adding those two fields over "Số:" and the
 * place-and-date line of page 1 (kyso/numfields.h), which the clerk fills at issue. A draft
 * without those lines is signed as it is (the number then goes only into the register).
 * 0, or an HTTP error already sent. */
int docs_personal_sign_options(kysod_req *r, const char *title, const char *name, uint8_t **pdf,
                               size_t *len, ks_sign_opts *o);
/* The clerk's step before the seal: when the document has the number and date fields, writes
 * `number` ("15/QĐ-UBND") and the date of `now` in Asia/Ho_Chi_Minh into them (a new revision;
 * *pdf / *len replaced). *filled tells whether it did. KS_E_* with `e` set on failure. */
ks_status docs_fill_number(const char *number, int64_t now, uint8_t **pdf, size_t *len,
                           bool *filled, ks_error *e);
/* The organisation's seal options beyond kind and image: the level the agency chose (its
 * seal_level: B-LT or B-LTA with the configured TSA; else B-T when a TSA is configured, else
 * B-B), the server's context for the network, and a FieldMDP lock of every field. 0, or 422 sent
 * when the agency asks for a level the server cannot give (no tsa_url). */
int docs_seal_options(kysod_req *r, int64_t agency, ks_sign_opts *o);
/* An upload that is signed already (requirements §5.1): verified in-process against trust_anchors.
 * 0 with *is_signed false for an unsigned PDF; 0 with *is_signed true and `signer` ("title name"
 * of its last signature) when the whole document is TOTAL-PASSED; else 422
 * "signature_invalid" naming the verdict and its first reason (nothing is stored). */
int docs_check_signed_upload(kysod_req *r, const uint8_t *pdf, size_t len, bool *is_signed,
                             char signer[256]);
/* Inside the caller's transaction: the uploaded signed document goes straight to the clerk's
 * issue step (draft → signed), its signer kept. */
ks_status docs_mark_signed_upload(kysod_req *r, int64_t id, const char *signer, ks_error *e);
/* Signs `in` with the server-side token `label` (its PIN from pkcs11_pin_dir) as `opts` says;
 * *out malloc'd (api_docs_sign.c). */
ks_status docs_sign_with_token(kysod *srv, const char *label, ks_sign_opts *opts, const uint8_t *in,
                               size_t len, uint8_t **out, size_t *out_len, ks_error *e);
/* Inside the issue transaction: every attachment of document `id` receives the organisation's
 * attachment signature (number and time, top right of page 1; requirements §4.3) with the seal
 * token `label`, at the level of `seal`; its signed version is stored beside the original. */
ks_status docs_seal_attachments(kysod_req *r, int64_t id, const char *label,
                                const ks_sign_opts *seal, const char *number, ks_error *e);
/* 0 (DOCX) or 1 (ODT) for their Content-Types, -1 for any other (api_jobs.c). */
int docs_office_kind(const char *content_type);
/* POST /documents with a DOCX or ODT: refused with the reason when it is not what it says or a
 * password protects it; else stored and queued for conversion (202 with the job). `params`
 * (borrowed) holds the document's metadata for when the PDF exists. */
int docs_convert_upload(kysod_req *r, int kind, int64_t agency, json_t *params);
/* The signer kept for an uploaded signed document ("" when none). */
void docs_external_signer(kysod_req *r, int64_t id, char out[256]);
/* Reads images_dir/<kind>-<id>.png (the person's signature image, kind "user", or the agency's
 * seal, kind "agency"); *out malloc'd (api_docs_sign.c). */
ks_status docs_read_image(const kysod_config *c, const char *kind, int64_t id, uint8_t **out,
                          size_t *len, ks_error *e);

/* The date `days` working days after `now` (Vietnamese calendar) as YYYY-MM-DD into
 * deadline[16]; "" when days is 0. */
ks_status docs_deadline(int64_t now, int64_t days, char deadline[16], ks_error *e);

#endif
