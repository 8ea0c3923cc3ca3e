/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "test-util.h"

#include "shared/size.h"

#define KiB UINT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)
#define TiB (GiB * 1024)
#define PiB (TiB * 1024)
#define EiB (PiB * 1024)

#define KB UINT64_C(1000)
#define MB (KB * 1000)
#define GB (MB * 1000)
#define TB (GB * 1000)
#define PB (TB * 1000)
#define EB (PB * 1000)

typedef struct UnitCase {
        const char *unit;
        uint64_t scale;
} UnitCase;

/* size_scale(1, unit) must give exactly scale, for every spelling in the table. */
static void check_units(const UnitCase *cases, size_t n) {
        for (size_t i = 0; i < n; i++) {
                uint64_t v = 1;
                int r = size_scale(&v, cases[i].unit, UINT64_MAX);

                if (r != 0)
                        fail_msg("size_scale(1, \"%s\") = %d, expected 0", cases[i].unit, r);
                if (v != cases[i].scale)
                        fail_msg("size_scale(1, \"%s\") gave %" PRIu64 ", expected %" PRIu64,
                                 cases[i].unit, v, cases[i].scale);
        }
}

static void test_size_scale_byte_units_are_1(void **state) {
        static const UnitCase cases[] = {
                {"b", 1},    {"B", 1},     {"byte", 1},  {"BYTE", 1},
                {"Byte", 1}, {"bytes", 1}, {"BYTES", 1}, {"Bytes", 1},
        };
        check_units(cases, ELEMENTSOF(cases));
}

static void test_size_scale_no_unit_is_1(void **state) {
        uint64_t v = 12345;

        assert_int_equal(size_scale(&v, NULL, UINT64_MAX), 0);
        assert_true(v == 12345);
        assert_int_equal(size_scale(&v, "", UINT64_MAX), 0);
        assert_true(v == 12345);
}

static void test_size_scale_binary_units_are_powers_of_1024(void **state) {
        static const UnitCase cases[] = {
                {"k", KiB},   {"K", KiB},   {"KiB", KiB}, {"kib", KiB}, {"KIB", KiB},
                {"m", MiB},   {"M", MiB},   {"MiB", MiB}, {"mib", MiB}, {"g", GiB},
                {"G", GiB},   {"GiB", GiB}, {"gib", GiB}, {"t", TiB},   {"T", TiB},
                {"TiB", TiB}, {"tib", TiB}, {"p", PiB},   {"P", PiB},   {"PiB", PiB},
                {"pib", PiB}, {"e", EiB},   {"E", EiB},   {"EiB", EiB}, {"eib", EiB},
        };
        check_units(cases, ELEMENTSOF(cases));
}

static void test_size_scale_decimal_units_are_powers_of_1000(void **state) {
        static const UnitCase cases[] = {
                {"KB", KB}, {"kB", KB}, {"kb", KB}, {"Kb", KB}, {"MB", MB}, {"mb", MB}, {"GB", GB},
                {"gb", GB}, {"TB", TB}, {"tb", TB}, {"PB", PB}, {"pb", PB}, {"EB", EB}, {"eb", EB},
        };
        check_units(cases, ELEMENTSOF(cases));
}

static void test_size_parse_kb_is_1000(void **state) {
        uint64_t v = 0;

        assert_int_equal(size_parse("5", "KB", UINT64_MAX, &v), 0);
        assert_true(v == 5000);
        assert_int_equal(size_parse("5", "KiB", UINT64_MAX, &v), 0);
        assert_true(v == 5120);
}

static void test_size_scale_unknown_unit_is_einval(void **state) {
        static const char *const units[] = {
                "x",  "KiBB", "Kb2", "bit", "bits", "iB",   "Ki", "KBB", "kibibyte", "Q",
                "QB", "QiB",  "B2",  " K",  "K ",   "KiB ", "bB", "byt", "bytess",
        };

        for (size_t i = 0; i < ELEMENTSOF(units); i++) {
                uint64_t v = 7;
                int r = size_scale(&v, units[i], UINT64_MAX);

                if (r != -EINVAL)
                        fail_msg("size_scale(7, \"%s\") = %d, expected -EINVAL", units[i], r);
                if (v != 7)
                        fail_msg("size_scale(7, \"%s\") changed the value to %" PRIu64, units[i],
                                 v);
        }
}

