/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "test-util.h"

#include "shared/path.h"

static void check_sanitize(const char *in, const char *expected) {
        _cleanup_free_ char *out = path_sanitize(in);

        if (!streq(out, expected))
                fail_msg("path_sanitize(\"%s\") = \"%s\", expected \"%s\"", in, out, expected);
}

static void test_path_sanitize_collapses_runs_of_slashes(void **state) {
        check_sanitize("///var/////lib//", "/var/lib");
        check_sanitize("/var//lib", "/var/lib");
        check_sanitize("a//b", "a/b");
        check_sanitize("a///b////c", "a/b/c");
}

static void test_path_sanitize_drops_trailing_slash(void **state) {
        check_sanitize("/a/", "/a");
        check_sanitize("/a//", "/a");
        check_sanitize("a/", "a");
        check_sanitize("/var/lib/images/", "/var/lib/images");
}

static void test_path_sanitize_keeps_leading_double_slash(void **state) {
        check_sanitize("//foo", "//foo");
        check_sanitize("//foo//bar/", "//foo/bar");
}

/* libvirt's virFileSanitizePath: "//" -> "//" (its own comment says so). */
static void test_path_sanitize_keeps_double_slash_alone(void **state) {
        check_sanitize("//", "//");
}

static void test_path_sanitize_triple_slash_is_root(void **state) {
        check_sanitize("///foo", "/foo");
        check_sanitize("///", "/");
        check_sanitize("////foo", "/foo");
}

static void test_path_sanitize_keeps_lone_slash(void **state) {
        check_sanitize("/", "/");
}

static void test_path_sanitize_keeps_dot_dot_and_dot(void **state) {
        check_sanitize("/a/../b", "/a/../b");
        check_sanitize("/../foo", "/../foo");
        check_sanitize("/a/./b/", "/a/./b");
}

static void test_path_sanitize_leaves_clean_paths_alone(void **state) {
        check_sanitize("", "");
        check_sanitize("a", "a");
        check_sanitize("/var/lib/poold", "/var/lib/poold");
}

static void check_join(const char *a, const char *b, const char *expected) {
        _cleanup_free_ char *out = path_join(a, b);

        if (!streq(out, expected))
                fail_msg("path_join(\"%s\", \"%s\") = \"%s\", expected \"%s\"", a, b, out,
                         expected);
}

static void test_path_join_puts_exactly_one_slash_between(void **state) {
        check_join("a", "b", "a/b");
        check_join("a/", "b", "a/b");
        check_join("a", "/b", "a/b");
        check_join("a//", "//b", "a/b");
        check_join("/var/lib", "images/disk.img", "/var/lib/images/disk.img");
        check_join("/", "etc", "/etc");
}

static void test_path_is_absolute(void **state) {
        assert_true(path_is_absolute("/"));
        assert_true(path_is_absolute("/var/lib"));
        assert_true(path_is_absolute("//x"));
        assert_false(path_is_absolute("var/lib"));
        assert_false(path_is_absolute("./x"));
        assert_false(path_is_absolute(""));
        assert_false(path_is_absolute(NULL));
}

/* name_check() refuses name with a reason that mentions what. */
static void check_refused(const char *name, size_t max, const char *what) {
        const char *reason = name_check(name, max);

        if (!reason)
                fail_msg("name_check(\"%s\", %zu) accepted it", name, max);
        if (!strstr(reason, what))
                fail_msg("name_check(\"%s\"): reason \"%s\" does not mention \"%s\"", name, reason,
                         what);
}

static void check_accepted(const char *name, size_t max) {
        const char *reason = name_check(name, max);

        if (reason)
                fail_msg("name_check(\"%s\", %zu) refused it: %s", name, max, reason);
}

static void test_name_check_refuses_empty(void **state) {
        check_refused("", POOL_NAME_MAX, "empty");
        check_refused(NULL, POOL_NAME_MAX, "empty");
        check_refused("", VOL_NAME_MAX, "empty");
}

static void test_name_check_refuses_dot_and_dot_dot(void **state) {
        check_refused(".", POOL_NAME_MAX, "'.'");
        check_refused("..", POOL_NAME_MAX, "'..'");
        check_refused(".", VOL_NAME_MAX, "'.'");
        check_refused("..", VOL_NAME_MAX, "'..'");
}

static void test_name_check_refuses_slash(void **state) {
        check_refused("a/b", POOL_NAME_MAX, "/");
        check_refused("/", POOL_NAME_MAX, "/");
        check_refused("a/", VOL_NAME_MAX, "/");
        check_refused("../x", VOL_NAME_MAX, "/");
}

