/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The dir pool: a directory whose entries are the volumes (libvirt's storage_backend_fs.c
 * "dir" type and the local-file half of storage_util.c).
 *
 * Everything a volume operation touches is reached relative to a descriptor of the pool's
 * target with *at() calls and names that are one path component, so no name reaches outside
 * the target. Symlinks among the volumes are followed for reading only (a link to a block
 * device is a volume, as in libvirt); what modifies a volume never follows one. Tools
 * (qemu-img, scrub) run from an argv array, with the target as their working directory and
 * "./NAME" as the path, so a name is never an option, a protocol prefix or shell syntax. */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>

#include "backends/backend.h"
#include "backends/dir.h"
#include "backends/image-probe.h"
#include "backends/tool.h"
#include "shared/log.h"
#include "shared/path.h"

#define DEFAULT_POOL_MODE    0711 /* libvirt's VIR_STORAGE_DEFAULT_POOL_PERM_MODE */
#define DEFAULT_VOL_MODE     0600 /* libvirt's VIR_STORAGE_DEFAULT_VOL_PERM_MODE */
#define DEFAULT_DIR_VOL_MODE 0700 /* libvirt uses 0600, which not even the owner can enter */
#define PARENT_MODE          0755
#define IO_CHUNK             (1024 * 1024)
#define ZERO_CHECK_CHUNK     4096 /* holes are kept at this granularity when copying */
#define BACKING_CHAIN_MAX    64

static inline uint64_t u64_min(uint64_t a, uint64_t b) {
        return a < b ? a : b;
}

