/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdint.h>
#include <sys/stat.h>
#include <uthash.h>

#include "backends/known-files.h"
#include "conf/vol-def.h"

/* The volumes of a running pool, hashed by name, key and path, so lookups stay O(1) at 100,000
 * volumes. One entry, two handles: a volume whose path equals its key (every file volume) is
 * found by path through the key hash, and only the others get a VolumePath entry in by_path. */
typedef struct Volume {
        VolDef *def;
        void *owner;   /* the table's owner (the pool) */
        VolumeStat st; /* what the file looked like when it was probed */
        bool seen;     /* marks entries a full refresh found again */
        UT_hash_handle hh_name, hh_key;
} Volume;

/* The by_path entry of a volume whose path is not its key. */
typedef struct VolumePath {
        Volume *volume;
        UT_hash_handle hh;
} VolumePath;

typedef struct VolumeTable {
        Volume *by_name, *by_key;
        VolumePath *by_path;
        void *owner; /* given to every volume: lets a volume find its pool */
} VolumeTable;

typedef enum VolumeChange {
        VOLUME_UNCHANGED,
        VOLUME_ADDED,
        VOLUME_CHANGED,
} VolumeChange;

size_t volume_table_size(const VolumeTable *t);
Volume *volume_table_get(const VolumeTable *t, const char *name);
Volume *volume_table_get_key(const VolumeTable *t, const char *key);
Volume *volume_table_get_path(const VolumeTable *t, const char *path);

/* Takes def. Adds the volume or replaces the one of the same name; says which, comparing the
 * formatted XML of both (so "changed" means a client would see a difference). */
VolumeChange volume_table_put(VolumeTable *t, VolDef *def, const struct stat *st,
                              PoolType pool_type);
/* Removes and frees the named volume; false if there was none. */
bool volume_table_remove(VolumeTable *t, const char *name);
void volume_table_clear(VolumeTable *t);

/* Into ret (initialized here, the caller's to free): the facts of every volume a full refresh
 * may leave as it is when they did not move, i.e. whose volume follows from its own file
 * alone: a regular file (or a link to one) with no backing store (whose facts are another
 * file's). Directories (ploop images inside) and block devices (their size is not in their
 * stat) are read again each time. */
void volume_table_known_files(const VolumeTable *t, KnownFiles *ret);

/* The volumes sorted by name (strcmp, as virsh sorts), in a new array of borrowed pointers. */
Volume **volume_table_sorted(const VolumeTable *t, size_t *ret_n);
