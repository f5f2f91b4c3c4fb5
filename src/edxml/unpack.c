/* edxml/unpack.c — reads a document package from an untrusted source (another kysod, the
 * national exchange): the bounded parse of xml.c, then the required fields, the recipients, the
 * trace headers, and every manifest reference matched with its base64 attachment. Part of
 * edxml/ (util/ only). */
#include <stdlib.h>
#include <string.h>

#include "internal.h"

void ks_edxml_package_free(ks_edxml_package *p)
{
    if (!p)
        return;
    ks_arena_free(p->arena);
    free(p);
}

static ks_status required(const char *v, const char *field, ks_error *err)
{
    if (v && *v)
        return KS_OK;
    return ks_error_set(err, KS_E_FORMAT, N_("edXML package: <%s> is missing or empty"), field);
}

static ks_status header(ks_arena *a, xmlNodePtr mh, ks_edxml_doc *d, ks_error *err)
{
    ks_status st;
    xmlNodePtr from = ks_xml_child(mh, "From");
    if (!from)
        return required(NULL, "From", err);
    if ((st = ks_edxml_get_organ(a, from, &d->from, err)))
        return st;
    size_t nto = 0;
    for (xmlNodePtr t = ks_xml_child(mh, "To"); t; t = ks_xml_next(t, "To"))
        if (++nto > KS_EDXML_MAX_TO)
            return ks_error_set(err, KS_E_LIMIT, N_("edXML package: more than %d recipients"),
                                KS_EDXML_MAX_TO);
    if (nto == 0)
        return required(NULL, "To", err);
    ks_edxml_organ *to = ks_arena_alloc(a, nto * sizeof *to);
    if (!to)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t i = 0;
    for (xmlNodePtr t = ks_xml_child(mh, "To"); t; t = ks_xml_next(t, "To"))
        if ((st = ks_edxml_get_organ(a, t, &to[i++], err)))
            return st;
    d->to = to;
    d->nto = nto;
    xmlNodePtr code = ks_xml_child(mh, "Code"), prom = ks_xml_child(mh, "PromulgationInfo");
    xmlNodePtr type = ks_xml_child(mh, "DocumentType"), sig = ks_xml_child(mh, "SignerInfo");
    xmlNodePtr other = ks_xml_child(mh, "OtherInfo");
    const char *steer = NULL;
    if ((st = ks_xml_field(a, code, "CodeNumber", &d->code_number, err)) ||
        (st = ks_xml_field(a, code, "CodeNotation", &d->code_notation, err)) ||
        (st = ks_xml_field(a, prom, "Place", &d->place, err)) ||
        (st = ks_xml_field(a, prom, "PromulgationDate", &d->promulgation_date, err)) ||
        (st = ks_xml_field(a, type, "Type", &d->type, err)) ||
        (st = ks_xml_field(a, type, "TypeDetail", &d->type_detail, err)) ||
        (st = ks_xml_field(a, type, "TypeName", &d->type_name, err)) ||
        (st = ks_xml_field(a, mh, "Subject", &d->subject, err)) ||
        (st = ks_xml_field(a, mh, "Content", &d->content, err)) ||
        (st = ks_xml_field(a, sig, "Competence", &d->signer_competence, err)) ||
        (st = ks_xml_field(a, sig, "Position", &d->signer_position, err)) ||
        (st = ks_xml_field(a, sig, "FullName", &d->signer_full_name, err)) ||
        (st = ks_xml_field(a, mh, "DueDate", &d->due_date, err)) ||
        (st = ks_xml_field(a, other, "Priority", &d->priority, err)) ||
        (st = ks_xml_field(a, mh, "SteeringType", &steer, err)) ||
        (st = ks_xml_field(a, mh, "DocumentId", &d->document_id, err)))
        return st;
    if ((st = required(d->code_number, "Code/CodeNumber", err)) ||
        (st = required(d->code_notation, "Code/CodeNotation", err)) ||
        (st = required(d->promulgation_date, "PromulgationInfo/PromulgationDate", err)) ||
        (st = required(d->subject, "Subject", err)))
        return st;
    d->steering_type = steer ? atoi(steer) : 0;
    return KS_OK;
}

static ks_status traces(ks_arena *a, xmlNodePtr tl, ks_edxml_doc *d, ks_error *err)
{
    ks_status st;
    size_t n = 0;
    for (xmlNodePtr t = ks_xml_child(tl, "TraceHeader"); t; t = ks_xml_next(t, "TraceHeader"))
        if (++n > KS_EDXML_MAX_TRACES)
            return ks_error_set(err, KS_E_LIMIT, N_("edXML package: more than %d trace headers"),
                                KS_EDXML_MAX_TRACES);
    ks_edxml_trace *tr = n ? ks_arena_alloc(a, n * sizeof *tr) : NULL;
    if (n && !tr)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t i = 0;
    for (xmlNodePtr t = ks_xml_child(tl, "TraceHeader"); t; t = ks_xml_next(t, "TraceHeader"), i++)
        if ((st = ks_xml_field(a, t, "OrganId", &tr[i].organ_id, err)) ||
            (st = ks_xml_field(a, t, "Timestamp", &tr[i].timestamp, err)))
            return st;
    d->traces = tr;
    d->ntraces = n;
    xmlNodePtr b = ks_xml_child(tl, "Bussiness");
    const char *bt = NULL, *paper = NULL;
    if ((st = ks_xml_field(a, b, "BussinessDocType", &bt, err)) ||
        (st = ks_xml_field(a, b, "BussinessDocReason", &d->business_doc_reason, err)) ||
        (st = ks_xml_field(a, b, "Paper", &paper, err)))
        return st;
    d->business_doc_type = bt ? atoi(bt) : 0;
    d->paper = paper && strcmp(paper, "1") == 0;
    return KS_OK;
}

