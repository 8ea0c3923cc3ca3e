/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <dirent.h>
#include <fcntl.h>
#include <libgen.h>
#include <sys/inotify.h>
#include <sys/stat.h>

#include "shared/log.h"
#include "shared/path.h"
#include "watch/inotify.h"

/* 64 KiB holds about 2,000 events with names; a storm takes a few reads. */
#define INOTIFY_BUFFER_SIZE (64U * 1024U)
/* Reads per wake-up before the loop gets a turn: the default queue (16,384 events) fits in
 * far fewer, so this only matters when writers outpace us, and then the source, being
 * level-triggered, fires again at once. */
#define INOTIFY_READS_MAX 64

#define AUTOSTART_DIR "autostart"
/* How often a definitions directory that vanished together with its parent is looked for. */
#define DIR_RETRY_USEC (5U * 1000000U)

/* What a changed entry looks like. IN_MODIFY is left out on purpose: every write of a running
 * VM's image would wake us; IN_CLOSE_WRITE says when a writer is done. */
#define ENTRY_EVENTS                                                                               \
        (IN_CREATE | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB)
#define SELF_GONE_EVENTS (IN_DELETE_SELF | IN_MOVE_SELF | IN_UNMOUNT | IN_IGNORED)
/* IN_EXCL_UNLINK: an image deleted while a VM still has it open is gone for us. */
#define DIR_MASK    (ENTRY_EVENTS | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_EXCL_UNLINK)
#define PARENT_MASK (IN_CREATE | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

typedef void (*inotify_event_fn)(const struct inotify_event *ev, void *userdata);

static int inotify_fd_open(void) {
        int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

        return fd < 0 ? -errno : fd;
}

/* Reads every queued event (until EAGAIN, or INOTIFY_READS_MAX reads) and hands each to fn.
 * Never blocks: the fd is non-blocking. Returns 0, or a negative errno when reading failed
 * (events may then be lost). */
static int inotify_fd_drain(int fd, uint8_t *buf, inotify_event_fn fn, void *userdata) {
        for (unsigned i = 0; i < INOTIFY_READS_MAX; i++) {
                ssize_t n = read(fd, buf, INOTIFY_BUFFER_SIZE);

                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return errno == EAGAIN ? 0 : -errno;
                }
                if (n == 0)
                        return 0;
                for (ssize_t off = 0; off < n;) {
                        const struct inotify_event *ev = (const struct inotify_event *) (buf + off);

                        fn(ev, userdata);
                        off += sizeof(*ev) + ev->len;
                }
        }
        return 0;
}

/* The path, or a component of it, does not exist (yet). */
static bool errno_is_absent(int e) {
        return e == ENOENT || e == ENOTDIR;
}

static const char *inotify_event_name(const struct inotify_event *ev) {
        return ev->len > 0 ? ev->name : NULL;
}

/* ---- DirWatcher ---- */

struct DirWatcher {
        sd_event *event;
        sd_event_source *io;
        sd_event_source *retry; /* looks for dir while neither it nor its parent exist */
        int fd;
        char *dir;
        char *parent; /* dirname(dir) and basename(dir): where dir reappears */
        char *base;
        int wd_dir, wd_autostart, wd_parent; /* -1 when not watched */
        DirWatcherCallbacks cb;
        void *userdata;
        uint8_t *buf;
};

static void dir_watcher_report_file(DirWatcher *w, const char *subdir, const char *name) {
        if (w->cb.on_file)
                w->cb.on_file(w->userdata, subdir, name);
}

static void dir_watcher_report_overflow(DirWatcher *w) {
        if (w->cb.on_overflow)
                w->cb.on_overflow(w->userdata);
}

static void dir_watcher_unwatch(DirWatcher *w, int *wd) {
        /* The kernel may have dropped it already (EINVAL): fine. */
        if (*wd >= 0)
                (void) inotify_rm_watch(w->fd, *wd);
        *wd = -1;
}

/* Reports every entry of dir/autostart: it appeared with links already in it (moved in, or
 * filled before our watch was added). */
static void dir_watcher_enumerate_autostart(DirWatcher *w) {
        _cleanup_free_ char *path = path_join(w->dir, AUTOSTART_DIR);
        DIR *d = opendir(path);
        struct dirent *de;

        if (!d) {
                log_debug_errno(-errno, "Cannot list %s, ignoring: %m", path);
                return;
        }
        while ((de = readdir(d)))
                if (!streq(de->d_name, ".") && !streq(de->d_name, ".."))
                        dir_watcher_report_file(w, AUTOSTART_DIR, de->d_name);
        closedir(d);
}

