/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <linux/fs.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/un.h>
#include <sys/wait.h>

#include "test-util.h"

#include "backends/backend.h"
#include "backends/dir.h"
#include "conf/pool-def.h"
#include "conf/vol-def.h"
#include "shared/path.h"

#define KiB UINT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)

static char *tmp;       /* the test's directory */
static char *pool_path; /* tmp/pool, the pool's target */
static PoolDef *pool;
static const Backend *B;

/* ---- Set-up ------------------------------------------------------------------------------ */

static PoolDef *pool_parse(const char *path, const char *target_extra, const char *extra) {
        _cleanup_free_ char *xml = xasprintf("<pool type='dir'><name>test</name>%s"
                                             "<target><path>%s</path>%s</target></pool>",
                                             extra, path, target_extra);
        Error err = ERROR_INIT;
        PoolDef *def = NULL;

        if (pool_def_parse_string(xml, strlen(xml), &def, &err) < 0)
                fail_msg("cannot parse %s: %s", xml, err.message);
        return def;
}

static int setup(void **state) {
        tmp = test_mkdtemp();
        pool_path = path_join(tmp, "pool");
        if (mkdir(pool_path, 0755) < 0)
                return -1;
        pool = pool_parse(pool_path, "", "");
        B = backend_for(POOL_DIR);
        return B ? 0 : -1;
}

static int teardown(void **state) {
        dir_scan_set_split_min(0);
        test_rm_rf(tmp);
        free(tmp);
        free(pool_path);
        pool_def_free(pool);
        return 0;
}

_printf_(1, 2) static VolDef *vol_parse(const char *fmt, ...) {
        _cleanup_free_ char *xml = NULL;
        Error err = ERROR_INIT;
        VolDef *v = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&xml, fmt, ap) < 0)
                oom();
        va_end(ap);
        if (vol_def_parse_string(xml, strlen(xml), POOL_DIR, VOL_PARSE_OPT_CAPACITY, &v, &err) < 0)
                fail_msg("cannot parse %s: %s", xml, err.message);
        return v;
}

/* A volume as an existing one is named (delete, resize, wipe): the name is all that counts. */
static VolDef *vol_named(const char *name) {
        VolDef *v = vol_def_new();

        v->name = xstrdup(name);
        v->target.path = path_join(pool_path, name);
        return v;
}

static char *in_pool(const char *name) {
        return path_join(pool_path, name);
}

static void write_at(const char *path, const void *data, size_t len, off_t offset) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

        if (fd < 0)
                fail_msg("open(%s): %m", path);
        if (pwrite(fd, data, len, offset) != (ssize_t) len)
                fail_msg("pwrite(%s): %m", path);
        close(fd);
}

static void make_sparse(const char *path, off_t size) {
        int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

        if (fd < 0 || ftruncate(fd, size) < 0)
                fail_msg("sparse file %s: %m", path);
        close(fd);
}

static void fill_pattern(char *buf, size_t len, unsigned seed) {
        for (size_t i = 0; i < len; i++)
                buf[i] = (char) ((i * 131 + seed * 7 + (i >> 9)) % 251 + 1);
}

static struct stat stat_of(const char *path) {
        struct stat st;

        if (lstat(path, &st) < 0)
                fail_msg("lstat(%s): %m", path);
        return st;
}

static bool startswith_path(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0 && s[strlen(prefix)] == '/';
}

static bool exists(const char *path) {
        struct stat st;

        return lstat(path, &st) == 0;
}

static bool file_is_zero(const char *path) {
        char buf[65536];
        ssize_t n;
        int fd = open(path, O_RDONLY | O_CLOEXEC);
        bool zero = true;

        if (fd < 0)
                fail_msg("open(%s): %m", path);
        while ((n = read(fd, buf, sizeof(buf))) > 0)
                for (ssize_t i = 0; i < n; i++)
                        zero = zero && buf[i] == 0;
        close(fd);
        return zero;
}

/* Whether the first len bytes of a and b are equal. */
static bool files_equal(const char *a, const char *b, off_t len) {
        int fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC);
        static char ba[65536], bb[65536];
        bool same = true;

        if (fa < 0 || fb < 0)
                fail_msg("open: %m");
        for (off_t at = 0; at < len && same; at += (off_t) sizeof(ba)) {
                size_t n = (size_t) (len - at < (off_t) sizeof(ba) ? len - at : (off_t) sizeof(ba));
                ssize_t ra = pread(fa, ba, n, at), rb = pread(fb, bb, n, at);

                same = ra == rb && ra >= 0 && memcmp(ba, bb, (size_t) ra) == 0;
        }
        close(fa);
        close(fb);
        return same;
}

/* A shell command run in the pool directory, quietly; its exit status. */
#define run(...) test_shell(pool_path, true, __VA_ARGS__)

static bool have(const char *tool) {
        return run("command -v %s", tool) == 0;
}

#define REQUIRE_QEMU_IMG()                                                                         \
        do {                                                                                       \
                if (!have("qemu-img")) {                                                           \
                        print_message("qemu-img is not installed, skipping\n");                    \
                        skip();                                                                    \
                }                                                                                  \
        } while (0)

/* Up to 30 times: qemu-img's LUKS key-slot benchmark fails now and then with "Unable to
 * get accurate CPU usage" where the CPU clock is coarse (about 1 run in 10 on this VM). */
static int qemu_img_retry(const char *cmd) {
        int r = -1;

        for (int i = 0; i < 30 && r != 0; i++)
                r = run("%s", cmd);
        return r;
}

#define QEMU_IMG(...)                                                                              \
        do {                                                                                       \
                REQUIRE_QEMU_IMG();                                                                \
                if (qemu_img_retry("qemu-img " __VA_ARGS__) != 0)                                  \
                        fail_msg("qemu-img " __VA_ARGS__);                                         \
        } while (0)

static const FoundVolume *find(const RefreshResult *r, const char *name) {
        for (size_t i = 0; i < r->n_vols; i++)
                if (streq(r->vols[i].def->name, name))
                        return &r->vols[i];
        return NULL;
}

static bool has_warning(const RefreshResult *r, const char *needle) {
        for (size_t i = 0; i < r->n_warnings; i++)
                if (strstr(r->warnings[i], needle))
                        return true;
        return false;
}

static void refresh_ok(RefreshResult *r) {
        _cleanup_error_ Error err = ERROR_INIT;

        *r = (RefreshResult){};
        if (B->refresh(pool, r, &err) < 0)
                fail_msg("refresh: %s", err.message);
}

static VolDef *vol_refresh_ok(const char *name) {
        _cleanup_error_ Error err = ERROR_INIT;
        FoundVolume f;

        if (B->vol_refresh(pool, name, &f, &err) < 0)
                fail_msg("vol_refresh(%s): %s", name, err.message);
        return f.def;
}

static VolDef *create_ok(VolDef *req, unsigned flags) {
        _cleanup_error_ Error err = ERROR_INIT;
        VolDef *ret = NULL;

        if (B->vol_create(pool, req, flags, &ret, &err) < 0)
                fail_msg("vol_create(%s): %s", req->name, err.message);
        vol_def_free(req);
        return ret;
}

/* Runs op, expecting it to fail with r and a message containing needle. */
#define assert_fails(call, r, needle)                                                              \
        do {                                                                                       \
                _cleanup_error_ Error err = ERROR_INIT;                                            \
                assert_int_equal((call), (r));                                                     \
                assert_contains(err.message, (needle));                                            \
        } while (0)

