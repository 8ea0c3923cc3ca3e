/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The definitions store (src/conf/store.c): a directory in libvirt's layout, NAME.xml files and
 * autostart/NAME.xml links. Every test works in its own temporary directory and writes its
 * pool XML inline. */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test-util.h"

#include "conf/pool-def.h"
#include "conf/store.h"
#include "shared/fileio.h"
#include "shared/uuid-util.h"

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
#define UUID_C "01234567-89ab-cdef-0123-456789abcdef"

typedef struct Fixture {
        char *dir;
        Store *s;
} Fixture;

static int setup(void **state) {
        Fixture *f = xcalloc(1, sizeof(*f));

        f->dir = test_mkdtemp();
        if (store_open(f->dir, false, &f->s) < 0) {
                test_rm_rf(f->dir);
                free(f->dir);
                free(f);
                return -1;
        }
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        store_free(f->s);
        test_rm_rf(f->dir);
        free(f->dir);
        free(f);
        return 0;
}

/* ---- helpers ---- */

/* A dir pool; uuid may be NULL (none given). */
static char *dir_pool(const char *name, const char *uuid, const char *path) {
        _cleanup_free_ char *u = uuid ? xasprintf("  <uuid>%s</uuid>\n", uuid) : xstrdup("");

        return xasprintf("<pool type='dir'>\n"
                         "  <name>%s</name>\n"
                         "%s"
                         "  <target>\n"
                         "    <path>%s</path>\n"
                         "  </target>\n"
                         "</pool>\n",
                         name, u, path);
}

static void write_dir_pool(const Fixture *f, const char *name, const char *uuid,
                           const char *path) {
        _cleanup_free_ char *xml = dir_pool(name, uuid, path);
        _cleanup_free_ char *file = xasprintf("%s.xml", name);

        test_write_file(f->dir, file, xml);
}

static PoolDef *parse_pool(const char *xml) {
        _cleanup_error_ Error err = ERROR_INIT;
        PoolDef *def = NULL;

        if (pool_def_parse_string(xml, strlen(xml), &def, &err) < 0)
                fail_msg("test pool does not parse: %s (line %d)", err.message, err.line);
        return def;
}

static PoolDef *parse_dir_pool(const char *name, const char *uuid, const char *path) {
        _cleanup_free_ char *xml = dir_pool(name, uuid, path);

        return parse_pool(xml);
}

static char *path_in(const Fixture *f, const char *rel) {
        return xasprintf("%s/%s", f->dir, rel);
}

/* The content of dir/rel; fails the test if it cannot be read. */
static char *read_in(const Fixture *f, const char *rel) {
        _cleanup_free_ char *p = path_in(f, rel);
        char *data = NULL;
        int r;

        r = read_file_bounded(AT_FDCWD, p, 1024 * 1024, &data, NULL);
        if (r < 0)
                fail_msg("cannot read %s: %s", p, strerror(-r));
        return data;
}

