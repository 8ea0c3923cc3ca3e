/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "backends/backend.h"

/* The dir pool's operations on a target directory, shared with the pool types whose volumes
 * are files in a directory too (fs, netfs: the mounted target). They follow the Backend
 * vtable's conventions (backend.h); only the lifecycle differs between those types. */

/* mkdir -p of the target with the definition's mode, owner, group and COW state (libvirt's
 * virStorageBackendBuildLocal). A directory already there keeps its mode unless one is set. */
int dir_make_target(const PoolDef *def, Error *err);
int dir_delete(const PoolDef *def, Error *err);

int dir_refresh(const PoolDef *def, RefreshResult *ret, Error *err);
/* For tests: a full refresh of a directory of at least n entries is split among
 * min(2, online CPUs) threads; 0 restores the default (4,096). Not to be changed while a
 * refresh runs. */
void dir_scan_set_split_min(size_t n);
int dir_refresh_names(const PoolDef *def, NamedRefresh *names, size_t n, PoolSizes *sizes,
                      Error *err);

int dir_vol_create(const PoolDef *def, const VolDef *req, unsigned flags, VolDef **ret, Error *err);
int dir_vol_create_from(const PoolDef *def, const VolDef *req, const PoolDef *src_pool,
                        const VolDef *src, unsigned flags, VolDef **ret, Error *err);
int dir_vol_delete(const PoolDef *def, const VolDef *vol, unsigned flags, Error *err);
int dir_vol_resize(const PoolDef *def, const VolDef *vol, uint64_t capacity, unsigned flags,
                   Error *err);
int dir_vol_wipe(const PoolDef *def, const VolDef *vol, WipeAlgorithm algorithm, Error *err);
/* vol-wipe of a block device by path (disk pools' partitions); refuses one in use. */
int dir_wipe_block_device(const char *path, WipeAlgorithm algorithm, Error *err);
int dir_vol_refresh(const PoolDef *def, const char *name, FoundVolume *ret, Error *err);
int dir_vol_upload(const PoolDef *def, const VolDef *vol, int fd, uint64_t offset, uint64_t length,
                   unsigned flags, Error *err);
int dir_vol_download(const PoolDef *def, const VolDef *vol, int fd, uint64_t offset,
                     uint64_t length, unsigned flags, Error *err);
