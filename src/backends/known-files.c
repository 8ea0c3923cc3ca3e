/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <assert.h>
#include <string.h>

#include "backends/known-files.h"
#include "shared/macros.h"

VolumeStat volume_stat_from_stat(const struct stat *st) {
        return (VolumeStat){
                .ino = st->st_ino,
                .dev = st->st_dev,
                .size = (uint64_t) st->st_size,
                .blocks = (uint64_t) st->st_blocks,
                .mtime_sec = st->st_mtim.tv_sec,
                .ctime_sec = st->st_ctim.tv_sec,
                .mtime_nsec = (int32_t) st->st_mtim.tv_nsec,
                .ctime_nsec = (int32_t) st->st_ctim.tv_nsec,
                .mode = st->st_mode,
                .uid = st->st_uid,
                .gid = st->st_gid,
        };
}

bool volume_stat_same(const VolumeStat *a, const VolumeStat *b) {
        return a->ino == b->ino && a->dev == b->dev && a->size == b->size && a->mode == b->mode &&
               a->uid == b->uid && a->gid == b->gid && a->blocks == b->blocks &&
               a->mtime_sec == b->mtime_sec && a->mtime_nsec == b->mtime_nsec &&
               a->ctime_sec == b->ctime_sec && a->ctime_nsec == b->ctime_nsec;
}

void known_files_init(KnownFiles *k, size_t n, size_t len) {
        *k = (KnownFiles){
                .files = xcalloc(n ? n : 1, sizeof(KnownFile)),
                .allocated = n,
                .names = xmalloc(len ? len : 1),
                .names_allocated = len,
        };
}

void known_files_add(KnownFiles *k, const char *name, const VolumeStat *st) {
        size_t len = strlen(name) + 1;
        KnownFile *f;

        assert(k->n < k->allocated && k->names_len + len <= k->names_allocated);
        f = &k->files[k->n++];
        f->name = memcpy(k->names + k->names_len, name, len);
        k->names_len += len;
        f->st = *st;
        HASH_ADD_KEYPTR(hh, k->by_name, f->name, len - 1, f);
}

const KnownFile *known_files_get(const KnownFiles *k, const char *name) {
        KnownFile *f = NULL;

        if (!k)
                return NULL;
        HASH_FIND(hh, k->by_name, name, strlen(name), f);
        return f;
}

void known_files_done(KnownFiles *k) {
        if (!k)
                return;
        HASH_CLEAR(hh, k->by_name);
        free(k->files);
        free(k->names);
        *k = (KnownFiles){};
}
