/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "shared/macros.h"

/* A user-facing error about some input: what is wrong and where (file and line, when known).
 * Parsers fill one in and return a negative errno; the caller decides how to show it.
 * Only the first error set is kept: it is the one closest to the cause. */
typedef struct Error {
        char *file;    /* NULL when the input did not come from a file */
        int line;      /* 0 when unknown */
        char *message;
} Error;

#define ERROR_INIT ((Error){ .file = NULL, .line = 0, .message = NULL })

/* Sets the error if it is not set yet. Returns -EINVAL, so "return error_set(...)" works. */
int error_set(Error *e, int line, const char *fmt, ...) _printf_(3, 4);
/* Like error_set(), returning the given negative errno instead. */
int error_set_errno(Error *e, int r, int line, const char *fmt, ...) _printf_(4, 5);
void error_set_file(Error *e, const char *file);
void error_clear(Error *e);
/* "FILE:LINE: MESSAGE", "FILE: MESSAGE" or "MESSAGE", newly allocated. */
char *error_to_string(const Error *e);

static inline void error_clearp(Error *e) {
        error_clear(e);
}
#define _cleanup_error_ _cleanup_(error_clearp)
