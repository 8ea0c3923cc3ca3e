/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <libxml/parser.h>
#include <libxml/parserInternals.h>

#include "shared/xml-read.h"

static void silent_error(void *ctx, const char *msg, ...) {
}

static void silent_structured_error(void *ctx, xmlErrorPtr e) {
}

/* What one parse found, hung on the parser context's _private. */
typedef struct ParseState {
        const char *refusal; /* why the document was refused before being read */
        int first_line;      /* the first error libxml2 reported: the closest to the cause */
        char *first_message;
} ParseState;

/* SAX hooks: the parser calls these on "<!DOCTYPE" and on "<!ENTITY"; stopping there means
 * no entity is ever declared, so none can be expanded. */
static void refuse_dtd(void *ctx, const xmlChar *name, const xmlChar *external_id,
                       const xmlChar *system_id) {
        xmlParserCtxtPtr c = ctx;
        ParseState *st = c->_private;

        st->refusal = "document type declarations (DTDs) are not allowed";
        xmlStopParser(c);
}

static void refuse_entity(void *ctx, const xmlChar *name, int type, const xmlChar *public_id,
                          const xmlChar *system_id, xmlChar *content) {
        xmlParserCtxtPtr c = ctx;
        ParseState *st = c->_private;

        st->refusal = "entity declarations are not allowed";
        xmlStopParser(c);
}

static void record_first_error(void *ctx, xmlErrorPtr e) {
        xmlParserCtxtPtr c = ctx;
        ParseState *st = c ? c->_private : NULL;

        if (!st || st->first_message || !e || e->level < XML_ERR_ERROR)
                return;
        st->first_line = e->line;
        st->first_message = xstrdup(e->message ? e->message : "malformed XML");
}

static char *trim_message(const char *m) {
        char *s = xstrdup(m ? m : "malformed XML");
        size_t n = strlen(s);

        while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
                s[--n] = '\0';
        return s;
}

int xml_parse_document(const char *data, size_t len, const char *root, xmlDoc **ret, Error *err) {
        ParseState st = {};
        xmlParserCtxtPtr ctxt;
        xmlDoc *doc;
        xmlNode *top;
        int r = 0;

        if (len > XML_DOCUMENT_MAX)
                return error_set_errno(err, -EFBIG, 0, "document is larger than %d bytes",
                                       XML_DOCUMENT_MAX);
        if (len == 0)
                return error_set(err, 0, "document is empty");
        if (memchr(data, '\0', len))
                return error_set(err, 0, "document contains a NUL byte");

        xmlSetGenericErrorFunc(NULL, silent_error);
        xmlSetStructuredErrorFunc(NULL, silent_structured_error);

        ctxt = xmlNewParserCtxt();
        if (!ctxt)
                oom();
        ctxt->sax->internalSubset = refuse_dtd;
        ctxt->sax->externalSubset = refuse_dtd;
        ctxt->sax->entityDecl = refuse_entity;
        ctxt->sax->serror = record_first_error;
        ctxt->_private = &st;

        doc = xmlCtxtReadMemory(ctxt, data, (int) len, NULL, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                        XML_PARSE_NOCDATA | XML_PARSE_BIG_LINES);
        if (st.refusal)
                r = error_set(err, xmlSAX2GetLineNumber(ctxt), "%s", st.refusal);
        else if (!doc || !ctxt->wellFormed) {
                const xmlError *e = xmlCtxtGetLastError(ctxt);
                _cleanup_free_ char *m =
                        trim_message(st.first_message ? st.first_message : e ? e->message : NULL);

                r = error_set(err, st.first_message ? st.first_line : e ? e->line : 0,
                              "malformed XML: %s", m);
        }
        free(st.first_message);
        xmlFreeParserCtxt(ctxt);
        if (r < 0) {
                xmlFreeDoc(doc);
                return r;
        }

        /* Belt and braces: whatever path a declaration took, it is not accepted. */
        if (doc->intSubset || doc->extSubset) {
                xmlFreeDoc(doc);
                return error_set(err, 1, "document type declarations (DTDs) are not allowed");
        }

        top = xmlDocGetRootElement(doc);
        if (!top) {
                xmlFreeDoc(doc);
                return error_set(err, 0, "document has no root element");
        }
        if (top->ns) {
                error_set(err, xml_line(top),
                          "root element <%s> is in namespace '%s'; libvirt's <%s> has none",
                          xml_name(top), top->ns->href ? (const char *) top->ns->href : "",
                          root);
                xmlFreeDoc(doc);
                return -EINVAL;
        }
        if (!streq(xml_name(top), root)) {
                error_set(err, xml_line(top), "unexpected root element <%s>, expecting <%s>",
                          xml_name(top), root);
                xmlFreeDoc(doc);
                return -EINVAL;
        }
        *ret = doc;
        return 0;
}

static bool node_is(const xmlNode *c, const char *href, const char *name) {
        if (c->type != XML_ELEMENT_NODE || !streq(xml_name(c), name))
                return false;
        if (!href)
                return !c->ns;
        return c->ns && c->ns->href && streq((const char *) c->ns->href, href);
}

xmlNode *xml_child(const xmlNode *n, const char *name) {
        return xml_child_ns(n, NULL, name);
}

xmlNode *xml_child_ns(const xmlNode *n, const char *href, const char *name) {
        if (!n)
                return NULL;
        for (xmlNode *c = n->children; c; c = c->next)
                if (node_is(c, href, name))
                        return c;
        return NULL;
}

xmlNode *xml_next_same(const xmlNode *c) {
        const char *href = c->ns ? (const char *) c->ns->href : NULL;

        for (xmlNode *s = c->next; s; s = s->next)
                if (node_is(s, href, xml_name(c)))
                        return s;
        return NULL;
}

char *xml_text(const xmlNode *n) {
        xmlChar *t;
        char *r;

        if (!n)
                return NULL;
        t = xmlNodeGetContent(n);
        if (!t)
                return NULL;
        r = *t ? xstrdup((const char *) t) : NULL;
        xmlFree(t);
        return r;
}

char *xml_child_text(const xmlNode *n, const char *name) {
        return xml_text(xml_child(n, name));
}

char *xml_prop(const xmlNode *n, const char *name) {
        xmlChar *v;
        char *r;

        if (!n)
                return NULL;
        v = xmlGetNoNsProp(n, (const xmlChar *) name);
        if (!v)
                return NULL;
        r = xstrdup((const char *) v);
        xmlFree(v);
        return r;
}

bool xml_has_prop(const xmlNode *n, const char *name) {
        return n && xmlHasNsProp(n, (const xmlChar *) name, NULL);
}

int xml_line(const xmlNode *n) {
        long l = n ? xmlGetLineNo(n) : 0;

        return l > 0 && l < INT32_MAX ? (int) l : 0;
}