static bool exists_in(const Fixture *f, const char *rel) {
        _cleanup_free_ char *p = path_in(f, rel);
        struct stat st;

        return lstat(p, &st) == 0;
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The names in dir/rel (without . and ..), sorted, joined by spaces. */
static char *listing(const Fixture *f, const char *rel) {
        _cleanup_free_ char *p = rel ? path_in(f, rel) : xstrdup(f->dir);
        char **names = NULL, *out = xstrdup("");
        size_t n = 0;
        struct dirent *de;
        DIR *d = opendir(p);

        if (!d)
                fail_msg("opendir(%s): %m", p);
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        ARRAY_APPEND(names, n, xstrdup(de->d_name));
        closedir(d);
        if (n > 0)
                qsort(names, n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n; i++) {
                char *o = xasprintf("%s%s%s", out, i ? " " : "", names[i]);
                free(out);
                out = o;
                free(names[i]);
        }
        free(names);
        return out;
}

/* All recorded problems, one per line, for failure messages. */
static char *problems_text(const Store *s) {
        char *out = xstrdup("");

        for (size_t i = 0; i < s->n_problems; i++) {
                _cleanup_free_ char *e = error_to_string(&s->problems[i]);
                char *o = xasprintf("%s  [%s]\n", out, e);
                free(out);
                out = o;
        }
        return out;
}

static const Error *find_problem(const Store *s, const char *file) {
        for (size_t i = 0; i < s->n_problems; i++)
                if (s->problems[i].file && streq(s->problems[i].file, file))
                        return &s->problems[i];
        return NULL;
}

static size_t count_problems(const Store *s, const char *file) {
        size_t n = 0;

        for (size_t i = 0; i < s->n_problems; i++)
                if (s->problems[i].file && streq(s->problems[i].file, file))
                        n++;
        return n;
}

/* There is exactly one problem for file and its message contains needle. */
static const Error *assert_problem(const Store *s, const char *file, const char *needle) {
        const Error *e = find_problem(s, file);

        if (!e) {
                _cleanup_free_ char *all = problems_text(s);
                fail_msg("no problem recorded for %s; problems:\n%s", file, all);
        }
        if (count_problems(s, file) != 1) {
                _cleanup_free_ char *all = problems_text(s);
                fail_msg("%zu problems recorded for %s, expected 1:\n%s",
                         count_problems(s, file), file, all);
        }
        assert_non_null(e->message);
        assert_contains(e->message, needle);
        return e;
}

static void assert_listing(const Fixture *f, const char *rel, const char *expected) {
        _cleanup_free_ char *l = listing(f, rel);

        assert_string_equal(l, expected);
}

static void assert_no_problems(const Store *s) {
        if (s->n_problems > 0) {
                _cleanup_free_ char *all = problems_text(s);
                fail_msg("expected no problems, got:\n%s", all);
        }
}

static void assert_loaded(const Store *s, const char *name) {
        const StoredPool *p = store_find(s, name);

        if (!p) {
                _cleanup_free_ char *all = problems_text(s);
                fail_msg("pool '%s' is not loaded; problems:\n%s", name, all);
        }
        assert_string_equal(p->def->name, name);
}

static void assert_uuid(const StoredPool *p, const char *uuid) {
        char buf[UUID_STRING_MAX];

        assert_non_null(p);
        assert_string_equal(uuid_format(p->def->uuid, buf), uuid);
}

/* ---- store_load: which files, in which order ---- */

static void test_load_reads_definitions_in_byte_order_of_names(void **state) {
        Fixture *f = *state;

        /* Byte order: "Zeta" < "alpha" < "\xc3\xa4rger" (ärger). A locale's collation would
         * give alpha, ärger, Zeta. */
        write_dir_pool(f, "alpha", NULL, "/srv/alpha");
        write_dir_pool(f, "\xc3\xa4rger", NULL, "/srv/aerger");
        write_dir_pool(f, "Zeta", NULL, "/srv/zeta");

        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_int_equal(f->s->n_pools, 3);
        assert_string_equal(f->s->pools[0]->def->name, "Zeta");
        assert_string_equal(f->s->pools[1]->def->name, "alpha");
        assert_string_equal(f->s->pools[2]->def->name, "\xc3\xa4rger");
        assert_string_equal(f->s->pools[0]->file, "Zeta.xml");
}

static void test_load_first_file_in_byte_order_wins_a_conflict(void **state) {
        Fixture *f = *state;

        /* Both use /srv/same: whichever is read first is loaded. Byte order reads "Zeta"
         * before "alpha" (a locale's order would not). */
        write_dir_pool(f, "alpha", NULL, "/srv/same");
        write_dir_pool(f, "Zeta", NULL, "/srv/same");

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(f->s->n_pools, 1);
        assert_loaded(f->s, "Zeta");
        assert_null(store_find(f->s, "alpha"));
        assert_problem(f->s, "alpha.xml", "Storage source conflict with pool: 'Zeta'");
}

static void test_load_ignores_non_xml_and_dot_files(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *good = dir_pool("good", NULL, "/srv/good");
        _cleanup_free_ char *txt = dir_pool("notes", NULL, "/srv/notes");
        _cleanup_free_ char *bak = dir_pool("old", NULL, "/srv/old");
        _cleanup_free_ char *tmp = dir_pool("x", NULL, "/srv/x");
        _cleanup_free_ char *editor = dir_pool("good", NULL, "/srv/editor");

        test_write_file(f->dir, "good.xml", good);
        /* Each of these would be loaded or reported if the store read it. */
        test_write_file(f->dir, "notes.txt", txt);
        test_write_file(f->dir, "old.xml.bak", bak);
        test_write_file(f->dir, "old.XML", bak);
        test_write_file(f->dir, ".#x.xml.123", tmp);      /* a temporary file being written */
        test_write_file(f->dir, ".#good.xml", editor);    /* an editor's lock/backup file */
        test_write_file(f->dir, ".xml", good);            /* nothing before the suffix */
        test_write_file(f->dir, "README", "not xml at all <");

        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_int_equal(f->s->n_pools, 1);
        assert_loaded(f->s, "good");
        assert_string_equal(store_find(f->s, "good")->def->target_path, "/srv/good");
}

static void test_load_reads_a_pool_whose_name_starts_with_a_dot(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *dot = dir_pool(".dot", NULL, "/srv/dot");

        test_write_file(f->dir, ".dot.xml", dot);
        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_loaded(f->s, ".dot");
}

static void test_load_reports_malformed_file_and_loads_the_good_ones_beside_it(void **state) {
        Fixture *f = *state;
        const Error *e;

        write_dir_pool(f, "a", NULL, "/srv/a");
        test_write_file(f->dir, "b.xml",
                        "<pool type='dir'>\n"
                        "  <name>b</name>\n"
                        "  <target><path>/srv/b</path></targt>\n"
                        "</pool>\n");
        write_dir_pool(f, "c", NULL, "/srv/c");

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(f->s->n_pools, 2);
        assert_loaded(f->s, "a");
        assert_loaded(f->s, "c");
        assert_null(store_find(f->s, "b"));
        assert_int_equal(f->s->n_problems, 1);
        e = assert_problem(f->s, "b.xml", "malformed XML");
        assert_int_equal(e->line, 3);
}

static void test_load_reports_invalid_definition_with_its_line(void **state) {
        Fixture *f = *state;
        const Error *e;

        test_write_file(f->dir, "bad-uuid.xml",
                        "<pool type='dir'>\n"
                        "  <name>bad-uuid</name>\n"
                        "\n"
                        "  <uuid>not-a-uuid</uuid>\n"
                        "  <target><path>/srv/bad</path></target>\n"
                        "</pool>\n");
        test_write_file(f->dir, "no-target.xml",
                        "<pool type='dir'>\n"
                        "  <name>no-target</name>\n"
                        "</pool>\n");
        write_dir_pool(f, "ok", NULL, "/srv/ok");

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(f->s->n_pools, 1);
        assert_loaded(f->s, "ok");
        assert_int_equal(f->s->n_problems, 2);
        e = assert_problem(f->s, "bad-uuid.xml", "malformed uuid 'not-a-uuid'");
        assert_int_equal(e->line, 4);
        e = assert_problem(f->s, "no-target.xml", "target path");
        assert_true(e->line >= 1);
}

static void test_load_refuses_file_named_differently_from_its_pool(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *xml = dir_pool("real", UUID_A, "/srv/real");

        test_write_file(f->dir, "other.xml", xml);

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(f->s->n_pools, 0);
        assert_null(store_find(f->s, "real"));
        assert_null(store_find(f->s, "other"));
        assert_problem(f->s, "other.xml", "does not match");
}

static void test_load_misnamed_file_does_not_block_the_properly_named_one(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *xml = dir_pool("zed", UUID_A, "/srv/zed");

        /* "aaa.xml" is read first and holds pool "zed" with the same UUID and target as
         * "zed.xml": being refused, it takes neither. */
        test_write_file(f->dir, "aaa.xml", xml);
        test_write_file(f->dir, "zed.xml", xml);

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(f->s->n_pools, 1);
        assert_loaded(f->s, "zed");
        assert_string_equal(store_find(f->s, "zed")->file, "zed.xml");
        assert_problem(f->s, "aaa.xml", "does not match");
        assert_null(find_problem(f->s, "zed.xml"));
}

static void test_load_refuses_second_file_with_same_uuid(void **state) {
        Fixture *f = *state;
        const Error *e;

        write_dir_pool(f, "b-second", UUID_A, "/srv/b");
        write_dir_pool(f, "a-first", UUID_A, "/srv/a");

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(f->s->n_pools, 1);
        assert_loaded(f->s, "a-first");
        assert_null(store_find(f->s, "b-second"));
        assert_uuid(store_find_uuid(f->s, store_find(f->s, "a-first")->def->uuid), UUID_A);
        assert_string_equal(
                store_find_uuid(f->s, store_find(f->s, "a-first")->def->uuid)->def->name,
                "a-first");
        e = assert_problem(f->s, "b-second.xml", "is already defined with uuid");
        assert_contains(e->message, "'a-first'");
        assert_contains(e->message, UUID_A);
        assert_null(find_problem(f->s, "a-first.xml"));
}

/* ---- store_load: duplicate storage, by libvirt's rules ---- */

/* Writes first.xml and second.xml with the given pools, loads, and checks that "first" is
 * loaded and "second" refused as a source conflict with it. */
static void check_source_conflict(Fixture *f, const char *first_xml, const char *second_xml) {
        test_write_file(f->dir, "first.xml", first_xml);
        test_write_file(f->dir, "second.xml", second_xml);

        assert_int_equal(store_load(f->s), 0);
        assert_loaded(f->s, "first");
        if (store_find(f->s, "second"))
                fail_msg("pool 'second' was loaded beside 'first', which uses the same storage");
        assert_int_equal(f->s->n_pools, 1);
        assert_problem(f->s, "second.xml", "Storage source conflict with pool: 'first'");
}

/* Both load, no problem. */
static void check_no_source_conflict(Fixture *f, const char *first_xml, const char *second_xml) {
        test_write_file(f->dir, "first.xml", first_xml);
        test_write_file(f->dir, "second.xml", second_xml);

        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_int_equal(f->s->n_pools, 2);
        assert_loaded(f->s, "first");
        assert_loaded(f->s, "second");
}

static void test_load_dir_pools_with_same_target_path_conflict(void **state) {
        check_source_conflict(*state,
                              "<pool type='dir'><name>first</name>"
                              "<target><path>/var/lib/images</path></target></pool>\n",
                              /* the same path once sanitized */
                              "<pool type='dir'><name>second</name>"
                              "<target><path>/var//lib/images/</path></target></pool>\n");
}

static void test_load_fs_pools_on_same_device_conflict(void **state) {
        check_source_conflict(*state,
                              "<pool type='fs'><name>first</name>"
                              "<source><device path='/dev/vdb1'/><format type='ext4'/></source>"
                              "<target><path>/mnt/first</path></target></pool>\n",
                              "<pool type='fs'><name>second</name>"
                              "<source><device path='/dev/vdb1'/><format type='xfs'/></source>"
                              "<target><path>/mnt/second</path></target></pool>\n");
}

static void test_load_netfs_pools_with_same_host_and_dir_conflict(void **state) {
        check_source_conflict(*state,
                              "<pool type='netfs'><name>first</name>"
                              "<source><host name='nfs.example.com'/><dir path='/export/vm'/>"
                              "<format type='nfs'/></source>"
                              "<target><path>/mnt/first</path></target></pool>\n",
                              "<pool type='netfs'><name>second</name>"
                              "<source><host name='nfs.example.com'/><dir path='/export/vm'/>"
                              "<format type='nfs'/></source>"
                              "<target><path>/mnt/second</path></target></pool>\n");
}

static void test_load_netfs_pools_with_same_dir_on_different_hosts_do_not_conflict(
        void **state) {
        check_no_source_conflict(*state,
                                 "<pool type='netfs'><name>first</name>"
                                 "<source><host name='nfs1.example.com'/>"
                                 "<dir path='/export/vm'/></source>"
                                 "<target><path>/mnt/first</path></target></pool>\n",
                                 "<pool type='netfs'><name>second</name>"
                                 "<source><host name='nfs2.example.com'/>"
                                 "<dir path='/export/vm'/></source>"
                                 "<target><path>/mnt/second</path></target></pool>\n");
}

static void test_load_iscsi_pools_with_same_host_and_device_conflict(void **state) {
        check_source_conflict(*state,
                              "<pool type='iscsi'><name>first</name>"
                              "<source><host name='san.example.com'/>"
                              "<device path='iqn.2013-06.com.example:target0'/></source>"
                              "<target><path>/dev/disk/by-path</path></target></pool>\n",
                              "<pool type='iscsi'><name>second</name>"
                              "<source><host name='san.example.com'/>"
                              "<device path='iqn.2013-06.com.example:target0'/></source>"
                              "<target><path>/dev/disk/by-path</path></target></pool>\n");
}

static void test_load_iscsi_pools_with_different_targets_do_not_conflict(void **state) {
        check_no_source_conflict(*state,
                                 "<pool type='iscsi'><name>first</name>"
                                 "<source><host name='san.example.com'/>"
                                 "<device path='iqn.2013-06.com.example:target0'/></source>"
                                 "<target><path>/dev/disk/by-path</path></target></pool>\n",
                                 "<pool type='iscsi'><name>second</name>"
                                 "<source><host name='san.example.com'/>"
                                 "<device path='iqn.2013-06.com.example:target1'/></source>"
                                 "<target><path>/dev/disk/by-path</path></target></pool>\n");
}

/* libvirt's virStoragePoolSourceISCSIMatch: "NB: Do not check the source host name" -- the
 * same target IQN reached through another portal is the same storage. */
static void test_load_iscsi_pools_with_same_target_through_other_portal_conflict(void **state) {
        check_source_conflict(*state,
                              "<pool type='iscsi'><name>first</name>"
                              "<source><host name='192.0.2.10'/>"
                              "<device path='iqn.2013-06.com.example:target0'/></source>"
                              "<target><path>/dev/disk/by-path</path></target></pool>\n",
                              "<pool type='iscsi'><name>second</name>"
                              "<source><host name='192.0.2.11'/>"
                              "<device path='iqn.2013-06.com.example:target0'/></source>"
                              "<target><path>/dev/disk/by-path</path></target></pool>\n");
}

static void test_load_pools_of_different_types_sharing_a_path_both_load(void **state) {
        Fixture *f = *state;

        /* A dir pool and a netfs pool with the same target path; an fs pool mounted there
         * too. libvirt compares target paths only between dir pools. */
        test_write_file(f->dir, "first.xml",
                        "<pool type='dir'><name>first</name>"
                        "<target><path>/srv/shared</path></target></pool>\n");
        test_write_file(f->dir, "second.xml",
                        "<pool type='netfs'><name>second</name>"
                        "<source><host name='nfs.example.com'/><dir path='/export'/></source>"
                        "<target><path>/srv/shared</path></target></pool>\n");
        test_write_file(f->dir, "third.xml",
                        "<pool type='fs'><name>third</name>"
                        "<source><device path='/dev/vdc'/></source>"
                        "<target><path>/srv/shared</path></target></pool>\n");

        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_int_equal(f->s->n_pools, 3);
        assert_loaded(f->s, "first");
        assert_loaded(f->s, "second");
        assert_loaded(f->s, "third");
}

/* libvirt's virStoragePoolObjSourceFindDuplicateCb compares devices across the fs, logical,
 * disk and zfs types: a disk pool (which partitions the device) on the device an fs pool
 * mounts is the same storage. */
static void test_load_fs_and_disk_pools_on_same_device_conflict(void **state) {
        check_source_conflict(*state,
                              "<pool type='fs'><name>first</name>"
                              "<source><device path='/dev/vdb'/></source>"
                              "<target><path>/mnt/first</path></target></pool>\n",
                              "<pool type='disk'><name>second</name>"
                              "<source><device path='/dev/vdb'/><format type='gpt'/></source>"
                              "<target><path>/dev</path></target></pool>\n");
}

/* ---- UUIDs of definitions without one; files are never rewritten ---- */

static void test_load_gives_uuidless_definition_its_name_based_uuid(void **state) {
        Fixture *f = *state;
        uint8_t expected[16];
        StoredPool *p;

        write_dir_pool(f, "plain", NULL, "/srv/plain");
        uuid_from_name("plain", expected);

        assert_int_equal(store_load(f->s), 0);
        p = store_find(f->s, "plain");
        assert_non_null(p);
        assert_memory_equal(p->def->uuid, expected, 16);
        assert_true(p->def->uuid_derived);
        assert_ptr_equal(store_find_uuid(f->s, expected), p);

        /* The same on the next load, and from a fresh store. */
        assert_int_equal(store_load(f->s), 0);
        p = store_find(f->s, "plain");
        assert_non_null(p);
        assert_memory_equal(p->def->uuid, expected, 16);
        {
                _cleanup_store_ Store *s2 = NULL;

                assert_int_equal(store_open(f->dir, false, &s2), 0);
                assert_int_equal(store_load(s2), 0);
                assert_non_null(store_find(s2, "plain"));
                assert_memory_equal(store_find(s2, "plain")->def->uuid, expected, 16);
        }
}

static void test_load_never_rewrites_hand_written_files(void **state) {
        Fixture *f = *state;
        /* Not canonical on purpose: no <uuid>, odd spacing, a comment. */
        const char *xml = "<pool type='dir'>  <!-- mine -->\n"
                          "<name>hand</name>\n"
                          "     <target><path>/srv//hand/</path></target>\n"
                          "</pool>\n";
        _cleanup_free_ char *p = path_in(f, "hand.xml");
        _cleanup_free_ char *after = NULL;
        const struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
        struct stat before, now;

        test_write_file(f->dir, "hand.xml", xml);
        /* An old mtime, so any rewrite shows even on a coarse clock. */
        assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
        assert_int_equal(stat(p, &before), 0);

        assert_int_equal(store_load(f->s), 0);
        assert_loaded(f->s, "hand");
        assert_int_equal(store_load(f->s), 0);
        assert_true(store_reload_file(f->s, "hand.xml") >= 0);
        assert_int_equal(store_set_autostart(f->s, "hand", true), 0);
        assert_int_equal(store_set_autostart(f->s, "hand", false), 0);
        assert_loaded(f->s, "hand");

        after = read_in(f, "hand.xml");
        assert_string_equal(after, xml);
        assert_int_equal(stat(p, &now), 0);
        assert_int_equal(now.st_ino, before.st_ino);
        assert_int_equal(now.st_mtim.tv_sec, before.st_mtim.tv_sec);
        assert_int_equal(now.st_mtim.tv_nsec, before.st_mtim.tv_nsec);
        assert_int_equal(now.st_mode, before.st_mode);
        assert_listing(f, NULL, "autostart hand.xml");
}

/* ---- autostart links ---- */

static void make_link(const Fixture *f, const char *target, const char *name) {
        _cleanup_free_ char *adir = path_in(f, "autostart");
        _cleanup_free_ char *link = xasprintf("%s/%s", adir, name);

        if (mkdir(adir, 0755) < 0 && errno != EEXIST)
                fail_msg("mkdir(%s): %m", adir);
        if (symlink(target, link) < 0)
                fail_msg("symlink(%s, %s): %m", target, link);
}

static void test_autostart_absolute_and_relative_links_mark_pools(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *abs_target = path_in(f, "abs.xml");

        write_dir_pool(f, "abs", NULL, "/srv/abs");
        write_dir_pool(f, "rel", NULL, "/srv/rel");
        write_dir_pool(f, "none", NULL, "/srv/none");
        make_link(f, abs_target, "abs.xml");
        make_link(f, "../rel.xml", "rel.xml");

        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_int_equal(f->s->n_pools, 3);
        assert_true(store_find(f->s, "abs")->autostart);
        assert_true(store_find(f->s, "rel")->autostart);
        assert_false(store_find(f->s, "none")->autostart);
}

static void test_autostart_regular_file_copy_is_not_a_link_and_is_reported(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *xml = dir_pool("copied", NULL, "/srv/copied");
        _cleanup_free_ char *adir = path_in(f, "autostart");

        test_write_file(f->dir, "copied.xml", xml);
        assert_int_equal(mkdir(adir, 0755), 0);
        test_write_file(adir, "copied.xml", xml);

        assert_int_equal(store_load(f->s), 0);
        assert_loaded(f->s, "copied");
        assert_false(store_find(f->s, "copied")->autostart);
        assert_problem(f->s, "autostart/copied.xml", "not a link");
        assert_int_equal(f->s->n_problems, 1);
}

static void test_autostart_link_for_undefined_pool_is_reported(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "present", NULL, "/srv/present");
        make_link(f, "../ghost.xml", "ghost.xml");

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(f->s->n_pools, 1);
        assert_false(store_find(f->s, "present")->autostart);
        assert_problem(f->s, "autostart/ghost.xml", "'ghost'");
        assert_problem(f->s, "autostart/ghost.xml", "not defined");
        assert_int_equal(f->s->n_problems, 1);
}

