/* edxml/pack.c — writes a document package (docs/edxml.md): edXMLEnvelope with MessageHeader,
 * TraceHeaderList and the manifest, then AttachmentEncoded with each file in base64, the signed
 * PDF byte for byte. Checks first what a receiver needs, naming the missing field. Part of
 * edxml/ (util/ only). */
#include <stdio.h>
#include <string.h>

#include "internal.h"

static ks_status need(const char *v, const char *field, ks_error *err)
{
    if (v && *v)
        return KS_OK;
    return ks_error_set(err, KS_E_USAGE, N_("edXML package: %s is required"), field);
}

static ks_status validate(const ks_edxml_doc *d, ks_error *err)
{
    ks_status st;
    if (!ks_edxml_organ_id_ok(d->from.organ_id))
        return ks_error_set(err, KS_E_USAGE,
                            N_("edXML package: From/OrganId \"%s\" is not a mã định danh (1–35 "
                               "of 0-9, A-Z, '.')"),
                            d->from.organ_id ? d->from.organ_id : "");
    if (d->nto == 0 || d->nto > KS_EDXML_MAX_TO)
        return ks_error_set(err, KS_E_USAGE, N_("edXML package: 1 to %d recipients (To) needed"),
                            KS_EDXML_MAX_TO);
    for (size_t i = 0; i < d->nto; i++)
        if (!ks_edxml_organ_id_ok(d->to[i].organ_id))
            return ks_error_set(err, KS_E_USAGE,
                                N_("edXML package: To/OrganId \"%s\" is not a mã định danh (1–35 "
                                   "of 0-9, A-Z, '.')"),
                                d->to[i].organ_id ? d->to[i].organ_id : "");
    if ((st = need(d->code_number, "Code/CodeNumber", err)) ||
        (st = need(d->code_notation, "Code/CodeNotation", err)) ||
        (st = need(d->promulgation_date, "PromulgationInfo/PromulgationDate", err)) ||
        (st = need(d->type_name, "DocumentType/TypeName", err)) ||
        (st = need(d->subject, "Subject", err)) ||
        (st = need(d->signer_full_name, "SignerInfo/FullName", err)))
        return st;
    if (d->nattachments == 0 || d->nattachments > KS_EDXML_MAX_ATTACHMENTS)
        return ks_error_set(err, KS_E_USAGE, N_("edXML package: 1 to %d attachments needed"),
                            KS_EDXML_MAX_ATTACHMENTS);
    if (d->ntraces > KS_EDXML_MAX_TRACES)
        return ks_error_set(err, KS_E_LIMIT, N_("edXML package: more than %d trace headers"),
                            KS_EDXML_MAX_TRACES);
    for (size_t i = 0; i < d->nattachments; i++) {
        const ks_edxml_attachment *a = &d->attachments[i];
        if (a->len > KS_EDXML_MAX_ATTACHMENT)
            return ks_error_set(err, KS_E_LIMIT,
                                N_("edXML package: attachment \"%s\" is over the limit of %u "
                                   "bytes"),
                                a->name ? a->name : "", KS_EDXML_MAX_ATTACHMENT);
        if ((st = need(a->name, "Attachment/AttachmentName", err)))
            return st;
        for (size_t j = 0; j < i && a->content_id; j++)
            if (d->attachments[j].content_id &&
                strcmp(d->attachments[j].content_id, a->content_id) == 0)
                return ks_error_set(err, KS_E_USAGE,
                                    N_("edXML package: two attachments have ContentId \"%s\""),
                                    a->content_id);
    }
    return KS_OK;
}