/* Whether this directory's file system can share extents (btrfs, xfs with reflink). */
static bool fs_supports_reflink(void) {
        _cleanup_free_ char *a = path_join(tmp, "reflink-a"), *b = path_join(tmp, "reflink-b");
        int fa, fb;
        bool ok;

        write_at(a, "x", 1, 0);
        fa = open(a, O_RDONLY | O_CLOEXEC);
        fb = open(b, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        ok = ioctl(fb, FICLONE, fa) == 0;
        close(fa);
        close(fb);
        unlink(a);
        unlink(b);
        return ok;
}

/* ---- The table --------------------------------------------------------------------------- */

static void test_backend_for_gives_dir_fs_and_disk_and_nothing_else_yet(void **state) {
        assert_non_null(backend_for(POOL_DIR));
        assert_int_equal(backend_for(POOL_DIR)->type, POOL_DIR);
        assert_non_null(backend_for(POOL_FS));
        assert_int_equal(backend_for(POOL_FS)->type, POOL_FS);
        assert_non_null(backend_for(POOL_DISK));
        assert_int_equal(backend_for(POOL_DISK)->type, POOL_DISK);
        for (int t = 0; t < _POOL_TYPE_MAX; t++)
                if (t != POOL_DIR && t != POOL_FS && t != POOL_DISK)
                        assert_null(backend_for((PoolType) t));
        assert_null(backend_for(_POOL_TYPE_MAX));
        assert_null(backend_for(_POOL_TYPE_INVALID));
}

static void test_wipe_algorithms_are_virsh_names(void **state) {
        static const char *const names[] = {"zero",    "nnsa",     "dod",       "bsi",
                                            "gutmann", "schneier", "pfitzner7", "pfitzner33",
                                            "random",  "trim"};

        assert_int_equal(ELEMENTSOF(names), _WIPE_ALGORITHM_MAX);
        for (int a = 0; a < _WIPE_ALGORITHM_MAX; a++) {
                assert_string_equal(wipe_algorithm_to_string((WipeAlgorithm) a), names[a]);
                assert_int_equal(wipe_algorithm_from_string(names[a]), a);
        }
        assert_int_equal(wipe_algorithm_from_string("shred"), -EINVAL);
        assert_int_equal(wipe_algorithm_from_string(NULL), -EINVAL);
        assert_null(wipe_algorithm_to_string(_WIPE_ALGORITHM_MAX));
}

static void test_refresh_result_holds_many_volumes_and_frees_them(void **state) {
        RefreshResult r = {};
        struct stat st = {.st_size = 42};

        for (int i = 0; i < 5000; i++) {
                VolDef *v = vol_def_new();
                v->name = xasprintf("v%d", i);
                refresh_result_add(&r, v, &st);
        }
        refresh_result_warn(&r, "skipped %s", "x");
        refresh_result_warn(&r, "skipped %d", 2);
        assert_int_equal(r.n_vols, 5000);
        assert_string_equal(r.vols[4999].def->name, "v4999");
        assert_int_equal(r.vols[123].st.st_size, 42);
        assert_int_equal(r.n_warnings, 2);
        assert_string_equal(r.warnings[1], "skipped 2");
        refresh_result_done(&r);
        assert_null(r.vols);
        assert_int_equal(r.n_vols, 0);
        assert_null(r.warnings);
}

/* ---- Pool lifecycle ---------------------------------------------------------------------- */

static void test_build_creates_parents_and_the_target_0711_whatever_the_umask(void **state) {
        _cleanup_free_ char *target = path_join(tmp, "a/b/new"), *parent = path_join(tmp, "a/b");
        _cleanup_(pool_def_freep) PoolDef *def = pool_parse(target, "", "");
        _cleanup_error_ Error err = ERROR_INIT;
        mode_t old = umask(0077);

        assert_int_equal(B->build(def, 0, &err), 0);
        umask(old);
        assert_true(S_ISDIR(stat_of(target).st_mode));
        assert_int_equal(stat_of(target).st_mode & 07777, 0711);
        assert_true(S_ISDIR(stat_of(parent).st_mode));
        /* Building again is fine: the directory is there. */
        assert_int_equal(B->build(def, 0, &err), 0);
        assert_int_equal(stat_of(target).st_mode & 07777, 0711);
}

static void test_build_applies_permissions_from_the_definition(void **state) {
        _cleanup_free_ char *target = path_join(tmp, "perm");
        _cleanup_(pool_def_freep) PoolDef *def =
                pool_parse(target,
                           "<permissions><mode>0750</mode><owner>1234</owner><group>5678</group></"
                           "permissions>",
                           "");
        _cleanup_error_ Error err = ERROR_INIT;
        mode_t old = umask(0777);
        struct stat st;

        if (geteuid() != 0) {
                umask(old);
                print_message("not root: cannot chown, skipping\n");
                skip();
        }
        assert_int_equal(B->build(def, 0, &err), 0);
        umask(old);
        st = stat_of(target);
        assert_int_equal(st.st_mode & 07777, 0750);
        assert_int_equal(st.st_uid, 1234);
        assert_int_equal(st.st_gid, 5678);
}

static void test_build_keeps_an_existing_directory_mode_unless_one_is_given(void **state) {
        _cleanup_free_ char *target = path_join(tmp, "old");
        _cleanup_(pool_def_freep) PoolDef *plain = pool_parse(target, "", "");
        _cleanup_(pool_def_freep) PoolDef *moded =
                pool_parse(target, "<permissions><mode>0700</mode></permissions>", "");
        _cleanup_error_ Error err = ERROR_INIT;

        assert_int_equal(mkdir(target, 0755), 0);
        chmod(target, 0755);
        assert_int_equal(B->build(plain, 0, &err), 0);
        assert_int_equal(stat_of(target).st_mode & 07777, 0755);
        assert_int_equal(B->build(moded, 0, &err), 0);
        assert_int_equal(stat_of(target).st_mode & 07777, 0700);
}

static void test_build_with_overwrite_flags_wants_a_source_device(void **state) {
        _cleanup_free_ char *target = path_join(tmp, "fmt");
        _cleanup_(pool_def_freep) PoolDef *def = pool_parse(target, "", "");

        assert_fails(B->build(def, BUILD_OVERWRITE, &err), -EINVAL,
                     "No source device specified when formatting pool");
        assert_fails(B->build(def, BUILD_NO_OVERWRITE, &err), -EINVAL,
                     "No source device specified when formatting pool");
        assert_false(exists(target));
}

static void test_build_asking_for_cow_off_btrfs_fails_and_leaves_nothing(void **state) {
        _cleanup_free_ char *target = path_join(tmp, "cow");
        _cleanup_(pool_def_freep) PoolDef *def =
                pool_parse(target, "", "<features><cow state='no'/></features>");
        struct statfs sfs;

        assert_int_equal(statfs(tmp, &sfs), 0);
        if (sfs.f_type == 0x9123683E /* BTRFS_SUPER_MAGIC */) {
                print_message("%s is on btrfs, skipping\n", tmp);
                skip();
        }
        assert_fails(B->build(def, 0, &err), -EOPNOTSUPP, "not btrfs");
        assert_false(exists(target));
}

static void test_check_and_start_of_a_missing_directory(void **state) {
        _cleanup_free_ char *target = path_join(tmp, "missing");
        _cleanup_free_ char *expect =
                xasprintf("cannot open directory '%s': No such file or directory", target);
        _cleanup_(pool_def_freep) PoolDef *def = pool_parse(target, "", "");
        _cleanup_error_ Error err = ERROR_INIT;

        assert_int_equal(B->check(def, &err), 0);
        assert_null(err.message);
        assert_int_equal(B->start(def, &err), -ENOENT);
        assert_string_equal(err.message, expect);
}

static void test_check_start_and_stop_of_a_present_directory(void **state) {
        _cleanup_error_ Error err = ERROR_INIT;

        assert_int_equal(B->check(pool, &err), 1);
        assert_int_equal(B->start(pool, &err), 0);
        assert_int_equal(B->stop(pool, &err), 0);
        assert_true(exists(pool_path));
}

static void test_check_of_a_file_in_place_of_the_directory_is_inactive(void **state) {
        _cleanup_free_ char *target = path_join(tmp, "file");
        _cleanup_(pool_def_freep) PoolDef *def = pool_parse(target, "", "");
        _cleanup_error_ Error err = ERROR_INIT;

        test_write_file(tmp, "file", "x");
        assert_int_equal(B->check(def, &err), 0);
}

static void test_delete_refuses_a_non_empty_directory_then_removes_an_empty_one(void **state) {
        _cleanup_free_ char *vol = in_pool("disk.img");

        test_write_file(pool_path, "disk.img", "data");
        assert_fails(B->delete (pool, &err), -ENOTEMPTY, "Directory not empty");
        assert_true(exists(vol));
        assert_int_equal(unlink(vol), 0);
        assert_int_equal(B->delete (pool, NULL), 0);
        assert_false(exists(pool_path));
        /* Already gone is deleted. */
        assert_int_equal(B->delete (pool, NULL), 0);
}

static void test_dependencies_watch_the_target_directory(void **state) {
        PoolDeps d = {};

        assert_int_equal(B->dependencies(pool, &d), 0);
        assert_string_equal(d.watch_dir, pool_path);
        assert_false(d.poll_dir);
        pool_deps_done(&d);
        assert_null(d.watch_dir);
}

/* ---- Refresh ----------------------------------------------------------------------------- */

static void test_refresh_lists_files_with_sizes_key_path_and_permissions(void **state) {
        _cleanup_free_ char *data = in_pool("data.img"), *sparse = in_pool("sparse.img");
        _cleanup_(refresh_result_done) RefreshResult r = {};
        const FoundVolume *f;
        char buf[10000];

        memset(buf, 'x', sizeof(buf));
        write_at(data, buf, sizeof(buf), 0);
        chmod(data, 0640);
        make_sparse(sparse, (off_t) GiB);
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 2);
        assert_int_equal(r.n_warnings, 0);

        f = find(&r, "data.img");
        assert_non_null(f);
        assert_int_equal(f->def->type, VOL_FILE);
        assert_int_equal(f->def->target.format, VOL_FILE_RAW);
        assert_string_equal(f->def->target.path, data);
        assert_string_equal(f->def->key, data);
        /* one string for path, key and name (the path's tail): 100,000 volumes a pool */
        assert_ptr_equal(f->def->key, f->def->target.path);
        assert_true(f->def->name_in_path);
        assert_ptr_equal(f->def->name, f->def->target.path + strlen(data) - strlen("data.img"));
        assert_int_equal(f->def->capacity, 10000);
        assert_int_equal(f->def->physical, 10000);
        assert_int_equal(f->def->allocation, (uint64_t) f->st.st_blocks * 512);
        assert_true(f->def->allocation >= 10000);
        assert_int_equal(f->def->target.perms.mode, 0640);
        assert_int_equal(f->def->target.perms.uid, geteuid());
        assert_int_equal(f->def->target.perms.gid, getegid());
        assert_int_equal(f->st.st_ino, stat_of(data).st_ino);

        f = find(&r, "sparse.img");
        assert_non_null(f);
        assert_int_equal(f->def->capacity, GiB);
        assert_int_equal(f->def->allocation, 0);

        assert_true(r.sizes.capacity > 0);
        assert_true(r.sizes.available > 0);
        assert_int_equal(r.sizes.allocation, r.sizes.capacity - r.sizes.available);
}

/* ---- Refresh with known files ------------------------------------------------------------ */

static void refresh_known_ok(RefreshResult *r, const KnownFiles *known) {
        _cleanup_error_ Error err = ERROR_INIT;

        *r = (RefreshResult){.known = known};
        if (B->refresh(pool, r, &err) < 0)
                fail_msg("refresh: %s", err.message);
}

/* The facts of path (of what it points to, as a refresh records them). */
static VolumeStat facts_of(const char *path) {
        struct stat st;

        if (stat(path, &st) < 0)
                fail_msg("stat(%s): %m", path);
        return volume_stat_from_stat(&st);
}

static void known_add_facts(KnownFiles *known, const char *name, const char *path) {
        VolumeStat st = facts_of(path);

        known_files_add(known, name, &st);
}

static const UnchangedFile *find_unchanged(const RefreshResult *r, const char *name) {
        for (size_t i = 0; i < r->n_unchanged; i++)
                if (streq(r->unchanged[i].name, name))
                        return &r->unchanged[i];
        return NULL;
}

/* Opens of the pool's entries, seen by inotify: a refresh that opens no file sends no event
 * for it (fstatat() sends none). */
static int watch_opens(void) {
        int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

        if (fd < 0 || inotify_add_watch(fd, pool_path, IN_OPEN) < 0)
                fail_msg("inotify: %m");
        return fd;
}

static bool was_opened(int fd, const char *name) {
        static char buf[65536] __attribute__((aligned(__alignof__(struct inotify_event))));
        static size_t len;
        static int from = -1;

        if (from != fd) {
                ssize_t n = read(fd, buf, sizeof(buf));
                len = n > 0 ? (size_t) n : 0;
                from = fd;
        }
        for (size_t i = 0; i < len;) {
                const struct inotify_event *e = (const struct inotify_event *) (buf + i);

                if (e->len > 0 && streq(e->name, name))
                        return true;
                i += sizeof(*e) + e->len;
        }
        return false;
}

static void
test_refresh_with_known_files_opens_only_new_and_changed_files_and_forgets_removed_ones(
        void **state) {
        _cleanup_free_ char *same = in_pool("same.img"), *grown = in_pool("grown.img");
        _cleanup_free_ char *touched = in_pool("touched.img"), *gone = in_pool("gone.img");
        _cleanup_free_ char *added = in_pool("added.img");
        _cleanup_(known_files_done) KnownFiles known = {};
        _cleanup_(refresh_result_done) RefreshResult r = {};
        _cleanup_close_ int opens = -1;
        const FoundVolume *f;

        write_at(same, "same", 4, 0);
        write_at(grown, "grown", 5, 0);
        write_at(touched, "touched", 7, 0);
        write_at(gone, "gone", 4, 0);
        known_files_init(&known, 4, 64);
        known_add_facts(&known, "same.img", same);
        known_add_facts(&known, "grown.img", grown);
        known_add_facts(&known, "touched.img", touched);
        known_add_facts(&known, "gone.img", gone);

        write_at(grown, "more", 4, 5);
        assert_int_equal(utimensat(AT_FDCWD, touched,
                                   (struct timespec[]){{.tv_nsec = UTIME_OMIT}, {.tv_sec = 1000}},
                                   0),
                         0);
        assert_int_equal(unlink(gone), 0);
        write_at(added, "added", 5, 0);

        opens = watch_opens();
        refresh_known_ok(&r, &known);

        assert_int_equal(r.n_unchanged, 1);
        assert_non_null(find_unchanged(&r, "same.img"));
        /* the name is the snapshot's, borrowed */
        assert_ptr_equal(find_unchanged(&r, "same.img")->name,
                         known_files_get(&known, "same.img")->name);
        assert_null(find(&r, "same.img"));
        assert_false(was_opened(opens, "same.img"));

        assert_int_equal(r.n_vols, 3);
        f = find(&r, "grown.img");
        assert_non_null(f);
        assert_int_equal(f->def->capacity, 9);
        assert_true(was_opened(opens, "grown.img"));
        f = find(&r, "touched.img");
        assert_non_null(f);
        assert_int_equal(f->def->target.timestamps.mtime.tv_sec, 1000);
        assert_true(was_opened(opens, "touched.img"));
        assert_non_null(find(&r, "added.img"));
        assert_true(was_opened(opens, "added.img"));
        assert_null(find(&r, "gone.img"));
        assert_null(find_unchanged(&r, "gone.img"));

        assert_true(r.sizes.capacity > 0);
        assert_true(r.has_target_st);
}

