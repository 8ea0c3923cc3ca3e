/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The disk pool: a block device's partition table, one volume per partition (libvirt's
 * storage_backend_disk.c, with libfdisk in place of parted and parthelper, and libblkid for
 * the "is something already there?" probe).
 *
 * The kernel learns about each change through BLKPG (add or delete one partition), never by
 * re-reading the whole table (BLKRRPART): that fails as soon as any partition of the disk is
 * in use, and where the kernel does not parse tables itself it drops every partition. BLKPG is
 * issued here rather than through fdisk_reread_changes() so that a delete asks the kernel
 * first: a partition in use (mounted, held open) makes BLKPG_DEL_PARTITION fail with EBUSY,
 * and the table on disk is then left untouched. After each write the kernel's partitions are
 * synced to the table (kernel_sync). A loop device accepts partitions only when attached with
 * --partscan; a device-mapper device accepts none (kpartx's work, not done here).
 *
 * Volume names follow libvirt: the device's name plus the partition number, with a 'p' in
 * between when the name ends in a digit (sda1, loop0p1, nvme0n1p1). A device given through a
 * symlink (/dev/disk/by-id/...) is named after the kernel's name for it, which is what the
 * partitions are called; a device-mapper device (/dev/mapper/NAME) keeps its name, and its
 * part_separator attribute decides the 'p' as in libvirt. */
#include <blkid.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libfdisk.h>
#include <limits.h>
#include <libudev.h>
#include <linux/blkpg.h>
#include <poll.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "backends/backend.h"
#include "backends/blockdev.h"
#include "backends/dir.h"
#include "shared/log.h"
#include "shared/path.h"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_context *, fdisk_unref_context);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_table *, fdisk_unref_table);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_partition *, fdisk_unref_partition);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct fdisk_iter *, fdisk_free_iter);
DEFINE_TRIVIAL_CLEANUP_FUNC(blkid_probe, blkid_free_probe);

#define DEV_MAPPER "/dev/mapper/"

/* ---- The device and its names ------------------------------------------------------------ */

static int device_path(const PoolDef *def, const char **ret, Error *err) {
        if (def->source.n_devices < 1 || isempty(def->source.devices[0].path))
                return error_set_errno(err, -EINVAL, 0, "missing source device for pool '%s'",
                                       def->name);
        *ret = def->source.devices[0].path;
        return 0;
}

/* 1: a block device, 0: absent (or without a medium: size 0), -ENOTBLK: something else is
 * there. */
static int device_stat(const char *path, struct stat *ret, Error *err) {
        if (stat(path, ret) < 0) {
                int r = -errno;

                if (r == -ENOENT || r == -ENOTDIR)
                        return 0;
                return error_set_errno(err, r, 0, "cannot access device '%s': %s", path,
                                       strerror(-r));
        }
        if (!S_ISBLK(ret->st_mode))
                return error_set_errno(err, -ENOTBLK, 0, "'%s' is not a block device", path);
        return block_device_has_medium(ret->st_rdev) ? 1 : 0;
}

static int device_require(const PoolDef *def, const char **ret, Error *err) {
        struct stat st;
        int r;

        r = device_path(def, ret, err);
        if (r < 0)
                return r;
        r = device_stat(*ret, &st, err);
        if (r < 0)
                return r;
        if (r == 0 && stat(*ret, &st) == 0)
                return error_set_errno(err, -ENODEV, 0, "device path '%s' has no medium (size 0)",
                                       *ret);
        if (r == 0)
                return error_set_errno(err, -ENODEV, 0, "device path '%s' doesn't exist", *ret);
        return 0;
}

static bool ends_in_digit(const char *s) {
        size_t n = strlen(s);

        return n > 0 && s[n - 1] >= '0' && s[n - 1] <= '9';
}

/* The directory the partitions' nodes are in and the name they are built from. */
typedef struct Naming {
        char *dir;  /* "/dev" or "/dev/mapper" */
        char *base; /* "sda", "loop0", "mpatha" */
        const char *sep;
} Naming;

static void naming_done(Naming *n) {
        free(n->dir);
        free(n->base);
}

static void naming_init(const PoolDef *def, Naming *ret) {
        const PoolDevice *d = &def->source.devices[0];
        _cleanup_free_ char *real = NULL;
        const char *p = d->path, *slash;

        if (strncmp(p, DEV_MAPPER, strlen(DEV_MAPPER)) == 0) {
                /* libvirt's parthelper: yes forces the 'p', no forbids it. */
                ret->dir = xstrdup("/dev/mapper");
                ret->base = xstrdup(p + strlen(DEV_MAPPER));
                ret->sep = d->part_separator == TRISTATE_YES  ? "p"
                           : d->part_separator == TRISTATE_NO ? ""
                           : ends_in_digit(ret->base)         ? "p"
                                                              : "";
                return;
        }
        real = realpath(p, NULL);
        if (real)
                p = real;
        slash = strrchr(p, '/');
        ret->dir = xstrdup("/dev");
        ret->base = xstrdup(slash ? slash + 1 : p);
        /* The kernel's rule; part_separator concerns device-mapper names only (libvirt). */
        ret->sep = ends_in_digit(ret->base) ? "p" : "";
}

/* partno counts from 1, as the kernel's names do. */
static char *partition_name(const Naming *n, size_t partno) {
        return xasprintf("%s%s%zu", n->base, n->sep, partno);
}

/* libvirt's virStorageBackendStablePath: the partition's node when the target is /dev (or
 * not given), else the entry of the target directory that leads to it (/dev/disk/by-path),
 * falling back to the node itself. */
static char *volume_path(const PoolDef *def, const Naming *n, const char *name) {
        _cleanup_free_ char *node = xasprintf("%s/%s", n->dir, name);
        const char *t = def->target_path;
        DIR *d;
        struct dirent *de;

        if (isempty(t) || streq(t, "/dev") || streq(t, "/dev/") || streq(t, n->dir))
                return TAKE_PTR(node);
        d = opendir(t);
        if (!d)
                return TAKE_PTR(node);
        while ((de = readdir(d))) {
                _cleanup_free_ char *entry = NULL, *real = NULL;

                if (de->d_name[0] == '.')
                        continue;
                entry = path_join(t, de->d_name);
                real = realpath(entry, NULL);
                if (real && streq(real, node)) {
                        closedir(d);
                        return TAKE_PTR(entry);
                }
        }
        closedir(d);
        return TAKE_PTR(node);
}

/* ---- Formats ----------------------------------------------------------------------------- */

/* The label libfdisk writes for a pool's <format>; NULL when it cannot write that one.
 * "unknown" is dos, as libvirt builds it. */
static const char *fdisk_label_for(int format) {
        switch (format) {
        case POOL_DISK_UNKNOWN:
        case POOL_DISK_DOS: return "dos";
        case POOL_DISK_GPT: return "gpt";
        default: break;
        }
        if (format >= 0 && (size_t) format < string_table_size(pool_disk_formats)) {
                const char *f = pool_disk_formats[format];

                if (streq(f, "sun"))
                        return "sun";
                if (streq(f, "dvh"))
                        return "sgi";
        }
        return NULL;
}

static const char *pool_format_name(int format) {
        if (format >= 0 && (size_t) format < string_table_size(pool_disk_formats))
                return pool_disk_formats[format];
        return "unknown";
}

enum {
        PART_NONE,
        PART_LINUX,
        PART_FAT16,
        PART_FAT32,
        PART_SWAP,
        PART_LVM,
        PART_RAID,
        PART_EXTENDED
};

#define GPT_LINUX "0FC63DAF-8483-4772-8E79-3D69D8477DE4"
#define GPT_DATA  "EBD0A0A2-B9E5-4433-87C0-68B6B72699C7"
#define GPT_SWAP  "0657FD6D-A4AB-43C4-84E5-0933C84B4F4F"
#define GPT_LVM   "E6D6D379-F507-44C2-A23C-238F2A3DF928"
#define GPT_RAID  "A19D880F-05FC-4D3B-A006-743F0F84911E"

static const char *const gpt_types[] = {
        [PART_LINUX] = GPT_LINUX, [PART_FAT16] = GPT_DATA, [PART_FAT32] = GPT_DATA,
        [PART_SWAP] = GPT_SWAP,   [PART_LVM] = GPT_LVM,    [PART_RAID] = GPT_RAID,
};
static const unsigned dos_types[] = {
        [PART_LINUX] = 0x83, [PART_FAT16] = 0x06, [PART_FAT32] = 0x0c,    [PART_SWAP] = 0x82,
        [PART_LVM] = 0x8e,   [PART_RAID] = 0xfd,  [PART_EXTENDED] = 0x05,
};

static bool label_is(struct fdisk_context *cxt, const char *name) {
        struct fdisk_label *lb = fdisk_get_label(cxt, NULL);

        return lb && streq(fdisk_label_get_name(lb), name);
}

/* The volume format (libvirt's partition types) of a partition's type. */
static int partition_format(struct fdisk_context *cxt, struct fdisk_partition *pa) {
        struct fdisk_parttype *t = fdisk_partition_get_type(pa);
        const char *s;

        if (fdisk_partition_is_container(pa))
                return PART_EXTENDED;
        if (!t)
                return PART_NONE;
        if (label_is(cxt, "gpt")) {
                s = fdisk_parttype_get_string(t);
                if (!s)
                        return PART_NONE;
                for (size_t i = PART_LINUX; i < ELEMENTSOF(gpt_types); i++)
                        if (gpt_types[i] && strcasecmp(gpt_types[i], s) == 0)
                                return i == PART_FAT16 ? PART_FAT32 : (int) i;
                return PART_NONE;
        }
        switch (fdisk_parttype_get_code(t)) {
        case 0x83: return PART_LINUX;
        case 0x04:
        case 0x06:
        case 0x0e: return PART_FAT16;
        case 0x0b:
        case 0x0c: return PART_FAT32;
        case 0x82: return PART_SWAP;
        case 0x8e: return PART_LVM;
        case 0xfd: return PART_RAID;
        default: return PART_NONE;
        }
}

/* Sets the partition type a volume format asks for; "none" leaves libfdisk's default. */
static int partition_set_format(struct fdisk_context *cxt, struct fdisk_partition *pa, int format,
                                Error *err) {
        struct fdisk_label *lb = fdisk_get_label(cxt, NULL);
        struct fdisk_parttype *t = NULL;
        const char *fname;

        if (format < 0 || (size_t) format >= string_table_size(vol_partition_formats))
                return error_set_errno(err, -EINVAL, 0, "unknown partition format %d", format);
        fname = vol_partition_formats[format];
        if (format == PART_NONE)
                return 0;
        if (label_is(cxt, "gpt") && format != PART_EXTENDED)
                t = fdisk_label_get_parttype_from_string(lb, gpt_types[format]);
        else if (label_is(cxt, "dos"))
                t = fdisk_label_get_parttype_from_code(lb, dos_types[format]);
        if (!t)
                return error_set_errno(err, -EINVAL, 0,
                                       "partition format '%s' is not supported in a %s "
                                       "partition table",
                                       fname, fdisk_label_get_name(lb));
        if (fdisk_partition_set_type(pa, t) < 0)
                return error_set_errno(err, -EINVAL, 0, "cannot set partition type '%s'", fname);
        return 0;
}

/* ---- libfdisk and the kernel ------------------------------------------------------------- */

/* Opens the device's partition table, read-only for a refresh. */
static struct fdisk_context *disk_open(const char *path, bool readonly, Error *err, int *ret_r) {
        _cleanup_(fdisk_unref_contextp) struct fdisk_context *cxt = fdisk_new_context();
        int r;

        if (!cxt)
                oom();
        r = fdisk_assign_device(cxt, path, readonly);
        if (r < 0) {
                *ret_r = error_set_errno(err, r, 0, "cannot open device '%s': %s", path,
                                         strerror(-r));
                return NULL;
        }
        *ret_r = 0;
        return TAKE_PTR(cxt);
}

/* Writes the changes to disk (fsync, close). */
static int disk_close(struct fdisk_context *cxt, const char *path, Error *err) {
        int r = fdisk_deassign_device(cxt, 0);

        if (r < 0)
                return error_set_errno(err, r, 0, "cannot sync device '%s': %s", path,
                                       strerror(-r));
        return 0;
}

/* The whole disk, locked while its table is written (flock LOCK_EX on a descriptor of its
 * own, as sfdisk does and udev honours).
 *
 * Closing a disk opened for writing makes udevd (its inotify watch) re-read the partition
 * table with BLKRRPART, unless the disk is locked. A re-read throws away the partitions told
 * with BLKPG where the kernel does not parse tables itself, and fails anyway when one is in
 * use. So the lock is held past the close until udevd has dealt with it: the kernel's
 * "change" uevent of the disk, which udevd asks for when it skipped the re-read, says so
 * (bounded wait; no wait when no udevd runs). */
typedef struct DiskLock {
        int fd;
        dev_t devnum;
        struct udev *udev;
        struct udev_monitor *mon;
} DiskLock;

#define DISK_LOCK_INIT ((DiskLock){.fd = -1})
#define UDEV_WAIT_USEC (2 * 1000 * 1000)

/* Is a udevd listening? Its control socket stays behind when it exits, so the socket is
 * connected to, not only looked for: a stale one would make every write wait UDEV_WAIT_USEC
 * for a uevent nobody sends. */
static bool udevd_running(void) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX, .sun_path = "/run/udev/control"};
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);

        return fd >= 0 && connect(fd, (struct sockaddr *) &sa, sizeof(sa)) == 0;
}