static const char *startswith(const char *s, const char *prefix) {
        size_t n = strlen(prefix);

        return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

static bool dot_or_dot_dot(const char *name) {
        return streq(name, ".") || streq(name, "..");
}

/* libvirt skips names with control characters other than tab, newline and return; a
 * "bad\nname" is listed (virsh shows it as bad\x0aname). */
static bool name_has_controls(const char *name) {
        for (const unsigned char *p = (const unsigned char *) name; *p; p++)
                if (*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                        return true;
        return false;
}

/* A path for a message: control characters as \xNN, so a file name cannot forge log lines. */
static char *path_escape(const char *path) {
        char *out = xmalloc(strlen(path) * 4 + 1), *o = out;

        for (const unsigned char *p = (const unsigned char *) path; *p; p++) {
                if (*p < 0x20 || *p == 0x7f)
                        o += sprintf(o, "\\x%02x", *p);
                else
                        *o++ = (char) *p;
        }
        *o = '\0';
        return out;
}

/* The name of an existing volume, to be used relative to the target: one path component.
 * Control characters pass, unlike name_check(): a refresh lists "a\nb" as libvirt does, and
 * such a volume must stay deletable. New names get the full name_check(). */
static const char *name_check_existing(const char *name) {
        if (isempty(name))
                return "name is empty";
        if (dot_or_dot_dot(name))
                return "name must not be '.' or '..'";
        if (strchr(name, '/'))
                return "name must not contain '/'";
        if (strlen(name) > VOL_NAME_MAX)
                return "name is too long";
        return NULL;
}

static int vol_name_verify(const char *name, bool creating, Error *err) {
        const char *why = creating ? name_check(name, VOL_NAME_MAX) : name_check_existing(name);
        _cleanup_free_ char *shown = NULL;

        if (!why)
                return 0;
        shown = path_escape(name ? name : "");
        return error_set_errno(err, -EINVAL, 0, "invalid volume name '%s': %s", shown, why);
}

/* The pool's target, for *at() calls. Its own path comes from the definition and may be a
 * symlink to the real directory (a common layout for /var/lib/libvirt/images, which libvirt
 * accepts); symlinks among the volumes are what is never followed out of it. */
static int target_open(const PoolDef *def, Error *err) {
        int fd;

        if (isempty(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no target path", def->name);
        fd = open(def->target_path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0) {
                int r = -errno;
                return error_set_errno(err, r, 0, "cannot open directory '%s': %s",
                                       def->target_path, strerror(-r));
        }
        return fd;
}

/* Where the pool's volumes are, and how to name them in paths. */
typedef struct Scan {
        int dirfd;
        const char *path;
} Scan;

static char *scan_path(const Scan *s, const char *name) {
        return path_join(s->path, name);
}

/* Pool sizes as libvirt computes them: the file system's, with f_bfree rather than f_bavail
 * (root's reserved blocks count as available). */
static int pool_sizes(const Scan *s, PoolSizes *ret, Error *err) {
        struct statvfs sv;

        if (fstatvfs(s->dirfd, &sv) < 0) {
                int r = -errno;
                return error_set_errno(err, r, 0, "cannot statvfs path '%s': %s", s->path,
                                       strerror(-r));
        }
        ret->capacity = (uint64_t) sv.f_frsize * sv.f_blocks;
        ret->available = (uint64_t) sv.f_bfree * sv.f_frsize;
        ret->allocation = ret->capacity - ret->available;
        return 0;
}

/* The name qemu-img gives a format. iso is raw to it; "vhd" is VHDX here (the prober
 * reports VHDX as vhd, libvirt's format list having no vhdx), VHD proper being vpc. */
static const char *qemu_format(int format) {
        if (format == VOL_FILE_ISO)
                return "raw";
        if (format == VOL_FILE_VHD)
                return "vhdx";
        if (format < 0 || format >= _VOL_FILE_MAX)
                return "raw";
        return vol_file_formats[format];
}

/* Runs qemu-img in the pool directory; what failed is described by what. */
static int qemu_img_run(const Scan *s, Args *a, const char *what, Error *err) {
        _cleanup_free_ char *message = NULL;
        int r;

        r = tool_run(s->dirfd, a->v, &message);
        if (r == -ENOENT)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "%s: qemu-img is not installed (creation of non-raw file "
                                       "images is not supported without qemu-img)",
                                       what);
        if (r < 0)
                return error_set_errno(err, r, 0, "%s: %s", what, message ? message : strerror(-r));
        return 0;
}

/* ---- Reading one entry (refresh) --------------------------------------------------------- */

/* Why an entry is not a volume, or what to say about one: a warning, never an error. The
 * whole note is escaped, since the file name in it may hold control characters. */
_printf_(2, 3) static int entry_note(char **ret_note, const char *fmt, ...) {
        _cleanup_free_ char *raw = NULL;
        va_list ap;

        va_start(ap, fmt);
        if (vasprintf(&raw, fmt, ap) < 0)
                oom();
        va_end(ap);
        free(*ret_note);
        *ret_note = path_escape(raw);
        return 0;
}

/* Errors that make libvirt skip an entry with a warning rather than fail the refresh: the
 * entry vanished, or we may not look at it. */
static int entry_errno(int e, const char *path, char **ret_note, Error *err) {
        switch (e) {
        case ENOENT: return entry_note(ret_note, "ignoring missing file '%s'", path);
        case ELOOP: return entry_note(ret_note, "ignoring dangling symlink '%s'", path);
        case ENXIO: return entry_note(ret_note, "ignoring missing fifo '%s'", path);
        case ENOMEDIUM: return entry_note(ret_note, "ignoring '%s': no medium", path);
        case EACCES:
        case EPERM: return entry_note(ret_note, "ignoring permission error for '%s'", path);
        default:
                return error_set_errno(err, -e, 0, "cannot open volume '%s': %s", path,
                                       strerror(e));
        }
}

/* Only these are volumes; nothing else is ever opened (a FIFO could block, a char device
 * such as a watchdog or a tape acts on open). */
static int entry_check_mode(mode_t mode, const char *path, char **ret_note) {
        if (S_ISREG(mode) || S_ISDIR(mode) || S_ISBLK(mode))
                return 1;
        if (S_ISFIFO(mode))
                return entry_note(ret_note, "ignoring FIFO '%s'", path);
        if (S_ISSOCK(mode))
                return entry_note(ret_note, "ignoring socket '%s'", path);
        if (S_ISCHR(mode))
                return entry_note(ret_note, "ignoring character device '%s'", path);
        return entry_note(ret_note, "ignoring '%s' of unexpected type", path);
}

/* Looks at an entry before opening it: 1 (and whether it is a symlink) when it may be
 * opened, 0 when it is skipped. readdir's d_type answers for regular files and directories
 * without a syscall; O_NOFOLLOW and fstat() after the open hold it to that. */
static int entry_check(const Scan *s, const char *name, unsigned char d_type, const char *path,
                       bool *ret_link, char **ret_note, Error *err) {
        struct stat st;

        *ret_link = false;
        if (d_type == DT_REG || d_type == DT_DIR)
                return 1;
        if (fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return entry_errno(errno, path, ret_note, err);
        if (S_ISLNK(st.st_mode)) {
                *ret_link = true;
                if (fstatat(s->dirfd, name, &st, 0) < 0)
                        return entry_errno(errno == ENOENT ? ELOOP : errno, path, ret_note, err);
        }
        return entry_check_mode(st.st_mode, path, ret_note);
}

/* Opens an entry read-only, never for writing, without updating its atime where we may
 * (the owner or root): a refresh should not change what it reports. 1 with *ret_fd, 0 when
 * skipped. */
static int entry_open(const Scan *s, const char *name, unsigned char d_type, const char *path,
                      int *ret_fd, char **ret_note, Error *err) {
        int flags = O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, fd, r;
        bool link;

        r = entry_check(s, name, d_type, path, &link, ret_note, err);
        if (r <= 0)
                return r;
        if (!link)
                flags |= O_NOFOLLOW;
        fd = openat(s->dirfd, name, flags | O_NOATIME);
        if (fd < 0 && errno == EPERM)
                fd = openat(s->dirfd, name, flags);
        /* d_type said file or directory, but it is a symlink now: look again. */
        if (fd < 0 && errno == ELOOP && d_type != DT_UNKNOWN)
                return entry_open(s, name, DT_UNKNOWN, path, ret_fd, ret_note, err);
        if (fd < 0)
                return entry_errno(errno, path, ret_note, err);
        *ret_fd = fd;
        return 1;
}

static void target_set_timestamps(VolTarget *t, const struct stat *st) {
        t->has_timestamps = true;
        t->timestamps = (VolTimestamps){
                .atime = st->st_atim,
                .mtime = st->st_mtim,
                .ctime = st->st_ctim,
                /* libvirt 9.0 reads stat(), which has no birth time on Linux, and prints
                 * <btime>0</btime> whatever the file system knows (docs/differential.md). */
                .btime = {.tv_sec = 0, .tv_nsec = 0},
        };
}

/* A volume from its entry's facts; takes over path. */
static VolDef *vol_from_stat(const char *name, char *path, const struct stat *st) {
        VolDef *v = vol_def_new();
        size_t np = strlen(path), nn = strlen(name);

        /* PATH/NAME: the name is the path's tail, one string for both (VolDef.name_in_path) */
        v->name_in_path = np > nn && path[np - nn - 1] == '/' && streq(path + np - nn, name);
        v->name = v->name_in_path ? path + np - nn : xstrdup(name);
        v->key = path; /* libvirt's key: the path, not resolved; one string for both (VolDef) */
        v->type = VOL_FILE;
        v->has_capacity = v->has_allocation = true;
        v->target.path = path;
        v->target.format = VOL_FILE_RAW;
        v->target.perms.mode = st->st_mode & 0777;
        v->target.perms.uid = st->st_uid;
        v->target.perms.gid = st->st_gid;
        target_set_timestamps(&v->target, st);
        return v;
}

/* What libvirt prints of a local backing file: its mode, owner, group and timestamps, and its
 * format, probed as libvirt does when the image does not say (raw when it cannot be read).
 * Only regular files and block devices are opened, as libvirt's VIR_STORAGE_VOL_OPEN_DEFAULT:
 * a header can name any path. A missing backing file is no error: path and format only. */
static void backing_fill_local(VolTarget *b, int format) {
        _cleanup_(image_info_done) ImageInfo info = IMAGE_INFO_INIT;
        _cleanup_close_ int fd = -1;
        struct stat st, fst;
        off_t size;

        b->format = format >= 0 ? format : VOL_FILE_RAW;
        if (stat(b->path, &st) < 0 || !(S_ISREG(st.st_mode) || S_ISBLK(st.st_mode)))
                return;
        fd = open(b->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, &fst) < 0 || fst.st_dev != st.st_dev || fst.st_ino != st.st_ino)
                return;
        b->perms.mode = fst.st_mode & 0777;
        b->perms.uid = fst.st_uid;
        b->perms.gid = fst.st_gid;
        target_set_timestamps(b, &fst);
        if (format >= 0)
                return;
        size = S_ISREG(fst.st_mode) ? fst.st_size : lseek(fd, 0, SEEK_END);
        if (size >= 0 && image_probe_fd(fd, (uint64_t) size, &info, NULL) >= 0)
                b->format = info.format;
}

/* <backingStore> from a header's backing name: network names as they are (format raw, as
 * libvirt fakes them), local ones resolved against the pool directory. */
static VolTarget *backing_from_name(const Scan *s, const char *name, int format) {
        VolTarget *b = xcalloc(1, sizeof(*b));
        const char *local;

        b->perms = PERMS_UNSET;
        if (image_backing_is_network(name)) {
                b->path = xstrdup(name);
                b->format = VOL_FILE_RAW;
                return b;
        }
        local = startswith(name, "file:") ?: name;
        b->path = path_is_absolute(local) ? xstrdup(local) : scan_path(s, local);
        backing_fill_local(b, format);
        return b;
}

static void vol_apply_image_info(const Scan *s, VolDef *v, const ImageInfo *info) {
        VolTarget *t = &v->target;

        /* As libvirt: a LUKS volume is no format of its own but raw, with <encryption>. */
        t->format = info->format == VOL_FILE_LUKS ? VOL_FILE_RAW : info->format;
        /* As libvirt: a header's size of 0 leaves the file's size, except where encryption
         * takes the whole file. */
        if (info->capacity > 0 || info->encrypted)
                v->capacity = info->capacity;
        t->cluster_size = info->cluster_size;
        t->compat = info->compat ? xstrdup(info->compat) : NULL;
        t->has_features = info->has_features;
        t->features = info->features;
        if (info->encrypted) {
                t->encryption = xcalloc(1, sizeof(Encryption));
                t->encryption->format = info->encryption;
        }
        if (info->backing_name)
                v->backing = backing_from_name(s, info->backing_name, info->backing_format);
}

/* Reads the image header of a file or block device open on fd. A hostile or broken header of
 * a known format leaves the volume raw, with a note: one bad file must not hide the others. */
static int entry_probe(const Scan *s, VolDef *v, int fd, uint64_t size, char **ret_note,
                       Error *err) {
        _cleanup_(image_info_done) ImageInfo info = IMAGE_INFO_INIT;
        _cleanup_error_ Error perr = ERROR_INIT;
        int r;

        r = image_probe_fd(fd, size, &info, &perr);
        if (r == -EINVAL)
                return entry_note(ret_note, "listing '%s' as raw: its image header is invalid: %s",
                                  v->target.path, perr.message ? perr.message : "malformed");
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read header '%s': %s", v->target.path,
                                       perr.message ? perr.message : strerror(-r));
        vol_apply_image_info(s, v, &info);
        return 0;
}

static int entry_fill_file(const Scan *s, VolDef *v, int fd, const struct stat *st, char **ret_note,
                           Error *err) {
        v->allocation = (uint64_t) st->st_blocks * 512;
        v->capacity = v->physical = (uint64_t) st->st_size;
        return entry_probe(s, v, fd, (uint64_t) st->st_size, ret_note, err);
}

static int entry_fill_block(const Scan *s, VolDef *v, int fd, char **ret_note, Error *err) {
        off_t end = lseek(fd, 0, SEEK_END);

        if (end < 0) {
                int r = -errno;
                return error_set_errno(err, r, 0, "failed to seek to end of %s: %s", v->target.path,
                                       strerror(-r));
        }
        v->type = VOL_BLOCK;
        v->allocation = v->capacity = v->physical = (uint64_t) end;
        return entry_probe(s, v, fd, (uint64_t) end, ret_note, err);
}

/* A ploop volume is a directory holding root.hds (the image) and DiskDescriptor.xml; its sizes
 * are root.hds'. 1 when dirfd is one, with root.hds open in *ret_fd. */
static int ploop_open_image(int dirfd, int *ret_fd, struct stat *ret_st) {
        _cleanup_close_ int fd = -1;
        struct stat st;

        if (fstatat(dirfd, "DiskDescriptor.xml", &st, AT_SYMLINK_NOFOLLOW) < 0 ||
            !S_ISREG(st.st_mode))
                return 0;
        fd = openat(dirfd, "root.hds", O_RDONLY | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0 || fstat(fd, ret_st) < 0 || !S_ISREG(ret_st->st_mode))
                return 0;
        *ret_fd = TAKE_FD(fd);
        return 1;
}

static int entry_fill_dir(const Scan *s, VolDef *v, int fd, char **ret_note, Error *err) {
        _cleanup_close_ int image = -1;
        struct stat st;
        int r;

        v->type = VOL_DIR;
        v->target.format = VOL_FILE_DIR;
        if (!ploop_open_image(fd, &image, &st))
                return 0;
        r = entry_fill_file(s, v, image, &st, ret_note, err);
        v->type = VOL_PLOOP;
        v->target.format = VOL_FILE_PLOOP;
        return r;
}

/* One directory entry as a volume, as libvirt's refresh reads it: 1 with the volume in *ret,
 * 0 when it is not one (the reason in *ret_note), negative on errors that fail a refresh.
 * *ret_note may also be set when a volume is returned (a header listed as raw). */
static int entry_read(const Scan *s, const char *name, unsigned char d_type, FoundVolume *ret,
                      char **ret_note, Error *err) {
        _cleanup_free_ char *path = scan_path(s, name);
        _cleanup_vol_def_ VolDef *v = NULL;
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        *ret = (FoundVolume){};
        if (name_has_controls(name))
                return entry_note(ret_note, "Ignoring file '%s' with control characters", path);
        r = entry_open(s, name, d_type, path, &fd, ret_note, err);
        if (r <= 0)
                return r;
        if (fstat(fd, &st) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot stat file '%s': %s", path, strerror(-r));
        }
        r = entry_check_mode(st.st_mode, path, ret_note);
        if (r <= 0)
                return r;
        v = vol_from_stat(name, TAKE_PTR(path), &st);
        if (S_ISREG(st.st_mode))
                r = entry_fill_file(s, v, fd, &st, ret_note, err);
        else if (S_ISDIR(st.st_mode))
                r = entry_fill_dir(s, v, fd, ret_note, err);
        else
                r = entry_fill_block(s, v, fd, ret_note, err);
        if (r < 0)
                return r;
        *ret = (FoundVolume){.def = TAKE_PTR(v), .st = st};
        return 1;
}

/* One named entry, for refresh_names and vol_refresh: 1 found, 0 gone or not a volume
 * (logged: these callers have nowhere else to put a warning). */
static int entry_read_name(const Scan *s, const char *name, FoundVolume *ret, Error *err) {
        _cleanup_free_ char *note = NULL;
        int r;

        *ret = (FoundVolume){};
        if (name_check_existing(name))
                return 0;
        r = entry_read(s, name, DT_UNKNOWN, ret, &note, err);
        if (note)
                log_warning("%s", note);
        return r;
}

/* ---- Pool lifecycle ---------------------------------------------------------------------- */

static int dir_check(const PoolDef *def, Error *err) {
        struct stat st;

        if (isempty(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no target path", def->name);
        if (stat(def->target_path, &st) < 0) {
                int r = -errno;

                if (r == -ENOENT || r == -ENOTDIR)
                        return 0;
                return error_set_errno(err, r, 0, "cannot access '%s': %s", def->target_path,
                                       strerror(-r));
        }
        return S_ISDIR(st.st_mode) ? 1 : 0;
}

/* Sets owner and group (-1: leave) and mode ((mode_t) -1: leave) explicitly, so the umask
 * never changes what a definition asked for. chown first: it clears set-id bits. */
static int fd_apply_perms(int fd, mode_t mode, uid_t uid, gid_t gid, const char *path, Error *err) {
        int r;

        if ((uid != (uid_t) -1 || gid != (gid_t) -1) && fchown(fd, uid, gid) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot chown '%s' to (%d, %d): %s", path,
                                       (int) uid, (int) gid, strerror(-r));
        }
        if (mode != (mode_t) -1 && fchmod(fd, mode) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot set mode of '%s' to %04o: %s", path,
                                       (unsigned) mode, strerror(-r));
        }
        return 0;
}

/* btrfs' NOCOW flag on the pool directory, which new files inherit (libvirt's
 * virFileSetCOW): unset means "no copy-on-write" on btrfs, where it fragments VM images;
 * asking for either state elsewhere is an error. */
static int dir_set_cow(int fd, const char *path, Tristate cow, Error *err) {
        struct statfs sfs;
        int attr, r;

        if (fstatfs(fd, &sfs) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "unable to query filesystem type on '%s': %s",
                                       path, strerror(-r));
        }
        if (sfs.f_type != (__fsword_t) BTRFS_SUPER_MAGIC) {
                if (cow == TRISTATE_ABSENT)
                        return 0;
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "unable to control COW flag on '%s', not btrfs", path);
        }
        if (ioctl(fd, FS_IOC_GETFLAGS, &attr) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "unable to get directory '%s' flags: %s", path,
                                       strerror(-r));
        }
        if (cow == TRISTATE_YES)
                attr &= ~FS_NOCOW_FL;
        else
                attr |= FS_NOCOW_FL;
        if (ioctl(fd, FS_IOC_SETFLAGS, &attr) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "unable to set directory '%s' flags: %s", path,
                                       strerror(-r));
        }
        return 0;
}

/* mkdir -p of the target's parents, with default modes, as libvirt's g_mkdir_with_parents. */
static int mkdir_parents(const char *path, Error *err) {
        _cleanup_free_ char *p = xstrdup(path);
        char *slash = strrchr(p, '/');

        if (!slash || slash == p)
                return 0;
        *slash = '\0';
        for (char *c = strchr(p + 1, '/');; c = strchr(c + 1, '/')) {
                if (c)
                        *c = '\0';
                if (mkdir(p, PARENT_MODE) < 0 && errno != EEXIST) {
                        int r = -errno;
                        return error_set_errno(err, r, 0, "cannot create path '%s': %s", p,
                                               strerror(-r));
                }
                if (!c)
                        return 0;
                *c = '/';
        }
}

