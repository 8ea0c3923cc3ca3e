/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "test-util.h"

#include "backends/image-probe.h"
#include "conf/vol-def.h"

#define KiB UINT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

static char *dir;
static int dirfd_ = -1;

static int setup(void **state) {
        dir = test_mkdtemp();
        dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        return dirfd_ < 0 ? -1 : 0;
}

static int teardown(void **state) {
        close(dirfd_);
        test_rm_rf(dir);
        free(dir);
        return 0;
}

/* A shell command run in the test directory, quietly; its exit status. */
#define run(...) test_shell(dir, true, __VA_ARGS__)

static bool have(const char *tool) {
        return run("command -v %s", tool) == 0;
}

#define REQUIRE_TOOL(tool)                                                                         \
        do {                                                                                       \
                if (!have(tool)) {                                                                 \
                        print_message("%s is not installed, skipping\n", tool);                    \
                        skip();                                                                    \
                }                                                                                  \
        } while (0)

/* Runs qemu-img, a few times if needed: its LUKS key-slot benchmark fails now and then with
 * "Unable to get accurate CPU usage" where the CPU clock is coarse. */
static int qemu_img(const char *args) {
        int r = -1;

        for (int i = 0; i < 30 && r != 0; i++)
                r = run("qemu-img %s", args);
        return r;
}

/* qemu-img must succeed: the test is about what it creates. */
#define QEMU_IMG(args)                                                                             \
        do {                                                                                       \
                REQUIRE_TOOL("qemu-img");                                                          \
                if (qemu_img(args) != 0)                                                           \
                        fail_msg("qemu-img %s failed", args);                                      \
        } while (0)

#define QEMU_SECRET "--object secret,id=sec0,data=abc"

static int probe(const char *name, ImageInfo *info, Error *err) {
        _cleanup_close_ int fd = -1;
        struct stat st;

        fd = openat(dirfd_, name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                fail_msg("open(%s): %m", name);
        assert_int_equal(fstat(fd, &st), 0);
        return image_probe_fd(fd, (uint64_t) st.st_size, info, err);
}

/* Probes a file that must probe without error. */
static ImageInfo probe_ok(const char *name) {
        _cleanup_error_ Error err = ERROR_INIT;
        ImageInfo info;
        int r = probe(name, &info, &err);

        if (r != 0)
                fail_msg("probing %s: %d %s", name, r, err.message ? err.message : "");
        return info;
}

/* Probes a file that must be refused as hostile, with a reason containing reason. */
static void probe_refused(const char *name, const char *reason) {
        _cleanup_error_ Error err = ERROR_INIT;
        ImageInfo info;

        assert_int_equal(probe(name, &info, &err), -EINVAL);
        assert_contains(err.message, reason);
        assert_null(info.backing_name);
}

static void assert_format(const ImageInfo *i, VolFileFormat f) {
        if (i->format != f)
                fail_msg("format %s, expected %s", vol_file_formats[i->format],
                         vol_file_formats[f]);
}

static void assert_u64(uint64_t got, uint64_t want) {
        if (got != want)
                fail_msg("got %" PRIu64 ", expected %" PRIu64, got, want);
}

static uint64_t file_size(const char *name) {
        struct stat st;

        assert_int_equal(fstatat(dirfd_, name, &st, 0), 0);
        return (uint64_t) st.st_size;
}

static void write_at(const char *name, uint64_t offset, const void *data, size_t len) {
        _cleanup_close_ int fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        assert_int_equal(pwrite(fd, data, len, (off_t) offset), (ssize_t) len);
}

static void truncate_to(const char *name, uint64_t size) {
        _cleanup_close_ int fd = openat(dirfd_, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t) size), 0);
}

static void put_be32(uint8_t *b, uint32_t v) {
        for (int i = 0; i < 4; i++)
                b[i] = (uint8_t) (v >> (24 - 8 * i));
}

static uint32_t get_be32(const uint8_t *b) {
        return (uint32_t) b[0] << 24 | (uint32_t) b[1] << 16 | (uint32_t) b[2] << 8 | b[3];
}

static void put_be64(uint8_t *b, uint64_t v) {
        put_be32(b, (uint32_t) (v >> 32));
        put_be32(b + 4, (uint32_t) v);
}

static void put_le64(uint8_t *b, uint64_t v) {
        for (int i = 0; i < 8; i++)
                b[i] = (uint8_t) (v >> (8 * i));
}

/* A qcow2 v2 header written by hand: 64 KiB clusters, the backing name (if any) after an
 * optional backing format extension. */
