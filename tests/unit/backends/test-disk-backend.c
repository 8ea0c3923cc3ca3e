/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The disk backend on a real loop device (a sparse file attached with losetup --partscan).
 * Needs root and a free loop device: skipped otherwise, failed under
 * POOLD_TEST_REQUIRE_ROOT=1 (the root tier of CI, where a skip would hide a regression). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test-util.h"

#include "backends/backend.h"
#include "conf/pool-def.h"
#include "conf/vol-def.h"
#include "shared/path.h"

#define MiB       (UINT64_C(1024) * 1024)
#define DISK_SIZE (64 * MiB)

static char *tmp;     /* the test's directory */
static char *loopdev; /* /dev/loopN, attached by setup */
static const char *loopname;
static const Backend *B;

#define run(...) test_shell(NULL, false, __VA_ARGS__)

#define require_loop()                                                                             \
        do {                                                                                       \
                if (!test_require(geteuid() == 0, __func__, "needs root") ||                            \
                    !test_require(loopdev != NULL, __func__, "no loop device could be attached"))       \
                        return;                                                                    \
        } while (0)

static int setup(void **state) {
        _cleanup_free_ char *img = NULL, *cmd = NULL;
        char line[256] = "";
        FILE *p;
        int fd;

        B = backend_for(POOL_DISK);
        if (!B)
                return -1;
        tmp = test_mkdtemp();
        if (geteuid() != 0)
                return 0;
        img = path_join(tmp, "disk.img");
        fd = open(img, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd < 0 || ftruncate(fd, DISK_SIZE) < 0)
                return -1;
        close(fd);
        cmd = xasprintf("losetup -f --show -P %s 2>/dev/null", img);
        p = popen(cmd, "r");
        if (p && fgets(line, sizeof(line), p) && line[0] == '/') {
                line[strcspn(line, "\n")] = 0;
                loopdev = xstrdup(line);
                loopname = strrchr(loopdev, '/') + 1;
        }
        if (p)
                pclose(p);
        return 0;
}

static int teardown(void **state) {
        if (loopdev) {
                (void) run("losetup -d %s", loopdev);
                free(loopdev);
                loopdev = NULL;
        }
        test_rm_rf(tmp);
        free(tmp);
        return 0;
}

static PoolDef *disk_pool(const char *format) {
        _cleanup_free_ char *xml = xasprintf(
                "<pool type='disk'><name>d</name><source><device path='%s'/>%s%s%s</source>"
                "<target><path>/dev</path></target></pool>",
                loopdev ? loopdev : "/dev/nonexistent-disk", format ? "<format type='" : "",
                format ? format : "", format ? "'/>" : "");
        Error err = ERROR_INIT;
        PoolDef *def = NULL;

        if (pool_def_parse_string(xml, strlen(xml), &def, &err) < 0)
                fail_msg("cannot parse %s: %s", xml, err.message);
        return def;
}

static VolDef *vol_req(const char *name, uint64_t capacity, const char *format) {
        _cleanup_free_ char *xml =
                xasprintf("<volume><name>%s</name><capacity>%" PRIu64 "</capacity>%s%s%s</volume>",
                          name, capacity, format ? "<target><format type='" : "",
                          format ? format : "", format ? "'/></target>" : "");
        Error err = ERROR_INIT;
        VolDef *v = NULL;

        if (vol_def_parse_string(xml, strlen(xml), POOL_DISK, 0, &v, &err) < 0)
                fail_msg("cannot parse %s: %s", xml, err.message);
        return v;
}

static char *part_name(int n) {
        return xasprintf("%sp%d", loopname, n);
}

static bool kernel_has(const char *part) {
        _cleanup_free_ char *p = xasprintf("/sys/class/block/%s/%s", loopname, part);

        return access(p, F_OK) == 0;
}

static void build_ok(PoolDef *def, unsigned flags) {
        Error err = ERROR_INIT;

        if (B->build(def, flags, &err) < 0)
                fail_msg("build: %s", err.message);
        error_clear(&err);
}

static VolDef *create_ok(PoolDef *def, const char *name, uint64_t capacity, const char *format) {
        _cleanup_vol_def_ VolDef *req = vol_req(name, capacity, format);
        Error err = ERROR_INIT;
        VolDef *v = NULL;

        if (B->vol_create(def, req, 0, &v, &err) < 0)
                fail_msg("vol_create %s: %s", name, err.message);
        error_clear(&err);
        return v;
}

