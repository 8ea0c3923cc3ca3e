/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fs pool backend (src/backends/fs.c) on a real loop device: a sparse file attached with
 * losetup, formatted and mounted on a temporary target. Those tests need root and a free
 * loop device; they run in a private mount namespace (nothing they mount is seen by, or left
 * behind on, the host), and are skipped saying why otherwise (failed under
 * POOLD_TEST_REQUIRE_ROOT=1, the root tier of CI, where a skip would hide a regression). */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <unistd.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "test-util.h"

#include "backends/backend.h"
#include "conf/pool-def.h"
#include "shared/path.h"

#define IMAGE_SIZE (64 * 1024 * 1024)

static char *tmp;    /* the test's directory, symlinks resolved */
static char *target; /* tmp/mnt, the pool's target */
static char *image;  /* tmp/disk.img, the loop device's backing file */
static char *loop;   /* /dev/loopN, NULL when none could be attached */
static const Backend *B;

/* ---- Set-up ------------------------------------------------------------------------------ */

/* Root, a private mount namespace (entered once for the whole process) and a loop device. */
static bool require_loop(const char *test) {
        static bool private_ns;

        if (!test_require(geteuid() == 0, test, "needs root"))
                return false;
        if (!private_ns) {
                if (unshare(CLONE_NEWNS) < 0)
                        return test_require(false, test, "cannot create a mount namespace");
                assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
                private_ns = true;
        }
        return test_require(loop != NULL, test, "no free loop device (losetup -f failed)");
}

/* A shell command line of the test's own (fixed strings and our paths); its exit status. */
#define run(...) test_shell(NULL, false, __VA_ARGS__)

/* The first line a command prints, without its newline; "" when none. */
_printf_(1, 2) static char *run_output(const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL;
        char line[4096] = "";
        va_list ap;
        FILE *p;

        va_start(ap, fmt);
        if (vasprintf(&cmd, fmt, ap) < 0)
                oom();
        va_end(ap);
        p = popen(cmd, "r");
        assert_non_null(p);
        if (!fgets(line, sizeof(line), p))
                line[0] = '\0';
        pclose(p);
        line[strcspn(line, "\n")] = '\0';
        return xstrdup(line);
}

static char *loop_attach(const char *file) {
        char *dev = run_output("losetup -f --show '%s' 2>/dev/null", file);

        if (isempty(dev)) {
                free(dev);
                return NULL;
        }
        return dev;
}

static int setup(void **state) {
        _cleanup_free_ char *t = test_mkdtemp();
        int fd;

        /* Mount targets are compared as the kernel prints them: no symlinks in the path. */
        tmp = realpath(t, NULL);
        target = path_join(tmp, "mnt");
        image = path_join(tmp, "disk.img");
        if (mkdir(target, 0755) < 0)
                return -1;
        fd = open(image, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
        if (fd < 0 || ftruncate(fd, IMAGE_SIZE) < 0)
                return -1;
        close(fd);
        loop = geteuid() == 0 ? loop_attach(image) : NULL;
        B = backend_for(POOL_FS);
        return B ? 0 : -1;
}

static int teardown(void **state) {
        if (geteuid() == 0)
                for (int i = 0; i < 16 && umount2(target, MNT_DETACH) == 0; i++)
                        ;
        if (loop)
                (void) run("losetup -d '%s'", loop);
        test_rm_rf(tmp);
        free(tmp);
        free(target);
        free(image);
        free(loop);
        loop = NULL;
        return 0;
}

/* An fs pool on device, formatted format, mounted on the test's target; extra goes at the
 * end of <pool> (the fs namespace is declared). */
static PoolDef *pool_new(const char *device, const char *format, const char *extra) {
        _cleanup_free_ char *xml =
                xasprintf("<pool type='fs' xmlns:fs='" POOL_FS_NAMESPACE "'><name>test</name>"
                          "<source><device path='%s'/><format type='%s'/></source>"
                          "<target><path>%s</path></target>%s</pool>",
                          device, format, target, extra);
        Error err = ERROR_INIT;
        PoolDef *def = NULL;

        if (pool_def_parse_string(xml, strlen(xml), &def, &err) < 0)
                fail_msg("cannot parse %s: %s", xml, err.message);
        return def;
}

static void mkfs_ext4(const char *dev) {
        assert_int_equal(run("mkfs.ext4 -q -F '%s' >/dev/null 2>&1", dev), 0);
}

/* What blkid says of the device ("" when blank). */
static char *blkid_value(const char *dev, const char *tag) {
        return run_output("blkid -p -o value -s %s '%s' 2>/dev/null", tag, dev);
}

/* The mountinfo line of the topmost mount on path, or NULL. */
static char *mountinfo_line(const char *path) {
        char line[4096];
        char *found = NULL;
        FILE *f = fopen("/proc/self/mountinfo", "re");

        assert_non_null(f);
        while (fgets(line, sizeof(line), f)) {
                char mnt[4096];

                if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && streq(mnt, path)) {
                        free(found);
                        found = xstrdup(line);
                }
        }
        fclose(f);
        return found;
}

