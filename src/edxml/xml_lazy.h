/* edxml/xml_lazy.h — libxml2, loaded on the first edXML call (util/dynlib.h) so that commands
 * that never read or write a package do not load it and ICU. Include it instead of the libxml
 * headers; call ks_xml_load(err) before any xml call. Private to src/edxml/. */
#ifndef KYSO_EDXML_XML_LAZY_H
#define KYSO_EDXML_XML_LAZY_H

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>

#include "dynlib.h"

#define KS_XML_SYMBOLS(X)                                                                          \
    X(xmlInitParser)                                                                               \
    X(xmlNewParserCtxt)                                                                            \
    X(xmlFreeParserCtxt)                                                                           \
    X(xmlCtxtReadMemory)                                                                           \
    X(xmlDocGetRootElement)                                                                        \
    X(xmlFreeDoc)                                                                                  \
    X(xmlNewDoc)                                                                                   \
    X(xmlNewNode)                                                                                  \
    X(xmlNewNs)                                                                                    \
    X(xmlDocSetRootElement)                                                                        \
    X(xmlNewTextChild)                                                                             \
    X(xmlNewChild)                                                                                 \
    X(xmlNewProp)                                                                                  \
    X(xmlNewNsProp)                                                                                \
    X(xmlBufferCreate)                                                                             \
    X(xmlBufferFree)                                                                               \
    X(xmlBufferContent)                                                                            \
    X(xmlBufferLength)                                                                             \
    X(xmlSaveToBuffer)                                                                             \
    X(xmlSaveDoc)                                                                                  \
    X(xmlSaveClose)
KS_DL_DECLARE(ks_xml, KS_XML_SYMBOLS);

#define xmlInitParser KS_DL_FN(ks_xml, xmlInitParser)
#define xmlNewParserCtxt KS_DL_FN(ks_xml, xmlNewParserCtxt)
#define xmlFreeParserCtxt KS_DL_FN(ks_xml, xmlFreeParserCtxt)
#define xmlCtxtReadMemory KS_DL_FN(ks_xml, xmlCtxtReadMemory)
#define xmlDocGetRootElement KS_DL_FN(ks_xml, xmlDocGetRootElement)
#define xmlFreeDoc KS_DL_FN(ks_xml, xmlFreeDoc)
#define xmlNewDoc KS_DL_FN(ks_xml, xmlNewDoc)
#define xmlNewNode KS_DL_FN(ks_xml, xmlNewNode)
#define xmlNewNs KS_DL_FN(ks_xml, xmlNewNs)
#define xmlDocSetRootElement KS_DL_FN(ks_xml, xmlDocSetRootElement)
#define xmlNewTextChild KS_DL_FN(ks_xml, xmlNewTextChild)
#define xmlNewChild KS_DL_FN(ks_xml, xmlNewChild)
#define xmlNewProp KS_DL_FN(ks_xml, xmlNewProp)
#define xmlNewNsProp KS_DL_FN(ks_xml, xmlNewNsProp)
#define xmlBufferCreate KS_DL_FN(ks_xml, xmlBufferCreate)
#define xmlBufferFree KS_DL_FN(ks_xml, xmlBufferFree)
#define xmlBufferContent KS_DL_FN(ks_xml, xmlBufferContent)
#define xmlBufferLength KS_DL_FN(ks_xml, xmlBufferLength)
#define xmlSaveToBuffer KS_DL_FN(ks_xml, xmlSaveToBuffer)
#define xmlSaveDoc KS_DL_FN(ks_xml, xmlSaveDoc)
#define xmlSaveClose KS_DL_FN(ks_xml, xmlSaveClose)

#endif