static int disk_lock(const char *path, DiskLock *ret, Error *err) {
        struct stat st;
        int r;

        ret->fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
        if (ret->fd < 0 || flock(ret->fd, LOCK_EX) < 0 || fstat(ret->fd, &st) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot lock device '%s': %s", path,
                                       strerror(-r));
        }
        ret->devnum = st.st_rdev;
        if (!udevd_running())
                return 0;
        ret->udev = udev_new();
        if (ret->udev)
                ret->mon = udev_monitor_new_from_netlink(ret->udev, "kernel");
        if (!ret->mon ||
            udev_monitor_filter_add_match_subsystem_devtype(ret->mon, "block", "disk") < 0 ||
            udev_monitor_enable_receiving(ret->mon) < 0) {
                log_debug("cannot watch uevents of '%s', not waiting for udev", path);
                ret->mon = udev_monitor_unref(ret->mon);
        }
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

static void disk_lock_wait_udev(DiskLock *l) {
        uint64_t deadline = now_usec() + UDEV_WAIT_USEC;
        struct pollfd p = {.fd = udev_monitor_get_fd(l->mon), .events = POLLIN};

        for (uint64_t now; (now = now_usec()) < deadline;) {
                struct udev_device *d;
                bool done;

                if (poll(&p, 1, (int) ((deadline - now) / 1000) + 1) <= 0)
                        break;
                d = udev_monitor_receive_device(l->mon);
                if (!d)
                        continue;
                done = udev_device_get_devnum(d) == l->devnum &&
                       streq_ptr(udev_device_get_action(d), "change");
                udev_device_unref(d);
                if (done)
                        return;
        }
        log_debug("no change uevent from udev within %d s, unlocking anyway",
                  UDEV_WAIT_USEC / 1000000);
}