static void test_refresh_with_known_files_compares_a_symlink_by_the_file_it_points_to(
        void **state) {
        _cleanup_free_ char *target = path_join(tmp, "outside.img"), *link = in_pool("link.img");
        _cleanup_(known_files_done) KnownFiles known = {};
        _cleanup_(refresh_result_done) RefreshResult r = {}, again = {};

        write_at(target, "outside", 7, 0);
        assert_int_equal(symlink(target, link), 0);
        known_files_init(&known, 1, 16);
        known_add_facts(&known, "link.img", link);

        refresh_known_ok(&r, &known);
        assert_int_equal(r.n_vols, 0);
        assert_non_null(find_unchanged(&r, "link.img"));

        /* the file it points to grew: read again */
        write_at(target, "more", 4, 7);
        refresh_known_ok(&again, &known);
        assert_int_equal(again.n_unchanged, 0);
        assert_non_null(find(&again, "link.img"));
        assert_int_equal(find(&again, "link.img")->def->capacity, 11);
}

static void test_refresh_without_known_files_reads_every_file(void **state) {
        _cleanup_(refresh_result_done) RefreshResult r = {};

        test_write_file(pool_path, "a.img", "a");
        refresh_known_ok(&r, NULL);
        assert_int_equal(r.n_unchanged, 0);
        assert_non_null(find(&r, "a.img"));
}

static void
test_refresh_skips_fifo_socket_dangling_link_and_control_names_with_warnings(void **state) {
        _cleanup_free_ char *fifo = in_pool("fifo"), *sock = in_pool("sock");
        _cleanup_free_ char *dangling = in_pool("dangling");
        _cleanup_(refresh_result_done) RefreshResult r = {};
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd;

        test_write_file(pool_path, "good.img", "x");
        assert_int_equal(mkfifo(fifo, 0600), 0);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", sock);
        assert_int_equal(bind(fd, (struct sockaddr *) &sa, sizeof(sa)), 0);
        assert_int_equal(symlink("/nonexistent/target", dangling), 0);
        test_write_file(pool_path, "bad\001name", "x");

        refresh_ok(&r);
        close(fd);
        assert_int_equal(r.n_vols, 1);
        assert_non_null(find(&r, "good.img"));
        assert_int_equal(r.n_warnings, 4);
        assert_true(has_warning(&r, "ignoring FIFO"));
        assert_true(has_warning(&r, "ignoring socket"));
        assert_true(has_warning(&r, "ignoring dangling symlink"));
        assert_true(has_warning(&r, "with control characters"));
        /* The control character is shown escaped, never raw. */
        assert_true(has_warning(&r, "bad\\x01name"));
}

static void test_refresh_lists_a_newline_named_file(void **state) {
        _cleanup_(refresh_result_done) RefreshResult r = {};

        test_write_file(pool_path, "bad\nname", "x");
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 1);
        assert_string_equal(r.vols[0].def->name, "bad\nname");
        assert_int_equal(r.n_warnings, 0);
}

static void test_refresh_lists_a_subdirectory_as_a_dir_volume(void **state) {
        _cleanup_free_ char *sub = in_pool("subdir");
        _cleanup_(refresh_result_done) RefreshResult r = {};

        assert_int_equal(mkdir(sub, 0755), 0);
        test_write_file(sub, "inside", "not a volume of the pool");
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 1);
        assert_string_equal(r.vols[0].def->name, "subdir");
        assert_int_equal(r.vols[0].def->type, VOL_DIR);
        assert_int_equal(r.vols[0].def->target.format, VOL_FILE_DIR);
        assert_int_equal(r.vols[0].def->capacity, 0);
        assert_int_equal(r.vols[0].def->allocation, 0);
}

static void test_refresh_lists_a_ploop_directory_as_ploop(void **state) {
        _cleanup_free_ char *dir = in_pool("vm.ploop"), *hds = NULL;
        _cleanup_(refresh_result_done) RefreshResult r = {};

        assert_int_equal(mkdir(dir, 0755), 0);
        test_write_file(dir, "DiskDescriptor.xml", "<Parallels_disk_image/>");
        hds = path_join(dir, "root.hds");
        write_at(hds, "data", 4, 8191);
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 1);
        assert_int_equal(r.vols[0].def->type, VOL_PLOOP);
        assert_int_equal(r.vols[0].def->target.format, VOL_FILE_PLOOP);
        assert_int_equal(r.vols[0].def->capacity, 8195);
}

static void test_refresh_reads_qcow2_virtual_size_and_backing_store(void **state) {
        _cleanup_free_ char *base = in_pool("base.raw"), *orphan_backing = in_pool("gone.qcow2");
        _cleanup_(refresh_result_done) RefreshResult r = {};
        const FoundVolume *f;

        QEMU_IMG("create -f raw base.raw 1M");
        QEMU_IMG("create -f qcow2 -o compat=0.10 -b base.raw -F raw child.qcow2 64M");
        QEMU_IMG("create -f qcow2 -o compat=1.1,lazy_refcounts=on,cluster_size=128k lazy.qcow2 1G");
        QEMU_IMG("create -f qcow2 -u -b gone.qcow2 -F qcow2 orphan.qcow2 2M");
        QEMU_IMG("create -f qcow2 -u -b nbd://example.org/x -F raw net.qcow2 2M");
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 5);
        assert_int_equal(r.n_warnings, 0);

        f = find(&r, "child.qcow2");
        assert_int_equal(f->def->target.format, VOL_FILE_QCOW2);
        assert_int_equal(f->def->capacity, 64 * MiB);
        assert_int_equal(f->def->physical, (uint64_t) f->st.st_size);
        assert_null(f->def->target.compat);
        assert_int_equal(f->def->target.cluster_size, 65536);
        assert_non_null(f->def->backing);
        assert_string_equal(f->def->backing->path, base);
        assert_int_equal(f->def->backing->format, VOL_FILE_RAW);

        f = find(&r, "lazy.qcow2");
        assert_int_equal(f->def->capacity, GiB);
        assert_string_equal(f->def->target.compat, "1.1");
        assert_int_equal(f->def->target.cluster_size, 128 * KiB);
        assert_true(f->def->target.has_features);
        assert_int_equal(f->def->target.features, 1u << VOL_FEATURE_LAZY_REFCOUNTS);
        assert_null(f->def->backing);

        /* A missing backing file is no error: its path and format are reported. */
        f = find(&r, "orphan.qcow2");
        assert_string_equal(f->def->backing->path, orphan_backing);
        assert_int_equal(f->def->backing->format, VOL_FILE_QCOW2);

        /* A network backing name is kept as it is. */
        f = find(&r, "net.qcow2");
        assert_string_equal(f->def->backing->path, "nbd://example.org/x");
        assert_int_equal(f->def->backing->format, VOL_FILE_RAW);

        assert_int_equal(find(&r, "base.raw")->def->target.format, VOL_FILE_RAW);
}

/* libvirt stats a backing file that exists and prints its mode, owner, group and timestamps
 * in <backingStore>; a missing one has its path and format only. */
static void test_refresh_reports_permissions_and_timestamps_of_a_backing_file(void **state) {
        _cleanup_free_ char *base = in_pool("base.raw");
        const struct timespec times[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
        _cleanup_(refresh_result_done) RefreshResult r = {};
        const VolTarget *b;

        QEMU_IMG("create -f raw base.raw 1M");
        QEMU_IMG("create -f qcow2 -b base.raw -F raw child.qcow2 4M");
        QEMU_IMG("create -f qcow2 -u -b gone.raw -F raw orphan.qcow2 2M");
        assert_int_equal(chmod(base, 0640), 0);
        assert_int_equal(utimensat(AT_FDCWD, base, times, 0), 0);
        refresh_ok(&r);

        b = find(&r, "child.qcow2")->def->backing;
        assert_non_null(b);
        assert_int_equal(b->perms.mode, 0640);
        assert_int_equal(b->perms.uid, getuid());
        assert_int_equal(b->perms.gid, getgid());
        assert_true(b->has_timestamps);
        assert_int_equal(b->timestamps.atime.tv_sec, 1000000000);
        assert_int_equal(b->timestamps.atime.tv_nsec, 123456789);
        assert_int_equal(b->timestamps.mtime.tv_sec, 1100000000);
        assert_int_equal(b->timestamps.mtime.tv_nsec, 987654321);
        assert_int_equal(b->timestamps.btime.tv_sec, 0);
        assert_int_equal(b->timestamps.btime.tv_nsec, 0);

        b = find(&r, "orphan.qcow2")->def->backing;
        assert_non_null(b);
        assert_int_equal(b->perms.mode, (mode_t) -1);
        assert_false(b->has_timestamps);
}

/* libvirt reports a file with a LUKS header as raw with <encryption format='luks'> (LUKS is
 * no volume format of its own), its capacity without the header. */
static void test_refresh_reports_a_luks_file_as_raw_with_luks_encryption(void **state) {
        _cleanup_(refresh_result_done) RefreshResult r = {};
        const FoundVolume *f;

        QEMU_IMG("create -q -f luks --object secret,id=s0,data=secret -o key-secret=s0,"
                 "iter-time=10 enc.luks 4M");
        refresh_ok(&r);
        f = find(&r, "enc.luks");
        assert_non_null(f);
        assert_int_equal(f->def->target.format, VOL_FILE_RAW);
        assert_non_null(f->def->target.encryption);
        assert_int_equal(f->def->target.encryption->format, ENCRYPTION_LUKS);
        assert_int_equal(f->def->capacity, 4 * MiB);
        assert_true(f->def->physical > 4 * MiB);
}

/* A qcow2 v2 header naming a backing file without saying its format: the backing file's
 * format is probed, as libvirt does. */
static void write_qcow2_v2_header(const char *path, const char *backing) {
        uint8_t h[512] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 2};
        size_t len = strlen(backing);

        h[15] = 72;            /* backing_file_offset */
        h[19] = (uint8_t) len; /* backing_file_size */
        h[23] = 16;            /* cluster_bits */
        h[29] = 0x10;          /* size: 1 MiB */
        memcpy(h + 72, backing, len);
        write_at(path, h, sizeof(h), 0);
}

static void
test_refresh_probes_the_format_of_a_backing_file_the_header_does_not_name(void **state) {
        _cleanup_free_ char *top = in_pool("top.qcow2");
        _cleanup_(refresh_result_done) RefreshResult r = {};
        const FoundVolume *f;

        QEMU_IMG("create -f qcow2 base.qcow2 1M");
        write_qcow2_v2_header(top, "base.qcow2");
        refresh_ok(&r);
        f = find(&r, "top.qcow2");
        assert_non_null(f);
        assert_int_equal(f->def->target.format, VOL_FILE_QCOW2);
        assert_non_null(f->def->backing);
        assert_int_equal(f->def->backing->format, VOL_FILE_QCOW2);
}

static void test_refresh_lists_a_hostile_header_as_raw_with_a_warning(void **state) {
        _cleanup_free_ char *evil = in_pool("evil.qcow2");
        _cleanup_(refresh_result_done) RefreshResult r = {};
        uint8_t h[512] = {'Q', 'F', 'I', 0xfb, 0, 0, 0, 2};
        const FoundVolume *f;

        /* A backing name far beyond the end of the file. */
        h[8] = 0x7f;
        h[19] = 200;
        h[23] = 16;
        h[29] = 0x10;
        write_at(evil, h, sizeof(h), 0);
        test_write_file(pool_path, "fine.img", "x");
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 2);
        f = find(&r, "evil.qcow2");
        assert_non_null(f);
        assert_int_equal(f->def->target.format, VOL_FILE_RAW);
        assert_int_equal(f->def->capacity, 512);
        assert_null(f->def->backing);
        assert_int_equal(r.n_warnings, 1);
        assert_true(has_warning(&r, "evil.qcow2"));
        assert_true(has_warning(&r, "as raw"));
}