typedef struct Qcow2Header {
        uint64_t size;
        uint32_t cluster_bits;
        const char *backing;
        const char *backing_format;
        uint64_t backing_offset; /* 0: right after the header */
        uint32_t backing_len;    /* 0: strlen(backing) */
} Qcow2Header;

static void write_qcow2(const char *name, Qcow2Header h) {
        uint8_t b[512] = {'Q', 'F', 'I', 0xfb};
        uint32_t off = 72;

        put_be32(b + 4, 2);
        put_be32(b + 20, h.cluster_bits ? h.cluster_bits : 16);
        put_be64(b + 24, h.size ? h.size : MiB);
        if (h.backing_format) {
                put_be32(b + off, 0xE2792ACA);
                put_be32(b + off + 4, (uint32_t) strlen(h.backing_format));
                memcpy(b + off + 8, h.backing_format, strlen(h.backing_format));
                off += 8 + ((uint32_t) strlen(h.backing_format) + 7) / 8 * 8;
                off += 8; /* the end marker, zeroes */
        }
        if (h.backing) {
                assert_true(off + strlen(h.backing) <= sizeof(b));
                memcpy(b + off, h.backing, strlen(h.backing));
                put_be64(b + 8, h.backing_offset ? h.backing_offset : off);
                put_be32(b + 16, h.backing_len ? h.backing_len : (uint32_t) strlen(h.backing));
        }
        unlinkat(dirfd_, name, 0);
        write_at(name, 0, b, sizeof(b));
}

/* --- formats made by qemu-img --- */

static void test_qcow2_v2_has_no_compat_and_no_features(void **state) {
        QEMU_IMG("create -f qcow2 -o compat=0.10 v2.qcow2 1G");
        ImageInfo i = probe_ok("v2.qcow2");

        assert_format(&i, VOL_FILE_QCOW2);
        assert_u64(i.capacity, GiB);
        assert_u64(i.cluster_size, 64 * KiB);
        assert_null(i.compat);
        assert_false(i.has_features);
        assert_int_equal(i.features, 0);
        assert_null(i.backing_name);
        assert_int_equal(i.backing_format, -1);
        assert_false(i.encrypted);
        image_info_done(&i);
}

static void test_qcow2_v3_has_compat_1_1_and_empty_features(void **state) {
        QEMU_IMG("create -f qcow2 -o compat=1.1 v3.qcow2 20G");
        ImageInfo i = probe_ok("v3.qcow2");

        assert_format(&i, VOL_FILE_QCOW2);
        assert_u64(i.capacity, 20 * GiB);
        assert_string_equal(i.compat, "1.1");
        assert_true(i.has_features);
        assert_int_equal(i.features, 0);
        image_info_done(&i);
}

static void test_qcow2_lazy_refcounts_is_a_feature(void **state) {
        QEMU_IMG("create -f qcow2 -o lazy_refcounts=on lazy.qcow2 1G");
        ImageInfo i = probe_ok("lazy.qcow2");

        assert_true(i.has_features);
        assert_int_equal(i.features, 1u << VOL_FEATURE_LAZY_REFCOUNTS);
        image_info_done(&i);
}

static void test_qcow2_extended_l2_is_a_feature(void **state) {
        QEMU_IMG("create -f qcow2 -o extended_l2=on,cluster_size=64k,lazy_refcounts=on "
                 "l2.qcow2 1G");
        ImageInfo i = probe_ok("l2.qcow2");

        assert_true(i.has_features);
        assert_int_equal(i.features,
                         1u << VOL_FEATURE_EXTENDED_L2 | 1u << VOL_FEATURE_LAZY_REFCOUNTS);
        assert_u64(i.cluster_size, 64 * KiB);
        image_info_done(&i);
}

static void test_qcow2_cluster_size_128k(void **state) {
        QEMU_IMG("create -f qcow2 -o cluster_size=128k c128.qcow2 1G");
        ImageInfo i = probe_ok("c128.qcow2");

        assert_u64(i.cluster_size, 128 * KiB);
        assert_u64(i.capacity, GiB);
        image_info_done(&i);
}

static void test_qcow2_backing_with_format_raw(void **state) {
        QEMU_IMG("create -f raw braw.img 1G");
        QEMU_IMG("create -f qcow2 -b braw.img -F raw over-raw.qcow2");
        ImageInfo i = probe_ok("over-raw.qcow2");

        assert_format(&i, VOL_FILE_QCOW2);
        assert_u64(i.capacity, GiB);
        assert_string_equal(i.backing_name, "braw.img");
        assert_int_equal(i.backing_format, VOL_FILE_RAW);
        image_info_done(&i);
}

