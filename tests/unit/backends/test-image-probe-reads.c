/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "test-util.h"

#include "backends/image-probe.h"

/* How much the prober reads: a refresh probes every file of a pool, so a probe must cost one
 * 4 KiB read for the common formats, and 5 more bytes when a large file might be an ISO. */

static char *dir;

static int setup(void **state) {
        dir = test_mkdtemp();
        return 0;
}

static int teardown(void **state) {
        test_rm_rf(dir);
        free(dir);
        return 0;
}

static bool qemu_img(const char *args) {
        _cleanup_free_ char *cmd = xasprintf("cd '%s' && qemu-img %s >/dev/null 2>&1", dir, args);
        int r;

        if (system("command -v qemu-img >/dev/null 2>&1") != 0)
                return false;
        r = system(cmd);
        if (r < 0 || !WIFEXITED(r) || WEXITSTATUS(r) != 0)
                fail_msg("qemu-img %s failed", args);
        return true;
}

#define REQUIRE_QEMU_IMG(args)                                                                     \
        do {                                                                                       \
                if (!qemu_img(args)) {                                                             \
                        print_message("qemu-img is not installed, skipping\n");                    \
                        skip();                                                                    \
                }                                                                                  \
        } while (0)

/* Probes dir/name and returns the bytes read. */
static uint64_t probe_bytes(const char *name, VolFileFormat expected) {
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        _cleanup_error_ Error err = ERROR_INIT;
        ImageInfo info;
        struct stat st;
        uint64_t n;

        assert_true(fd >= 0);
        assert_int_equal(fstat(fd, &st), 0);
        image_probe_reset_counter();
        if (image_probe_fd(fd, (uint64_t) st.st_size, &info, &err) < 0)
                fail_msg("probing %s: %s", name, err.message);
        n = image_probe_bytes_read();
        assert_int_equal(info.format, expected);
        image_info_done(&info);
        print_message("%s: %" PRIu64 " bytes read\n", name, n);
        return n;
}

static void make_file(const char *name, uint64_t size, uint64_t offset, const void *data,
                      size_t len) {
        _cleanup_free_ char *path = xasprintf("%s/%s", dir, name);
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t) size), 0);
        if (len > 0)
                assert_int_equal(pwrite(fd, data, len, (off_t) offset), (ssize_t) len);
}

static void test_small_raw_file_reads_at_most_4096(void **state) {
        make_file("small.img", 20000, 0, "hello", 5);
        assert_true(probe_bytes("small.img", VOL_FILE_RAW) <= 4096);
}

/* Too small to hold an ISO magic at 32769: no second read. */
static void test_tiny_raw_file_reads_only_its_size(void **state) {
        make_file("tiny.img", 100, 0, NULL, 0);
        assert_true(probe_bytes("tiny.img", VOL_FILE_RAW) == 100);
}

static void test_large_raw_file_reads_at_most_4096_plus_the_iso_magic(void **state) {
        make_file("large.img", UINT64_C(1) << 30, 0, NULL, 0);
        assert_true(probe_bytes("large.img", VOL_FILE_RAW) <= 4096 + 5);
}

static void test_iso_reads_at_most_4096_plus_5(void **state) {
        make_file("x.iso", 64 * 1024, 32769, "CD001", 5);
        assert_true(probe_bytes("x.iso", VOL_FILE_ISO) <= 4096 + 5);
}

static void test_qcow2_without_backing_reads_at_most_4096(void **state) {
        REQUIRE_QEMU_IMG("create -f qcow2 -o cluster_size=2M nb.qcow2 100G");
        assert_true(probe_bytes("nb.qcow2", VOL_FILE_QCOW2) <= 4096);
}

static void test_qcow2_with_backing_reads_at_most_4096(void **state) {
        REQUIRE_QEMU_IMG("create -f raw base.img 1M");
        REQUIRE_QEMU_IMG("create -f qcow2 -b base.img -F raw wb.qcow2");
        assert_true(probe_bytes("wb.qcow2", VOL_FILE_QCOW2) <= 4096);
}

static void test_vmdk_reads_at_most_4096(void **state) {
        REQUIRE_QEMU_IMG("create -f vmdk x.vmdk 10G");
        assert_true(probe_bytes("x.vmdk", VOL_FILE_VMDK) <= 4096);
}

/* The header, the region table and the metadata table: small reads, far below 64 KiB. */
static void test_vhdx_reads_are_bounded(void **state) {
        REQUIRE_QEMU_IMG("create -f vhdx x.vhdx 10G");
        assert_true(probe_bytes("x.vhdx", VOL_FILE_VHD) <= 4096 + 1024);
}

static void test_hostile_qcow2_reads_at_most_64_kib(void **state) {
        uint8_t b[512] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 2};

        b[23] = 16;                 /* cluster_bits */
        b[31] = 1;                  /* size */
        b[13] = 0x01, b[14] = 0x00; /* backing name at 65536 */
        b[19] = 100;                /* of 100 bytes */
        make_file("bound.qcow2", 1 << 20, 0, b, sizeof(b));

        _cleanup_free_ char *path = xasprintf("%s/bound.qcow2", dir);
        _cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
        ImageInfo info;

        image_probe_reset_counter();
        assert_int_equal(image_probe_fd(fd, 1 << 20, &info, NULL), -EINVAL);
        assert_true(image_probe_bytes_read() <= 64 * 1024);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_small_raw_file_reads_at_most_4096),
                cmocka_unit_test(test_tiny_raw_file_reads_only_its_size),
                cmocka_unit_test(test_large_raw_file_reads_at_most_4096_plus_the_iso_magic),
                cmocka_unit_test(test_iso_reads_at_most_4096_plus_5),
                cmocka_unit_test(test_qcow2_without_backing_reads_at_most_4096),
                cmocka_unit_test(test_qcow2_with_backing_reads_at_most_4096),
                cmocka_unit_test(test_vmdk_reads_at_most_4096),
                cmocka_unit_test(test_vhdx_reads_are_bounded),
                cmocka_unit_test(test_hostile_qcow2_reads_at_most_64_kib),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