/* A block device that can be opened here (loop devices usually can). */
static const char *find_block_device(void) {
        static const char *const candidates[] = {"/dev/loop0", "/dev/loop1", "/dev/zram0",
                                                 "/dev/ram0"};

        for (size_t i = 0; i < ELEMENTSOF(candidates); i++) {
                struct stat st;
                int fd;

                if (stat(candidates[i], &st) < 0 || !S_ISBLK(st.st_mode))
                        continue;
                fd = open(candidates[i], O_RDONLY | O_NONBLOCK | O_CLOEXEC);
                if (fd < 0)
                        continue;
                close(fd);
                return candidates[i];
        }
        return NULL;
}

static void test_refresh_lists_a_symlink_to_a_block_device_as_block(void **state) {
        _cleanup_free_ char *link = in_pool("disk");
        _cleanup_(refresh_result_done) RefreshResult r = {};
        const char *dev = find_block_device();
        int fd;
        off_t size;

        if (!dev) {
                print_message("no block device can be opened here, skipping\n");
                skip();
        }
        fd = open(dev, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        size = lseek(fd, 0, SEEK_END);
        close(fd);
        assert_int_equal(symlink(dev, link), 0);
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 1);
        assert_int_equal(r.vols[0].def->type, VOL_BLOCK);
        assert_string_equal(r.vols[0].def->key, link); /* the link's path, not resolved */
        assert_int_equal(r.vols[0].def->capacity, (uint64_t) size);
        assert_int_equal(r.vols[0].def->allocation, (uint64_t) size);
}

static void test_refresh_reports_nanosecond_timestamps_and_leaves_atime_alone(void **state) {
        _cleanup_free_ char *file = in_pool("t.img");
        const struct timespec times[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
        _cleanup_(refresh_result_done) RefreshResult r = {};
        const VolTimestamps *t;

        test_write_file(pool_path, "t.img", "some bytes");
        assert_int_equal(utimensat(AT_FDCWD, file, times, 0), 0);
        refresh_ok(&r);
        assert_true(r.vols[0].def->target.has_timestamps);
        t = &r.vols[0].def->target.timestamps;
        assert_int_equal(t->atime.tv_sec, 1000000000);
        assert_int_equal(t->atime.tv_nsec, 123456789);
        assert_int_equal(t->mtime.tv_sec, 1100000000);
        assert_int_equal(t->mtime.tv_nsec, 987654321);
        assert_true(t->ctime.tv_sec > 0);
        /* A birth time of 0, as libvirt 9.0 prints it on Linux, whatever the file system. */
        assert_int_equal(t->btime.tv_sec, 0);
        assert_int_equal(t->btime.tv_nsec, 0);
        /* Probing read the file, and its atime did not move. */
        assert_int_equal(stat_of(file).st_atim.tv_nsec, 123456789);
}

static void test_refresh_follows_a_target_that_is_a_symlink(void **state) {
        _cleanup_free_ char *link = path_join(tmp, "images");
        _cleanup_(pool_def_freep) PoolDef *def = pool_parse(link, "", "");
        _cleanup_(refresh_result_done) RefreshResult r = {};
        _cleanup_error_ Error err = ERROR_INIT;

        test_write_file(pool_path, "a.img", "x");
        assert_int_equal(symlink(pool_path, link), 0);
        assert_int_equal(B->check(def, &err), 1);
        assert_int_equal(B->refresh(def, &r, &err), 0);
        assert_int_equal(r.n_vols, 1);
        assert_true(startswith_path(r.vols[0].def->key, link));
}

static void test_refresh_lists_a_symlinked_file_under_the_link_path(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "elsewhere.img"), *link = in_pool("l.img");
        _cleanup_(refresh_result_done) RefreshResult r = {};

        test_write_file(tmp, "elsewhere.img", "12345");
        assert_int_equal(symlink(outside, link), 0);
        refresh_ok(&r);
        assert_int_equal(r.n_vols, 1);
        assert_string_equal(r.vols[0].def->key, link);
        assert_string_equal(r.vols[0].def->target.path, link);
        assert_int_equal(r.vols[0].def->capacity, 5);
}

static void test_refresh_of_a_missing_target_fails_as_libvirt_does(void **state) {
        _cleanup_free_ char *expect =
                xasprintf("cannot open directory '%s': No such file or directory", pool_path);
        RefreshResult r = {};

        assert_int_equal(rmdir(pool_path), 0);
        assert_fails(B->refresh(pool, &r, &err), -ENOENT, expect);
        assert_int_equal(r.n_vols, 0);
}

static void test_refresh_of_many_files(void **state) {
        _cleanup_(refresh_result_done) RefreshResult r = {};
        enum { N = 10000 };

        for (int i = 0; i < N; i++) {
                char name[32];

                snprintf(name, sizeof(name), "vol-%05d.img", i);
                test_write_file(pool_path, name, "");
        }
        refresh_ok(&r);
        assert_int_equal(r.n_vols, N);
        assert_int_equal(r.n_warnings, 0);
        assert_non_null(find(&r, "vol-09999.img"));
}

/* ---- Refresh of a large directory on two threads ------------------------------------------ */

enum { SPLIT_FILES = 5000, SPLIT_QCOW2 = 5 };

/* SPLIT_FILES volumes, enough for the two-thread scan: empty-to-small raw files, a few
 * copies of one qcow2 with a backing file (its facts read from each slice), and two entries
 * to skip with warnings. */
static void make_split_pool(void) {
        _cleanup_free_ char *fifo = in_pool("fifo"), *dangling = in_pool("dangling");
        static const char sizes[] = "0123456"; /* file i holds its tail from i % 8: 7..0 bytes */

        QEMU_IMG("create -f raw base.raw 1M");
        QEMU_IMG("create -f qcow2 -b base.raw -F raw child.qcow2 64M");
        for (int i = 1; i < SPLIT_QCOW2; i++)
                if (run("cp child.qcow2 child-%d.qcow2", i) != 0)
                        fail_msg("cp child.qcow2");
        for (int i = 0; i < SPLIT_FILES - SPLIT_QCOW2 - 1; i++) {
                char name[32];

                snprintf(name, sizeof(name), "vol-%05d.img", i);
                test_write_file(pool_path, name, sizes + i % 8);
        }
        assert_int_equal(mkfifo(fifo, 0600), 0);
        assert_int_equal(symlink("/nonexistent/target", dangling), 0);
}

static void refresh_split_ok(RefreshResult *r, const KnownFiles *known, bool split) {
        dir_scan_set_split_min(split ? 0 : SIZE_MAX);
        refresh_known_ok(r, known);
        dir_scan_set_split_min(0);
}

/* Same volumes, sizes, formats, files, unchanged names and warnings, in the same order. */
static void assert_same_refresh(const RefreshResult *a, const RefreshResult *b) {
        assert_int_equal(a->n_vols, b->n_vols);
        for (size_t i = 0; i < a->n_vols; i++) {
                const VolDef *x = a->vols[i].def, *y = b->vols[i].def;

                assert_string_equal(x->name, y->name);
                assert_string_equal(x->target.path, y->target.path);
                assert_int_equal(x->type, y->type);
                assert_int_equal(x->target.format, y->target.format);
                assert_int_equal(x->capacity, y->capacity);
                assert_int_equal(x->allocation, y->allocation);
                assert_int_equal(x->physical, y->physical);
                assert_int_equal(a->vols[i].st.st_ino, b->vols[i].st.st_ino);
                assert_int_equal(!x->backing, !y->backing);
                if (x->backing)
                        assert_string_equal(x->backing->path, y->backing->path);
        }
        assert_int_equal(a->n_unchanged, b->n_unchanged);
        for (size_t i = 0; i < a->n_unchanged; i++)
                assert_string_equal(a->unchanged[i].name, b->unchanged[i].name);
        assert_int_equal(a->n_warnings, b->n_warnings);
        for (size_t i = 0; i < a->n_warnings; i++)
                assert_string_equal(a->warnings[i], b->warnings[i]);
}

static size_t count_format(const RefreshResult *r, int format) {
        size_t n = 0;

        for (size_t i = 0; i < r->n_vols; i++)
                n += r->vols[i].def->target.format == format;
        return n;
}

static void
test_refresh_of_a_large_directory_on_two_threads_lists_what_one_thread_lists(void **state) {
        _cleanup_(refresh_result_done) RefreshResult one = {}, two = {};

        make_split_pool();
        refresh_split_ok(&one, NULL, false);
        refresh_split_ok(&two, NULL, true);
        assert_int_equal(one.n_vols, SPLIT_FILES);
        assert_int_equal(count_format(&one, VOL_FILE_QCOW2), SPLIT_QCOW2);
        assert_int_equal(find(&one, "child-3.qcow2")->def->capacity, 64 * MiB);
        assert_int_equal(find(&one, "vol-00003.img")->def->capacity, 4); /* "3456" */
        assert_int_equal(one.n_warnings, 2);
        assert_true(has_warning(&one, "ignoring FIFO"));
        assert_true(has_warning(&one, "ignoring dangling symlink"));
        assert_same_refresh(&one, &two);
}

static void
test_refresh_of_a_large_directory_on_two_threads_with_known_files_lists_what_one_thread_lists(
        void **state) {
        _cleanup_free_ char *grown = in_pool("vol-00100.img"), *gone = in_pool("vol-04000.img");
        _cleanup_(refresh_result_done) RefreshResult first = {}, one = {}, two = {};
        _cleanup_(known_files_done) KnownFiles known = {};

        make_split_pool();
        refresh_split_ok(&first, NULL, false);
        known_files_init(&known, first.n_vols, first.n_vols * 32);
        for (size_t i = 0; i < first.n_vols; i++) {
                VolumeStat st = volume_stat_from_stat(&first.vols[i].st);

                /* As the daemon: a volume with a backing file is read every time. */
                if (!first.vols[i].def->backing)
                        known_files_add(&known, first.vols[i].def->name, &st);
        }
        write_at(grown, "more bytes", 10, 100);
        assert_int_equal(unlink(gone), 0);
        test_write_file(pool_path, "added.img", "new");

        refresh_split_ok(&one, &known, false);
        refresh_split_ok(&two, &known, true);
        /* The qcow2 copies, the grown file and the added one are read; the rest stands. */
        assert_int_equal(one.n_vols, SPLIT_QCOW2 + 2);
        assert_int_equal(one.n_unchanged, SPLIT_FILES - SPLIT_QCOW2 - 2);
        assert_int_equal(find(&one, "vol-00100.img")->def->capacity, 110);
        assert_non_null(find(&one, "added.img"));
        assert_null(find_unchanged(&one, "vol-04000.img"));
        assert_int_equal(one.n_warnings, 2);
        assert_same_refresh(&one, &two);
}

static void test_refresh_names_reports_created_changed_and_deleted_names(void **state) {
        _cleanup_free_ char *changed = in_pool("changed.img"), *gone = in_pool("gone.img");
        _cleanup_free_ char *fifo = in_pool("now-a-fifo");
        _cleanup_error_ Error err = ERROR_INIT;
        NamedRefresh names[] = {
                {.name = (char *) "new.img"},  {.name = (char *) "changed.img"},
                {.name = (char *) "gone.img"}, {.name = (char *) "now-a-fifo"},
                {.name = (char *) "../pool"},  {.name = (char *) "never-existed"},
        };
        PoolSizes sizes = {};

        test_write_file(pool_path, "changed.img", "1");
        test_write_file(pool_path, "gone.img", "1");
        test_write_file(pool_path, "now-a-fifo", "1");
        /* What inotify would report: */
        test_write_file(pool_path, "new.img", "new");
        write_at(changed, "grown", 5, 4096);
        assert_int_equal(unlink(gone), 0);
        assert_int_equal(unlink(fifo), 0);
        assert_int_equal(mkfifo(fifo, 0600), 0);

        assert_int_equal(B->refresh_names(pool, names, ELEMENTSOF(names), &sizes, &err), 0);
        assert_non_null(names[0].found.def);
        assert_int_equal(names[0].found.def->capacity, 3);
        assert_non_null(names[1].found.def);
        assert_int_equal(names[1].found.def->capacity, 4101);
        assert_int_equal(names[1].found.st.st_size, 4101);
        assert_null(names[2].found.def);
        assert_null(names[3].found.def);
        assert_null(names[4].found.def);
        assert_null(names[5].found.def);
        assert_true(sizes.capacity > 0);
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                vol_def_free(names[i].found.def);
}

