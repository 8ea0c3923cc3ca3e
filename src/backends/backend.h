/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <sys/stat.h>

#include "conf/pool-def.h"
#include "backends/known-files.h"
#include "conf/vol-def.h"
#include "shared/error.h"

/* One vtable per pool type, as libvirt's storage backends. Every entry may block (mount, mkfs,
 * scanning 100,000 files): the reconciler calls them from job threads, never on the event
 * loop, and never two at once for the same pool. A backend touches only the storage its
 * definition names, never the loop, never another pool. Entries are NULL where a type cannot
 * do a thing; the caller then answers as libvirt does ("storage pool does not support ...").
 *
 * Return convention: 0 or a positive value as documented, else a negative errno with a
 * user-facing reason in err. -ENODEV / -ENOENT from start or check mean "what the pool needs
 * is absent" (a device, a directory, a share): the reconciler then waits instead of failing. */

/* One volume found by a refresh, with the file facts the incremental refresh uses to tell an
 * unchanged file from a changed one (st_ino, st_size, st_mtim, st_ctim). */
typedef struct FoundVolume {
        VolDef *def;
        struct stat st;
} FoundVolume;

/* A file a full refresh found as the caller knew it (RefreshResult.known): the caller's
 * volume of that name stands; only the access time may have moved. */
typedef struct UnchangedFile {
        const char *name; /* borrowed from RefreshResult.known */
        struct timespec atime;
} UnchangedFile;

/* What a refresh found. Warnings are files skipped on purpose (a FIFO, a dangling link, a
 * permission error), reported, never fatal. */
typedef struct RefreshResult {
        /* In, may be NULL: what the caller knows, borrowed for the call and the result's life.
         * A backend that can tell from a file's facts that it did not move lists it in
         * unchanged instead of reading it again (dir and fs pools); others ignore it. */
        const KnownFiles *known;
        UnchangedFile *unchanged;
        size_t n_unchanged;
        FoundVolume *vols;
        size_t n_vols;
        PoolSizes sizes;
        /* The target directory's mode, owner and group as found (libvirt shows these in the
         * live XML of a running pool); has_target_st false when the backend has none. */
        bool has_target_st;
        struct stat target_st;
        char **warnings;
        size_t n_warnings;
} RefreshResult;

void refresh_result_done(RefreshResult *r);
void refresh_result_add(RefreshResult *r, VolDef *def, const struct stat *st);
void refresh_result_add_unchanged(RefreshResult *r, const char *name, const struct timespec *atime);
void refresh_result_warn(RefreshResult *r, const char *fmt, ...) _printf_(2, 3);
/* Appends from's volumes, unchanged files and warnings to r (a scan's parts), emptying from. */
void refresh_result_take(RefreshResult *r, RefreshResult *from);

/* The result of refreshing named entries only: for each name, the volume as it is now, or
 * NULL def when the name no longer is a volume (deleted, renamed away, now a FIFO...). */
typedef struct NamedRefresh {
        char *name;
        FoundVolume found; /* found.def NULL: gone */
} NamedRefresh;

/* Flags of build (virsh pool-build) and of volume operations. */
enum {
        BUILD_OVERWRITE = 1 << 0,
        BUILD_NO_OVERWRITE = 1 << 1,
};
enum {
        VOL_CREATE_PREALLOC_METADATA = 1 << 0,
        VOL_CREATE_REFLINK = 1 << 1,
};
enum {
        VOL_RESIZE_ALLOCATE = 1 << 0,
        VOL_RESIZE_DELTA = 1 << 1,
        VOL_RESIZE_SHRINK = 1 << 2,
};
/* libvirt's VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM and VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM. */
enum {
        VOL_UPLOAD_SPARSE = 1 << 0,
};
enum {
        VOL_DOWNLOAD_SPARSE = 1 << 0,
};

typedef enum WipeAlgorithm {
        WIPE_ZERO,
        WIPE_NNSA,
        WIPE_DOD,
        WIPE_BSI,
        WIPE_GUTMANN,
        WIPE_SCHNEIER,
        WIPE_PFITZNER7,
        WIPE_PFITZNER33,
        WIPE_RANDOM,
        WIPE_TRIM,
        _WIPE_ALGORITHM_MAX,
} WipeAlgorithm;

const char *wipe_algorithm_to_string(WipeAlgorithm a);
int wipe_algorithm_from_string(const char *s);

