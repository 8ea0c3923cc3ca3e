/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "test-util.h"

#include "conf/vol-def.h"
#include "shared/error.h"
#include "shared/fileio.h"

/* Every fixture under tests/fixtures/volumes, with the type of the pool it is parsed in (the
 * pool decides which formats exist and which one is the default). */
typedef struct VolFixture {
        const char *name;
        PoolType pool_type;
} VolFixture;

static const VolFixture vol_fixtures[] = {
        { "raw-units", POOL_DIR },
        { "qcow2-backing", POOL_DIR },
        { "qcow2-features-empty", POOL_DIR },
        { "qcow2-cluster", POOL_DIR },
        { "qcow-encrypted", POOL_DIR },
        { "luks-cipher", POOL_DIR },
        { "luks-usage", POOL_FS },
        { "iso", POOL_NETFS },
        { "timestamps", POOL_DIR },
        { "key", POOL_VSTORAGE },
        { "partition", POOL_DISK },
        { "logical-lv", POOL_LOGICAL },
        /* libvirt's ISCSI, SCSI and MPATH pool types have no volume options: no <format>. */
        { "iscsi-lun", POOL_ISCSI },
        { "netdir-owner", POOL_GLUSTER },
        { "owner-octal", POOL_DIR },
        { "nocapacity-backing", POOL_DIR },
};

static char *read_fixture(const char *rel) {
        _cleanup_free_ char *path = test_fixture(rel);
        char *data = NULL;
        size_t len;
        int r = read_file_bounded(AT_FDCWD, path, 1024 * 1024, &data, &len);

        if (r < 0)
                fail_msg("cannot read %s: %s", path, strerror(-r));
        return data;
}

static VolDef *parse_string(const char *xml, PoolType pool_type) {
        _cleanup_error_ Error e = ERROR_INIT;
        VolDef *def = NULL;
        int r = vol_def_parse_string(xml, strlen(xml), pool_type, VOL_PARSE_OPT_CAPACITY, &def,
                                     &e);

        if (r < 0)
                fail_msg("vol_def_parse_string() = %d (line %d: %s) for:\n%s", r, e.line,
                         e.message ? e.message : "(null)", xml);
        assert_non_null(def);
        return def;
}

static void assert_same_text(const char *what, const char *expected, const char *got) {
        if (strcmp(expected, got) != 0)
                fail_msg("%s differs.\n--- expected ---\n%s--- got ---\n%s--- end ---", what,
                         expected, got);
}

/* Parse NAME.xml in its pool's context, print it: exactly NAME.out.xml. Parse that and print
 * it again: the same bytes. */
static void test_vol_fixture_prints_canonical_xml_and_is_idempotent(void **state) {
        const VolFixture *f = *state;
        _cleanup_free_ char *in = xasprintf("volumes/%s.xml", f->name);
        _cleanup_free_ char *out = xasprintf("volumes/%s.out.xml", f->name);
        _cleanup_free_ char *path = test_fixture(in);
        _cleanup_free_ char *expected = read_fixture(out);
        _cleanup_error_ Error e = ERROR_INIT;
        _cleanup_vol_def_ VolDef *def = NULL, *again = NULL;
        _cleanup_free_ char *got = NULL, *got_again = NULL;
        int r;

        r = vol_def_parse_file(AT_FDCWD, path, f->pool_type, VOL_PARSE_OPT_CAPACITY, &def, &e);
        if (r < 0) {
                _cleanup_free_ char *msg = error_to_string(&e);
                fail_msg("vol_def_parse_file(%s) in a %s pool = %d: %s", in,
                         pool_type_to_string(f->pool_type), r, msg);
        }
        got = vol_def_format(def, f->pool_type);
        assert_non_null(got);
        assert_same_text(out, expected, got);

        again = parse_string(got, f->pool_type);
        got_again = vol_def_format(again, f->pool_type);
        assert_same_text("re-formatted output", got, got_again);
}