static void test_vol_refresh_of_a_gone_volume_is_enoent(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = NULL;
        FoundVolume f;

        test_write_file(pool_path, "here.img", "x");
        v = vol_refresh_ok("here.img");
        assert_string_equal(v->name, "here.img");
        assert_fails(B->vol_refresh(pool, "gone.img", &f, &err), -ENOENT,
                     "no storage vol with matching name 'gone.img'");
        assert_null(f.def);
}

/* ---- Creating volumes -------------------------------------------------------------------- */

static void test_vol_create_raw_without_allocation_is_sparse(void **state) {
        _cleanup_free_ char *path = in_pool("sparse.img");
        _cleanup_(vol_def_freep) VolDef *v = create_ok(
                vol_parse("<volume><name>sparse.img</name><capacity unit='M'>64</capacity>"
                          "<allocation>0</allocation></volume>"),
                0);
        struct stat st = stat_of(path);

        assert_int_equal(st.st_size, 64 * MiB);
        assert_int_equal(st.st_blocks, 0);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_string_equal(v->name, "sparse.img");
        assert_string_equal(v->key, path);
        assert_string_equal(v->target.path, path);
        assert_int_equal(v->target.format, VOL_FILE_RAW);
        assert_int_equal(v->capacity, 64 * MiB);
        assert_int_equal(v->allocation, 0);
}

static void test_vol_create_raw_allocates_the_requested_bytes(void **state) {
        _cleanup_free_ char *path = in_pool("alloc.img");
        _cleanup_(vol_def_freep) VolDef *v =
                create_ok(vol_parse("<volume><name>alloc.img</name><capacity unit='M'>8</capacity>"
                                    "<allocation unit='M'>4</allocation></volume>"),
                          0);
        struct stat st = stat_of(path);

        assert_int_equal(st.st_size, 8 * MiB);
        assert_true((uint64_t) st.st_blocks * 512 >= 4 * MiB);
        assert_true((uint64_t) st.st_blocks * 512 < 8 * MiB);
        assert_int_equal(v->allocation, (uint64_t) st.st_blocks * 512);
}

static void test_vol_create_raw_is_fully_allocated_by_default_as_in_libvirt(void **state) {
        _cleanup_free_ char *path = in_pool("full.img");
        _cleanup_(vol_def_freep) VolDef *v = create_ok(
                vol_parse("<volume><name>full.img</name><capacity>1048576</capacity></volume>"), 0);

        assert_true((uint64_t) stat_of(path).st_blocks * 512 >= MiB);
        assert_true(file_is_zero(path));
}

static void test_vol_create_applies_mode_owner_and_group(void **state) {
        _cleanup_free_ char *path = in_pool("owned.img");
        _cleanup_(vol_def_freep) VolDef *v = NULL;
        struct stat st;

        if (geteuid() != 0) {
                print_message("not root: cannot chown, skipping\n");
                skip();
        }
        v = create_ok(vol_parse("<volume><name>owned.img</name><capacity>4096</capacity>"
                                "<target><permissions><mode>0640</mode><owner>1234</owner>"
                                "<group>4321</group></permissions></target></volume>"),
                      0);
        st = stat_of(path);
        assert_int_equal(st.st_mode & 07777, 0640);
        assert_int_equal(st.st_uid, 1234);
        assert_int_equal(st.st_gid, 4321);
        assert_int_equal(v->target.perms.uid, 1234);
}

static void test_vol_create_refuses_an_existing_name_and_leaves_it_alone(void **state) {
        _cleanup_free_ char *path = in_pool("taken.img");
        _cleanup_(vol_def_freep) VolDef *req =
                vol_parse("<volume><name>taken.img</name><capacity>4096</capacity></volume>");
        VolDef *ret = NULL;

        test_write_file(pool_path, "taken.img", "precious");
        assert_fails(B->vol_create(pool, req, 0, &ret, &err), -EEXIST,
                     "storage volume 'taken.img' exists already");
        assert_null(ret);
        assert_int_equal(stat_of(path).st_size, 8);
}

static void test_vol_create_refuses_a_symlink_in_the_way(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "outside.img"), *link = in_pool("link.img");
        _cleanup_(vol_def_freep) VolDef *req =
                vol_parse("<volume><name>link.img</name><capacity>4096</capacity></volume>");
        VolDef *ret = NULL;

        test_write_file(tmp, "outside.img", "precious");
        assert_int_equal(symlink(outside, link), 0);
        assert_fails(B->vol_create(pool, req, 0, &ret, &err), -EEXIST, "exists already");
        assert_int_equal(stat_of(outside).st_size, 8);
        assert_true(S_ISLNK(stat_of(link).st_mode));
}

static void test_vol_create_refuses_names_that_leave_the_pool(void **state) {
        static const char *const bad[] = {"../x", "a/b", "..", ".", "", "/abs", "c\nd"};
        _cleanup_free_ char *escaped = path_join(tmp, "x");

        for (size_t i = 0; i < ELEMENTSOF(bad); i++) {
                _cleanup_(vol_def_freep) VolDef *req = vol_named(bad[i]);
                VolDef *ret = NULL;

                req->capacity = 4096;
                req->target.format = VOL_FILE_RAW;
                assert_fails(B->vol_create(pool, req, 0, &ret, &err), -EINVAL,
                             "invalid volume name");
                assert_null(ret);
        }
        assert_false(exists(escaped));
}

static void test_vol_create_dir_makes_a_directory_volume(void **state) {
        _cleanup_free_ char *path = in_pool("d");
        _cleanup_(vol_def_freep) VolDef *v =
                create_ok(vol_parse("<volume><name>d</name><capacity>0</capacity>"
                                    "<target><format type='dir'/></target></volume>"),
                          0);

        assert_true(S_ISDIR(stat_of(path).st_mode));
        assert_int_equal(v->type, VOL_DIR);
        assert_int_equal(v->target.format, VOL_FILE_DIR);
}

static void test_vol_create_raw_refuses_backing_store_and_metadata_preallocation(void **state) {
        _cleanup_(vol_def_freep) VolDef *backed =
                vol_parse("<volume><name>r.img</name><capacity>4096</capacity>"
                          "<backingStore><path>/dev/null</path></backingStore></volume>");
        _cleanup_(vol_def_freep) VolDef *plain =
                vol_parse("<volume><name>r.img</name><capacity>4096</capacity></volume>");
        _cleanup_free_ char *path = in_pool("r.img");
        VolDef *ret = NULL;

        assert_fails(B->vol_create(pool, backed, 0, &ret, &err), -EOPNOTSUPP,
                     "backing storage not supported for raw volumes");
        assert_fails(B->vol_create(pool, plain, VOL_CREATE_PREALLOC_METADATA, &ret, &err),
                     -EOPNOTSUPP, "metadata preallocation is not supported for raw volumes");
        assert_false(exists(path));
}

static void test_vol_create_refuses_encrypted_volumes_for_now(void **state) {
        _cleanup_(vol_def_freep) VolDef *luks = vol_parse(
                "<volume><name>secret.img</name><capacity>1048576</capacity><target>"
                "<format type='raw'/><encryption format='luks'><secret type='passphrase' "
                "uuid='f52a81b2-424e-490c-823d-6bd4235bc572'/></encryption></target></volume>");
        _cleanup_free_ char *path = in_pool("secret.img");
        VolDef *ret = NULL;

        assert_fails(B->vol_create(pool, luks, 0, &ret, &err), -EOPNOTSUPP, "not supported yet");
        assert_false(exists(path));
}

static void test_vol_create_qcow2_with_a_relative_backing_store(void **state) {
        _cleanup_free_ char *path = in_pool("child.qcow2"), *base = in_pool("base.raw");
        _cleanup_(vol_def_freep) VolDef *v = NULL;

        QEMU_IMG("create -f raw base.raw 2M");
        v = create_ok(vol_parse("<volume><name>child.qcow2</name><capacity unit='M'>8</capacity>"
                                "<target><format type='qcow2'/></target><backingStore>"
                                "<path>base.raw</path><format type='raw'/></backingStore>"
                                "</volume>"),
                      0);
        assert_int_equal(v->target.format, VOL_FILE_QCOW2);
        assert_int_equal(v->capacity, 8 * MiB);
        assert_null(v->target.compat); /* libvirt's default: compat=0.10 */
        assert_non_null(v->backing);
        assert_string_equal(v->backing->path, base);
        assert_int_equal(v->backing->format, VOL_FILE_RAW);
        assert_int_equal(stat_of(path).st_mode & 07777, 0600);
}

static void test_vol_create_qcow2_takes_the_capacity_of_its_backing_store(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = NULL;

        QEMU_IMG("create -f qcow2 base.qcow2 3M");
        v = create_ok(vol_parse("<volume><name>overlay.qcow2</name>"
                                "<target><format type='qcow2'/></target><backingStore>"
                                "<path>base.qcow2</path><format type='qcow2'/></backingStore>"
                                "</volume>"),
                      0);
        assert_int_equal(v->capacity, 3 * MiB);
        assert_int_equal(v->backing->format, VOL_FILE_QCOW2);
}

static void test_vol_create_qcow2_with_compat_features_and_cluster_size(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = NULL;

        REQUIRE_QEMU_IMG();
        v = create_ok(vol_parse("<volume><name>v3.qcow2</name><capacity unit='G'>1</capacity>"
                                "<target><format type='qcow2'/><compat>1.1</compat>"
                                "<clusterSize unit='KiB'>128</clusterSize>"
                                "<features><lazy_refcounts/></features></target></volume>"),
                      VOL_CREATE_PREALLOC_METADATA);
        assert_string_equal(v->target.compat, "1.1");
        assert_int_equal(v->target.cluster_size, 128 * KiB);
        assert_int_equal(v->target.features, 1u << VOL_FEATURE_LAZY_REFCOUNTS);
        assert_int_equal(v->capacity, GiB);
}

static void test_vol_create_refuses_lazy_refcounts_with_compat_0_10(void **state) {
        _cleanup_(vol_def_freep) VolDef *req =
                vol_parse("<volume><name>x.qcow2</name><capacity>1048576</capacity>"
                          "<target><format type='qcow2'/><compat>0.10</compat>"
                          "<features><lazy_refcounts/></features></target></volume>");
        _cleanup_free_ char *path = in_pool("x.qcow2");
        VolDef *ret = NULL;

        assert_fails(B->vol_create(pool, req, 0, &ret, &err), -EOPNOTSUPP,
                     "lazy_refcounts not supported with compat level 0.10");
        assert_false(exists(path));
}

static void test_vol_create_leaves_nothing_when_qemu_img_fails(void **state) {
        _cleanup_free_ char *path = in_pool("bad.qcow2");
        _cleanup_(vol_def_freep) VolDef *req = vol_parse(
                "<volume><name>bad.qcow2</name><capacity>1048576</capacity>"
                "<target><format type='qcow2'/></target><backingStore><path>text.img</path>"
                "<format type='qcow2'/></backingStore></volume>");
        VolDef *ret = NULL;

        REQUIRE_QEMU_IMG();
        test_write_file(pool_path, "text.img", "this is not a qcow2 image\n");
        assert_fails(B->vol_create(pool, req, 0, &ret, &err), -EIO, "qcow2");
        assert_null(ret);
        assert_false(exists(path));
}