/* Call once the written descriptor is closed: waits for udev, then unlocks. */
static void disk_unlock(DiskLock *l) {
        if (l->mon)
                disk_lock_wait_udev(l);
        l->mon = udev_monitor_unref(l->mon);
        l->udev = udev_unref(l->udev);
        if (l->fd >= 0)
                close(l->fd);
        l->fd = -1;
}

static int disk_require_label(struct fdisk_context *cxt, const char *path, Error *err) {
        if (!fdisk_has_label(cxt))
                return error_set_errno(err, -EMEDIUMTYPE, 0,
                                       "device '%s' has no partition table (pool-build writes one)",
                                       path);
        return 0;
}

/* pno counts from 1; start and length are bytes. */
static int kernel_partition(int fd, int op, int pno, uint64_t start, uint64_t length) {
        struct blkpg_partition p = {
                .start = (long long) start,
                .length = (long long) length,
                .pno = pno,
        };
        struct blkpg_ioctl_arg a = {.op = op, .datalen = sizeof(p), .data = &p};

        return ioctl(fd, BLKPG, &a) < 0 ? -errno : 0;
}

static int kernel_error(int r, const char *verb, const char *name, const char *path, Error *err) {
        if (r == -EBUSY)
                return error_set_errno(err, r, 0,
                                       "cannot %s partition '%s': it is in use (mounted, or held "
                                       "open)",
                                       verb, name);
        if (r == -EINVAL)
                return error_set_errno(err, r, 0,
                                       "cannot %s partition '%s': the kernel does not accept "
                                       "partitions on '%s' (a loop device must be attached with "
                                       "losetup --partscan)",
                                       verb, name, path);
        return error_set_errno(err, r, 0, "cannot %s partition '%s' in the kernel: %s", verb, name,
                               strerror(-r));
}

/* A partition as the kernel knows it (pno from 1, bytes), or as it should. */
typedef struct KernelPart {
        int pno;
        uint64_t start, length;
        char *name; /* the kernel's name, for messages */
} KernelPart;

typedef struct KernelParts {
        KernelPart *parts;
        size_t n;
} KernelParts;

static void kernel_parts_done(KernelParts *k) {
        for (size_t i = 0; i < k->n; i++)
                free(k->parts[i].name);
        free(k->parts);
        *k = (KernelParts){};
}

static int read_u64_at(const char *dir, const char *name, uint64_t *ret) {
        _cleanup_free_ char *p = path_join(dir, name);
        FILE *f = fopen(p, "re");
        int ok;

        if (!f)
                return -errno;
        ok = fscanf(f, "%" SCNu64, ret) == 1;
        fclose(f);
        return ok ? 0 : -EIO;
}