/* qemu-img >= 6.1 always writes a backing format: turn its extension into an unknown one,
 * which readers skip, to get what older versions wrote without -F. */
static void qcow2_hide_backing_format(const char *name) {
        _cleanup_close_ int fd = openat(dirfd_, name, O_RDWR | O_CLOEXEC);
        uint8_t b[4096];
        uint32_t off;

        assert_true(fd >= 0);
        assert_int_equal(pread(fd, b, sizeof(b), 0), (ssize_t) sizeof(b));
        off = get_be32(b + 100);
        while (off + 8 <= sizeof(b) && get_be32(b + off) != 0) {
                if (get_be32(b + off) == 0xE2792ACA) {
                        put_be32(b + off, 0x12345678);
                        assert_int_equal(pwrite(fd, b + off, 4, off), 4);
                        return;
                }
                off += 8 + (get_be32(b + off + 4) + 7) / 8 * 8;
        }
        fail_msg("%s has no backing format extension", name);
}

static void test_qcow2_backing_without_format_is_minus_1(void **state) {
        QEMU_IMG("create -f qcow2 bq.qcow2 2G");
        QEMU_IMG("create -f qcow2 -b bq.qcow2 -F qcow2 nofmt.qcow2");
        qcow2_hide_backing_format("nofmt.qcow2");
        ImageInfo i = probe_ok("nofmt.qcow2");

        assert_string_equal(i.backing_name, "bq.qcow2");
        assert_int_equal(i.backing_format, -1);
        assert_u64(i.capacity, 2 * GiB);
        image_info_done(&i);
}

static void test_qcow2_luks_is_encrypted_luks(void **state) {
        QEMU_IMG("create -f qcow2 " QEMU_SECRET " -o encrypt.format=luks,encrypt.key-secret=sec0 "
                 "enc.qcow2 1G");
        ImageInfo i = probe_ok("enc.qcow2");

        assert_format(&i, VOL_FILE_QCOW2);
        assert_u64(i.capacity, GiB);
        assert_true(i.encrypted);
        assert_int_equal(i.encryption, ENCRYPTION_LUKS);
        image_info_done(&i);
}

static void test_qcow_v1(void **state) {
        QEMU_IMG("create -f raw braw1.img 1G");
        if (qemu_img("create -f qcow -b braw1.img -F raw v1.qcow 1G") != 0) {
                print_message("qemu-img cannot create qcow (v1) images, skipping\n");
                skip();
        }
        ImageInfo i = probe_ok("v1.qcow");

        assert_format(&i, VOL_FILE_QCOW);
        assert_u64(i.capacity, GiB);
        assert_u64(i.cluster_size, 0);
        assert_null(i.compat);
        assert_string_equal(i.backing_name, "braw1.img");
        assert_false(i.encrypted);
        image_info_done(&i);
}

static void test_vmdk(void **state) {
        QEMU_IMG("create -f vmdk x.vmdk 20G");
        ImageInfo i = probe_ok("x.vmdk");

        assert_format(&i, VOL_FILE_VMDK);
        assert_u64(i.capacity, 20 * GiB);
        assert_null(i.backing_name);
        image_info_done(&i);
}

static void test_vmdk_parent_from_descriptor(void **state) {
        QEMU_IMG("create -f vmdk vbase.vmdk 1G");
        QEMU_IMG("create -f vmdk -b vbase.vmdk -F vmdk vchild.vmdk");
        ImageInfo i = probe_ok("vchild.vmdk");

        assert_format(&i, VOL_FILE_VMDK);
        assert_u64(i.capacity, GiB);
        assert_string_equal(i.backing_name, "vbase.vmdk");
        image_info_done(&i);
}

static void test_vdi(void **state) {
        QEMU_IMG("create -f vdi x.vdi 3G");
        ImageInfo i = probe_ok("x.vdi");

        assert_format(&i, VOL_FILE_VDI);
        assert_u64(i.capacity, 3 * GiB);
        image_info_done(&i);
}

static void test_vpc_dynamic(void **state) {
        /* force_size: the size asked for, not one rounded to a CHS geometry. */
        QEMU_IMG("create -f vpc -o subformat=dynamic,force_size=on dyn.vhd 1G");
        ImageInfo i = probe_ok("dyn.vhd");

        assert_format(&i, VOL_FILE_VPC);
        assert_u64(i.capacity, GiB);
        image_info_done(&i);
}

/* As libvirt, which looks at offset 0 only: a fixed VHD (footer at the end) is raw. */
static void test_vpc_fixed_is_raw(void **state) {
        QEMU_IMG("create -f vpc -o subformat=fixed,force_size=on fixed.vhd 16M");
        ImageInfo i = probe_ok("fixed.vhd");

        assert_format(&i, VOL_FILE_RAW);
        assert_u64(i.capacity, file_size("fixed.vhd"));
        assert_u64(i.capacity, 16 * MiB + 512);
        image_info_done(&i);
}

