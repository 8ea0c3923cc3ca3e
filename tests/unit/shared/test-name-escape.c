/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <string.h>

#include "test-util.h"

#include "shared/name-escape.h"

/* U+10FF00 + b in UTF-8: F4 8F BC+(b>>6) 80+(b&0x3f). */
#define ESC_E9 "\xf4\x8f\xbf\xa9"
#define ESC_F4 "\xf4\x8f\xbf\xb4"
#define ESC_8F "\xf4\x8f\xbe\x8f"
#define ESC_BF "\xf4\x8f\xbe\xbf"
#define ESC_BE "\xf4\x8f\xbe\xbe"
#define ESC_BC "\xf4\x8f\xbe\xbc"
#define ESC_80 "\xf4\x8f\xbe\x80"
#define ESC_A0 "\xf4\x8f\xbe\xa0"
#define ESC_C0 "\xf4\x8f\xbf\x80"
#define ESC_E0 "\xf4\x8f\xbf\xa0"
#define ESC_ED "\xf4\x8f\xbf\xad"
#define ESC_E2 "\xf4\x8f\xbf\xa2"
#define ESC_82 "\xf4\x8f\xbe\x82"
#define ESC_FF "\xf4\x8f\xbf\xbf"
#define ESC_F8 "\xf4\x8f\xbf\xb8"
#define ESC_90 "\xf4\x8f\xbe\x90"

/* Is s valid UTF-8, as sd-bus wants its strings? */
static bool is_utf8(const char *s) {
        const unsigned char *p = (const unsigned char *) s;
        size_t n = strlen(s);

        while (n > 0) {
                unsigned cp;
                size_t len = utf8_sequence(p, n, &cp);

                if (len == 0)
                        return false;
                p += len, n -= len;
        }
        return true;
}

/* Encodes in, checks the result, that it is valid UTF-8, and that it decodes back to in. */
static void check(const char *in, const char *expected) {
        _cleanup_free_ char *enc = name_encode(in), *dec = NULL;

        if (!streq(enc, expected))
                fail_msg("name_encode(\"%s\") = \"%s\", expected \"%s\"", in, enc, expected);
        assert_true(is_utf8(enc));
        assert_int_equal(name_needs_escape(in), !streq(in, expected));
        assert_int_equal(name_decode(enc, &dec), 0);
        if (!streq(dec, in))
                fail_msg("name_decode(name_encode(\"%s\")) = \"%s\"", in, dec);
}

static void test_valid_utf8_passes_unchanged(void **state) {
        check("", "");
        check("a.img", "a.img");
        check("naïve.img", "naïve.img");
        check("日本語.img", "日本語.img");
        check("\xf0\x9f\x92\xbe", "\xf0\x9f\x92\xbe");          /* U+1F4BE */
        check("\xf4\x8f\xbe\xbf", ESC_F4 ESC_8F ESC_BE ESC_BF); /* U+10FFBF: escaped */
        check("\xf4\x8f\xbb\xbf", "\xf4\x8f\xbb\xbf");          /* U+10FEFF: below the range */
        check("\xf4\x8f\xbf\xbf\x20", ESC_F4 ESC_8F ESC_BF ESC_BF " "); /* U+10FFFF */
}

static void test_latin1_byte_becomes_private_use(void **state) {
        check("caf\xe9.img", "caf" ESC_E9 ".img");
        check("\xe9", ESC_E9);
        check("\xff\xfe", ESC_FF "\xf4\x8f\xbf\xbe");
        check("\x80", ESC_80);
        check("a\xbf" "b", "a" ESC_BF "b");
}

static void test_overlong_sequences_are_escaped_bytewise(void **state) {
        check("\xc0\x80", ESC_C0 ESC_80);                   /* NUL, overlong */
        check("\xc1\xbf", "\xf4\x8f\xbf\x81" ESC_BF);      /* '\x7f', overlong */
        check("\xe0\x80\xaf", ESC_E0 ESC_80 "\xf4\x8f\xbe\xaf"); /* '/', overlong */
        check("\xf0\x80\x80\xaf", "\xf4\x8f\xbf\xb0" ESC_80 ESC_80 "\xf4\x8f\xbe\xaf");
}

static void test_surrogates_are_escaped_bytewise(void **state) {
        check("\xed\xa0\x80", ESC_ED ESC_A0 ESC_80);        /* U+D800 */
        check("\xed\xbf\xbf", ESC_ED ESC_BF ESC_BF);        /* U+DFFF */
        check("\xed\x9f\xbf", "\xed\x9f\xbf");              /* U+D7FF is fine */
}

