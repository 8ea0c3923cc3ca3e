/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "test-util.h"

#include "shared/fileio.h"

typedef struct Fixture {
        char *dir;
        int dirfd;
} Fixture;

static int setup(void **state) {
        Fixture *f = xcalloc(1, sizeof(*f));

        f->dir = test_mkdtemp();
        f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (f->dirfd < 0)
                return -1;
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        close(f->dirfd);
        test_rm_rf(f->dir);
        free(f->dir);
        free(f);
        return 0;
}

/* The names in dir other than "." and "..", sorted and joined with ' '. */
static char *list_dir(const char *dir) {
        struct dirent **entries;
        char *out = xstrdup("");
        int n = scandir(dir, &entries, NULL, alphasort);

        if (n < 0)
                fail_msg("scandir(%s): %m", dir);
        for (int i = 0; i < n; i++) {
                const char *name = entries[i]->d_name;

                if (!streq(name, ".") && !streq(name, "..")) {
                        char *s = xasprintf("%s%s%s", out, *out ? " " : "", name);
                        free(out);
                        out = s;
                }
                free(entries[i]);
        }
        free(entries);
        return out;
}

static char *read_all(const char *dir, const char *name, size_t *ret_len) {
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
        char *content = NULL;
        int r = read_file_bounded(AT_FDCWD, p, 1 << 20, &content, ret_len);
        if (r < 0)
                fail_msg("read_file_bounded(%s) = %d", p, r);
        return content;
}

static mode_t mode_of(const char *dir, const char *name) {
        _cleanup_free_ char *p = xasprintf("%s/%s", dir, name);
        struct stat st;

        if (lstat(p, &st) < 0)
                fail_msg("lstat(%s): %m", p);
        return st.st_mode;
}

static void test_write_file_atomic_creates_file_with_exact_content(void **state) {
        Fixture *f = *state;
        static const char data[] = "<pool type='dir'>\n  <name>x</name>\n</pool>\n";
        _cleanup_free_ char *got = NULL, *names = NULL;
        size_t len = 0;

        assert_int_equal(write_file_atomic(f->dirfd, "x.xml", data, strlen(data), 0600), 0);
        got = read_all(f->dir, "x.xml", &len);
        assert_int_equal(len, strlen(data));
        assert_string_equal(got, data);
        names = list_dir(f->dir);
        assert_string_equal(names, "x.xml");
}

static void test_write_file_atomic_writes_binary_data(void **state) {
        Fixture *f = *state;
        static const char data[] = {'a', '\0', 'b', '\n', '\0'};
        _cleanup_free_ char *got = NULL;
        size_t len = 0;

        assert_int_equal(write_file_atomic(f->dirfd, "bin", data, sizeof(data), 0600), 0);
        got = read_all(f->dir, "bin", &len);
        assert_int_equal(len, sizeof(data));
        assert_memory_equal(got, data, sizeof(data));
}

static void test_write_file_atomic_empty_data_gives_empty_file(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *got = NULL;
        size_t len = 99;

        test_write_file(f->dir, "e", "old content");
        assert_int_equal(write_file_atomic(f->dirfd, "e", "", 0, 0644), 0);
        got = read_all(f->dir, "e", &len);
        assert_int_equal(len, 0);
        assert_string_equal(got, "");
}

static void test_write_file_atomic_mode_ignores_umask(void **state) {
        Fixture *f = *state;
        mode_t old = umask(077);

        assert_int_equal(write_file_atomic(f->dirfd, "a", "x", 1, 0644), 0);
        assert_int_equal(mode_of(f->dir, "a") & 07777, 0644);
        umask(022);
        assert_int_equal(write_file_atomic(f->dirfd, "b", "x", 1, 0600), 0);
        assert_int_equal(mode_of(f->dir, "b") & 07777, 0600);
        umask(0277);
        assert_int_equal(write_file_atomic(f->dirfd, "c", "x", 1, 0664), 0);
        assert_int_equal(mode_of(f->dir, "c") & 07777, 0664);
        umask(old);
        assert_true(S_ISREG(mode_of(f->dir, "a")));
}