/* libvirt's formats have no vhdx: "vhd", with the virtual size from the metadata region. */
static void test_vhdx_reports_vhd_with_virtual_size(void **state) {
        QEMU_IMG("create -f vhdx x.vhdx 20G");
        ImageInfo i = probe_ok("x.vhdx");

        assert_format(&i, VOL_FILE_VHD);
        assert_u64(i.capacity, 20 * GiB);
        image_info_done(&i);
}

static void test_qed_with_backing(void **state) {
        QEMU_IMG("create -f raw qbase.img 1M");
        QEMU_IMG("create -f qed -b qbase.img -F raw x.qed 5G");
        ImageInfo i = probe_ok("x.qed");

        assert_format(&i, VOL_FILE_QED);
        assert_u64(i.capacity, 5 * GiB);
        assert_string_equal(i.backing_name, "qbase.img");
        assert_int_equal(i.backing_format, VOL_FILE_RAW);
        image_info_done(&i);
}

static void test_raw_luks_capacity_excludes_the_header(void **state) {
        QEMU_IMG("create -f luks " QEMU_SECRET " -o key-secret=sec0 x.luks 16M");
        ImageInfo i = probe_ok("x.luks");

        assert_format(&i, VOL_FILE_LUKS);
        assert_u64(i.capacity, 16 * MiB);
        assert_true(i.encrypted);
        assert_int_equal(i.encryption, ENCRYPTION_LUKS);
        assert_u64(i.payload_offset, file_size("x.luks") - 16 * MiB);
        image_info_done(&i);
}

static void test_iso_capacity_is_file_size(void **state) {
        REQUIRE_TOOL("xorriso");
        assert_int_equal(run("mkdir -p isodir && echo hello > isodir/a.txt && "
                             "xorriso -as mkisofs -o x.iso isodir"),
                         0);
        ImageInfo i = probe_ok("x.iso");

        assert_format(&i, VOL_FILE_ISO);
        assert_u64(i.capacity, file_size("x.iso"));
        image_info_done(&i);
}

/* --- formats written by hand --- */

static void test_raw_sparse_capacity_is_file_size(void **state) {
        truncate_to("sparse.img", 10 * GiB);
        ImageInfo i = probe_ok("sparse.img");

        assert_format(&i, VOL_FILE_RAW);
        assert_u64(i.capacity, 10 * GiB);
        assert_false(i.encrypted);
        image_info_done(&i);
}

static void test_empty_file_is_raw_of_size_0(void **state) {
        truncate_to("empty.img", 0);
        ImageInfo i = probe_ok("empty.img");

        assert_format(&i, VOL_FILE_RAW);
        assert_u64(i.capacity, 0);
        image_info_done(&i);
}

static void test_short_file_with_part_of_a_magic_is_raw(void **state) {
        write_at("qf.img", 0, "QF", 2);
        ImageInfo i = probe_ok("qf.img");

        assert_format(&i, VOL_FILE_RAW);
        assert_u64(i.capacity, 2);
        image_info_done(&i);
}

static void test_known_magic_with_unknown_version_is_raw(void **state) {
        uint8_t b[512] = {'Q', 'F', 'I', 0xfb};

        put_be32(b + 4, 9);
        write_at("v9.qcow2", 0, b, sizeof(b));
        ImageInfo i = probe_ok("v9.qcow2");

        assert_format(&i, VOL_FILE_RAW);
        assert_u64(i.capacity, sizeof(b));
        image_info_done(&i);
}

static void test_luks2_capacity_from_json_segment_offset(void **state) {
        static const char json[] =
                "{\"keyslots\":{\"0\":{\"type\":\"luks2\",\"area\":{\"type\":\"raw\","
                "\"offset\":\"32768\",\"size\":\"258048\"}}},\"tokens\":{\"0\":{\"type\":"
                "\"x\",\"segments\":{\"offset\":\"1\"}}},\"segments\":{\"0\":{\"type\":"
                "\"crypt\",\"offset\":\"16777216\",\"size\":\"dynamic\",\"encryption\":"
                "\"aes-xts-plain64\",\"sector_size\":512}},\"digests\":{},\"config\":"
                "{\"json_size\":\"12288\",\"keyslots_size\":\"16744448\"}}";
        uint8_t b[4096] = {'L', 'U', 'K', 'S', 0xba, 0xbe, 0, 2};

        put_be64(b + 8, 16 * KiB);
        write_at("x.luks2", 0, b, sizeof(b));
        write_at("x.luks2", 4096, json, sizeof(json));
        truncate_to("x.luks2", 17 * MiB);
        ImageInfo i = probe_ok("x.luks2");

        assert_format(&i, VOL_FILE_LUKS);
        assert_true(i.encrypted);
        assert_int_equal(i.encryption, ENCRYPTION_LUKS2);
        assert_u64(i.payload_offset, 16 * MiB);
        assert_u64(i.capacity, MiB);
        image_info_done(&i);
}