static void test_vol_without_capacity_is_accepted_only_with_a_backing_store(void **state) {
        _cleanup_vol_def_ VolDef *def = NULL;
        _cleanup_free_ char *path = test_fixture("volumes/nocapacity-backing.xml");
        _cleanup_error_ Error e = ERROR_INIT;

        assert_int_equal(vol_def_parse_file(AT_FDCWD, path, POOL_DIR, VOL_PARSE_OPT_CAPACITY,
                                            &def, &e),
                         0);
        assert_false(def->has_capacity);
        assert_int_equal(def->capacity, 0);
        assert_false(def->has_allocation);
        assert_non_null(def->backing);
        assert_string_equal(def->backing->path, "/srv/pools/a/golden.raw");
        assert_int_equal(def->backing->format, VOL_FILE_RAW);
        def = vol_def_free(def);

        /* Without the flag the same file is refused. */
        assert_true(vol_def_parse_file(AT_FDCWD, path, POOL_DIR, 0, &def, &e) < 0);
        assert_null(def);
        assert_contains(e.message, "missing volume capacity");
        assert_string_equal(e.file, path);
}

static void test_vol_allocation_defaults_to_capacity(void **state) {
        _cleanup_vol_def_ VolDef *def = parse_string("<volume>\n"
                                                     "  <name>v</name>\n"
                                                     "  <capacity unit='M'>3</capacity>\n"
                                                     "</volume>\n",
                                                     POOL_DIR);

        assert_true(def->has_capacity);
        assert_false(def->has_allocation);
        assert_int_equal(def->capacity, 3 * 1024 * 1024);
        assert_int_equal(def->allocation, 3 * 1024 * 1024);
}

/* libvirt's RBD pool type has file volume options (default raw): vol-dumpxml of an RBD image
 * says <format type='raw'/>, and libvirt's RBD backend refuses to create any other format. */
static void test_vol_in_rbd_pool_has_raw_format(void **state) {
        _cleanup_vol_def_ VolDef *def = parse_string("<volume type='network'>\n"
                                                     "  <name>img1</name>\n"
                                                     "  <capacity>1073741824</capacity>\n"
                                                     "  <target>\n"
                                                     "    <path>vmimages/img1</path>\n"
                                                     "  </target>\n"
                                                     "</volume>\n",
                                                     POOL_RBD);
        _cleanup_free_ char *xml = vol_def_format(def, POOL_RBD);

        assert_string_equal(xml, "<volume type='network'>\n"
                                 "  <name>img1</name>\n"
                                 "  <capacity unit='bytes'>1073741824</capacity>\n"
                                 "  <allocation unit='bytes'>1073741824</allocation>\n"
                                 "  <target>\n"
                                 "    <path>vmimages/img1</path>\n"
                                 "    <format type='raw'/>\n"
                                 "  </target>\n"
                                 "</volume>\n");
}

/* Same rule as the iscsi-lun fixture, for the other two pool types libvirt gives no volume
 * options. */
static void test_vol_in_scsi_or_mpath_pool_has_no_format(void **state) {
        static const char xml[] = "<volume type='block'>\n"
                                  "  <name>unit:0:0:0</name>\n"
                                  "  <capacity>4096</capacity>\n"
                                  "  <target>\n"
                                  "    <path>/dev/disk/by-path/pci-0000:00:1f.2-ata-1</path>\n"
                                  "  </target>\n"
                                  "</volume>\n";
        static const PoolType types[] = { POOL_SCSI, POOL_MPATH };

        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                _cleanup_vol_def_ VolDef *def = parse_string(xml, types[i]);
                _cleanup_free_ char *out = vol_def_format(def, types[i]);

                if (strstr(out, "<format"))
                        fail_msg("a volume of a %s pool printed a format:\n%s",
                                 pool_type_to_string(types[i]), out);
        }
}

static void test_vol_in_sheepdog_or_zfs_pool_has_no_format(void **state) {
        static const char xml[] = "<volume type='network'>\n"
                                  "  <name>disk0</name>\n"
                                  "  <capacity>1024</capacity>\n"
                                  "  <target>\n"
                                  "    <path>sheepdog:disk0</path>\n"
                                  "    <format type='qcow2'/>\n"
                                  "  </target>\n"
                                  "</volume>\n";
        static const PoolType types[] = { POOL_SHEEPDOG, POOL_ZFS, POOL_LOGICAL };

        for (size_t i = 0; i < ELEMENTSOF(types); i++) {
                _cleanup_vol_def_ VolDef *def = parse_string(xml, types[i]);
                _cleanup_free_ char *out = vol_def_format(def, types[i]);

                if (strstr(out, "<format"))
                        fail_msg("a volume of a %s pool printed a format:\n%s",
                                 pool_type_to_string(types[i]), out);
        }
}

