/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The fs pool: a block device's file system, mounted on the target, whose files are the
 * volumes (libvirt's storage_backend_fs.c "fs" type). Mounting, unmounting and reading the
 * mount table go through libmount, probing for existing signatures through libblkid
 * (read-only); only build writes to the device, with mkfs.<type>. Everything done to the
 * mounted directory is the dir pool's (dir.h).
 *
 * The device is named as the definition names it (a devnode or a /dev/disk/by-* link) and
 * resolved with realpath() each time: a link may point elsewhere after a hotplug. The
 * mount at the target is ours when its device number (mountinfo's major:minor) is the
 * device's st_rdev. */
#include <blkid/blkid.h>
#include <libmount/libmount.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "backends/backend.h"
#include "backends/blockdev.h"
#include "backends/dir.h"
#include "backends/tool.h"
#include "shared/log.h"

/* libvirt's mount options for fs pools (storagepoolxml2argvdata/pool-fs-linux.argv). */
#define FS_MOUNT_OPTIONS "nodev,nosuid,noexec"
/* What build makes when the definition leaves the type to detection. */
#define FS_DEFAULT_MKFS "ext4"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_table *, mnt_unref_table);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_context *, mnt_free_context);
DEFINE_TRIVIAL_CLEANUP_FUNC(blkid_probe, blkid_free_probe);

/* The one source device of an fs pool, as the definition names it; NULL when absent. */
static const char *fs_device_name(const PoolDef *def) {
        if (def->source.n_devices < 1 || isempty(def->source.devices[0].path))
                return NULL;
        return def->source.devices[0].path;
}

/* The source format's name, "auto" when absent. */
static const char *fs_format(const PoolDef *def) {
        const char *f = pool_def_format_name(def);

        return f ? f : "auto";
}

/* Resolves the pool's device to its devnode and device number. -ENODEV when it does not
 * exist (yet): the reconciler then waits for it. */
static int fs_device_resolve(const PoolDef *def, char **ret_path, dev_t *ret_rdev, Error *err) {
        const char *name = fs_device_name(def);
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r;

        if (!name)
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no source device",
                                       def->name);
        path = realpath(name, NULL);
        if (!path || stat(path, &st) < 0) {
                r = -errno;
                if (r == -ENOENT || r == -ENOTDIR || r == -ENXIO || r == -ENODEV)
                        return error_set_errno(err, -ENODEV, 0, "device '%s' does not exist", name);
                return error_set_errno(err, r, 0, "cannot access device '%s': %s", name,
                                       strerror(-r));
        }
        if (!S_ISBLK(st.st_mode))
                return error_set_errno(err, -ENOTBLK, 0, "'%s' is not a block device", name);
        if (!block_device_has_medium(st.st_rdev))
                return error_set_errno(err, -ENODEV, 0, "device '%s' has no medium (size 0)",
                                       name);
        if (ret_path)
                *ret_path = TAKE_PTR(path);
        if (ret_rdev)
                *ret_rdev = st.st_rdev;
        return 0;
}

/* The kernel's mount table (/proc/self/mountinfo, through libmount). */
static int fs_mount_table(struct libmnt_table **ret, Error *err) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *t = mnt_new_table();
        int r;

        if (!t)
                return -ENOMEM;
        r = mnt_table_parse_mtab(t, NULL);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read the mount table: %s", strerror(-r));
        *ret = TAKE_PTR(t);
        return 0;
}

/* Where the device is mounted, anywhere: 1 and the first mount point in *ret_where (newly
 * allocated), 0 when nowhere. */
static int fs_device_mounted(dev_t rdev, char **ret_where, Error *err) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *t = NULL;
        struct libmnt_fs *fs;
        int r;

        r = fs_mount_table(&t, err);
        if (r < 0)
                return r;
        fs = mnt_table_find_devno(t, rdev, MNT_ITER_FORWARD);
        if (!fs)
                return 0;
        *ret_where = xstrdup(mnt_fs_get_target(fs) ?: "?");
        return 1;
}

/* Is something mounted on target (the topmost mount there, as the kernel's mountinfo says)?
 * 1 and its device number, 0 when nothing is. canonicalize resolves symlinks in target
 * first, which stats the mount point: device_lost must not (the device may be dead). */