static void test_luks2_without_segments_has_file_size(void **state) {
        uint8_t b[4096] = {'L', 'U', 'K', 'S', 0xba, 0xbe, 0, 2};

        put_be64(b + 8, 16 * KiB);
        write_at("noseg.luks2", 0, b, sizeof(b));
        write_at("noseg.luks2", 4096, "{\"keyslots\":{}}", 15);
        truncate_to("noseg.luks2", 2 * MiB);
        ImageInfo i = probe_ok("noseg.luks2");

        assert_format(&i, VOL_FILE_LUKS);
        assert_u64(i.capacity, 2 * MiB);
        image_info_done(&i);
}

static void test_cow_v2(void **state) {
        uint8_t b[1048] = {'O', 'O', 'O', 'M', 0, 0, 0, 2};

        memcpy(b + 8, "base.img", 8);
        put_be64(b + 1036, 3 * GiB);
        write_at("x.cow", 0, b, sizeof(b));
        ImageInfo i = probe_ok("x.cow");

        assert_format(&i, VOL_FILE_COW);
        assert_u64(i.capacity, 3 * GiB);
        assert_string_equal(i.backing_name, "base.img");
        image_info_done(&i);
}

static void test_ploop(void **state) {
        uint8_t b[64] = "WithouFreSpacExt";

        put_le64(b + 36, 2 * GiB / 512);
        write_at("root.hds", 0, b, sizeof(b));
        ImageInfo i = probe_ok("root.hds");

        assert_format(&i, VOL_FILE_PLOOP);
        assert_u64(i.capacity, 2 * GiB);
        image_info_done(&i);
}

/* --- hostile headers --- */

static void test_truncated_qcow2_is_refused(void **state) {
        write_at("trunc.qcow2", 0, "QFI\xfb\0\0\0\x02", 8);
        probe_refused("trunc.qcow2", "truncated");
}

static void test_qcow2_size_above_int64_max_is_refused(void **state) {
        write_qcow2("huge.qcow2", (Qcow2Header){.size = UINT64_MAX});
        probe_refused("huge.qcow2", "virtual size");
        write_qcow2("huge2.qcow2", (Qcow2Header){.size = (uint64_t) INT64_MAX + 1});
        probe_refused("huge2.qcow2", "virtual size");
}

static void test_qcow2_cluster_bits_out_of_range_are_refused(void **state) {
        write_qcow2("cb63.qcow2", (Qcow2Header){.cluster_bits = 63});
        probe_refused("cb63.qcow2", "cluster_bits 63");
        write_qcow2("cb8.qcow2", (Qcow2Header){.cluster_bits = 8});
        probe_refused("cb8.qcow2", "cluster_bits 8");
        write_qcow2("cb22.qcow2", (Qcow2Header){.cluster_bits = 22});
        probe_refused("cb22.qcow2", "cluster_bits 22");
}

static void test_qcow2_backing_name_beyond_the_file_is_refused(void **state) {
        write_qcow2("far.qcow2", (Qcow2Header){.backing = "b", .backing_offset = 1 * MiB});
        probe_refused("far.qcow2", "beyond the end of the file");
}

static void test_qcow2_backing_name_beyond_the_read_bound_is_refused(void **state) {
        write_qcow2("bound.qcow2", (Qcow2Header){.backing = "b", .backing_offset = 100000});
        truncate_to("bound.qcow2", MiB);
        probe_refused("bound.qcow2", "beyond the first");
}

static void test_qcow2_backing_name_of_1_mib_is_refused(void **state) {
        write_qcow2("long.qcow2", (Qcow2Header){.backing = "b", .backing_len = 1 << 20});
        truncate_to("long.qcow2", 2 * MiB);
        probe_refused("long.qcow2", "longer than 1023");
}

static void test_qcow2_backing_offset_overflow_is_refused(void **state) {
        write_qcow2(
                "ovf.qcow2",
                (Qcow2Header){.backing = "b", .backing_offset = UINT64_MAX - 2, .backing_len = 10});
        probe_refused("ovf.qcow2", "overflows");
}

