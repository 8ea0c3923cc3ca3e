/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <string.h>

#include "test-util.h"

#include "shared/error.h"
#include "shared/xml-writer.h"

static void test_xml_writer_indents_two_spaces_per_level(void **state) {
        _cleanup_free_ char *out = NULL;
        XmlWriter w;
        size_t len = 0;

        xml_writer_init(&w);
        xml_writer_printf(&w, "<pool type='%s'>\n", "dir");
        xml_writer_indent(&w, 2);
        xml_writer_printf(&w, "<name>%s</name>\n", "default");
        xml_writer_printf(&w, "<target>\n");
        xml_writer_indent(&w, 2);
        xml_writer_printf(&w, "<path>/var/lib</path>\n");
        xml_writer_printf(&w, "<permissions>\n");
        xml_writer_indent(&w, 2);
        xml_writer_printf(&w, "<mode>0711</mode>\n");
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</permissions>\n");
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</target>\n");
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</pool>\n");
        out = xml_writer_finish(&w, &len);
        assert_string_equal(out, "<pool type='dir'>\n"
                                 "  <name>default</name>\n"
                                 "  <target>\n"
                                 "    <path>/var/lib</path>\n"
                                 "    <permissions>\n"
                                 "      <mode>0711</mode>\n"
                                 "    </permissions>\n"
                                 "  </target>\n"
                                 "</pool>\n");
        assert_int_equal(len, strlen(out));
}

static void test_xml_writer_indents_only_at_line_start(void **state) {
        _cleanup_free_ char *out = NULL;
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_indent(&w, 2);
        xml_writer_printf(&w, "<capacity unit='bytes'>");
        xml_writer_printf(&w, "%d", 1024);
        xml_writer_escape(&w, "%s", "<x>");
        xml_writer_printf(&w, "</capacity>\n");
        xml_writer_escape(&w, "<name>%s</name>\n", "a");
        out = xml_writer_finish(&w, NULL);
        assert_string_equal(out, "  <capacity unit='bytes'>1024&lt;x&gt;</capacity>\n"
                                 "  <name>a</name>\n");
}

static void test_xml_writer_escape_escapes_specials(void **state) {
        _cleanup_free_ char *out = NULL;
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_escape(&w, "<name>%s</name>\n", "a<b>&\"c'd");
        xml_writer_escape(&w, "<path type='%s'/>\n", "it's");
        out = xml_writer_finish(&w, NULL);
        assert_string_equal(out, "<name>a&lt;b&gt;&amp;&quot;c&apos;d</name>\n"
                                 "<path type='it&apos;s'/>\n");
}

static void test_xml_writer_escape_drops_control_characters(void **state) {
        _cleanup_free_ char *out = NULL;
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_escape(&w, "<d>%s</d>\n",
                          "a\x01"
                          "b\x08"
                          "c\x1b"
                          "d\x1f"
                          "e");
        xml_writer_escape(&w, "<k>%s</k>\n", "t\tn\nr\r.");
        out = xml_writer_finish(&w, NULL);
        assert_string_equal(out, "<d>abcde</d>\n<k>t\tn\nr\r.</k>\n");
}

static void test_xml_writer_escape_of_null_writes_nothing(void **state) {
        _cleanup_free_ char *out = NULL;
        XmlWriter w;
        size_t len = 99;

        xml_writer_init(&w);
        xml_writer_indent(&w, 4);
        xml_writer_escape(&w, "<description>%s</description>\n", NULL);
        out = xml_writer_finish(&w, &len);
        assert_non_null(out);
        assert_int_equal(len, 0);
        assert_string_equal(out, "");
}

static void test_xml_writer_escape_of_empty_string_writes_element(void **state) {
        _cleanup_free_ char *out = NULL;
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_indent(&w, 2);
        xml_writer_escape(&w, "<description>%s</description>\n", "");
        out = xml_writer_finish(&w, NULL);
        assert_string_equal(out, "  <description></description>\n");
}

static void test_xml_writer_escape_does_not_interpret_percent(void **state) {
        _cleanup_free_ char *out = NULL;
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_escape(&w, "<name>%s</name>\n", "100%s %n %d");
        out = xml_writer_finish(&w, NULL);
        assert_string_equal(out, "<name>100%s %n %d</name>\n");
}

static void test_xml_writer_abandon_discards_text(void **state) {
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_printf(&w, "<pool>\n");
        xml_writer_abandon(&w);
        assert_null(w.f);
        assert_null(w.buf);
        /* Abandoning twice (e.g. after finish) is harmless. */
        xml_writer_abandon(&w);
        assert_null(w.f);
}