static int fs_mount_find(const char *target, bool canonicalize, dev_t *ret_devno, Error *err) {
        _cleanup_(mnt_unref_tablep) struct libmnt_table *t = NULL;
        _cleanup_free_ char *canonical = NULL;
        struct libmnt_fs *fs;
        int r;

        if (canonicalize) {
                canonical = realpath(target, NULL);
                if (!canonical) {
                        r = -errno;
                        if (r == -ENOENT || r == -ENOTDIR)
                                return 0;
                        return error_set_errno(err, r, 0, "cannot access '%s': %s", target,
                                               strerror(-r));
                }
                target = canonical;
        }
        r = fs_mount_table(&t, err);
        if (r < 0)
                return r;
        fs = mnt_table_find_target(t, target, MNT_ITER_BACKWARD);
        if (!fs)
                return 0;
        if (ret_devno)
                *ret_devno = mnt_fs_get_devno(fs);
        return 1;
}

/* The mount options: libvirt's, then the definition's <fs:mount_opts>. */
static char *fs_mount_options(const PoolDef *def) {
        char *opts = xstrdup(FS_MOUNT_OPTIONS);

        for (size_t i = 0; i < def->n_mount_opts; i++) {
                char *more;

                if (isempty(def->mount_opts[i].name))
                        continue;
                more = xasprintf("%s,%s", opts, def->mount_opts[i].name);
                free(opts);
                opts = more;
        }
        return opts;
}

/* A libmount context's failure as an errno and a sentence (mount(8)'s own wording). */
static int fs_context_error(struct libmnt_context *cxt, int rc, const char *what,
                            const char *target, Error *err) {
        char buf[BUFSIZ] = "";
        int r = rc < 0 ? rc : -EIO;

        if (rc > 0 && mnt_context_syscall_called(cxt) && mnt_context_get_syscall_errno(cxt) > 0)
                r = -mnt_context_get_syscall_errno(cxt);
        (void) mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
        return error_set_errno(err, r, 0, "cannot %s '%s': %s", what, target,
                               *buf ? buf : strerror(-r));
}

/* ---- Lifecycle --------------------------------------------------------------------------- */

