/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/pool-types.h"
#include "shared/macros.h"

const char *const pool_fs_formats[] = {
        "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf",
        "gfs",  "gfs2", "vfat", "hfs+", "xfs", "ocfs2",   "vmfs", NULL,
};
const char *const pool_netfs_formats[] = { "auto", "nfs", "glusterfs", "cifs", NULL };
const char *const pool_disk_formats[] = {
        "unknown", "dos", "dvh", "gpt", "mac", "bsd", "pc98", "sun", "lvm2", NULL,
};
const char *const pool_logical_formats[] = { "unknown", "lvm2", NULL };

const char *const vol_file_formats[] = {
        [VOL_FILE_NONE] = "none",   [VOL_FILE_RAW] = "raw",     [VOL_FILE_DIR] = "dir",
        [VOL_FILE_BOCHS] = "bochs", [VOL_FILE_CLOOP] = "cloop", [VOL_FILE_DMG] = "dmg",
        [VOL_FILE_ISO] = "iso",     [VOL_FILE_VPC] = "vpc",     [VOL_FILE_VDI] = "vdi",
        [VOL_FILE_FAT] = "fat",     [VOL_FILE_VHD] = "vhd",     [VOL_FILE_PLOOP] = "ploop",
        [VOL_FILE_COW] = "cow",     [VOL_FILE_QCOW] = "qcow",   [VOL_FILE_QCOW2] = "qcow2",
        [VOL_FILE_QED] = "qed",     [VOL_FILE_VMDK] = "vmdk",   [VOL_FILE_LUKS] = "luks",
        [_VOL_FILE_MAX] = NULL,
};
const char *const vol_partition_formats[] = {
        "none",       "linux",      "fat16",    "fat32", "linux-swap",
        "linux-lvm",  "linux-raid", "extended", NULL,
};

static const PoolTypeInfo pool_types[_POOL_TYPE_MAX] = {
        [POOL_DIR] = {
                .name = "dir",
                .vol_format = VOL_FORMAT_FILE,
                .cow_feature = true,
        },
        [POOL_FS] = {
                .name = "fs",
                .source_flags = SOURCE_DEVICE,
                .formats = pool_fs_formats,
                .default_format = POOL_FS_AUTO,
                .vol_format = VOL_FORMAT_FILE,
                .fs_namespace = true,
                .cow_feature = true,
        },
        [POOL_NETFS] = {
                .name = "netfs",
                .source_flags = SOURCE_HOST | SOURCE_DIR,
                .formats = pool_netfs_formats,
                .default_format = POOL_NETFS_AUTO,
                .vol_format = VOL_FORMAT_FILE,
                .fs_namespace = true,
        },
        [POOL_LOGICAL] = {
                .name = "logical",
                .source_flags = SOURCE_NAME | SOURCE_DEVICE,
                .formats = pool_logical_formats,
                .default_format = POOL_LOGICAL_LVM2,
                .target = TARGET_DEV_NAME,
        },
        [POOL_DISK] = {
                .name = "disk",
                .source_flags = SOURCE_DEVICE,
                .formats = pool_disk_formats,
                .default_format = POOL_DISK_UNKNOWN,
                .vol_format = VOL_FORMAT_PARTITION,
        },
        [POOL_ISCSI] = {
                .name = "iscsi",
                .source_flags = SOURCE_HOST | SOURCE_DEVICE | SOURCE_INITIATOR_IQN,
        },
        [POOL_ISCSI_DIRECT] = {
                .name = "iscsi-direct",
                .source_flags = SOURCE_HOST | SOURCE_DEVICE | SOURCE_NETWORK | SOURCE_INITIATOR_IQN,
                .target = TARGET_NONE,
        },
        [POOL_SCSI] = {
                .name = "scsi",
                .source_flags = SOURCE_ADAPTER,
        },
        [POOL_MPATH] = {
                .name = "mpath",
        },
        [POOL_RBD] = {
                .name = "rbd",
                .source_flags = SOURCE_HOST | SOURCE_NETWORK | SOURCE_NAME,
                .target = TARGET_NONE,
                .vol_format = VOL_FORMAT_FILE,
                .rbd_namespace = true,
        },
        [POOL_SHEEPDOG] = {
                .name = "sheepdog",
                .source_flags = SOURCE_HOST | SOURCE_NETWORK | SOURCE_NAME,
                .target = TARGET_NONE,
        },
        [POOL_GLUSTER] = {
                .name = "gluster",
                .source_flags = SOURCE_HOST | SOURCE_NETWORK | SOURCE_NAME | SOURCE_DIR,
                .target = TARGET_NONE,
                .vol_format = VOL_FORMAT_FILE,
        },
        [POOL_ZFS] = {
                .name = "zfs",
                .source_flags = SOURCE_NAME | SOURCE_DEVICE,
                .target = TARGET_ZVOL_NAME,
        },
        [POOL_VSTORAGE] = {
                .name = "vstorage",
                .source_flags = SOURCE_NAME,
                .vol_format = VOL_FORMAT_FILE,
        },
};

const PoolTypeInfo *pool_type_info(PoolType t) {
        if (t < 0 || t >= _POOL_TYPE_MAX)
                return NULL;
        return &pool_types[t];
}

const char *pool_type_to_string(PoolType t) {
        const PoolTypeInfo *i = pool_type_info(t);
        return i ? i->name : NULL;
}

PoolType pool_type_from_string(const char *s) {
        for (int t = 0; t < _POOL_TYPE_MAX; t++)
                if (streq(pool_types[t].name, s))
                        return (PoolType) t;
        return _POOL_TYPE_INVALID;
}

int string_table_lookup(const char *const *table, const char *s) {
        for (int i = 0; table[i]; i++)
                if (streq(table[i], s))
                        return i;
        return -EINVAL;
}

size_t string_table_size(const char *const *table) {
        size_t n = 0;
        while (table[n])
                n++;
        return n;
}

const char *const *vol_format_table(PoolType t) {
        switch (pool_type_info(t)->vol_format) {
        case VOL_FORMAT_FILE: return vol_file_formats;
        case VOL_FORMAT_PARTITION: return vol_partition_formats;
        case VOL_FORMAT_NONE: break;
        }
        return NULL;
}

int vol_format_default(PoolType t) {
        switch (pool_type_info(t)->vol_format) {
        case VOL_FORMAT_FILE: return VOL_FILE_RAW;
        default: return 0;
        }
}

bool vol_format_parsed(PoolType t) {
        return pool_type_info(t)->vol_format != VOL_FORMAT_NONE;
}
