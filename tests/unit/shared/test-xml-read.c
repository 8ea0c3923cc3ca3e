/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "test-util.h"

#include "shared/error.h"
#include "shared/xml-read.h"

static double now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Parses text (NUL-terminated) expecting failure; returns r, fills e. */
static int parse_fails(const char *text, const char *root, Error *e) {
        xmlDoc *doc = NULL;
        int r = xml_parse_document(text, strlen(text), root, &doc, e);

        if (r >= 0)
                fail_msg("xml_parse_document() accepted:\n%s", text);
        assert_null(doc);
        assert_non_null(e->message);
        return r;
}

static xmlDoc *parse_ok(const char *text, const char *root) {
        _cleanup_error_ Error e = ERROR_INIT;
        xmlDoc *doc = NULL;
        int r = xml_parse_document(text, strlen(text), root, &doc, &e);

        if (r < 0)
                fail_msg("xml_parse_document() = %d: %s", r, e.message ? e.message : "(null)");
        assert_non_null(doc);
        assert_null(e.message);
        return doc;
}

static const char billion_laughs[] =
        "<?xml version=\"1.0\"?>\n"
        "<!DOCTYPE lolz [\n"
        " <!ENTITY lol \"lol\">\n"
        " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
        " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
        " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
        " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
        " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
        " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
        " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
        " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
        "]>\n"
        "<pool>&lol9;</pool>\n";

static void test_xml_parse_refuses_billion_laughs_quickly(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        double t0 = now();

        assert_int_equal(parse_fails(billion_laughs, "pool", &e), -EINVAL);
        assert_true(now() - t0 < 1.0);
        assert_contains(e.message, "DTD");
        assert_contains(e.message, "document type");
        assert_int_equal(e.line, 2);
}

static void test_xml_parse_refuses_external_entity(void **state) {
        static const char xxe[] = "<?xml version=\"1.0\"?>\n"
                                  "<!DOCTYPE pool [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n"
                                  "<pool><name>&xxe;</name></pool>\n";
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_free_ char *s = NULL;

        assert_int_equal(parse_fails(xxe, "pool", &e), -EINVAL);
        assert_contains(e.message, "DTD");
        s = error_to_string(&e);
        assert_null(strstr(s, "root:"));
        assert_null(strstr(s, "/bin/"));
        assert_null(strstr(s, "nologin"));
}

static void test_xml_parse_refuses_external_entity_in_attribute(void **state) {
        static const char xxe[] = "<!DOCTYPE pool [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>"
                                  "<pool type='&xxe;'/>";
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(parse_fails(xxe, "pool", &e), -EINVAL);
        assert_null(strstr(e.message, "root:"));
}

static void test_xml_parse_refuses_external_dtd(void **state) {
        static const char doc[] = "<?xml version=\"1.0\"?>\n"
                                  "<!DOCTYPE pool SYSTEM \"http://example.com/x.dtd\">\n"
                                  "<pool><name>x</name></pool>\n";
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(parse_fails(doc, "pool", &e), -EINVAL);
        assert_contains(e.message, "document type");
        assert_int_equal(e.line, 2);
}

static void test_xml_parse_refuses_empty_internal_subset(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(parse_fails("<!DOCTYPE pool []><pool/>", "pool", &e), -EINVAL);
        assert_contains(e.message, "DTD");
}

static void test_xml_parse_refuses_document_larger_than_max(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_free_ char *big = xmalloc(XML_DOCUMENT_MAX + 2);
        xmlDoc *doc = NULL;

        memset(big, ' ', XML_DOCUMENT_MAX + 1);
        memcpy(big, "<pool>", 6);
        memcpy(big + XML_DOCUMENT_MAX + 1 - 7, "</pool>", 7);
        big[XML_DOCUMENT_MAX + 1] = '\0';
        assert_int_equal(xml_parse_document(big, XML_DOCUMENT_MAX + 1, "pool", &doc, &e), -EFBIG);
        assert_null(doc);
        assert_contains(e.message, "larger");
}