static int dir_build_target(const PoolDef *def, bool created, Error *err) {
        const Perms *perms = &def->target_perms;
        mode_t mode = perms->mode;
        _cleanup_close_ int fd = -1;
        int r;

        /* As libvirt: a new directory without a mode gets 0711, an old one keeps its own. */
        if (mode == (mode_t) -1 && created)
                mode = DEFAULT_POOL_MODE;
        fd = target_open(def, err);
        if (fd < 0)
                return fd;
        r = fd_apply_perms(fd, mode, perms->uid, perms->gid, def->target_path, err);
        if (r < 0)
                return r;
        return dir_set_cow(fd, def->target_path, def->cow, err);
}

int dir_make_target(const PoolDef *def, Error *err) {
        bool created = false;
        int r;

        if (!path_is_absolute(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "path '%s' is not absolute",
                                       def->target_path ? def->target_path : "");
        r = mkdir_parents(def->target_path, err);
        if (r < 0)
                return r;
        if (mkdir(def->target_path, DEFAULT_POOL_MODE) == 0)
                created = true;
        else if (errno != EEXIST) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot create directory '%s': %s",
                                       def->target_path, strerror(-r));
        }
        r = dir_build_target(def, created, err);
        if (r < 0 && created)
                (void) rmdir(def->target_path);
        return r;
}

static int dir_build(const PoolDef *def, unsigned flags, Error *err) {
        if ((flags & BUILD_OVERWRITE) && (flags & BUILD_NO_OVERWRITE))
                return error_set_errno(err, -EINVAL, 0,
                                       "Options --overwrite and --no-overwrite are mutually "
                                       "exclusive");
        /* libvirt tries mkfs then, and a dir pool has no device to format. */
        if (flags & (BUILD_OVERWRITE | BUILD_NO_OVERWRITE))
                return error_set_errno(err, -EINVAL, 0,
                                       "No source device specified when formatting pool '%s'",
                                       def->name);
        return dir_make_target(def, err);
}

/* A dir pool is active when its directory is there: libvirt's start only refreshes, which
 * fails on a missing directory with this message. */
static int dir_start(const PoolDef *def, Error *err) {
        _cleanup_close_ int fd = target_open(def, err);

        return fd < 0 ? fd : 0;
}

static int dir_stop(const PoolDef *def, Error *err) {
        return 0;
}

/* rmdir, never recursive: volumes are deleted one by one, on purpose. A directory that is
 * already gone is what was asked for. */
int dir_delete(const PoolDef *def, Error *err) {
        int r;

        if (isempty(def->target_path))
                return error_set_errno(err, -EINVAL, 0, "pool '%s' has no target path", def->name);
        if (rmdir(def->target_path) == 0 || errno == ENOENT)
                return 0;
        r = -errno;
        if (r == -ENOTEMPTY || r == -EEXIST)
                return error_set_errno(err, -ENOTEMPTY, 0,
                                       "failed to remove pool '%s': Directory not empty (delete "
                                       "its volumes first)",
                                       def->target_path);
        return error_set_errno(err, r, 0, "failed to remove pool '%s': %s", def->target_path,
                               strerror(-r));
}

/* ---- Refresh ----------------------------------------------------------------------------- */

static inline void closedirp(DIR **d) {
        if (*d)
                closedir(*d);
}

/* 1 when the caller knows the entry and its facts did not move: listed as unchanged, never
 * opened. 0 otherwise (new, changed, or no longer there: entry_read() says which). The facts
 * are those entry_read() records: of the file, or of the file a symlink points to. */
static int entry_unchanged(const Scan *s, const char *name, RefreshResult *ret) {
        const KnownFile *known = known_files_get(ret->known, name);
        struct stat st;
        VolumeStat now;

        if (!known)
                return 0;
        if (fstatat(s->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return 0;
        if (S_ISLNK(st.st_mode) && fstatat(s->dirfd, name, &st, 0) < 0)
                return 0;
        now = volume_stat_from_stat(&st);
        if (!volume_stat_same(&known->st, &now))
                return 0;
        refresh_result_add_unchanged(ret, known->name, &st.st_atim);
        return 1;
}

/* A full refresh reads a large directory on two threads: the kernel's part of opening,
 * reading and stat'ing files is most of it, and two threads do it in ~0.6 of the time
 * (docs/PERFORMANCE.md, 1a). Below this many entries, one thread: a thread costs more than
 * it saves. Tests lower it (dir_scan_set_split_min). */
#define SCAN_SPLIT_MIN   4096
#define SCAN_THREADS_MAX 2

static _Atomic size_t scan_split_min = SCAN_SPLIT_MIN;

void dir_scan_set_split_min(size_t n) {
        scan_split_min = n ? n : SCAN_SPLIT_MIN;
}

/* An entry of a readdir pass: its name's offset in ScanList.names (the block moves when it
 * grows) and its d_type. */
typedef struct ScanEntry {
        size_t name;
        unsigned char d_type;
} ScanEntry;

/* The entries of one readdir pass, their names in one block. */
typedef struct ScanList {
        ScanEntry *entries;
        size_t n, allocated;
        char *names;
        size_t names_len, names_allocated;
} ScanList;

static void scan_list_done(ScanList *l) {
        free(l->entries);
        free(l->names);
        *l = (ScanList){};
}

static void scan_list_add(ScanList *l, const char *name, unsigned char d_type) {
        size_t len = strlen(name) + 1;

        if (l->n == l->allocated) {
                l->allocated = l->allocated ? l->allocated * 2 : 1024;
                l->entries = xrealloc(l->entries, sizeof(*l->entries) * l->allocated);
        }
        while (l->names_len + len > l->names_allocated) {
                l->names_allocated = l->names_allocated ? l->names_allocated * 2 : 32768;
                l->names = xrealloc(l->names, l->names_allocated);
        }
        memcpy(l->names + l->names_len, name, len);
        l->entries[l->n].name = l->names_len;
        l->entries[l->n].d_type = d_type;
        l->n++;
        l->names_len += len;
}

static int scan_list_read(const Scan *s, DIR *d, ScanList *ret, Error *err) {
        for (;;) {
                struct dirent *de;
                int r;

                errno = 0;
                de = readdir(d);
                if (!de) {
                        r = -errno;
                        if (r == 0)
                                return 0;
                        return error_set_errno(err, r, 0, "cannot read directory '%s': %s", s->path,
                                               strerror(-r));
                }
                if (!dot_or_dot_dot(de->d_name))
                        scan_list_add(ret, de->d_name, de->d_type);
        }
}

/* Entries [from, to) of the list, in their order, into ret. Everything it calls keeps its
 * state in its arguments or on the stack (the prober's buffers, Error, errno, the
 * RefreshResult, read-only lookups in ret->known) and logs nothing, so two run at once. */
static int scan_entries(const Scan *s, const ScanList *l, size_t from, size_t to,
                        RefreshResult *ret, Error *err) {
        for (size_t i = from; i < to; i++) {
                _cleanup_free_ char *note = NULL;
                const char *name = l->names + l->entries[i].name;
                FoundVolume found;
                int r;

                if (entry_unchanged(s, name, ret))
                        continue;
                r = entry_read(s, name, l->entries[i].d_type, &found, &note, err);
                if (r < 0)
                        return r;
                if (note)
                        refresh_result_warn(ret, "%s", note);
                if (r > 0)
                        refresh_result_add(ret, found.def, &found.st);
        }
        return 0;
}

/* One thread's contiguous part of the list, into its own result and error. */
typedef struct ScanSlice {
        const Scan *scan;
        const ScanList *list;
        size_t from, to;
        RefreshResult result;
        Error err;
        int r;
} ScanSlice;

static void *scan_slice_run(void *arg) {
        ScanSlice *sl = arg;

        sl->r = scan_entries(sl->scan, sl->list, sl->from, sl->to, &sl->result, &sl->err);
        return NULL;
}

static size_t scan_threads(size_t n_entries) {
        long cpus;

        if (n_entries < scan_split_min)
                return 1;
        cpus = sysconf(_SC_NPROCESSORS_ONLN);
        return cpus >= SCAN_THREADS_MAX ? SCAN_THREADS_MAX : 1;
}

/* The slices' results, appended in slice order: the order of the one-thread scan. The first
 * slice's error wins, as the first error in readdir order would on one thread. */
static int scan_slices_merge(ScanSlice *slices, size_t n, RefreshResult *ret, Error *err) {
        int r = 0;

        for (size_t i = 0; i < n; i++) {
                if (r >= 0 && slices[i].r < 0) {
                        r = slices[i].r;
                        if (err && !err->message) {
                                *err = slices[i].err;
                                slices[i].err = ERROR_INIT;
                        }
                }
                if (r >= 0)
                        refresh_result_take(ret, &slices[i].result);
                refresh_result_done(&slices[i].result);
                error_clear(&slices[i].err);
        }
        return r;
}

static int scan_all(const Scan *s, DIR *d, RefreshResult *ret, Error *err) {
        _cleanup_(scan_list_done) ScanList l = {};
        ScanSlice slices[SCAN_THREADS_MAX];
        pthread_t tid;
        bool started;
        size_t n;
        int r;

        r = scan_list_read(s, d, &l, err);
        if (r < 0)
                return r;
        n = scan_threads(l.n);
        if (n == 1)
                return scan_entries(s, &l, 0, l.n, ret, err);
        for (size_t i = 0; i < n; i++)
                slices[i] = (ScanSlice){.scan = s,
                                        .list = &l,
                                        .from = l.n * i / n,
                                        .to = l.n * (i + 1) / n,
                                        .result = {.known = ret->known},
                                        .err = ERROR_INIT};
        /* This thread does the first slice; without a second thread, it does both. */
        started = pthread_create(&tid, NULL, scan_slice_run, &slices[1]) == 0;
        scan_slice_run(&slices[0]);
        if (started)
                pthread_join(tid, NULL);
        else
                scan_slice_run(&slices[1]);
        return scan_slices_merge(slices, n, ret, err);
}

int dir_refresh(const PoolDef *def, RefreshResult *ret, Error *err) {
        _cleanup_(closedirp) DIR *d = NULL;
        Scan s;
        int fd, r;

        fd = target_open(def, err);
        if (fd < 0)
                return fd;
        d = fdopendir(fd);
        if (!d) {
                r = -errno;
                close(fd);
                return error_set_errno(err, r, 0, "cannot open directory '%s': %s",
                                       def->target_path, strerror(-r));
        }
        s = (Scan){.dirfd = dirfd(d), .path = def->target_path};
        r = scan_all(&s, d, ret, err);
        if (r >= 0)
                r = pool_sizes(&s, &ret->sizes, err);
        if (r >= 0 && fstat(s.dirfd, &ret->target_st) >= 0)
                ret->has_target_st = true;
        if (r < 0)
                refresh_result_done(ret);
        return r;
}

static void named_refresh_clear(NamedRefresh *names, size_t n) {
        for (size_t i = 0; i < n; i++)
                names[i].found.def = vol_def_free(names[i].found.def);
}

int dir_refresh_names(const PoolDef *def, NamedRefresh *names, size_t n, PoolSizes *sizes,
                             Error *err) {
        _cleanup_close_ int fd = -1;
        Scan s;
        int r = 0;

        for (size_t i = 0; i < n; i++)
                names[i].found = (FoundVolume){};
        fd = target_open(def, err);
        if (fd < 0)
                return fd;
        s = (Scan){.dirfd = fd, .path = def->target_path};
        for (size_t i = 0; i < n && r >= 0; i++)
                r = entry_read_name(&s, names[i].name, &names[i].found, err);
        if (r >= 0)
                r = pool_sizes(&s, sizes, err);
        if (r < 0) {
                named_refresh_clear(names, n);
                return r;
        }
        return 0;
}

static int vol_read(const Scan *s, const char *name, FoundVolume *ret, Error *err) {
        _cleanup_free_ char *shown = NULL;
        int r;

        r = entry_read_name(s, name, ret, err);
        if (r < 0)
                return r;
        if (r == 0) {
                shown = path_escape(name ? name : "");
                return error_set_errno(err, -ENOENT, 0, "no storage vol with matching name '%s'",
                                       shown);
        }
        return 0;
}

int dir_vol_refresh(const PoolDef *def, const char *name, FoundVolume *ret, Error *err) {
        _cleanup_close_ int fd = target_open(def, err);

        *ret = (FoundVolume){};
        if (fd < 0)
                return fd;
        return vol_read(&(Scan){.dirfd = fd, .path = def->target_path}, name, ret, err);
}

/* ---- Creating volumes -------------------------------------------------------------------- */

/* What a volume creation made, removed again unless kept: a failure never leaves half a
 * volume. Only what this call created with O_EXCL (or mkdir) is ever armed. */
typedef struct Created {
        int dirfd;
        const char *name;
        bool is_dir;
        bool keep;
} Created;

static void created_undo(Created *c) {
        if (!c->name || c->keep)
                return;
        if (unlinkat(c->dirfd, c->name, c->is_dir ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
                log_warning_errno(-errno, "Failed to remove half-created volume '%s': %m", c->name);
}

static mode_t vol_mode(const VolDef *req, mode_t fallback) {
        return req->target.perms.mode != (mode_t) -1 ? req->target.perms.mode : fallback;
}

/* The volume as a refresh sees it, after creation. */
static int created_result(const Scan *s, const char *name, VolDef **ret, Error *err) {
        FoundVolume found;
        int r;

        r = vol_read(s, name, &found, err);
        if (r < 0)
                return r;
        *ret = found.def;
        return 0;
}

/* btrfs NOCOW for a new file, asked by <nocow/>; as in libvirt, failing is not an error. */
static void file_set_nocow(int fd) {
        int attr;

        if (ioctl(fd, FS_IOC_GETFLAGS, &attr) < 0)
                return;
        attr |= FS_NOCOW_FL;
        (void) ioctl(fd, FS_IOC_SETFLAGS, &attr);
}

/* Creates the new volume's file, private (0600) until it is complete, refusing anything
 * already there, symlinks included. Arms *created. */
static int file_create(const Scan *s, const VolDef *req, int *ret_fd, Created *created,
                       Error *err) {
        int fd, r;

        fd = openat(s->dirfd, req->name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    DEFAULT_VOL_MODE);
        if (fd < 0) {
                r = -errno;
                if (r == -EEXIST)
                        return error_set_errno(err, r, 0, "storage volume '%s' exists already",
                                               req->name);
                return error_set_errno(err, r, 0, "Failed to create file '%s/%s': %s", s->path,
                                       req->name, strerror(-r));
        }
        *created = (Created){.dirfd = s->dirfd, .name = req->name};
        if (req->target.nocow)
                file_set_nocow(fd);
        *ret_fd = fd;
        return 0;
}

/* Owner, group and mode of a finished volume. */
static int file_finish(const Scan *s, const VolDef *req, int fd, Error *err) {
        _cleanup_free_ char *path = scan_path(s, req->name);
        const Perms *p = &req->target.perms;

        return fd_apply_perms(fd, vol_mode(req, DEFAULT_VOL_MODE), p->uid, p->gid, path, err);
}

static int write_zeros(int fd, uint64_t offset, uint64_t len, const char *path, Error *err) {
        _cleanup_free_ char *zeros = xcalloc(1, IO_CHUNK);

        while (len > 0) {
                ssize_t n = pwrite(fd, zeros, (size_t) u64_min(len, IO_CHUNK), (off_t) offset);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        int r = -errno;
                        return error_set_errno(err, r, 0, "cannot fill file '%s': %s", path,
                                               strerror(-r));
                }
                offset += (uint64_t) n;
                len -= (uint64_t) n;
        }
        return 0;
}

/* Allocates a range that holds no data yet (a new file, a grown tail): fallocate, or zeros
 * written where the file system cannot fallocate. */
static int allocate_range(int fd, uint64_t offset, uint64_t len, const char *path, Error *err) {
        int r;

        if (len == 0)
                return 0;
        if (fallocate(fd, 0, (off_t) offset, (off_t) len) == 0)
                return 0;
        r = -errno;
        if (r != -EOPNOTSUPP && r != -ENOSYS)
                return error_set_errno(err, r, 0,
                                       "cannot allocate %" PRIu64 " bytes in file '%s': %s", len,
                                       path, strerror(-r));
        return write_zeros(fd, offset, len, path, err);
}

static int file_sync(int fd, const char *path, Error *err) {
        if (fsync(fd) < 0) {
                int r = -errno;
                return error_set_errno(err, r, 0, "cannot sync data to file '%s': %s", path,
                                       strerror(-r));
        }
        return 0;
}

static int raw_verify(const VolDef *req, unsigned flags, Error *err) {
        if (flags & VOL_CREATE_PREALLOC_METADATA)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "Operation not supported: metadata preallocation is not "
                                       "supported for raw volumes");
        if (req->backing)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "backing storage not supported for raw volumes");
        return 0;
}

/* raw: a sparse file of the capacity whose first `allocation` bytes are allocated (the
 * parser makes allocation default to the capacity, as libvirt does). */
static int create_raw(const Scan *s, const VolDef *req, unsigned flags, Created *created,
                      Error *err) {
        _cleanup_free_ char *path = scan_path(s, req->name);
        _cleanup_close_ int fd = -1;
        int r;

        r = raw_verify(req, flags, err);
        if (r < 0)
                return r;
        r = file_create(s, req, &fd, created, err);
        if (r < 0)
                return r;
        if (ftruncate(fd, (off_t) req->capacity) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot extend file '%s': %s", path,
                                       strerror(-r));
        }
        r = allocate_range(fd, 0, u64_min(req->allocation, req->capacity), path, err);
        if (r < 0)
                return r;
        r = file_sync(fd, path, err);
        if (r < 0)
                return r;
        return file_finish(s, req, fd, err);
}