static void test_vol_in_disk_pool_defaults_to_partition_type_none(void **state) {
        _cleanup_vol_def_ VolDef *def = parse_string("<volume type='block'>\n"
                                                     "  <name>sdz2</name>\n"
                                                     "  <capacity>512</capacity>\n"
                                                     "  <target><path>/dev/sdz2</path></target>\n"
                                                     "</volume>\n",
                                                     POOL_DISK);
        _cleanup_free_ char *xml = vol_def_format(def, POOL_DISK);

        assert_contains(xml, "    <path>/dev/sdz2</path>\n    <format type='none'/>\n");
}

/* What a refresh of a logical pool fills in: extents grouped by device, sizes, timestamps
 * with nanoseconds. libvirt prints these; it never reads them. */
static void test_vol_refreshed_extents_timestamps_and_physical_are_printed(void **state) {
        _cleanup_vol_def_ VolDef *def = vol_def_new();
        _cleanup_free_ char *xml = NULL;

        def->name = xstrdup("lv-data");
        def->key = xstrdup("Xq3mPa-7Rt2-kL9w-Vb4n-Ez8c-Jh6s-2Fd1Ty");
        def->type = VOL_BLOCK;
        def->n_extents = 3;
        def->extents = xcalloc(3, sizeof(VolExtent));
        def->extents[0] = (VolExtent){ xstrdup("/dev/sdb1"), 0, 1048576 };
        def->extents[1] = (VolExtent){ xstrdup("/dev/sdb1"), 2097152, 3145728 };
        def->extents[2] = (VolExtent){ xstrdup("/dev/sdc1"), 4096, 1052672 };
        def->capacity = 3145728;
        def->allocation = 3145728;
        def->physical = 3149824;
        def->target.path = xstrdup("/dev/bulkvg/lv-data");
        def->target.perms.mode = 0660;
        def->target.perms.uid = 0;
        def->target.perms.gid = 6;
        def->target.has_timestamps = true;
        def->target.timestamps.atime = (struct timespec){ 1700000000, 42 };
        def->target.timestamps.mtime = (struct timespec){ 1700000001, 0 };
        def->target.timestamps.ctime = (struct timespec){ 1700000002, 500000000 };
        def->target.timestamps.btime = (struct timespec){ 0, -1 }; /* not known */

        xml = vol_def_format(def, POOL_LOGICAL);
        assert_same_text("refreshed logical volume",
                         "<volume type='block'>\n"
                         "  <name>lv-data</name>\n"
                         "  <key>Xq3mPa-7Rt2-kL9w-Vb4n-Ez8c-Jh6s-2Fd1Ty</key>\n"
                         "  <source>\n"
                         "    <device path='/dev/sdb1'>\n"
                         "      <extent start='0' end='1048576'/>\n"
                         "      <extent start='2097152' end='3145728'/>\n"
                         "    </device>\n"
                         "    <device path='/dev/sdc1'>\n"
                         "      <extent start='4096' end='1052672'/>\n"
                         "    </device>\n"
                         "  </source>\n"
                         "  <capacity unit='bytes'>3145728</capacity>\n"
                         "  <allocation unit='bytes'>3145728</allocation>\n"
                         "  <physical unit='bytes'>3149824</physical>\n"
                         "  <target>\n"
                         "    <path>/dev/bulkvg/lv-data</path>\n"
                         "    <permissions>\n"
                         "      <mode>0660</mode>\n"
                         "      <owner>0</owner>\n"
                         "      <group>6</group>\n"
                         "    </permissions>\n"
                         "    <timestamps>\n"
                         "      <atime>1700000000.000000042</atime>\n"
                         "      <mtime>1700000001</mtime>\n"
                         "      <ctime>1700000002.500000000</ctime>\n"
                         "    </timestamps>\n"
                         "  </target>\n"
                         "</volume>\n",
                         xml);
}

/* A refreshed qcow2 file in a dir pool: format, then permissions, then timestamps (with a
 * btime of 0 printed, as Linux reports it), then compat, cluster size and features. */