static void test_size_parse_8_eib_exceeds_int64_max(void **state) {
        uint64_t v = 42;

        assert_int_equal(size_parse("8", "EiB", INT64_MAX, &v), -ERANGE);
        assert_true(v == 42);
        assert_int_equal(size_parse("7", "EiB", INT64_MAX, &v), 0);
        assert_true(v == 7 * EiB);
}

static void test_size_parse_16_eib_exceeds_uint64_max(void **state) {
        uint64_t v = 42;

        assert_int_equal(size_parse("16", "EiB", UINT64_MAX, &v), -ERANGE);
        assert_true(v == 42);
        assert_int_equal(size_parse("15", "EiB", UINT64_MAX, &v), 0);
        assert_true(v == 15 * EiB);
}

static void test_size_parse_limit_is_inclusive(void **state) {
        uint64_t v = 0;

        assert_int_equal(size_parse("9223372036854775807", "bytes", INT64_MAX, &v), 0);
        assert_true(v == (uint64_t) INT64_MAX);
        assert_int_equal(size_parse("9223372036854775808", "bytes", INT64_MAX, &v), -ERANGE);
        assert_int_equal(size_parse("18446744073709551615", NULL, UINT64_MAX, &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(size_parse("1024", "KiB", MiB, &v), 0);
        assert_true(v == MiB);
        assert_int_equal(size_parse("1025", "KiB", MiB, &v), -ERANGE);
        /* A scaled value just above a limit that is not a multiple of the scale. */
        assert_int_equal(size_parse("2", "KB", 1999, &v), -ERANGE);
        assert_int_equal(size_parse("1", "KB", 1999, &v), 0);
        assert_true(v == 1000);
}

static void test_size_parse_rejects_malformed_numbers(void **state) {
        static const char *const numbers[] = {
                "",    " ",     "\t\n", "-1",  "+1",  "1.5", "0x10", "12abc",
                "1 2", "1,000", "1e3",  "abc", "- 1", "1-",  "١",
        };

        for (size_t i = 0; i < ELEMENTSOF(numbers); i++) {
                uint64_t v = 42;
                int r = size_parse(numbers[i], "KiB", UINT64_MAX, &v);

                if (r != -EINVAL)
                        fail_msg("size_parse(\"%s\") = %d, expected -EINVAL", numbers[i], r);
                if (v != 42)
                        fail_msg("size_parse(\"%s\") changed the result", numbers[i]);
        }
}

static void test_size_parse_number_above_uint64_is_erange(void **state) {
        uint64_t v = 42;

        assert_int_equal(size_parse("18446744073709551616", NULL, UINT64_MAX, &v), -ERANGE);
        assert_int_equal(size_parse("99999999999999999999999", "b", UINT64_MAX, &v), -ERANGE);
        assert_true(v == 42);
}

static void test_size_parse_unknown_unit_is_einval(void **state) {
        uint64_t v = 42;

        assert_int_equal(size_parse("1", "furlong", UINT64_MAX, &v), -EINVAL);
        assert_true(v == 42);
}

static void test_size_parse_accepts_surrounding_white_space(void **state) {
        uint64_t v = 0;

        assert_int_equal(size_parse("  10\n", "MiB", UINT64_MAX, &v), 0);
        assert_true(v == 10 * MiB);
        assert_int_equal(size_parse("\t7 \t", NULL, UINT64_MAX, &v), 0);
        assert_true(v == 7);
}

static void test_size_parse_zero_is_zero_in_any_unit(void **state) {
        uint64_t v = 42;

        assert_int_equal(size_parse("0", "EiB", 0, &v), 0);
        assert_true(v == 0);
}

static void test_parse_uint64_edge_cases(void **state) {
        uint64_t v = 0;

        assert_int_equal(parse_uint64("0", &v), 0);
        assert_true(v == 0);
        assert_int_equal(parse_uint64("007", &v), 0);
        assert_true(v == 7);
        assert_int_equal(parse_uint64(" 42 ", &v), 0);
        assert_true(v == 42);
        assert_int_equal(parse_uint64("18446744073709551615", &v), 0);
        assert_true(v == UINT64_MAX);
        assert_int_equal(parse_uint64("18446744073709551610", &v), 0);
        assert_true(v == UINT64_MAX - 5);
}

static void test_parse_uint64_overflow_is_erange(void **state) {
        uint64_t v = 42;

        assert_int_equal(parse_uint64("18446744073709551616", &v), -ERANGE);
        assert_int_equal(parse_uint64("18446744073709551620", &v), -ERANGE);
        assert_int_equal(parse_uint64("184467440737095516150", &v), -ERANGE);
        assert_true(v == 42);
}

static void test_parse_uint64_rejects_non_numbers(void **state) {
        static const char *const inputs[] = {"", " ", "-0", "+0", "1 1", "1.", "x1", "1x", "0x1"};

        for (size_t i = 0; i < ELEMENTSOF(inputs); i++) {
                uint64_t v = 42;
                int r = parse_uint64(inputs[i], &v);

                if (r != -EINVAL)
                        fail_msg("parse_uint64(\"%s\") = %d, expected -EINVAL", inputs[i], r);
                if (v != 42)
                        fail_msg("parse_uint64(\"%s\") changed the result", inputs[i]);
        }
}

static void test_size_format_pretty_matches_virsh(void **state) {
        static const struct {
                uint64_t bytes;
                const char *text;
        } cases[] = {
                {0, "0.00 B"},
                {1000, "1000.00 B"},
                {1023, "1023.00 B"},
                {1024, "1.00 KiB"},
                {200704, "196.00 KiB"},
                {1610612736, "1.50 GiB"},
                {1073731584, "1023.99 MiB"},
                {UINT64_C(1) << 40, "1.00 TiB"},
                {UINT64_C(1) << 50, "1.00 PiB"},
                {UINT64_C(1) << 60, "1.00 EiB"},
                {UINT64_MAX, "16.00 EiB"},
        };

        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                char buf[SIZE_PRETTY_MAX];
                const char *s = size_format_pretty(cases[i].bytes, buf);

                assert_ptr_equal(s, buf);
                if (!streq(s, cases[i].text))
                        fail_msg("size_format_pretty(%" PRIu64 ") = \"%s\", expected \"%s\"",
                                 cases[i].bytes, s, cases[i].text);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_size_scale_byte_units_are_1),
                cmocka_unit_test(test_size_scale_no_unit_is_1),
                cmocka_unit_test(test_size_scale_binary_units_are_powers_of_1024),
                cmocka_unit_test(test_size_scale_decimal_units_are_powers_of_1000),
                cmocka_unit_test(test_size_parse_kb_is_1000),
                cmocka_unit_test(test_size_scale_unknown_unit_is_einval),
                cmocka_unit_test(test_size_parse_8_eib_exceeds_int64_max),
                cmocka_unit_test(test_size_parse_16_eib_exceeds_uint64_max),
                cmocka_unit_test(test_size_parse_limit_is_inclusive),
                cmocka_unit_test(test_size_parse_rejects_malformed_numbers),
                cmocka_unit_test(test_size_parse_number_above_uint64_is_erange),
                cmocka_unit_test(test_size_parse_unknown_unit_is_einval),
                cmocka_unit_test(test_size_parse_accepts_surrounding_white_space),
                cmocka_unit_test(test_size_parse_zero_is_zero_in_any_unit),
                cmocka_unit_test(test_parse_uint64_edge_cases),
                cmocka_unit_test(test_parse_uint64_overflow_is_erange),
                cmocka_unit_test(test_parse_uint64_rejects_non_numbers),
                cmocka_unit_test(test_size_format_pretty_matches_virsh),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