static void refresh_ok(PoolDef *def, RefreshResult *r) {
        Error err = ERROR_INIT;

        if (B->refresh(def, r, &err) < 0)
                fail_msg("refresh: %s", err.message);
        error_clear(&err);
}

static const VolDef *found(const RefreshResult *r, const char *name) {
        for (size_t i = 0; i < r->n_vols; i++)
                if (streq(r->vols[i].def->name, name))
                        return r->vols[i].def;
        return NULL;
}

/* ---- Tests ------------------------------------------------------------------------------- */

static void test_dependencies_name_the_device_as_written(void **state) {
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool(NULL);
        PoolDeps d = {};

        assert_int_equal(B->dependencies(def, &d), 0);
        assert_non_null(d.devices);
        assert_string_equal(d.devices[0], def->source.devices[0].path);
        assert_null(d.devices[1]);
        assert_null(d.watch_dir);
        assert_null(d.mount_target);
        pool_deps_done(&d);
}

static void test_absent_device_is_inactive_and_start_waits(void **state) {
        _cleanup_free_ char *xml = xstrdup(
                "<pool type='disk'><name>d</name><source><device path='/dev/poold-no-such-disk'/>"
                "</source><target><path>/dev</path></target></pool>");
        _cleanup_(pool_def_freep) PoolDef *def = NULL;
        Error err = ERROR_INIT;

        assert_int_equal(pool_def_parse_string(xml, strlen(xml), &def, &err), 0);
        assert_int_equal(B->check(def, &err), 0);
        assert_int_equal(B->start(def, &err), -ENODEV);
        assert_non_null(strstr(err.message, "/dev/poold-no-such-disk"));
        error_clear(&err);
}

static void test_build_gpt_on_blank_device_then_start(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        RefreshResult r = {};
        Error err = ERROR_INIT;

        assert_int_equal(B->check(def, &err), 1);
        assert_int_equal(B->start(def, &err), -EMEDIUMTYPE); /* no label yet */
        error_clear(&err);
        build_ok(def, 0);
        assert_int_equal(run("blkid -p -o value -s PTTYPE %s | grep -qx gpt", loopdev), 0);
        assert_int_equal(B->start(def, &err), 0);
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 0);
        assert_int_equal(r.sizes.capacity, DISK_SIZE);
        assert_int_equal(r.sizes.allocation, 0);
        assert_true(r.sizes.available > DISK_SIZE - 2 * MiB && r.sizes.available < DISK_SIZE);
        refresh_result_done(&r);
}

static void test_build_refuses_a_filesystem_unless_overwrite(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        Error err = ERROR_INIT;

        assert_int_equal(run("mkfs.ext4 -q -F %s >/dev/null 2>&1", loopdev), 0);
        assert_int_equal(B->build(def, 0, &err), -EEXIST);
        assert_non_null(strstr(err.message, loopdev));
        assert_non_null(strstr(err.message, "ext4"));
        error_clear(&err);
        assert_int_equal(B->build(def, BUILD_NO_OVERWRITE, &err), -EEXIST);
        error_clear(&err);
        build_ok(def, BUILD_OVERWRITE);
        /* The ext4 signature is gone, only the new label remains. */
        assert_int_equal(run("blkid -p -o value -s PTTYPE %s | grep -qx gpt", loopdev), 0);
        assert_int_not_equal(run("blkid -p -o value -s TYPE %s | grep -q ext4", loopdev), 0);
}

static void test_build_refuses_an_existing_label_unless_overwrite(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *dos = disk_pool("dos");
        _cleanup_(pool_def_freep) PoolDef *gpt = disk_pool("gpt");
        Error err = ERROR_INIT;

        build_ok(dos, 0);
        assert_int_equal(B->build(gpt, 0, &err), -EEXIST);
        assert_non_null(strstr(err.message, "dos partition table"));
        error_clear(&err);
        assert_int_equal(B->start(gpt, &err), -EMEDIUMTYPE);
        error_clear(&err);
        assert_int_equal(B->build(gpt, BUILD_OVERWRITE | BUILD_NO_OVERWRITE, &err), -EINVAL);
        error_clear(&err);
        build_ok(gpt, BUILD_OVERWRITE);
        assert_int_equal(run("blkid -p -o value -s PTTYPE %s | grep -qx gpt", loopdev), 0);
}