static int create_dir(const Scan *s, const VolDef *req, Created *created, Error *err) {
        _cleanup_free_ char *path = scan_path(s, req->name);
        const Perms *p = &req->target.perms;
        _cleanup_close_ int fd = -1;
        int r;

        if (req->backing)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "backing storage not supported for directories volumes");
        if (mkdirat(s->dirfd, req->name, DEFAULT_DIR_VOL_MODE) < 0) {
                r = -errno;
                if (r == -EEXIST)
                        return error_set_errno(err, r, 0, "storage volume '%s' exists already",
                                               req->name);
                return error_set_errno(err, r, 0, "cannot create path '%s': %s", path,
                                       strerror(-r));
        }
        *created = (Created){.dirfd = s->dirfd, .name = req->name, .is_dir = true};
        fd = openat(s->dirfd, req->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot open directory '%s': %s", path,
                                       strerror(-r));
        }
        return fd_apply_perms(fd, vol_mode(req, DEFAULT_DIR_VOL_MODE), p->uid, p->gid, path, err);
}

/* Appends ",opt" to a -o list. */
_printf_(2, 3) static void opts_add(char **opts, const char *fmt, ...) {
        _cleanup_free_ char *item = NULL;
        va_list ap;
        char *joined;

        va_start(ap, fmt);
        if (vasprintf(&item, fmt, ap) < 0)
                oom();
        va_end(ap);
        joined = *opts ? xasprintf("%s,%s", *opts, item) : TAKE_PTR(item);
        free(*opts);
        *opts = joined;
}

static int qemu_img_verify_qcow2_only(const VolDef *req, unsigned flags, Error *err) {
        const VolTarget *t = &req->target;

        if (t->format == VOL_FILE_QCOW2)
                return 0;
        if (flags & VOL_CREATE_PREALLOC_METADATA)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "metadata preallocation only available with qcow2");
        if (t->compat)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "compatibility option only available with qcow2");
        if (t->features)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "format features only available with qcow2");
        return 0;
}

/* -o of qemu-img create or convert, by libvirt's rules: qcow2 gets compat=0.10 unless told
 * otherwise (libvirt's default, readable by the oldest qemu), features need 1.1. */
static int qemu_img_options(const VolDef *req, unsigned flags, bool converting, char **ret,
                            Error *err) {
        const VolTarget *t = &req->target;
        _cleanup_free_ char *opts = NULL;
        const char *compat = t->compat;
        int r;

        r = qemu_img_verify_qcow2_only(req, flags, err);
        if (r < 0)
                return r;
        if (!compat && t->format == VOL_FILE_QCOW2)
                compat = "0.10";
        if ((t->features & (1u << VOL_FEATURE_LAZY_REFCOUNTS)) && streq_ptr(compat, "0.10"))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "lazy_refcounts not supported with compat level 0.10");
        if ((t->features & (1u << VOL_FEATURE_EXTENDED_L2)) && streq_ptr(compat, "0.10"))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "'extended_l2' not supported with compat level 0.10");
        if ((flags & VOL_CREATE_PREALLOC_METADATA) && req->backing && !converting)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "metadata preallocation conflicts with backing store");
        if (req->backing && !converting)
                opts_add(&opts, "backing_fmt=%s", qemu_format(req->backing->format));
        if (flags & VOL_CREATE_PREALLOC_METADATA)
                opts_add(&opts, "preallocation=%s",
                         req->capacity > req->allocation ? "metadata" : "falloc");
        if (t->nocow)
                opts_add(&opts, "nocow=on");
        if (compat)
                opts_add(&opts, "compat=%s", compat);
        if (t->cluster_size > 0)
                opts_add(&opts, "cluster_size=%" PRIu64, t->cluster_size);
        if (t->features & (1u << VOL_FEATURE_LAZY_REFCOUNTS))
                opts_add(&opts, "lazy_refcounts=on");
        if (t->features & (1u << VOL_FEATURE_EXTENDED_L2))
                opts_add(&opts, "extended_l2=on");
        *ret = TAKE_PTR(opts);
        return 0;
}

/* Formats whose images can name a backing file. */
static bool format_has_backing(int f) {
        return f == VOL_FILE_QCOW || f == VOL_FILE_QCOW2 || f == VOL_FILE_QED ||
               f == VOL_FILE_VMDK || f == VOL_FILE_COW;
}

/* The backing store of a new image must be a local file or block device that exists
 * (relative names are relative to the pool, as qemu will resolve them against the new
 * image's directory), and its chain must not loop. */