static void test_write_file_atomic_replacement_takes_the_new_mode(void **state) {
        Fixture *f = *state;
        mode_t old = umask(022);

        assert_int_equal(write_file_atomic(f->dirfd, "m", "1", 1, 0644), 0);
        assert_int_equal(write_file_atomic(f->dirfd, "m", "2", 1, 0600), 0);
        umask(old);
        assert_int_equal(mode_of(f->dir, "m") & 07777, 0600);
}

static void test_write_file_atomic_replaces_existing_content(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *got = NULL, *names = NULL;
        size_t len = 0;

        test_write_file(f->dir, "pool.xml", "a much longer old content that must disappear\n");
        assert_int_equal(write_file_atomic(f->dirfd, "pool.xml", "new\n", 4, 0600), 0);
        got = read_all(f->dir, "pool.xml", &len);
        assert_int_equal(len, 4);
        assert_string_equal(got, "new\n");
        names = list_dir(f->dir);
        assert_string_equal(names, "pool.xml");
}

static void test_write_file_atomic_leaves_no_temporary_files(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *names = NULL;

        for (int i = 0; i < 20; i++) {
                char data[32];
                int n = snprintf(data, sizeof(data), "version %d\n", i);

                assert_int_equal(write_file_atomic(f->dirfd, "a.xml", data, (size_t) n, 0600), 0);
                assert_int_equal(write_file_atomic(f->dirfd, "b.xml", data, (size_t) n, 0644), 0);
        }
        names = list_dir(f->dir);
        assert_string_equal(names, "a.xml b.xml");
}

static void test_write_file_atomic_works_with_at_fdcwd(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *got = NULL, *names = NULL;
        int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        size_t len = 0;
        int r;

        assert_true(cwd >= 0);
        assert_int_equal(chdir(f->dir), 0);
        r = write_file_atomic(AT_FDCWD, "cwd.xml", "abc", 3, 0600);
        assert_int_equal(fchdir(cwd), 0);
        close(cwd);
        assert_int_equal(r, 0);
        got = read_all(f->dir, "cwd.xml", &len);
        assert_string_equal(got, "abc");
        names = list_dir(f->dir);
        assert_string_equal(names, "cwd.xml");
}

static void test_write_file_atomic_invalid_dirfd_fails_and_keeps_old_file(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *got = NULL, *names = NULL;
        size_t len = 0;
        int r;

        test_write_file(f->dir, "keep.xml", "old\n");
        r = write_file_atomic(-1, "keep.xml", "new\n", 4, 0600);
        assert_int_equal(r, -EBADF);
        got = read_all(f->dir, "keep.xml", &len);
        assert_string_equal(got, "old\n");
        names = list_dir(f->dir);
        assert_string_equal(names, "keep.xml");
}

static void test_write_file_atomic_over_directory_fails_and_cleans_up(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *sub = xasprintf("%s/d", f->dir), *got = NULL, *names = NULL;
        size_t len = 0;
        int r;

        assert_int_equal(mkdir(sub, 0755), 0);
        test_write_file(sub, "inside", "old\n");
        r = write_file_atomic(f->dirfd, "d", "new\n", 4, 0600);
        assert_true(r < 0);
        assert_true(r == -EISDIR || r == -ENOTEMPTY || r == -EEXIST);
        assert_true(S_ISDIR(mode_of(f->dir, "d")));
        got = read_all(sub, "inside", &len);
        assert_string_equal(got, "old\n");
        names = list_dir(f->dir);
        assert_string_equal(names, "d");
}

static void test_symlink_atomic_creates_symlink(void **state) {
        Fixture *f = *state;
        char target[PATH_MAX];
        ssize_t n;

        assert_int_equal(symlink_atomic("../pool.xml", f->dirfd, "link"), 0);
        n = readlinkat(f->dirfd, "link", target, sizeof(target) - 1);
        assert_true(n > 0);
        target[n] = '\0';
        assert_string_equal(target, "../pool.xml");
        assert_true(S_ISLNK(mode_of(f->dir, "link")));
}