static void test_vol_create_three_partitions_known_to_kernel_and_refresh(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        RefreshResult r = {};
        uint64_t sizes[] = {8 * MiB, 16 * MiB, 4 * MiB};

        build_ok(def, 0);
        for (int i = 0; i < 3; i++) {
                _cleanup_free_ char *name = part_name(i + 1), *path = NULL;
                _cleanup_vol_def_ VolDef *v = create_ok(def, name, sizes[i], NULL);

                path = xasprintf("/dev/%s", name);
                assert_string_equal(v->name, name);
                assert_string_equal(v->target.path, path);
                assert_string_equal(v->key, path);
                assert_int_equal(v->type, VOL_BLOCK);
                assert_int_equal(v->capacity, sizes[i]);
                assert_true(kernel_has(name));
        }
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 3);
        for (int i = 0; i < 3; i++) {
                _cleanup_free_ char *name = part_name(i + 1);
                const VolDef *v = found(&r, name);

                assert_non_null(v);
                assert_int_equal(v->capacity, sizes[i]);
                assert_int_equal(v->allocation, sizes[i]);
                assert_string_equal(vol_partition_formats[v->target.format], "linux");
        }
        assert_int_equal(r.sizes.capacity, DISK_SIZE);
        assert_int_equal(r.sizes.allocation, 28 * MiB);
        assert_true(r.sizes.available > DISK_SIZE - 30 * MiB &&
                    r.sizes.available <= DISK_SIZE - 28 * MiB);
        refresh_result_done(&r);
}

static void test_vol_create_refuses_a_name_other_than_the_next_partition(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_vol_def_ VolDef *req = vol_req("data", 4 * MiB, NULL);
        _cleanup_free_ char *expected = part_name(1), *two = part_name(2);
        _cleanup_vol_def_ VolDef *req2 = vol_req(two, 4 * MiB, NULL);
        Error err = ERROR_INIT;
        VolDef *v = NULL;

        build_ok(def, 0);
        assert_int_equal(B->vol_create(def, req, 0, &v, &err), -EINVAL);
        _cleanup_free_ char *msg =
                xasprintf("invalid partition name 'data', expected '%s'", expected);
        assert_string_equal(err.message, msg);
        error_clear(&err);
        assert_int_equal(B->vol_create(def, req2, 0, &v, &err), -EINVAL);
        error_clear(&err);
        assert_false(kernel_has(two));
}

static void test_vol_create_refuses_what_does_not_fit(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_free_ char *name = part_name(1);
        _cleanup_vol_def_ VolDef *req = vol_req(name, DISK_SIZE, NULL);
        Error err = ERROR_INIT;
        VolDef *v = NULL;

        build_ok(def, 0);
        assert_int_equal(B->vol_create(def, req, 0, &v, &err), -ENOSPC);
        error_clear(&err);
        assert_false(kernel_has(name));
}

static void test_vol_delete_removes_from_kernel_and_refresh(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_free_ char *p1 = part_name(1), *p2 = part_name(2), *p3 = part_name(3);
        RefreshResult r = {};
        Error err = ERROR_INIT;

        build_ok(def, 0);
        vol_def_free(create_ok(def, p1, 4 * MiB, NULL));
        vol_def_free(create_ok(def, p2, 4 * MiB, NULL));
        _cleanup_vol_def_ VolDef *v3 = create_ok(def, p3, 4 * MiB, NULL);
        _cleanup_vol_def_ VolDef *v2 = vol_req(p2, 1, NULL);

        assert_int_equal(B->vol_delete(def, v2, 0, &err), 0);
        assert_false(kernel_has(p2));
        assert_true(kernel_has(p1));
        assert_true(kernel_has(p3));
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 2);
        assert_null(found(&r, p2));
        assert_non_null(found(&r, p3));
        refresh_result_done(&r);

        /* The freed number is the next one, and its space is reused first. */
        _cleanup_vol_def_ VolDef *again = create_ok(def, p2, 2 * MiB, NULL);
        assert_true(again->extents[0].start < v3->extents[0].start);
        assert_true(kernel_has(p2));
}

