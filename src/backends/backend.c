/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "backends/backend.h"
#include "conf/pool-types.h"
#include "shared/macros.h"

/* The backends, one per file. Declared here rather than in backend.h so that adding a pool
 * type touches this table and its own file only. */
extern const Backend backend_dir;
extern const Backend backend_disk;
extern const Backend backend_fs;

static const Backend *const backends[_POOL_TYPE_MAX] = {
        [POOL_DIR] = &backend_dir,
        [POOL_FS] = &backend_fs,
        [POOL_DISK] = &backend_disk,
};

const Backend *backend_for(PoolType type) {
        if ((int) type < 0 || type >= _POOL_TYPE_MAX)
                return NULL;
        return backends[type];
}

/* Arrays of a refresh grow by doubling (capacity: the next power of two of the count), so
 * 100,000 volumes cost 17 reallocations, not 100,000. */
static bool array_full(size_t n) {
        return n == 0 || (n & (n - 1)) == 0;
}

void refresh_result_add(RefreshResult *r, VolDef *def, const struct stat *st) {
        if (array_full(r->n_vols))
                r->vols = xrealloc(r->vols, sizeof(*r->vols) * (r->n_vols ? r->n_vols * 2 : 1));
        r->vols[r->n_vols++] = (FoundVolume){.def = def, .st = *st};
}

void refresh_result_add_unchanged(RefreshResult *r, const char *name, const struct timespec *atime) {
        if (array_full(r->n_unchanged))
                r->unchanged = xrealloc(r->unchanged, sizeof(*r->unchanged) *
                                                              (r->n_unchanged ? r->n_unchanged * 2 : 1));
        r->unchanged[r->n_unchanged++] = (UnchangedFile){.name = name, .atime = *atime};
}

void refresh_result_warn(RefreshResult *r, const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                oom();
        va_end(ap);
        if (array_full(r->n_warnings))
                r->warnings =
                        xrealloc(r->warnings,
                                 sizeof(*r->warnings) * (r->n_warnings ? r->n_warnings * 2 : 1));
        r->warnings[r->n_warnings++] = s;
}

/* Appends n elements of from to *a, which holds *n_a, keeping the capacity array_full()
 * assumes (the next power of two of the count); frees from. */
static void array_append(void **a, size_t *n_a, void *from, size_t n, size_t size) {
        size_t cap = 1;

        if (n == 0) {
                free(from);
                return;
        }
        if (*n_a == 0) {
                free(*a);
                *a = from;
                *n_a = n;
                return;
        }
        while (cap < *n_a + n)
                cap *= 2;
        *a = xrealloc(*a, cap * size);
        memcpy((char *) *a + *n_a * size, from, n * size);
        *n_a += n;
        free(from);
}

/* Appends what from found to r, in from's order, and leaves from empty (its known kept). */
void refresh_result_take(RefreshResult *r, RefreshResult *from) {
        array_append((void **) &r->vols, &r->n_vols, from->vols, from->n_vols, sizeof(*r->vols));
        array_append((void **) &r->unchanged, &r->n_unchanged, from->unchanged, from->n_unchanged,
                     sizeof(*r->unchanged));
        array_append((void **) &r->warnings, &r->n_warnings, from->warnings, from->n_warnings,
                     sizeof(*r->warnings));
        *from = (RefreshResult){.known = from->known};
}

void refresh_result_done(RefreshResult *r) {
        if (!r)
                return;
        for (size_t i = 0; i < r->n_vols; i++)
                vol_def_free(r->vols[i].def);
        free(r->vols);
        free(r->unchanged);
        for (size_t i = 0; i < r->n_warnings; i++)
                free(r->warnings[i]);
        free(r->warnings);
        *r = (RefreshResult){};
}

void pool_deps_done(PoolDeps *d) {
        if (!d)
                return;
        free(d->watch_dir);
        if (d->devices)
                for (char **dev = d->devices; *dev; dev++)
                        free(*dev);
        free(d->devices);
        free(d->mount_target);
        *d = (PoolDeps){};
}

/* virsh vol-wipe --algorithm names, which are also scrub's pattern names. */
static const char *const wipe_algorithms[_WIPE_ALGORITHM_MAX + 1] = {
        [WIPE_ZERO] = "zero",
        [WIPE_NNSA] = "nnsa",
        [WIPE_DOD] = "dod",
        [WIPE_BSI] = "bsi",
        [WIPE_GUTMANN] = "gutmann",
        [WIPE_SCHNEIER] = "schneier",
        [WIPE_PFITZNER7] = "pfitzner7",
        [WIPE_PFITZNER33] = "pfitzner33",
        [WIPE_RANDOM] = "random",
        [WIPE_TRIM] = "trim",
        [_WIPE_ALGORITHM_MAX] = NULL,
};

const char *wipe_algorithm_to_string(WipeAlgorithm a) {
        return (int) a >= 0 && a < _WIPE_ALGORITHM_MAX ? wipe_algorithms[a] : NULL;
}

int wipe_algorithm_from_string(const char *s) {
        if (!s)
                return -EINVAL;
        return string_table_lookup(wipe_algorithms, s);
}