/* The partitions of the disk behind fd that the kernel has now (sysfs). */
static int kernel_parts_read(int fd, const char *path, KernelParts *ret, Error *err) {
        _cleanup_free_ char *sys = NULL;
        struct stat st;
        struct dirent *de;
        DIR *d;

        *ret = (KernelParts){};
        if (fstat(fd, &st) < 0)
                return error_set_errno(err, -errno, 0, "cannot stat '%s': %m", path);
        sys = xasprintf("/sys/dev/block/%u:%u", major(st.st_rdev), minor(st.st_rdev));
        d = opendir(sys);
        if (!d)
                return error_set_errno(err, -errno, 0, "cannot read '%s': %m", sys);
        while ((de = readdir(d))) {
                _cleanup_free_ char *dir = NULL;
                uint64_t pno, start, size;

                if (de->d_name[0] == '.')
                        continue;
                dir = path_join(sys, de->d_name);
                if (read_u64_at(dir, "partition", &pno) < 0 ||
                    read_u64_at(dir, "start", &start) < 0 || read_u64_at(dir, "size", &size) < 0)
                        continue;
                ARRAY_APPEND(ret->parts, ret->n,
                             ((KernelPart){.pno = (int) pno,
                                           .start = start * 512,
                                           .length = size * 512,
                                           .name = xstrdup(de->d_name)}));
        }
        closedir(d);
        return 0;
}

/* What the kernel should know of a table's partition: all of it, except for an extended
 * partition, of which the kernel's own dos parser registers only its first sectors (the rest
 * belongs to the logical partitions, and BLKPG refuses overlaps). */
static KernelPart kernel_part_of(struct fdisk_context *cxt, struct fdisk_partition *pa) {
        uint64_t ss = fdisk_get_sector_size(cxt), size = fdisk_partition_get_size(pa) * ss;
        uint64_t ext = (ss / 512 > 2 ? ss / 512 : 2) * 512;

        if (fdisk_partition_is_container(pa) && size > ext)
                size = ext;
        return (KernelPart){.pno = (int) fdisk_partition_get_partno(pa) + 1,
                            .start = fdisk_partition_get_start(pa) * ss,
                            .length = size};
}

static const KernelPart *kernel_parts_find(const KernelParts *k, const KernelPart *want) {
        for (size_t i = 0; i < k->n; i++)
                if (k->parts[i].pno == want->pno && k->parts[i].start == want->start &&
                    k->parts[i].length == want->length)
                        return &k->parts[i];
        return NULL;
}

/* Makes the kernel's partitions of the disk those of the table (NULL: none): removes the
 * ones that differ, then adds what is missing. A partition in use cannot be removed: that
 * ends the sync with -EBUSY and a message naming it. */
static int kernel_sync(struct fdisk_context *cxt, struct fdisk_table *tb, int fd, const char *path,
                       Error *err) {
        _cleanup_(kernel_parts_done) KernelParts have = {}, want = {};
        _cleanup_(fdisk_free_iterp) struct fdisk_iter *it = fdisk_new_iter(FDISK_ITER_FORWARD);
        struct fdisk_partition *pa;
        int r;

        if (!it)
                oom();
        r = kernel_parts_read(fd, path, &have, err);
        if (r < 0)
                return r;
        while (tb && fdisk_table_next_partition(tb, it, &pa) == 0) {
                KernelPart k = kernel_part_of(cxt, pa);

                ARRAY_APPEND(want.parts, want.n, k);
        }
        for (size_t i = 0; i < have.n; i++) {
                if (kernel_parts_find(&want, &have.parts[i]))
                        continue;
                r = kernel_partition(fd, BLKPG_DEL_PARTITION, have.parts[i].pno, 0, 0);
                if (r < 0 && r != -ENXIO)
                        return kernel_error(r, "remove", have.parts[i].name, path, err);
        }
        for (size_t i = 0; i < want.n; i++) {
                _cleanup_free_ char *name = NULL;

                if (kernel_parts_find(&have, &want.parts[i]))
                        continue;
                r = kernel_partition(fd, BLKPG_ADD_PARTITION, want.parts[i].pno,
                                     want.parts[i].start, want.parts[i].length);
                if (r < 0) {
                        name = xasprintf("%d", want.parts[i].pno);
                        return kernel_error(r, "add", name, path, err);
                }
        }
        return 0;
}

static int kernel_sync_cxt(struct fdisk_context *cxt, const char *path, Error *err) {
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *tb = NULL;
        int r;

        if (fdisk_has_label(cxt)) {
                r = fdisk_get_partitions(cxt, &tb);
                if (r < 0)
                        return error_set_errno(err, r, 0,
                                               "cannot read the partition table of '%s': %s", path,
                                               strerror(-r));
        }
        return kernel_sync(cxt, tb, fdisk_get_devfd(cxt), path, err);
}

/* ---- Volumes ----------------------------------------------------------------------------- */

static VolDef *vol_from_partition(const PoolDef *def, const Naming *n, struct fdisk_context *cxt,
                                  struct fdisk_partition *pa) {
        uint64_t ss = fdisk_get_sector_size(cxt);
        uint64_t start = fdisk_partition_get_start(pa) * ss;
        uint64_t size = fdisk_partition_get_size(pa) * ss;
        VolDef *v = vol_def_new();

        v->name = partition_name(n, fdisk_partition_get_partno(pa) + 1);
        v->target.path = volume_path(def, n, v->name);
        v->key = v->target.path; /* one string for both (VolDef) */
        v->type = VOL_BLOCK;
        v->capacity = v->allocation = size;
        v->has_capacity = v->has_allocation = true;
        v->target.format = partition_format(cxt, pa);
        v->extents = xcalloc(1, sizeof(*v->extents));
        v->extents[0] = (VolExtent){
                .path = xstrdup(def->source.devices[0].path), .start = start, .end = start + size};
        v->n_extents = 1;
        return v;
}

static void found_stat(const VolDef *v, struct stat *ret) {
        if (stat(v->target.path, ret) < 0)
                *ret = (struct stat){};
}

/* Pool sizes as libvirt's disk backend counts them: the disk, what the partitions hold (an
 * extended partition only contains others), and the free extents added up. */
