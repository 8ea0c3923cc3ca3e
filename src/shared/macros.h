/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))
#define _unused_ __attribute__((unused))
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _noreturn_ __attribute__((noreturn))
#define _warn_unused_result_ __attribute__((warn_unused_result))

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))

/* Moves ownership out of a _cleanup_ variable. */
#define TAKE_PTR(p)                     \
        ({                              \
                typeof(p) _tp_ = (p);   \
                (p) = NULL;             \
                _tp_;                   \
        })

#define TAKE_FD(fd)                     \
        ({                              \
                int _tfd_ = (fd);       \
                (fd) = -1;              \
                _tfd_;                  \
        })

static inline void freep(void *p) {
        free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

static inline void closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
        }
}
#define _cleanup_close_ _cleanup_(closep)

/* Defines NAMEp(), a cleanup helper that calls NAME() on a non-NULL pointer. */
#define DEFINE_TRIVIAL_CLEANUP_FUNC(type, func) \
        static inline void func##p(type *p) {   \
                if (*p)                         \
                        func(*p);               \
        }

static inline bool streq(const char *a, const char *b) {
        return strcmp(a, b) == 0;
}

static inline bool streq_ptr(const char *a, const char *b) {
        if (!a || !b)
                return a == b;
        return streq(a, b);
}

static inline bool isempty(const char *s) {
        return !s || !*s;
}

/* Allocation failures abort: a storage daemon that runs out of memory for a few bytes of
 * bookkeeping cannot recover meaningfully, and checking every strdup() hides real errors. */
_noreturn_ void oom(void);
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) _printf_(1, 2);

/* Appends an element to a malloc'd array, growing it. */
#define ARRAY_APPEND(array, count, value)                                                  \
        do {                                                                               \
                (array) = xrealloc((array), sizeof(*(array)) * ((count) + 1));             \
                (array)[(count)++] = (value);                                              \
        } while (0)
