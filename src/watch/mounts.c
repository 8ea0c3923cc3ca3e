/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "shared/log.h"
#include "shared/path.h"
#include "watch/mounts.h"

#define MOUNTINFO "/proc/self/mountinfo"

DEFINE_TRIVIAL_CLEANUP_FUNC(struct libmnt_iter *, mnt_free_iter);

static const char *strna(const char *s) {
        return s ?: "n/a";
}

/* The mount visible at a target: the table's entries sorted by target, the last entry of
 * each target kept (the kernel lists a mount stacked on another after it). */
typedef struct MountEntry {
        const char *target;
        struct libmnt_fs *fs;
        size_t pos; /* in the table, to keep the order of a stack through qsort() */
} MountEntry;

struct Mounts {
        struct libmnt_monitor *monitor;
        sd_event_source *io;
        struct libmnt_table *table;
        MountEntry *index;
        size_t n_index;
        mounts_callback_t on_mount;
        void *userdata;
};

static int mount_entry_cmp(const void *a, const void *b) {
        const MountEntry *x = a, *y = b;
        int c = strcmp(x->target, y->target);

        if (c != 0)
                return c;
        return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int mount_entry_cmp_target(const void *key, const void *e) {
        return strcmp(key, ((const MountEntry *) e)->target);
}

static bool mount_entry_same(const MountEntry *a, const MountEntry *b) {
        /* Mount IDs are unique among mounts that exist; source and type guard against an
         * ID reused after an unmount. */
        return mnt_fs_get_id(a->fs) == mnt_fs_get_id(b->fs) &&
               streq_ptr(mnt_fs_get_source(a->fs), mnt_fs_get_source(b->fs)) &&
               streq_ptr(mnt_fs_get_fstype(a->fs), mnt_fs_get_fstype(b->fs));
}

static MountEntry *mounts_index(struct libmnt_table *t, size_t *ret_n) {
        _cleanup_(mnt_free_iterp) struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
        MountEntry *e = NULL;
        struct libmnt_fs *fs;
        size_t n = 0, j = 0;

        if (!it)
                oom();
        while (mnt_table_next_fs(t, it, &fs) == 0)
                if (mnt_fs_get_target(fs))
                        ARRAY_APPEND(e, n, ((MountEntry){mnt_fs_get_target(fs), fs, n}));
        if (n > 0)
                qsort(e, n, sizeof(*e), mount_entry_cmp);
        for (size_t i = 0; i < n; i++)
                if (i + 1 == n || !streq(e[i].target, e[i + 1].target))
                        e[j++] = e[i];
        *ret_n = j;
        return e;
}

static int mounts_read_table(struct libmnt_table **ret) {
        struct libmnt_table *t = mnt_new_table();
        int r;

        if (!t)
                oom();
        r = mnt_table_parse_file(t, MOUNTINFO);
        if (r < 0) {
                mnt_unref_table(t);
                return r;
        }
        *ret = t;
        return 0;
}

static void mounts_report(Mounts *m, const MountEntry *e, bool mounted) {
        const char *source = mnt_fs_get_source(e->fs), *fstype = mnt_fs_get_fstype(e->fs);

        log_debug("%s %s (%s, %s)", mounted ? "Mounted" : "Unmounted", e->target, strna(source),
                  strna(fstype));
        if (m->on_mount)
                m->on_mount(m->userdata, e->target, source, fstype, mounted);
}

/* Both sorted by target: one walk finds what appeared, vanished or changed. */
static void mounts_diff(Mounts *m, const MountEntry *old, size_t n_old, const MountEntry *new,
                        size_t n_new) {
        size_t i = 0, j = 0;

        while (i < n_old || j < n_new) {
                int c = i >= n_old ? 1 : j >= n_new ? -1 : strcmp(old[i].target, new[j].target);

                if (c < 0)
                        mounts_report(m, &old[i++], false);
                else if (c > 0)
                        mounts_report(m, &new[j++], true);
                else {
                        if (!mount_entry_same(&old[i], &new[j]))
                                mounts_report(m, &new[j], true);
                        i++;
                        j++;
                }
        }
}

int mounts_rescan(Mounts *m) {
        struct libmnt_table *old_table;
        MountEntry *old_index;
        size_t n_old;
        int r;

        if (!m)
                return -EINVAL;
        old_table = m->table;
        old_index = m->index;
        n_old = m->n_index;
        r = mounts_read_table(&m->table);
        if (r < 0) {
                m->table = old_table;
                return r;
        }
        /* Installed before reporting, so that the callback's mounts_find() sees it. */
        m->index = mounts_index(m->table, &m->n_index);
        mounts_diff(m, old_index, n_old, m->index, m->n_index);
        free(old_index);
        mnt_unref_table(old_table);
        return 0;
}

static int mounts_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Mounts *m = userdata;
        int r;

        /* However many changes woke us, the table is read once. */
        r = mnt_monitor_event_cleanup(m->monitor);
        if (r < 0)
                log_debug_errno(r, "Cannot drain mount monitor events, ignoring: %m");
        r = mounts_rescan(m);
        if (r < 0)
                log_warning_errno(r,
                                  "Cannot read " MOUNTINFO ", will retry at the next change: %m");
        return 0;
}

Mounts *mounts_free(Mounts *m) {
        if (!m)
                return NULL;
        /* The source first: the fd belongs to the monitor. */
        sd_event_source_disable_unref(m->io);
        mnt_unref_monitor(m->monitor);
        free(m->index);
        mnt_unref_table(m->table);
        free(m);
        return NULL;
}

int mounts_new(sd_event *e, mounts_callback_t on_mount, void *userdata, Mounts **ret) {
        _cleanup_mounts_ Mounts *m = NULL;
        int fd, r;

        if (!e || !ret)
                return -EINVAL;
        m = xcalloc(1, sizeof(*m));
        m->on_mount = on_mount;
        m->userdata = userdata;
        m->monitor = mnt_new_monitor();
        if (!m->monitor)
                oom();
        r = mnt_monitor_enable_kernel(m->monitor, true);
        if (r < 0)
                return r;
        fd = mnt_monitor_get_fd(m->monitor);
        if (fd < 0)
                return fd;
        r = sd_event_add_io(e, &m->io, fd, EPOLLIN, mounts_on_io, m);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(m->io, "mount-monitor");

        r = mounts_read_table(&m->table);
        if (r < 0)
                return r;
        m->index = mounts_index(m->table, &m->n_index);
        *ret = TAKE_PTR(m);
        return 0;
}

struct libmnt_fs *mounts_find(Mounts *m, const char *target) {
        _cleanup_free_ char *clean = NULL;
        const MountEntry *e;

        if (!m || isempty(target))
                return NULL;
        if (m->n_index == 0)
                return NULL;
        clean = path_sanitize(target);
        e = bsearch(clean, m->index, m->n_index, sizeof(MountEntry), mount_entry_cmp_target);
        return e ? e->fs : NULL;
}