static void test_xml_escape_all_specials(void **state) {
        _cleanup_free_ char *all = xml_escape("<>&\"'");
        _cleanup_free_ char *mixed = xml_escape("a & b < c > d \"e\" 'f'");
        _cleanup_free_ char *repeated = xml_escape("''''''''");

        assert_string_equal(all, "&lt;&gt;&amp;&quot;&apos;");
        assert_string_equal(mixed, "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
        assert_string_equal(repeated, "&apos;&apos;&apos;&apos;&apos;&apos;&apos;&apos;");
}

static void test_xml_escape_keeps_plain_text_and_utf8(void **state) {
        _cleanup_free_ char *empty = xml_escape("");
        _cleanup_free_ char *plain = xml_escape("/var/lib/libvirt/images");
        _cleanup_free_ char *utf8 = xml_escape("données 日本語");

        assert_string_equal(empty, "");
        assert_string_equal(plain, "/var/lib/libvirt/images");
        assert_string_equal(utf8, "données 日本語");
}

static void test_xml_escape_does_not_double_escape(void **state) {
        _cleanup_free_ char *s = xml_escape("&amp;");

        assert_string_equal(s, "&amp;amp;");
}

static void test_error_to_string_with_file_and_line(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_free_ char *s = NULL;

        error_set_file(&e, "/etc/poold/storage/default.xml");
        error_set(&e, 3, "unknown pool type '%s'", "foo");
        s = error_to_string(&e);
        assert_string_equal(s, "/etc/poold/storage/default.xml:3: unknown pool type 'foo'");
}

static void test_error_to_string_with_file_only(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_free_ char *s = NULL;

        error_set_file(&e, "default.xml");
        error_set(&e, 0, "document is empty");
        s = error_to_string(&e);
        assert_string_equal(s, "default.xml: document is empty");
}

static void test_error_to_string_message_only(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_error_ Error with_line = ERROR_INIT;
        _cleanup_free_ char *s = NULL, *s2 = NULL;

        error_set(&e, 0, "bad");
        s = error_to_string(&e);
        assert_string_equal(s, "bad");
        /* A line without a file is not shown: there is nothing to point into. */
        error_set(&with_line, 7, "bad");
        s2 = error_to_string(&with_line);
        assert_string_equal(s2, "bad");
}

static void test_error_set_keeps_only_the_first_message(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(error_set(&e, 3, "first %d", 1), -EINVAL);
        assert_int_equal(error_set(&e, 9, "second"), -EINVAL);
        assert_int_equal(error_set_errno(&e, -EFBIG, 12, "third"), -EFBIG);
        assert_string_equal(e.message, "first 1");
        assert_int_equal(e.line, 3);
}

static void test_error_set_errno_returns_given_errno(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(error_set_errno(&e, -EFBIG, 0, "too big"), -EFBIG);
        assert_string_equal(e.message, "too big");
        assert_int_equal(e.line, 0);
}

static void test_error_set_on_null_error_only_returns(void **state) {
        assert_int_equal(error_set(NULL, 1, "ignored"), -EINVAL);
        assert_int_equal(error_set_errno(NULL, -ENOENT, 1, "ignored"), -ENOENT);
        error_set_file(NULL, "x");
        error_clear(NULL);
}

static void test_error_clear_resets_to_init(void **state) {
        Error e = ERROR_INIT;

        error_set_file(&e, "f.xml");
        error_set(&e, 5, "m");
        error_clear(&e);
        assert_null(e.file);
        assert_null(e.message);
        assert_int_equal(e.line, 0);
        /* After clearing, a new error can be set. */
        error_set(&e, 6, "again");
        assert_string_equal(e.message, "again");
        assert_int_equal(e.line, 6);
        error_clear(&e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_xml_writer_indents_two_spaces_per_level),
                cmocka_unit_test(test_xml_writer_indents_only_at_line_start),
                cmocka_unit_test(test_xml_writer_escape_escapes_specials),
                cmocka_unit_test(test_xml_writer_escape_drops_control_characters),
                cmocka_unit_test(test_xml_writer_escape_of_null_writes_nothing),
                cmocka_unit_test(test_xml_writer_escape_of_empty_string_writes_element),
                cmocka_unit_test(test_xml_writer_escape_does_not_interpret_percent),
                cmocka_unit_test(test_xml_writer_abandon_discards_text),
                cmocka_unit_test(test_xml_escape_all_specials),
                cmocka_unit_test(test_xml_escape_keeps_plain_text_and_utf8),
                cmocka_unit_test(test_xml_escape_does_not_double_escape),
                cmocka_unit_test(test_error_to_string_with_file_and_line),
                cmocka_unit_test(test_error_to_string_with_file_only),
                cmocka_unit_test(test_error_to_string_message_only),
                cmocka_unit_test(test_error_set_keeps_only_the_first_message),
                cmocka_unit_test(test_error_set_errno_returns_given_errno),
                cmocka_unit_test(test_error_set_on_null_error_only_returns),
                cmocka_unit_test(test_error_clear_resets_to_init),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