static void test_symlink_atomic_replaces_symlink_and_file(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *names = NULL;
        char target[PATH_MAX];
        ssize_t n;

        assert_int_equal(symlinkat("old-target", f->dirfd, "link"), 0);
        assert_int_equal(symlink_atomic("new-target", f->dirfd, "link"), 0);
        n = readlinkat(f->dirfd, "link", target, sizeof(target) - 1);
        assert_true(n > 0);
        target[n] = '\0';
        assert_string_equal(target, "new-target");

        test_write_file(f->dir, "file", "x");
        assert_int_equal(symlink_atomic("link", f->dirfd, "file"), 0);
        assert_true(S_ISLNK(mode_of(f->dir, "file")));

        names = list_dir(f->dir);
        assert_string_equal(names, "file link");
}

static void test_unlink_durable_removes_file(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *names = NULL;

        test_write_file(f->dir, "gone", "x");
        test_write_file(f->dir, "stays", "x");
        assert_int_equal(unlink_durable(f->dirfd, "gone"), 0);
        names = list_dir(f->dir);
        assert_string_equal(names, "stays");
}

static void test_unlink_durable_of_missing_file_is_0(void **state) {
        Fixture *f = *state;

        assert_int_equal(unlink_durable(f->dirfd, "never-existed"), 0);
}

static void test_unlink_durable_of_directory_fails(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *sub = xasprintf("%s/d", f->dir);

        assert_int_equal(mkdir(sub, 0755), 0);
        assert_true(unlink_durable(f->dirfd, "d") < 0);
        assert_true(S_ISDIR(mode_of(f->dir, "d")));
}

static void test_read_file_bounded_reads_content_nul_terminated(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;

        test_write_file(f->dir, "r", "hello\nworld\n");
        assert_int_equal(read_file_bounded(f->dirfd, "r", 1024, &buf, &len), 0);
        assert_int_equal(len, 12);
        assert_int_equal(buf[len], '\0');
        assert_string_equal(buf, "hello\nworld\n");
}

static void test_read_file_bounded_length_counts_embedded_nul(void **state) {
        Fixture *f = *state;
        static const char data[] = {'a', '\0', 'b'};
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;

        assert_int_equal(write_file_atomic(f->dirfd, "nul", data, sizeof(data), 0600), 0);
        assert_int_equal(read_file_bounded(f->dirfd, "nul", 1024, &buf, &len), 0);
        assert_int_equal(len, 3);
        assert_memory_equal(buf, data, 3);
        assert_int_equal(buf[3], '\0');
}

static void test_read_file_bounded_accepts_exactly_max(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *buf = NULL;
        size_t len = 0;

        test_write_file(f->dir, "ten", "0123456789");
        assert_int_equal(read_file_bounded(f->dirfd, "ten", 10, &buf, &len), 0);
        assert_int_equal(len, 10);
        assert_string_equal(buf, "0123456789");
}

static void test_read_file_bounded_larger_than_max_is_efbig(void **state) {
        Fixture *f = *state;
        char *buf = NULL;
        size_t len = 77;

        test_write_file(f->dir, "eleven", "0123456789a");
        assert_int_equal(read_file_bounded(f->dirfd, "eleven", 10, &buf, &len), -EFBIG);
        assert_null(buf);
        assert_int_equal(len, 77);
        assert_int_equal(read_file_bounded(f->dirfd, "eleven", 0, &buf, &len), -EFBIG);
        assert_null(buf);
}

/* /proc files claim a size of 0: the bound must hold while reading, not only by stat(). */
static void test_read_file_bounded_bounds_files_that_lie_about_their_size(void **state) {
        _cleanup_free_ char *buf = NULL;
        char *none = NULL;
        size_t len = 0;

        assert_int_equal(read_file_bounded(AT_FDCWD, "/proc/self/status", 1 << 20, &buf, &len), 0);
        assert_true(len > 16);
        assert_int_equal(strlen(buf), len);
        assert_true(strncmp(buf, "Name:", 5) == 0);
        assert_int_equal(read_file_bounded(AT_FDCWD, "/proc/self/status", 16, &none, &len), -EFBIG);
        assert_null(none);
}