static int disk_sizes(struct fdisk_context *cxt, struct fdisk_table *parts, PoolSizes *ret,
                      const char *path, Error *err) {
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *free_tb = NULL;
        _cleanup_(fdisk_free_iterp) struct fdisk_iter *it = fdisk_new_iter(FDISK_ITER_FORWARD);
        uint64_t ss = fdisk_get_sector_size(cxt);
        struct fdisk_partition *pa;
        int r;

        if (!it)
                oom();
        *ret = (PoolSizes){.capacity = fdisk_get_nsectors(cxt) * ss};
        while (fdisk_table_next_partition(parts, it, &pa) == 0)
                if (!fdisk_partition_is_container(pa))
                        ret->allocation += fdisk_partition_get_size(pa) * ss;
        r = fdisk_get_freespaces(cxt, &free_tb);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read free space of '%s': %s", path,
                                       strerror(-r));
        fdisk_reset_iter(it, FDISK_ITER_FORWARD);
        while (fdisk_table_next_partition(free_tb, it, &pa) == 0)
                ret->available += fdisk_partition_get_size(pa) * ss;
        return 0;
}

/* The partition a volume name stands for, NULL when there is none. */
static struct fdisk_partition *partition_by_name(struct fdisk_context *cxt,
                                                 struct fdisk_table *parts, const Naming *n,
                                                 const char *name) {
        _cleanup_(fdisk_free_iterp) struct fdisk_iter *it = fdisk_new_iter(FDISK_ITER_FORWARD);
        struct fdisk_partition *pa;

        if (!it)
                oom();
        while (fdisk_table_next_partition(parts, it, &pa) == 0) {
                _cleanup_free_ char *pn = partition_name(n, fdisk_partition_get_partno(pa) + 1);

                if (streq(pn, name))
                        return pa;
        }
        return NULL;
}

static int disk_read_table(struct fdisk_context *cxt, const char *path, struct fdisk_table **ret,
                           Error *err) {
        int r = disk_require_label(cxt, path, err);

        if (r < 0)
                return r;
        r = fdisk_get_partitions(cxt, ret);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read the partition table of '%s': %s",
                                       path, strerror(-r));
        return 0;
}

/* Opens the disk and reads its partition table: what refresh, vol-info and vol-delete start
 * with. On failure *ret_cxt may be set; the caller's cleanup frees it. */
static int disk_open_table(const char *path, bool readonly, struct fdisk_context **ret_cxt,
                           struct fdisk_table **ret_parts, Error *err) {
        int r;

        *ret_cxt = disk_open(path, readonly, err, &r);
        if (!*ret_cxt)
                return r;
        return disk_read_table(*ret_cxt, path, ret_parts, err);
}

/* ---- Pool operations --------------------------------------------------------------------- */

static int disk_check(const PoolDef *def, Error *err) {
        const char *path = NULL;
        struct stat st;
        int r;

        r = device_path(def, &path, err);
        if (r < 0)
                return r;
        r = device_stat(path, &st, err);
        if (r == -ENOTBLK) {
                error_clear(err);
                return 0;
        }
        return r;
}

/* What libblkid finds on the device (partition table, filesystem or other signature), as
 * words for an error message; NULL when it is blank. */
static int device_probe(const char *path, char **ret, Error *err) {
        _cleanup_(blkid_free_probep) blkid_probe pr = blkid_new_probe_from_filename(path);
        const char *pt = NULL, *fs = NULL;
        int r;

        *ret = NULL;
        if (!pr)
                return error_set_errno(err, errno > 0 ? -errno : -EIO, 0,
                                       "cannot probe device '%s': %m", path);
        blkid_probe_enable_superblocks(pr, 1);
        blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE);
        blkid_probe_enable_partitions(pr, 1);
        r = blkid_do_safeprobe(pr);
        if (r == -2) {
                *ret = xstrdup("several conflicting signatures");
                return 1;
        }
        if (r < 0)
                return error_set_errno(err, -EIO, 0, "cannot probe device '%s'", path);
        if (r == 1)
                return 0;
        (void) blkid_probe_lookup_value(pr, "PTTYPE", &pt, NULL);
        (void) blkid_probe_lookup_value(pr, "TYPE", &fs, NULL);
        if (pt && fs)
                *ret = xasprintf("a %s partition table and a %s signature", pt, fs);
        else if (pt)
                *ret = xasprintf("a %s partition table", pt);
        else if (fs)
                *ret = xasprintf("a %s signature", fs);
        else
                *ret = xstrdup("an unknown signature");
        return 1;
}

static int disk_build(const PoolDef *def, unsigned flags, Error *err) {
        _cleanup_(disk_unlock) DiskLock lock = DISK_LOCK_INIT;
        _cleanup_(fdisk_unref_contextp) struct fdisk_context *cxt = NULL;
        _cleanup_free_ char *found = NULL;
        const char *path = NULL, *label;
        int r;

        if ((flags & BUILD_OVERWRITE) && (flags & BUILD_NO_OVERWRITE))
                return error_set_errno(err, -EINVAL, 0,
                                       "Options --overwrite and --no-overwrite are mutually "
                                       "exclusive");
        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        label = fdisk_label_for(def->source.format);
        if (!label)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cannot write a '%s' partition table on '%s': only dos, "
                                       "gpt, sun and dvh can be built",
                                       pool_format_name(def->source.format), path);
        if (!(flags & BUILD_OVERWRITE)) {
                r = device_probe(path, &found, err);
                if (r < 0)
                        return r;
                if (r > 0)
                        return error_set_errno(err, -EEXIST, 0,
                                               "device '%s' already holds %s; pool-build "
                                               "--overwrite replaces it",
                                               path, found);
        }
        r = disk_lock(path, &lock, err);
        if (r < 0)
                return r;
        cxt = disk_open(path, false, err, &r);
        if (!cxt)
                return r;
        r = kernel_sync(cxt, NULL, fdisk_get_devfd(cxt), path, err);
        if (r < 0)
                return r;
        /* Old signatures (a filesystem, the other label's backup) would otherwise survive
         * next to the new label and make blkid's answer ambiguous. */
        fdisk_enable_wipe(cxt, 1);
        r = fdisk_create_disklabel(cxt, label);
        if (r >= 0)
                r = fdisk_write_disklabel(cxt);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot write a %s partition table on '%s': %s",
                                       label, path, strerror(-r));
        return disk_close(cxt, path, err);
}