static int mount_count(const char *path) {
        char line[4096];
        int n = 0;
        FILE *f = fopen("/proc/self/mountinfo", "re");

        assert_non_null(f);
        while (fgets(line, sizeof(line), f)) {
                char mnt[4096];

                if (sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 && streq(mnt, path))
                        n++;
        }
        fclose(f);
        return n;
}

/* Does the per-mount option list (field 6) of the mount on path hold option? */
static bool mount_has_option(const char *path, const char *option) {
        _cleanup_free_ char *line = mountinfo_line(path);
        char opts[4096];
        char *save = NULL;

        assert_non_null(line);
        assert_int_equal(sscanf(line, "%*s %*s %*s %*s %*s %4095s", opts), 1);
        for (char *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save))
                if (streq(o, option))
                        return true;
        return false;
}

static bool is_mounted(const char *path) {
        _cleanup_free_ char *line = mountinfo_line(path);

        return line != NULL;
}

/* ---- Tests that need no device ----------------------------------------------------------- */

static void test_dependencies_name_the_device_as_written_and_the_target(void **state) {
        _cleanup_pool_def_ PoolDef *def = pool_new("/dev/disk/by-uuid/0000-1111", "auto", "");
        PoolDeps deps = {};

        assert_int_equal(B->dependencies(def, &deps), 0);
        assert_string_equal(deps.watch_dir, target);
        assert_string_equal(deps.mount_target, target);
        assert_non_null(deps.devices);
        assert_string_equal(deps.devices[0], "/dev/disk/by-uuid/0000-1111");
        assert_null(deps.devices[1]);
        pool_deps_done(&deps);
}

static void test_start_without_the_device_is_enodev_with_a_reason(void **state) {
        _cleanup_pool_def_ PoolDef *def =
                pool_new("/dev/disk/by-uuid/does-not-exist-poold", "ext4", "");
        _cleanup_error_ Error err = ERROR_INIT;

        assert_int_equal(B->start(def, &err), -ENODEV);
        assert_contains(err.message, "device '/dev/disk/by-uuid/does-not-exist-poold' does not "
                                     "exist");
        error_clear(&err);
        assert_int_equal(B->check(def, &err), 0);
        assert_null(err.message);
        assert_int_equal(B->build(def, 0, &err), -ENODEV);
}

static int loop_ctl(unsigned long request, int number) {
        int fd = open("/dev/loop-control", O_RDWR | O_CLOEXEC), r;

        if (fd < 0)
                return -errno;
        r = ioctl(fd, request, number) < 0 ? -errno : 0;
        close(fd);
        return r;
}

static bool loop_is_bound(int number) {
        _cleanup_free_ char *p = xasprintf("/sys/block/loop%d/loop/backing_file", number);

        return access(p, F_OK) == 0;
}

/* A loop device with no file attached is still a node in /dev, of size 0: no medium. The
 * pool waits for one (-ENODEV), as for a missing device, rather than failing to mount. The
 * device is a new one (LOOP_CTL_ADD) of a high number, not one just detached: tests running
 * beside this one attach free loop devices, and could take it in between (then another
 * number is tried). */
static void test_start_on_a_device_without_medium_is_enodev(void **state) {
        if (!require_loop(__func__))
                return;
        for (int n = 900; n < 940; n++) {
                _cleanup_free_ char *dev = xasprintf("/dev/loop%d", n);
                _cleanup_pool_def_ PoolDef *def = NULL;
                _cleanup_error_ Error err = ERROR_INIT;
                bool taken;
                int r;

                if (loop_ctl(LOOP_CTL_ADD, n) < 0)
                        continue; /* exists */
                def = pool_new(dev, "ext4", "");
                r = B->start(def, &err);
                taken = loop_is_bound(n);
                (void) loop_ctl(LOOP_CTL_REMOVE, n);
                if (taken)
                        continue;
                assert_int_equal(r, -ENODEV);
                assert_contains(err.message, "has no medium");
                assert_false(is_mounted(target));
                return;
        }
        fail_msg("no loop device of number 900-939 could be added and kept empty");
}

static void test_build_refuses_overwrite_and_no_overwrite_together(void **state) {
        _cleanup_pool_def_ PoolDef *def = pool_new("/dev/null", "ext4", "");
        _cleanup_error_ Error err = ERROR_INIT;

        assert_int_equal(B->build(def, BUILD_OVERWRITE | BUILD_NO_OVERWRITE, &err), -EINVAL);
        assert_contains(err.message, "mutually exclusive");
}