static void test_xml_parse_accepts_document_of_exactly_max(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_free_ char *big = xmalloc(XML_DOCUMENT_MAX + 1);
        _cleanup_xml_doc_ xmlDoc *doc = NULL;

        memset(big, ' ', XML_DOCUMENT_MAX);
        memcpy(big, "<pool>", 6);
        memcpy(big + XML_DOCUMENT_MAX - 7, "</pool>", 7);
        big[XML_DOCUMENT_MAX] = '\0';
        assert_int_equal(xml_parse_document(big, XML_DOCUMENT_MAX, "pool", &doc, &e), 0);
        assert_non_null(doc);
        assert_null(e.message);
}

static void test_xml_parse_refuses_empty_input(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        xmlDoc *doc = NULL;

        assert_int_equal(xml_parse_document("", 0, "pool", &doc, &e), -EINVAL);
        assert_null(doc);
        assert_contains(e.message, "empty");
}

static void test_xml_parse_refuses_white_space_only(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(parse_fails("  \n\n", "pool", &e), -EINVAL);
}

static void test_xml_parse_refuses_nul_byte(void **state) {
        static const char doc[] = "<pool><name>a\0b</name></pool>";
        _cleanup_error_ Error e = ERROR_INIT;
        xmlDoc *doc_out = NULL;

        assert_int_equal(xml_parse_document(doc, sizeof(doc) - 1, "pool", &doc_out, &e), -EINVAL);
        assert_null(doc_out);
        assert_contains(e.message, "NUL");
}

/* The error a user sees is the first one, on the line where the document goes wrong. */
static void test_xml_parse_malformed_reports_line_of_unclosed_tag(void **state) {
        static const char doc[] = "<pool type='dir'>\n"
                                  "  <name>images</name>\n"
                                  "  <uuid>abc</pool>\n";
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(parse_fails(doc, "pool", &e), -EINVAL);
        assert_true(strncmp(e.message, "malformed XML", strlen("malformed XML")) == 0);
        if (e.line != 3)
                fail_msg("line %d, expected 3 (message: %s)", e.line, e.message);
        assert_contains(e.message, "uuid");
}

static void test_xml_parse_malformed_reports_line(void **state) {
        static const char doc[] = "<pool type='dir'>\n"
                                  "  <name>images</name>\n"
                                  "  <target><path a=b>/x</path></target>\n"
                                  "</pool>\n";
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(parse_fails(doc, "pool", &e), -EINVAL);
        assert_true(strncmp(e.message, "malformed XML: ", strlen("malformed XML: ")) == 0);
        assert_int_equal(e.line, 3);
        /* No trailing new line from libxml2 in the message. */
        assert_true(e.message[strlen(e.message) - 1] != '\n');
}

static void test_xml_parse_undeclared_entity_is_malformed(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(parse_fails("<pool>\n<name>&foo;</name>\n</pool>\n", "pool", &e), -EINVAL);
        assert_contains(e.message, "malformed XML");
        assert_contains(e.message, "foo");
        assert_int_equal(e.line, 2);
}

static void test_xml_parse_wrong_root_names_both(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(
                parse_fails("<?xml version='1.0'?>\n<volume><name>x</name></volume>", "pool", &e),
                -EINVAL);
        assert_contains(e.message, "volume");
        assert_contains(e.message, "pool");
        assert_int_equal(e.line, 2);
}

static void test_xml_parse_refuses_root_in_namespace(void **state) {
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_error_ Error e2 = ERROR_INIT;

        assert_int_equal(parse_fails("<pool xmlns='http://example.com/pool'/>", "pool", &e),
                         -EINVAL);
        assert_contains(e.message, "pool");
        assert_int_equal(parse_fails("<p:pool xmlns:p='http://example.com/pool'/>", "pool", &e2),
                         -EINVAL);
}

static void test_xml_parse_accepts_libvirt_document(void **state) {
        static const char text[] = "<pool type='dir'>\n"
                                   "  <name>default</name>\n"
                                   "  <!-- a comment -->\n"
                                   "  <target>\n"
                                   "    <path>/var/lib/libvirt/images</path>\n"
                                   "  </target>\n"
                                   "</pool>\n";
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);
        _cleanup_free_ char *path = NULL;

        assert_string_equal(xml_name(root), "pool");
        path = xml_child_text(xml_child(root, "target"), "path");
        assert_string_equal(path, "/var/lib/libvirt/images");
}

