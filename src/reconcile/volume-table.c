/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>

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

/* Whether the volume's path is found through the key hash (see Volume). */
static bool path_is_key(const VolDef *d) {
        return d->target.path && d->key && streq(d->target.path, d->key);
}

Volume *volume_table_get_path(const VolumeTable *t, const char *path) {
        VolumePath *e = NULL;
        Volume *v;

        HASH_FIND(hh, t->by_path, path, strlen(path), e);
        if (e)
                return e->volume;
        v = volume_table_get_key(t, path);
        return v && path_is_key(v->def) ? v : NULL;
}

/* The by_path entry of v, which has one. Paths are unique in a pool in practice; should two
 * volumes share one, the entry is searched for among all (by_path holds only volumes whose
 * path is not their key: none in a dir pool). */
static VolumePath *path_entry(const VolumeTable *t, const Volume *v) {
        const char *path = v->def->target.path;
        VolumePath *e = NULL, *tmp;

        HASH_FIND(hh, t->by_path, path, strlen(path), e);
        if (e && e->volume == v)
                return e;
        HASH_ITER(hh, t->by_path, e, tmp)
        if (e->volume == v)
                return e;
        return NULL;
}

static void unlink_volume(VolumeTable *t, Volume *v) {
        HASH_DELETE(hh_name, t->by_name, v);
        if (v->def->key)
                HASH_DELETE(hh_key, t->by_key, v);
        if (v->def->target.path && !path_is_key(v->def)) {
                VolumePath *e = path_entry(t, v);

                assert(e);
                HASH_DELETE(hh, t->by_path, e);
                free(e);
        }
}

static void link_volume(VolumeTable *t, Volume *v) {
        const VolDef *d = v->def;

        HASH_ADD_KEYPTR(hh_name, t->by_name, d->name, strlen(d->name), v);
        if (d->key)
                HASH_ADD_KEYPTR(hh_key, t->by_key, d->key, strlen(d->key), v);
        if (d->target.path && !path_is_key(d)) {
                VolumePath *e = xmalloc(sizeof(*e));

                e->volume = v;
                HASH_ADD_KEYPTR(hh, t->by_path, d->target.path, strlen(d->target.path), e);
        }
}

static bool same_volume(const Volume *old, const VolDef *def, const VolumeStat *st, PoolType type) {
        _cleanup_free_ char *xa = NULL, *xb = NULL;

        if (st && old->st.ino != 0 && volume_stat_same(&old->st, st))
                return true;
        xa = vol_def_format(old->def, type);
        xb = vol_def_format(def, type);
        return streq(xa, xb);
}

VolumeChange volume_table_put(VolumeTable *t, VolDef *def, const struct stat *st,
                              PoolType pool_type) {
        Volume *v = volume_table_get(t, def->name);
        VolumeStat vst = st ? volume_stat_from_stat(st) : (VolumeStat){};
        VolumeChange change;

        if (v) {
                change = same_volume(v, def, st ? &vst : NULL, pool_type) ? VOLUME_UNCHANGED
                                                                          : VOLUME_CHANGED;
                unlink_volume(t, v);
                vol_def_free(v->def);
        } else {
                v = xcalloc(1, sizeof(*v));
                change = VOLUME_ADDED;
        }
        v->def = def;
        v->owner = t->owner;
        if (st)
                v->st = vst;
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
        *t = (VolumeTable){.owner = t->owner};
}

static bool volume_known_by_its_file(const Volume *v) {
        return v->st.ino != 0 && S_ISREG(v->st.mode) && v->def->type == VOL_FILE &&
               !v->def->backing;
}

void volume_table_known_files(const VolumeTable *t, KnownFiles *ret) {
        size_t n = 0, len = 0;
        Volume *v, *tmp;

        HASH_ITER(hh_name, t->by_name, v, tmp) {
                if (!volume_known_by_its_file(v))
                        continue;
                n++;
                len += strlen(v->def->name) + 1;
        }
        known_files_init(ret, n, len);
        HASH_ITER(hh_name, t->by_name, v, tmp)
                if (volume_known_by_its_file(v))
                        known_files_add(ret, v->def->name, &v->st);
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