/* Watches dir/autostart if it exists. Returns 1 if watched, 0 if absent, negative errno. */
static int dir_watcher_attach_autostart(DirWatcher *w) {
        _cleanup_free_ char *path = path_join(w->dir, AUTOSTART_DIR);
        int wd;

        dir_watcher_unwatch(w, &w->wd_autostart);
        wd = inotify_add_watch(w->fd, path, DIR_MASK);
        if (wd < 0)
                return errno_is_absent(errno) ? 0 : -errno;
        w->wd_autostart = wd;
        return 1;
}

static int dir_watcher_on_retry(sd_event_source *s, uint64_t usec, void *userdata);

static void dir_watcher_arm_retry(DirWatcher *w) {
        int r;

        if (w->retry)
                return;
        r = sd_event_add_time_relative(w->event, &w->retry, CLOCK_MONOTONIC, DIR_RETRY_USEC,
                                       DIR_RETRY_USEC / 5, dir_watcher_on_retry, w);
        if (r < 0)
                log_warning_errno(r,
                                  "Cannot arm a retry timer for %s, it will not be watched "
                                  "again if it comes back: %m",
                                  w->dir);
}

/* Watches dir (and autostart/ in it), or, while dir is absent, its parent for dir to appear,
 * or failing that a timer. Returns 1 when dir is watched, 0 when waiting for it, negative
 * errno on other errors. */
static int dir_watcher_attach(DirWatcher *w) {
        int wd, r;

        for (unsigned attempt = 0; attempt < 2; attempt++) {
                wd = inotify_add_watch(w->fd, w->dir, DIR_MASK);
                if (wd >= 0) {
                        w->wd_dir = wd;
                        dir_watcher_unwatch(w, &w->wd_parent);
                        w->retry = sd_event_source_disable_unref(w->retry);
                        r = dir_watcher_attach_autostart(w);
                        return r < 0 ? r : 1;
                }
                if (!errno_is_absent(errno))
                        return -errno;
                if (attempt > 0)
                        break;
                /* Watch the parent, then look again: dir may have appeared in between. */
                wd = inotify_add_watch(w->fd, w->parent, PARENT_MASK);
                if (wd >= 0)
                        w->wd_parent = wd;
        }
        if (w->wd_parent < 0)
                dir_watcher_arm_retry(w);
        return 0;
}

/* A watched directory vanished: re-watch what can be, and tell the user to rescan. */
static void dir_watcher_dir_lost(DirWatcher *w) {
        int r;

        log_debug("%s was deleted, moved or unmounted, rescanning", w->dir);
        dir_watcher_unwatch(w, &w->wd_dir);
        dir_watcher_unwatch(w, &w->wd_autostart);
        r = dir_watcher_attach(w);
        if (r < 0)
                log_warning_errno(r, "Cannot watch %s: %m", w->dir);
        dir_watcher_report_overflow(w);
}

static void dir_watcher_autostart_lost(DirWatcher *w) {
        if (w->wd_autostart < 0)
                return;
        dir_watcher_unwatch(w, &w->wd_autostart);
        dir_watcher_report_overflow(w);
}

static void dir_watcher_autostart_appeared(DirWatcher *w) {
        int r = dir_watcher_attach_autostart(w);

        if (r < 0)
                log_warning_errno(r, "Cannot watch %s/" AUTOSTART_DIR ": %m", w->dir);
        else if (r > 0)
                dir_watcher_enumerate_autostart(w);
}

/* A new regular file is still being written when IN_CREATE arrives: it is reported at
 * IN_CLOSE_WRITE. Anything else is complete when it appears: a symlink, or a hard link
 * (link count above one) to an existing file. */