/* blkid's name of the label a pool format stands for. */
static const char *blkid_label_for(int format) {
        const char *l = fdisk_label_for(format);

        return l ? l : pool_format_name(format);
}

/* libvirt's start: the device is there and carries the label the definition names
 * ("unknown" meaning dos, as libvirt has it). */
static int disk_start(const PoolDef *def, Error *err) {
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        const char *path = NULL, *pt = NULL;
        int r;

        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        pr = blkid_new_probe_from_filename(path);
        if (!pr)
                return error_set_errno(err, errno > 0 ? -errno : -EIO, 0,
                                       "cannot probe device '%s': %m", path);
        blkid_probe_enable_superblocks(pr, 0);
        blkid_probe_enable_partitions(pr, 1);
        r = blkid_do_safeprobe(pr);
        if (r == 0)
                (void) blkid_probe_lookup_value(pr, "PTTYPE", &pt, NULL);
        if (!pt)
                return error_set_errno(err, -EMEDIUMTYPE, 0,
                                       "Unrecognized disk label found on '%s', requires build",
                                       path);
        if (!streq(pt, blkid_label_for(def->source.format)))
                return error_set_errno(err, -EMEDIUMTYPE, 0,
                                       "Known, but different label format present on '%s' (%s, "
                                       "not %s), requires build --overwrite",
                                       path, pt, blkid_label_for(def->source.format));
        return 0;
}

static int disk_stop(const PoolDef *def, Error *err) {
        return 0;
}

/* libvirt zeroes the partition table. Here the table's signatures are erased with libblkid
 * (both GPT headers and the protective MBR, a dos boot signature...), which is what makes the
 * disk blank to every tool, and no byte of what the partitions held is touched. The kernel
 * forgets the partitions first: one in use refuses the deletion before anything changed. */
static int disk_delete(const PoolDef *def, Error *err) {
        _cleanup_(disk_unlock) DiskLock lock = DISK_LOCK_INIT;
        _cleanup_(blkid_free_probep) blkid_probe pr = NULL;
        _cleanup_close_ int fd = -1;
        const char *path = NULL;
        int r;

        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        r = disk_lock(path, &lock, err);
        if (r < 0)
                return r;
        r = kernel_sync(NULL, NULL, lock.fd, path, err);
        if (r < 0)
                return r;
        fd = open(path, O_RDWR | O_CLOEXEC);
        if (fd < 0)
                return error_set_errno(err, -errno, 0, "cannot open device '%s': %m", path);
        pr = blkid_new_probe();
        if (!pr)
                oom();
        if (blkid_probe_set_device(pr, fd, 0, 0) < 0)
                return error_set_errno(err, -EIO, 0, "cannot probe device '%s'", path);
        blkid_probe_enable_superblocks(pr, 0);
        blkid_probe_enable_partitions(pr, 1);
        blkid_probe_set_partitions_flags(pr, BLKID_PARTS_MAGIC);
        while ((r = blkid_do_probe(pr)) == 0)
                if (blkid_do_wipe(pr, 0) < 0)
                        return error_set_errno(err, -EIO, 0,
                                               "cannot erase the partition table of '%s'", path);
        if (r < 0)
                return error_set_errno(err, -EIO, 0, "cannot probe device '%s'", path);
        if (fsync(fd) < 0)
                return error_set_errno(err, -errno, 0, "cannot sync device '%s': %m", path);
        r = close(TAKE_FD(fd));
        return r < 0 ? error_set_errno(err, -errno, 0, "cannot close device '%s': %m", path) : 0;
}

static int disk_refresh(const PoolDef *def, RefreshResult *ret, Error *err) {
        _cleanup_(fdisk_unref_contextp) struct fdisk_context *cxt = NULL;
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *parts = NULL;
        _cleanup_(fdisk_free_iterp) struct fdisk_iter *it = NULL;
        _cleanup_(naming_done) Naming n = {};
        struct fdisk_partition *pa;
        const char *path = NULL;
        int r;

        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        r = disk_open_table(path, true, &cxt, &parts, err);
        if (r < 0)
                return r;
        naming_init(def, &n);
        it = fdisk_new_iter(FDISK_ITER_FORWARD);
        if (!it)
                oom();
        while (fdisk_table_next_partition(parts, it, &pa) == 0) {
                VolDef *v = vol_from_partition(def, &n, cxt, pa);
                struct stat st;

                found_stat(v, &st);
                /* Listed all the same: the table is what the pool is. */
                if (!S_ISBLK(st.st_mode))
                        refresh_result_warn(ret,
                                            "partition '%s' is in the table of '%s' but '%s' is "
                                            "not there: the kernel does not know it (partx -a "
                                            "tells it)",
                                            v->name, path, v->target.path);
                refresh_result_add(ret, v, &st);
        }
        return disk_sizes(cxt, parts, &ret->sizes, path, err);
}

static int disk_vol_refresh(const PoolDef *def, const char *name, FoundVolume *ret, Error *err) {
        _cleanup_(fdisk_unref_contextp) struct fdisk_context *cxt = NULL;
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *parts = NULL;
        _cleanup_(naming_done) Naming n = {};
        struct fdisk_partition *pa;
        const char *path = NULL;
        int r;

        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        r = disk_open_table(path, true, &cxt, &parts, err);
        if (r < 0)
                return r;
        naming_init(def, &n);
        pa = partition_by_name(cxt, parts, &n, name);
        if (!pa)
                return error_set_errno(err, -ENOENT, 0,
                                       "Storage volume not found: no storage vol "
                                       "with matching name '%s'",
                                       name);
        ret->def = vol_from_partition(def, &n, cxt, pa);
        found_stat(ret->def, &ret->st);
        return 0;
}

/* Where a new partition goes: its number (from 0, libfdisk's) and the sectors it may use. On
 * a dos table, as libvirt decides: a primary partition while one of the four slots is free,
 * else a logical one inside the extended partition; a primary never inside the extended one. */
