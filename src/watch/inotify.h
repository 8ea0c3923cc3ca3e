/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-event.h>

#include "shared/macros.h"

/* inotify watchers on an sd-event loop. They translate kernel events into "this name may have
 * changed" callbacks and nothing more: they read no file, decide nothing and coalesce nothing
 * (the consumer marks things dirty and reconciles once per loop iteration). An event may be
 * reported more than once for the same change; a change is never reported zero times, because
 * every way the kernel can lose events (queue overflow, a watched directory replaced) is
 * reported as an overflow: "rescan everything this watcher covers". */

/* ---- The definitions directory ------------------------------------------------------------ */

typedef struct DirWatcher DirWatcher;

typedef struct DirWatcherCallbacks {
        /* DIR/name (subdir NULL) or DIR/autostart/name (subdir "autostart") was created,
         * finished being written (IN_CLOSE_WRITE), renamed in or out, deleted, or had its
         * attributes changed. A new regular file is reported when it is closed after writing,
         * not when it is created, so a half-written definition is never read; symlinks and
         * hard links are reported at creation (they are complete then). Every name is
         * reported, temporary files included: the consumer decides which names matter. */
        void (*on_file)(void *userdata, const char *subdir, const char *name);
        /* Events were lost (the kernel queue overflowed) or a watched directory was deleted,
         * moved, re-created or appeared late: re-read the whole directory, autostart/
         * included. */
        void (*on_overflow)(void *userdata);
} DirWatcherCallbacks;

/* Watches dir and dir/autostart on a private inotify instance (so that a storm in a pool
 * directory cannot overflow the definitions' queue). dir/autostart may appear later; it is
 * watched from then on, and its entries at that moment are reported through on_file. If dir
 * itself is missing (now or later), its parent is watched for it to come back, or failing
 * that, it is retried periodically; each return is reported as an overflow.
 *
 * Subscribe first, then enumerate: create the watcher, then read the directory.
 * The watcher must not be freed from its own callbacks. */
int dir_watcher_new(sd_event *e, const char *dir, const DirWatcherCallbacks *cb, void *userdata,
                    DirWatcher **ret);
DirWatcher *dir_watcher_free(DirWatcher *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(DirWatcher *, dir_watcher_free);
#define _cleanup_dir_watcher_ _cleanup_(dir_watcher_freep)

/* ---- Pool target directories -------------------------------------------------------------- */

/* One inotify instance for all pool directories: fs.inotify.max_user_instances is small
 * (128 by default, for every program of the user), watches are cheap. */
typedef struct Inotify Inotify;
typedef struct PoolDirWatch PoolDirWatch;

typedef struct PoolDirWatchCallbacks {
        /* An entry of the directory was created, finished being written (IN_CLOSE_WRITE),
         * renamed in or out, deleted or had its attributes changed. A new regular file is
         * reported at creation and again each time a writer closes it: a file copied in shows
         * up complete at the end, and one created and kept open (an image a VM is writing)
         * still shows up at once. The consumer coalesces. */
        void (*on_entry)(void *userdata, const char *name);
        /* Events were lost: rescan the whole directory. Every pool directory on the same
         * Inotify gets it, since the kernel does not say whose events were dropped. */
        void (*on_overflow)(void *userdata);
        /* The directory itself was deleted, moved away or unmounted: the watch is dead and
         * reports nothing more. Called at most once. Free the watch (from here if you like)
         * and, if the directory comes back, create a new one. */
        void (*on_gone)(void *userdata);
} PoolDirWatchCallbacks;

int inotify_new(sd_event *e, Inotify **ret);
/* Frees the instance (not from a watch's callback). Watches still alive are detached (they
 * report nothing more) and must still be freed by their owners. */
Inotify *inotify_free(Inotify *in);
DEFINE_TRIVIAL_CLEANUP_FUNC(Inotify *, inotify_free);
#define _cleanup_inotify_ _cleanup_(inotify_freep)

/* Watches the directory path (following symlinks; -ENOTDIR if it is not a directory).
 * Note that the watch is on the inode: a file system mounted over path afterwards is not
 * seen, so watch a mount point after mounting. Two watches of the same directory each get
 * every event. May be called from any watcher callback. */
int pool_dir_watch_new(Inotify *in, const char *path, const PoolDirWatchCallbacks *cb,
                       void *userdata, PoolDirWatch **ret);
/* May be called from the watch's own callbacks. */
PoolDirWatch *pool_dir_watch_free(PoolDirWatch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(PoolDirWatch *, pool_dir_watch_free);
#define _cleanup_pool_dir_watch_ _cleanup_(pool_dir_watch_freep)

const char *pool_dir_watch_get_path(const PoolDirWatch *w);
/* false once on_gone was reported. */
bool pool_dir_watch_is_alive(const PoolDirWatch *w);