static bool dir_watcher_created_complete(DirWatcher *w, const char *subdir, const char *name) {
        _cleanup_free_ char *path =
                subdir ? xasprintf("%s/%s/%s", w->dir, subdir, name) : path_join(w->dir, name);
        struct stat st;

        if (fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
                /* Gone already: its deletion or rename is in the queue and will be reported. */
                return errno != ENOENT;
        return !S_ISREG(st.st_mode) || st.st_nlink > 1;
}

static void dir_watcher_entry_event(DirWatcher *w, const char *subdir,
                                    const struct inotify_event *ev) {
        const char *name = inotify_event_name(ev);

        if (!name || !(ev->mask & ENTRY_EVENTS))
                return;
        if (ev->mask & IN_ISDIR) {
                /* Only autostart/ matters among subdirectories. */
                if (subdir || !streq(name, AUTOSTART_DIR))
                        return;
                if (ev->mask & (IN_CREATE | IN_MOVED_TO))
                        dir_watcher_autostart_appeared(w);
                else if (ev->mask & (IN_DELETE | IN_MOVED_FROM))
                        dir_watcher_autostart_lost(w);
                return;
        }
        if ((ev->mask & IN_CREATE) && !dir_watcher_created_complete(w, subdir, name))
                return;
        dir_watcher_report_file(w, subdir, name);
}

static void dir_watcher_parent_event(DirWatcher *w, const struct inotify_event *ev) {
        const char *name = inotify_event_name(ev);
        int r;

        if (ev->mask & SELF_GONE_EVENTS) {
                /* The parent went too; the timer takes over. */
                dir_watcher_unwatch(w, &w->wd_parent);
                (void) dir_watcher_attach(w);
                return;
        }
        if (!name || !streq(name, w->base))
                return;
        r = dir_watcher_attach(w);
        if (r < 0)
                log_warning_errno(r, "Cannot watch %s: %m", w->dir);
        else if (r > 0)
                dir_watcher_report_overflow(w);
}

static void dir_watcher_dispatch(const struct inotify_event *ev, void *userdata) {
        DirWatcher *w = userdata;

        if (ev->mask & IN_Q_OVERFLOW) {
                log_debug("inotify queue of %s overflowed, rescanning", w->dir);
                dir_watcher_report_overflow(w);
        } else if (ev->wd == w->wd_dir) {
                if (ev->mask & SELF_GONE_EVENTS)
                        dir_watcher_dir_lost(w);
                else
                        dir_watcher_entry_event(w, NULL, ev);
        } else if (ev->wd == w->wd_autostart) {
                if (ev->mask & SELF_GONE_EVENTS)
                        dir_watcher_autostart_lost(w);
                else
                        dir_watcher_entry_event(w, AUTOSTART_DIR, ev);
        } else if (ev->wd == w->wd_parent)
                dir_watcher_parent_event(w, ev);
        /* Anything else is about a watch dropped earlier (its IN_IGNORED, late events). */
}

static int dir_watcher_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        DirWatcher *w = userdata;
        int r;

        r = inotify_fd_drain(fd, w->buf, dir_watcher_dispatch, w);
        if (r < 0) {
                log_warning_errno(r, "Cannot read inotify events for %s, rescanning: %m", w->dir);
                dir_watcher_report_overflow(w);
        }
        return 0;
}

static int dir_watcher_on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        DirWatcher *w = userdata;
        int r;

        w->retry = sd_event_source_unref(w->retry);
        r = dir_watcher_attach(w);
        if (r < 0)
                log_warning_errno(r, "Cannot watch %s: %m", w->dir);
        else if (r > 0)
                dir_watcher_report_overflow(w);
        return 0;
}

DirWatcher *dir_watcher_free(DirWatcher *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->io);
        sd_event_source_disable_unref(w->retry);
        sd_event_unref(w->event);
        if (w->fd >= 0)
                close(w->fd);
        free(w->dir);
        free(w->parent);
        free(w->base);
        free(w->buf);
        free(w);
        return NULL;
}

int dir_watcher_new(sd_event *e, const char *dir, const DirWatcherCallbacks *cb, void *userdata,
                    DirWatcher **ret) {
        _cleanup_dir_watcher_ DirWatcher *w = NULL;
        _cleanup_free_ char *copy = NULL;
        int r;

        if (!e || isempty(dir) || !cb || !ret)
                return -EINVAL;

        w = xcalloc(1, sizeof(*w));
        w->fd = w->wd_dir = w->wd_autostart = w->wd_parent = -1;
        w->event = sd_event_ref(e);
        w->dir = path_sanitize(dir);
        copy = xstrdup(w->dir);
        w->parent = xstrdup(dirname(copy));
        free(copy);
        copy = xstrdup(w->dir);
        w->base = xstrdup(basename(copy));
        w->cb = *cb;
        w->userdata = userdata;
        w->buf = xmalloc(INOTIFY_BUFFER_SIZE);

        w->fd = inotify_fd_open();
        if (w->fd < 0)
                return w->fd;
        r = sd_event_add_io(e, &w->io, w->fd, EPOLLIN, dir_watcher_on_io, w);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(w->io, "inotify-definitions");

        r = dir_watcher_attach(w);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(w);
        return 0;
}