static int backing_verify(const Scan *s, const VolTarget *b, Error *err) {
        _cleanup_error_ Error cerr = ERROR_INIT;
        _cleanup_free_ char *abs = NULL;
        const char *local;
        struct stat st;
        int r;

        if (isempty(b->path))
                return error_set_errno(err, -EINVAL, 0, "backing store path is empty");
        if (image_backing_is_network(b->path))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "backing store '%s' is not a local file: poold creates "
                                       "volumes backed by files only",
                                       b->path);
        local = startswith(b->path, "file:") ?: b->path;
        abs = path_is_absolute(local) ? xstrdup(local) : scan_path(s, local);
        if (stat(abs, &st) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "inaccessible backing store volume %s: %s",
                                       b->path, strerror(-r));
        }
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
                return error_set_errno(err, -EINVAL, 0,
                                       "backing store volume %s is not a file or block device",
                                       b->path);
        if (!format_has_backing(b->format))
                return 0;
        r = image_chain_check(AT_FDCWD, abs, BACKING_CHAIN_MAX, &cerr);
        if (r < 0)
                return error_set_errno(err, r, 0, "invalid backing store volume %s: %s", b->path,
                                       cerr.message ? cerr.message : strerror(-r));
        return 0;
}

static int encryption_unsupported(const char *name, Error *err) {
        return error_set_errno(err, -EOPNOTSUPP, 0,
                               "encrypted volumes are not supported yet: poold cannot fetch "
                               "the passphrase secret of volume '%s'",
                               name ? name : "");
}

/* LUKS needs a secret from a secret store poold does not have yet; qcow's own AES
 * encryption libvirt refuses too. */
static int encryption_refuse(const VolDef *v, Error *err) {
        const Encryption *e = v->target.encryption;

        if (!e)
                return 0;
        if ((v->target.format == VOL_FILE_QCOW || v->target.format == VOL_FILE_QCOW2) &&
            (e->format == ENCRYPTION_QCOW || e->format == ENCRYPTION_DEFAULT))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "creation of qcow2 encrypted image is not supported");
        return encryption_unsupported(v->name, err);
}

/* After a tool wrote the file by path: is the entry still the file we created? A swap by
 * someone else who can write the pool directory is refused, not given our permissions. */
static int file_verify_same(const Scan *s, const char *name, int fd, Error *err) {
        struct stat a, b;

        if (fstat(fd, &a) < 0 || fstatat(s->dirfd, name, &b, AT_SYMLINK_NOFOLLOW) < 0 ||
            a.st_dev != b.st_dev || a.st_ino != b.st_ino)
                return error_set_errno(err, -EBUSY, 0,
                                       "volume '%s' was replaced while it was being created", name);
        return 0;
}

/* qcow2, qed, vmdk, vdi, vpc...: qemu-img create, into a file we created first with O_EXCL
 * (so that nothing that was there, nor a symlink, is ever overwritten). */
static int create_with_qemu_img(const Scan *s, const VolDef *req, unsigned flags, Created *created,
                                Error *err) {
        _cleanup_free_ char *opts = NULL, *file = NULL, *what = NULL;
        _cleanup_(args_done) Args a = {};
        _cleanup_close_ int fd = -1;
        int r;

        if (req->target.format == VOL_FILE_PLOOP)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "creating ploop volumes is not supported yet");
        r = qemu_img_options(req, flags, false, &opts, err);
        if (r < 0)
                return r;
        if (req->backing && (r = backing_verify(s, req->backing, err)) < 0)
                return r;
        r = file_create(s, req, &fd, created, err);
        if (r < 0)
                return r;

        file = xasprintf("./%s", req->name);
        args_add(&a, "qemu-img");
        args_add(&a, "create");
        args_add(&a, "-f");
        args_add(&a, qemu_format(req->target.format));
        if (req->backing) {
                /* -b, not backing_file= in -o: a comma in the path would end the option. */
                args_add(&a, "-b");
                args_add(&a, req->backing->path);
        }
        if (opts) {
                args_add(&a, "-o");
                args_add(&a, opts);
        }
        args_add(&a, file);
        /* Without a capacity, qemu-img takes the backing file's. */
        if (req->capacity > 0 || !req->backing) {
                _cleanup_free_ char *size = xasprintf("%" PRIu64, req->capacity);
                args_add(&a, size);
        }
        what = xasprintf("cannot create volume '%s'", req->name);
        r = qemu_img_run(s, &a, what, err);
        if (r < 0)
                return r;
        r = file_verify_same(s, req->name, fd, err);
        if (r < 0)
                return r;
        return file_finish(s, req, fd, err);
}

int dir_vol_create(const PoolDef *def, const VolDef *req, unsigned flags, VolDef **ret,
                          Error *err) {
        _cleanup_close_ int fd = -1;
        _cleanup_(created_undo) Created created = {.dirfd = -1};
        Scan s;
        int r;

        r = vol_name_verify(req->name, true, err);
        if (r < 0)
                return r;
        r = encryption_refuse(req, err);
        if (r < 0)
                return r;
        fd = target_open(def, err);
        if (fd < 0)
                return fd;
        s = (Scan){.dirfd = fd, .path = def->target_path};
        if (req->target.format == VOL_FILE_DIR)
                r = create_dir(&s, req, &created, err);
        else if (req->target.format == VOL_FILE_RAW || req->target.format == VOL_FILE_ISO)
                r = create_raw(&s, req, flags, &created, err);
        else
                r = create_with_qemu_img(&s, req, flags, &created, err);
        if (r < 0)
                return r;
        r = created_result(&s, req->name, ret, err);
        if (r < 0)
                return r;
        created.keep = true;
        return 0;
}

/* ---- Cloning volumes --------------------------------------------------------------------- */

/* A clone's source, by the path its pool reported: a regular file or a block device only,
 * checked before the open and verified after it. */
static int source_open(const VolDef *src, int *ret_fd, struct stat *ret_st, uint64_t *ret_size,
                       Error *err) {
        const char *path = src->target.path;
        _cleanup_close_ int fd = -1;
        struct stat st;
        off_t size;
        int r;

        if (!path_is_absolute(path))
                return error_set_errno(err, -EINVAL, 0, "source volume '%s' has no absolute path",
                                       src->name ? src->name : "");
        if (stat(path, &st) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "could not open input path '%s': %s", path,
                                       strerror(-r));
        }
        if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cannot clone '%s': only files and block devices can be "
                                       "cloned",
                                       path);
        fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (fd < 0 || fstat(fd, ret_st) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "could not open input path '%s': %s", path,
                                       strerror(-r));
        }
        if (ret_st->st_dev != st.st_dev || ret_st->st_ino != st.st_ino)
                return error_set_errno(err, -EBUSY, 0, "'%s' changed while being opened", path);
        size = S_ISREG(st.st_mode) ? st.st_size : lseek(fd, 0, SEEK_END);
        if (size < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "failed to seek to end of %s: %s", path,
                                       strerror(-r));
        }
        *ret_size = (uint64_t) size;
        *ret_fd = TAKE_FD(fd);
        return 0;
}

/* What the source is now, read from its header (the caller's volume may be a refresh old):
 * a block device is raw to qemu-img as to libvirt, whatever its first sector says. */
static void source_probe(int fd, const struct stat *st, uint64_t size, ImageInfo *ret) {
        _cleanup_(image_info_done) ImageInfo info = IMAGE_INFO_INIT;

        *ret = IMAGE_INFO_INIT;
        ret->capacity = size;
        if (S_ISBLK(st->st_mode) || image_probe_fd(fd, size, &info, NULL) < 0)
                return; /* a hostile header is raw, as in a refresh */
        *ret = info;
        info = IMAGE_INFO_INIT;
}

static bool is_zero(const char *buf, size_t len) {
        return len == 0 || (buf[0] == 0 && memcmp(buf, buf + 1, len - 1) == 0);
}

/* read/write copy of [offset, offset + len), skipping zero blocks so that they stay holes
 * (the destination is new, so a skipped block reads as zeros). */
static int pwrite_full(int fd, const char *buf, size_t len, uint64_t offset) {
        while (len > 0) {
                ssize_t n = pwrite(fd, buf, len, (off_t) offset);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                buf += n;
                len -= (size_t) n;
                offset += (uint64_t) n;
        }
        return 0;
}

static int copy_rw(int dst, int src, uint64_t offset, uint64_t len, const char *path, Error *err) {
        _cleanup_free_ char *buf = xmalloc(IO_CHUNK);
        int r;

        while (len > 0) {
                ssize_t n = pread(src, buf, (size_t) u64_min(len, IO_CHUNK), (off_t) offset);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        return error_set_errno(err, r, 0, "failed reading from '%s': %s", path,
                                               strerror(-r));
                }
                if (n == 0)
                        return 0; /* the source shrank: what is left stays a hole */
                for (size_t at = 0; at < (size_t) n; at += ZERO_CHECK_CHUNK) {
                        size_t chunk = (size_t) u64_min(ZERO_CHECK_CHUNK, (size_t) n - at);

                        if (is_zero(buf + at, chunk))
                                continue;
                        r = pwrite_full(dst, buf + at, chunk, offset + at);
                        if (r < 0)
                                return error_set_errno(err, r, 0,
                                                       "failed writing a copy of '%s': %s", path,
                                                       strerror(-r));
                }
                offset += (uint64_t) n;
                len -= (uint64_t) n;
        }
        return 0;
}

/* Copies a data range in the kernel (copy_file_range, a reflink itself on file systems that
 * can), falling back to read/write where it is not possible (across file systems on old
 * kernels, from block devices). */
static int copy_range(int dst, int src, uint64_t offset, uint64_t len, const char *path,
                      Error *err) {
        while (len > 0) {
                loff_t in = (loff_t) offset, out = (loff_t) offset;
                ssize_t n =
                        copy_file_range(src, &in, dst, &out, (size_t) u64_min(len, 1u << 30), 0);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS ||
                              errno == EOPNOTSUPP || errno == EBADF))
                        return copy_rw(dst, src, offset, len, path, err);
                if (n < 0) {
                        int r = -errno;
                        return error_set_errno(err, r, 0, "failed copying '%s': %s", path,
                                               strerror(-r));
                }
                if (n == 0)
                        return 0;
                offset += (uint64_t) n;
                len -= (uint64_t) n;
        }
        return 0;
}

/* Copies src's data, hole for hole: SEEK_DATA/SEEK_HOLE find the data, only it is copied. */
static int copy_sparse(int dst, int src, uint64_t size, const char *path, Error *err) {
        uint64_t offset = 0;
        int r;

        while (offset < size) {
                off_t data = lseek(src, (off_t) offset, SEEK_DATA), hole;

                if (data < 0 && errno == ENXIO)
                        return 0; /* only a hole is left */
                if (data < 0)     /* no SEEK_DATA here: read it all, keeping zero blocks holes */
                        return copy_rw(dst, src, offset, size - offset, path, err);
                hole = lseek(src, data, SEEK_HOLE);
                if (hole < 0) {
                        r = -errno;
                        return error_set_errno(err, r, 0, "cannot seek in '%s': %s", path,
                                               strerror(-r));
                }
                if ((uint64_t) hole > size)
                        hole = (off_t) size;
                r = copy_range(dst, src, (uint64_t) data, (uint64_t) (hole - data), path, err);
                if (r < 0)
                        return r;
                offset = (uint64_t) hole;
        }
        return 0;
}