static void test_vol_refreshed_qcow2_file_prints_target_in_libvirt_order(void **state) {
        _cleanup_vol_def_ VolDef *def = vol_def_new();
        _cleanup_free_ char *xml = NULL;

        def->name = xstrdup("lazy.qcow2");
        def->key = xstrdup("/srv/pools/a/lazy.qcow2");
        def->type = VOL_FILE;
        def->capacity = 10737418240ULL;
        def->allocation = 200704;
        def->physical = 196624;
        def->target.path = xstrdup("/srv/pools/a/lazy.qcow2");
        def->target.format = VOL_FILE_QCOW2;
        def->target.perms.mode = 0644;
        def->target.perms.uid = 107;
        def->target.perms.gid = 107;
        def->target.perms.label = xstrdup("system_u:object_r:virt_image_t:s0");
        def->target.has_timestamps = true;
        def->target.timestamps.atime = (struct timespec){ 1712345678, 999999999 };
        def->target.timestamps.mtime = (struct timespec){ 1712345600, 1 };
        def->target.timestamps.ctime = (struct timespec){ 1712345600, 1 };
        def->target.timestamps.btime = (struct timespec){ 0, 0 };
        def->target.compat = xstrdup("1.1");
        def->target.cluster_size = 65536;
        def->target.has_features = true;
        def->target.features = 1u << VOL_FEATURE_LAZY_REFCOUNTS;

        xml = vol_def_format(def, POOL_DIR);
        assert_same_text("refreshed qcow2 volume",
                         "<volume type='file'>\n"
                         "  <name>lazy.qcow2</name>\n"
                         "  <key>/srv/pools/a/lazy.qcow2</key>\n"
                         "  <capacity unit='bytes'>10737418240</capacity>\n"
                         "  <allocation unit='bytes'>200704</allocation>\n"
                         "  <physical unit='bytes'>196624</physical>\n"
                         "  <target>\n"
                         "    <path>/srv/pools/a/lazy.qcow2</path>\n"
                         "    <format type='qcow2'/>\n"
                         "    <permissions>\n"
                         "      <mode>0644</mode>\n"
                         "      <owner>107</owner>\n"
                         "      <group>107</group>\n"
                         "      <label>system_u:object_r:virt_image_t:s0</label>\n"
                         "    </permissions>\n"
                         "    <timestamps>\n"
                         "      <atime>1712345678.999999999</atime>\n"
                         "      <mtime>1712345600.000000001</mtime>\n"
                         "      <ctime>1712345600.000000001</ctime>\n"
                         "      <btime>0</btime>\n"
                         "    </timestamps>\n"
                         "    <compat>1.1</compat>\n"
                         "    <clusterSize unit='B'>65536</clusterSize>\n"
                         "    <features>\n"
                         "      <lazy_refcounts/>\n"
                         "    </features>\n"
                         "  </target>\n"
                         "</volume>\n",
                         xml);
}

static void test_vol_backing_store_without_path_is_not_printed(void **state) {
        _cleanup_vol_def_ VolDef *def = vol_def_new();
        _cleanup_free_ char *xml = NULL;

        def->name = xstrdup("v");
        def->target.path = xstrdup("/srv/v");
        def->target.format = VOL_FILE_RAW;
        def->backing = xcalloc(1, sizeof(VolTarget));
        def->backing->perms = PERMS_UNSET;
        def->backing->format = VOL_FILE_QCOW2;
        xml = vol_def_format(def, POOL_DIR);
        if (strstr(xml, "backingStore"))
                fail_msg("a backing store without a path was printed:\n%s", xml);
}

static void test_vol_names_in_output_are_escaped(void **state) {
        _cleanup_vol_def_ VolDef *def = parse_string("<volume>\n"
                                                     "  <name>a&amp;b &lt;c&gt; 'd' \"e\"</name>\n"
                                                     "  <capacity>1</capacity>\n"
                                                     "  <target><path>/srv/a&amp;b</path></target>\n"
                                                     "</volume>\n",
                                                     POOL_DIR);
        _cleanup_free_ char *xml = vol_def_format(def, POOL_DIR);

        assert_string_equal(def->name, "a&b <c> 'd' \"e\"");
        assert_contains(xml, "<name>a&amp;b &lt;c&gt; &apos;d&apos; &quot;e&quot;</name>\n");
        assert_contains(xml, "<path>/srv/a&amp;b</path>\n");
}

