/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>
#include <stdint.h>

#include "conf/adapter.h"
#include "conf/perms.h"
#include "conf/pool-types.h"
#include "conf/secret.h"
#include "conf/tristate.h"
#include "shared/error.h"

/* A pool definition: libvirt's <pool> XML, parsed. Sizes are not part of it (libvirt ignores
 * them on input too); they are runtime facts, passed to pool_def_format() separately. */

typedef struct PoolHost {
        char *name;
        int port; /* 0: not given */
} PoolHost;

typedef struct Extent {
        uint64_t start, end;
} Extent;

typedef struct PoolDevice {
        char *path;
        Tristate part_separator;
        Extent *free_extents; /* filled by a refresh of a disk pool, never parsed */
        size_t n_free_extents;
} PoolDevice;

typedef struct PoolSource {
        PoolHost *hosts;
        size_t n_hosts;
        PoolDevice *devices;
        size_t n_devices;
        char *dir;
        Adapter adapter;
        char *name;
        char *initiator_iqn;
        int format; /* index into the type's format table */
        Auth *auth;
        unsigned protocol_ver; /* 0: not given */
        char *vendor, *product;
} PoolSource;

typedef struct PoolOption {
        char *name, *value; /* value: rbd only */
} PoolOption;

typedef enum RefreshAllocation {
        REFRESH_ALLOCATION_UNSET = -1,
        REFRESH_ALLOCATION_DEFAULT,
        REFRESH_ALLOCATION_CAPACITY,
} RefreshAllocation;

typedef struct PoolDef {
        PoolType type;
        char *name;
        uint8_t uuid[16];
        bool uuid_derived; /* no <uuid> was given: derived from the name */
        Tristate cow;
        PoolSource source;
        char *target_path; /* NULL for network pools */
        Perms target_perms;
        RefreshAllocation refresh_allocation;
        PoolOption *mount_opts; /* <fs:mount_opts> */
        size_t n_mount_opts;
        PoolOption *rbd_opts; /* <rbd:config_opts> */
        size_t n_rbd_opts;
} PoolDef;

typedef struct PoolSizes {
        uint64_t capacity, allocation, available;
} PoolSizes;

#define POOL_FS_NAMESPACE "http://libvirt.org/schemas/storagepool/fs/1.0"
#define POOL_RBD_NAMESPACE "http://libvirt.org/schemas/storagepool/rbd/1.0"

/* Parses a <pool> document. On failure err holds the line and the reason; the caller adds
 * the file name. */
int pool_def_parse_string(const char *xml, size_t len, PoolDef **ret, Error *err);
/* Reads and parses a file (at most XML_DOCUMENT_MAX bytes); err carries the file name. */
int pool_def_parse_file(int dirfd, const char *path, PoolDef **ret, Error *err);
int pool_def_parse_node(const xmlNode *root, PoolDef **ret, Error *err);

/* libvirt's canonical XML. sizes may be NULL (all 0, as for a definition). */
char *pool_def_format(const PoolDef *def, const PoolSizes *sizes);

PoolDef *pool_def_free(PoolDef *def);
/* A deep copy (through the canonical XML, so it is exactly what a reader of the XML gets). */
PoolDef *pool_def_copy(const PoolDef *def);
/* Do two definitions say the same thing? */
bool pool_def_equal(const PoolDef *a, const PoolDef *b);
DEFINE_TRIVIAL_CLEANUP_FUNC(PoolDef *, pool_def_free);
#define _cleanup_pool_def_ _cleanup_(pool_def_freep)

/* Do two definitions name the same storage, by libvirt's duplicate-source rules (plus the
 * same volume group or ZFS pool name, which libvirt misses)? Pools of different types conflict
 * only through a shared device of fs, logical, disk and zfs pools. */
bool pool_def_source_conflicts(const PoolDef *a, const PoolDef *b);

/* The source format's name (e.g. "gpt"), or NULL for types without a format. */
const char *pool_def_format_name(const PoolDef *def);
