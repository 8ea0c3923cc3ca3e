/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The inotify watchers (src/watch/inotify.c): the definitions directory with its autostart/
 * links, and pool directories sharing one inotify instance. Each test works in its own
 * temporary directory, changes files and runs the loop until the callbacks arrive. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>

#include "watch-test.h"

#include "shared/log.h"
#include "watch/inotify.h"

#define MAX_QUEUED_EVENTS "/proc/sys/fs/inotify/max_queued_events"

typedef struct Fixture {
        char *dir;
        sd_event *event;
        char *saved_max_queued; /* what MAX_QUEUED_EVENTS held, while we changed it */
} Fixture;

static int setup(void **state) {
        Fixture *f = xcalloc(1, sizeof(*f));

        f->dir = test_mkdtemp();
        assert_int_equal(sd_event_new(&f->event), 0);
        *state = f;
        return 0;
}

static void write_sysctl(const char *path, const char *value) {
        FILE *fp = fopen(path, "we");

        if (!fp)
                fail_msg("fopen(%s): %m", path);
        fputs(value, fp);
        if (fclose(fp) != 0)
                fail_msg("writing %s to %s: %m", value, path);
}

/* The queue limit is global: put it back whatever happened in the test. */
static void restore_max_queued(Fixture *f) {
        if (!f->saved_max_queued)
                return;
        write_sysctl(MAX_QUEUED_EVENTS, f->saved_max_queued);
        free(f->saved_max_queued);
        f->saved_max_queued = NULL;
}

static int teardown(void **state) {
        Fixture *f = *state;

        restore_max_queued(f);
        sd_event_unref(f->event);
        test_rm_rf(f->dir);
        free(f->dir);
        free(f);
        return 0;
}

/* ---- helpers ---- */

static char *path_in(const Fixture *f, const char *rel) {
        return xasprintf("%s/%s", f->dir, rel);
}

static void make_dir(const Fixture *f, const char *rel) {
        _cleanup_free_ char *p = path_in(f, rel);

        if (mkdir(p, 0755) < 0)
                fail_msg("mkdir(%s): %m", p);
}

static void remove_path(const Fixture *f, const char *rel) {
        _cleanup_free_ char *p = path_in(f, rel);

        if (remove(p) < 0)
                fail_msg("remove(%s): %m", p);
}

static void rename_path(const Fixture *f, const char *from, const char *to) {
        _cleanup_free_ char *a = path_in(f, from), *b = path_in(f, to);

        if (rename(a, b) < 0)
                fail_msg("rename(%s, %s): %m", a, b);
}

static void make_symlink(const Fixture *f, const char *target, const char *rel) {
        _cleanup_free_ char *p = path_in(f, rel);

        if (symlink(target, p) < 0)
                fail_msg("symlink(%s): %m", p);
}

static void write_file(const Fixture *f, const char *rel, const char *content) {
        test_write_file(f->dir, rel, content);
}

/* Lowers the kernel's per-instance queue to 16 events (instances created from now on get
 * it) and remembers the old value for teardown. */
static void lower_max_queued(Fixture *f) {
        _cleanup_free_ char *old = NULL;
        char buf[64] = {};
        FILE *fp = fopen(MAX_QUEUED_EVENTS, "re");

        if (!fp)
                fail_msg("fopen(%s): %m", MAX_QUEUED_EVENTS);
        if (!fgets(buf, sizeof(buf), fp))
                fail_msg("reading %s failed", MAX_QUEUED_EVENTS);
        fclose(fp);
        f->saved_max_queued = xstrdup(buf);
        write_sysctl(MAX_QUEUED_EVENTS, "16");
}

static int count_open_fds(void) {
        DIR *d = opendir("/proc/self/fd");
        int n = 0;

        assert_non_null(d);
        while (readdir(d))
                n++;
        closedir(d);
        return n;
}

/* ---- DirWatcher ---- */

static void on_file(void *userdata, const char *subdir, const char *name) {
        recorder_add(userdata, "file %s%s%s", subdir ?: "", subdir ? "/" : "", name);
}

static void on_overflow(void *userdata) {
        recorder_add(userdata, "overflow");
}

static const DirWatcherCallbacks dir_callbacks = {
        .on_file = on_file,
        .on_overflow = on_overflow,
};