static bool reflink_unsupported(int e) {
        return e == EOPNOTSUPP || e == EXDEV || e == EINVAL || e == ENOTTY || e == ENOSYS ||
               e == EBADF;
}

/* A reflink when the file system shares extents (btrfs, xfs), else a sparse-aware copy,
 * unless the caller asked for a reflink and nothing else. */
static int copy_data(int dst, int src, uint64_t size, unsigned flags, const char *path,
                     Error *err) {
        int r;

        if (ioctl(dst, FICLONE, src) == 0)
                return 0;
        r = -errno;
        if ((flags & VOL_CREATE_REFLINK) || !reflink_unsupported(-r))
                return error_set_errno(err, r, 0, "failed to clone files from '%s': %s%s", path,
                                       strerror(-r),
                                       (flags & VOL_CREATE_REFLINK) && reflink_unsupported(-r)
                                               ? " (a reflink copy was required: both volumes "
                                                 "must be on one file system that supports "
                                                 "reflinks)"
                                               : "");
        return copy_sparse(dst, src, size, path, err);
}

/* raw to raw: the data copied by us, the capacity at least the source's (libvirt never makes
 * a clone smaller than its source). */
static int clone_raw(const Scan *s, const VolDef *req, const VolDef *src, int src_fd,
                     uint64_t src_size, unsigned flags, Created *created, Error *err) {
        _cleanup_free_ char *path = scan_path(s, req->name);
        _cleanup_close_ int fd = -1;
        uint64_t capacity = req->capacity > src_size ? req->capacity : src_size;
        int r;

        r = raw_verify(req, flags, err);
        if (r < 0)
                return r;
        r = file_create(s, req, &fd, created, err);
        if (r < 0)
                return r;
        r = copy_data(fd, src_fd, src_size, flags, src->target.path, err);
        if (r < 0)
                return r;
        if (ftruncate(fd, (off_t) capacity) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot extend file '%s': %s", path,
                                       strerror(-r));
        }
        r = file_sync(fd, path, err);
        if (r < 0)
                return r;
        return file_finish(s, req, fd, err);
}

static void qemu_img_convert_args(const VolDef *req, int src_format, const char *src_path,
                                  const char *opts, Args *a) {
        _cleanup_free_ char *file = xasprintf("./%s", req->name);

        args_add(a, "qemu-img");
        args_add(a, "convert");
        args_add(a, "-f");
        args_add(a, qemu_format(src_format));
        args_add(a, "-O");
        args_add(a, qemu_format(req->target.format));
        if (opts) {
                args_add(a, "-o");
                args_add(a, opts);
        }
        args_add(a, src_path);
        args_add(a, file);
}

/* Grows a converted image to the asked capacity when that is larger than the source's. */
static int qemu_img_grow(const Scan *s, const VolDef *req, uint64_t capacity, Error *err) {
        _cleanup_free_ char *file = xasprintf("./%s", req->name), *size = NULL, *what = NULL;
        _cleanup_(args_done) Args a = {};

        size = xasprintf("%" PRIu64, capacity);
        what = xasprintf("cannot resize volume '%s'", req->name);
        args_add(&a, "qemu-img");
        args_add(&a, "resize");
        args_add(&a, "-f");
        args_add(&a, qemu_format(req->target.format));
        args_add(&a, file);
        args_add(&a, size);
        return qemu_img_run(s, &a, what, err);
}

/* Different formats, or an image source: qemu-img convert (which reads a source's whole
 * backing chain: the copy stands alone). */
static int clone_with_qemu_img(const Scan *s, const VolDef *req, const VolDef *src,
                               const ImageInfo *src_info, unsigned flags, Created *created,
                               Error *err) {
        _cleanup_free_ char *opts = NULL, *what = NULL;
        _cleanup_error_ Error cerr = ERROR_INIT;
        _cleanup_(args_done) Args a = {};
        _cleanup_close_ int fd = -1;
        int r;

        if (req->target.format == VOL_FILE_PLOOP)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "creating ploop volumes is not supported yet");
        r = qemu_img_options(req, flags, true, &opts, err);
        if (r < 0)
                return r;
        if (format_has_backing(src_info->format)) {
                r = image_chain_check(AT_FDCWD, src->target.path, BACKING_CHAIN_MAX, &cerr);
                if (r < 0)
                        return error_set_errno(err, r, 0, "cannot convert '%s': %s",
                                               src->target.path,
                                               cerr.message ? cerr.message : strerror(-r));
        }
        r = file_create(s, req, &fd, created, err);
        if (r < 0)
                return r;
        qemu_img_convert_args(req, src_info->format, src->target.path, opts, &a);
        what = xasprintf("cannot create volume '%s' from '%s'", req->name, src->target.path);
        r = qemu_img_run(s, &a, what, err);
        if (r >= 0 && req->capacity > src_info->capacity)
                r = qemu_img_grow(s, req, req->capacity, err);
        if (r >= 0)
                r = file_verify_same(s, req->name, fd, err);
        if (r < 0)
                return r;
        return file_finish(s, req, fd, err);
}

static int clone_refuse(const VolDef *req, const VolDef *src, Error *err) {
        int r;

        r = encryption_refuse(req, err);
        if (r >= 0)
                r = encryption_refuse(src, err);
        if (r < 0)
                return r;
        if (req->target.format == VOL_FILE_DIR || src->target.format == VOL_FILE_DIR ||
            src->type == VOL_DIR || src->type == VOL_PLOOP)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cloning directory and ploop volumes is not supported");
        return 0;
}

static bool is_raw_format(int f) {
        return f == VOL_FILE_RAW || f == VOL_FILE_ISO;
}

int dir_vol_create_from(const PoolDef *def, const VolDef *req, const PoolDef *src_pool,
                               const VolDef *src, unsigned flags, VolDef **ret, Error *err) {
        _cleanup_(image_info_done) ImageInfo info = IMAGE_INFO_INIT;
        _cleanup_close_ int fd = -1, src_fd = -1;
        _cleanup_(created_undo) Created created = {.dirfd = -1};
        struct stat src_st;
        uint64_t src_size = 0;
        Scan s;
        int r;

        r = vol_name_verify(req->name, true, err);
        if (r >= 0)
                r = clone_refuse(req, src, err);
        if (r >= 0)
                r = source_open(src, &src_fd, &src_st, &src_size, err);
        if (r < 0)
                return r;
        source_probe(src_fd, &src_st, src_size, &info);
        if (info.encrypted)
                return encryption_unsupported(src->name, err);
        fd = target_open(def, err);
        if (fd < 0)
                return fd;
        s = (Scan){.dirfd = fd, .path = def->target_path};
        if (is_raw_format(req->target.format) && is_raw_format(info.format))
                r = clone_raw(&s, req, src, src_fd, src_size, flags, &created, err);
        else
                r = clone_with_qemu_img(&s, req, src, &info, flags, &created, err);
        if (r < 0)
                return r;
        r = created_result(&s, req->name, ret, err);
        if (r < 0)
                return r;
        created.keep = true;
        return 0;
}

/* ---- Deleting, resizing, wiping ---------------------------------------------------------- */

int dir_vol_delete(const PoolDef *def, const VolDef *vol, unsigned flags, Error *err) {
        _cleanup_free_ char *path = NULL;
        _cleanup_close_ int fd = -1;
        struct stat st;
        int r;

        r = vol_name_verify(vol->name, false, err);
        if (r < 0)
                return r;
        fd = target_open(def, err);
        if (fd < 0)
                return fd;
        path = path_join(def->target_path, vol->name);
        /* lstat: deleting a symlink volume deletes the link, never what it points to. */
        if (fstatat(fd, vol->name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                r = -errno;
                if (r == -ENOENT)
                        return 0; /* as libvirt: already gone is deleted */
                return error_set_errno(err, r, 0, "cannot stat '%s': %s", path, strerror(-r));
        }
        if (!S_ISDIR(st.st_mode)) {
                if (unlinkat(fd, vol->name, 0) == 0 || errno == ENOENT)
                        return 0;
                r = -errno;
                return error_set_errno(err, r, 0, "cannot unlink file '%s': %s", path,
                                       strerror(-r));
        }
        if (unlinkat(fd, vol->name, AT_REMOVEDIR) == 0 || errno == ENOENT)
                return 0;
        r = -errno;
        if (r == -ENOTEMPTY || r == -EEXIST)
                return error_set_errno(err, -ENOTEMPTY, 0,
                                       "cannot remove directory '%s': Directory not empty "
                                       "(poold never deletes recursively)",
                                       path);
        return error_set_errno(err, r, 0, "cannot remove directory '%s': %s", path, strerror(-r));
}

/* The pool directory (an O_DIRECTORY fd) and the volume's path for messages, its name checked
 * first: what every operation on one existing volume starts with. */
static int vol_locate(const PoolDef *def, const VolDef *vol, int *ret_dirfd, char **ret_path,
                      Error *err) {
        int dirfd, r;

        r = vol_name_verify(vol->name, false, err);
        if (r < 0)
                return r;
        dirfd = target_open(def, err);
        if (dirfd < 0)
                return dirfd;
        *ret_dirfd = dirfd;
        *ret_path = path_join(def->target_path, vol->name);
        return 0;
}

/* Opens an existing regular file volume for writing: never through a symlink (what it points
 * to is outside the pool's care), never a directory, a device or a FIFO. */
static int vol_open_rw(int dirfd, const char *name, const char *path, const char *op,
                       struct stat *ret_st, Error *err) {
        struct stat st;
        int fd, r;

        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                r = -errno;
                if (r == -ENOENT)
                        return error_set_errno(err, r, 0, "no storage vol with matching name '%s'",
                                               name);
                return error_set_errno(err, r, 0, "cannot stat '%s': %s", path, strerror(-r));
        }
        if (S_ISLNK(st.st_mode))
                return error_set_errno(err, -ELOOP, 0,
                                       "cannot %s '%s': it is a symbolic link, and poold does "
                                       "not modify what a link points to",
                                       op, path);
        if (!S_ISREG(st.st_mode))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cannot %s '%s': only file volumes can be changed", op,
                                       path);
        fd = openat(dirfd, name, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                return error_set_errno(err, r, 0,
                                       "Failed to open storage volume with path '%s': %s", path,
                                       strerror(-r));
        }
        if (fstat(fd, ret_st) < 0 || !S_ISREG(ret_st->st_mode)) {
                close(fd);
                return error_set_errno(err, -EBUSY, 0, "'%s' changed while being opened", path);
        }
        return fd;
}

/* The capacity a resize starts from, libvirt's rules applied: DELTA adds (or with SHRINK
 * subtracts), nothing shrinks without SHRINK nor below what is allocated. */