static void test_name_check_refuses_control_characters(void **state) {
        static const char *const names[] = {
                "a\nb", "a\tb", "\x01", "x\x1f", "del\x7f", "\rname", "tail\n",
        };

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                check_refused(names[i], POOL_NAME_MAX, "control");
                check_refused(names[i], VOL_NAME_MAX, "control");
        }
}

static void test_name_check_refuses_one_byte_over_max(void **state) {
        char pool[POOL_NAME_MAX + 2], vol[VOL_NAME_MAX + 2];

        memset(pool, 'p', POOL_NAME_MAX + 1);
        pool[POOL_NAME_MAX + 1] = '\0';
        memset(vol, 'v', VOL_NAME_MAX + 1);
        vol[VOL_NAME_MAX + 1] = '\0';
        check_refused(pool, POOL_NAME_MAX, "long");
        check_refused(vol, VOL_NAME_MAX, "long");
}

static void test_name_check_accepts_exactly_max(void **state) {
        char pool[POOL_NAME_MAX + 1], vol[VOL_NAME_MAX + 1];

        memset(pool, 'p', POOL_NAME_MAX);
        pool[POOL_NAME_MAX] = '\0';
        memset(vol, 'v', VOL_NAME_MAX);
        vol[VOL_NAME_MAX] = '\0';
        check_accepted(pool, POOL_NAME_MAX);
        check_accepted(vol, VOL_NAME_MAX);
        /* A volume name of VOL_NAME_MAX bytes is too long for a pool. */
        check_refused(vol, POOL_NAME_MAX, "long");
}

static void test_name_check_limit_counts_bytes_not_characters(void **state) {
        /* "é" is two bytes: 126 of them are 252 bytes, one over the pool limit. */
        char name[2 * 126 + 1] = "";

        for (int i = 0; i < 126; i++)
                strcat(name, "\xc3\xa9");
        check_refused(name, POOL_NAME_MAX, "long");
        check_accepted(name, VOL_NAME_MAX);
}

static void test_name_check_accepts_dots_that_are_not_dot_or_dot_dot(void **state) {
        check_accepted("...", POOL_NAME_MAX);
        check_accepted("a..b", POOL_NAME_MAX);
        check_accepted(".hidden", POOL_NAME_MAX);
        check_accepted("..x", VOL_NAME_MAX);
        check_accepted("x.", VOL_NAME_MAX);
}

static void test_name_check_accepts_ordinary_names(void **state) {
        check_accepted("default", POOL_NAME_MAX);
        check_accepted("<sparse>.img", VOL_NAME_MAX);
        check_accepted("disk 1.qcow2", VOL_NAME_MAX);
        check_accepted("a", POOL_NAME_MAX);
        check_accepted("x\\y", VOL_NAME_MAX);
}

static void test_name_check_accepts_utf8(void **state) {
        check_accepted("données-é", POOL_NAME_MAX);
        check_accepted("日本語.img", VOL_NAME_MAX);
        check_accepted("\xf0\x9f\x92\xbe", VOL_NAME_MAX);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_path_sanitize_collapses_runs_of_slashes),
                cmocka_unit_test(test_path_sanitize_drops_trailing_slash),
                cmocka_unit_test(test_path_sanitize_keeps_leading_double_slash),
                cmocka_unit_test(test_path_sanitize_keeps_double_slash_alone),
                cmocka_unit_test(test_path_sanitize_triple_slash_is_root),
                cmocka_unit_test(test_path_sanitize_keeps_lone_slash),
                cmocka_unit_test(test_path_sanitize_keeps_dot_dot_and_dot),
                cmocka_unit_test(test_path_sanitize_leaves_clean_paths_alone),
                cmocka_unit_test(test_path_join_puts_exactly_one_slash_between),
                cmocka_unit_test(test_path_is_absolute),
                cmocka_unit_test(test_name_check_refuses_empty),
                cmocka_unit_test(test_name_check_refuses_dot_and_dot_dot),
                cmocka_unit_test(test_name_check_refuses_slash),
                cmocka_unit_test(test_name_check_refuses_control_characters),
                cmocka_unit_test(test_name_check_refuses_one_byte_over_max),
                cmocka_unit_test(test_name_check_accepts_exactly_max),
                cmocka_unit_test(test_name_check_limit_counts_bytes_not_characters),
                cmocka_unit_test(test_name_check_accepts_dots_that_are_not_dot_or_dot_dot),
                cmocka_unit_test(test_name_check_accepts_ordinary_names),
                cmocka_unit_test(test_name_check_accepts_utf8),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