static void test_read_file_bounded_refuses_directory(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *sub = xasprintf("%s/d", f->dir);
        char *buf = NULL;

        assert_int_equal(mkdir(sub, 0755), 0);
        assert_int_equal(read_file_bounded(f->dirfd, "d", 1024, &buf, NULL), -EISDIR);
        assert_null(buf);
        assert_int_equal(read_file_bounded(AT_FDCWD, f->dir, 1024, &buf, NULL), -EISDIR);
        assert_null(buf);
}

static void blocked_on_fifo(int sig) {
        static const char msg[] = "FAILED: read_file_bounded() blocked opening a FIFO\n";

        (void) !write(STDERR_FILENO, msg, sizeof(msg) - 1);
        _exit(EXIT_FAILURE);
}

static void test_read_file_bounded_refuses_fifo_without_blocking(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *fifo = xasprintf("%s/fifo", f->dir);
        struct timespec t0, t1;
        char *buf = NULL;
        double elapsed;

        assert_int_equal(mkfifo(fifo, 0600), 0);
        /* A blocking open would hang until the harness' timeout: fail fast instead. */
        signal(SIGALRM, blocked_on_fifo);
        alarm(5);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        assert_int_equal(read_file_bounded(f->dirfd, "fifo", 1024, &buf, NULL), -EINVAL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        alarm(0);
        signal(SIGALRM, SIG_DFL);
        assert_null(buf);
        elapsed = (double) (t1.tv_sec - t0.tv_sec) + (double) (t1.tv_nsec - t0.tv_nsec) / 1e9;
        assert_true(elapsed < 2.0);
}

static void test_read_file_bounded_refuses_device(void **state) {
        char *buf = NULL;

        assert_int_equal(read_file_bounded(AT_FDCWD, "/dev/null", 1024, &buf, NULL), -EINVAL);
        assert_null(buf);
}

static void test_read_file_bounded_missing_file_is_enoent(void **state) {
        Fixture *f = *state;
        char *buf = NULL;

        assert_int_equal(read_file_bounded(f->dirfd, "missing", 1024, &buf, NULL), -ENOENT);
        assert_null(buf);
}

static void test_read_file_bounded_reads_empty_file(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *buf = NULL;
        size_t len = 99;

        test_write_file(f->dir, "empty", "");
        assert_int_equal(read_file_bounded(f->dirfd, "empty", 0, &buf, &len), 0);
        assert_non_null(buf);
        assert_int_equal(len, 0);
        assert_string_equal(buf, "");
}

#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)

int main(void) {
        const struct CMUnitTest tests[] = {
                T(test_write_file_atomic_creates_file_with_exact_content),
                T(test_write_file_atomic_writes_binary_data),
                T(test_write_file_atomic_empty_data_gives_empty_file),
                T(test_write_file_atomic_mode_ignores_umask),
                T(test_write_file_atomic_replacement_takes_the_new_mode),
                T(test_write_file_atomic_replaces_existing_content),
                T(test_write_file_atomic_leaves_no_temporary_files),
                T(test_write_file_atomic_works_with_at_fdcwd),
                T(test_write_file_atomic_invalid_dirfd_fails_and_keeps_old_file),
                T(test_write_file_atomic_over_directory_fails_and_cleans_up),
                T(test_symlink_atomic_creates_symlink),
                T(test_symlink_atomic_replaces_symlink_and_file),
                T(test_unlink_durable_removes_file),
                T(test_unlink_durable_of_missing_file_is_0),
                T(test_unlink_durable_of_directory_fails),
                T(test_read_file_bounded_reads_content_nul_terminated),
                T(test_read_file_bounded_length_counts_embedded_nul),
                T(test_read_file_bounded_accepts_exactly_max),
                T(test_read_file_bounded_larger_than_max_is_efbig),
                T(test_read_file_bounded_bounds_files_that_lie_about_their_size),
                T(test_read_file_bounded_refuses_directory),
                T(test_read_file_bounded_refuses_fifo_without_blocking),
                T(test_read_file_bounded_refuses_device),
                T(test_read_file_bounded_missing_file_is_enoent),
                T(test_read_file_bounded_reads_empty_file),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
