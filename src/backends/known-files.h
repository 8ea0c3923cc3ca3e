/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <uthash.h>

/* What same_file() compares of a volume's struct stat, and nothing else: a whole struct stat
 * is 144 bytes, this is 68, and a pool may hold 100,000 volumes (docs/PERFORMANCE.md, 3).
 * Nanoseconds are within [0, 1e9) and fit 32 bits. ino == 0: not known (put without a stat).
 * 4-byte aligned, so that Volume's flag shares its last 8 bytes: at 200 bytes a Volume is a
 * 208-byte malloc chunk, at 208 a 224-byte one (x86-64 glibc). */
typedef struct __attribute__((packed, aligned(4))) VolumeStat {
        uint64_t ino, dev, size, blocks;
        int64_t mtime_sec, ctime_sec;
        int32_t mtime_nsec, ctime_nsec;
        uint32_t mode, uid, gid;
} VolumeStat;

VolumeStat volume_stat_from_stat(const struct stat *st);
/* A file whose inode, size, times and owner did not move was not rewritten (the access time
 * alone is no change). */
bool volume_stat_same(const VolumeStat *a, const VolumeStat *b);

/* What the daemon knew of a pool's files when it asked for a full refresh: per name, the
 * facts of the file as it was last probed. A snapshot, copied on the loop and owned by the
 * job, so the backend reads it from the job thread without touching the live table. Only
 * files whose volume follows from the file alone are in it (see known_files_add). */
typedef struct KnownFile {
        const char *name; /* in KnownFiles.names */
        VolumeStat st;
        UT_hash_handle hh;
} KnownFile;

typedef struct KnownFiles {
        KnownFile *files, *by_name;
        size_t n, allocated;
        char *names;
        size_t names_len, names_allocated;
} KnownFiles;

/* Sized for n files and len bytes of names (each with its NUL), so adding never moves them. */
void known_files_init(KnownFiles *k, size_t n, size_t len);
void known_files_add(KnownFiles *k, const char *name, const VolumeStat *st);
const KnownFile *known_files_get(const KnownFiles *k, const char *name);
void known_files_done(KnownFiles *k);