static void test_vol_delete_refuses_a_partition_in_use(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_free_ char *p1 = part_name(1);
        _cleanup_vol_def_ VolDef *v = NULL;
        RefreshResult r = {};
        Error err = ERROR_INIT;
        int fd;

        build_ok(def, 0);
        v = create_ok(def, p1, 4 * MiB, NULL);
        fd = open(v->target.path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(B->vol_delete(def, v, 0, &err), -EBUSY);
        assert_non_null(strstr(err.message, "in use"));
        error_clear(&err);
        close(fd);
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 1);
        refresh_result_done(&r);
        assert_true(kernel_has(p1));
        assert_int_equal(B->vol_delete(def, v, 0, &err), 0);
        assert_false(kernel_has(p1));
}

static void test_vol_wipe_zeroes_a_partition_and_refuses_one_in_use(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_free_ char *p1 = part_name(1), *p2 = part_name(2);
        _cleanup_vol_def_ VolDef *v1 = NULL, *v2 = NULL;
        static char buf[4 * 1024 * 1024];
        Error err = ERROR_INIT;
        int fd, holder;

        build_ok(def, 0);
        v1 = create_ok(def, p1, 4 * MiB, NULL);
        v2 = create_ok(def, p2, 4 * MiB, NULL);
        /* Both partitions full of 0xA5. */
        memset(buf, 0xa5, sizeof(buf));
        for (int i = 0; i < 2; i++) {
                fd = open((i ? v2 : v1)->target.path, O_WRONLY | O_CLOEXEC);
                assert_true(fd >= 0);
                assert_int_equal(write(fd, buf, sizeof(buf)), (ssize_t) sizeof(buf));
                assert_int_equal(fsync(fd), 0);
                close(fd);
        }

        assert_int_equal(B->vol_wipe(def, v1, WIPE_ZERO, &err), 0);
        fd = open(v1->target.path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(read(fd, buf, sizeof(buf)), (ssize_t) sizeof(buf));
        close(fd);
        for (size_t i = 0; i < sizeof(buf); i++)
                if (buf[i] != 0)
                        fail_msg("byte %zu of %s is 0x%02x after the wipe", i, p1,
                                 (unsigned char) buf[i]);
        /* The neighbour is untouched. */
        fd = open(v2->target.path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(read(fd, buf, 4096), 4096);
        close(fd);
        assert_int_equal((unsigned char) buf[0], 0xa5);
        assert_int_equal((unsigned char) buf[4095], 0xa5);

        /* Claimed by someone (as a mount claims it): refused, nothing written. */
        holder = open(v2->target.path, O_RDONLY | O_EXCL | O_CLOEXEC);
        assert_true(holder >= 0);
        assert_int_equal(B->vol_wipe(def, v2, WIPE_ZERO, &err), -EBUSY);
        assert_non_null(strstr(err.message, "in use"));
        error_clear(&err);
        close(holder);
        fd = open(v2->target.path, O_RDONLY | O_CLOEXEC);
        assert_int_equal(read(fd, buf, 4096), 4096);
        close(fd);
        assert_int_equal((unsigned char) buf[0], 0xa5);

        assert_int_equal(B->vol_wipe(def, v2, WIPE_TRIM, &err), -EOPNOTSUPP);
        error_clear(&err);
}

static void test_partition_added_outside_appears_in_refresh(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_free_ char *p1 = part_name(1), *p2 = part_name(2);
        RefreshResult r = {};
        Error err = ERROR_INIT;
        FoundVolume fv = {};

        build_ok(def, 0);
        vol_def_free(create_ok(def, p1, 4 * MiB, NULL));
        assert_int_equal(
                run("echo ',10MiB,S' | sfdisk -q --append --no-reread %s >/dev/null 2>&1", loopdev),
                0);
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 2);
        assert_true(r.n_warnings >= 1);
        assert_non_null(strstr(r.warnings[r.n_warnings - 1], "partx -a"));
        refresh_result_done(&r);
        /* sfdisk closing the disk makes udevd re-read its table, which on a kernel that does
         * not parse tables drops the partitions: let that pass before telling the kernel. */
        (void) run("udevadm settle 2>/dev/null");
        assert_int_equal(run("partx -a -n 2 %s", loopdev), 0);
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 2);
        assert_non_null(found(&r, p2));
        assert_int_equal(found(&r, p2)->capacity, 10 * MiB);
        assert_string_equal(vol_partition_formats[found(&r, p2)->target.format], "linux-swap");
        refresh_result_done(&r);
        assert_int_equal(B->vol_refresh(def, p2, &fv, &err), 0);
        assert_int_equal(fv.def->capacity, 10 * MiB);
        assert_true(S_ISBLK(fv.st.st_mode));
        vol_def_free(fv.def);
        assert_int_equal(B->vol_refresh(def, "nope", &fv, &err), -ENOENT);
        error_clear(&err);
}

