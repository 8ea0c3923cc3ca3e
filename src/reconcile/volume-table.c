/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "reconcile/volume-table.h"

size_t volume_table_size(const VolumeTable *t) {
        return HASH_CNT(hh_name, t->by_name);
}

Volume *volume_table_get(const VolumeTable *t, const char *name) {
        Volume *v = NULL;

        HASH_FIND(hh_name, t->by_name, name, strlen(name), v);
        return v;
}

Volume *volume_table_get_key(const VolumeTable *t, const char *key) {
        Volume *v = NULL;

        HASH_FIND(hh_key, t->by_key, key, strlen(key), v);
        return v;
}

Volume *volume_table_get_path(const VolumeTable *t, const char *path) {
        Volume *v = NULL;

        HASH_FIND(hh_path, t->by_path, path, strlen(path), v);
        return v;
}

static void unlink_volume(VolumeTable *t, Volume *v) {
        HASH_DELETE(hh_name, t->by_name, v);
        if (v->def->key)
                HASH_DELETE(hh_key, t->by_key, v);
        if (v->def->target.path)
                HASH_DELETE(hh_path, t->by_path, v);
}

static void link_volume(VolumeTable *t, Volume *v) {
        const VolDef *d = v->def;

        HASH_ADD_KEYPTR(hh_name, t->by_name, d->name, strlen(d->name), v);
        if (d->key)
                HASH_ADD_KEYPTR(hh_key, t->by_key, d->key, strlen(d->key), v);
        if (d->target.path)
                HASH_ADD_KEYPTR(hh_path, t->by_path, d->target.path, strlen(d->target.path), v);
}

static bool same_timespec(const struct timespec *a, const struct timespec *b) {
        return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

/* A file whose inode, size, times and owner did not move was not rewritten: no need to
 * compare what was probed (and the access time alone is no change worth an event). */
static bool same_file(const struct stat *a, const struct stat *b) {
        return a->st_ino == b->st_ino && a->st_dev == b->st_dev && a->st_size == b->st_size &&
               a->st_mode == b->st_mode && a->st_uid == b->st_uid && a->st_gid == b->st_gid &&
               a->st_blocks == b->st_blocks && same_timespec(&a->st_mtim, &b->st_mtim) &&
               same_timespec(&a->st_ctim, &b->st_ctim);
}

static bool same_volume(const Volume *old, const VolDef *def, const struct stat *st,
                        PoolType type) {
        _cleanup_free_ char *xa = NULL, *xb = NULL;

        if (st && old->st.st_ino != 0 && same_file(&old->st, st))
                return true;
        xa = vol_def_format(old->def, type);
        xb = vol_def_format(def, type);
        return streq(xa, xb);
}

VolumeChange volume_table_put(VolumeTable *t, VolDef *def, const struct stat *st,
                              PoolType pool_type) {
        Volume *v = volume_table_get(t, def->name);
        VolumeChange change;

        if (v) {
                change = same_volume(v, def, st, pool_type) ? VOLUME_UNCHANGED : VOLUME_CHANGED;
                unlink_volume(t, v);
                vol_def_free(v->def);
        } else {
                v = xcalloc(1, sizeof(*v));
                change = VOLUME_ADDED;
        }
        v->def = def;
        v->owner = t->owner;
        if (st)
                v->st = *st;
        link_volume(t, v);
        return change;
}

bool volume_table_remove(VolumeTable *t, const char *name) {
        Volume *v = volume_table_get(t, name);

        if (!v)
                return false;
        unlink_volume(t, v);
        vol_def_free(v->def);
        free(v);
        return true;
}

void volume_table_clear(VolumeTable *t) {
        Volume *v, *tmp;

        HASH_ITER(hh_name, t->by_name, v, tmp) {
                unlink_volume(t, v);
                vol_def_free(v->def);
                free(v);
        }
        *t = (VolumeTable){ .owner = t->owner };
}

static int cmp_volume_names(const void *a, const void *b) {
        const Volume *const *x = a, *const *y = b;

        return strcmp((*x)->def->name, (*y)->def->name);
}

Volume **volume_table_sorted(const VolumeTable *t, size_t *ret_n) {
        size_t n = volume_table_size(t), i = 0;
        Volume **arr = xcalloc(n + 1, sizeof(Volume *));
        Volume *v, *tmp;

        HASH_ITER(hh_name, t->by_name, v, tmp)
                arr[i++] = v;
        qsort(arr, n, sizeof(Volume *), cmp_volume_names);
        *ret_n = n;
        return arr;
}