static int resize_target(uint64_t current, uint64_t allocation, uint64_t capacity, unsigned flags,
                         uint64_t *ret, Error *err) {
        uint64_t want = capacity;

        if (flags & VOL_RESIZE_DELTA) {
                if (flags & VOL_RESIZE_SHRINK)
                        want = current - u64_min(capacity, current);
                else if (capacity > (uint64_t) INT64_MAX - current)
                        return error_set_errno(err, -EOVERFLOW, 0,
                                               "capacity of %" PRIu64 " bytes plus %" PRIu64
                                               " is too large",
                                               current, capacity);
                else
                        want = current + capacity;
        }
        if (want > (uint64_t) INT64_MAX)
                return error_set_errno(err, -EOVERFLOW, 0, "capacity %" PRIu64 " is too large",
                                       want);
        /* libvirt checks this on growth too, which refuses growing a file smaller than its
         * last block; only a shrink can go below the allocation. */
        if (want < current && want < allocation)
                return error_set_errno(err, -EINVAL, 0,
                                       "invalid argument: can't shrink capacity below existing allocation");
        if (want < current && !(flags & VOL_RESIZE_SHRINK))
                return error_set_errno(err, -EINVAL, 0,
                                       "invalid argument: Can't shrink capacity below current "
                                       "capacity unless shrink flag explicitly specified");
        *ret = want;
        return 0;
}

static int resize_raw(int fd, uint64_t current, uint64_t capacity, unsigned flags, const char *path,
                      Error *err) {
        int r;

        if (ftruncate(fd, (off_t) capacity) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "Failed to truncate file '%s': %s", path,
                                       strerror(-r));
        }
        if (!(flags & VOL_RESIZE_ALLOCATE) || capacity <= current)
                return 0;
        r = allocate_range(fd, current, capacity - current, path, err);
        if (r < 0)
                (void) ftruncate(fd, (off_t) current); /* no half-grown volume */
        return r;
}

static int resize_with_qemu_img(const Scan *s, const char *name, int format, uint64_t capacity,
                                unsigned flags, Error *err) {
        _cleanup_free_ char *file = xasprintf("./%s", name), *size = NULL, *what = NULL;
        _cleanup_(args_done) Args a = {};

        if (format == VOL_FILE_PLOOP)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "resizing ploop volumes is not supported yet");
        if (flags & VOL_RESIZE_ALLOCATE)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "preallocate is only supported for raw type volume");
        size = xasprintf("%" PRIu64, capacity);
        what = xasprintf("cannot resize volume '%s'", name);
        args_add(&a, "qemu-img");
        args_add(&a, "resize");
        if (flags & VOL_RESIZE_SHRINK)
                args_add(&a, "--shrink");
        args_add(&a, "-f");
        args_add(&a, qemu_format(format));
        args_add(&a, file);
        args_add(&a, size);
        return qemu_img_run(s, &a, what, err);
}

int dir_vol_resize(const PoolDef *def, const VolDef *vol, uint64_t capacity, unsigned flags,
                          Error *err) {
        _cleanup_(image_info_done) ImageInfo info = IMAGE_INFO_INIT;
        _cleanup_close_ int dirfd = -1, fd = -1;
        _cleanup_free_ char *path = NULL;
        uint64_t current, want = 0;
        struct stat st;
        int r;

        r = vol_locate(def, vol, &dirfd, &path, err);
        if (r < 0)
                return r;
        fd = vol_open_rw(dirfd, vol->name, path, "resize", &st, err);
        if (fd < 0)
                return fd;
        /* The header as it is now decides, not the caller's possibly old view; a broken
         * header is raw, as a refresh lists it. */
        if (image_probe_fd(fd, (uint64_t) st.st_size, &info, NULL) < 0) {
                image_info_done(&info);
                info.capacity = (uint64_t) st.st_size;
        }
        if (info.encrypted)
                return encryption_unsupported(vol->name, err);
        current = info.capacity;
        r = resize_target(current, (uint64_t) st.st_blocks * 512, capacity, flags, &want, err);
        if (r < 0)
                return r;
        if (is_raw_format(info.format))
                return resize_raw(fd, current, want, flags, path, err);
        return resize_with_qemu_img(&(Scan){.dirfd = dirfd, .path = def->target_path}, vol->name,
                                    info.format, want, flags, err);
}

/* libvirt's zero wipe: a sparse file is truncated to 0 and back (it reads as zeros and keeps
 * its holes); anything else gets zeros written over it, synced. */
static int wipe_zero(int fd, const struct stat *st, const char *path, Error *err) {
        int r;

        if (st->st_blocks < st->st_size / 512) {
                if (ftruncate(fd, 0) < 0 || ftruncate(fd, st->st_size) < 0) {
                        r = -errno;
                        return error_set_errno(err, r, 0,
                                               "Failed to truncate volume with path '%s': %s", path,
                                               strerror(-r));
                }
                return 0;
        }
        r = write_zeros(fd, 0, (uint64_t) st->st_size, path, err);
        if (r < 0)
                return r;
        return file_sync(fd, path, err);
}

/* Runs scrub on file (relative to cwd_fd); name is the volume as messages show it. */
static int wipe_scrub(int cwd_fd, const char *file, const char *name, WipeAlgorithm algorithm,
                      Error *err) {
        _cleanup_free_ char *message = NULL;
        const char *alg = wipe_algorithm_to_string(algorithm);
        char *argv[] = {(char *) "scrub", (char *) "-f", (char *) "-p", (char *) alg,
                        (char *) file, NULL};
        int r;

        r = tool_run(cwd_fd, argv, &message);
        if (r == -ENOENT)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cannot wipe volume '%s' with algorithm '%s': scrub is "
                                       "not installed (only 'zero' works without it)",
                                       name, alg);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot wipe volume '%s' with scrub: %s", name,
                                       message ? message : strerror(-r));
        return 0;
}

/* The algorithms vol-wipe takes: every one but 'trim', as libvirt's local wipe. */
static int wipe_algorithm_check(WipeAlgorithm algorithm, Error *err) {
        if (algorithm == WIPE_TRIM)
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "argument unsupported: 'trim' algorithm not supported");
        if (!wipe_algorithm_to_string(algorithm))
                return error_set_errno(err, -EINVAL, 0, "unsupported algorithm %d",
                                       (int) algorithm);
        return 0;
}

int dir_vol_wipe(const PoolDef *def, const VolDef *vol, WipeAlgorithm algorithm,
                        Error *err) {
        _cleanup_close_ int dirfd = -1, fd = -1;
        _cleanup_free_ char *path = NULL, *file = NULL;
        struct stat st;
        int r;

        r = wipe_algorithm_check(algorithm, err);
        if (r < 0)
                return r;
        r = vol_locate(def, vol, &dirfd, &path, err);
        if (r < 0)
                return r;
        fd = vol_open_rw(dirfd, vol->name, path, "wipe", &st, err);
        if (fd < 0)
                return fd;
        if (algorithm == WIPE_ZERO)
                return wipe_zero(fd, &st, path, err);
        file = xasprintf("./%s", vol->name);
        return wipe_scrub(dirfd, file, vol->name, algorithm, err);
}

/* vol-wipe of a block device (a disk pool's partition): zeros over its whole size, synced,
 * or scrub's patterns. Opened O_EXCL, so a partition that is mounted or otherwise in use is
 * refused (EBUSY) instead of being wiped under its user. */
int dir_wipe_block_device(const char *path, WipeAlgorithm algorithm, Error *err) {
        _cleanup_close_ int fd = -1, rootfd = -1;
        struct stat st;
        uint64_t size = 0;
        int r;

        r = wipe_algorithm_check(algorithm, err);
        if (r < 0)
                return r;
        fd = open(path, O_WRONLY | O_EXCL | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
                r = -errno;
                if (r == -EBUSY)
                        return error_set_errno(err, r, 0,
                                               "cannot wipe '%s': it is in use (mounted, or "
                                               "held by another program)", path);
                return error_set_errno(err, r, 0, "cannot open volume '%s': %s", path,
                                       strerror(-r));
        }
        if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode))
                return error_set_errno(err, -ENOTBLK, 0, "'%s' is not a block device", path);
        if (ioctl(fd, BLKGETSIZE64, &size) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot read the size of '%s': %s", path,
                                       strerror(-r));
        }
        if (algorithm == WIPE_ZERO) {
                r = write_zeros(fd, 0, size, path, err);
                if (r < 0)
                        return r;
                return file_sync(fd, path, err);
        }
        closep(&fd); /* scrub opens it itself */
        fd = -1;
        rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return error_set_errno(err, -errno, 0, "cannot open '/': %m");
        return wipe_scrub(rootfd, path, path, algorithm, err);
}

/* ---- Uploading and downloading ----------------------------------------------------------- */

/* Opens an existing volume to read its data: a regular file or a block device, never through
 * a symlink (what a link points to is outside the pool's care). */
static int vol_open_ro(int dirfd, const char *name, const char *path, struct stat *ret_st,
                       uint64_t *ret_size, Error *err) {
        _cleanup_close_ int fd = -1;
        off_t size;
        int r;

        fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
                r = -errno;
                if (r == -ENOENT)
                        return error_set_errno(err, r, 0, "no storage vol with matching name '%s'",
                                               name);
                if (r == -ELOOP)
                        return error_set_errno(err, r, 0,
                                               "cannot download '%s': it is a symbolic link, and "
                                               "poold does not follow links out of a pool",
                                               path);
                return error_set_errno(err, r, 0,
                                       "Failed to open storage volume with path '%s': %s", path,
                                       strerror(-r));
        }
        if (fstat(fd, ret_st) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot stat '%s': %s", path, strerror(-r));
        }
        if (!S_ISREG(ret_st->st_mode) && !S_ISBLK(ret_st->st_mode))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "cannot download '%s': only file and block volumes hold "
                                       "data to download",
                                       path);
        size = S_ISREG(ret_st->st_mode) ? ret_st->st_size : lseek(fd, 0, SEEK_END);
        if (size < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "failed to seek to end of %s: %s", path,
                                       strerror(-r));
        }
        *ret_size = (uint64_t) size;
        return TAKE_FD(fd);
}

/* Waits until a client's descriptor, which may be non-blocking, is ready. */
static int fd_wait(int fd, short events) {
        struct pollfd p = {.fd = fd, .events = events};

        if (poll(&p, 1, -1) < 0 && errno != EINTR)
                return -errno;
        return 0;
}

/* read() from a client's descriptor (a file, a pipe): what it gives, 0 at its end. */
static ssize_t read_some(int fd, char *buf, size_t len) {
        for (;;) {
                ssize_t n = read(fd, buf, len);
                int r;

                if (n >= 0)
                        return n;
                if (errno == EINTR)
                        continue;
                if (errno != EAGAIN)
                        return -errno;
                r = fd_wait(fd, POLLIN);
                if (r < 0)
                        return r;
        }
}

/* write() all of buf to a client's descriptor at its current position. */
static int write_all(int fd, const char *buf, size_t len) {
        while (len > 0) {
                ssize_t n = write(fd, buf, len);
                int r;

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0 && errno == EAGAIN) {
                        r = fd_wait(fd, POLLOUT);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (n < 0)
                        return -errno;
                if (n == 0)
                        return -EIO;
                buf += n;
                len -= (size_t) n;
        }
        return 0;
}

/* Writing to a pipe whose reader is gone must fail with EPIPE, not kill poold: SIGPIPE is
 * blocked in this thread while a transfer runs, and one it raised is taken back after. */
static bool sigpipe_block(sigset_t *old) {
        sigset_t ss;

        sigemptyset(&ss);
        sigaddset(&ss, SIGPIPE);
        if (pthread_sigmask(SIG_BLOCK, &ss, old) != 0)
                return false;
        return !sigismember(old, SIGPIPE);
}

