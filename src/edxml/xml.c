/* edxml/xml.c — libxml2 under kyso's rules: loaded on first use, a bounded parse of untrusted
 * packages (size limit, no DTD so no entities, no network, errors named with their line), and
 * the small element helpers the package and status files share. Part of edxml/ (util/ only). */
#include <string.h>

#include "internal.h"

KS_DL_DEFINE(ks_xml, KS_XML_SYMBOLS, "libxml2.so.2");

ks_status ks_xml_load(ks_error *err)
{
    ks_status st = ks_dl_load(&ks_xml, err);
    if (st == KS_OK)
        xmlInitParser(); /* once per process inside libxml2; safe to repeat */
    return st;
}

/* Does `xml` declare a DTD? Checked on the raw bytes before libxml2 sees them: edXML has none,
 * and without one there is no entity to expand (billion laughs) or fetch (XXE). */
static bool has_dtd(const uint8_t *xml, size_t len)
{
    static const char tag[] = "<!DOCTYPE";
    for (size_t i = 0; i + 9 <= len; i++)
        if (xml[i] == '<' && xml[i + 1] == '!' && memcmp(xml + i, tag, 9) == 0)
            return true;
    return false;
}

ks_edxml_limits ks_edxml_limits_of(const ks_edxml_limits *l)
{
    ks_edxml_limits r = {KS_EDXML_MAX_PACKAGE, KS_EDXML_MAX_ATTACHMENT};
    if (l && l->max_package && l->max_package < r.max_package)
        r.max_package = l->max_package;
    if (l && l->max_attachment && l->max_attachment < r.max_attachment)
        r.max_attachment = l->max_attachment;
    return r;
}

ks_status ks_xml_parse(const uint8_t *xml, size_t len, size_t max, xmlDocPtr *out, ks_error *err)
{
    *out = NULL;
    if (len > max)
        return ks_error_set(err, KS_E_LIMIT,
                            N_("edXML package of %zu bytes is over the limit of %zu bytes"), len,
                            max);
    if (has_dtd(xml, len))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("edXML package declares a DTD (<!DOCTYPE>): "
                               "refused, edXML has none"));
    ks_status st = ks_xml_load(err);
    if (st)
        return st;
    xmlParserCtxtPtr ctx = xmlNewParserCtxt();
    if (!ctx)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    /* HUGE lifts libxml2's 10 MB text-node cap for base64 files; our own size limit holds. No
     * NOENT (no entity substitution), no DTDLOAD, NONET. */
    int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
               XML_PARSE_HUGE;
    xmlDocPtr doc =
        xmlCtxtReadMemory(ctx, (const char *)xml, (int)len, "package.edxml", "UTF-8", opts);
    if (!doc || !ctx->wellFormed) {
        const char *m = ctx->lastError.message ? ctx->lastError.message : "";
        char msg[160];
        size_t n = strcspn(m, "\n");
        if (n >= sizeof msg)
            n = sizeof msg - 1;
        memcpy(msg, m, n);
        msg[n] = 0;
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("edXML package is not well-formed XML (line %d: "
                             "%s)"),
                          ctx->lastError.line, msg);
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    } else if (doc->intSubset || doc->extSubset) {
        st = ks_error_set(err, KS_E_FORMAT,
                          N_("edXML package declares a DTD (<!DOCTYPE>): "
                             "refused, edXML has none"));
        xmlFreeDoc(doc);
        doc = NULL;
    }
    xmlFreeParserCtxt(ctx);
    *out = doc;
    return st;
}

ks_status ks_xml_save(xmlDocPtr doc, ks_buf *out, ks_error *err)
{
    ks_status st = KS_OK;
    xmlBufferPtr b = xmlBufferCreate();
    if (!b)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    xmlSaveCtxtPtr s = xmlSaveToBuffer(b, "UTF-8", XML_SAVE_FORMAT);
    if (!s || xmlSaveDoc(s, doc) < 0) {
        if (s)
            xmlSaveClose(s);
        st = ks_error_set(err, KS_E_NOMEM, N_("cannot serialise the edXML package"));
        goto done;
    }
    xmlSaveClose(s);
    if (!ks_buf_append(out, xmlBufferContent(b), (size_t)xmlBufferLength(b)))
        st = ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
done:
    xmlBufferFree(b);
    return st;
}

static bool is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

