/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* latency: how long from a file's creation in a running dir pool's directory until poold
 * says the volume is there, through its control API.
 *
 *   latency -s SOCKET -p POOL -d DIR [-n COUNT] [-i GAP_MS] [-m create|rename]
 *
 * Connects to poold's private socket (peer to peer, as poolctl does), installs a match for
 * org.poold1.Manager.VolumeEvent, then COUNT times: takes CLOCK_MONOTONIC, creates the file
 * DIR/lat-NNNNNN.img (create: open O_CREAT|O_EXCL, ftruncate to 1 GiB, close — as a tool
 * writing in place does; rename: the same file made beside DIR and renamed into it, as tools
 * that publish a finished file do), and waits for VolumeEvent(POOL, name, "Added"). The
 * latency is the time from just before the open (or the rename) to the moment the signal is
 * read off the socket. GAP_MS (default 10, +0..GAP_MS random) separates the samples. The files
 * are removed at the end. Prints count, p50, p90, p99, max and mean in milliseconds, and the
 * p50/p99 of the file system calls alone (open to close, or the rename), which the latency
 * includes: a slow p99 with a slow fs_p99 is the file system's, not poold's; and post_p50 and
 * post_p99, the time from the end of those calls to the signal, sample by sample (0 when
 * poold announced the file before its creator closed it), which is poold's part alone. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

static const char *pool;
static char want[64];
static int seen;
static unsigned long stray;

static double now_ms(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec * 1e3 + (double) ts.tv_nsec / 1e6;
}

static int on_volume_event(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        const char *p, *v, *ev;

        (void) userdata;
        (void) e;
        if (sd_bus_message_read(m, "sss", &p, &v, &ev) < 0)
                return 0;
        if (strcmp(p, pool) == 0 && strcmp(v, want) == 0 && strcmp(ev, "Added") == 0)
                seen = 1;
        else
                stray++;
        return 0;
}

static int cmp_double(const void *a, const void *b) {
        double x = *(const double *) a, y = *(const double *) b;

        return (x > y) - (x < y);
}

static double pct(const double *v, int n, double p) {
        int i = (int) (p * (n - 1) + 0.5);

        return v[i < n ? i : n - 1];
}

int main(int argc, char **argv) {
        const char *sock = NULL, *dir = NULL, *mode = "create";
        int count = 200, gap = 10, c, r, dfd, sfd = -1, got = 0;
        sd_bus *bus = NULL;
        char addr[4200], side[4200];
        double *lat, *fs, *post, sum = 0;

        while ((c = getopt(argc, argv, "s:p:d:n:i:m:")) != -1) {
                switch (c) {
                case 's': sock = optarg; break;
                case 'p': pool = optarg; break;
                case 'd': dir = optarg; break;
                case 'n': count = atoi(optarg); break;
                case 'i': gap = atoi(optarg); break;
                case 'm': mode = optarg; break;
                default: goto usage;
                }
        }
        if (!sock || !pool || !dir || count < 1 || gap < 0 ||
            (strcmp(mode, "create") != 0 && strcmp(mode, "rename") != 0))
                goto usage;

        dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0) {
                perror(dir);
                return 1;
        }
        if (strcmp(mode, "rename") == 0) {
                /* Beside the pool directory, on the same file system. */
                snprintf(side, sizeof(side), "%s.latency-side", dir);
                if (mkdir(side, 0700) < 0 && errno != EEXIST) {
                        perror(side);
                        return 1;
                }
                sfd = open(side, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (sfd < 0) {
                        perror(side);
                        return 1;
                }
        }
        snprintf(addr, sizeof(addr), "unix:path=%s", sock);
        if ((r = sd_bus_new(&bus)) < 0 || (r = sd_bus_set_address(bus, addr)) < 0 ||
            (r = sd_bus_start(bus)) < 0) {
                fprintf(stderr, "latency: cannot connect to %s: %s\n", sock, strerror(-r));
                return 1;
        }
        r = sd_bus_match_signal(bus, NULL, NULL, "/org/poold1", "org.poold1.Manager",
                                "VolumeEvent", on_volume_event, NULL);
        if (r < 0) {
                fprintf(stderr, "latency: cannot add a match: %s\n", strerror(-r));
                return 1;
        }
        lat = calloc((size_t) count, sizeof(double));
        fs = calloc((size_t) count, sizeof(double));
        post = calloc((size_t) count, sizeof(double));
        srand((unsigned) getpid());

        for (int i = 0; i < count; i++) {
                double t0, t1, deadline;
                int fd;

                snprintf(want, sizeof(want), "lat-%06d.img", i);
                seen = 0;
                if (sfd >= 0) {
                        fd = openat(sfd, want, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                        if (fd < 0 || ftruncate(fd, 1LL << 30) < 0 || close(fd) < 0) {
                                perror(want);
                                break;
                        }
                        t0 = now_ms();
                        if (renameat(sfd, want, dfd, want) < 0) {
                                perror("renameat");
                                break;
                        }
                        t1 = now_ms();
                } else {
                        t0 = now_ms();
                        fd = openat(dfd, want, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
                        if (fd < 0 || ftruncate(fd, 1LL << 30) < 0 || close(fd) < 0) {
                                perror(want);
                                break;
                        }
                        t1 = now_ms();
                }
                deadline = t0 + 10000;
                while (!seen) {
                        r = sd_bus_process(bus, NULL);
                        if (r < 0) {
                                fprintf(stderr, "latency: bus: %s\n", strerror(-r));
                                goto out;
                        }
                        if (seen)
                                break;
                        if (r > 0)
                                continue;
                        if (now_ms() > deadline) {
                                fprintf(stderr, "latency: no Added for %s within 10 s\n", want);
                                goto out;
                        }
                        (void) sd_bus_wait(bus, 100000);
                }
                fs[got] = t1 - t0;
                lat[got] = now_ms() - t0;
                post[got] = lat[got] > fs[got] ? lat[got] - fs[got] : 0;
                got++;
                if (gap > 0)
                        usleep((useconds_t) (gap + rand() % (gap + 1)) * 1000);
        }
out:
        for (int i = 0; i < count; i++) {
                snprintf(want, sizeof(want), "lat-%06d.img", i);
                (void) unlinkat(dfd, want, 0);
                if (sfd >= 0)
                        (void) unlinkat(sfd, want, 0);
        }
        if (sfd >= 0)
                (void) rmdir(side);
        sd_bus_flush_close_unref(bus);
        if (got == 0)
                return 1;
        for (int i = 0; i < got; i++)
                sum += lat[i];
        qsort(lat, (size_t) got, sizeof(double), cmp_double);
        qsort(fs, (size_t) got, sizeof(double), cmp_double);
        qsort(post, (size_t) got, sizeof(double), cmp_double);
        printf("mode=%s count=%d p50=%.3f p90=%.3f p99=%.3f max=%.3f mean=%.3f fs_p50=%.3f "
               "fs_p99=%.3f post_p50=%.3f post_p99=%.3f (ms)\n",
               mode, got, pct(lat, got, 0.50), pct(lat, got, 0.90), pct(lat, got, 0.99),
               lat[got - 1], sum / got, pct(fs, got, 0.50), pct(fs, got, 0.99),
               pct(post, got, 0.50), pct(post, got, 0.99));
        return got == count ? 0 : 1;
usage:
        fprintf(stderr, "usage: latency -s SOCKET -p POOL -d DIR [-n COUNT] [-i GAP_MS] "
                        "[-m create|rename]\n");
        return 2;
}