ks_status ks_edxml_pack(const ks_edxml_doc *d, ks_buf *out, ks_error *err)
{
    ks_status st = validate(d, err);
    if (st || (st = ks_xml_load(err)))
        return st;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = doc ? xmlNewNode(NULL, (const xmlChar *)"edXML") : NULL;
    if (!root) {
        if (doc)
            xmlFreeDoc(doc);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)KS_EDXML_NS, (const xmlChar *)"edXML");
    xmlNsPtr xl =
        xmlNewNs(root, (const xmlChar *)"http://www.w3.org/1999/xlink", (const xmlChar *)"xlink");
    root->ns = ns;
    xmlNodePtr env = xmlNewChild(root, ns, (const xmlChar *)"edXMLEnvelope", NULL);
    xmlNodePtr hdr = xmlNewChild(env, ns, (const xmlChar *)"edXMLHeader", NULL);
    xmlNodePtr mh = xmlNewChild(hdr, ns, (const xmlChar *)"MessageHeader", NULL);
    ks_edxml_put_organ(mh, ns, "From", &d->from);
    for (size_t i = 0; i < d->nto; i++)
        ks_edxml_put_organ(mh, ns, "To", &d->to[i]);
    xmlNodePtr n = xmlNewChild(mh, ns, (const xmlChar *)"Code", NULL);
    ks_xml_add(n, ns, "CodeNumber", d->code_number);
    ks_xml_add(n, ns, "CodeNotation", d->code_notation);
    n = xmlNewChild(mh, ns, (const xmlChar *)"PromulgationInfo", NULL);
    ks_xml_add(n, ns, "Place", d->place);
    ks_xml_add(n, ns, "PromulgationDate", d->promulgation_date);
    n = xmlNewChild(mh, ns, (const xmlChar *)"DocumentType", NULL);
    ks_xml_add(n, ns, "Type", d->type);
    ks_xml_add(n, ns, "TypeDetail", d->type_detail);
    ks_xml_add(n, ns, "TypeName", d->type_name);
    ks_xml_add(mh, ns, "Subject", d->subject);
    ks_xml_add(mh, ns, "Content", d->content);
    n = xmlNewChild(mh, ns, (const xmlChar *)"SignerInfo", NULL);
    ks_xml_add(n, ns, "Competence", d->signer_competence);
    ks_xml_add(n, ns, "Position", d->signer_position);
    ks_xml_add(n, ns, "FullName", d->signer_full_name);
    ks_xml_add(mh, ns, "DueDate", d->due_date);
    n = xmlNewChild(mh, ns, (const xmlChar *)"OtherInfo", NULL);
    ks_xml_add(n, ns, "Priority", d->priority ? d->priority : "0");
    char num[32], docid[512];
    snprintf(num, sizeof num, "%d", d->steering_type);
    ks_xml_add(mh, ns, "SteeringType", num);
    if (!d->document_id) /* {OrganId},{yyyy/MM/dd},{number}/{notation} */
        snprintf(docid, sizeof docid, "%s,%s,%s/%s", d->from.organ_id, d->promulgation_date,
                 d->code_number, d->code_notation);
    ks_xml_add(mh, ns, "DocumentId", d->document_id ? d->document_id : docid);

    xmlNodePtr tl = xmlNewChild(hdr, ns, (const xmlChar *)"TraceHeaderList", NULL);
    for (size_t i = 0; i < d->ntraces; i++) {
        n = xmlNewChild(tl, ns, (const xmlChar *)"TraceHeader", NULL);
        ks_xml_add(n, ns, "OrganId", d->traces[i].organ_id);
        ks_xml_add(n, ns, "Timestamp", d->traces[i].timestamp);
    }
    n = xmlNewChild(tl, ns, (const xmlChar *)"Bussiness", NULL); /* sic, as QCVN 102 spells it */
    snprintf(num, sizeof num, "%d", d->business_doc_type);
    ks_xml_add(n, ns, "BussinessDocType", num);
    ks_xml_add(n, ns, "BussinessDocReason", d->business_doc_reason ? d->business_doc_reason : "");
    snprintf(num, sizeof num, "%d", d->paper ? 1 : 0);
    ks_xml_add(n, ns, "Paper", num);

    xmlNodePtr body = xmlNewChild(env, ns, (const xmlChar *)"edXMLBody", NULL);
    xmlNodePtr man = xmlNewChild(body, ns, (const xmlChar *)"edXMLManifest", NULL);
    xmlNewProp(man, (const xmlChar *)"version", (const xmlChar *)"1.0");
    xmlNodePtr enc = xmlNewChild(root, ns, (const xmlChar *)"AttachmentEncoded", NULL);
    ks_buf b64 = KS_BUF_INIT;
    for (size_t i = 0; i < d->nattachments && st == KS_OK; i++) {
        const ks_edxml_attachment *a = &d->attachments[i];
        char cid[32], href[80];
        snprintf(cid, sizeof cid, "%zu", i + 1);
        const char *id = a->content_id ? a->content_id : cid;
        const char *type = a->content_type ? a->content_type : "application/octet-stream";
        snprintf(href, sizeof href, "cid:%s", id);
        xmlNodePtr r = xmlNewChild(man, ns, (const xmlChar *)"Reference", NULL);
        xmlNewNsProp(r, xl, (const xmlChar *)"href", (const xmlChar *)href);
        ks_xml_add(r, ns, "ContentId", id);
        ks_xml_add(r, ns, "ContentType", type);
        ks_xml_add(r, ns, "AttachmentName", a->name);
        ks_xml_add(r, ns, "Description", a->description ? a->description : "");
        xmlNodePtr at = xmlNewChild(enc, ns, (const xmlChar *)"Attachment", NULL);
        ks_xml_add(at, ns, "ContentId", id);
        ks_xml_add(at, ns, "ContentType", type);
        ks_xml_add(at, ns, "Description", a->description ? a->description : "");
        ks_xml_add(at, ns, "AttachmentName", a->name);
        b64.len = 0;
        if (!ks_base64_encode(&b64, a->data, a->len) ||
            !ks_xml_add(at, ns, "ContentTransferEncoded", b64.data ? (char *)b64.data : ""))
            st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    ks_buf_free(&b64);
    if (st == KS_OK)
        st = ks_xml_save(doc, out, err);
    xmlFreeDoc(doc);
    return st;
}
