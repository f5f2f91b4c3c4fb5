/* edxml/internal.h — the shared helpers of the edXML files: loading libxml2, the bounded parse,
 * element lookup by local name, text fields into the arena, and base64. Private to src/edxml/. */
#ifndef KYSO_EDXML_INTERNAL_H
#define KYSO_EDXML_INTERNAL_H

#include "kyso/edxml.h"
#include "xml_lazy.h"

ks_status ks_xml_load(ks_error *err);
/* Parses untrusted `xml`: size limit, DTD refused, no network, no entity substitution. */
ks_status ks_xml_parse(const uint8_t *xml, size_t len, size_t max, xmlDocPtr *out, ks_error *err);
/* `l` with its zero fields (or all, when NULL) replaced by the defaults. */
ks_edxml_limits ks_edxml_limits_of(const ks_edxml_limits *l);
/* Serialises `doc` (UTF-8, with declaration) and appends it to `out`. */
ks_status ks_xml_save(xmlDocPtr doc, ks_buf *out, ks_error *err);

/* The first child element of `n` with local name `name` (any namespace); NULL if none. */
xmlNodePtr ks_xml_child(xmlNodePtr n, const char *name);
/* The next sibling element after `n` with the same local name. */
xmlNodePtr ks_xml_next(xmlNodePtr n, const char *name);
/* The text of element `n` (its text and CDATA children), copied into `a`; NULL when `n` is NULL.
 * KS_E_LIMIT past `max` bytes; KS_E_FORMAT for invalid UTF-8. */
ks_status ks_xml_text(ks_arena *a, xmlNodePtr n, size_t max, const char **out, ks_error *err);
/* Text of child `name` of `n` (NULL when absent). */
ks_status ks_xml_field(ks_arena *a, xmlNodePtr n, const char *name, const char **out,
                       ks_error *err);
/* Adds <edXML:name>text</edXML:name> under `parent` unless `text` is NULL (empty: empty element
 * when `always`). Returns the new node or NULL (out of memory, or skipped). */
xmlNodePtr ks_xml_add(xmlNodePtr parent, xmlNsPtr ns, const char *name, const char *text);

/* Base64 (RFC 4648 §4) of `len` bytes, appended to `out` without line breaks. */
bool ks_base64_encode(ks_buf *out, const uint8_t *data, size_t len);
/* Strict decoding (whitespace between groups allowed); result in the arena. */
ks_status ks_base64_decode(ks_arena *a, const char *s, size_t max, const uint8_t **out, size_t *len,
                           ks_error *err);

/* From/To structure, both ways. */
void ks_edxml_put_organ(xmlNodePtr parent, xmlNsPtr ns, const char *name, const ks_edxml_organ *o);
ks_status ks_edxml_get_organ(ks_arena *a, xmlNodePtr n, ks_edxml_organ *o, ks_error *err);

#endif