static ks_status attachments(ks_arena *a, xmlNodePtr man, xmlNodePtr enc, size_t max,
                             ks_edxml_doc *d, ks_error *err)
{
    ks_status st;
    size_t n = 0, nref = 0;
    for (xmlNodePtr t = ks_xml_child(enc, "Attachment"); t; t = ks_xml_next(t, "Attachment"))
        if (++n > KS_EDXML_MAX_ATTACHMENTS)
            return ks_error_set(err, KS_E_LIMIT, N_("edXML package: more than %d attachments"),
                                KS_EDXML_MAX_ATTACHMENTS);
    if (n == 0)
        return required(NULL, "AttachmentEncoded/Attachment", err);
    ks_edxml_attachment *at = ks_arena_alloc(a, n * sizeof *at);
    if (!at)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t i = 0;
    for (xmlNodePtr t = ks_xml_child(enc, "Attachment"); t; t = ks_xml_next(t, "Attachment"), i++) {
        const char *b64 = NULL;
        memset(&at[i], 0, sizeof at[i]);
        if ((st = ks_xml_field(a, t, "ContentId", &at[i].content_id, err)) ||
            (st = ks_xml_field(a, t, "ContentType", &at[i].content_type, err)) ||
            (st = ks_xml_field(a, t, "Description", &at[i].description, err)) ||
            (st = ks_xml_field(a, t, "AttachmentName", &at[i].name, err)) ||
            (st = required(at[i].content_id, "Attachment/ContentId", err)) ||
            (st = required(at[i].name, "Attachment/AttachmentName", err)))
            return st;
        /* the base64 text may be large: read it with the attachment's own limit */
        xmlNodePtr c = ks_xml_child(t, "ContentTransferEncoded");
        if (!c)
            return required(NULL, "Attachment/ContentTransferEncoded", err);
        if ((st = ks_xml_text(a, c, max / 3 * 4 + 4096, &b64, err)) ||
            (st = ks_base64_decode(a, b64, max, &at[i].data, &at[i].len, err)))
            return st;
        for (size_t j = 0; j < i; j++)
            if (strcmp(at[j].content_id, at[i].content_id) == 0)
                return ks_error_set(err, KS_E_FORMAT,
                                    N_("edXML package: two attachments have ContentId \"%s\""),
                                    at[i].content_id);
    }
    /* every manifest reference names an attachment, and every attachment is referenced */
    for (xmlNodePtr r = ks_xml_child(man, "Reference"); r; r = ks_xml_next(r, "Reference")) {
        const char *cid = NULL;
        if ((st = ks_xml_field(a, r, "ContentId", &cid, err)))
            return st;
        bool found = false;
        for (size_t j = 0; cid && j < n && !found; j++)
            found = strcmp(at[j].content_id, cid) == 0;
        if (!found)
            return ks_error_set(err, KS_E_FORMAT,
                                N_("edXML package: the manifest names ContentId \"%s\" but no "
                                   "attachment carries it"),
                                cid ? cid : "");
        nref++;
    }
    if (nref != n)
        return ks_error_set(err, KS_E_FORMAT,
                            N_("edXML package: %zu attachments but %zu manifest references"), n,
                            nref);
    d->attachments = at;
    d->nattachments = n;
    return KS_OK;
}

ks_status ks_edxml_unpack(const uint8_t *xml, size_t len, const ks_edxml_limits *limits,
                          ks_edxml_package **out, ks_error *err)
{
    *out = NULL;
    xmlDocPtr doc = NULL;
    ks_edxml_limits lim = ks_edxml_limits_of(limits);
    ks_status st = ks_xml_parse(xml, len, lim.max_package, &doc, err);
    if (st)
        return st;
    ks_edxml_package *p = calloc(1, sizeof *p);
    if (!p || !(p->arena = ks_arena_new())) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, "edXML") != 0 || !root->ns ||
        strcmp((const char *)root->ns->href, KS_EDXML_NS) != 0) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("not an edXML package: the root element must be "
                             "<edXML> in namespace %s"),
                          KS_EDXML_NS);
        goto done;
    }
    xmlNodePtr env = ks_xml_child(root, "edXMLEnvelope");
    xmlNodePtr hdr = ks_xml_child(env, "edXMLHeader");
    xmlNodePtr mh = ks_xml_child(hdr, "MessageHeader");
    xmlNodePtr man = ks_xml_child(ks_xml_child(env, "edXMLBody"), "edXMLManifest");
    if (!mh) {
        st = required(NULL, "edXMLEnvelope/edXMLHeader/MessageHeader", err);
        goto done;
    }
    if ((st = header(p->arena, mh, &p->doc, err)) ||
        (st = traces(p->arena, ks_xml_child(hdr, "TraceHeaderList"), &p->doc, err)) ||
        (st = attachments(p->arena, man, ks_xml_child(root, "AttachmentEncoded"),
                          lim.max_attachment, &p->doc, err)))
        goto done;
done:
    xmlFreeDoc(doc);
    if (st)
        ks_edxml_package_free(p);
    else
        *out = p;
    return st;
}
