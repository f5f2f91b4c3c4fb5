/* kyso/edxml.h — edXML packages between document systems (QCVN 102:2016/BTTTT, amendment
 * 1:2022, as far as requirements §6.5 and public descriptions define it; the exact schema kyso
 * writes and reads is docs/edxml.md). A package carries the document's metadata (From, To by mã
 * định danh, Code, PromulgationInfo, DocumentType, Subject, SignerInfo, TraceHeaderList) and its
 * files base64-encoded, the signed PDF byte for byte; a status package answers one (received,
 * rejected with a reason, accepted/registered, assigned, in progress, done).
 * XML goes through libxml2 (loaded on first use), bounded: size limits, no DTD (hence no
 * entities, external or not), no network. Depends on util/ only. */
#ifndef KYSO_EDXML_H
#define KYSO_EDXML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kyso/error.h"
#include "kyso/util.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KS_EDXML_NS "http://www.mic.gov.vn/TBT/QCVN_102_2016"

/* Limits (KS_E_LIMIT beyond them). */
#define KS_EDXML_MAX_PACKAGE (256u << 20)    /* bytes of XML */
#define KS_EDXML_MAX_ATTACHMENT (128u << 20) /* decoded bytes of one file */
#define KS_EDXML_MAX_ATTACHMENTS 64
#define KS_EDXML_MAX_TO 1000          /* recipients */
#define KS_EDXML_MAX_TRACES 256       /* TraceHeader entries */
#define KS_EDXML_MAX_FIELD (1u << 20) /* bytes of one text field */
#define KS_EDXML_MAX_ORGAN_ID 35      /* mã định danh, since 15/9/2022 */

/* An organisation (From, To, status From). Only organ_id is required. */
typedef struct ks_edxml_organ {
    const char *organ_id; /* mã định danh: 1–35 of 0-9 A-Z '.' (QĐ 20/2020, QCVN 102) */
    const char *organization_in_charge, *organ_name, *organ_add, *email, *telephone, *fax, *website;
} ks_edxml_organ;

typedef struct ks_edxml_attachment {
    const char *content_id;   /* unique in the package; "1", "2", ... when NULL on pack */
    const char *content_type; /* "application/pdf" */
    const char *name;         /* file name shown to people (no directory part) */
    const char *description;
    const uint8_t *data;
    size_t len;
} ks_edxml_attachment;

typedef struct ks_edxml_trace {
    const char *organ_id;
    const char *timestamp; /* "yyyy/MM/dd HH:mm:ss", Vietnam time */
} ks_edxml_trace;

/* One document package. On pack every pointer is borrowed; on unpack everything lives in the
 * package's arena. Strings are UTF-8. */
typedef struct ks_edxml_doc {
    ks_edxml_organ from;
    const ks_edxml_organ *to;
    size_t nto;
    const char *code_number;       /* "15" */
    const char *code_notation;     /* "QĐ-UBND" */
    const char *place;             /* PromulgationInfo/Place */
    const char *promulgation_date; /* "yyyy/MM/dd" */
    const char *type;              /* DocumentType/Type (a code; may be NULL) */
    const char *type_detail;       /* DocumentType/TypeDetail (may be NULL) */
    const char *type_name;         /* DocumentType/TypeName: "Quyết định" */
    const char *subject;           /* trích yếu */
    const char *content;           /* may be NULL */
    const char *signer_competence; /* "TM.", "KT.", ... (may be NULL) */
    const char *signer_position;
    const char *signer_full_name;
    const char *due_date;    /* "yyyy/MM/dd" or NULL */
    const char *priority;    /* OtherInfo/Priority: "0" normal … (may be NULL) */
    const char *document_id; /* "{OrganId},{yyyy/MM/dd},{number}/{notation}"; made when NULL */
    int steering_type;       /* 0 none, 1 steering, 2 steering + report */
    const ks_edxml_trace *traces;
    size_t ntraces;
    int business_doc_type; /* 0 new, 1 revoke, 2 update, 3 replace */
    const char *business_doc_reason;
    int paper; /* 1: a paper copy is also sent */
    const ks_edxml_attachment *attachments;
    size_t nattachments;
} ks_edxml_doc;

