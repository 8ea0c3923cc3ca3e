/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>

#include "shared/error.h"

/* Definitions are hostile input until proven otherwise. Largest document accepted: */
#define XML_DOCUMENT_MAX (1024 * 1024)

/* Parses an XML document with libxml2, hardened: no network, no DTD loading, no entity
 * substitution, and any document type declaration (where entity bombs and external entities
 * live) refused before its content is read; no more than XML_DOCUMENT_MAX bytes. The root
 * element must be named root. On failure err says what and on which line. */
int xml_parse_document(const char *data, size_t len, const char *root, xmlDoc **ret, Error *err);

DEFINE_TRIVIAL_CLEANUP_FUNC(xmlDoc *, xmlFreeDoc);
#define _cleanup_xml_doc_ _cleanup_(xmlFreeDocp)

/* The first child element called name, in no namespace (libvirt's "./name"). */
xmlNode *xml_child(const xmlNode *n, const char *name);
/* The first child element called name in the namespace href. */
xmlNode *xml_child_ns(const xmlNode *n, const char *href, const char *name);
/* The next sibling element after c with the same name and namespace, for iteration. */
xmlNode *xml_next_same(const xmlNode *c);

#define XML_FOREACH_CHILD(c, parent, name) \
        for (xmlNode *c = xml_child((parent), (name)); c; c = xml_next_same(c))
#define XML_FOREACH_CHILD_NS(c, parent, href, name) \
        for (xmlNode *c = xml_child_ns((parent), (href), (name)); c; c = xml_next_same(c))

/* The text of a node (libvirt's "string(.)"), or NULL when it is empty. */
char *xml_text(const xmlNode *n);
/* xml_text() of the first child called name; NULL if there is none or it is empty. */
char *xml_child_text(const xmlNode *n, const char *name);
/* An attribute in no namespace, newly allocated; NULL if absent (an empty value is ""). */
char *xml_prop(const xmlNode *n, const char *name);
/* Whether the attribute is present (in no namespace). */
bool xml_has_prop(const xmlNode *n, const char *name);
/* The line a node starts on, 0 if unknown. */
int xml_line(const xmlNode *n);
/* The name of a node, as a C string. */
static inline const char *xml_name(const xmlNode *n) {
        return (const char *) n->name;
}