/* ---- Inotify and PoolDirWatch ---- */

/* wd -> watch, sorted by wd. Several watches may share a wd: the kernel hands out one wd per
 * inode and fd, so two pools with the same directory share it. */
typedef struct WdEntry {
        int wd;
        PoolDirWatch *watch;
} WdEntry;

struct Inotify {
        sd_event_source *io;
        int fd;
        WdEntry *wds;
        size_t n_wds;
        PoolDirWatch *watches;  /* every watch not yet freed, for detaching and for sweeping */
        PoolDirWatch **scratch; /* the watches one event goes to */
        size_t n_scratch_alloc;
        bool dispatching;
        uint8_t *buf;
};

struct PoolDirWatch {
        Inotify *inotify; /* NULL once the Inotify was freed */
        PoolDirWatch *prev, *next;
        char *path;
        int wd;    /* -1 when no longer watched */
        bool gone; /* on_gone was reported (or the Inotify went away) */
        bool dead; /* freed during dispatch: released when the dispatch is over */
        PoolDirWatchCallbacks cb;
        void *userdata;
};

static size_t inotify_wd_first(const Inotify *in, int wd) {
        size_t lo = 0, hi = in->n_wds;

        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;

                if (in->wds[mid].wd < wd)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return lo;
}

static void inotify_wd_add(Inotify *in, int wd, PoolDirWatch *w) {
        size_t i = inotify_wd_first(in, wd);

        in->wds = xrealloc(in->wds, sizeof(WdEntry) * (in->n_wds + 1));
        memmove(in->wds + i + 1, in->wds + i, sizeof(WdEntry) * (in->n_wds - i));
        in->wds[i] = (WdEntry){.wd = wd, .watch = w};
        in->n_wds++;
}

/* Removes w's entry; returns true if it was the last one for its wd. */
static bool inotify_wd_remove(Inotify *in, int wd, PoolDirWatch *w) {
        size_t i = inotify_wd_first(in, wd);
        bool others = false;

        for (size_t j = i; j < in->n_wds && in->wds[j].wd == wd; j++)
                if (in->wds[j].watch == w) {
                        memmove(in->wds + j, in->wds + j + 1,
                                sizeof(WdEntry) * (in->n_wds - j - 1));
                        in->n_wds--;
                        break;
                }
        for (size_t j = i; j < in->n_wds && in->wds[j].wd == wd; j++)
                others = true;
        return !others;
}

/* Copies the watches an event for wd goes to (every live one for wd < 0), so that callbacks
 * may add and free watches while the event is delivered. */
static size_t inotify_snapshot(Inotify *in, int wd) {
        size_t first = wd < 0 ? 0 : inotify_wd_first(in, wd), n = 0;

        for (size_t j = first; j < in->n_wds && (wd < 0 || in->wds[j].wd == wd); j++) {
                if (n >= in->n_scratch_alloc) {
                        in->n_scratch_alloc =
                                in->n_scratch_alloc > 0 ? in->n_scratch_alloc * 2 : 16;
                        in->scratch =
                                xrealloc(in->scratch, sizeof(PoolDirWatch *) * in->n_scratch_alloc);
                }
                in->scratch[n++] = in->wds[j].watch;
        }
        return n;
}

static void pool_dir_watch_unwatch(PoolDirWatch *w) {
        if (!w->inotify || w->wd < 0)
                return;
        /* The kernel may have dropped the watch already (EINVAL): fine. */
        if (inotify_wd_remove(w->inotify, w->wd, w))
                (void) inotify_rm_watch(w->inotify->fd, w->wd);
        w->wd = -1;
}

static void pool_dir_watch_dispatch(PoolDirWatch *w, const struct inotify_event *ev) {
        const char *name = inotify_event_name(ev);

        if (ev->mask & IN_Q_OVERFLOW) {
                if (w->cb.on_overflow)
                        w->cb.on_overflow(w->userdata);
        } else if (ev->mask & SELF_GONE_EVENTS) {
                if (w->gone)
                        return;
                /* After IN_MOVE_SELF the kernel keeps following the inode to its new place:
                 * drop the watch, what happens there is no longer the pool's business. */
                pool_dir_watch_unwatch(w);
                w->gone = true;
                log_debug("Pool directory %s is gone", w->path);
                if (w->cb.on_gone)
                        w->cb.on_gone(w->userdata);
        } else if (name && (ev->mask & ENTRY_EVENTS) && w->cb.on_entry)
                w->cb.on_entry(w->userdata, name);
}

