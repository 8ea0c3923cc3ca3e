/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* Collapses runs of '/' and drops a trailing '/', keeping a leading "//" (POSIX lets it mean
 * something else) and a lone "/". Nothing else: ".." stays, symlinks are not resolved. This is
 * the form libvirt gives target paths, so the same definitions compare equal. */
char *path_sanitize(const char *path);

/* a + "/" + b, with exactly one slash between them. */
char *path_join(const char *a, const char *b);

bool path_is_absolute(const char *p);

/* Longest name accepted for a pool: NAME.xml must fit in a file name (NAME_MAX = 255). */
#define POOL_NAME_MAX 251
/* Longest name accepted for a volume: it is a file name in dir-like pools. */
#define VOL_NAME_MAX 255

/* Is name usable as a file name inside one directory? Refuses empty names, ".", "..",
 * anything containing '/', control characters (0x01-0x1f, 0x7f) and names longer than max
 * bytes. Returns NULL when it is, else a reason for an error message. */
const char *name_check(const char *name, size_t max);
