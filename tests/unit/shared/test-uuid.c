/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "test-util.h"

#include "shared/uuid-util.h"

/* 70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b */
static const uint8_t expected_bytes[16] = {
        0x70, 0xa7, 0xb3, 0xc4, 0x1d, 0x2e, 0x4f, 0x50,
        0x8a, 0x6b, 0x7c, 0x8d, 0x9e, 0x0f, 0x1a, 0x2b,
};

static void check_parses(const char *s) {
        uint8_t u[16];
        int r = uuid_parse_lenient(s, u);

        if (r != 0)
                fail_msg("uuid_parse_lenient(\"%s\") = %d, expected 0", s, r);
        if (memcmp(u, expected_bytes, 16) != 0)
                fail_msg("uuid_parse_lenient(\"%s\") gave the wrong bytes", s);
}

static void check_refused(const char *s) {
        uint8_t u[16];
        int r = uuid_parse_lenient(s, u);

        if (r != -EINVAL)
                fail_msg("uuid_parse_lenient(\"%s\") = %d, expected -EINVAL", s, r);
}

static void test_uuid_parse_accepts_canonical(void **state) {
        check_parses("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b");
}

static void test_uuid_parse_accepts_upper_case(void **state) {
        check_parses("70A7B3C4-1D2E-4F50-8A6B-7C8D9E0F1A2B");
        check_parses("70a7B3c4-1D2e-4f50-8A6b-7c8D9e0F1a2B");
}

static void test_uuid_parse_accepts_no_dashes(void **state) {
        check_parses("70a7b3c41d2e4f508a6b7c8d9e0f1a2b");
}

static void test_uuid_parse_accepts_dashes_between_any_byte_pairs(void **state) {
        check_parses("70-a7-b3-c4-1d-2e-4f-50-8a-6b-7c-8d-9e-0f-1a-2b");
        check_parses("70a7-b3c41d2e4f508a6b7c8d9e0f-1a2b");
        check_parses("70a7b3c41d2e4f508a6b7c8d9e0f1a--2b");
}

static void test_uuid_parse_accepts_spaces_between_byte_pairs(void **state) {
        check_parses("70 a7 b3 c4 1d 2e 4f 50 8a 6b 7c 8d 9e 0f 1a 2b");
        check_parses("70a7b3c4 1d2e 4f50 8a6b 7c8d9e0f1a2b");
        check_parses("70a7b3c4-1d2e 4f50-8a6b 7c8d9e0f1a2b");
}

static void test_uuid_parse_accepts_surrounding_white_space(void **state) {
        check_parses("  70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b");
        check_parses("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b \n");
        check_parses("\n\t 70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b\t\n ");
}

static void test_uuid_parse_refuses_too_short(void **state) {
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2"); /* 31 digits */
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a");  /* 30 digits */
        check_refused("70a7b3c4");
}

static void test_uuid_parse_refuses_too_long(void **state) {
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b0");  /* 33 digits */
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b00"); /* 34 digits */
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b 00");
}

static void test_uuid_parse_refuses_non_hex(void **state) {
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2g");
        check_refused("g0a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b");
        check_refused("70a7b3c4_1d2e_4f50_8a6b_7c8d9e0f1a2b");
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b x");
        check_refused("{70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b}");
}

static void test_uuid_parse_refuses_dash_inside_byte_pair(void **state) {
        check_refused("7-0a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b");
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2-b");
        check_refused("70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1 a2b");
}

static void test_uuid_parse_refuses_empty(void **state) {
        check_refused("");
        check_refused("   ");
        check_refused("----");
}

static void test_uuid_format_is_lower_case_8_4_4_4_12(void **state) {
        char buf[UUID_STRING_MAX];
        uint8_t u[16];

        assert_string_equal(uuid_format(expected_bytes, buf),
                            "70a7b3c4-1d2e-4f50-8a6b-7c8d9e0f1a2b");
        assert_int_equal(uuid_parse_lenient("ABCDEF0123456789ABCDEF0123456789", u), 0);
        assert_string_equal(uuid_format(u, buf), "abcdef01-2345-6789-abcd-ef0123456789");
        assert_int_equal(strlen(buf), UUID_STRING_MAX - 1);
}

static void test_uuid_from_name_is_stable(void **state) {
        uint8_t a[16], b[16];

        uuid_from_name("default", a);
        uuid_from_name("default", b);
        assert_memory_equal(a, b, 16);
        uuid_from_name("images", a);
        uuid_from_name("images", b);
        assert_memory_equal(a, b, 16);
}

static void test_uuid_from_name_differs_by_name(void **state) {
        static const char *const names[] = {"default", "Default", "images", "default ", "", "d"};
        uint8_t u[ELEMENTSOF(names)][16];

        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                uuid_from_name(names[i], u[i]);
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                for (size_t j = i + 1; j < ELEMENTSOF(names); j++)
                        if (memcmp(u[i], u[j], 16) == 0)
                                fail_msg("\"%s\" and \"%s\" got the same UUID", names[i], names[j]);
}

static void test_uuid_from_name_is_version_5_rfc4122(void **state) {
        static const char *const names[] = {"default", "images", "", "日本語"};

        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                uint8_t u[16];

                uuid_from_name(names[i], u);
                assert_int_equal(u[6] >> 4, 5);
                assert_int_equal(u[8] & 0xc0, 0x80);
        }
}

/* The values python3's uuid.uuid5(uuid.UUID(POOLD_UUID_NAMESPACE), name) gives: the same UUID on
 * every host, whatever library computes it. */
static void test_uuid_from_name_matches_rfc4122_uuid5(void **state) {
        char buf[UUID_STRING_MAX];
        uint8_t u[16];

        assert_string_equal(POOLD_UUID_NAMESPACE, "6f7a0b3e-5a3c-4f0e-9d52-8b1f0c9e4a21");
        uuid_from_name("default", u);
        assert_string_equal(uuid_format(u, buf), "e2b4fbfa-c5f2-5481-9abf-7d6bb8e8a33b");
        uuid_from_name("images", u);
        assert_string_equal(uuid_format(u, buf), "3572732d-4450-5130-86be-983889de9953");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_uuid_parse_accepts_canonical),
                cmocka_unit_test(test_uuid_parse_accepts_upper_case),
                cmocka_unit_test(test_uuid_parse_accepts_no_dashes),
                cmocka_unit_test(test_uuid_parse_accepts_dashes_between_any_byte_pairs),
                cmocka_unit_test(test_uuid_parse_accepts_spaces_between_byte_pairs),
                cmocka_unit_test(test_uuid_parse_accepts_surrounding_white_space),
                cmocka_unit_test(test_uuid_parse_refuses_too_short),
                cmocka_unit_test(test_uuid_parse_refuses_too_long),
                cmocka_unit_test(test_uuid_parse_refuses_non_hex),
                cmocka_unit_test(test_uuid_parse_refuses_dash_inside_byte_pair),
                cmocka_unit_test(test_uuid_parse_refuses_empty),
                cmocka_unit_test(test_uuid_format_is_lower_case_8_4_4_4_12),
                cmocka_unit_test(test_uuid_from_name_is_stable),
                cmocka_unit_test(test_uuid_from_name_differs_by_name),
                cmocka_unit_test(test_uuid_from_name_is_version_5_rfc4122),
                cmocka_unit_test(test_uuid_from_name_matches_rfc4122_uuid5),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