static void test_autostart_link_to_another_pools_file_does_not_count(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "one", NULL, "/srv/one");
        write_dir_pool(f, "two", NULL, "/srv/two");
        make_link(f, "../one.xml", "two.xml"); /* autostart/two.xml -> one.xml */

        assert_int_equal(store_load(f->s), 0);
        assert_false(store_find(f->s, "one")->autostart);
        assert_false(store_find(f->s, "two")->autostart);
        assert_problem(f->s, "autostart/two.xml", "not a link to two.xml");
}

static void test_set_autostart_creates_link_resolving_to_definition_and_removes_it(
        void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *link = path_in(f, "autostart/pool.xml");
        _cleanup_free_ char *def = path_in(f, "pool.xml");
        char target[PATH_MAX];
        struct stat lst, st, dst;
        ssize_t n;

        write_dir_pool(f, "pool", NULL, "/srv/pool");
        assert_int_equal(store_load(f->s), 0);
        assert_false(exists_in(f, "autostart")); /* created on demand */

        assert_int_equal(store_set_autostart(f->s, "pool", true), 0);
        assert_true(store_find(f->s, "pool")->autostart);
        assert_int_equal(lstat(link, &lst), 0);
        assert_true(S_ISLNK(lst.st_mode));
        n = readlink(link, target, sizeof(target) - 1);
        assert_true(n > 0);
        target[n] = '\0';
        assert_int_equal(stat(link, &st), 0);
        assert_int_equal(stat(def, &dst), 0);
        if (st.st_dev != dst.st_dev || st.st_ino != dst.st_ino)
                fail_msg("autostart link -> '%s' does not resolve to %s", target, def);
        assert_listing(f, "autostart", "pool.xml"); /* no temporary left */

        /* A fresh load sees it too, without complaint. */
        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_true(store_find(f->s, "pool")->autostart);

        /* Setting it twice is fine. */
        assert_int_equal(store_set_autostart(f->s, "pool", true), 0);
        assert_listing(f, "autostart", "pool.xml");

        assert_int_equal(store_set_autostart(f->s, "pool", false), 0);
        assert_false(store_find(f->s, "pool")->autostart);
        assert_int_equal(lstat(link, &lst), -1);
        assert_int_equal(errno, ENOENT);
        assert_true(exists_in(f, "pool.xml"));
        assert_int_equal(store_load(f->s), 0);
        assert_false(store_find(f->s, "pool")->autostart);

        /* Removing an absent link is not an error. */
        assert_int_equal(store_set_autostart(f->s, "pool", false), 0);
}