static void test_beyond_unicode_is_escaped(void **state) {
        check("\xf4\x90\x80\x80", ESC_F4 ESC_90 ESC_80 ESC_80); /* U+110000 */
        check("\xf8\x88\x80\x80\x80", ESC_F8 "\xf4\x8f\xbe\x88" ESC_80 ESC_80 ESC_80);
}

static void test_truncated_sequences_are_escaped(void **state) {
        check("\xe2\x82", ESC_E2 ESC_82);                   /* € without its last byte */
        check("x\xe2\x82", "x" ESC_E2 ESC_82);
        check("\xe2\x82x", ESC_E2 ESC_82 "x");
        check("\xf0\x9f\x92", "\xf4\x8f\xbf\xb0" "\xf4\x8f\xbe\x9f" "\xf4\x8f\xbe\x92");
        check("\xe2\x82\xe2\x82\xac", ESC_E2 ESC_82 "\xe2\x82\xac"); /* resyncs on a lead */
}

static void test_decode_refuses_invalid_utf8(void **state) {
        char *out = NULL;

        assert_int_equal(name_decode("caf\xe9.img", &out), -EINVAL);
        assert_int_equal(name_decode("\xc0\x80", &out), -EINVAL);
        assert_int_equal(name_decode("\xed\xa0\x80", &out), -EINVAL);
        assert_int_equal(name_decode("\xf4\x8f\xbf", &out), -EINVAL); /* truncated escape */
        assert_null(out);
}

static void test_decode_refuses_escapes_of_ascii(void **state) {
        char *out = NULL;

        /* U+10FF2F would stand for '/': the encoder never writes U+10FF00..U+10FF7F. */
        assert_int_equal(name_decode("a\xf4\x8f\xbc\xaf" "b", &out), -EINVAL);
        assert_int_equal(name_decode("\xf4\x8f\xbc\x80", &out), -EINVAL);
        assert_null(out);
}

static void test_literal_private_use_round_trips(void **state) {
        /* A real name holding U+10FFE9 must not read back as the byte 0xE9. */
        const char *literal = "x" ESC_E9 "y";
        _cleanup_free_ char *enc = name_encode(literal), *dec = NULL, *latin = NULL;

        assert_string_equal(enc, "x" ESC_F4 ESC_8F ESC_BF "\xf4\x8f\xbe\xa9" "y");
        assert_int_equal(name_decode(enc, &dec), 0);
        assert_string_equal(dec, literal);
        assert_int_equal(name_decode(literal, &latin), 0);
        assert_string_equal(latin, "x\xe9y");
}

static void test_decode_or_copy(void **state) {
        _cleanup_free_ char *a = name_decode_or_copy("caf" ESC_E9), *b = name_decode_or_copy("\xff");

        assert_string_equal(a, "caf\xe9");
        assert_string_equal(b, "\xff");
        assert_null(name_encode(NULL));
        assert_null(name_decode_or_copy(NULL));
}

/* Every byte string of up to 3 bytes drawn from a set that covers each class of lead and
 * continuation byte round-trips, and encodes to valid UTF-8. */
static void test_exhaustive_short_strings_round_trip(void **state) {
        static const unsigned char bytes[] = { 'a',  0x7f, 0x80, 0x8f, 0xa0, 0xbf, 0xbe,
                                               0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0,
                                               0xf4, 0xf5, 0xff };
        size_t nb = sizeof(bytes);

        for (size_t i = 0; i < nb * nb * nb; i++) {
                char in[4] = { (char) bytes[i % nb], (char) bytes[(i / nb) % nb],
                               (char) bytes[i / nb / nb], 0 };
                _cleanup_free_ char *enc = name_encode(in), *dec = NULL;

                assert_true(is_utf8(enc));
                assert_int_equal(name_decode(enc, &dec), 0);
                assert_string_equal(dec, in);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_valid_utf8_passes_unchanged),
                cmocka_unit_test(test_latin1_byte_becomes_private_use),
                cmocka_unit_test(test_overlong_sequences_are_escaped_bytewise),
                cmocka_unit_test(test_surrogates_are_escaped_bytewise),
                cmocka_unit_test(test_beyond_unicode_is_escaped),
                cmocka_unit_test(test_truncated_sequences_are_escaped),
                cmocka_unit_test(test_decode_refuses_invalid_utf8),
                cmocka_unit_test(test_decode_refuses_escapes_of_ascii),
                cmocka_unit_test(test_literal_private_use_round_trips),
                cmocka_unit_test(test_decode_or_copy),
                cmocka_unit_test(test_exhaustive_short_strings_round_trip),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
