/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "shared/macros.h"

/* Writes XML text in libvirt's canonical layout: single-quoted attributes, two spaces of
 * indentation per level, one element per line. libxml2's serializers choose their own quotes
 * and empty-element forms, and poold's output must match libvirt's byte for byte, so the
 * layout is done here while parsing is libxml2's. Text goes into an open_memstream(). */
typedef struct XmlWriter {
        FILE *f;
        char *buf;
        size_t size;
        int indent;
        bool bol; /* at the beginning of a line: the next text is indented */
} XmlWriter;

void xml_writer_init(XmlWriter *w);
void xml_writer_indent(XmlWriter *w, int delta);
/* Raw text; fmt must not format untrusted strings (use xml_writer_escape for those). */
void xml_writer_printf(XmlWriter *w, const char *fmt, ...) _printf_(2, 3);
/* fmt holds exactly one %s, replaced by str escaped for XML ('<' '>' '&' '"' '\''; other
 * control characters than tab, newline and return are dropped). Nothing is written when str
 * is NULL, which keeps optional elements one line in the callers. */
void xml_writer_escape(XmlWriter *w, const char *fmt, const char *str);
/* Ends writing and returns the text (caller frees). */
char *xml_writer_finish(XmlWriter *w, size_t *ret_len);
void xml_writer_abandon(XmlWriter *w);

/* The escaped form of s, newly allocated. */
char *xml_escape(const char *s);
