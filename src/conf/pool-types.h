/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The pool types libvirt knows, in libvirt's order, and what each one's XML carries. The
 * table in pool-types.c is the only place that knows per-type XML rules; parse, format and
 * the duplicate check read it. */
typedef enum PoolType {
        POOL_DIR,
        POOL_FS,
        POOL_NETFS,
        POOL_LOGICAL,
        POOL_DISK,
        POOL_ISCSI,
        POOL_ISCSI_DIRECT,
        POOL_SCSI,
        POOL_MPATH,
        POOL_RBD,
        POOL_SHEEPDOG,
        POOL_GLUSTER,
        POOL_ZFS,
        POOL_VSTORAGE,
        _POOL_TYPE_MAX,
        _POOL_TYPE_INVALID = -22,
} PoolType;

/* Which parts of <source> a type uses (libvirt's VIR_STORAGE_POOL_SOURCE_*). */
enum {
        SOURCE_HOST = 1 << 0,
        SOURCE_DEVICE = 1 << 1,
        SOURCE_DIR = 1 << 2,
        SOURCE_ADAPTER = 1 << 3,
        SOURCE_NAME = 1 << 4,
        SOURCE_INITIATOR_IQN = 1 << 5,
        SOURCE_NETWORK = 1 << 6, /* no local target at all */
};

typedef enum TargetRule {
        TARGET_REQUIRED,  /* <target><path> must be given */
        TARGET_NONE,      /* network pools: no <target> */
        TARGET_DEV_NAME,  /* forced to /dev/<source name> (logical) */
        TARGET_ZVOL_NAME, /* forced to /dev/zvol/<source name> (zfs) */
} TargetRule;

typedef enum VolFormatRule {
        VOL_FORMAT_NONE,       /* volumes carry no <format> */
        VOL_FORMAT_FILE,       /* file formats (raw, qcow2 ...), default raw */
        VOL_FORMAT_PARTITION,  /* partition types (none, linux ...), default none */
} VolFormatRule;

typedef struct PoolTypeInfo {
        const char *name;
        unsigned source_flags;
        const char *const *formats; /* <source><format type>, NULL-terminated; NULL if none */
        int default_format;
        TargetRule target;
        VolFormatRule vol_format;
        bool fs_namespace;  /* <fs:mount_opts> */
        bool rbd_namespace; /* <rbd:config_opts> */
        bool cow_feature;   /* <features><cow> (btrfs NOCOW) */
} PoolTypeInfo;

const PoolTypeInfo *pool_type_info(PoolType t);
const char *pool_type_to_string(PoolType t);
PoolType pool_type_from_string(const char *s);

/* Index of s in a NULL-terminated table, or -EINVAL. */
int string_table_lookup(const char *const *table, const char *s);
size_t string_table_size(const char *const *table);

/* Source formats (index values are the tables' positions). */
enum { POOL_FS_AUTO = 0 };
enum { POOL_NETFS_AUTO = 0, POOL_NETFS_NFS = 1, POOL_NETFS_GLUSTERFS = 2, POOL_NETFS_CIFS = 3 };
enum { POOL_DISK_UNKNOWN = 0, POOL_DISK_DOS = 1, POOL_DISK_GPT = 3 };
enum { POOL_LOGICAL_UNKNOWN = 0, POOL_LOGICAL_LVM2 = 1 };

extern const char *const pool_fs_formats[];
extern const char *const pool_netfs_formats[];
extern const char *const pool_disk_formats[];
extern const char *const pool_logical_formats[];

/* Volume formats. */
typedef enum VolFileFormat {
        VOL_FILE_NONE,
        VOL_FILE_RAW,
        VOL_FILE_DIR,
        VOL_FILE_BOCHS,
        VOL_FILE_CLOOP,
        VOL_FILE_DMG,
        VOL_FILE_ISO,
        VOL_FILE_VPC,
        VOL_FILE_VDI,
        VOL_FILE_FAT,
        VOL_FILE_VHD,
        VOL_FILE_PLOOP,
        VOL_FILE_COW,
        VOL_FILE_QCOW,
        VOL_FILE_QCOW2,
        VOL_FILE_QED,
        VOL_FILE_VMDK,
        VOL_FILE_LUKS,
        _VOL_FILE_MAX,
} VolFileFormat;
extern const char *const vol_file_formats[];
extern const char *const vol_partition_formats[];

/* The table a volume's <format> is read from and printed from in a pool of type t (NULL: no
 * format), its default, and whether volumes have one at all. */
const char *const *vol_format_table(PoolType t);
int vol_format_default(PoolType t);
bool vol_format_parsed(PoolType t);