static void inotify_dispatch(const struct inotify_event *ev, void *userdata) {
        Inotify *in = userdata;
        /* IN_Q_OVERFLOW comes with wd -1 and concerns every watch. */
        size_t n = inotify_snapshot(in, ev->mask & IN_Q_OVERFLOW ? -1 : ev->wd);

        if (ev->mask & IN_Q_OVERFLOW)
                log_debug("inotify queue of pool directories overflowed, rescanning");
        for (size_t i = 0; i < n; i++)
                if (!in->scratch[i]->dead)
                        pool_dir_watch_dispatch(in->scratch[i], ev);
}

static void pool_dir_watch_release(PoolDirWatch *w) {
        if (w->inotify) {
                if (w->prev)
                        w->prev->next = w->next;
                else
                        w->inotify->watches = w->next;
                if (w->next)
                        w->next->prev = w->prev;
        }
        free(w->path);
        free(w);
}

/* Releases the watches freed by callbacks during the dispatch. */
static void inotify_sweep(Inotify *in) {
        PoolDirWatch *next;

        for (PoolDirWatch *w = in->watches; w; w = next) {
                next = w->next;
                if (w->dead)
                        pool_dir_watch_release(w);
        }
}

static int inotify_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Inotify *in = userdata;
        int r;

        in->dispatching = true;
        r = inotify_fd_drain(fd, in->buf, inotify_dispatch, in);
        if (r < 0) {
                /* Events may be lost: the same as an overflow. */
                struct inotify_event ev = {.wd = -1, .mask = IN_Q_OVERFLOW};

                log_warning_errno(r, "Cannot read inotify events of pool directories, "
                                     "rescanning: %m");
                inotify_dispatch(&ev, in);
        }
        in->dispatching = false;
        inotify_sweep(in);
        return 0;
}

int inotify_new(sd_event *e, Inotify **ret) {
        _cleanup_inotify_ Inotify *in = NULL;
        int r;

        if (!e || !ret)
                return -EINVAL;
        in = xcalloc(1, sizeof(*in));
        in->fd = -1;
        in->buf = xmalloc(INOTIFY_BUFFER_SIZE);
        in->fd = inotify_fd_open();
        if (in->fd < 0)
                return in->fd;
        r = sd_event_add_io(e, &in->io, in->fd, EPOLLIN, inotify_on_io, in);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(in->io, "inotify-pools");
        *ret = TAKE_PTR(in);
        return 0;
}

Inotify *inotify_free(Inotify *in) {
        PoolDirWatch *next;

        if (!in)
                return NULL;
        for (PoolDirWatch *w = in->watches; w; w = next) {
                next = w->next;
                w->inotify = NULL;
                w->wd = -1;
                w->gone = true;
                w->prev = w->next = NULL;
        }
        sd_event_source_disable_unref(in->io);
        if (in->fd >= 0)
                close(in->fd);
        free(in->wds);
        free(in->scratch);
        free(in->buf);
        free(in);
        return NULL;
}

int pool_dir_watch_new(Inotify *in, const char *path, const PoolDirWatchCallbacks *cb,
                       void *userdata, PoolDirWatch **ret) {
        PoolDirWatch *w;
        int wd;

        if (!in || isempty(path) || !cb || !ret)
                return -EINVAL;
        wd = inotify_add_watch(in->fd, path, DIR_MASK);
        if (wd < 0)
                return -errno;

        w = xcalloc(1, sizeof(*w));
        w->inotify = in;
        w->path = xstrdup(path);
        w->wd = wd;
        w->cb = *cb;
        w->userdata = userdata;
        w->next = in->watches;
        if (in->watches)
                in->watches->prev = w;
        in->watches = w;
        inotify_wd_add(in, wd, w);
        *ret = w;
        return 0;
}

PoolDirWatch *pool_dir_watch_free(PoolDirWatch *w) {
        if (!w)
                return NULL;
        pool_dir_watch_unwatch(w);
        if (w->inotify && w->inotify->dispatching) {
                /* An event being delivered may still point at w: release it afterwards. */
                w->dead = true;
                w->cb = (PoolDirWatchCallbacks){};
                return NULL;
        }
        pool_dir_watch_release(w);
        return NULL;
}

const char *pool_dir_watch_get_path(const PoolDirWatch *w) {
        return w ? w->path : NULL;
}

bool pool_dir_watch_is_alive(const PoolDirWatch *w) {
        return w && !w->gone && w->wd >= 0;
}