/* Serialises `d` into `out` (appended). Checks what a receiver needs: From and each To a valid
 * mã định danh, Code, PromulgationInfo/PromulgationDate, TypeName, Subject, SignerInfo/FullName,
 * at least one attachment, unique content ids; KS_E_USAGE names the field. KS_E_IO when libxml2
 * cannot be loaded, KS_E_LIMIT past the limits above. */
ks_status ks_edxml_pack(const ks_edxml_doc *d, ks_buf *out, ks_error *err);

typedef struct ks_edxml_package {
    ks_edxml_doc doc;
    ks_arena *arena; /* owns everything in doc */
} ks_edxml_package;

/* Limits of one parse; zero fields take the defaults above. A province may lower them (some
 * allow 50 MB per file). */
typedef struct ks_edxml_limits {
    size_t max_package;    /* bytes of XML */
    size_t max_attachment; /* decoded bytes of one file */
} ks_edxml_limits;

/* Parses a package (untrusted). Refuses a DTD (KS_E_FORMAT: external entities and entity
 * expansion attacks are impossible without one), anything over the limits (KS_E_LIMIT), a
 * manifest reference without its attachment or the reverse, bad base64, missing required fields
 * (KS_E_FORMAT naming the element). Free with ks_edxml_package_free. */
ks_status ks_edxml_unpack(const uint8_t *xml, size_t len, const ks_edxml_limits *limits,
                          ks_edxml_package **out, ks_error *err);
void ks_edxml_package_free(ks_edxml_package *p); /* NULL is a no-op */

/* Status codes (StatusCode; requirements §6.5). */
typedef enum ks_edxml_status_code {
    KS_EDXML_RECEIVED = 1,    /* 01 đã đến */
    KS_EDXML_REJECTED = 2,    /* 02 từ chối tiếp nhận (Description: the reason) */
    KS_EDXML_ACCEPTED = 3,    /* 03 đã tiếp nhận, vào sổ */
    KS_EDXML_ASSIGNED = 4,    /* 04 phân công xử lý */
    KS_EDXML_PROCESSING = 5,  /* 05 đang xử lý */
    KS_EDXML_DONE = 6,        /* 06 hoàn thành */
    KS_EDXML_RECALL_ASK = 13, /* 13 yêu cầu lấy lại */
    KS_EDXML_RECALL_OK = 15,  /* 15 đồng ý lấy lại / cập nhật */
    KS_EDXML_RECALL_NO = 16,  /* 16 từ chối lấy lại / cập nhật */
} ks_edxml_status_code;

/* "received", "rejected", "accepted", "assigned", "processing", "done", "recall-request",
 * "recall-accepted", "recall-refused"; NULL for another code. And back (0 when unknown). */
const char *ks_edxml_status_name(int code);
int ks_edxml_status_from_name(const char *name);

typedef struct ks_edxml_status {
    /* ResponseFor: the document answered */
    const char *for_organ_id, *for_code, *for_promulgation_date, *for_document_id;
    ks_edxml_organ from;     /* who answers */
    int code;                /* ks_edxml_status_code */
    const char *description; /* required for KS_EDXML_REJECTED and KS_EDXML_RECALL_NO */
    const char *timestamp;   /* "yyyy/MM/dd HH:mm:ss", Vietnam time: the system's time */
    const char *department, *staff;
} ks_edxml_status;

ks_status ks_edxml_status_pack(const ks_edxml_status *s, ks_buf *out, ks_error *err);

typedef struct ks_edxml_status_msg {
    ks_edxml_status status;
    ks_arena *arena;
} ks_edxml_status_msg;
ks_status ks_edxml_status_unpack(const uint8_t *xml, size_t len, const ks_edxml_limits *limits,
                                 ks_edxml_status_msg **out, ks_error *err);
void ks_edxml_status_msg_free(ks_edxml_status_msg *m); /* NULL is a no-op */

/* Is `s` a mã định danh (1–35 characters of 0-9, A-Z and '.')? */
bool ks_edxml_organ_id_ok(const char *s);
/* "yyyy/MM/dd HH:mm:ss" of instant `t` in Vietnam time (needs 20 bytes). */
void ks_edxml_timestamp(time_t t, char out[32]);

#ifdef __cplusplus
}
#endif
#endif