/* What a pool depends on, so watchers can route events to it. */
typedef struct PoolDeps {
        char *watch_dir; /* a directory whose entries are the volumes (dir, fs, netfs) */
        bool poll_dir;   /* inotify cannot see everything there (netfs): refresh periodically */
        /* The block devices the pool needs, as its definition names them (a devnode or any
         * /dev/disk/by-* link), NULL-terminated; NULL when it needs none. A udev device
         * concerns the pool when one of udev_device_match_names() equals one of these. */
        char **devices;
        /* Where the pool mounts its storage (fs, netfs), NULL when it mounts nothing: the
         * mount watcher reports changes at this path to the pool. */
        char *mount_target;
} PoolDeps;

void pool_deps_done(PoolDeps *d);

typedef struct Backend {
        PoolType type;

        /* Is the pool's storage already active (directory present, mounted, logged in)?
         * 1 yes, 0 no. Used to adopt running pools after a daemon restart without starting
         * them again. */
        int (*check)(const PoolDef *def, Error *err);
        int (*build)(const PoolDef *def, unsigned flags, Error *err);
        int (*start)(const PoolDef *def, Error *err);
        int (*stop)(const PoolDef *def, Error *err);
        /* Destroys the pool's storage (rmdir of an empty directory for dir pools). */
        int (*delete)(const PoolDef *def, Error *err);

        /* Full refresh: every volume, and the pool's sizes. */
        int (*refresh)(const PoolDef *def, RefreshResult *ret, Error *err);
        /* Incremental refresh of the named entries only (inotify told which), plus sizes. */
        int (*refresh_names)(const PoolDef *def, NamedRefresh *names, size_t n,
                             PoolSizes *sizes, Error *err);

        /* Creates the volume described by req (name, capacity, allocation, format, backing
         * store...), returns it as a refresh would see it. */
        int (*vol_create)(const PoolDef *def, const VolDef *req, unsigned flags, VolDef **ret,
                          Error *err);
        /* Creates req from the data of src (clone, or conversion when formats differ). src
         * may live in another pool (src_pool). */
        int (*vol_create_from)(const PoolDef *def, const VolDef *req, const PoolDef *src_pool,
                               const VolDef *src, unsigned flags, VolDef **ret, Error *err);
        int (*vol_delete)(const PoolDef *def, const VolDef *vol, unsigned flags, Error *err);
        int (*vol_resize)(const PoolDef *def, const VolDef *vol, uint64_t capacity,
                          unsigned flags, Error *err);
        int (*vol_wipe)(const PoolDef *def, const VolDef *vol, WipeAlgorithm algorithm,
                        Error *err);
        /* Re-reads one volume (vol-info, vol-dumpxml): -ENOENT when it is gone. */
        int (*vol_refresh)(const PoolDef *def, const char *name, FoundVolume *ret,
                           Error *err);
        /* vol-upload: writes what fd holds, read from its current position, into the volume
         * from offset on. length > 0 bounds it: more data than that is an error (as in
         * libvirt, after length bytes were written). VOL_UPLOAD_SPARSE makes holes and zero
         * blocks of fd holes of the volume. Never shrinks the volume. */
        int (*vol_upload)(const PoolDef *def, const VolDef *vol, int fd, uint64_t offset,
                          uint64_t length, unsigned flags, Error *err);
        /* vol-download: writes the volume's bytes from offset on (length > 0: at most that
         * many) to fd, at its current position. VOL_DOWNLOAD_SPARSE skips the volume's holes:
         * a regular file gets holes there, anything else zeros. */
        int (*vol_download)(const PoolDef *def, const VolDef *vol, int fd, uint64_t offset,
                            uint64_t length, unsigned flags, Error *err);

        int (*dependencies)(const PoolDef *def, PoolDeps *ret);

        /* The pool's device disappeared under the running pool (pulled, detached). Release
         * what start set up without touching the device and without blocking on it (fs:
         * umount2(MNT_DETACH), so nothing hangs on a dead disk). NULL: nothing to release.
         * Returns 0 also when there was nothing left to release. */
        int (*device_lost)(const PoolDef *def, Error *err);
} Backend;

/* The backend of a pool type, or NULL when this build has none ("unsupported pool type"). */
const Backend *backend_for(PoolType type);
