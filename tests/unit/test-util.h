/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "shared/macros.h"

/* Asserts that haystack contains needle, printing both when it does not. */
#define assert_contains(haystack, needle)                                                  \
        do {                                                                               \
                const char *_h = (haystack), *_n = (needle);                               \
                if (!_h || !strstr(_h, _n))                                                \
                        fail_msg("expected \"%s\" to contain \"%s\"", _h ? _h : "(null)", _n); \
        } while (0)

/* A fresh temporary directory (mkdtemp under $TMPDIR or /tmp); remove with rm_rf(). */
char *test_mkdtemp(void);
void test_rm_rf(const char *path);
/* Writes a file (not atomically: test set-up). */
void test_write_file(const char *dir, const char *name, const char *content);
/* FIXTURES_DIR/rel, newly allocated. */
char *test_fixture(const char *rel);