static void test_xml_parse_without_error_struct_still_fails(void **state) {
        xmlDoc *doc = NULL;

        assert_int_equal(xml_parse_document("<volume/>", 9, "pool", &doc, NULL), -EINVAL);
        assert_null(doc);
        assert_int_equal(
                xml_parse_document(billion_laughs, strlen(billion_laughs), "pool", &doc, NULL),
                -EINVAL);
        assert_null(doc);
}

static const char dom_text[] =
        "<pool type='dir' empty='' xmlns:a='http://example.com/a' xmlns:b='http://example.com/a'>\n"
        "  <name>images</name>\n"
        "  <a:meta>one</a:meta>\n"
        "  <b:meta>two</b:meta>\n"
        "  <meta xmlns='http://example.com/a'>three</meta>\n"
        "  <meta>plain</meta>\n"
        "  <path>/1</path>\n"
        "  <other a:kind='ns'/>\n"
        "  <path>/2</path>\n"
        "  <a:path>in a namespace</a:path>\n"
        "  <path>/3</path>\n"
        "  <empty></empty>\n"
        "  <selfclosed/>\n"
        "  <space> </space>\n"
        "  <target><deep>d</deep></target>\n"
        "</pool>\n";

static void test_xml_child_finds_only_no_namespace_children(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);
        _cleanup_free_ char *meta = NULL;

        meta = xml_text(xml_child(root, "meta"));
        assert_string_equal(meta, "plain");
        assert_null(xml_child(root, "missing"));
        assert_null(xml_child(NULL, "meta"));
        /* Only children, not deeper descendants. */
        assert_null(xml_child(root, "deep"));
        assert_non_null(xml_child(xml_child(root, "target"), "deep"));
}

static void test_xml_child_ns_matches_href_not_prefix(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);
        const char *expected[] = {"one", "two", "three"};
        size_t n = 0;

        XML_FOREACH_CHILD_NS (c, root, "http://example.com/a", "meta") {
                _cleanup_free_ char *t = xml_text(c);

                assert_true(n < ELEMENTSOF(expected));
                assert_string_equal(t, expected[n]);
                n++;
        }
        assert_int_equal(n, 3);
        assert_null(xml_child_ns(root, "http://example.com/other", "meta"));
        assert_null(xml_child_ns(root, "a", "meta"));
}

static void test_xml_foreach_child_iterates_same_name_siblings_in_order(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);
        const char *expected[] = {"/1", "/2", "/3"};
        size_t n = 0;

        XML_FOREACH_CHILD (c, root, "path") {
                _cleanup_free_ char *t = xml_text(c);

                assert_true(n < ELEMENTSOF(expected));
                assert_string_equal(t, expected[n]);
                n++;
        }
        assert_int_equal(n, 3);

        n = 0;
        XML_FOREACH_CHILD (c, root, "nothing")
                n++;
        assert_int_equal(n, 0);
}

static void test_xml_text_is_null_for_empty_elements(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);
        _cleanup_free_ char *name = NULL, *space = NULL;

        assert_null(xml_text(xml_child(root, "empty")));
        assert_null(xml_text(xml_child(root, "selfclosed")));
        assert_null(xml_text(NULL));
        assert_null(xml_child_text(root, "empty"));
        assert_null(xml_child_text(root, "missing"));
        name = xml_child_text(root, "name");
        assert_string_equal(name, "images");
        space = xml_child_text(root, "space");
        assert_string_equal(space, " ");
}

static void test_xml_text_decodes_predefined_entities(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc =
                parse_ok("<pool><name>a&lt;b&amp;c&#65;&gt;</name></pool>", "pool");
        _cleanup_free_ char *name = xml_child_text(xmlDocGetRootElement(doc), "name");

        assert_string_equal(name, "a<b&cA>");
}

static void test_xml_prop_empty_attribute_is_empty_string(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);
        _cleanup_free_ char *empty = xml_prop(root, "empty"), *type = xml_prop(root, "type");

        assert_non_null(empty);
        assert_string_equal(empty, "");
        assert_string_equal(type, "dir");
}