static void dir_watcher_reports_create_edit_rename_delete_of_a_definition(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        _cleanup_free_ char *path = path_in(f, "a.xml");
        Recorder rec = {};
        int fd;

        assert_int_equal(dir_watcher_new(f->event, f->dir, &dir_callbacks, &rec, &w), 0);

        /* Created: reported once the writer closes it, not while it is half written. */
        fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "<pool", 5), 5);
        run_for(f->event, 200000);
        assert_int_equal(rec.n, 0);
        assert_int_equal(write(fd, "/>", 2), 2);
        close(fd);
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file a.xml")));
        recorder_clear(&rec);

        /* Edited in place. */
        write_file(f, "a.xml", "<pool type='dir'/>");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file a.xml")));
        recorder_clear(&rec);

        /* Renamed: both names. */
        rename_path(f, "a.xml", "b.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file a.xml") &&
                                                recorder_has(&rec, "file b.xml")));
        recorder_clear(&rec);

        /* Replaced atomically, the way configuration management writes. */
        write_file(f, ".b.xml.tmp", "<pool type='fs'/>");
        rename_path(f, ".b.xml.tmp", "b.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file b.xml")));
        recorder_clear(&rec);

        /* Deleted. */
        remove_path(f, "b.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file b.xml")));
        assert_false(recorder_has(&rec, "overflow"));
        recorder_clear(&rec);
}

static void dir_watcher_reports_symlinks_and_hard_links_at_creation(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        _cleanup_free_ char *a = path_in(f, "a.xml"), *c = path_in(f, "c.xml");
        Recorder rec = {};

        write_file(f, "a.xml", "<pool/>");
        assert_int_equal(dir_watcher_new(f->event, f->dir, &dir_callbacks, &rec, &w), 0);

        make_symlink(f, "a.xml", "b.xml");
        assert_int_equal(link(a, c), 0);
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file b.xml") &&
                                                recorder_has(&rec, "file c.xml")));
        recorder_clear(&rec);
}

static void dir_watcher_watches_autostart_created_after_it_started(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        Recorder rec = {};

        write_file(f, "a.xml", "<pool/>");
        write_file(f, "b.xml", "<pool/>");
        assert_int_equal(dir_watcher_new(f->event, f->dir, &dir_callbacks, &rec, &w), 0);

        /* The first link is made before the loop ran, so before autostart/ could be
         * watched: it is found when autostart/ is. */
        make_dir(f, "autostart");
        make_symlink(f, "../a.xml", "autostart/a.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file autostart/a.xml")));
        recorder_clear(&rec);

        make_symlink(f, "../b.xml", "autostart/b.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file autostart/b.xml")));
        recorder_clear(&rec);

        remove_path(f, "autostart/a.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file autostart/a.xml")));
        assert_false(recorder_has(&rec, "overflow"));
        recorder_clear(&rec);
}

static void dir_watcher_watches_autostart_moved_in_with_links(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        Recorder rec = {};

        assert_int_equal(dir_watcher_new(f->event, f->dir, &dir_callbacks, &rec, &w), 0);
        make_dir(f, ".staging");
        make_symlink(f, "../a.xml", ".staging/a.xml");
        run_for(f->event, 50000);
        recorder_clear(&rec);

        rename_path(f, ".staging", "autostart");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file autostart/a.xml")));
        recorder_clear(&rec);
        make_symlink(f, "../b.xml", "autostart/b.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file autostart/b.xml")));
        recorder_clear(&rec);
}

static void dir_watcher_rescans_when_autostart_is_removed_and_rewatches_it(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        Recorder rec = {};

        make_dir(f, "autostart");
        assert_int_equal(dir_watcher_new(f->event, f->dir, &dir_callbacks, &rec, &w), 0);

        remove_path(f, "autostart");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "overflow")));
        recorder_clear(&rec);

        make_dir(f, "autostart");
        run_for(f->event, 50000);
        make_symlink(f, "../a.xml", "autostart/a.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file autostart/a.xml")));
        recorder_clear(&rec);
}

static void dir_watcher_rescans_when_its_directory_is_deleted_and_recreated(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        _cleanup_free_ char *defs = path_in(f, "storage");
        Recorder rec = {};

        make_dir(f, "storage");
        assert_int_equal(dir_watcher_new(f->event, defs, &dir_callbacks, &rec, &w), 0);

        remove_path(f, "storage");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "overflow")));
        recorder_clear(&rec);

        /* Coming back is a rescan too: files may have been written before it was watched. */
        make_dir(f, "storage");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "overflow")));
        recorder_clear(&rec);

        write_file(f, "storage/a.xml", "<pool/>");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file a.xml")));
        recorder_clear(&rec);
}