static void test_dos_label_and_partition_formats(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool(NULL); /* unknown builds dos */
        _cleanup_free_ char *p1 = part_name(1), *p2 = part_name(2);
        RefreshResult r = {};
        Error err = ERROR_INIT;

        build_ok(def, 0);
        assert_int_equal(run("blkid -p -o value -s PTTYPE %s | grep -qx dos", loopdev), 0);
        assert_int_equal(B->start(def, &err), 0);
        _cleanup_vol_def_ VolDef *v1 = create_ok(def, p1, 8 * MiB, "fat32");
        _cleanup_vol_def_ VolDef *v2 = create_ok(def, p2, 8 * MiB, "linux-lvm");
        assert_true(kernel_has(p1));
        assert_true(kernel_has(p2));
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 2);
        assert_string_equal(vol_partition_formats[found(&r, p1)->target.format], "fat32");
        assert_string_equal(vol_partition_formats[found(&r, p2)->target.format], "linux-lvm");
        assert_int_equal(r.sizes.allocation, 16 * MiB);
        assert_int_equal(r.sizes.capacity, DISK_SIZE);
        refresh_result_done(&r);
        assert_int_equal(run("sfdisk -d %s | grep -q 'type=c'", loopdev), 0);
}

static void test_delete_erases_the_table_and_refuses_while_a_partition_is_in_use(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_free_ char *p1 = part_name(1);
        _cleanup_vol_def_ VolDef *v = NULL;
        Error err = ERROR_INIT;
        int fd;

        build_ok(def, 0);
        v = create_ok(def, p1, 4 * MiB, NULL);
        fd = open(v->target.path, O_RDONLY | O_CLOEXEC);
        assert_true(fd >= 0);
        assert_int_equal(B->delete (def, &err), -EBUSY);
        error_clear(&err);
        close(fd);
        assert_int_equal(run("blkid -p -o value -s PTTYPE %s | grep -qx gpt", loopdev), 0);
        assert_int_equal(B->delete (def, &err), 0);
        assert_false(kernel_has(p1));
        /* No signature left anywhere, the backup GPT header included. */
        assert_int_equal(run("test -z \"$(wipefs -n %s)\"", loopdev), 0);
        assert_int_equal(B->start(def, &err), -EMEDIUMTYPE);
        error_clear(&err);
        build_ok(def, 0); /* blank again: no --overwrite needed */
}

/* Sizes are whole sectors, rounded up, never less than asked for. */
static void test_vol_create_rounds_odd_sizes_up(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("gpt");
        _cleanup_free_ char *p1 = part_name(1), *p2 = part_name(2);
        _cleanup_vol_def_ VolDef *v1 = NULL, *v2 = NULL;

        build_ok(def, 0);
        v1 = create_ok(def, p1, 1000000, NULL);
        assert_true(v1->capacity >= 1000000);
        assert_int_equal(v1->capacity % 512, 0);
        v2 = create_ok(def, p2, 3 * MiB / 2, NULL);
        assert_true(v2->capacity >= 3 * MiB / 2);
        assert_true(v2->extents[0].start >= v1->extents[0].end);
}

/* A dos table has four primary slots, then says so; an extended partition holds logical
 * ones, numbered from 5 as the kernel and libvirt name them. */