static void test_xml_prop_absent_attribute_is_null(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);

        assert_null(xml_prop(root, "missing"));
        assert_null(xml_prop(NULL, "type"));
        /* An attribute in a namespace is not the attribute in no namespace. */
        assert_null(xml_prop(xml_child(root, "other"), "kind"));
}

static void test_xml_has_prop(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);

        assert_true(xml_has_prop(root, "type"));
        assert_true(xml_has_prop(root, "empty"));
        assert_false(xml_has_prop(root, "missing"));
        assert_false(xml_has_prop(xml_child(root, "other"), "kind"));
        assert_false(xml_has_prop(NULL, "type"));
}

static void test_xml_line_gives_start_line(void **state) {
        _cleanup_xml_doc_ xmlDoc *doc = parse_ok(dom_text, "pool");
        xmlNode *root = xmlDocGetRootElement(doc);

        assert_int_equal(xml_line(root), 1);
        assert_int_equal(xml_line(xml_child(root, "name")), 2);
        assert_int_equal(xml_line(xml_child(root, "selfclosed")), 13);
        assert_int_equal(xml_line(NULL), 0);
}

/* Documents up to XML_DOCUMENT_MAX can have more lines than libxml2 counts by default. */
static void test_xml_line_is_exact_beyond_65535(void **state) {
        size_t lines = 70000;
        _cleanup_free_ char *text = xmalloc(lines + 64);
        _cleanup_xml_doc_ xmlDoc *doc = NULL;
        xmlNode *name;

        strcpy(text, "<pool>");
        memset(text + 6, '\n', lines);
        strcpy(text + 6 + lines, "<name>x</name>\n</pool>\n");
        doc = parse_ok(text, "pool");
        name = xml_child(xmlDocGetRootElement(doc), "name");
        assert_non_null(name);
        assert_int_equal(xml_line(name), (int) lines + 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_xml_parse_refuses_billion_laughs_quickly),
                cmocka_unit_test(test_xml_parse_refuses_external_entity),
                cmocka_unit_test(test_xml_parse_refuses_external_entity_in_attribute),
                cmocka_unit_test(test_xml_parse_refuses_external_dtd),
                cmocka_unit_test(test_xml_parse_refuses_empty_internal_subset),
                cmocka_unit_test(test_xml_parse_refuses_document_larger_than_max),
                cmocka_unit_test(test_xml_parse_accepts_document_of_exactly_max),
                cmocka_unit_test(test_xml_parse_refuses_empty_input),
                cmocka_unit_test(test_xml_parse_refuses_white_space_only),
                cmocka_unit_test(test_xml_parse_refuses_nul_byte),
                cmocka_unit_test(test_xml_parse_malformed_reports_line_of_unclosed_tag),
                cmocka_unit_test(test_xml_parse_malformed_reports_line),
                cmocka_unit_test(test_xml_parse_undeclared_entity_is_malformed),
                cmocka_unit_test(test_xml_parse_wrong_root_names_both),
                cmocka_unit_test(test_xml_parse_refuses_root_in_namespace),
                cmocka_unit_test(test_xml_parse_accepts_libvirt_document),
                cmocka_unit_test(test_xml_parse_without_error_struct_still_fails),
                cmocka_unit_test(test_xml_child_finds_only_no_namespace_children),
                cmocka_unit_test(test_xml_child_ns_matches_href_not_prefix),
                cmocka_unit_test(test_xml_foreach_child_iterates_same_name_siblings_in_order),
                cmocka_unit_test(test_xml_text_is_null_for_empty_elements),
                cmocka_unit_test(test_xml_text_decodes_predefined_entities),
                cmocka_unit_test(test_xml_prop_empty_attribute_is_empty_string),
                cmocka_unit_test(test_xml_prop_absent_attribute_is_null),
                cmocka_unit_test(test_xml_has_prop),
                cmocka_unit_test(test_xml_line_gives_start_line),
                cmocka_unit_test(test_xml_line_is_exact_beyond_65535),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