static void dir_watcher_rescans_when_its_directory_is_moved_away(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        _cleanup_free_ char *defs = path_in(f, "storage");
        Recorder rec = {};

        make_dir(f, "storage");
        assert_int_equal(dir_watcher_new(f->event, defs, &dir_callbacks, &rec, &w), 0);

        rename_path(f, "storage", "old");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "overflow")));
        recorder_clear(&rec);

        /* What happens in the moved directory is no longer ours. */
        write_file(f, "old/a.xml", "<pool/>");
        run_for(f->event, 200000);
        assert_false(recorder_has(&rec, "file a.xml"));

        rename_path(f, "old", "storage");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "overflow")));
        recorder_clear(&rec);
        write_file(f, "storage/b.xml", "<pool/>");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file b.xml")));
        recorder_clear(&rec);
}

static void dir_watcher_waits_for_a_missing_directory(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        _cleanup_free_ char *defs = path_in(f, "storage");
        Recorder rec = {};

        assert_int_equal(dir_watcher_new(f->event, defs, &dir_callbacks, &rec, &w), 0);
        make_dir(f, "storage");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "overflow")));
        recorder_clear(&rec);
        make_dir(f, "storage/autostart");
        make_symlink(f, "../a.xml", "storage/autostart/a.xml");
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "file autostart/a.xml")));
        recorder_clear(&rec);
}

static void dir_watcher_reports_queue_overflow(void **state) {
        Fixture *f = *state;
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        Recorder rec = {};

        if (!require_root())
                return;
        lower_max_queued(f);
        assert_int_equal(dir_watcher_new(f->event, f->dir, &dir_callbacks, &rec, &w), 0);
        restore_max_queued(f);

        for (int i = 0; i < 100; i++) {
                _cleanup_free_ char *name = xasprintf("p%d.xml", i);

                write_file(f, name, "<pool/>");
        }
        assert_true(RUN_UNTIL(f->event, recorder_has(&rec, "overflow")));
        recorder_clear(&rec);
}

/* ---- PoolDirWatch ---- */

typedef struct PoolRec {
        Recorder rec;
        PoolDirWatch *watch;
        bool free_on_gone;
} PoolRec;

static void on_entry(void *userdata, const char *name) {
        recorder_add(&((PoolRec *) userdata)->rec, "entry %s", name);
}

static void on_pool_overflow(void *userdata) {
        recorder_add(&((PoolRec *) userdata)->rec, "overflow");
}

static void on_gone(void *userdata) {
        PoolRec *p = userdata;

        recorder_add(&p->rec, "gone");
        if (p->free_on_gone)
                p->watch = pool_dir_watch_free(p->watch);
}

static const PoolDirWatchCallbacks pool_callbacks = {
        .on_entry = on_entry,
        .on_overflow = on_pool_overflow,
        .on_gone = on_gone,
};

static void pool_rec_done(PoolRec *p) {
        pool_dir_watch_free(p->watch);
        recorder_clear(&p->rec);
}