static void test_set_autostart_in_store_opened_by_relative_path(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *parent = xstrdup(f->dir), *base = NULL;
        _cleanup_store_ Store *s = NULL;
        char cwd[PATH_MAX];
        struct stat st, dst;
        char *slash;
        int r;

        slash = strrchr(parent, '/');
        assert_non_null(slash);
        base = xstrdup(slash + 1);
        *slash = '\0';
        assert_non_null(getcwd(cwd, sizeof(cwd)));
        assert_int_equal(chdir(*parent ? parent : "/"), 0);

        write_dir_pool(f, "rp", NULL, "/srv/rp");
        r = store_open(base, false, &s);
        if (r == 0)
                r = store_load(s);
        if (r == 0)
                r = store_set_autostart(s, "rp", true);
        /* Resolve the link from another directory: it must not depend on the cwd. */
        assert_int_equal(chdir(cwd), 0);
        assert_int_equal(r, 0);
        {
                _cleanup_free_ char *link = path_in(f, "autostart/rp.xml");
                _cleanup_free_ char *def = path_in(f, "rp.xml");

                assert_int_equal(stat(link, &st), 0);
                assert_int_equal(stat(def, &dst), 0);
                assert_int_equal(st.st_ino, dst.st_ino);
        }
}

static void test_set_autostart_of_unknown_pool_is_enoent(void **state) {
        Fixture *f = *state;

        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(store_set_autostart(f->s, "nope", true), -ENOENT);
        assert_false(exists_in(f, "autostart/nope.xml"));
}

