/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <strings.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>

#include "shared/log.h"

static int max_level = LOG_INFO;
static const char *program_name = "poold";
static bool to_journal = false;

/* stderr is the journal when JOURNAL_STREAM names its device and inode. */
static bool stderr_is_journal(void) {
        const char *e = getenv("JOURNAL_STREAM");
        unsigned long long dev, ino;
        struct stat st;

        if (!e || sscanf(e, "%llu:%llu", &dev, &ino) != 2 || fstat(STDERR_FILENO, &st) < 0)
                return false;
        return (unsigned long long) st.st_dev == dev && (unsigned long long) st.st_ino == ino;
}

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
        to_journal = stderr_is_journal();
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

int log_internal(int level, int error, const char *pool, const char *file, int line,
                 const char *func, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        int saved = errno;

        if (level > max_level)
                return error;

        /* %m in fmt expands to strerror(errno): make it the error we were given. */
        errno = error != 0 ? (error < 0 ? -error : error) : saved;
        va_start(ap, fmt);
        if (vasprintf(&msg, fmt, ap) < 0)
                msg = NULL;
        va_end(ap);
        if (!msg)
                return error;

        if (to_journal) {
                char code_line[16];
                snprintf(code_line, sizeof(code_line), "%d", line);
                if (pool)
                        sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", level, "POOL=%s", pool,
                                        "SYSLOG_IDENTIFIER=%s", program_name, "CODE_FILE=%s",
                                        file, "CODE_LINE=%s", code_line, "CODE_FUNC=%s", func,
                                        NULL);
                else
                        sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%i", level,
                                        "SYSLOG_IDENTIFIER=%s", program_name, "CODE_FILE=%s",
                                        file, "CODE_LINE=%s", code_line, "CODE_FUNC=%s", func,
                                        NULL);
        } else {
                fprintf(stderr, "%s: %s\n", program_name, msg);
                if (max_level >= LOG_DEBUG)
                        fprintf(stderr, "%s:   (at %s:%d %s)\n", program_name, file, line, func);
        }
        errno = saved;
        return error;
}
