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

char *error_to_string(const Error *e) {
        const char *msg = e->message ? e->message : "unknown error";

        if (e->file && e->line > 0)
                return xasprintf("%s:%d: %s", e->file, e->line, msg);
        if (e->file)
                return xasprintf("%s: %s", e->file, msg);
        return xstrdup(msg);
}