static void pool_dir_watch_reports_entries_of_two_dirs_on_one_inotify(void **state) {
        Fixture *f = *state;
        _cleanup_inotify_ Inotify *in = NULL;
        _cleanup_free_ char *a = path_in(f, "a"), *b = path_in(f, "b");
        PoolRec pa = {}, pb = {};
        int fds;

        make_dir(f, "a");
        make_dir(f, "b");
        make_dir(f, "elsewhere");
        assert_int_equal(inotify_new(f->event, &in), 0);
        fds = count_open_fds();
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &pa, &pa.watch), 0);
        assert_int_equal(pool_dir_watch_new(in, b, &pool_callbacks, &pb, &pb.watch), 0);
        assert_int_equal(count_open_fds(), fds);
        assert_string_equal(pool_dir_watch_get_path(pa.watch), a);

        /* A file copied in: reported at creation and when complete. */
        write_file(f, "a/disk.img", "data");
        assert_true(RUN_UNTIL(f->event, recorder_count(&pa.rec, "entry disk.img") >= 2));
        assert_int_equal(pb.rec.n, 0);
        recorder_clear(&pa.rec);

        /* A subdirectory and a symlink. */
        make_dir(f, "b/sub");
        make_symlink(f, "../a/disk.img", "b/link.img");
        assert_true(RUN_UNTIL(f->event, recorder_has(&pb.rec, "entry sub") &&
                                                recorder_has(&pb.rec, "entry link.img")));
        recorder_clear(&pb.rec);

        /* Moved from one pool to the other: out of a, into b. */
        rename_path(f, "a/disk.img", "b/moved.img");
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "entry disk.img") &&
                                                recorder_has(&pb.rec, "entry moved.img")));
        assert_false(recorder_has(&pa.rec, "entry moved.img"));
        assert_false(recorder_has(&pb.rec, "entry disk.img"));
        recorder_clear(&pa.rec);
        recorder_clear(&pb.rec);

        /* Moved in from, and out to, a directory nobody watches. */
        write_file(f, "elsewhere/in.img", "x");
        rename_path(f, "elsewhere/in.img", "a/in.img");
        rename_path(f, "b/moved.img", "elsewhere/out.img");
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "entry in.img") &&
                                                recorder_has(&pb.rec, "entry moved.img")));
        recorder_clear(&pa.rec);
        recorder_clear(&pb.rec);

        /* Attributes changed (the consumer re-reads owner and mode), then deleted. */
        {
                _cleanup_free_ char *p = path_in(f, "a/in.img");

                assert_int_equal(chmod(p, 0600), 0);
        }
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "entry in.img")));
        recorder_clear(&pa.rec);
        remove_path(f, "a/in.img");
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "entry in.img")));
        assert_false(recorder_has(&pa.rec, "gone"));
        assert_int_equal(pb.rec.n, 0);

        pool_rec_done(&pa);
        pool_rec_done(&pb);
}

static void pool_dir_watch_reports_a_file_still_open_at_creation(void **state) {
        Fixture *f = *state;
        _cleanup_inotify_ Inotify *in = NULL;
        _cleanup_free_ char *a = path_in(f, "a"), *img = path_in(f, "a/vm.img");
        PoolRec pa = {};
        int fd;

        make_dir(f, "a");
        assert_int_equal(inotify_new(f->event, &in), 0);
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &pa, &pa.watch), 0);

        fd = open(img, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
        assert_true(fd >= 0);
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "entry vm.img")));
        close(fd);
        pool_rec_done(&pa);
}

static void pool_dir_watch_reports_gone_when_its_directory_is_removed(void **state) {
        Fixture *f = *state;
        _cleanup_inotify_ Inotify *in = NULL;
        _cleanup_free_ char *a = path_in(f, "a"), *b = path_in(f, "b");
        PoolRec pa = {}, pb = {};

        make_dir(f, "a");
        make_dir(f, "b");
        assert_int_equal(inotify_new(f->event, &in), 0);
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &pa, &pa.watch), 0);
        assert_int_equal(pool_dir_watch_new(in, b, &pool_callbacks, &pb, &pb.watch), 0);

        remove_path(f, "a");
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "gone")));
        run_for(f->event, 100000);
        assert_int_equal(recorder_count(&pa.rec, "gone"), 1);
        assert_false(pool_dir_watch_is_alive(pa.watch));
        assert_false(recorder_has(&pb.rec, "gone"));
        assert_true(pool_dir_watch_is_alive(pb.watch));

        /* The other one goes on. */
        write_file(f, "b/x.img", "x");
        assert_true(RUN_UNTIL(f->event, recorder_has(&pb.rec, "entry x.img")));

        pool_rec_done(&pa);
        pool_rec_done(&pb);
}

static void pool_dir_watch_reports_gone_when_moved_and_ignores_it_afterwards(void **state) {
        Fixture *f = *state;
        _cleanup_inotify_ Inotify *in = NULL;
        _cleanup_free_ char *a = path_in(f, "a");
        PoolRec pa = {.free_on_gone = true};

        make_dir(f, "a");
        assert_int_equal(inotify_new(f->event, &in), 0);
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &pa, &pa.watch), 0);

        /* Freed from its own on_gone. */
        rename_path(f, "a", "moved");
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "gone")));
        assert_null(pa.watch);
        write_file(f, "moved/x.img", "x");
        run_for(f->event, 200000);
        assert_int_equal(pa.rec.n, 1);
        pool_rec_done(&pa);
}