static void test_vol_create_refuses_a_missing_backing_store_and_leaves_nothing(void **state) {
        _cleanup_free_ char *path = in_pool("o.qcow2");
        _cleanup_(vol_def_freep) VolDef *req = vol_parse(
                "<volume><name>o.qcow2</name><capacity>1048576</capacity>"
                "<target><format type='qcow2'/></target><backingStore><path>nope.qcow2</path>"
                "<format type='qcow2'/></backingStore></volume>");
        VolDef *ret = NULL;

        assert_fails(B->vol_create(pool, req, 0, &ret, &err), -ENOENT,
                     "inaccessible backing store volume nope.qcow2");
        assert_false(exists(path));
}

static void test_vol_create_refuses_a_looping_backing_chain(void **state) {
        _cleanup_free_ char *top = in_pool("top.qcow2");
        _cleanup_(vol_def_freep) VolDef *req = vol_parse(
                "<volume><name>top.qcow2</name><capacity>1048576</capacity>"
                "<target><format type='qcow2'/></target><backingStore><path>a.qcow2</path>"
                "<format type='qcow2'/></backingStore></volume>");
        VolDef *ret = NULL;

        QEMU_IMG("create -f qcow2 -u -b b.qcow2 -F qcow2 a.qcow2 1M");
        QEMU_IMG("create -f qcow2 -u -b a.qcow2 -F qcow2 b.qcow2 1M");
        assert_fails(B->vol_create(pool, req, 0, &ret, &err), -ELOOP, "loops");
        assert_false(exists(top));
}

/* Runs body with PATH pointing at an empty directory: no tool can be found. */
#define WITHOUT_TOOLS(body)                                                                        \
        do {                                                                                       \
                _cleanup_free_ char *_old = xstrdup(getenv("PATH") ?: "");                         \
                _cleanup_free_ char *_empty = path_join(tmp, "empty-bin");                         \
                assert_int_equal(mkdir(_empty, 0755), 0);                                          \
                setenv("PATH", _empty, 1);                                                         \
                body;                                                                              \
                setenv("PATH", _old, 1);                                                           \
        } while (0)

static void test_vol_create_says_when_qemu_img_is_missing(void **state) {
        _cleanup_free_ char *path = in_pool("q.qcow2");
        _cleanup_(vol_def_freep) VolDef *req =
                vol_parse("<volume><name>q.qcow2</name><capacity>1048576</capacity>"
                          "<target><format type='qcow2'/></target></volume>");
        VolDef *ret = NULL;

        WITHOUT_TOOLS(assert_fails(B->vol_create(pool, req, 0, &ret, &err), -EOPNOTSUPP,
                                   "qemu-img is not installed"));
        assert_false(exists(path));
}

/* ---- Cloning ----------------------------------------------------------------------------- */

static VolDef *clone_ok(const char *xml, const char *src_name, unsigned flags) {
        _cleanup_(vol_def_freep) VolDef *req = vol_parse("%s", xml);
        _cleanup_(vol_def_freep) VolDef *src = vol_refresh_ok(src_name);
        _cleanup_error_ Error err = ERROR_INIT;
        VolDef *ret = NULL;

        if (B->vol_create_from(pool, req, pool, src, flags, &ret, &err) < 0)
                fail_msg("vol_create_from(%s): %s", req->name, err.message);
        return ret;
}

/* 64 MiB with 4 KiB of data at 0 and 1 MiB at 32 MiB, the rest holes. */
static void make_sparse_source(const char *path) {
        static char buf[MiB];

        fill_pattern(buf, sizeof(buf), 1);
        make_sparse(path, (off_t) (64 * MiB));
        write_at(path, buf, 4096, 0);
        write_at(path, buf, sizeof(buf), (off_t) (32 * MiB));
}

static void test_clone_raw_copies_the_data_and_keeps_the_holes(void **state) {
        _cleanup_free_ char *src = in_pool("src.img"), *dst = in_pool("copy.img");
        _cleanup_(vol_def_freep) VolDef *v = NULL;
        struct stat st;

        make_sparse_source(src);
        v = clone_ok("<volume><name>copy.img</name><capacity>0</capacity></volume>", "src.img", 0);
        st = stat_of(dst);
        assert_int_equal(st.st_size, 64 * MiB);
        assert_true(files_equal(src, dst, (off_t) (64 * MiB)));
        assert_true((uint64_t) st.st_blocks * 512 < 4 * MiB);
        assert_int_equal(st.st_mode & 07777, 0600);
        assert_int_equal(v->capacity, 64 * MiB);
}

static void test_clone_raw_to_a_larger_capacity(void **state) {
        _cleanup_free_ char *src = in_pool("small.img"), *dst = in_pool("big.img");
        _cleanup_(vol_def_freep) VolDef *v = NULL;
        static char buf[MiB];

        fill_pattern(buf, sizeof(buf), 2);
        write_at(src, buf, sizeof(buf), 0);
        v = clone_ok("<volume><name>big.img</name><capacity unit='M'>4</capacity></volume>",
                     "small.img", 0);
        assert_int_equal(stat_of(dst).st_size, 4 * MiB);
        assert_true(files_equal(src, dst, (off_t) MiB));
        assert_int_equal(v->capacity, 4 * MiB);
}

static void test_clone_requiring_a_reflink_fails_clearly_where_there_is_none(void **state) {
        _cleanup_free_ char *src = in_pool("r.img"), *dst = in_pool("rc.img");
        _cleanup_(vol_def_freep) VolDef *req =
                vol_parse("<volume><name>rc.img</name><capacity>0</capacity></volume>");
        _cleanup_(vol_def_freep) VolDef *srcv = NULL;
        VolDef *ret = NULL;

        write_at(src, "data", 4, 0);
        srcv = vol_refresh_ok("r.img");
        if (fs_supports_reflink()) {
                _cleanup_error_ Error err = ERROR_INIT;
                assert_int_equal(
                        B->vol_create_from(pool, req, pool, srcv, VOL_CREATE_REFLINK, &ret, &err),
                        0);
                assert_true(files_equal(src, dst, 4));
                vol_def_free(ret);
                return;
        }
        {
                _cleanup_error_ Error err = ERROR_INIT;
                assert_true(B->vol_create_from(pool, req, pool, srcv, VOL_CREATE_REFLINK, &ret,
                                               &err) < 0);
                assert_contains(err.message, "failed to clone files from");
                assert_contains(err.message, "reflink");
        }
        assert_false(exists(dst));
}

static void test_clone_raw_to_qcow2_converts_with_qemu_img(void **state) {
        _cleanup_free_ char *src = in_pool("disk.raw");
        _cleanup_(vol_def_freep) VolDef *v = NULL;

        REQUIRE_QEMU_IMG();
        make_sparse_source(src);
        v = clone_ok("<volume><name>disk.qcow2</name><capacity>0</capacity>"
                     "<target><format type='qcow2'/></target></volume>",
                     "disk.raw", 0);
        assert_int_equal(v->target.format, VOL_FILE_QCOW2);
        assert_int_equal(v->capacity, 64 * MiB);
        assert_int_equal(run("qemu-img compare -q -f raw -F qcow2 disk.raw disk.qcow2"), 0);
}

static void test_clone_qcow2_to_raw_and_to_a_larger_qcow2(void **state) {
        _cleanup_free_ char *raw = in_pool("flat.img");
        _cleanup_(vol_def_freep) VolDef *flat = NULL, *bigger = NULL;

        static char buf[64 * KiB];

        fill_pattern(buf, sizeof(buf), 5);
        write_at(raw, buf, sizeof(buf), 0);
        make_sparse(raw, (off_t) (2 * MiB));
        QEMU_IMG("convert -f raw -O qcow2 flat.img img.qcow2");
        assert_int_equal(unlink(raw), 0);
        flat = clone_ok("<volume><name>flat.img</name><capacity>0</capacity></volume>", "img.qcow2",
                        0);
        assert_int_equal(flat->target.format, VOL_FILE_RAW);
        assert_int_equal(stat_of(raw).st_size, 2 * MiB);
        assert_int_equal(run("qemu-img compare -q -f qcow2 -F raw img.qcow2 flat.img"), 0);

        bigger = clone_ok("<volume><name>bigger.qcow2</name><capacity unit='M'>16</capacity>"
                          "<target><format type='qcow2'/></target></volume>",
                          "img.qcow2", 0);
        assert_int_equal(bigger->capacity, 16 * MiB);
}

static void test_clone_refuses_an_existing_name(void **state) {
        _cleanup_(vol_def_freep) VolDef *req =
                vol_parse("<volume><name>b.img</name><capacity>0</capacity></volume>");
        _cleanup_(vol_def_freep) VolDef *src = NULL;
        _cleanup_free_ char *b = in_pool("b.img");
        VolDef *ret = NULL;

        test_write_file(pool_path, "a.img", "aaaa");
        test_write_file(pool_path, "b.img", "bb");
        src = vol_refresh_ok("a.img");
        assert_fails(B->vol_create_from(pool, req, pool, src, 0, &ret, &err), -EEXIST,
                     "exists already");
        assert_int_equal(stat_of(b).st_size, 2);
}

/* ---- Deleting ---------------------------------------------------------------------------- */

static void test_vol_delete_removes_a_file(void **state) {
        _cleanup_free_ char *path = in_pool("del.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("del.img");

        test_write_file(pool_path, "del.img", "x");
        assert_int_equal(B->vol_delete(pool, v, 0, NULL), 0);
        assert_false(exists(path));
        /* Already gone is deleted, as libvirt has it. */
        assert_int_equal(B->vol_delete(pool, v, 0, NULL), 0);
}

static void test_vol_delete_of_a_symlink_removes_the_link_not_its_target(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "keep.img"), *link = in_pool("link.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("link.img");

        test_write_file(tmp, "keep.img", "precious");
        assert_int_equal(symlink(outside, link), 0);
        assert_int_equal(B->vol_delete(pool, v, 0, NULL), 0);
        assert_false(exists(link));
        assert_int_equal(stat_of(outside).st_size, 8);
}

static void test_vol_delete_refuses_names_outside_the_pool(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "victim.img");
        _cleanup_(vol_def_freep) VolDef *up = vol_named("../victim.img");
        _cleanup_(vol_def_freep) VolDef *dots = vol_named("..");

        test_write_file(tmp, "victim.img", "precious");
        assert_fails(B->vol_delete(pool, up, 0, &err), -EINVAL, "invalid volume name");
        assert_fails(B->vol_delete(pool, dots, 0, &err), -EINVAL, "invalid volume name");
        assert_true(exists(outside));
        assert_true(exists(pool_path));
}

static void test_vol_delete_of_a_directory_volume_is_never_recursive(void **state) {
        _cleanup_free_ char *d = in_pool("d"), *e = in_pool("e");
        _cleanup_(vol_def_freep) VolDef *full = vol_named("d");
        _cleanup_(vol_def_freep) VolDef *empty = vol_named("e");

        assert_int_equal(mkdir(d, 0755), 0);
        assert_int_equal(mkdir(e, 0755), 0);
        test_write_file(d, "file", "x");
        assert_fails(B->vol_delete(pool, full, 0, &err), -ENOTEMPTY, "Directory not empty");
        assert_true(exists(d));
        assert_int_equal(B->vol_delete(pool, empty, 0, NULL), 0);
        assert_false(exists(e));
}

static void test_vol_delete_of_a_newline_named_volume(void **state) {
        _cleanup_free_ char *path = in_pool("bad\nname");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("bad\nname");

        test_write_file(pool_path, "bad\nname", "x");
        assert_int_equal(B->vol_delete(pool, v, 0, NULL), 0);
        assert_false(exists(path));
}

/* ---- Resizing ---------------------------------------------------------------------------- */