typedef struct Slot {
        size_t partno;
        bool logical;
        bool has_ext; /* ext_start..ext_end: the extended partition's sectors */
        uint64_t ext_start, ext_end;
} Slot;

static int slot_find(struct fdisk_context *cxt, int format, Slot *ret, const char *path,
                     Error *err) {
        _cleanup_(fdisk_unref_partitionp) struct fdisk_partition *pa = fdisk_new_partition();
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *tb = NULL;
        _cleanup_(fdisk_free_iterp) struct fdisk_iter *it = fdisk_new_iter(FDISK_ITER_FORWARD);
        struct fdisk_partition *p;
        size_t n_logical = 0, partno;
        int r;

        if (!pa || !it)
                oom();
        *ret = (Slot){};
        r = fdisk_get_partitions(cxt, &tb);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read the partition table of '%s': %s",
                                       path, strerror(-r));
        while (fdisk_table_next_partition(tb, it, &p) == 0) {
                if (fdisk_partition_is_container(p)) {
                        ret->has_ext = true;
                        ret->ext_start = fdisk_partition_get_start(p);
                        ret->ext_end = fdisk_partition_get_end(p);
                } else if (fdisk_partition_is_nested(p))
                        n_logical++;
        }
        if (format == PART_EXTENDED && ret->has_ext)
                return error_set_errno(err, -EEXIST, 0, "'%s' already has an extended partition",
                                       path);
        fdisk_partition_partno_follow_default(pa, 1);
        r = fdisk_partition_next_partno(pa, cxt, &partno);
        if (r >= 0 && partno < 4) {
                ret->partno = partno;
                return 0;
        }
        if (r >= 0 && !label_is(cxt, "dos")) {
                ret->partno = partno;
                return 0;
        }
        if (!label_is(cxt, "dos") || !ret->has_ext || format == PART_EXTENDED)
                return error_set_errno(err, -ENOSPC, 0, "no free partition slot on '%s'%s", path,
                                       label_is(cxt, "dos")
                                               ? " (a dos table has four primary partitions; one "
                                                 "of them extended holds more)"
                                               : "");
        ret->partno = 4 + n_logical;
        ret->logical = true;
        return 0;
}

/* The first free extent, in libfdisk's aligned view of the disk, that holds size sectors
 * where the slot may go. */
static int free_extent_find(struct fdisk_context *cxt, const Slot *slot, uint64_t sectors,
                            uint64_t *ret_start, const char *path, Error *err) {
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *free_tb = NULL;
        _cleanup_(fdisk_free_iterp) struct fdisk_iter *it = fdisk_new_iter(FDISK_ITER_FORWARD);
        struct fdisk_partition *pa;
        int r;

        if (!it)
                oom();
        r = fdisk_get_freespaces(cxt, &free_tb);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read free space of '%s': %s", path,
                                       strerror(-r));
        while (fdisk_table_next_partition(free_tb, it, &pa) == 0) {
                uint64_t start = fdisk_partition_get_start(pa);
                uint64_t end = start + fdisk_partition_get_size(pa) - 1;
                bool inside = slot->has_ext && start >= slot->ext_start && end <= slot->ext_end;
                bool overlaps = slot->has_ext && start <= slot->ext_end && end >= slot->ext_start;

                if (slot->logical ? !inside : overlaps)
                        continue;
                if (fdisk_partition_get_size(pa) >= sectors) {
                        *ret_start = start;
                        return 0;
                }
        }
        return error_set_errno(err, -ENOSPC, 0, "no large enough free extent");
}

static int vol_create_verify(const VolDef *req, unsigned flags, Error *err) {
        if (flags & VOL_CREATE_REFLINK)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "reflink is not supported for disk volumes");
        if (req->target.encryption)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "storage pool does not support encrypted volumes");
        if (!req->has_capacity || req->capacity == 0)
                return error_set_errno(err, -EINVAL, 0,
                                       "volume capacity required for this storage pool");
        return 0;
}

/* The partition req asks for, added to the table in memory; returns its number. */
static int partition_add(const PoolDef *def, struct fdisk_context *cxt, const VolDef *req,
                         const Naming *n, size_t *ret_partno, const char *path, Error *err) {
        _cleanup_(fdisk_unref_partitionp) struct fdisk_partition *pa = fdisk_new_partition();
        _cleanup_free_ char *expected = NULL;
        uint64_t ss, grain, sectors, start = 0;
        Slot slot;
        int r;

        if (!pa)
                oom();
        r = slot_find(cxt, req->target.format, &slot, path, err);
        if (r < 0)
                return r;
        expected = partition_name(n, slot.partno + 1);
        if (!streq(req->name, expected))
                return error_set_errno(err, -EINVAL, 0,
                                       "invalid partition name '%s', expected '%s'", req->name,
                                       expected);
        /* Rounded up to libfdisk's grain (1 MiB, or the device's own I/O size): libfdisk
         * aligns a partition's end down to it, and a volume never gets less than asked. */
        ss = fdisk_get_sector_size(cxt);
        grain = fdisk_get_grain_size(cxt);
        if (grain < ss)
                grain = ss;
        sectors = (req->capacity + grain - 1) / grain * (grain / ss);
        r = free_extent_find(cxt, &slot, sectors, &start, path, err);
        if (r < 0)
                return r;
        fdisk_partition_set_partno(pa, slot.partno);
        fdisk_partition_set_start(pa, start);
        fdisk_partition_set_size(pa, sectors);
        r = partition_set_format(cxt, pa, req->target.format, err);
        if (r < 0)
                return r;
        r = fdisk_add_partition(cxt, pa, ret_partno);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot add partition '%s' to '%s': %s",
                                       req->name, path, strerror(-r));
        return 0;
}

