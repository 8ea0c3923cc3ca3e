/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "test-util.h"

#include "conf/pool-def.h"
#include "shared/error.h"
#include "shared/fileio.h"
#include "shared/uuid-util.h"

/* Every fixture under tests/fixtures/pools: NAME.xml is what a person writes, NAME.out.xml
 * the canonical form libvirt prints for it. */
static const char *const pool_fixtures[] = {
        "dir-perms",
        "dir-cow",
        "dir-nouuid",
        "fs-ext4",
        "fs-mountopts",
        "netfs-nfs4",
        "netfs-cifs",
        "netfs-glusterfs",
        "netfs-auto",
        "logical-sourcename",
        "logical-devices",
        "logical-noname",
        "disk-gpt",
        "disk-noformat",
        "iscsi-chap",
        "iscsi-direct-auth",
        "scsi-host-name",
        "scsi-parentaddr",
        "scsi-fchost",
        "scsi-legacy",
        "mpath",
        "rbd-hosts",
        "sheepdog",
        "gluster-dir",
        "gluster-nodir",
        "zfs-devices",
        "vstorage",
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

static PoolDef *parse_fixture(const char *rel) {
        _cleanup_free_ char *path = test_fixture(rel);
        _cleanup_error_ Error e = ERROR_INIT;
        PoolDef *def = NULL;
        int r = pool_def_parse_file(AT_FDCWD, path, &def, &e);

        if (r < 0) {
                _cleanup_free_ char *msg = error_to_string(&e);
                fail_msg("pool_def_parse_file(%s) = %d: %s", rel, r, msg);
        }
        assert_non_null(def);
        assert_null(e.message);
        return def;
}

static PoolDef *parse_string(const char *xml) {
        _cleanup_error_ Error e = ERROR_INIT;
        PoolDef *def = NULL;
        int r = pool_def_parse_string(xml, strlen(xml), &def, &e);

        if (r < 0)
                fail_msg("pool_def_parse_string() = %d (line %d: %s) for:\n%s", r, e.line,
                         e.message ? e.message : "(null)", xml);
        assert_non_null(def);
        return def;
}

static void assert_same_text(const char *what, const char *expected, const char *got) {
        if (strcmp(expected, got) != 0)
                fail_msg("%s differs.\n--- expected ---\n%s--- got ---\n%s--- end ---", what,
                         expected, got);
}

/* Parse NAME.xml, print it: exactly NAME.out.xml. Parse that output and print it again: the
 * same bytes (canonical output is a fixed point). */
static void test_pool_fixture_prints_canonical_xml_and_is_idempotent(void **state) {
        const char *name = *state;
        _cleanup_free_ char *in = xasprintf("pools/%s.xml", name);
        _cleanup_free_ char *out = xasprintf("pools/%s.out.xml", name);
        _cleanup_free_ char *expected = read_fixture(out);
        _cleanup_pool_def_ PoolDef *def = parse_fixture(in);
        _cleanup_pool_def_ PoolDef *again = NULL;
        _cleanup_free_ char *got = NULL, *got_again = NULL;

        got = pool_def_format(def, NULL);
        assert_non_null(got);
        assert_same_text(out, expected, got);

        again = parse_string(got);
        got_again = pool_def_format(again, NULL);
        assert_same_text("re-formatted output", got, got_again);
        assert_memory_equal(def->uuid, again->uuid, 16);
}

static void test_pool_format_prints_refreshed_sizes(void **state) {
        _cleanup_pool_def_ PoolDef *def = parse_fixture("pools/dir-perms.xml");
        PoolSizes sizes = {
                .capacity = 270548992000ULL,
                .allocation = 19069882368ULL,
                .available = 251479109632ULL,
        };
        _cleanup_free_ char *xml = pool_def_format(def, &sizes);

        assert_contains(xml, "  <uuid>bb3685ce-6f5f-4339-b1da-2b35fc1c5274</uuid>\n"
                             "  <capacity unit='bytes'>270548992000</capacity>\n"
                             "  <allocation unit='bytes'>19069882368</allocation>\n"
                             "  <available unit='bytes'>251479109632</available>\n"
                             "  <source>\n");
}

static void test_pool_format_prints_largest_sizes_in_full(void **state) {
        _cleanup_pool_def_ PoolDef *def = parse_fixture("pools/mpath.xml");
        PoolSizes sizes = { .capacity = UINT64_MAX, .allocation = 0, .available = 1 };
        _cleanup_free_ char *xml = pool_def_format(def, &sizes);

        assert_contains(xml, "<capacity unit='bytes'>18446744073709551615</capacity>\n");
        assert_contains(xml, "<allocation unit='bytes'>0</allocation>\n");
        assert_contains(xml, "<available unit='bytes'>1</available>\n");
}

static void test_pool_without_uuid_gets_a_stable_uuid_derived_from_its_name(void **state) {
        _cleanup_pool_def_ PoolDef *a = parse_fixture("pools/dir-nouuid.xml");
        _cleanup_pool_def_ PoolDef *b = parse_fixture("pools/dir-nouuid.xml");
        uint8_t expected[16];
        char buf[UUID_STRING_MAX];

        assert_true(a->uuid_derived);
        assert_true(b->uuid_derived);
        assert_memory_equal(a->uuid, b->uuid, 16);
        uuid_from_name("images", expected);
        assert_memory_equal(a->uuid, expected, 16);
        /* The value docs/definitions.md promises for the pool 'images'. */
        assert_string_equal(uuid_format(a->uuid, buf), "3572732d-4450-5130-86be-983889de9953");
}

static void test_pool_with_uuid_is_not_derived(void **state) {
        _cleanup_pool_def_ PoolDef *def = parse_fixture("pools/dir-perms.xml");
        char buf[UUID_STRING_MAX];

        assert_false(def->uuid_derived);
        assert_string_equal(uuid_format(def->uuid, buf), "bb3685ce-6f5f-4339-b1da-2b35fc1c5274");
}

static void test_pool_derived_uuid_differs_by_name(void **state) {
        _cleanup_pool_def_ PoolDef *a = parse_string(
                "<pool type='dir'>\n  <name>alpha</name>\n"
                "  <target><path>/srv/x</path></target>\n</pool>\n");
        _cleanup_pool_def_ PoolDef *b = parse_string(
                "<pool type='dir'>\n  <name>beta</name>\n"
                "  <target><path>/srv/x</path></target>\n</pool>\n");
        uint8_t expected[16];

        assert_true(a->uuid_derived);
        assert_true(b->uuid_derived);
        assert_memory_not_equal(a->uuid, b->uuid, 16);
        uuid_from_name("beta", expected);
        assert_memory_equal(b->uuid, expected, 16);
}

static void test_pool_derived_uuid_uses_name_taken_from_source(void **state) {
        _cleanup_pool_def_ PoolDef *def = parse_string(
                "<pool type='rbd'>\n"
                "  <source>\n"
                "    <name>rados-pool</name>\n"
                "    <host name='mon.example.com'/>\n"
                "  </source>\n"
                "</pool>\n");
        uint8_t expected[16];

        assert_string_equal(def->name, "rados-pool");
        assert_true(def->uuid_derived);
        uuid_from_name("rados-pool", expected);
        assert_memory_equal(def->uuid, expected, 16);
}

static void test_pool_def_format_name_names_source_format(void **state) {
        _cleanup_pool_def_ PoolDef *gpt = parse_fixture("pools/disk-gpt.xml");
        _cleanup_pool_def_ PoolDef *unknown = parse_fixture("pools/disk-noformat.xml");
        _cleanup_pool_def_ PoolDef *netfs = parse_fixture("pools/netfs-auto.xml");
        _cleanup_pool_def_ PoolDef *dir = parse_fixture("pools/dir-perms.xml");

        assert_string_equal(pool_def_format_name(gpt), "gpt");
        assert_string_equal(pool_def_format_name(unknown), "unknown");
        assert_string_equal(pool_def_format_name(netfs), "auto");
        assert_null(pool_def_format_name(dir));
}

/* Source conflicts (libvirt's "Storage source conflict with pool"). */

static void expect_conflict(const char *xml_a, const char *xml_b, bool expected) {
        _cleanup_pool_def_ PoolDef *a = parse_string(xml_a);
        _cleanup_pool_def_ PoolDef *b = parse_string(xml_b);
        bool ab = pool_def_source_conflicts(a, b), ba = pool_def_source_conflicts(b, a);

        if (ab != ba)
                fail_msg("pool_def_source_conflicts() is not symmetric (a,b)=%d (b,a)=%d", ab, ba);
        if (ab != expected)
                fail_msg("pool_def_source_conflicts() = %d, expected %d for\n%s\nand\n%s", ab,
                         expected, xml_a, xml_b);
}

#define DIR_POOL(name, path)                                                                   \
        "<pool type='dir'>\n  <name>" name "</name>\n  <target>\n    <path>" path "</path>\n" \
        "  </target>\n</pool>\n"

static void test_conflict_dir_pools_with_the_same_target_path(void **state) {
        expect_conflict(DIR_POOL("a", "/srv/images"), DIR_POOL("b", "/srv/images"), true);
        /* Compared after sanitizing, as libvirt stores them. */
        expect_conflict(DIR_POOL("a", "/srv//images/"), DIR_POOL("b", "/srv/images"), true);
        expect_conflict(DIR_POOL("a", "/srv/images"), DIR_POOL("b", "/srv/images2"), false);
}

#define NETFS_POOL(name, host, dir)                                                            \
        "<pool type='netfs'>\n  <name>" name "</name>\n  <source>\n    <host name='" host      \
        "'/>\n    <dir path='" dir "'/>\n  </source>\n  <target>\n    <path>/mnt/" name        \
        "</path>\n  </target>\n</pool>\n"

static void test_conflict_netfs_pools_with_the_same_host_and_dir(void **state) {
        expect_conflict(NETFS_POOL("a", "nas", "/export/vm"), NETFS_POOL("b", "nas", "/export/vm"),
                        true);
        expect_conflict(NETFS_POOL("a", "nas", "/export/vm"),
                        NETFS_POOL("b", "nas", "/export/vm2"), false);
        expect_conflict(NETFS_POOL("a", "nas1", "/export/vm"),
                        NETFS_POOL("b", "nas2", "/export/vm"), false);
}

#define ISCSI_POOL(name, host, iqn, initiator)                                                 \
        "<pool type='iscsi'>\n  <name>" name "</name>\n  <source>\n    <host name='" host      \
        "'/>\n    <device path='" iqn "'/>\n" initiator "  </source>\n  <target>\n"            \
        "    <path>/dev/disk/by-path</path>\n  </target>\n</pool>\n"
#define INITIATOR(iqn) "    <initiator>\n      <iqn name='" iqn "'/>\n    </initiator>\n"

static void test_conflict_iscsi_pools_with_the_same_host_target_and_initiator(void **state) {
        expect_conflict(ISCSI_POOL("a", "san", "iqn.2024-01.com.example:t1", ""),
                        ISCSI_POOL("b", "san", "iqn.2024-01.com.example:t1", ""), true);
        expect_conflict(ISCSI_POOL("a", "san", "iqn.2024-01.com.example:t1",
                                   INITIATOR("iqn.2024-01.com.example:h1")),
                        ISCSI_POOL("b", "san", "iqn.2024-01.com.example:t1",
                                   INITIATOR("iqn.2024-01.com.example:h1")),
                        true);
}

static void test_no_conflict_iscsi_pools_with_different_initiators(void **state) {
        expect_conflict(ISCSI_POOL("a", "san", "iqn.2024-01.com.example:t1",
                                   INITIATOR("iqn.2024-01.com.example:h1")),
                        ISCSI_POOL("b", "san", "iqn.2024-01.com.example:t1",
                                   INITIATOR("iqn.2024-01.com.example:h2")),
                        false);
        expect_conflict(ISCSI_POOL("a", "san", "iqn.2024-01.com.example:t1",
                                   INITIATOR("iqn.2024-01.com.example:h1")),
                        ISCSI_POOL("b", "san", "iqn.2024-01.com.example:t1", ""), false);
}

static void test_no_conflict_iscsi_pools_with_different_targets(void **state) {
        expect_conflict(ISCSI_POOL("a", "san", "iqn.2024-01.com.example:t1", ""),
                        ISCSI_POOL("b", "san", "iqn.2024-01.com.example:t2", ""), false);
}

/* libvirt's virStoragePoolSourceISCSIMatch: "NB: Do not check the source host name". The
 * same target and initiator through another portal is the same storage. */
static void test_conflict_iscsi_pools_with_same_target_through_another_portal(void **state) {
        expect_conflict(ISCSI_POOL("a", "san-a.example.com", "iqn.2024-01.com.example:t1",
                                   INITIATOR("iqn.2024-01.com.example:h1")),
                        ISCSI_POOL("b", "san-b.example.com", "iqn.2024-01.com.example:t1",
                                   INITIATOR("iqn.2024-01.com.example:h1")),
                        true);
}

#define DEV_POOL(type, name, dev)                                                              \
        "<pool type='" type "'>\n  <name>" name "</name>\n  <source>\n    <device path='" dev  \
        "'/>\n  </source>\n  <target>\n    <path>/mnt/" name "</path>\n  </target>\n</pool>\n"

static void test_conflict_fs_pools_sharing_a_device(void **state) {
        expect_conflict(DEV_POOL("fs", "a", "/dev/sdb1"), DEV_POOL("fs", "b", "/dev/sdb1"), true);
        expect_conflict(DEV_POOL("fs", "a", "/dev/sdb1"), DEV_POOL("fs", "b", "/dev/sdb2"), false);
}

static void test_conflict_disk_pools_sharing_a_device(void **state) {
        expect_conflict(DEV_POOL("disk", "a", "/dev/sdc"), DEV_POOL("disk", "b", "/dev/sdc"),
                        true);
        expect_conflict(DEV_POOL("disk", "a", "/dev/sdc"), DEV_POOL("disk", "b", "/dev/sdd"),
                        false);
}

#define LOGICAL_POOL(name, src)                                                                \
        "<pool type='logical'>\n  <name>" name "</name>\n  <source>\n" src "  </source>\n"     \
        "</pool>\n"

static void test_conflict_logical_pools_naming_the_same_volume_group(void **state) {
        expect_conflict(LOGICAL_POOL("a", "    <name>vg0</name>\n"),
                        LOGICAL_POOL("b", "    <name>vg0</name>\n"), true);
        /* The VG name defaults to the pool name. */
        expect_conflict(LOGICAL_POOL("vg0", ""), LOGICAL_POOL("b", "    <name>vg0</name>\n"),
                        true);
        expect_conflict(LOGICAL_POOL("a", "    <name>vg0</name>\n"),
                        LOGICAL_POOL("b", "    <name>vg1</name>\n"), false);
}

static void test_conflict_logical_pools_sharing_a_device(void **state) {
        expect_conflict(LOGICAL_POOL("a", "    <name>vg0</name>\n    <device path='/dev/sde1'/>\n"),
                        LOGICAL_POOL("b", "    <name>vg1</name>\n    <device path='/dev/sde1'/>\n"),
                        true);
        expect_conflict(LOGICAL_POOL("a", "    <name>vg0</name>\n    <device path='/dev/sde1'/>\n"),
                        LOGICAL_POOL("b", "    <name>vg1</name>\n    <device path='/dev/sde2'/>\n"),
                        false);
}

#define ZFS_POOL(name, zpool)                                                                  \
        "<pool type='zfs'>\n  <name>" name "</name>\n  <source>\n    <name>" zpool "</name>\n" \
        "  </source>\n</pool>\n"

static void test_conflict_zfs_pools_naming_the_same_zpool(void **state) {
        expect_conflict(ZFS_POOL("a", "tank"), ZFS_POOL("b", "tank"), true);
        expect_conflict(ZFS_POOL("a", "tank"), ZFS_POOL("b", "tank2"), false);
}

#define MPATH_POOL(name)                                                                       \
        "<pool type='mpath'>\n  <name>" name "</name>\n  <target>\n    <path>/dev/mapper</path>" \
        "\n  </target>\n</pool>\n"

static void test_conflict_mpath_pools_always(void **state) {
        expect_conflict(MPATH_POOL("a"), MPATH_POOL("b"), true);
}

#define RBD_POOL(name)                                                                         \
        "<pool type='rbd'>\n  <name>" name "</name>\n  <source>\n    <name>vms</name>\n"       \
        "    <host name='mon1' port='6789'/>\n  </source>\n</pool>\n"

static void test_no_conflict_rbd_pools_even_on_the_same_rados_pool(void **state) {
        expect_conflict(RBD_POOL("a"), RBD_POOL("b"), false);
}

#define SCSI_POOL(name, adapter)                                                               \
        "<pool type='scsi'>\n  <name>" name "</name>\n  <source>\n    " adapter "\n"           \
        "  </source>\n  <target>\n    <path>/dev/disk/by-path</path>\n  </target>\n</pool>\n"
#define FC(wwnn, wwpn) "<adapter type='fc_host' wwnn='" wwnn "' wwpn='" wwpn "'/>"

static void test_conflict_scsi_pools_on_the_same_adapter(void **state) {
        expect_conflict(SCSI_POOL("a", "<adapter type='scsi_host' name='host2'/>"),
                        SCSI_POOL("b", "<adapter name='host2'/>"), true);
        expect_conflict(SCSI_POOL("a", "<adapter type='scsi_host' name='host2'/>"),
                        SCSI_POOL("b", "<adapter type='scsi_host' name='host3'/>"), false);
        expect_conflict(SCSI_POOL("a", FC("20000000c9831b4b", "10000000c9831b4b")),
                        SCSI_POOL("b", FC("20000000c9831b4b", "10000000c9831b4b")), true);
        expect_conflict(SCSI_POOL("a", FC("20000000c9831b4b", "10000000c9831b4b")),
                        SCSI_POOL("b", FC("20000000c9831b4b", "10000000c9831b4c")), false);
}

#define GLUSTER_POOL(name, host, vol, dir)                                                     \
        "<pool type='gluster'>\n  <name>" name "</name>\n  <source>\n    <host name='" host    \
        "'/>\n    <name>" vol "</name>\n" dir "  </source>\n</pool>\n"

static void test_conflict_gluster_pools_on_the_same_volume_and_dir(void **state) {
        expect_conflict(GLUSTER_POOL("a", "gfs", "gv0", ""), GLUSTER_POOL("b", "gfs", "gv0", ""),
                        true);
        expect_conflict(GLUSTER_POOL("a", "gfs", "gv0", "    <dir path='/x'/>\n"),
                        GLUSTER_POOL("b", "gfs", "gv0", ""), false);
        expect_conflict(GLUSTER_POOL("a", "gfs", "gv0", ""), GLUSTER_POOL("b", "gfs", "gv1", ""),
                        false);
}

#define VSTORAGE_POOL(name, cluster)                                                           \
        "<pool type='vstorage'>\n  <name>" name "</name>\n  <source>\n    <name>" cluster      \
        "</name>\n  </source>\n  <target>\n    <path>/mnt/" name "</path>\n  </target>\n"      \
        "</pool>\n"

static void test_conflict_vstorage_pools_on_the_same_cluster(void **state) {
        expect_conflict(VSTORAGE_POOL("a", "c1"), VSTORAGE_POOL("b", "c1"), true);
        expect_conflict(VSTORAGE_POOL("a", "c1"), VSTORAGE_POOL("b", "c2"), false);
}

#define SHEEPDOG_POOL(name, host)                                                              \
        "<pool type='sheepdog'>\n  <name>" name "</name>\n  <source>\n    <host name='" host   \
        "' port='7000'/>\n  </source>\n</pool>\n"

static void test_conflict_sheepdog_pools_on_the_same_first_host(void **state) {
        expect_conflict(SHEEPDOG_POOL("a", "sheep1"), SHEEPDOG_POOL("b", "sheep1"), true);
        expect_conflict(SHEEPDOG_POOL("a", "sheep1"), SHEEPDOG_POOL("b", "sheep2"), false);
}

static void test_no_conflict_between_pool_types_without_a_shared_rule(void **state) {
        /* A netfs pool mounted on a dir pool's path, an iscsi target named like an fs
         * device: libvirt compares neither across types. */
        expect_conflict(DIR_POOL("a", "/mnt/b"), NETFS_POOL("b", "nas", "/export/vm"), false);
        expect_conflict(DEV_POOL("fs", "a", "/dev/sdb1"),
                        ISCSI_POOL("b", "san", "/dev/sdb1", ""), false);
        expect_conflict(MPATH_POOL("a"), DIR_POOL("b", "/dev/mapper"), false);
}

/* libvirt's virStoragePoolObjSourceFindDuplicateCb matches devices across fs, logical, disk
 * and zfs pools: an fs pool on /dev/sdb1 and a volume group on /dev/sdb1 are the same disk. */
static void test_conflict_fs_logical_disk_and_zfs_pools_sharing_a_device(void **state) {
        expect_conflict(DEV_POOL("fs", "a", "/dev/sdb1"),
                        LOGICAL_POOL("b", "    <device path='/dev/sdb1'/>\n"), true);
        expect_conflict(DEV_POOL("disk", "a", "/dev/sdb"), DEV_POOL("fs", "b", "/dev/sdb"), true);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_pool_format_prints_refreshed_sizes),
                cmocka_unit_test(test_pool_format_prints_largest_sizes_in_full),
                cmocka_unit_test(test_pool_without_uuid_gets_a_stable_uuid_derived_from_its_name),
                cmocka_unit_test(test_pool_with_uuid_is_not_derived),
                cmocka_unit_test(test_pool_derived_uuid_differs_by_name),
                cmocka_unit_test(test_pool_derived_uuid_uses_name_taken_from_source),
                cmocka_unit_test(test_pool_def_format_name_names_source_format),
                cmocka_unit_test(test_conflict_dir_pools_with_the_same_target_path),
                cmocka_unit_test(test_conflict_netfs_pools_with_the_same_host_and_dir),
                cmocka_unit_test(test_conflict_iscsi_pools_with_the_same_host_target_and_initiator),
                cmocka_unit_test(test_no_conflict_iscsi_pools_with_different_initiators),
                cmocka_unit_test(test_no_conflict_iscsi_pools_with_different_targets),
                cmocka_unit_test(test_conflict_iscsi_pools_with_same_target_through_another_portal),
                cmocka_unit_test(test_conflict_fs_pools_sharing_a_device),
                cmocka_unit_test(test_conflict_disk_pools_sharing_a_device),
                cmocka_unit_test(test_conflict_logical_pools_naming_the_same_volume_group),
                cmocka_unit_test(test_conflict_logical_pools_sharing_a_device),
                cmocka_unit_test(test_conflict_zfs_pools_naming_the_same_zpool),
                cmocka_unit_test(test_conflict_mpath_pools_always),
                cmocka_unit_test(test_no_conflict_rbd_pools_even_on_the_same_rados_pool),
                cmocka_unit_test(test_conflict_scsi_pools_on_the_same_adapter),
                cmocka_unit_test(test_conflict_gluster_pools_on_the_same_volume_and_dir),
                cmocka_unit_test(test_conflict_vstorage_pools_on_the_same_cluster),
                cmocka_unit_test(test_conflict_sheepdog_pools_on_the_same_first_host),
                cmocka_unit_test(test_no_conflict_between_pool_types_without_a_shared_rule),
                cmocka_unit_test(test_conflict_fs_logical_disk_and_zfs_pools_sharing_a_device),
        };
        struct CMUnitTest fixtures[ELEMENTSOF(pool_fixtures)];
        char *names[ELEMENTSOF(pool_fixtures)];
        int failed;

        for (size_t i = 0; i < ELEMENTSOF(pool_fixtures); i++) {
                names[i] = xasprintf("pool fixture %s prints canonical XML and is idempotent",
                                     pool_fixtures[i]);
                fixtures[i] = (struct CMUnitTest){
                        .name = names[i],
                        .test_func = test_pool_fixture_prints_canonical_xml_and_is_idempotent,
                        .initial_state = (void *) pool_fixtures[i],
                };
        }

        failed = cmocka_run_group_tests_name("pool fixtures", fixtures, NULL, NULL);
        failed += cmocka_run_group_tests_name("pool definitions", tests, NULL, NULL);
        for (size_t i = 0; i < ELEMENTSOF(pool_fixtures); i++)
                free(names[i]);
        return failed;
}