static void test_qcow2_backing_name_with_control_characters_is_refused(void **state) {
        write_qcow2("ctl.qcow2", (Qcow2Header){.backing = "a\nb"});
        probe_refused("ctl.qcow2", "control characters");
}

static void test_qcow2_extension_overrunning_the_header_area_is_refused(void **state) {
        uint8_t ext[8];

        write_qcow2("ext.qcow2", (Qcow2Header){.backing = "b", .backing_format = "raw"});
        put_be32(ext, 0xE2792ACA);
        put_be32(ext + 4, 0x7fffffff);
        write_at("ext.qcow2", 72, ext, sizeof(ext));
        probe_refused("ext.qcow2", "overruns");
}

static void test_vmdk_capacity_overflow_is_refused(void **state) {
        uint8_t b[512] = {'K', 'D', 'M', 'V', 1};

        put_le64(b + 12, UINT64_MAX / 256); /* * 512 overflows */
        write_at("ovf.vmdk", 0, b, sizeof(b));
        probe_refused("ovf.vmdk", "virtual size");
        put_le64(b + 12, (uint64_t) INT64_MAX / 512 + 1); /* * 512 exceeds INT64_MAX */
        write_at("ovf.vmdk", 0, b, sizeof(b));
        probe_refused("ovf.vmdk", "virtual size");
}

static void test_qed_backing_name_beyond_the_file_is_refused(void **state) {
        uint8_t b[64] = {'Q', 'E', 'D', 0};

        b[16] = 1; /* QED_F_BACKING_FILE */
        put_le64(b + 48, GiB);
        b[56] = 0xff, b[57] = 0xff, b[58] = 0xff, b[59] = 0xff;
        b[60] = 8;
        write_at("far.qed", 0, b, sizeof(b));
        probe_refused("far.qed", "beyond the end of the file");
}

static void test_truncated_vhdx_is_refused(void **state) {
        write_at("short.vhdx", 0, "vhdxfile", 8);
        truncate_to("short.vhdx", 100 * KiB);
        probe_refused("short.vhdx", "truncated");
}

static void test_luks1_payload_beyond_the_file_is_refused(void **state) {
        uint8_t b[592] = {'L', 'U', 'K', 'S', 0xba, 0xbe, 0, 1};

        put_be32(b + 104, 4096);
        write_at("far.luks", 0, b, sizeof(b));
        probe_refused("far.luks", "payload offset");
}

/* --- backing chains --- */

static void test_chain_loop_of_two_is_refused_quickly(void **state) {
        _cleanup_error_ Error err = ERROR_INIT;
        struct timespec a, b;

        write_qcow2("loop-a.qcow2", (Qcow2Header){.backing = "loop-b.qcow2"});
        write_qcow2("loop-b.qcow2", (Qcow2Header){.backing = "loop-a.qcow2"});
        clock_gettime(CLOCK_MONOTONIC, &a);
        assert_int_equal(image_chain_check(dirfd_, "loop-a.qcow2", 1000, &err), -ELOOP);
        clock_gettime(CLOCK_MONOTONIC, &b);
        assert_contains(err.message, "loops");
        assert_true(b.tv_sec - a.tv_sec < 2);
}

static void test_chain_self_reference_is_refused(void **state) {
        _cleanup_error_ Error err = ERROR_INIT;

        write_qcow2("self.qcow2", (Qcow2Header){.backing = "self.qcow2"});
        assert_int_equal(image_chain_check(dirfd_, "self.qcow2", 16, &err), -ELOOP);
        assert_contains(err.message, "loops");
}

static void test_chain_deeper_than_max_depth_is_refused(void **state) {
        _cleanup_error_ Error err = ERROR_INIT;

        write_qcow2("d0.qcow2", (Qcow2Header){.backing = "d1.qcow2"});
        write_qcow2("d1.qcow2", (Qcow2Header){.backing = "d2.qcow2"});
        write_qcow2("d2.qcow2", (Qcow2Header){.backing = "d3.qcow2"});
        write_qcow2("d3.qcow2", (Qcow2Header){0});
        assert_int_equal(image_chain_check(dirfd_, "d0.qcow2", 3, NULL), 3);
        assert_int_equal(image_chain_check(dirfd_, "d0.qcow2", 2, &err), -ELOOP);
        assert_contains(err.message, "longer than 2");
}

static void test_chain_missing_backing_file_is_not_an_error(void **state) {
        write_qcow2("orphan.qcow2", (Qcow2Header){.backing = "no-such-base.qcow2"});
        assert_int_equal(image_chain_check(dirfd_, "orphan.qcow2", 16, NULL), 0);
}