static void test_resize_grows_a_raw_file_sparsely(void **state) {
        _cleanup_free_ char *path = in_pool("g.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("g.img");

        make_sparse(path, (off_t) MiB);
        assert_int_equal(B->vol_resize(pool, v, 4 * MiB, 0, NULL), 0);
        assert_int_equal(stat_of(path).st_size, 4 * MiB);
        assert_int_equal(stat_of(path).st_blocks, 0);
}

static void test_resize_with_allocate_allocates_the_new_range(void **state) {
        _cleanup_free_ char *path = in_pool("a.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("a.img");

        make_sparse(path, (off_t) MiB);
        assert_int_equal(B->vol_resize(pool, v, 4 * MiB, VOL_RESIZE_ALLOCATE, NULL), 0);
        assert_int_equal(stat_of(path).st_size, 4 * MiB);
        assert_true((uint64_t) stat_of(path).st_blocks * 512 >= 3 * MiB);
}

static void test_resize_refuses_to_shrink_without_the_flag(void **state) {
        _cleanup_free_ char *path = in_pool("s.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("s.img");

        make_sparse(path, (off_t) (4 * MiB));
        assert_fails(B->vol_resize(pool, v, MiB, 0, &err), -EINVAL,
                     "Can't shrink capacity below current capacity unless shrink flag "
                     "explicitly specified");
        assert_int_equal(stat_of(path).st_size, 4 * MiB);
}

static void test_resize_shrinks_with_the_flag(void **state) {
        _cleanup_free_ char *path = in_pool("s.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("s.img");

        make_sparse(path, (off_t) (4 * MiB));
        assert_int_equal(B->vol_resize(pool, v, MiB, VOL_RESIZE_SHRINK, NULL), 0);
        assert_int_equal(stat_of(path).st_size, MiB);
}

static void test_resize_refuses_to_shrink_below_the_allocation(void **state) {
        _cleanup_free_ char *path = in_pool("full.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("full.img");
        static char buf[MiB];

        fill_pattern(buf, sizeof(buf), 3);
        write_at(path, buf, sizeof(buf), 0);
        assert_fails(B->vol_resize(pool, v, MiB / 2, VOL_RESIZE_SHRINK, &err), -EINVAL,
                     "can't shrink capacity below existing allocation");
        assert_int_equal(stat_of(path).st_size, MiB);
}

static void test_resize_with_delta_adds_or_with_shrink_subtracts(void **state) {
        _cleanup_free_ char *path = in_pool("d.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("d.img");

        make_sparse(path, (off_t) MiB);
        assert_int_equal(B->vol_resize(pool, v, 2 * MiB, VOL_RESIZE_DELTA, NULL), 0);
        assert_int_equal(stat_of(path).st_size, 3 * MiB);
        assert_int_equal(B->vol_resize(pool, v, MiB, VOL_RESIZE_DELTA | VOL_RESIZE_SHRINK, NULL),
                         0);
        assert_int_equal(stat_of(path).st_size, 2 * MiB);
        assert_fails(B->vol_resize(pool, v, UINT64_MAX, VOL_RESIZE_DELTA, &err), -EOVERFLOW,
                     "too large");
}

static void test_resize_of_qcow2_uses_qemu_img(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = vol_named("q.qcow2"), *after = NULL;

        QEMU_IMG("create -f qcow2 q.qcow2 1M");
        assert_int_equal(B->vol_resize(pool, v, 8 * MiB, 0, NULL), 0);
        after = vol_refresh_ok("q.qcow2");
        assert_int_equal(after->capacity, 8 * MiB);
        assert_fails(B->vol_resize(pool, v, MiB, 0, &err), -EINVAL, "shrink flag");
        assert_fails(B->vol_resize(pool, v, 16 * MiB, VOL_RESIZE_ALLOCATE, &err), -EOPNOTSUPP,
                     "preallocate is only supported for raw type volume");
}

static void test_resize_refuses_a_symlink_volume(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "o.img"), *link = in_pool("l.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("l.img");

        make_sparse(outside, (off_t) MiB);
        assert_int_equal(symlink(outside, link), 0);
        assert_fails(B->vol_resize(pool, v, 2 * MiB, 0, &err), -ELOOP, "symbolic link");
        assert_int_equal(stat_of(outside).st_size, MiB);
}

/* ---- Wiping ------------------------------------------------------------------------------ */

static void test_wipe_zero_of_a_sparse_file_truncates_it_back_to_zeros(void **state) {
        _cleanup_free_ char *path = in_pool("sp.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("sp.img");

        make_sparse_source(path);
        assert_int_equal(B->vol_wipe(pool, v, WIPE_ZERO, NULL), 0);
        assert_int_equal(stat_of(path).st_size, 64 * MiB);
        assert_int_equal(stat_of(path).st_blocks, 0);
        assert_true(file_is_zero(path));
}

static void test_wipe_zero_of_a_full_file_writes_zeros_over_it(void **state) {
        _cleanup_free_ char *path = in_pool("full.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("full.img");
        static char buf[3 * MiB + 123];

        fill_pattern(buf, sizeof(buf), 4);
        write_at(path, buf, sizeof(buf), 0);
        assert_int_equal(B->vol_wipe(pool, v, WIPE_ZERO, NULL), 0);
        assert_int_equal(stat_of(path).st_size, sizeof(buf));
        assert_true(file_is_zero(path));
}

static void test_wipe_trim_is_not_supported(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = vol_named("t.img");

        test_write_file(pool_path, "t.img", "data");
        assert_fails(B->vol_wipe(pool, v, WIPE_TRIM, &err), -EOPNOTSUPP,
                     "'trim' algorithm not supported");
}

static void test_wipe_with_a_pattern_needs_scrub(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = vol_named("s.img");

        test_write_file(pool_path, "s.img", "data");
        WITHOUT_TOOLS(assert_fails(B->vol_wipe(pool, v, WIPE_DOD, &err), -EOPNOTSUPP,
                                   "scrub is not installed"));
        if (have("scrub")) {
                _cleanup_error_ Error err = ERROR_INIT;
                assert_int_equal(B->vol_wipe(pool, v, WIPE_NNSA, &err), 0);
        }
}

static void test_wipe_refuses_a_symlink_volume(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "o.img"), *link = in_pool("l.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("l.img");

        test_write_file(tmp, "o.img", "precious");
        assert_int_equal(symlink(outside, link), 0);
        assert_fails(B->vol_wipe(pool, v, WIPE_ZERO, &err), -ELOOP, "symbolic link");
        assert_false(file_is_zero(outside));
}

/* ---- Uploading and downloading ----------------------------------------------------------- */

static int open_or_fail(const char *path, int flags) {
        int fd = open(path, flags | O_CLOEXEC, 0644);

        if (fd < 0)
                fail_msg("open(%s): %m", path);
        return fd;
}

/* A pipe already holding data (less than a pipe buffer), its writing end closed. */
static int pipe_with(const char *data, size_t len) {
        int p[2];

        if (pipe2(p, O_CLOEXEC) < 0 || write(p[1], data, len) != (ssize_t) len)
                fail_msg("pipe: %m");
        close(p[1]);
        return p[0];
}

static void test_upload_writes_at_the_offset_and_keeps_the_rest(void **state) {
        _cleanup_free_ char *path = in_pool("u.img"), *src = path_join(tmp, "src.bin");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("u.img");
        static char before[MiB], data[4096], after[MiB];
        _cleanup_close_ int fd = -1;

        fill_pattern(before, sizeof(before), 1);
        fill_pattern(data, sizeof(data), 2);
        write_at(path, before, sizeof(before), 0);
        write_at(src, data, sizeof(data), 0);
        fd = open_or_fail(src, O_RDONLY);
        assert_int_equal(B->vol_upload(pool, v, fd, 8192, 0, 0, NULL), 0);
        memcpy(after, before, sizeof(after));
        memcpy(after + 8192, data, sizeof(data));
        assert_int_equal(stat_of(path).st_size, MiB);
        write_at(src, after, sizeof(after), 0);
        assert_true(files_equal(src, path, (off_t) MiB));
}

static void test_upload_past_the_end_grows_the_volume(void **state) {
        _cleanup_free_ char *path = in_pool("g.img"), *src = path_join(tmp, "src.bin");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("g.img");
        _cleanup_close_ int fd = -1;

        make_sparse(path, 4096);
        test_write_file(tmp, "src.bin", "tail");
        fd = open_or_fail(src, O_RDONLY);
        assert_int_equal(B->vol_upload(pool, v, fd, MiB, 0, 0, NULL), 0);
        assert_int_equal(stat_of(path).st_size, MiB + 4);
}

static void test_upload_of_more_than_length_fails_after_length_bytes_as_libvirt(void **state) {
        _cleanup_free_ char *path = in_pool("l.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("l.img");
        _cleanup_close_ int fd = pipe_with("0123456789", 10);
        char buf[16] = "";
        int vfd;

        make_sparse(path, 16);
        assert_fails(B->vol_upload(pool, v, fd, 0, 4, 0, &err), -ENOSPC,
                     "cannot write to stream: No space left on device");
        vfd = open_or_fail(path, O_RDONLY);
        assert_int_equal(read(vfd, buf, sizeof(buf)), 16);
        close(vfd);
        assert_memory_equal(buf, "0123\0\0\0\0", 8);
}

static void test_upload_of_exactly_length_bytes_succeeds(void **state) {
        _cleanup_free_ char *path = in_pool("e.img"), *expect = path_join(tmp, "expect.bin");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("e.img");
        _cleanup_close_ int fd = pipe_with("0123", 4);

        test_write_file(pool_path, "e.img", "");
        test_write_file(tmp, "expect.bin", "0123");
        assert_int_equal(B->vol_upload(pool, v, fd, 0, 4, 0, NULL), 0);
        assert_int_equal(stat_of(path).st_size, 4);
        assert_true(files_equal(expect, path, 4));
}

static void test_upload_sparse_makes_holes_of_holes_and_zero_blocks(void **state) {
        _cleanup_free_ char *path = in_pool("s.img"), *src = path_join(tmp, "src.bin");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("s.img");
        static char full[MiB], zeros[64 * 1024];
        _cleanup_close_ int fd = -1;

        /* the volume: 64 MiB of data everywhere */
        fill_pattern(full, sizeof(full), 5);
        for (off_t at = 0; at < (off_t) (64 * MiB); at += (off_t) MiB)
                write_at(path, full, sizeof(full), at);
        /* the source: data at 0 and 32 MiB, holes elsewhere, and zeros written at 16 MiB */
        make_sparse_source(src);
        write_at(src, zeros, sizeof(zeros), (off_t) (16 * MiB));
        fd = open_or_fail(src, O_RDONLY);
        assert_int_equal(B->vol_upload(pool, v, fd, 0, 0, VOL_UPLOAD_SPARSE, NULL), 0);
        assert_int_equal(stat_of(path).st_size, 64 * MiB);
        assert_true(files_equal(src, path, (off_t) (64 * MiB)));
        assert_true((uint64_t) stat_of(path).st_blocks * 512 < 4 * MiB);
}

static void test_upload_sparse_from_a_pipe_punches_its_zero_blocks(void **state) {
        _cleanup_free_ char *path = in_pool("p.img"), *expect = path_join(tmp, "expect.bin");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("p.img");
        static char data[48 * 1024], full[MiB];
        _cleanup_close_ int fd = -1;

        fill_pattern(full, sizeof(full), 6);
        write_at(path, full, sizeof(full), 0);
        fill_pattern(data, 4096, 7);
        fill_pattern(data + 44 * 1024, 4096, 8); /* zeros between */
        fd = pipe_with(data, sizeof(data));
        assert_int_equal(B->vol_upload(pool, v, fd, 0, 0, VOL_UPLOAD_SPARSE, NULL), 0);
        memcpy(full, data, sizeof(data));
        write_at(expect, full, sizeof(full), 0);
        assert_true(files_equal(expect, path, (off_t) MiB));
        assert_true(stat_of(path).st_blocks < stat_of(expect).st_blocks);
}

static void test_upload_refuses_a_symlink_volume(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "o.img"), *link = in_pool("l.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("l.img");
        _cleanup_close_ int fd = pipe_with("evil", 4);

        test_write_file(tmp, "o.img", "precious");
        assert_int_equal(symlink(outside, link), 0);
        assert_fails(B->vol_upload(pool, v, fd, 0, 0, 0, &err), -ELOOP, "symbolic link");
        assert_false(file_is_zero(outside));
        assert_int_equal(stat_of(outside).st_size, 8);
}

static void test_download_writes_the_range_asked_for(void **state) {
        _cleanup_free_ char *path = in_pool("d.img"), *out = path_join(tmp, "out.bin"),
                            *expect = path_join(tmp, "expect.bin");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("d.img");
        static char data[MiB];
        _cleanup_close_ int fd = -1;

        fill_pattern(data, sizeof(data), 9);
        write_at(path, data, sizeof(data), 0);
        fd = open_or_fail(out, O_WRONLY | O_CREAT | O_TRUNC);
        assert_int_equal(B->vol_download(pool, v, fd, 1000, 5000, 0, NULL), 0);
        assert_int_equal(stat_of(out).st_size, 5000);
        write_at(expect, data + 1000, 5000, 0);
        assert_true(files_equal(expect, out, 5000));

        /* no length: to the end; an offset past the end: nothing */
        assert_int_equal(ftruncate(fd, 0), 0);
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_int_equal(B->vol_download(pool, v, fd, 0, 0, 0, NULL), 0);
        assert_true(files_equal(path, out, (off_t) MiB));
        assert_int_equal(B->vol_download(pool, v, fd, 2 * MiB, 0, 0, NULL), 0);
        assert_int_equal(stat_of(out).st_size, MiB);
}

static void test_download_sparse_keeps_the_holes_in_a_file(void **state) {
        _cleanup_free_ char *path = in_pool("s.img"), *out = path_join(tmp, "out.bin"),
                            *full = path_join(tmp, "full.bin");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("s.img");
        _cleanup_close_ int fd = -1, ffd = -1;

        make_sparse_source(path);
        fd = open_or_fail(out, O_WRONLY | O_CREAT | O_TRUNC);
        assert_int_equal(B->vol_download(pool, v, fd, 0, 0, VOL_DOWNLOAD_SPARSE, NULL), 0);
        assert_int_equal(stat_of(out).st_size, 64 * MiB);
        assert_true(files_equal(path, out, (off_t) (64 * MiB)));
        assert_true((uint64_t) stat_of(out).st_blocks * 512 < 4 * MiB);

        /* without the flag, every byte is written */
        ffd = open_or_fail(full, O_WRONLY | O_CREAT | O_TRUNC);
        assert_int_equal(B->vol_download(pool, v, ffd, 0, 0, 0, NULL), 0);
        assert_true(files_equal(path, full, (off_t) (64 * MiB)));
        assert_true((uint64_t) stat_of(full).st_blocks * 512 >= 64 * MiB);
}

static void test_download_sparse_to_a_pipe_writes_zeros_for_holes(void **state) {
        _cleanup_free_ char *path = in_pool("h.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("h.img");
        static char data[4096], got[48 * 1024], expect[48 * 1024];
        int p[2];

        fill_pattern(data, sizeof(data), 10);
        make_sparse(path, sizeof(expect));
        write_at(path, data, sizeof(data), 0);
        write_at(path, data, sizeof(data), 44 * 1024);
        memcpy(expect, data, sizeof(data));
        memcpy(expect + 44 * 1024, data, sizeof(data));
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(B->vol_download(pool, v, p[1], 0, 0, VOL_DOWNLOAD_SPARSE, NULL), 0);
        close(p[1]);
        assert_int_equal(read(p[0], got, sizeof(got)), sizeof(got));
        close(p[0]);
        assert_memory_equal(got, expect, sizeof(expect));
}

static void test_download_to_a_pipe_nobody_reads_fails_with_epipe(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = vol_named("x.img");
        int p[2];

        test_write_file(pool_path, "x.img", "data");
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        close(p[0]);
        /* SIGPIPE would end this test program (and poold): it must not be raised */
        assert_fails(B->vol_download(pool, v, p[1], 0, 0, 0, &err), -EPIPE,
                     "cannot write to stream: Broken pipe");
        close(p[1]);
}

static void test_download_refuses_a_symlink_volume(void **state) {
        _cleanup_free_ char *outside = path_join(tmp, "o.img"), *link = in_pool("l.img");
        _cleanup_(vol_def_freep) VolDef *v = vol_named("l.img");
        _cleanup_free_ char *out = path_join(tmp, "out.bin");
        _cleanup_close_ int fd = -1;

        test_write_file(tmp, "o.img", "secret");
        assert_int_equal(symlink(outside, link), 0);
        fd = open_or_fail(out, O_WRONLY | O_CREAT | O_TRUNC);
        assert_fails(B->vol_download(pool, v, fd, 0, 0, 0, &err), -ELOOP, "symbolic link");
        assert_int_equal(stat_of(out).st_size, 0);
}

static void test_download_of_a_missing_volume_names_it(void **state) {
        _cleanup_(vol_def_freep) VolDef *v = vol_named("gone.img");
        _cleanup_close_ int fd = pipe_with("", 0);

        assert_fails(B->vol_download(pool, v, fd, 0, 0, 0, &err), -ENOENT,
                     "no storage vol with matching name 'gone.img'");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                T(test_backend_for_gives_dir_fs_and_disk_and_nothing_else_yet),
                T(test_wipe_algorithms_are_virsh_names),
                T(test_refresh_result_holds_many_volumes_and_frees_them),

                T(test_build_creates_parents_and_the_target_0711_whatever_the_umask),
                T(test_build_applies_permissions_from_the_definition),
                T(test_build_keeps_an_existing_directory_mode_unless_one_is_given),
                T(test_build_with_overwrite_flags_wants_a_source_device),
                T(test_build_asking_for_cow_off_btrfs_fails_and_leaves_nothing),
                T(test_check_and_start_of_a_missing_directory),
                T(test_check_start_and_stop_of_a_present_directory),
                T(test_check_of_a_file_in_place_of_the_directory_is_inactive),
                T(test_delete_refuses_a_non_empty_directory_then_removes_an_empty_one),
                T(test_dependencies_watch_the_target_directory),

                T(test_refresh_lists_files_with_sizes_key_path_and_permissions),
                T(test_refresh_skips_fifo_socket_dangling_link_and_control_names_with_warnings),
                T(test_refresh_lists_a_newline_named_file),
                T(test_refresh_with_known_files_opens_only_new_and_changed_files_and_forgets_removed_ones),
                T(test_refresh_with_known_files_compares_a_symlink_by_the_file_it_points_to),
                T(test_refresh_without_known_files_reads_every_file),
                T(test_refresh_lists_a_subdirectory_as_a_dir_volume),
                T(test_refresh_lists_a_ploop_directory_as_ploop),
                T(test_refresh_reads_qcow2_virtual_size_and_backing_store),
                T(test_refresh_reports_permissions_and_timestamps_of_a_backing_file),
                T(test_refresh_reports_a_luks_file_as_raw_with_luks_encryption),
                T(test_refresh_probes_the_format_of_a_backing_file_the_header_does_not_name),
                T(test_refresh_lists_a_hostile_header_as_raw_with_a_warning),
                T(test_refresh_lists_a_symlink_to_a_block_device_as_block),
                T(test_refresh_reports_nanosecond_timestamps_and_leaves_atime_alone),
                T(test_refresh_follows_a_target_that_is_a_symlink),
                T(test_refresh_lists_a_symlinked_file_under_the_link_path),
                T(test_refresh_of_a_missing_target_fails_as_libvirt_does),
                T(test_refresh_of_many_files),
                T(test_refresh_of_a_large_directory_on_two_threads_lists_what_one_thread_lists),
                T(test_refresh_of_a_large_directory_on_two_threads_with_known_files_lists_what_one_thread_lists),
                T(test_refresh_names_reports_created_changed_and_deleted_names),
                T(test_vol_refresh_of_a_gone_volume_is_enoent),

                T(test_vol_create_raw_without_allocation_is_sparse),
                T(test_vol_create_raw_allocates_the_requested_bytes),
                T(test_vol_create_raw_is_fully_allocated_by_default_as_in_libvirt),
                T(test_vol_create_applies_mode_owner_and_group),
                T(test_vol_create_refuses_an_existing_name_and_leaves_it_alone),
                T(test_vol_create_refuses_a_symlink_in_the_way),
                T(test_vol_create_refuses_names_that_leave_the_pool),
                T(test_vol_create_dir_makes_a_directory_volume),
                T(test_vol_create_raw_refuses_backing_store_and_metadata_preallocation),
                T(test_vol_create_refuses_encrypted_volumes_for_now),
                T(test_vol_create_qcow2_with_a_relative_backing_store),
                T(test_vol_create_qcow2_takes_the_capacity_of_its_backing_store),
                T(test_vol_create_qcow2_with_compat_features_and_cluster_size),
                T(test_vol_create_refuses_lazy_refcounts_with_compat_0_10),
                T(test_vol_create_leaves_nothing_when_qemu_img_fails),
                T(test_vol_create_refuses_a_missing_backing_store_and_leaves_nothing),
                T(test_vol_create_refuses_a_looping_backing_chain),
                T(test_vol_create_says_when_qemu_img_is_missing),

                T(test_clone_raw_copies_the_data_and_keeps_the_holes),
                T(test_clone_raw_to_a_larger_capacity),
                T(test_clone_requiring_a_reflink_fails_clearly_where_there_is_none),
                T(test_clone_raw_to_qcow2_converts_with_qemu_img),
                T(test_clone_qcow2_to_raw_and_to_a_larger_qcow2),
                T(test_clone_refuses_an_existing_name),

                T(test_vol_delete_removes_a_file),
                T(test_vol_delete_of_a_symlink_removes_the_link_not_its_target),
                T(test_vol_delete_refuses_names_outside_the_pool),
                T(test_vol_delete_of_a_directory_volume_is_never_recursive),
                T(test_vol_delete_of_a_newline_named_volume),

                T(test_resize_grows_a_raw_file_sparsely),
                T(test_resize_with_allocate_allocates_the_new_range),
                T(test_resize_refuses_to_shrink_without_the_flag),
                T(test_resize_shrinks_with_the_flag),
                T(test_resize_refuses_to_shrink_below_the_allocation),
                T(test_resize_with_delta_adds_or_with_shrink_subtracts),
                T(test_resize_of_qcow2_uses_qemu_img),
                T(test_resize_refuses_a_symlink_volume),

                T(test_wipe_zero_of_a_sparse_file_truncates_it_back_to_zeros),
                T(test_wipe_zero_of_a_full_file_writes_zeros_over_it),
                T(test_wipe_trim_is_not_supported),
                T(test_wipe_with_a_pattern_needs_scrub),
                T(test_wipe_refuses_a_symlink_volume),

                T(test_upload_writes_at_the_offset_and_keeps_the_rest),
                T(test_upload_past_the_end_grows_the_volume),
                T(test_upload_of_more_than_length_fails_after_length_bytes_as_libvirt),
                T(test_upload_of_exactly_length_bytes_succeeds),
                T(test_upload_sparse_makes_holes_of_holes_and_zero_blocks),
                T(test_upload_sparse_from_a_pipe_punches_its_zero_blocks),
                T(test_upload_refuses_a_symlink_volume),
                T(test_download_writes_the_range_asked_for),
                T(test_download_sparse_keeps_the_holes_in_a_file),
                T(test_download_sparse_to_a_pipe_writes_zeros_for_holes),
                T(test_download_to_a_pipe_nobody_reads_fails_with_epipe),
                T(test_download_refuses_a_symlink_volume),
                T(test_download_of_a_missing_volume_names_it),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