/* ---- Build ------------------------------------------------------------------------------- */

static void test_build_makes_ext4_on_a_blank_device(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_free_ char *type = NULL;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "auto", "");
        assert_int_equal(rmdir(target), 0); /* build makes the target too */
        if (B->build(def, 0, &err) < 0)
                fail_msg("build: %s", err.message);
        type = blkid_value(loop, "TYPE");
        assert_string_equal(type, "ext4");
        assert_true(access(target, F_OK) == 0);
}

static void test_build_refuses_an_existing_file_system_without_overwrite(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_free_ char *uuid = NULL, *again = NULL, *after = NULL;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        uuid = blkid_value(loop, "UUID");
        assert_false(isempty(uuid));

        assert_int_equal(B->build(def, 0, &err), -EEXIST);
        assert_contains(err.message, "Device '");
        assert_contains(err.message, loop);
        assert_contains(err.message, "already formatted using 'ext4'");
        assert_contains(err.message, "--overwrite");
        error_clear(&err);
        assert_int_equal(B->build(def, BUILD_NO_OVERWRITE, &err), -EEXIST);
        again = blkid_value(loop, "UUID");
        assert_string_equal(again, uuid); /* nothing was written */

        error_clear(&err);
        if (B->build(def, BUILD_OVERWRITE, &err) < 0)
                fail_msg("build --overwrite: %s", err.message);
        after = blkid_value(loop, "UUID");
        assert_false(isempty(after));
        assert_string_not_equal(after, uuid); /* a new file system */
}

static void test_build_refuses_a_mounted_device_even_with_overwrite(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        assert_int_equal(B->build(def, BUILD_OVERWRITE, &err), -EBUSY);
        assert_contains(err.message, "is mounted on");
        assert_contains(err.message, target);
        assert_true(is_mounted(target));
}

static void test_build_refuses_a_partition_table_without_overwrite(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        /* A DOS label written by hand (sh's printf takes octal escapes only): one Linux
         * partition entry and the 0x55AA signature. */
        assert_int_equal(run("printf '\\203' | dd of='%s' bs=1 seek=450 conv=notrunc status=none"
                             " && printf '\\001' | dd of='%s' bs=1 seek=454 conv=notrunc "
                             "status=none && printf '\\000\\020' | dd of='%s' bs=1 seek=458 "
                             "conv=notrunc status=none && printf '\\125\\252' | dd of='%s' "
                             "bs=1 seek=510 conv=notrunc status=none",
                             loop, loop, loop, loop),
                         0);
        assert_int_equal(B->build(def, 0, &err), -EEXIST);
        assert_contains(err.message, "partition table");
}

/* ---- Start, check, stop, device_lost ----------------------------------------------------- */

static void test_start_mounts_with_nodev_nosuid_noexec(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_free_ char *line = NULL;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        line = mountinfo_line(target);
        assert_non_null(line);
        assert_contains(line, " - ext4 ");
        assert_contains(line, loop);
        assert_true(mount_has_option(target, "nodev"));
        assert_true(mount_has_option(target, "nosuid"));
        assert_true(mount_has_option(target, "noexec"));
        assert_true(mount_has_option(target, "rw"));
}

static void test_start_with_format_auto_detects_the_file_system(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_free_ char *line = NULL;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "auto", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        line = mountinfo_line(target);
        assert_contains(line, " - ext4 ");
}

static void test_start_applies_the_definitions_mount_options(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4",
                       "<fs:mount_opts><fs:option name='noatime'/><fs:option name='ro'/>"
                       "</fs:mount_opts>");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        assert_true(mount_has_option(target, "noatime"));
        assert_true(mount_has_option(target, "ro"));
        assert_true(mount_has_option(target, "nodev"));
        assert_true(mount_has_option(target, "noexec"));
}

static void test_start_is_idempotent_and_adopts_an_existing_mount(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        assert_int_equal(B->start(def, &err), 0);
        assert_int_equal(mount_count(target), 1);

        /* Mounted by someone else (as after a daemon restart): adopted as it is. */
        assert_int_equal(umount2(target, 0), 0);
        assert_int_equal(mount(loop, target, "ext4", 0, NULL), 0);
        assert_int_equal(B->check(def, &err), 1);
        assert_int_equal(B->start(def, &err), 0);
        assert_int_equal(mount_count(target), 1);
}

static void test_start_refuses_a_target_where_another_file_system_is_mounted(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        assert_int_equal(mount("poold-test", target, "tmpfs", 0, "size=1m"), 0);
        assert_int_equal(B->check(def, &err), 0);
        assert_int_equal(B->start(def, &err), -EBUSY);
        assert_contains(err.message, "another file system");
        /* Not ours: stop leaves it alone. */
        error_clear(&err);
        assert_int_equal(B->stop(def, &err), 0);
        assert_int_equal(mount_count(target), 1);
}

