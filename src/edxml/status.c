/* edxml/status.c — status packages: the answer of a receiving system to a document package
 * (received, rejected with a reason, accepted/registered, assigned, in progress, done; recall
 * answers). Written as implementers exchange them: a SOAP envelope whose header carries
 * <edXML:Status> (docs/edxml.md). Part of edxml/ (util/ only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define SOAP_NS "http://schemas.xmlsoap.org/soap/envelope/"

static const struct {
    int code;
    const char *name;
} names[] = {
    {KS_EDXML_RECEIVED, "received"},         {KS_EDXML_REJECTED, "rejected"},
    {KS_EDXML_ACCEPTED, "accepted"},         {KS_EDXML_ASSIGNED, "assigned"},
    {KS_EDXML_PROCESSING, "processing"},     {KS_EDXML_DONE, "done"},
    {KS_EDXML_RECALL_ASK, "recall-request"}, {KS_EDXML_RECALL_OK, "recall-accepted"},
    {KS_EDXML_RECALL_NO, "recall-refused"},
};

const char *ks_edxml_status_name(int code)
{
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (names[i].code == code)
            return names[i].name;
    return NULL;
}

int ks_edxml_status_from_name(const char *name)
{
    for (size_t i = 0; name && i < sizeof names / sizeof names[0]; i++)
        if (strcmp(names[i].name, name) == 0)
            return names[i].code;
    return 0;
}

static bool needs_reason(int code)
{
    return code == KS_EDXML_REJECTED || code == KS_EDXML_RECALL_NO;
}

ks_status ks_edxml_status_pack(const ks_edxml_status *s, ks_buf *out, ks_error *err)
{
    if (!ks_edxml_status_name(s->code))
        return ks_error_set(err, KS_E_USAGE, N_("edXML status: unknown status code %d"), s->code);
    if (!ks_edxml_organ_id_ok(s->from.organ_id) || !ks_edxml_organ_id_ok(s->for_organ_id))
        return ks_error_set(err, KS_E_USAGE,
                            N_("edXML status: From/OrganId and ResponseFor/OrganId must be a mã "
                               "định danh"));
    if (!s->for_document_id || !*s->for_document_id || !s->timestamp)
        return ks_error_set(err, KS_E_USAGE,
                            N_("edXML status: ResponseFor/DocumentId and Timestamp are required"));
    if (needs_reason(s->code) && (!s->description || !*s->description))
        return ks_error_set(err, KS_E_USAGE, N_("edXML status \"%s\" needs a reason (Description)"),
                            ks_edxml_status_name(s->code));
    ks_status st = ks_xml_load(err);
    if (st)
        return st;
    xmlDocPtr doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNodePtr root = doc ? xmlNewNode(NULL, (const xmlChar *)"Envelope") : NULL;
    if (!root) {
        if (doc)
            xmlFreeDoc(doc);
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    }
    xmlDocSetRootElement(doc, root);
    xmlNsPtr soap = xmlNewNs(root, (const xmlChar *)SOAP_NS, (const xmlChar *)"SOAP-ENV");
    xmlNsPtr ns = xmlNewNs(root, (const xmlChar *)KS_EDXML_NS, (const xmlChar *)"edXML");
    root->ns = soap;
    xmlNodePtr h = xmlNewChild(root, soap, (const xmlChar *)"Header", NULL);
    xmlNodePtr st_n = xmlNewChild(h, ns, (const xmlChar *)"Status", NULL);
    xmlNodePtr rf = xmlNewChild(st_n, ns, (const xmlChar *)"ResponseFor", NULL);
    ks_xml_add(rf, ns, "OrganId", s->for_organ_id);
    ks_xml_add(rf, ns, "Code", s->for_code ? s->for_code : "");
    ks_xml_add(rf, ns, "PromulgationDate",
               s->for_promulgation_date ? s->for_promulgation_date : "");
    ks_xml_add(rf, ns, "DocumentId", s->for_document_id);
    ks_edxml_put_organ(st_n, ns, "From", &s->from);
    char code[8];
    snprintf(code, sizeof code, "%02d", s->code);
    ks_xml_add(st_n, ns, "StatusCode", code);
    ks_xml_add(st_n, ns, "Description", s->description ? s->description : "");
    ks_xml_add(st_n, ns, "Timestamp", s->timestamp);
    xmlNodePtr staff = xmlNewChild(st_n, ns, (const xmlChar *)"StaffInfo", NULL);
    ks_xml_add(staff, ns, "Department", s->department ? s->department : "");
    ks_xml_add(staff, ns, "Staff", s->staff ? s->staff : "");
    xmlNewChild(root, soap, (const xmlChar *)"Body", NULL);
    st = ks_xml_save(doc, out, err);
    xmlFreeDoc(doc);
    return st;
}

void ks_edxml_status_msg_free(ks_edxml_status_msg *m)
{
    if (!m)
        return;
    ks_arena_free(m->arena);
    free(m);
}

ks_status ks_edxml_status_unpack(const uint8_t *xml, size_t len, const ks_edxml_limits *limits,
                                 ks_edxml_status_msg **out, ks_error *err)
{
    *out = NULL;
    xmlDocPtr doc = NULL;
    ks_status st = ks_xml_parse(xml, len, ks_edxml_limits_of(limits).max_package, &doc, err);
    if (st)
        return st;
    ks_edxml_status_msg *m = calloc(1, sizeof *m);
    if (!m || !(m->arena = ks_arena_new())) {
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
        goto done;
    }
    xmlNodePtr root = xmlDocGetRootElement(doc), sn = NULL;
    if (root && strcmp((const char *)root->name, "Status") == 0)
        sn = root;
    else if (root && strcmp((const char *)root->name, "Envelope") == 0)
        sn = ks_xml_child(ks_xml_child(root, "Header"), "Status");
    if (!sn || !sn->ns || strcmp((const char *)sn->ns->href, KS_EDXML_NS) != 0) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("not an edXML status package: no <Status> in "
                             "namespace %s"),
                          KS_EDXML_NS);
        goto done;
    }
    ks_edxml_status *s = &m->status;
    ks_arena *a = m->arena;
    xmlNodePtr rf = ks_xml_child(sn, "ResponseFor"), from = ks_xml_child(sn, "From");
    xmlNodePtr staff = ks_xml_child(sn, "StaffInfo");
    const char *code = NULL;
    if ((st = ks_xml_field(a, rf, "OrganId", &s->for_organ_id, err)) ||
        (st = ks_xml_field(a, rf, "Code", &s->for_code, err)) ||
        (st = ks_xml_field(a, rf, "PromulgationDate", &s->for_promulgation_date, err)) ||
        (st = ks_xml_field(a, rf, "DocumentId", &s->for_document_id, err)) ||
        (st = ks_xml_field(a, sn, "StatusCode", &code, err)) ||
        (st = ks_xml_field(a, sn, "Description", &s->description, err)) ||
        (st = ks_xml_field(a, sn, "Timestamp", &s->timestamp, err)) ||
        (st = ks_xml_field(a, staff, "Department", &s->department, err)) ||
        (st = ks_xml_field(a, staff, "Staff", &s->staff, err)))
        goto done;
    if (!from) {
        st = ks_error_set(err, KS_E_FORMAT, N_("edXML package: <%s> is missing or empty"),
                          "Status/From");
        goto done;
    }
    if ((st = ks_edxml_get_organ(a, from, &s->from, err)))
        goto done;
    char *end = NULL;
    long c = code ? strtol(code, &end, 10) : 0;
    if (!code || !*code || *end || !ks_edxml_status_name((int)c)) {
        st = ks_error_set(err, KS_E_FORMAT, N_("edXML status: unknown status code \"%s\""),
                          code ? code : "");
        goto done;
    }
    s->code = (int)c;
    if (!s->for_document_id || !*s->for_document_id) {
        st = ks_error_set(err, KS_E_FORMAT, N_("edXML package: <%s> is missing or empty"),
                          "ResponseFor/DocumentId");
        goto done;
    }
    if (needs_reason(s->code) && (!s->description || !*s->description)) {
        st = ks_error_set(err, KS_E_FORMAT, N_("edXML status \"%s\" needs a reason (Description)"),
                          ks_edxml_status_name(s->code));
        goto done;
    }
done:
    xmlFreeDoc(doc);
    if (st)
        ks_edxml_status_msg_free(m);
    else
        *out = m;
    return st;
}