/* A volume as a refresh finds it, with everything a VolDef can hold. */
static VolDef *refreshed_volume_with_everything(void) {
        VolDef *def = vol_def_new();
        Encryption *e = xcalloc(1, sizeof(*e));

        def->name = xstrdup("new\nline.qcow2"); /* no document's name, but a file's */
        def->key = xstrdup("/srv/p/new\nline.qcow2");
        def->type = VOL_FILE;
        def->n_extents = 2;
        def->extents = xcalloc(2, sizeof(VolExtent));
        def->extents[0] = (VolExtent){ xstrdup("/dev/sdb1"), 0, 4096 };
        def->extents[1] = (VolExtent){ xstrdup("/dev/sdc1"), 8192, 12288 };
        def->capacity = 1048576;
        def->has_capacity = def->has_allocation = true;
        def->allocation = 4096;
        def->physical = 200704;
        def->target.path = xstrdup("/srv/p/new\nline.qcow2");
        def->target.format = VOL_FILE_QCOW2;
        def->target.perms = (Perms){ 0600, 107, 108, xstrdup("system_u:object_r:virt_image_t:s0") };
        def->target.has_timestamps = true;
        def->target.timestamps.atime = (struct timespec){ 1712345678, 999999999 };
        def->target.timestamps.btime = (struct timespec){ 0, 0 };
        e->format = ENCRYPTION_LUKS;
        e->n_secrets = 1;
        e->secrets = xcalloc(1, sizeof(SecretRef));
        e->secrets[0] = (SecretRef){ .type = xstrdup("passphrase"), .usage = xstrdup("vol1") };
        e->cipher_name = xstrdup("aes");
        e->cipher_size = 256;
        e->cipher_mode = xstrdup("xts");
        e->cipher_hash = xstrdup("sha256");
        e->ivgen_name = xstrdup("plain64");
        e->ivgen_hash = xstrdup("sha256");
        def->target.encryption = e;
        def->target.compat = xstrdup("1.1");
        def->target.cluster_size = 65536;
        def->target.has_features = true;
        def->target.features = 1u << VOL_FEATURE_EXTENDED_L2;
        def->target.nocow = true;
        def->backing = xcalloc(1, sizeof(VolTarget));
        def->backing->path = xstrdup("/srv/p/base.raw");
        def->backing->format = VOL_FILE_RAW;
        def->backing->perms = (Perms){ 0644, 0, 0, NULL };
        def->backing->has_timestamps = true;
        def->backing->timestamps.mtime = (struct timespec){ 1600000000, 5 };
        return def;
}

static void test_vol_def_copy_is_deep_and_carries_what_xml_does_not(void **state) {
        VolDef *def = refreshed_volume_with_everything();
        _cleanup_vol_def_ VolDef *copy = vol_def_copy(def);
        _cleanup_free_ char *want = vol_def_format(def, POOL_DIR), *got = NULL;

        /* Nothing shared: the original goes, the copy stays whole (ASan checks the rest). */
        assert_ptr_not_equal(copy->name, def->name);
        assert_ptr_not_equal(copy->extents, def->extents);
        assert_ptr_not_equal(copy->target.encryption, def->target.encryption);
        assert_ptr_not_equal(copy->target.encryption->secrets, def->target.encryption->secrets);
        assert_ptr_not_equal(copy->backing, def->backing);
        vol_def_free(def);

        got = vol_def_format(copy, POOL_DIR);
        assert_same_text("copy of a refreshed volume", want, got);
        /* What the XML does not show, or a parse would refuse. */
        assert_string_equal(copy->name, "new\nline.qcow2");
        assert_true(copy->target.nocow);
        assert_true(copy->has_capacity);
        assert_int_equal(copy->type, VOL_FILE);
        assert_string_equal(copy->target.perms.label, "system_u:object_r:virt_image_t:s0");
        assert_string_equal(copy->target.encryption->secrets[0].usage, "vol1");
        assert_int_equal(copy->backing->timestamps.mtime.tv_nsec, 5);
}

static void test_vol_def_copy_of_each_fixture_formats_as_the_original(void **state) {
        for (size_t i = 0; i < ELEMENTSOF(vol_fixtures); i++) {
                _cleanup_free_ char *rel = xasprintf("volumes/%s.xml", vol_fixtures[i].name);
                _cleanup_free_ char *xml = read_fixture(rel), *want = NULL, *got = NULL;
                _cleanup_vol_def_ VolDef *def = parse_string(xml, vol_fixtures[i].pool_type);
                _cleanup_vol_def_ VolDef *copy = vol_def_copy(def);

                want = vol_def_format(def, vol_fixtures[i].pool_type);
                got = vol_def_format(copy, vol_fixtures[i].pool_type);
                assert_same_text(vol_fixtures[i].name, want, got);
        }
}