/* 1 when the target is mounted from the pool's device; never mounts. */
static int fs_check(const PoolDef *def, Error *err) {
        dev_t rdev, devno;
        int r;

        if (isempty(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no target path", def->name);
        r = fs_device_resolve(def, NULL, &rdev, err);
        if (r == -ENODEV) {
                error_clear(err);
                return 0;
        }
        if (r < 0)
                return r;
        r = fs_mount_find(def->target_path, true, &devno, err);
        if (r <= 0)
                return r;
        return devno == rdev ? 1 : 0;
}

static int fs_start(const PoolDef *def, Error *err) {
        _cleanup_(mnt_free_contextp) struct libmnt_context *cxt = NULL;
        _cleanup_free_ char *device = NULL, *opts = NULL;
        const char *format = fs_format(def);
        dev_t rdev, devno;
        struct stat st;
        int r;

        if (isempty(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no target path", def->name);
        r = fs_device_resolve(def, &device, &rdev, err);
        if (r < 0)
                return r;
        r = fs_mount_find(def->target_path, true, &devno, err);
        if (r < 0)
                return r;
        if (r > 0 && devno == rdev)
                return 0; /* already mounted from our device: adopt it */
        if (r > 0)
                return error_set_errno(err, -EBUSY, 0,
                                       "cannot mount '%s' on '%s': another file system (device "
                                       "%u:%u) is mounted there",
                                       device, def->target_path, major(devno), minor(devno));
        if (stat(def->target_path, &st) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot mount '%s' on '%s': %s", device,
                                       def->target_path, strerror(-r));
        }
        cxt = mnt_new_context();
        if (!cxt)
                return -ENOMEM;
        opts = fs_mount_options(def);
        if (mnt_context_set_source(cxt, device) < 0 ||
            mnt_context_set_target(cxt, def->target_path) < 0 ||
            mnt_context_set_options(cxt, opts) < 0 ||
            (!streq(format, "auto") && mnt_context_set_fstype(cxt, format) < 0))
                return -ENOMEM;
        if (def->n_mount_opts > 0)
                log_warning("pool '%s' mounts with extra options '%s' (<fs:mount_opts>)", def->name,
                            opts);
        r = mnt_context_mount(cxt);
        if (r != 0)
                return fs_context_error(cxt, r, "mount", def->target_path, err);
        return 0;
}

/* Unmounts the target when our device is mounted there; nothing to do otherwise. */
static int fs_stop(const PoolDef *def, Error *err) {
        _cleanup_(mnt_free_contextp) struct libmnt_context *cxt = NULL;
        dev_t rdev, devno;
        int r, mounted;

        if (isempty(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no target path", def->name);
        mounted = fs_mount_find(def->target_path, true, &devno, err);
        if (mounted <= 0)
                return mounted;
        /* A mount from another device is not ours to remove. A device gone leaves its mount
         * behind, which is ours. */
        r = fs_device_resolve(def, NULL, &rdev, err);
        if (r < 0 && r != -ENODEV)
                return r;
        error_clear(err);
        if (r == 0 && devno != rdev)
                return 0;
        cxt = mnt_new_context();
        if (!cxt)
                return -ENOMEM;
        if (mnt_context_set_target(cxt, def->target_path) < 0)
                return -ENOMEM;
        r = mnt_context_umount(cxt);
        if (r != 0)
                return fs_context_error(cxt, r, "unmount", def->target_path, err);
        return 0;
}

/* The device vanished: detach the mount lazily, so nothing waits on the dead device. The
 * target is looked up as written, without stat()ing through the mount point. */
static int fs_device_lost(const PoolDef *def, Error *err) {
        _cleanup_error_ Error ignored = ERROR_INIT;
        dev_t devno, rdev;
        int r;

        if (isempty(def->target_path))
                return 0;
        r = fs_mount_find(def->target_path, false, &devno, err);
        if (r <= 0)
                return r;
        /* Someone else's file system mounted over the pool's (the pool's device is there, and
         * is not what is mounted on top) is left alone: only our own mount is detached. */
        if (fs_device_resolve(def, NULL, &rdev, &ignored) == 0 && devno != rdev)
                return 0;
        if (umount2(def->target_path, MNT_DETACH | UMOUNT_NOFOLLOW) < 0) {
                r = -errno;
                if (r == -EINVAL || r == -ENOENT)
                        return 0; /* unmounted meanwhile */
                return error_set_errno(err, r, 0, "cannot detach '%s': %s", def->target_path,
                                       strerror(-r));
        }
        return 0;
}

/* ---- Build ------------------------------------------------------------------------------- */

/* How mkfs.<type> is told to overwrite without asking (libvirt's choice per type). */
static const char *mkfs_force_flag(const char *type) {
        if (streq(type, "ext2") || streq(type, "ext3") || streq(type, "ext4"))
                return "-F";
        if (streq(type, "xfs"))
                return "-f";
        if (streq(type, "vfat"))
                return "-I";
        return NULL;
}

/* The tool that makes a file system of this format; NULL for read-only formats. */
static char *mkfs_tool(const char *format) {
        if (streq(format, "auto"))
                format = FS_DEFAULT_MKFS;
        if (streq(format, "iso9660"))
                return NULL;
        if (streq(format, "hfs+"))
                return xstrdup("mkfs.hfsplus");
        return xasprintf("mkfs.%s", format);
}

/* Reads the device's signatures (file systems, RAID, LVM, partition tables) read-only.
 * Returns 1 with what was found in *ret_what, 0 when the device is blank. */
static int fs_device_probe(const char *device, char **ret_what, Error *err) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        const char *value = NULL;
        int r;

        pr = blkid_new_probe_from_filename(device);
        if (!pr) {
                r = errno > 0 ? -errno : -EIO;
                return error_set_errno(err, r, 0, "cannot probe device '%s': %s", device,
                                       strerror(-r));
        }
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
        r = blkid_do_safeprobe(pr);
        if (r == 1)
                return 0;
        if (r == -2) {
                *ret_what = xstrdup("several signatures");
                return 1;
        }
        if (r < 0)
                return error_set_errno(err, -EIO, 0, "cannot probe device '%s'", device);
        if (blkid_probe_lookup_value(pr, "TYPE", &value, NULL) == 0 && value)
                *ret_what = xasprintf("'%s'", value);
        else if (blkid_probe_lookup_value(pr, "PTTYPE", &value, NULL) == 0 && value)
                *ret_what = xasprintf("a '%s' partition table", value);
        else
                *ret_what = xstrdup("an unknown signature");
        return 1;
}

static int fs_mkfs(const PoolDef *def, const char *device, unsigned flags, Error *err) {
        _cleanup_free_ char *tool = mkfs_tool(fs_format(def)), *message = NULL;
        _cleanup_(args_done) Args a = {};
        const char *force;
        int r;

        if (!tool)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cannot build a '%s' file system on '%s'", fs_format(def),
                                       device);
        force = mkfs_force_flag(tool + strlen("mkfs."));
        args_add(&a, tool);
        if ((flags & BUILD_OVERWRITE) && force)
                args_add(&a, force);
        args_add(&a, device);
        r = tool_run(-1, a.v, &message);
        if (r == -ENOENT)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cannot format '%s': %s is not installed", device, tool);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot format '%s' with %s: %s", device, tool,
                                       message ? message : strerror(-r));
        return 0;
}

/* As libvirt's: the target directory, then the file system. A device that holds any
 * signature is formatted only with --overwrite (libvirt: "already formatted"). */
static int fs_build(const PoolDef *def, unsigned flags, Error *err) {
        _cleanup_free_ char *device = NULL, *found = NULL, *where = NULL;
        dev_t rdev;
        int r;

        if ((flags & BUILD_OVERWRITE) && (flags & BUILD_NO_OVERWRITE))
                return error_set_errno(err, -EINVAL, 0,
                                       "Options --overwrite and --no-overwrite are mutually "
                                       "exclusive");
        r = fs_device_resolve(def, &device, &rdev, err);
        if (r < 0)
                return r;
        r = dir_make_target(def, err);
        if (r < 0)
                return r;
        /* Never format a file system in use, here or anywhere. */
        r = fs_device_mounted(rdev, &where, err);
        if (r < 0)
                return r;
        if (r > 0)
                return error_set_errno(err, -EBUSY, 0, "Device '%s' is mounted on '%s'",
                                       fs_device_name(def), where);
        r = fs_device_probe(device, &found, err);
        if (r < 0)
                return r;
        if (r > 0 && !(flags & BUILD_OVERWRITE))
                return error_set_errno(err, -EEXIST, 0,
                                       "Device '%s' already formatted using %s; use --overwrite "
                                       "to format it anyway",
                                       fs_device_name(def), found);
        return fs_mkfs(def, device, flags, err);
}

/* rmdir of the target, as libvirt's; never while something is mounted there. */
static int fs_delete(const PoolDef *def, Error *err) {
        int r;

        if (isempty(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no target path", def->name);
        r = fs_mount_find(def->target_path, true, NULL, err);
        if (r < 0)
                return r;
        if (r > 0)
                return error_set_errno(err, -EBUSY, 0,
                                       "cannot delete pool '%s': '%s' is still mounted", def->name,
                                       def->target_path);
        return dir_delete(def, err);
}

static int fs_dependencies(const PoolDef *def, PoolDeps *ret) {
        const char *device = fs_device_name(def);

        if (isempty(def->target_path) || !device)
                return -EINVAL;
        *ret = (PoolDeps){
                .watch_dir = xstrdup(def->target_path),
                .devices = xcalloc(2, sizeof(char *)),
                .mount_target = xstrdup(def->target_path),
        };
        ret->devices[0] = xstrdup(device);
        return 0;
}

const Backend backend_fs = {
        .type = POOL_FS,
        .check = fs_check,
        .build = fs_build,
        .start = fs_start,
        .stop = fs_stop,
        .delete = fs_delete,
        .refresh = dir_refresh,
        .refresh_names = dir_refresh_names,
        .vol_create = dir_vol_create,
        .vol_create_from = dir_vol_create_from,
        .vol_delete = dir_vol_delete,
        .vol_resize = dir_vol_resize,
        .vol_wipe = dir_vol_wipe,
        .vol_refresh = dir_vol_refresh,
        .vol_upload = dir_vol_upload,
        .vol_download = dir_vol_download,
        .dependencies = fs_dependencies,
        .device_lost = fs_device_lost,
};