static void test_check_is_1_after_start_and_0_after_stop(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        assert_int_equal(B->check(def, &err), 0);
        assert_false(is_mounted(target)); /* check never mounts */
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        assert_int_equal(B->check(def, &err), 1);
        if (B->stop(def, &err) < 0)
                fail_msg("stop: %s", err.message);
        assert_false(is_mounted(target));
        assert_int_equal(B->check(def, &err), 0);
        /* Nothing mounted: stop has nothing to do. */
        assert_int_equal(B->stop(def, &err), 0);
}

static void test_device_lost_detaches_the_mount(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        assert_int_equal(B->device_lost(def, &err), 0);
        assert_false(is_mounted(target));
        assert_int_equal(B->check(def, &err), 0);
        /* Nothing left to release. */
        assert_int_equal(B->device_lost(def, &err), 0);
        assert_null(err.message);
}

static void test_device_lost_after_the_loop_device_is_detached(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        /* The kernel detaches a busy loop device lazily, once its file system is gone. */
        assert_int_equal(run("losetup -d '%s'", loop), 0);
        assert_int_equal(B->device_lost(def, &err), 0);
        assert_false(is_mounted(target));
}

/* ---- Volumes, delete --------------------------------------------------------------------- */

static void test_refresh_lists_the_files_written_into_the_mount(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;
        RefreshResult res = {};
        bool seen = false;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        test_write_file(target, "disk1.img", "hello");
        if (B->refresh(def, &res, &err) < 0)
                fail_msg("refresh: %s", err.message);
        for (size_t i = 0; i < res.n_vols; i++)
                if (streq(res.vols[i].def->name, "disk1.img")) {
                        seen = true;
                        assert_int_equal(res.vols[i].def->capacity, 5);
                }
        assert_true(seen);
        /* The file system's size, not the host's root. */
        assert_true(res.sizes.capacity > 0 && res.sizes.capacity <= IMAGE_SIZE);
        refresh_result_done(&res);

        /* Unmounted, the file is on the device, not in the target. */
        if (B->stop(def, &err) < 0)
                fail_msg("stop: %s", err.message);
        assert_true(access(target, F_OK) == 0);
        assert_int_equal(faccessat(AT_FDCWD, target, F_OK, 0), 0);
        {
                _cleanup_free_ char *p = path_join(target, "disk1.img");
                assert_int_equal(access(p, F_OK), -1);
        }
        if (B->start(def, &err) < 0)
                fail_msg("start again: %s", err.message);
        {
                _cleanup_free_ char *p = path_join(target, "disk1.img");
                assert_int_equal(access(p, F_OK), 0);
        }
}

static void test_delete_removes_the_target_only_when_unmounted(void **state) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_error_ Error err = ERROR_INIT;

        if (!require_loop(__func__))
                return;
        def = pool_new(loop, "ext4", "");
        mkfs_ext4(loop);
        if (B->start(def, &err) < 0)
                fail_msg("start: %s", err.message);
        assert_int_equal(B->delete(def, &err), -EBUSY);
        assert_contains(err.message, "still mounted");
        error_clear(&err);
        if (B->stop(def, &err) < 0)
                fail_msg("stop: %s", err.message);
        if (B->delete(def, &err) < 0)
                fail_msg("delete: %s", err.message);
        assert_int_equal(access(target, F_OK), -1);
        /* The data is untouched: delete of an fs pool is not a wipe. */
        {
                _cleanup_free_ char *type = blkid_value(loop, "TYPE");
                assert_string_equal(type, "ext4");
        }
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                T(test_dependencies_name_the_device_as_written_and_the_target),
                T(test_start_without_the_device_is_enodev_with_a_reason),
                T(test_start_on_a_device_without_medium_is_enodev),
                T(test_build_refuses_overwrite_and_no_overwrite_together),
                T(test_build_makes_ext4_on_a_blank_device),
                T(test_build_refuses_an_existing_file_system_without_overwrite),
                T(test_build_refuses_a_mounted_device_even_with_overwrite),
                T(test_build_refuses_a_partition_table_without_overwrite),
                T(test_start_mounts_with_nodev_nosuid_noexec),
                T(test_start_with_format_auto_detects_the_file_system),
                T(test_start_applies_the_definitions_mount_options),
                T(test_start_is_idempotent_and_adopts_an_existing_mount),
                T(test_start_refuses_a_target_where_another_file_system_is_mounted),
                T(test_check_is_1_after_start_and_0_after_stop),
                T(test_device_lost_detaches_the_mount),
                T(test_device_lost_after_the_loop_device_is_detached),
                T(test_refresh_lists_the_files_written_into_the_mount),
                T(test_delete_removes_the_target_only_when_unmounted),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
