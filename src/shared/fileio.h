/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <sys/types.h>

/* Reads a whole file of at most max bytes, NUL-terminated. -EFBIG when larger, so a
 * hostile or mistaken file cannot make us allocate without bound. dirfd may be AT_FDCWD.
 * Follows no FIFO or device: only regular files are read (-EINVAL otherwise). */
int read_file_bounded(int dirfd, const char *path, size_t max, char **ret, size_t *ret_len);

/* Replaces dir/name with data, atomically and durably: a temporary file in the same
 * directory is written, fsync()ed, renamed over name, and the directory fsync()ed. A crash
 * leaves either the old or the new content, never a mix. */
int write_file_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode);

/* Makes dir/name a symlink to target, atomically replacing what was there. */
int symlink_atomic(const char *target, int dirfd, const char *name);

/* Removes dir/name (ENOENT is success) and fsync()s the directory. */
int unlink_durable(int dirfd, const char *name);