/* ---- store_define ---- */

static void test_define_writes_canonical_xml_0600_atomically_and_loads_it(void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_free_ char *expected = NULL, *written = NULL, *p = path_in(f, "web.xml");
        struct stat st;
        StoredPool *sp;
        mode_t old_umask;
        int r;

        /* Not canonical as given: extra slashes, no sizes. */
        def = parse_pool("<pool type='dir'><name>web</name><uuid>" UUID_A "</uuid>"
                         "<target><path>/srv//web/</path>"
                         "<permissions><mode>0711</mode></permissions></target></pool>");
        expected = pool_def_format(def, NULL);

        assert_int_equal(store_load(f->s), 0);
        /* The file must be 0600 whatever the umask, even one that would take away the
         * owner's write permission. */
        old_umask = umask(0277);
        r = store_define(f->s, def, &err);
        umask(old_umask);
        if (r < 0)
                fail_msg("store_define: %s", err.message);
        assert_null(err.message);

        written = read_in(f, "web.xml");
        assert_string_equal(written, expected);
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        assert_int_equal(st.st_mode & 07777, 0600);
        /* Atomic: written beside and renamed; nothing else left in the directory. */
        assert_listing(f, NULL, "web.xml");

        sp = store_find(f->s, "web");
        assert_non_null(sp);
        assert_string_equal(sp->file, "web.xml");
        assert_string_equal(sp->def->target_path, "/srv/web");
        assert_uuid(sp, UUID_A);
        assert_ptr_equal(store_find_uuid(f->s, def->uuid), sp);
        assert_no_problems(f->s);

        /* And a fresh load reads back the same definition. */
        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        sp = store_find(f->s, "web");
        assert_non_null(sp);
        {
                _cleanup_free_ char *again = pool_def_format(sp->def, NULL);
                assert_string_equal(again, expected);
        }
}