static void test_dos_table_four_primaries_then_no_slot(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("dos");
        _cleanup_free_ char *p5 = part_name(5);
        _cleanup_vol_def_ VolDef *req = vol_req(p5, 4 * MiB, NULL);
        VolDef *v = NULL;
        Error err = ERROR_INIT;

        build_ok(def, 0);
        for (int i = 1; i <= 4; i++) {
                _cleanup_free_ char *n = part_name(i);

                vol_def_free(create_ok(def, n, 4 * MiB, NULL));
                assert_true(kernel_has(n));
        }
        assert_int_equal(B->vol_create(def, req, 0, &v, &err), -ENOSPC);
        assert_non_null(strstr(err.message, "no free partition slot"));
        error_clear(&err);
}

static void test_dos_extended_partition_holds_logical_ones(void **state) {
        require_loop();
        _cleanup_(pool_def_freep) PoolDef *def = disk_pool("dos");
        _cleanup_free_ char *p1 = part_name(1), *p2 = part_name(2), *p3 = part_name(3),
                            *p4 = part_name(4), *p5 = part_name(5), *p6 = part_name(6);
        _cleanup_vol_def_ VolDef *ext = NULL, *l5 = NULL, *l6 = NULL, *del = vol_req(p5, 1, NULL);
        _cleanup_vol_def_ VolDef *ext_again = vol_req(p5, 4 * MiB, "extended");
        RefreshResult r = {};
        Error err = ERROR_INIT;
        VolDef *v = NULL;

        build_ok(def, 0);
        vol_def_free(create_ok(def, p1, 4 * MiB, NULL));
        ext = create_ok(def, p2, 32 * MiB, "extended");
        assert_string_equal(vol_partition_formats[ext->target.format], "extended");
        vol_def_free(create_ok(def, p3, 4 * MiB, NULL));
        vol_def_free(create_ok(def, p4, 4 * MiB, NULL));
        /* Four primary slots used, one extended: logical partitions from 5 on, inside it. */
        l5 = create_ok(def, p5, 4 * MiB, NULL);
        l6 = create_ok(def, p6, 8 * MiB, NULL);
        assert_true(l5->extents[0].start > ext->extents[0].start);
        assert_true(l6->extents[0].end <= ext->extents[0].end);
        assert_true(kernel_has(p2) && kernel_has(p5) && kernel_has(p6));
        assert_int_equal(B->vol_create(def, ext_again, 0, &v, &err), -EEXIST);
        error_clear(&err);

        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 6);
        assert_int_equal(found(&r, p6)->capacity, 8 * MiB);
        /* The extended partition only contains others. */
        assert_int_equal(r.sizes.allocation, 4 * 4 * MiB + 8 * MiB);
        refresh_result_done(&r);

        /* Deleting logical 5 renumbers logical 6 to 5, in the table and in the kernel. */
        assert_int_equal(B->vol_delete(def, del, 0, &err), 0);
        assert_true(kernel_has(p5));
        assert_false(kernel_has(p6));
        refresh_ok(def, &r);
        assert_int_equal(r.n_vols, 5);
        assert_int_equal(found(&r, p5)->capacity, 8 * MiB);
        refresh_result_done(&r);
        {
                _cleanup_free_ char *f = xasprintf("/sys/class/block/%s/%s/size", loopname, p5);
                _cleanup_free_ char *cmd = xasprintf("grep -qx %" PRIu64 " %s", 8 * MiB / 512, f);

                assert_int_equal(run("%s", cmd), 0);
        }
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                T(test_dependencies_name_the_device_as_written),
                T(test_absent_device_is_inactive_and_start_waits),
                T(test_build_gpt_on_blank_device_then_start),
                T(test_build_refuses_a_filesystem_unless_overwrite),
                T(test_build_refuses_an_existing_label_unless_overwrite),
                T(test_vol_create_three_partitions_known_to_kernel_and_refresh),
                T(test_vol_create_refuses_a_name_other_than_the_next_partition),
                T(test_vol_create_refuses_what_does_not_fit),
                T(test_vol_delete_removes_from_kernel_and_refresh),
                T(test_vol_delete_refuses_a_partition_in_use),
                T(test_vol_wipe_zeroes_a_partition_and_refuses_one_in_use),
                T(test_partition_added_outside_appears_in_refresh),
                T(test_dos_label_and_partition_formats),
                T(test_vol_create_rounds_odd_sizes_up),
                T(test_dos_table_four_primaries_then_no_slot),
                T(test_dos_extended_partition_holds_logical_ones),
                T(test_delete_erases_the_table_and_refuses_while_a_partition_is_in_use),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