static void sigpipe_restore(const sigset_t *old, bool blocked) {
        struct timespec zero = {};
        sigset_t ss;

        if (!blocked)
                return;
        sigemptyset(&ss);
        sigaddset(&ss, SIGPIPE);
        while (sigtimedwait(&ss, NULL, &zero) > 0)
                ;
        (void) pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* Where a download goes: a client's descriptor, written at its own position. A regular file
 * gets the holes it skips as holes (lseek), anything else (a pipe, a block device) zeros. */
typedef struct Sink {
        int fd;
        bool seekable;
        bool ends_in_hole;
} Sink;

static int sink_write(Sink *k, const char *buf, size_t len) {
        k->ends_in_hole = false;
        return write_all(k->fd, buf, len);
}

static int sink_skip(Sink *k, uint64_t len) {
        _cleanup_free_ char *zeros = NULL;
        int r;

        if (k->seekable) {
                if (lseek(k->fd, (off_t) len, SEEK_CUR) < 0)
                        return -errno;
                k->ends_in_hole = true;
                return 0;
        }
        zeros = xcalloc(1, IO_CHUNK);
        while (len > 0) {
                size_t n = (size_t) u64_min(len, IO_CHUNK);

                r = write_all(k->fd, zeros, n);
                if (r < 0)
                        return r;
                len -= n;
        }
        return 0;
}

/* A hole at the end exists only once the file is as long as it. */
static int sink_finish(Sink *k) {
        struct stat st;
        off_t end;

        if (!k->ends_in_hole)
                return 0;
        end = lseek(k->fd, 0, SEEK_CUR);
        if (end < 0 || fstat(k->fd, &st) < 0)
                return -errno;
        if (st.st_size < end && ftruncate(k->fd, end) < 0)
                return -errno;
        return 0;
}

/* The next data of src at or after at, before end: [*ret_data, *ret_hole). Without sparse
 * (or where the file system cannot tell), everything is data. */
static void next_data(int src, bool sparse, uint64_t at, uint64_t end, uint64_t *ret_data,
                      uint64_t *ret_hole) {
        off_t data, hole;

        *ret_data = at;
        *ret_hole = end;
        if (!sparse)
                return;
        data = lseek(src, (off_t) at, SEEK_DATA);
        if (data < 0) {
                if (errno == ENXIO) /* only a hole is left */
                        *ret_data = end;
                return;
        }
        *ret_data = u64_min((uint64_t) data, end);
        hole = lseek(src, data, SEEK_HOLE);
        if (hole >= 0)
                *ret_hole = u64_min((uint64_t) hole, end);
}

static int download_range(int src, Sink *k, uint64_t from, uint64_t to, const char *path,
                          Error *err) {
        _cleanup_free_ char *buf = xmalloc(IO_CHUNK);
        int r;

        while (from < to) {
                ssize_t n = pread(src, buf, (size_t) u64_min(to - from, IO_CHUNK), (off_t) from);

                if (n < 0 && errno == EINTR)
                        continue;
                if (n < 0) {
                        r = -errno;
                        return error_set_errno(err, r, 0, "failed reading from '%s': %s", path,
                                               strerror(-r));
                }
                if (n == 0)
                        return 0; /* the volume shrank meanwhile: what it has is sent */
                r = sink_write(k, buf, (size_t) n);
                if (r < 0)
                        return error_set_errno(err, r, 0, "cannot write to stream: %s",
                                               strerror(-r));
                from += (uint64_t) n;
        }
        return 0;
}

static int download(int src, const struct stat *st, uint64_t size, int fd, uint64_t offset,
                    uint64_t length, unsigned flags, const char *path, Error *err) {
        bool sparse = (flags & VOL_DOWNLOAD_SPARSE) && S_ISREG(st->st_mode);
        uint64_t end = size, at = offset;
        struct stat out;
        Sink k;
        int r;

        if (fstat(fd, &out) < 0) {
                r = -errno;
                return error_set_errno(err, r, 0, "cannot stat the download's file: %s",
                                       strerror(-r));
        }
        k = (Sink){.fd = fd, .seekable = S_ISREG(out.st_mode)};
        if (length > 0 && offset < end && length < end - offset)
                end = offset + length;
        while (at < end) {
                uint64_t data, hole;

                next_data(src, sparse, at, end, &data, &hole);
                if (data > at && (r = sink_skip(&k, data - at)) < 0)
                        return error_set_errno(err, r, 0, "cannot write to stream: %s",
                                               strerror(-r));
                r = download_range(src, &k, data, hole, path, err);
                if (r < 0)
                        return r;
                at = hole;
        }
        r = sink_finish(&k);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot write to stream: %s", strerror(-r));
        return 0;
}

int dir_vol_download(const PoolDef *def, const VolDef *vol, int fd, uint64_t offset,
                            uint64_t length, unsigned flags, Error *err) {
        _cleanup_close_ int dirfd = -1, src = -1;
        _cleanup_free_ char *path = NULL;
        struct stat st;
        uint64_t size = 0;
        sigset_t old;
        bool blocked;
        int r;

        r = vol_locate(def, vol, &dirfd, &path, err);
        if (r < 0)
                return r;
        src = vol_open_ro(dirfd, vol->name, path, &st, &size, err);
        if (src < 0)
                return src;
        blocked = sigpipe_block(&old);
        r = download(src, &st, size, fd, offset, length, flags, path, err);
        sigpipe_restore(&old, blocked);
        return r;
}

/* Makes [offset, offset + len) of dst read as zeros without data: a hole where the file
 * system can punch one, zeros written where it cannot. */
static int punch_range(int dst, uint64_t offset, uint64_t len, const char *path, Error *err) {
        int r;

        if (len == 0)
                return 0;
        if (fallocate(dst, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, (off_t) offset,
                      (off_t) len) == 0)
                return 0;
        r = -errno;
        if (r != -EOPNOTSUPP && r != -ENOSYS)
                return error_set_errno(err, r, 0, "cannot punch a hole in '%s': %s", path,
                                       strerror(-r));
        return write_zeros(dst, offset, len, path, err);
}

/* Writes one chunk of an upload; with sparse, its zero blocks become holes. */
static int upload_chunk(int dst, const char *buf, size_t n, uint64_t offset, bool sparse,
                        const char *path, Error *err) {
        int r;

        for (size_t at = 0; at < n;) {
                size_t len = (size_t) u64_min(sparse ? ZERO_CHECK_CHUNK : n, n - at);
                bool zero = sparse && is_zero(buf + at, len);

                /* a run of blocks of one kind at once */
                while (sparse && at + len < n) {
                        size_t next = (size_t) u64_min(ZERO_CHECK_CHUNK, n - at - len);
                        if (is_zero(buf + at + len, next) != zero)
                                break;
                        len += next;
                }
                r = zero ? punch_range(dst, offset + at, len, path, err)
                         : pwrite_full(dst, buf + at, len, offset + at);
                if (r < 0)
                        return zero ? r
                                    : error_set_errno(err, r, 0, "cannot write to '%s': %s", path,
                                                      strerror(-r));
                at += len;
        }
        return 0;
}

/* The size of the hole of a regular file fd at its position, up to max bytes: 0 where data
 * is (or where the file system cannot tell). */
static uint64_t input_hole(int fd, uint64_t max) {
        off_t at = lseek(fd, 0, SEEK_CUR), data;
        struct stat st;

        if (at < 0 || max == 0)
                return 0;
        data = lseek(fd, at, SEEK_DATA);
        if (data < 0 && errno == ENXIO && fstat(fd, &st) == 0 && st.st_size > at)
                data = st.st_size; /* a hole up to the end */
        (void) lseek(fd, at, SEEK_SET);
        if (data <= at)
                return 0;
        return u64_min((uint64_t) (data - at), max);
}

static int upload(int dst, int fd, uint64_t offset, uint64_t length, unsigned flags,
                  const char *path, Error *err) {
        bool sparse = flags & VOL_UPLOAD_SPARSE, seekable_hole;
        _cleanup_free_ char *buf = xmalloc(IO_CHUNK);
        uint64_t done = 0;
        struct stat in, st;
        int r;

        if (offset > (uint64_t) INT64_MAX || (length > 0 && length > (uint64_t) INT64_MAX - offset))
                return error_set_errno(err, -EINVAL, 0, "Unable to seek %s to %" PRIu64 ": %s",
                                       path, offset, strerror(EINVAL));
        seekable_hole = sparse && fstat(fd, &in) == 0 && S_ISREG(in.st_mode);
        for (;;) {
                uint64_t left = length > 0 ? length - done : UINT64_MAX, hole;
                ssize_t n;

                if (length > 0 && left == 0) {
                        /* libvirt's stream refuses what goes past its length */
                        n = read_some(fd, buf, 1);
                        if (n > 0)
                                return error_set_errno(err, -ENOSPC, 0,
                                                       "cannot write to stream: %s",
                                                       strerror(ENOSPC));
                        break;
                }
                hole = seekable_hole ? input_hole(fd, left) : 0;
                if (hole > 0) {
                        r = punch_range(dst, offset + done, hole, path, err);
                        if (r < 0)
                                return r;
                        if (lseek(fd, (off_t) hole, SEEK_CUR) < 0) {
                                r = -errno;
                                return error_set_errno(err, r, 0, "cannot read data to upload: %s",
                                                       strerror(-r));
                        }
                        done += hole;
                        continue;
                }
                n = read_some(fd, buf, (size_t) u64_min(left, IO_CHUNK));
                if (n < 0)
                        return error_set_errno(err, (int) n, 0, "cannot read data to upload: %s",
                                               strerror((int) -n));
                if (n == 0)
                        break;
                r = upload_chunk(dst, buf, (size_t) n, offset + done, sparse, path, err);
                if (r < 0)
                        return r;
                done += (uint64_t) n;
        }
        /* What was skipped at the end is part of the volume too. */
        if (fstat(dst, &st) < 0 || ((uint64_t) st.st_size < offset + done &&
                                    ftruncate(dst, (off_t) (offset + done)) < 0)) {
                r = -errno;
                return error_set_errno(err, r, 0, "Failed to truncate file '%s': %s", path,
                                       strerror(-r));
        }
        return file_sync(dst, path, err);
}

int dir_vol_upload(const PoolDef *def, const VolDef *vol, int fd, uint64_t offset,
                          uint64_t length, unsigned flags, Error *err) {
        _cleanup_close_ int dirfd = -1, dst = -1;
        _cleanup_free_ char *path = NULL;
        struct stat st;
        int r;

        r = vol_locate(def, vol, &dirfd, &path, err);
        if (r < 0)
                return r;
        dst = vol_open_rw(dirfd, vol->name, path, "upload to", &st, err);
        if (dst < 0)
                return dst;
        return upload(dst, fd, offset, length, flags, path, err);
}

static int dir_dependencies(const PoolDef *def, PoolDeps *ret) {
        if (isempty(def->target_path))
                return -EINVAL;
        *ret = (PoolDeps){.watch_dir = xstrdup(def->target_path), .poll_dir = false};
        return 0;
}

const Backend backend_dir = {
        .type = POOL_DIR,
        .check = dir_check,
        .build = dir_build,
        .start = dir_start,
        .stop = dir_stop,
        .delete = dir_delete,
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
        .dependencies = dir_dependencies,
};