static void test_define_of_uuidless_definition_writes_its_derived_uuid(void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = parse_dir_pool("derived", NULL, "/srv/derived");
        _cleanup_free_ char *written = NULL;
        char buf[UUID_STRING_MAX];
        uint8_t expected[16];

        uuid_from_name("derived", expected);
        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(store_define(f->s, def, &err), 0);
        written = read_in(f, "derived.xml");
        assert_contains(written, uuid_format(expected, buf));
        assert_memory_equal(store_find(f->s, "derived")->def->uuid, expected, 16);
}

/* Snapshot of the directory, to show a refused define touched nothing. */
typedef struct Snapshot {
        char *listing, *content;
        struct stat st;
} Snapshot;

static void snapshot(const Fixture *f, const char *file, Snapshot *snap) {
        _cleanup_free_ char *p = path_in(f, file);

        snap->listing = listing(f, NULL);
        snap->content = read_in(f, file);
        if (stat(p, &snap->st) < 0)
                fail_msg("stat(%s): %m", p);
}

static void assert_unchanged(const Fixture *f, const char *file, Snapshot *snap) {
        _cleanup_free_ char *p = path_in(f, file);
        _cleanup_free_ char *l = listing(f, NULL), *c = read_in(f, file);
        struct stat st;

        assert_string_equal(l, snap->listing);
        assert_string_equal(c, snap->content);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_ino, snap->st.st_ino);
        assert_int_equal(st.st_mtim.tv_sec, snap->st.st_mtim.tv_sec);
        assert_int_equal(st.st_mtim.tv_nsec, snap->st.st_mtim.tv_nsec);
        free(snap->listing);
        free(snap->content);
}

/* A store holding pool "a" (UUID_A, /srv/a), defined through the store. */
static void define_a(Fixture *f) {
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *a = parse_dir_pool("a", UUID_A, "/srv/a");
        const struct timespec old[2] = { { 1000000000, 0 }, { 1000000000, 0 } };
        _cleanup_free_ char *p = path_in(f, "a.xml");

        assert_int_equal(store_load(f->s), 0);
        if (store_define(f->s, a, &err) < 0)
                fail_msg("store_define(a): %s", err.message);
        assert_int_equal(utimensat(AT_FDCWD, p, old, 0), 0);
}

static void test_define_refuses_same_name_with_other_uuid_without_touching_files(
        void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = parse_dir_pool("a", UUID_B, "/srv/other");
        Snapshot snap;

        define_a(f);
        snapshot(f, "a.xml", &snap);

        assert_true(store_define(f->s, def, &err) < 0);
        assert_non_null(err.message);
        assert_contains(err.message, "already exists with uuid");
        assert_contains(err.message, UUID_A);
        assert_unchanged(f, "a.xml", &snap);
        assert_int_equal(f->s->n_pools, 1);
        assert_uuid(store_find(f->s, "a"), UUID_A);
        assert_string_equal(store_find(f->s, "a")->def->target_path, "/srv/a");
}

static void test_define_refuses_same_uuid_with_other_name_without_touching_files(
        void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = parse_dir_pool("b", UUID_A, "/srv/b");
        Snapshot snap;

        define_a(f);
        snapshot(f, "a.xml", &snap);

        assert_true(store_define(f->s, def, &err) < 0);
        assert_non_null(err.message);
        assert_contains(err.message, "'a'");
        assert_contains(err.message, "is already defined with uuid " UUID_A);
        assert_unchanged(f, "a.xml", &snap);
        assert_false(exists_in(f, "b.xml"));
        assert_int_equal(f->s->n_pools, 1);
        assert_null(store_find(f->s, "b"));
}

static void test_define_refuses_source_conflict_without_touching_files(void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = parse_dir_pool("c", UUID_C, "/srv/a");
        Snapshot snap;

        define_a(f);
        snapshot(f, "a.xml", &snap);

        assert_true(store_define(f->s, def, &err) < 0);
        assert_non_null(err.message);
        assert_string_equal(err.message, "Storage source conflict with pool: 'a'");
        assert_unchanged(f, "a.xml", &snap);
        assert_false(exists_in(f, "c.xml"));
        assert_int_equal(f->s->n_pools, 1);
        assert_null(store_find(f->s, "c"));
}

static void test_define_same_name_and_uuid_replaces_the_file(void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = parse_dir_pool("a", UUID_A, "/srv/a2");
        _cleanup_free_ char *expected = pool_def_format(def, NULL);
        _cleanup_free_ char *old = NULL, *now = NULL, *kept = NULL;
        _cleanup_free_ char *p = path_in(f, "a.xml"), *hard = path_in(f, "a.orig");
        struct stat before, after;

        define_a(f);
        old = read_in(f, "a.xml");
        assert_int_equal(stat(p, &before), 0);
        /* A second name for the old file: an atomic replacement leaves it intact. */
        assert_int_equal(link(p, hard), 0);

        if (store_define(f->s, def, &err) < 0)
                fail_msg("redefinition refused: %s", err.message);
        now = read_in(f, "a.xml");
        assert_string_equal(now, expected);
        assert_contains(now, "<path>/srv/a2</path>");
        kept = read_in(f, "a.orig");
        assert_string_equal(kept, old);
        assert_int_equal(stat(p, &after), 0);
        assert_true(after.st_ino != before.st_ino);
        assert_int_equal(after.st_mode & 07777, 0600);
        assert_listing(f, NULL, "a.orig a.xml");

        assert_int_equal(f->s->n_pools, 1);
        assert_string_equal(store_find(f->s, "a")->def->target_path, "/srv/a2");
        assert_uuid(store_find(f->s, "a"), UUID_A);
        assert_no_problems(f->s);
}

static void test_define_redefinition_keeps_autostart(void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = parse_dir_pool("a", UUID_A, "/srv/a3");

        define_a(f);
        assert_int_equal(store_set_autostart(f->s, "a", true), 0);
        assert_int_equal(store_define(f->s, def, &err), 0);
        assert_true(store_find(f->s, "a")->autostart);
        assert_true(exists_in(f, "autostart/a.xml"));
        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_true(store_find(f->s, "a")->autostart);
}

/* The store ignores dot files when it loads, so a pool whose name starts with '.' could never
 * be read back: defining one must either load it or refuse it, never leave a file behind that
 * the store will not see. */
