/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "shared/macros.h"

/* Asserts that haystack contains needle, printing both when it does not. */
#define assert_contains(haystack, needle)                                                  \
        do {                                                                               \
                const char *_h = (haystack), *_n = (needle);                               \
                if (!_h || !strstr(_h, _n))                                                \
                        fail_msg("expected \"%s\" to contain \"%s\"", _h ? _h : "(null)", _n); \
        } while (0)

/* Returns true when a test can run (ok). Otherwise skips it, saying why, or fails it under
 * POOLD_TEST_REQUIRE_ROOT=1 (the root tier of CI, where a skip would hide a regression). */
static inline bool test_require(bool ok, const char *test, const char *why) {
        const char *req = getenv("POOLD_TEST_REQUIRE_ROOT");

        if (ok)
                return true;
        if (req && streq(req, "1"))
                fail_msg("%s: %s, and POOLD_TEST_REQUIRE_ROOT=1", test, why);
        print_message("[  SKIP    ] %s: %s\n", test, why);
        skip();
        return false;
}

/* A fresh temporary directory (mkdtemp under $TMPDIR or /tmp); remove with rm_rf(). */
char *test_mkdtemp(void);
void test_rm_rf(const char *path);
/* Writes a file (not atomically: test set-up). */
void test_write_file(const char *dir, const char *name, const char *content);
/* Runs a shell command line of the test's own (fixed strings and our paths) in cwd (NULL:
 * where the test runs), its output to /dev/null when quiet; its exit status, -1 when it did
 * not exit. */
int test_shell(const char *cwd, bool quiet, const char *fmt, ...) _printf_(3, 4);
/* FIXTURES_DIR/rel, newly allocated. */
char *test_fixture(const char *rel);
