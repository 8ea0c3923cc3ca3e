/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>
#include <stdint.h>
#include <time.h>

#include "conf/encryption.h"
#include "conf/perms.h"
#include "conf/pool-def.h"
#include "shared/error.h"

/* A volume: libvirt's <volume> XML. Parsed from what a user asks to create, and filled by
 * refreshes for what exists; both are formatted the same way (vol-dumpxml). */

typedef enum VolType {
        VOL_FILE,
        VOL_BLOCK,
        VOL_DIR,
        VOL_NETWORK,
        VOL_NETDIR,
        VOL_PLOOP,
        _VOL_TYPE_MAX,
} VolType;

/* Features of a qcow2 image (bits of VolTarget.features). */
typedef enum VolFeature {
        VOL_FEATURE_LAZY_REFCOUNTS,
        VOL_FEATURE_EXTENDED_L2,
        _VOL_FEATURE_MAX,
} VolFeature;

typedef struct VolTimestamps {
        struct timespec atime, mtime, ctime, btime; /* tv_nsec < 0: not known */
} VolTimestamps;

/* <target> and <backingStore> share this shape. Fields are ordered so that no padding is left
 * between them (a refresh keeps one VolDef per volume, 100,000 in a large pool). */
typedef struct VolTarget {
        char *path;
        Perms perms;
        Encryption *encryption;
        char *compat;
        uint64_t cluster_size; /* 0: not given */
        int format;            /* index into the pool type's volume format table */
        unsigned features;     /* 1 << VolFeature */
        bool has_features;     /* <features> present, even if empty */
        bool nocow;
        bool has_timestamps; /* timestamps: from a refresh only */
        /* In place rather than allocated: 56 bytes more in a VolDef, 80 less in all. */
        VolTimestamps timestamps;
} VolTarget;

typedef struct VolExtent {
        char *path;
        uint64_t start, end;
} VolExtent;

typedef struct VolDef {
        char *name; /* see name_in_path */
        /* May be the very pointer target.path is (a refresh's file and partition volumes, whose
         * key is their path: one string instead of two, at 100,000 volumes a pool). Then it is
         * freed with target.path and neither is to be replaced alone. */
        char *key;
        VolType type;
        bool has_capacity;
        bool has_allocation;
        /* name is the tail of target.path's string rather than a string of its own (a dir
         * pool's refresh: PATH/NAME), and goes with it. Set by whoever builds the VolDef so;
         * neither is then to be replaced alone. */
        bool name_in_path;
        VolExtent *extents; /* from a refresh of a disk or logical pool */
        size_t n_extents;
        uint64_t capacity;
        uint64_t allocation;
        uint64_t physical; /* printed when non-zero */
        VolTarget target;
        VolTarget *backing;
} VolDef; /* no padding between fields: see VolTarget */

typedef enum VolParseFlags {
        /* Capacity may be left out when a backing store gives it (vol-create on backends that
         * build from a backing file). */
        VOL_PARSE_OPT_CAPACITY = 1 << 0,
} VolParseFlags;

/* Parses a <volume> document in the context of a pool of type pool_type: the pool decides
 * which formats exist and what the default is. */
int vol_def_parse_string(const char *xml, size_t len, PoolType pool_type, unsigned flags,
                         VolDef **ret, Error *err);
int vol_def_parse_file(int dirfd, const char *path, PoolType pool_type, unsigned flags,
                       VolDef **ret, Error *err);
int vol_def_parse_node(const xmlNode *root, PoolType pool_type, unsigned flags, VolDef **ret,
                       Error *err);

char *vol_def_format(const VolDef *def, PoolType pool_type);

VolDef *vol_def_new(void);
/* A deep copy of everything, what a refresh found included (timestamps, extents, physical
 * size): a volume's facts as they are, whatever its name (a name read from disk need not
 * pass the checks a document's does). */
VolDef *vol_def_copy(const VolDef *def);
VolDef *vol_def_free(VolDef *def);
DEFINE_TRIVIAL_CLEANUP_FUNC(VolDef *, vol_def_free);
#define _cleanup_vol_def_ _cleanup_(vol_def_freep)

const char *vol_type_to_string(VolType t);
VolType vol_type_from_string(const char *s);
const char *vol_feature_to_string(VolFeature f);