static void test_define_never_leaves_a_file_the_store_ignores(void **state) {
        Fixture *f = *state;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = parse_dir_pool(".dot", UUID_B, "/srv/dot");
        _cleanup_free_ char *files = NULL;
        int r;

        assert_int_equal(store_load(f->s), 0);
        r = store_define(f->s, def, &err);
        files = listing(f, NULL);
        if (r >= 0) {
                assert_non_null(store_find(f->s, ".dot"));
                assert_int_equal(store_load(f->s), 0);
                assert_non_null(store_find(f->s, ".dot"));
        } else {
                assert_non_null(err.message);
                if (!streq(files, ""))
                        fail_msg("define of '.dot' failed (%s) but left files behind: %s",
                                 err.message, files);
        }
}

/* ---- store_undefine ---- */

static void test_undefine_removes_file_and_autostart_link(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "gone", UUID_B, "/srv/gone");
        write_dir_pool(f, "stays", NULL, "/srv/stays");
        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(store_set_autostart(f->s, "gone", true), 0);
        assert_int_equal(store_set_autostart(f->s, "stays", true), 0);

        assert_int_equal(store_undefine(f->s, "gone"), 0);
        assert_null(store_find(f->s, "gone"));
        assert_false(exists_in(f, "gone.xml"));
        assert_false(exists_in(f, "autostart/gone.xml"));
        assert_int_equal(f->s->n_pools, 1);
        assert_true(store_find(f->s, "stays")->autostart);
        assert_listing(f, NULL, "autostart stays.xml");
        assert_listing(f, "autostart", "stays.xml");

        /* Its UUID and source are free again. */
        assert_int_equal(store_load(f->s), 0);
        assert_no_problems(f->s);
        assert_int_equal(f->s->n_pools, 1);
}

static void test_undefine_without_autostart_link_removes_the_file(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "plain", NULL, "/srv/plain");
        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(store_undefine(f->s, "plain"), 0);
        assert_false(exists_in(f, "plain.xml"));
        assert_int_equal(f->s->n_pools, 0);
}

static void test_undefine_of_unknown_pool_is_enoent(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "kept", NULL, "/srv/kept");
        assert_int_equal(store_load(f->s), 0);
        assert_int_equal(store_undefine(f->s, "nope"), -ENOENT);
        assert_true(exists_in(f, "kept.xml"));
        assert_int_equal(f->s->n_pools, 1);
}

/* ---- store_reload_file ---- */

static void test_reload_file_loads_a_new_file(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "old", NULL, "/srv/old");
        assert_int_equal(store_load(f->s), 0);
        assert_null(store_find(f->s, "new"));

        write_dir_pool(f, "new", UUID_C, "/srv/new");
        assert_int_equal(store_reload_file(f->s, "new.xml"), 1);
        assert_loaded(f->s, "new");
        assert_uuid(store_find(f->s, "new"), UUID_C);
        assert_string_equal(store_find(f->s, "new")->file, "new.xml");
        assert_loaded(f->s, "old");
        assert_int_equal(f->s->n_pools, 2);
        assert_no_problems(f->s);
}

static void test_reload_file_loads_the_edited_definition(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "ed", UUID_A, "/srv/before");
        write_dir_pool(f, "other", NULL, "/srv/other");
        assert_int_equal(store_load(f->s), 0);
        assert_string_equal(store_find(f->s, "ed")->def->target_path, "/srv/before");

        write_dir_pool(f, "ed", UUID_A, "/srv/after");
        assert_int_equal(store_reload_file(f->s, "ed.xml"), 1);
        assert_loaded(f->s, "ed");
        assert_string_equal(store_find(f->s, "ed")->def->target_path, "/srv/after");
        assert_int_equal(f->s->n_pools, 2);
        assert_no_problems(f->s);

        /* The edited pool is checked against the others, not against its old self: reading
         * the same file again does not find it in conflict with itself. */
        write_dir_pool(f, "ed", UUID_A, "/srv/after");
        assert_true(store_reload_file(f->s, "ed.xml") >= 0);
        assert_loaded(f->s, "ed");
        assert_no_problems(f->s);
}

static void test_reload_file_invalid_edit_drops_the_pool_and_records_a_problem(void **state) {
        Fixture *f = *state;
        const Error *e;

        write_dir_pool(f, "brk", NULL, "/srv/brk");
        write_dir_pool(f, "fine", NULL, "/srv/fine");
        assert_int_equal(store_load(f->s), 0);
        assert_loaded(f->s, "brk");

        test_write_file(f->dir, "brk.xml",
                        "<pool type='dir'>\n"
                        "  <name>brk</name>\n"
                        "  <target><path>/srv/brk</path>\n"
                        "</pool>\n");
        assert_int_equal(store_reload_file(f->s, "brk.xml"), 1);
        assert_null(store_find(f->s, "brk"));
        assert_loaded(f->s, "fine");
        assert_int_equal(f->s->n_pools, 1);
        e = assert_problem(f->s, "brk.xml", "malformed XML");
        assert_true(e->line > 0);
}

static void test_reload_file_edit_that_conflicts_drops_the_pool(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "p1", NULL, "/srv/p1");
        write_dir_pool(f, "p2", NULL, "/srv/p2");
        assert_int_equal(store_load(f->s), 0);

        write_dir_pool(f, "p2", NULL, "/srv/p1");
        assert_int_equal(store_reload_file(f->s, "p2.xml"), 1);
        assert_null(store_find(f->s, "p2"));
        assert_loaded(f->s, "p1");
        assert_problem(f->s, "p2.xml", "Storage source conflict with pool: 'p1'");
}

static void test_reload_file_clears_the_files_old_problem(void **state) {
        Fixture *f = *state;

        test_write_file(f->dir, "fix.xml", "<pool type='dir'><name>fix</name></pool>\n");
        test_write_file(f->dir, "other.xml", "<pool");
        assert_int_equal(store_load(f->s), 0);
        assert_null(store_find(f->s, "fix"));
        assert_problem(f->s, "fix.xml", "target path");
        assert_int_equal(f->s->n_problems, 2);

        /* Reloading a file that is still broken replaces its problem, does not add one. */
        assert_int_equal(store_reload_file(f->s, "fix.xml"), 0);
        assert_problem(f->s, "fix.xml", "target path");
        assert_int_equal(f->s->n_problems, 2);

        write_dir_pool(f, "fix", NULL, "/srv/fix");
        assert_int_equal(store_reload_file(f->s, "fix.xml"), 1);
        assert_loaded(f->s, "fix");
        assert_null(find_problem(f->s, "fix.xml"));
        /* Another file's problem stays. */
        assert_non_null(find_problem(f->s, "other.xml"));
        assert_int_equal(f->s->n_problems, 1);
}

