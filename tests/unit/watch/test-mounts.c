/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The mount watcher (src/watch/mounts.c). Mounting takes root: those tests run in a private
 * mount namespace (so that a crash cannot leave a mount behind on the host, and the host's
 * units never see ours), unmount in teardown whatever happened, and are skipped without root
 * (failed under POOLD_TEST_REQUIRE_ROOT=1). */
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "watch-test.h"

#include "shared/log.h"
#include "watch/mounts.h"

typedef struct Fixture {
        char *dir;
        char *src, *dst;
        sd_event *event;
        Mounts *mounts;
        Recorder rec;
} Fixture;

static int setup(void **state) {
        Fixture *f = xcalloc(1, sizeof(*f));
        _cleanup_free_ char *tmp = test_mkdtemp();

        /* Mount targets are compared as the kernel prints them: no symlinks in the path. */
        f->dir = realpath(tmp, NULL);
        assert_non_null(f->dir);
        f->src = xasprintf("%s/src", f->dir);
        f->dst = xasprintf("%s/dst", f->dir);
        assert_int_equal(mkdir(f->src, 0755), 0);
        assert_int_equal(mkdir(f->dst, 0755), 0);
        assert_int_equal(sd_event_new(&f->event), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        /* Everything mounted on dst, however deep the stack; EINVAL once nothing is. */
        if (geteuid() == 0)
                for (int i = 0; i < 16 && umount2(f->dst, MNT_DETACH) == 0; i++)
                        ;
        mounts_free(f->mounts);
        sd_event_unref(f->event);
        recorder_clear(&f->rec);
        test_rm_rf(f->dir);
        free(f->src);
        free(f->dst);
        free(f->dir);
        free(f);
        return 0;
}

static void on_mount(void *userdata, const char *target, const char *source, const char *fstype,
                     bool mounted) {
        Fixture *f = userdata;

        recorder_add(&f->rec, "%s %s %s %s", mounted ? "mounted" : "unmounted", target,
                     source ?: "-", fstype ?: "-");
        /* The table is already the new one when the callback runs. */
        recorder_add(&f->rec, "find %s %s", target, mounts_find(f->mounts, target) ? "yes" : "no");
}

/* Root, in a private mount namespace. */
static bool enter_private_mount_ns(const char *test) {
        if (!test_require(geteuid() == 0, test, "needs root"))
                return false;
        if (unshare(CLONE_NEWNS) < 0)
                return test_require(false, test, "cannot create a mount namespace");
        /* Nothing we mount propagates back to the host. */
        assert_int_equal(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), 0);
        return true;
}

static void mount_tmpfs(const char *source, const char *target) {
        if (mount(source, target, "tmpfs", 0, "size=1m") < 0)
                fail_msg("mount %s on %s: %m", source, target);
}

/* ---- tests ---- */

static void mounts_find_answers_from_the_current_table(void **state) {
        Fixture *f = *state;
        struct libmnt_fs *root;

        assert_int_equal(mounts_new(f->event, on_mount, f, &f->mounts), 0);
        root = mounts_find(f->mounts, "/");
        assert_non_null(root);
        assert_string_equal(mnt_fs_get_target(root), "/");
        assert_non_null(mounts_find(f->mounts, "/proc/"));
        assert_null(mounts_find(f->mounts, f->dst));
        assert_null(mounts_find(f->mounts, ""));
        assert_int_equal(mounts_rescan(f->mounts), 0);
}

static void mounts_reports_a_bind_mount_and_its_unmount(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *find = NULL;
        struct libmnt_fs *fs;

        if (!enter_private_mount_ns(__func__))
                return;
        assert_int_equal(mounts_new(f->event, on_mount, f, &f->mounts), 0);
        find = xasprintf("find %s yes", f->dst);

        assert_int_equal(mount(f->src, f->dst, NULL, MS_BIND, NULL), 0);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, find)));
        assert_int_equal(f->rec.n, 2);
        assert_true(strncmp(f->rec.events[0], "mounted ", 8) == 0);
        fs = mounts_find(f->mounts, f->dst);
        assert_non_null(fs);
        /* A bind mount shows the directory it came from as its root. */
        assert_non_null(mnt_fs_get_root(fs));
        assert_true(strlen(mnt_fs_get_root(fs)) > 1);
        recorder_clear(&f->rec);

        assert_int_equal(umount2(f->dst, 0), 0);
        free(find);
        find = xasprintf("find %s no", f->dst);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, find)));
        assert_true(strncmp(f->rec.events[0], "unmounted ", 10) == 0);
        assert_null(mounts_find(f->mounts, f->dst));
}

static void mounts_reports_what_a_stacked_mount_shows(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *a = NULL, *b = NULL, *gone = NULL;

        if (!enter_private_mount_ns(__func__))
                return;
        assert_int_equal(mounts_new(f->event, on_mount, f, &f->mounts), 0);
        a = xasprintf("mounted %s poold-test-a tmpfs", f->dst);
        b = xasprintf("mounted %s poold-test-b tmpfs", f->dst);
        gone = xasprintf("unmounted %s poold-test-a tmpfs", f->dst);

        mount_tmpfs("poold-test-a", f->dst);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, a)));
        recorder_clear(&f->rec);

        /* Mounted on top: the target now shows b. */
        mount_tmpfs("poold-test-b", f->dst);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, b)));
        assert_string_equal(mnt_fs_get_source(mounts_find(f->mounts, f->dst)), "poold-test-b");
        recorder_clear(&f->rec);

        /* The top one unmounted: a shows again, still mounted. */
        assert_int_equal(umount2(f->dst, 0), 0);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, a)));
        assert_string_equal(mnt_fs_get_source(mounts_find(f->mounts, f->dst)), "poold-test-a");
        recorder_clear(&f->rec);

        assert_int_equal(umount2(f->dst, 0), 0);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, gone)));
}

static void mounts_reports_each_of_several_changes_once(void **state) {
        Fixture *f = *state;
        char *targets[5];

        if (!enter_private_mount_ns(__func__))
                return;
        assert_int_equal(mounts_new(f->event, on_mount, f, &f->mounts), 0);

        /* All made before the loop runs: one wake-up, one read of the table. */
        for (size_t i = 0; i < ELEMENTSOF(targets); i++) {
                targets[i] = xasprintf("%s/t%zu", f->dst, i);
                if (i == 0)
                        mount_tmpfs("poold-test", f->dst);
                assert_int_equal(mkdir(targets[i], 0755), 0);
                mount_tmpfs("poold-test", targets[i]);
        }
        assert_true(RUN_UNTIL(f->event, f->rec.n >= 2 * (ELEMENTSOF(targets) + 1)));
        run_for(f->event, 100000);
        for (size_t i = 0; i < ELEMENTSOF(targets); i++) {
                _cleanup_free_ char *e = xasprintf("mounted %s poold-test tmpfs", targets[i]);

                assert_int_equal(recorder_count(&f->rec, e), 1);
                free(targets[i]);
        }
        assert_int_equal(f->rec.n, 2 * (ELEMENTSOF(targets) + 1));
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
                T(mounts_find_answers_from_the_current_table),
                T(mounts_reports_a_bind_mount_and_its_unmount),
                T(mounts_reports_what_a_stacked_mount_shows),
                T(mounts_reports_each_of_several_changes_once),
#undef T
        };

        log_setup("test-mounts");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
