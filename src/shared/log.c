/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <strings.h>

#include "shared/log.h"

static int max_level = LOG_INFO;
static const char *program_name = "poold";

static const char *const level_names[] = {
        [LOG_EMERG] = "emerg", [LOG_ALERT] = "alert",     [LOG_CRIT] = "crit",
        [LOG_ERR] = "err",     [LOG_WARNING] = "warning", [LOG_NOTICE] = "notice",
        [LOG_INFO] = "info",   [LOG_DEBUG] = "debug",
};

int log_level_from_string(const char *s) {
        for (size_t i = 0; i < ELEMENTSOF(level_names); i++)
                if (strcasecmp(s, level_names[i]) == 0)
                        return (int) i;
        if (strcasecmp(s, "error") == 0)
                return LOG_ERR;
        return -EINVAL;
}

void log_setup(const char *program) {
        const char *e;

        if (program)
                program_name = program;
        e = getenv("POOLD_LOG_LEVEL");
        if (e) {
                int l = log_level_from_string(e);
                if (l >= 0)
                        max_level = l;
        }
}

void log_set_max_level(int level) {
        max_level = level;
}

int log_get_max_level(void) {
        return max_level;
}

int log_internal(int level, int error, const char *file, int line, const char *func,
                 const char *fmt, ...) {
        va_list ap;

        if (level > max_level)
                return error;

        /* %m in fmt expands to strerror(errno): make it the error we were given. */
        if (error != 0)
                errno = error < 0 ? -error : error;

        va_start(ap, fmt);
        fprintf(stderr, "%s: ", program_name);
        vfprintf(stderr, fmt, ap);
        fputc('\n', stderr);
        va_end(ap);

        if (max_level >= LOG_DEBUG)
                fprintf(stderr, "%s:   (at %s:%d %s)\n", program_name, file, line, func);
        return error;
}