static void test_chain_missing_top_image_is_an_error(void **state) {
        _cleanup_error_ Error err = ERROR_INIT;

        assert_int_equal(image_chain_check(dirfd_, "no-such-top.qcow2", 16, &err), -ENOENT);
        assert_contains(err.message, "no-such-top.qcow2");
}

static void test_chain_network_backing_is_not_followed(void **state) {
        write_qcow2("net.qcow2", (Qcow2Header){.backing = "nbd://localhost:10809/x"});
        assert_int_equal(image_chain_check(dirfd_, "net.qcow2", 16, NULL), 0);
        write_qcow2("net2.qcow2", (Qcow2Header){.backing = "nbd:unix:/tmp/s:exportname=x"});
        assert_int_equal(image_chain_check(dirfd_, "net2.qcow2", 16, NULL), 0);
}

static void test_backing_is_network(void **state) {
        assert_true(image_backing_is_network("nbd:localhost:10809"));
        assert_true(image_backing_is_network("http://example.com/x.img"));
        assert_true(image_backing_is_network("gluster+tcp://h/v/x"));
        assert_true(image_backing_is_network("json:{\"file\":{}}"));
        assert_true(image_backing_is_network("rbd:pool/image"));
        assert_false(image_backing_is_network("file:base.qcow2"));
        assert_false(image_backing_is_network("base.qcow2"));
        assert_false(image_backing_is_network("/var/lib/images/a:b.qcow2"));
        assert_false(image_backing_is_network("./a:b.qcow2"));
        assert_false(image_backing_is_network(""));
}

/* A raw backing file holds guest data: even if it looks like a qcow2 naming the top image,
 * it is not probed, so there is no loop. */
static void test_chain_declared_raw_backing_is_not_probed(void **state) {
        write_qcow2("guest-top.qcow2",
                    (Qcow2Header){.backing = "guest-raw.img", .backing_format = "raw"});
        write_qcow2("guest-raw.img", (Qcow2Header){.backing = "guest-top.qcow2"});
        assert_int_equal(image_chain_check(dirfd_, "guest-top.qcow2", 16, NULL), 1);
}

static void test_chain_relative_names_resolve_against_the_image_directory(void **state) {
        assert_int_equal(mkdirat(dirfd_, "sub", 0755), 0);
        write_qcow2("sub/rel-top.qcow2", (Qcow2Header){.backing = "rel-base.qcow2"});
        write_qcow2("sub/rel-base.qcow2", (Qcow2Header){.backing = "../rel-root.qcow2"});
        write_qcow2("rel-root.qcow2", (Qcow2Header){0});
        /* A same-named file next to the caller's directory would close a loop. */
        write_qcow2("rel-base.qcow2", (Qcow2Header){.backing = "sub/rel-top.qcow2"});
        assert_int_equal(image_chain_check(dirfd_, "sub/rel-top.qcow2", 16, NULL), 2);
}

static void test_chain_file_prefix_is_local(void **state) {
        write_qcow2("fp-top.qcow2", (Qcow2Header){.backing = "file:fp-top.qcow2"});
        assert_int_equal(image_chain_check(dirfd_, "fp-top.qcow2", 16, NULL), -ELOOP);
}

static void test_chain_does_not_open_char_devices(void **state) {
        write_qcow2("dev.qcow2", (Qcow2Header){.backing = "/dev/null"});
        assert_int_equal(image_chain_check(dirfd_, "dev.qcow2", 16, NULL), 0);
}

static void test_chain_of_qemu_images(void **state) {
        QEMU_IMG("create -f raw c-base.img 1M");
        QEMU_IMG("create -f qcow2 -b c-base.img -F raw c-mid.qcow2");
        QEMU_IMG("create -f qcow2 -b c-mid.qcow2 -F qcow2 c-top.qcow2");
        assert_int_equal(image_chain_check(dirfd_, "c-top.qcow2", 16, NULL), 2);
        assert_int_equal(image_chain_check(dirfd_, "c-top.qcow2", 1, NULL), -ELOOP);
}

/* --- read-only --- */