static void test_reload_file_of_removed_file_drops_the_pool(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *p = path_in(f, "rm.xml");

        write_dir_pool(f, "rm", NULL, "/srv/rm");
        write_dir_pool(f, "keep", NULL, "/srv/keep");
        assert_int_equal(store_load(f->s), 0);
        assert_loaded(f->s, "rm");

        assert_int_equal(unlink(p), 0);
        assert_int_equal(store_reload_file(f->s, "rm.xml"), 1);
        assert_null(store_find(f->s, "rm"));
        assert_loaded(f->s, "keep");
        assert_int_equal(f->s->n_pools, 1);
        assert_no_problems(f->s);

        /* Nothing left to drop the second time. */
        assert_int_equal(store_reload_file(f->s, "rm.xml"), 0);
        assert_int_equal(f->s->n_pools, 1);
}

static void test_reload_file_of_unrelated_names_returns_0(void **state) {
        Fixture *f = *state;

        write_dir_pool(f, "stay", NULL, "/srv/stay");
        assert_int_equal(store_load(f->s), 0);
        test_write_file(f->dir, "notes.txt", "hello");
        test_write_file(f->dir, ".#stay.xml.0123456789abcdef", "<pool");

        assert_int_equal(store_reload_file(f->s, "notes.txt"), 0);
        assert_int_equal(store_reload_file(f->s, ".#stay.xml.0123456789abcdef"), 0);
        assert_int_equal(store_reload_file(f->s, "absent.xml"), 0);
        assert_int_equal(f->s->n_pools, 1);
        assert_loaded(f->s, "stay");
        assert_no_problems(f->s);
}

/* An autostart link for a pool not yet defined is reported; once the pool's file appears and
 * is reloaded, the pool is defined and autostarts: the report must not remain to say that it
 * is not defined. */
static void test_reload_file_of_new_pool_clears_its_stale_autostart_problem(void **state) {
        Fixture *f = *state;

        make_link(f, "../late.xml", "late.xml");
        assert_int_equal(store_load(f->s), 0);
        assert_problem(f->s, "autostart/late.xml", "not defined");

        write_dir_pool(f, "late", NULL, "/srv/late");
        assert_int_equal(store_reload_file(f->s, "late.xml"), 1);
        assert_loaded(f->s, "late");
        assert_true(store_find(f->s, "late")->autostart);
        if (f->s->n_problems > 0) {
                _cleanup_free_ char *all = problems_text(f->s);
                fail_msg("pool 'late' is defined and autostarts, yet problems say:\n%s", all);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
                T(test_load_reads_definitions_in_byte_order_of_names),
                T(test_load_first_file_in_byte_order_wins_a_conflict),
                T(test_load_ignores_non_xml_and_dot_files),
                T(test_load_reads_a_pool_whose_name_starts_with_a_dot),
                T(test_load_reports_malformed_file_and_loads_the_good_ones_beside_it),
                T(test_load_reports_invalid_definition_with_its_line),
                T(test_load_refuses_file_named_differently_from_its_pool),
                T(test_load_misnamed_file_does_not_block_the_properly_named_one),
                T(test_load_refuses_second_file_with_same_uuid),
                T(test_load_dir_pools_with_same_target_path_conflict),
                T(test_load_fs_pools_on_same_device_conflict),
                T(test_load_netfs_pools_with_same_host_and_dir_conflict),
                T(test_load_netfs_pools_with_same_dir_on_different_hosts_do_not_conflict),
                T(test_load_iscsi_pools_with_same_host_and_device_conflict),
                T(test_load_iscsi_pools_with_different_targets_do_not_conflict),
                T(test_load_iscsi_pools_with_same_target_through_other_portal_conflict),
                T(test_load_pools_of_different_types_sharing_a_path_both_load),
                T(test_load_fs_and_disk_pools_on_same_device_conflict),
                T(test_load_gives_uuidless_definition_its_name_based_uuid),
                T(test_load_never_rewrites_hand_written_files),
                T(test_autostart_absolute_and_relative_links_mark_pools),
                T(test_autostart_regular_file_copy_is_not_a_link_and_is_reported),
                T(test_autostart_link_for_undefined_pool_is_reported),
                T(test_autostart_link_to_another_pools_file_does_not_count),
                T(test_set_autostart_creates_link_resolving_to_definition_and_removes_it),
                T(test_set_autostart_in_store_opened_by_relative_path),
                T(test_set_autostart_of_unknown_pool_is_enoent),
                T(test_define_writes_canonical_xml_0600_atomically_and_loads_it),
                T(test_define_of_uuidless_definition_writes_its_derived_uuid),
                T(test_define_refuses_same_name_with_other_uuid_without_touching_files),
                T(test_define_refuses_same_uuid_with_other_name_without_touching_files),
                T(test_define_refuses_source_conflict_without_touching_files),
                T(test_define_same_name_and_uuid_replaces_the_file),
                T(test_define_redefinition_keeps_autostart),
                T(test_define_never_leaves_a_file_the_store_ignores),
                T(test_undefine_removes_file_and_autostart_link),
                T(test_undefine_without_autostart_link_removes_the_file),
                T(test_undefine_of_unknown_pool_is_enoent),
                T(test_reload_file_loads_a_new_file),
                T(test_reload_file_loads_the_edited_definition),
                T(test_reload_file_invalid_edit_drops_the_pool_and_records_a_problem),
                T(test_reload_file_edit_that_conflicts_drops_the_pool),
                T(test_reload_file_clears_the_files_old_problem),
                T(test_reload_file_of_removed_file_drops_the_pool),
                T(test_reload_file_of_unrelated_names_returns_0),
                T(test_reload_file_of_new_pool_clears_its_stale_autostart_problem),
#undef T
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
