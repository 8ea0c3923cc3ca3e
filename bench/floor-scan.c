/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* floor-scan: the least a refresh of a dir pool can cost, to compare poold against.
 *
 *   floor-scan [-m full|stat] [-t THREADS] [-r RUNS] [-x] DIR
 *
 * full: getdents64, then per entry openat(O_RDONLY|O_NOATIME|O_NOFOLLOW), pread of the first
 *       4 KiB (the image header), fstat, close — what a first refresh must do at the least.
 * stat: getdents64, then fstatat(AT_SYMLINK_NOFOLLOW) per entry — what a refresh of an
 *       unchanged pool must do at the least (a file whose stat did not move needs no header).
 * -x:   (diagnosis) full, plus the 5-byte pread at offset 32769 that an ISO probe makes on
 *       every file larger than that: what it adds to a scan.
 *
 * The entries are read on the calling thread; THREADS threads (the caller among them) then
 * share them, taking 64 at a time. One untimed run warms the caches, then RUNS timed runs;
 * prints the median and the minimum in seconds, and the entry count. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define DENTS_BUF (1 << 20)
#define CHUNK     64
#define HEADER    4096

struct linux_dirent64 {
        unsigned long long d_ino;
        long long d_off;
        unsigned short d_reclen;
        unsigned char d_type;
        char d_name[];
};

static int full_mode = 1;
static int iso_read; /* -x: also the 5-byte read at 32769 an ISO probe makes (diagnosis) */
static int dirfd_g = -1;
static char **names;
static size_t n_names, cap_names;
static atomic_size_t next;
static atomic_ulong sink; /* keeps the compiler from dropping the work */

static double now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void die(const char *what) {
        fprintf(stderr, "floor-scan: %s: %s\n", what, strerror(errno));
        exit(1);
}

static void read_names(int fd) {
        static char buf[DENTS_BUF];

        if (lseek(fd, 0, SEEK_SET) < 0)
                die("lseek");
        for (size_t i = 0; i < n_names; i++)
                free(names[i]);
        n_names = 0;
        for (;;) {
                long n = syscall(SYS_getdents64, fd, buf, sizeof(buf));

                if (n < 0)
                        die("getdents64");
                if (n == 0)
                        break;
                for (long off = 0; off < n;) {
                        struct linux_dirent64 *d = (struct linux_dirent64 *) (buf + off);

                        off += d->d_reclen;
                        if (d->d_name[0] == '.' &&
                            (d->d_name[1] == '\0' || (d->d_name[1] == '.' && d->d_name[2] == '\0')))
                                continue;
                        if (n_names == cap_names) {
                                cap_names = cap_names ? cap_names * 2 : 4096;
                                names = realloc(names, cap_names * sizeof(char *));
                                if (!names)
                                        die("realloc");
                        }
                        names[n_names++] = strdup(d->d_name);
                }
        }
}

static void *worker(void *arg) {
        char *buf = aligned_alloc(4096, HEADER);
        unsigned long acc = 0;

        (void) arg;
        for (;;) {
                size_t start = atomic_fetch_add(&next, CHUNK);

                if (start >= n_names)
                        break;
                size_t end = start + CHUNK < n_names ? start + CHUNK : n_names;
                for (size_t i = start; i < end; i++) {
                        struct stat st;

                        if (!full_mode) {
                                if (fstatat(dirfd_g, names[i], &st, AT_SYMLINK_NOFOLLOW) == 0)
                                        acc += (unsigned long) st.st_size;
                                continue;
                        }
                        int fd = openat(dirfd_g, names[i],
                                        O_RDONLY | O_NOATIME | O_NOFOLLOW | O_NONBLOCK |
                                                O_NOCTTY | O_CLOEXEC);
                        if (fd < 0 && errno == EPERM)
                                fd = openat(dirfd_g, names[i],
                                            O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
                                                    O_CLOEXEC);
                        if (fd < 0)
                                continue;
                        ssize_t r = pread(fd, buf, HEADER, 0);
                        if (r > 0)
                                acc += (unsigned char) buf[0];
                        if (iso_read && pread(fd, buf, 5, 32769) > 0)
                                acc += (unsigned char) buf[0];
                        if (fstat(fd, &st) == 0)
                                acc += (unsigned long) st.st_blocks;
                        close(fd);
                }
        }
        atomic_fetch_add(&sink, acc);
        free(buf);
        return NULL;
}

static double one_run(const char *dir, int threads) {
        pthread_t tids[64];
        double t0 = now();

        dirfd_g = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dirfd_g < 0)
                die(dir);
        read_names(dirfd_g);
        atomic_store(&next, 0);
        for (int i = 1; i < threads; i++)
                if (pthread_create(&tids[i], NULL, worker, NULL) != 0)
                        die("pthread_create");
        worker(NULL);
        for (int i = 1; i < threads; i++)
                pthread_join(tids[i], NULL);
        close(dirfd_g);
        return now() - t0;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return (x > y) - (x < y);
}

int main(int argc, char **argv) {
        int threads = 1, runs = 5, c;
        double *t;

        while ((c = getopt(argc, argv, "m:t:r:x")) != -1) {
                switch (c) {
                case 'm':
                        if (strcmp(optarg, "full") == 0)
                                full_mode = 1;
                        else if (strcmp(optarg, "stat") == 0)
                                full_mode = 0;
                        else
                                goto usage;
                        break;
                case 't': threads = atoi(optarg); break;
                case 'r': runs = atoi(optarg); break;
                case 'x': iso_read = 1; break;
                default: goto usage;
                }
        }
        if (optind != argc - 1 || threads < 1 || threads > 64 || runs < 1)
                goto usage;

        (void) one_run(argv[optind], threads); /* warm-up */
        t = calloc((size_t) runs, sizeof(double));
        for (int i = 0; i < runs; i++)
                t[i] = one_run(argv[optind], threads);
        qsort(t, (size_t) runs, sizeof(double), cmp_double);
        printf("mode=%s%s threads=%d entries=%zu median=%.4f min=%.4f\n",
               full_mode ? "full" : "stat", iso_read ? "+iso" : "", threads, n_names,
               t[runs / 2], t[0]);
        return 0;
usage:
        fprintf(stderr, "usage: floor-scan [-m full|stat] [-t THREADS] [-r RUNS] [-x] DIR\n");
        return 2;
}