static void test_probing_leaves_the_file_unchanged(void **state) {
        _cleanup_free_ char *before = NULL, *after = NULL;
        size_t len_before, len_after;
        _cleanup_free_ char *path = xasprintf("%s/ro.qcow2", dir);

        write_qcow2("ro.qcow2", (Qcow2Header){.backing = "ro.qcow2", .backing_format = "qcow2"});
        truncate_to("ro.qcow2", 256 * KiB);
        assert_int_equal(chmod(path, 0444), 0);
        before = xmalloc(256 * KiB);
        after = xmalloc(256 * KiB);
        {
                _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
                assert_true(fd >= 0);
                len_before = (size_t) pread(fd, before, 256 * KiB, 0);
        }
        ImageInfo i = probe_ok("ro.qcow2");
        assert_int_equal(i.backing_format, VOL_FILE_QCOW2);
        image_info_done(&i);
        assert_int_equal(image_chain_check(dirfd_, "ro.qcow2", 16, NULL), -ELOOP);
        {
                _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
                assert_true(fd >= 0);
                len_after = (size_t) pread(fd, after, 256 * KiB, 0);
        }
        assert_int_equal(len_before, 256 * KiB);
        assert_int_equal(len_after, len_before);
        assert_memory_equal(before, after, len_before);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_qcow2_v2_has_no_compat_and_no_features),
                cmocka_unit_test(test_qcow2_v3_has_compat_1_1_and_empty_features),
                cmocka_unit_test(test_qcow2_lazy_refcounts_is_a_feature),
                cmocka_unit_test(test_qcow2_extended_l2_is_a_feature),
                cmocka_unit_test(test_qcow2_cluster_size_128k),
                cmocka_unit_test(test_qcow2_backing_with_format_raw),
                cmocka_unit_test(test_qcow2_backing_without_format_is_minus_1),
                cmocka_unit_test(test_qcow2_luks_is_encrypted_luks),
                cmocka_unit_test(test_qcow_v1),
                cmocka_unit_test(test_vmdk),
                cmocka_unit_test(test_vmdk_parent_from_descriptor),
                cmocka_unit_test(test_vdi),
                cmocka_unit_test(test_vpc_dynamic),
                cmocka_unit_test(test_vpc_fixed_is_raw),
                cmocka_unit_test(test_vhdx_reports_vhd_with_virtual_size),
                cmocka_unit_test(test_qed_with_backing),
                cmocka_unit_test(test_raw_luks_capacity_excludes_the_header),
                cmocka_unit_test(test_iso_capacity_is_file_size),
                cmocka_unit_test(test_raw_sparse_capacity_is_file_size),
                cmocka_unit_test(test_empty_file_is_raw_of_size_0),
                cmocka_unit_test(test_short_file_with_part_of_a_magic_is_raw),
                cmocka_unit_test(test_known_magic_with_unknown_version_is_raw),
                cmocka_unit_test(test_luks2_capacity_from_json_segment_offset),
                cmocka_unit_test(test_luks2_without_segments_has_file_size),
                cmocka_unit_test(test_cow_v2),
                cmocka_unit_test(test_ploop),
                cmocka_unit_test(test_truncated_qcow2_is_refused),
                cmocka_unit_test(test_qcow2_size_above_int64_max_is_refused),
                cmocka_unit_test(test_qcow2_cluster_bits_out_of_range_are_refused),
                cmocka_unit_test(test_qcow2_backing_name_beyond_the_file_is_refused),
                cmocka_unit_test(test_qcow2_backing_name_beyond_the_read_bound_is_refused),
                cmocka_unit_test(test_qcow2_backing_name_of_1_mib_is_refused),
                cmocka_unit_test(test_qcow2_backing_offset_overflow_is_refused),
                cmocka_unit_test(test_qcow2_backing_name_with_control_characters_is_refused),
                cmocka_unit_test(test_qcow2_extension_overrunning_the_header_area_is_refused),
                cmocka_unit_test(test_vmdk_capacity_overflow_is_refused),
                cmocka_unit_test(test_qed_backing_name_beyond_the_file_is_refused),
                cmocka_unit_test(test_truncated_vhdx_is_refused),
                cmocka_unit_test(test_luks1_payload_beyond_the_file_is_refused),
                cmocka_unit_test(test_chain_loop_of_two_is_refused_quickly),
                cmocka_unit_test(test_chain_self_reference_is_refused),
                cmocka_unit_test(test_chain_deeper_than_max_depth_is_refused),
                cmocka_unit_test(test_chain_missing_backing_file_is_not_an_error),
                cmocka_unit_test(test_chain_missing_top_image_is_an_error),
                cmocka_unit_test(test_chain_network_backing_is_not_followed),
                cmocka_unit_test(test_backing_is_network),
                cmocka_unit_test(test_chain_declared_raw_backing_is_not_probed),
                cmocka_unit_test(test_chain_relative_names_resolve_against_the_image_directory),
                cmocka_unit_test(test_chain_file_prefix_is_local),
                cmocka_unit_test(test_chain_does_not_open_char_devices),
                cmocka_unit_test(test_chain_of_qemu_images),
                cmocka_unit_test(test_probing_leaves_the_file_unchanged),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