static void test_vol_def_copy_of_a_bare_volume(void **state) {
        _cleanup_vol_def_ VolDef *def = vol_def_new();
        _cleanup_vol_def_ VolDef *copy = NULL;

        def->name = xstrdup("v");
        copy = vol_def_copy(def);
        assert_string_equal(copy->name, "v");
        assert_null(copy->key);
        assert_null(copy->extents);
        assert_null(copy->backing);
        assert_false(copy->target.has_timestamps);
        assert_null(copy->target.encryption);
        assert_int_equal(copy->target.perms.mode, (mode_t) -1);
}

/* A refresh's file volume keeps one string for key and path (the same pointer): it is freed
 * once, and a copy shares its own the same way; a key that only equals the path is copied. */
static void test_vol_def_key_may_be_the_target_path_itself(void **state) {
        VolDef *def = vol_def_new();
        _cleanup_vol_def_ VolDef *copy = NULL, *other = vol_def_new();
        _cleanup_vol_def_ VolDef *other_copy = NULL;

        def->name = xstrdup("a.img");
        def->target.path = xstrdup("/srv/p/a.img");
        def->key = def->target.path;
        copy = vol_def_copy(def);
        assert_ptr_equal(copy->key, copy->target.path);
        assert_ptr_not_equal(copy->target.path, def->target.path);
        vol_def_free(def);
        assert_string_equal(copy->key, "/srv/p/a.img");

        /* and a name that is the path's tail likewise */
        {
                _cleanup_vol_def_ VolDef *tail = vol_def_new(), *tail_copy = NULL;

                tail->target.path = xstrdup("/srv/p/c.img");
                tail->key = tail->target.path;
                tail->name = tail->target.path + strlen("/srv/p/");
                tail->name_in_path = true;
                tail_copy = vol_def_copy(tail);
                assert_true(tail_copy->name_in_path);
                assert_ptr_equal(tail_copy->name, tail_copy->target.path + strlen("/srv/p/"));
                assert_string_equal(tail_copy->name, "c.img");
        }

        other->name = xstrdup("b.img");
        other->target.path = xstrdup("/srv/p/b.img");
        other->key = xstrdup("/srv/p/b.img");
        other_copy = vol_def_copy(other);
        assert_ptr_not_equal(other_copy->key, other_copy->target.path);
        assert_string_equal(other_copy->key, "/srv/p/b.img");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_vol_def_key_may_be_the_target_path_itself),
                cmocka_unit_test(test_vol_without_capacity_is_accepted_only_with_a_backing_store),
                cmocka_unit_test(test_vol_allocation_defaults_to_capacity),
                cmocka_unit_test(test_vol_in_rbd_pool_has_raw_format),
                cmocka_unit_test(test_vol_in_scsi_or_mpath_pool_has_no_format),
                cmocka_unit_test(test_vol_in_sheepdog_or_zfs_pool_has_no_format),
                cmocka_unit_test(test_vol_in_disk_pool_defaults_to_partition_type_none),
                cmocka_unit_test(test_vol_refreshed_extents_timestamps_and_physical_are_printed),
                cmocka_unit_test(test_vol_refreshed_qcow2_file_prints_target_in_libvirt_order),
                cmocka_unit_test(test_vol_backing_store_without_path_is_not_printed),
                cmocka_unit_test(test_vol_names_in_output_are_escaped),
                cmocka_unit_test(test_vol_def_copy_is_deep_and_carries_what_xml_does_not),
                cmocka_unit_test(test_vol_def_copy_of_each_fixture_formats_as_the_original),
                cmocka_unit_test(test_vol_def_copy_of_a_bare_volume),
        };
        struct CMUnitTest fixtures[ELEMENTSOF(vol_fixtures)];
        char *names[ELEMENTSOF(vol_fixtures)];
        int failed;

        for (size_t i = 0; i < ELEMENTSOF(vol_fixtures); i++) {
                names[i] = xasprintf("volume fixture %s (%s pool) prints canonical XML and is "
                                     "idempotent",
                                     vol_fixtures[i].name,
                                     pool_type_to_string(vol_fixtures[i].pool_type));
                fixtures[i] = (struct CMUnitTest){
                        .name = names[i],
                        .test_func = test_vol_fixture_prints_canonical_xml_and_is_idempotent,
                        .initial_state = (void *) &vol_fixtures[i],
                };
        }

        failed = cmocka_run_group_tests_name("volume fixtures", fixtures, NULL, NULL);
        failed += cmocka_run_group_tests_name("volume definitions", tests, NULL, NULL);
        for (size_t i = 0; i < ELEMENTSOF(vol_fixtures); i++)
                free(names[i]);
        return failed;
}