xmlNodePtr ks_xml_child(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->children : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

xmlNodePtr ks_xml_next(xmlNodePtr n, const char *name)
{
    for (xmlNodePtr c = n ? n->next : NULL; c; c = c->next)
        if (is(c, name))
            return c;
    return NULL;
}

ks_status ks_xml_text(ks_arena *a, xmlNodePtr n, size_t max, const char **out, ks_error *err)
{
    *out = NULL;
    if (!n)
        return KS_OK;
    size_t len = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            len += strlen((const char *)c->content);
            if (len > max)
                return ks_error_set(err, KS_E_LIMIT,
                                    N_("edXML element <%s> is over the limit of %zu bytes"),
                                    (const char *)n->name, max);
        }
    char *s = ks_arena_alloc(a, len + 1);
    if (!s)
        return ks_error_set(err, KS_E_NOMEM, N_("out of memory"));
    size_t at = 0;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) && c->content) {
            size_t l = strlen((const char *)c->content);
            memcpy(s + at, c->content, l);
            at += l;
        }
    s[at] = 0;
    /* trim the layout whitespace around a value */
    char *b = s, *e = s + at;
    while (*b == ' ' || *b == '\n' || *b == '\r' || *b == '\t')
        b++;
    while (e > b && (e[-1] == ' ' || e[-1] == '\n' || e[-1] == '\r' || e[-1] == '\t'))
        *--e = 0;
    if (!ks_utf8_valid(b, (size_t)(e - b)))
        return ks_error_set(err, KS_E_FORMAT, N_("edXML element <%s> is not valid UTF-8"),
                            (const char *)n->name);
    *out = b;
    return KS_OK;
}

ks_status ks_xml_field(ks_arena *a, xmlNodePtr n, const char *name, const char **out, ks_error *err)
{
    return ks_xml_text(a, ks_xml_child(n, name), KS_EDXML_MAX_FIELD, out, err);
}

xmlNodePtr ks_xml_add(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text)
{
    if (!text)
        return NULL;
    return xmlNewTextChild(parent, ns, (const xmlChar *)name, (const xmlChar *)text);
}

void ks_edxml_put_organ(xmlNodePtr parent, xmlNsPtr ns, const char *name, const ks_edxml_organ *o)
{
    xmlNodePtr n = xmlNewChild(parent, ns, (const xmlChar *)name, NULL);
    if (!n)
        return;
    ks_xml_add(n, ns, "OrganId", o->organ_id);
    ks_xml_add(n, ns, "OrganizationInCharge", o->organization_in_charge);
    ks_xml_add(n, ns, "OrganName", o->organ_name);
    ks_xml_add(n, ns, "OrganAdd", o->organ_add);
    ks_xml_add(n, ns, "Email", o->email);
    ks_xml_add(n, ns, "Telephone", o->telephone);
    ks_xml_add(n, ns, "Fax", o->fax);
    ks_xml_add(n, ns, "Website", o->website);
}

ks_status ks_edxml_get_organ(ks_arena *a, xmlNodePtr n, ks_edxml_organ *o, ks_error *err)
{
    ks_status st;
    memset(o, 0, sizeof *o);
    if ((st = ks_xml_field(a, n, "OrganId", &o->organ_id, err)) ||
        (st = ks_xml_field(a, n, "OrganizationInCharge", &o->organization_in_charge, err)) ||
        (st = ks_xml_field(a, n, "OrganName", &o->organ_name, err)) ||
        (st = ks_xml_field(a, n, "OrganAdd", &o->organ_add, err)) ||
        (st = ks_xml_field(a, n, "Email", &o->email, err)) ||
        (st = ks_xml_field(a, n, "Telephone", &o->telephone, err)) ||
        (st = ks_xml_field(a, n, "Fax", &o->fax, err)) ||
        (st = ks_xml_field(a, n, "Website", &o->website, err)))
        return st;
    if (!o->organ_id || !ks_edxml_organ_id_ok(o->organ_id))
        return ks_error_set(err, KS_E_FORMAT,
                            N_("edXML <%s>: OrganId \"%s\" is not a mã định danh (1–35 of 0-9, "
                               "A-Z, '.')"),
                            (const char *)n->name, o->organ_id ? o->organ_id : "");
    return KS_OK;
}

bool ks_edxml_organ_id_ok(const char *s)
{
    size_t n = 0;
    for (; s && s[n]; n++) {
        char c = s[n];
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || c == '.'))
            return false;
    }
    return n >= 1 && n <= KS_EDXML_MAX_ORGAN_ID;
}

void ks_edxml_timestamp(time_t t, char out[32])
{
    char iso[32];
    ks_time_iso_vn(t, iso); /* 2026-03-05T09:41:07+07:00 */
    snprintf(out, 32, "%.4s/%.2s/%.2s %.8s", iso, iso + 5, iso + 8, iso + 11);
}