static int disk_vol_create(const PoolDef *def, const VolDef *req, unsigned flags, VolDef **ret,
                           Error *err) {
        _cleanup_(disk_unlock) DiskLock lock = DISK_LOCK_INIT;
        _cleanup_(fdisk_unref_contextp) struct fdisk_context *cxt = NULL;
        _cleanup_(fdisk_unref_partitionp) struct fdisk_partition *got = NULL;
        _cleanup_(naming_done) Naming n = {};
        _cleanup_vol_def_ VolDef *v = NULL;
        size_t partno;
        const char *path = NULL;
        int r;

        r = vol_create_verify(req, flags, err);
        if (r < 0)
                return r;
        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        r = disk_lock(path, &lock, err);
        if (r < 0)
                return r;
        cxt = disk_open(path, false, err, &r);
        if (!cxt)
                return r;
        r = disk_require_label(cxt, path, err);
        if (r < 0)
                return r;
        naming_init(def, &n);
        r = partition_add(def, cxt, req, &n, &partno, path, err);
        if (r < 0)
                return r;
        r = fdisk_get_partition(cxt, partno, &got);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read back partition '%s': %s", req->name,
                                       strerror(-r));
        v = vol_from_partition(def, &n, cxt, got);
        if (!streq(v->name, req->name))
                return error_set_errno(err, -EINVAL, 0,
                                       "invalid partition name '%s', expected '%s'", req->name,
                                       v->name);
        r = fdisk_write_disklabel(cxt);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot write the partition table of '%s': %s",
                                       path, strerror(-r));
        r = kernel_sync_cxt(cxt, path, err);
        if (r < 0) {
                /* No partition on disk that the kernel refused. */
                if (fdisk_delete_partition(cxt, partno) < 0 || fdisk_write_disklabel(cxt) < 0 ||
                    kernel_sync_cxt(cxt, path, NULL) < 0)
                        log_error("partition '%s' of '%s' may be left in the table though the "
                                  "kernel refused it",
                                  req->name, path);
                (void) fdisk_deassign_device(cxt, 0);
                return r;
        }
        r = disk_close(cxt, path, err);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(v);
        return 0;
}

/* Deleting a logical partition renumbers the ones after it: the kernel is told of all that
 * changed (kernel_sync), after the deleted one was taken from it first. */
static int disk_vol_delete(const PoolDef *def, const VolDef *vol, unsigned flags, Error *err) {
        _cleanup_(disk_unlock) DiskLock lock = DISK_LOCK_INIT;
        _cleanup_(fdisk_unref_contextp) struct fdisk_context *cxt = NULL;
        _cleanup_(fdisk_unref_tablep) struct fdisk_table *parts = NULL;
        _cleanup_(naming_done) Naming n = {};
        struct fdisk_partition *pa;
        size_t partno;
        const char *path = NULL;
        int r, fd;

        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        r = disk_lock(path, &lock, err);
        if (r < 0)
                return r;
        r = disk_open_table(path, false, &cxt, &parts, err);
        if (r < 0)
                return r;
        naming_init(def, &n);
        pa = partition_by_name(cxt, parts, &n, vol->name);
        if (!pa)
                return error_set_errno(err, -ENOENT, 0, "no partition '%s' on '%s'", vol->name,
                                       path);
        if (fdisk_partition_is_container(pa) && fdisk_table_get_nents(parts) > 0) {
                _cleanup_(fdisk_free_iterp) struct fdisk_iter *it =
                        fdisk_new_iter(FDISK_ITER_FORWARD);
                struct fdisk_partition *p;

                while (it && fdisk_table_next_partition(parts, it, &p) == 0)
                        if (fdisk_partition_is_nested(p))
                                return error_set_errno(err, -EBUSY, 0,
                                                       "cannot delete extended partition '%s': "
                                                       "it holds logical partitions",
                                                       vol->name);
        }
        partno = fdisk_partition_get_partno(pa);
        fd = fdisk_get_devfd(cxt);

        /* The kernel first: it refuses while the partition is in use, and then nothing
         * changed. A partition it does not know (ENXIO) is only in the table. */
        r = kernel_partition(fd, BLKPG_DEL_PARTITION, (int) partno + 1, 0, 0);
        if (r < 0 && r != -ENXIO)
                return kernel_error(r, "delete", vol->name, path, err);
        r = fdisk_delete_partition(cxt, partno);
        if (r >= 0)
                r = fdisk_write_disklabel(cxt);
        if (r < 0) {
                (void) kernel_sync(cxt, parts, fd, path, NULL);
                return error_set_errno(err, r, 0, "cannot delete partition '%s' from '%s': %s",
                                       vol->name, path, strerror(-r));
        }
        {
                _cleanup_error_ Error e = ERROR_INIT;

                /* The deletion happened; what is left is the kernel's view of renumbered
                 * logical partitions, which the next change tries again. */
                if (kernel_sync_cxt(cxt, path, &e) < 0)
                        log_warning("Partition table of '%s' written, the kernel's view of it "
                                    "is not complete: %s",
                                    path, e.message);
        }
        return disk_close(cxt, path, err);
}

static int disk_dependencies(const PoolDef *def, PoolDeps *ret) {
        if (def->source.n_devices < 1 || isempty(def->source.devices[0].path))
                return -EINVAL;
        *ret = (PoolDeps){};
        ret->devices = xcalloc(def->source.n_devices + 1, sizeof(char *));
        for (size_t i = 0; i < def->source.n_devices; i++)
                ret->devices[i] = xstrdup(def->source.devices[i].path);
        return 0;
}

/* vol-wipe: the partition's device, as libvirt wipes any volume with a path. */
static int disk_vol_wipe(const PoolDef *def, const VolDef *vol, WipeAlgorithm algorithm,
                         Error *err) {
        const char *path = NULL;
        int r;

        r = device_require(def, &path, err);
        if (r < 0)
                return r;
        if (isempty(vol->target.path))
                return error_set_errno(err, -EINVAL, 0, "volume '%s' has no path", vol->name);
        return dir_wipe_block_device(vol->target.path, algorithm, err);
}

const Backend backend_disk = {
        .type = POOL_DISK,
        .check = disk_check,
        .build = disk_build,
        .start = disk_start,
        .stop = disk_stop,
        .delete = disk_delete,
        .refresh = disk_refresh,
        .vol_create = disk_vol_create,
        .vol_delete = disk_vol_delete,
        .vol_wipe = disk_vol_wipe,
        .vol_refresh = disk_vol_refresh,
        .dependencies = disk_dependencies,
};
