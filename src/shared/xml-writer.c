/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>

#include "shared/xml-writer.h"

void xml_writer_init(XmlWriter *w) {
        *w = (XmlWriter){ .bol = true };
        w->f = open_memstream(&w->buf, &w->size);
        if (!w->f)
                oom();
}

void xml_writer_indent(XmlWriter *w, int delta) {
        w->indent += delta;
        if (w->indent < 0)
                w->indent = 0;
}

static void write_chunk(XmlWriter *w, const char *s) {
        size_t n = strlen(s);

        if (n == 0)
                return;
        if (w->bol)
                fprintf(w->f, "%*s", w->indent, "");
        fputs(s, w->f);
        w->bol = s[n - 1] == '\n';
}

void xml_writer_printf(XmlWriter *w, const char *fmt, ...) {
        _cleanup_free_ char *s = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                oom();
        va_end(ap);
        write_chunk(w, s);
}

char *xml_escape(const char *s) {
        size_t n = 0;
        char *out, *o;

        for (const char *p = s; *p; p++)
                n += 6;
        out = o = xmalloc(n + 1);
        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                switch (*p) {
                case '<': o = stpcpy(o, "&lt;"); break;
                case '>': o = stpcpy(o, "&gt;"); break;
                case '&': o = stpcpy(o, "&amp;"); break;
                case '"': o = stpcpy(o, "&quot;"); break;
                case '\'': o = stpcpy(o, "&apos;"); break;
                default:
                        if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                                break; /* not representable in XML 1.0 */
                        *o++ = (char) *p;
                }
        }
        *o = '\0';
        return out;
}

void xml_writer_escape(XmlWriter *w, const char *fmt, const char *str) {
        _cleanup_free_ char *esc = NULL, *s = NULL;

        if (!str)
                return;
        esc = xml_escape(str);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        s = xasprintf(fmt, esc);
#pragma GCC diagnostic pop
        write_chunk(w, s);
}

char *xml_writer_finish(XmlWriter *w, size_t *ret_len) {
        char *r;

        if (fclose(w->f) != 0)
                oom();
        r = w->buf;
        if (ret_len)
                *ret_len = w->size;
        *w = (XmlWriter){ 0 };
        return r;
}

void xml_writer_abandon(XmlWriter *w) {
        if (!w->f)
                return;
        free(xml_writer_finish(w, NULL));
}