static void pool_dir_watch_shares_a_directory_between_two_pools(void **state) {
        Fixture *f = *state;
        _cleanup_inotify_ Inotify *in = NULL;
        _cleanup_free_ char *a = path_in(f, "a");
        PoolRec p1 = {}, p2 = {};

        make_dir(f, "a");
        assert_int_equal(inotify_new(f->event, &in), 0);
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &p1, &p1.watch), 0);
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &p2, &p2.watch), 0);

        write_file(f, "a/x.img", "x");
        assert_true(RUN_UNTIL(f->event, recorder_has(&p1.rec, "entry x.img") &&
                                                recorder_has(&p2.rec, "entry x.img")));

        /* Dropping one does not drop the kernel's watch the other relies on. */
        p1.watch = pool_dir_watch_free(p1.watch);
        recorder_clear(&p1.rec);
        recorder_clear(&p2.rec);
        write_file(f, "a/y.img", "y");
        assert_true(RUN_UNTIL(f->event, recorder_has(&p2.rec, "entry y.img")));
        assert_int_equal(p1.rec.n, 0);

        pool_rec_done(&p1);
        pool_rec_done(&p2);
}

static void pool_dir_watch_outlives_its_inotify_safely(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *a = path_in(f, "a");
        Inotify *in = NULL;
        PoolRec pa = {};

        make_dir(f, "a");
        assert_int_equal(inotify_new(f->event, &in), 0);
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &pa, &pa.watch), 0);
        inotify_free(in);
        assert_false(pool_dir_watch_is_alive(pa.watch));
        pool_rec_done(&pa);
}

static void pool_dir_watch_refuses_a_missing_or_non_directory_path(void **state) {
        Fixture *f = *state;
        _cleanup_inotify_ Inotify *in = NULL;
        _cleanup_free_ char *missing = path_in(f, "missing"), *file = path_in(f, "file");
        PoolDirWatch *w = NULL;

        write_file(f, "file", "x");
        assert_int_equal(inotify_new(f->event, &in), 0);
        assert_int_equal(pool_dir_watch_new(in, missing, &pool_callbacks, NULL, &w), -ENOENT);
        assert_int_equal(pool_dir_watch_new(in, file, &pool_callbacks, NULL, &w), -ENOTDIR);
        assert_null(w);
}

static void pool_dir_watch_reports_queue_overflow_to_every_pool(void **state) {
        Fixture *f = *state;
        _cleanup_inotify_ Inotify *in = NULL;
        _cleanup_free_ char *a = path_in(f, "a"), *b = path_in(f, "b");
        PoolRec pa = {}, pb = {};

        if (!require_root())
                return;
        make_dir(f, "a");
        make_dir(f, "b");
        lower_max_queued(f);
        assert_int_equal(inotify_new(f->event, &in), 0);
        restore_max_queued(f);
        assert_int_equal(pool_dir_watch_new(in, a, &pool_callbacks, &pa, &pa.watch), 0);
        assert_int_equal(pool_dir_watch_new(in, b, &pool_callbacks, &pb, &pb.watch), 0);

        for (int i = 0; i < 100; i++) {
                _cleanup_free_ char *name = xasprintf("a/f%d.img", i);

                write_file(f, name, "x");
        }
        assert_true(RUN_UNTIL(f->event, recorder_has(&pa.rec, "overflow") &&
                                                recorder_has(&pb.rec, "overflow")));
        pool_rec_done(&pa);
        pool_rec_done(&pb);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
                T(dir_watcher_reports_create_edit_rename_delete_of_a_definition),
                T(dir_watcher_reports_symlinks_and_hard_links_at_creation),
                T(dir_watcher_watches_autostart_created_after_it_started),
                T(dir_watcher_watches_autostart_moved_in_with_links),
                T(dir_watcher_rescans_when_autostart_is_removed_and_rewatches_it),
                T(dir_watcher_rescans_when_its_directory_is_deleted_and_recreated),
                T(dir_watcher_rescans_when_its_directory_is_moved_away),
                T(dir_watcher_waits_for_a_missing_directory),
                T(dir_watcher_reports_queue_overflow),
                T(pool_dir_watch_reports_entries_of_two_dirs_on_one_inotify),
                T(pool_dir_watch_reports_a_file_still_open_at_creation),
                T(pool_dir_watch_reports_gone_when_its_directory_is_removed),
                T(pool_dir_watch_reports_gone_when_moved_and_ignores_it_afterwards),
                T(pool_dir_watch_shares_a_directory_between_two_pools),
                T(pool_dir_watch_outlives_its_inotify_safely),
                T(pool_dir_watch_refuses_a_missing_or_non_directory_path),
                T(pool_dir_watch_reports_queue_overflow_to_every_pool),
#undef T
        };

        log_setup("test-inotify");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
