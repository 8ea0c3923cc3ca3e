/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdarg.h>
#include <syslog.h>

#include "shared/macros.h"

/* Logging: to stderr, prefixed with the program name, at or above the level set by
 * log_set_max_level() or the POOLD_LOG_LEVEL environment variable (err, warning, info,
 * debug); straight to the journal, with structured fields, when stderr is connected to it
 * (systemd sets JOURNAL_STREAM for services). */

void log_setup(const char *program);
void log_set_max_level(int level);
int log_get_max_level(void);
int log_level_from_string(const char *s);

/* Logs the message (with %m expanding to strerror(-error)) and returns error, which is
 * expected to be a negative errno, so that "return log_error_errno(r, ...)" works. pool, when
 * not NULL, names the pool the message is about: a POOL= field in the journal, so
 * `journalctl POOL=name` shows one pool's history. */
int log_internal(int level, int error, const char *pool, const char *file, int line,
                 const char *func, const char *fmt, ...) _printf_(7, 8);

#define log_full_errno(level, error, ...) \
        log_internal((level), (error), NULL, __FILE__, __LINE__, __func__, __VA_ARGS__)
#define log_pool_full(level, pool, ...) \
        log_internal((level), 0, (pool), __FILE__, __LINE__, __func__, __VA_ARGS__)
#define log_pool_info(pool, ...) log_pool_full(LOG_INFO, pool, __VA_ARGS__)
#define log_pool_warning(pool, ...) log_pool_full(LOG_WARNING, pool, __VA_ARGS__)
#define log_pool_error(pool, ...) log_pool_full(LOG_ERR, pool, __VA_ARGS__)

#define log_debug(...) log_full_errno(LOG_DEBUG, 0, __VA_ARGS__)
#define log_info(...) log_full_errno(LOG_INFO, 0, __VA_ARGS__)
#define log_notice(...) log_full_errno(LOG_NOTICE, 0, __VA_ARGS__)
#define log_warning(...) log_full_errno(LOG_WARNING, 0, __VA_ARGS__)
#define log_error(...) log_full_errno(LOG_ERR, 0, __VA_ARGS__)

#define log_debug_errno(error, ...) log_full_errno(LOG_DEBUG, (error), __VA_ARGS__)
#define log_warning_errno(error, ...) log_full_errno(LOG_WARNING, (error), __VA_ARGS__)
#define log_error_errno(error, ...) log_full_errno(LOG_ERR, (error), __VA_ARGS__)
