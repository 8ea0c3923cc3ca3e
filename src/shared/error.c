/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "shared/error.h"

_printf_(4, 0) static int error_setv(Error *e, int r, int line, const char *fmt, va_list ap) {
        if (!e || e->message)
                return r;
        if (vasprintf(&e->message, fmt, ap) < 0)
                oom();
        e->line = line;
        return r;
}

int error_set(Error *e, int line, const char *fmt, ...) {
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = error_setv(e, -EINVAL, line, fmt, ap);
        va_end(ap);
        return r;
}

int error_set_errno(Error *e, int r, int line, const char *fmt, ...) {
        va_list ap;

        va_start(ap, fmt);
        r = error_setv(e, r, line, fmt, ap);
        va_end(ap);
        return r;
}

void error_set_file(Error *e, const char *file) {
        if (!e || e->file)
                return;
        e->file = xstrdup(file);
}

void error_clear(Error *e) {
        if (!e)
                return;
        free(e->file);
        free(e->message);
        *e = ERROR_INIT;
}

/* Messages quote user input; a newline in a pool name must not forge a second line, so
 * control characters are shown as \xNN (as virsh shows them in tables). */
static char *escape_controls(const char *s) {
        char *out = xmalloc(strlen(s) * 4 + 1), *o = out;

        for (const unsigned char *p = (const unsigned char *) s; *p; p++) {
                if (*p < 0x20 || *p == 0x7f)
                        o += sprintf(o, "\\x%02x", *p);
                else
                        *o++ = (char) *p;
        }
        *o = '\0';
        return out;
}

char *error_to_string(const Error *e) {
        _cleanup_free_ char *msg = escape_controls(e->message ? e->message : "unknown error");
        _cleanup_free_ char *file = e->file ? escape_controls(e->file) : NULL;

        if (file && e->line > 0)
                return xasprintf("%s:%d: %s", file, e->line, msg);
        if (file)
                return xasprintf("%s: %s", file, msg);
        return TAKE_PTR(msg);
}
