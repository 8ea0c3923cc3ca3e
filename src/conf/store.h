/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <sys/stat.h>

#include "conf/pool-def.h"
#include "shared/error.h"

/* The definitions store: a directory in libvirt's layout.
 *
 *   DIR/NAME.xml              a pool definition; NAME must be the pool's <name>
 *   DIR/autostart/NAME.xml    a symlink to ../NAME.xml (libvirt writes an absolute one):
 *                             the pool starts whenever its storage is there
 *
 * Files are read in byte order of their names. A file that is not a valid definition, or
 * whose name, UUID or storage source is already taken by a file read before it, is not
 * loaded; the problem is recorded (file, line, reason) and every other pool is unaffected.
 * The store writes only on request (define, undefine, autostart): canonical XML, atomically.
 * A file a person wrote is never rewritten behind their back. */

typedef struct StoredPool {
        PoolDef *def;
        char *file; /* NAME.xml, relative to the store's directory */
        bool autostart;
        struct stat st; /* of the definition file when it was read */
} StoredPool;

typedef struct Store {
        char *dir;
        int dirfd;
        StoredPool **pools;
        size_t n_pools;
        Error *problems; /* from the last load: one per file not loaded */
        size_t n_problems;
} Store;

/* Opens (creating it if create is set) the directory; loads nothing yet. */
int store_open(const char *dir, bool create, Store **ret);
Store *store_free(Store *s);
DEFINE_TRIVIAL_CLEANUP_FUNC(Store *, store_free);
#define _cleanup_store_ _cleanup_(store_freep)

/* Reads every definition and the autostart links, replacing what was loaded. */
int store_load(Store *s);

/* Re-reads one file, NAME.xml (after it was created, changed or removed); returns 1 if the
 * set of loaded pools changed, 0 if not. A problem with the file is recorded. */
int store_reload_file(Store *s, const char *file);

StoredPool *store_find(const Store *s, const char *name);
StoredPool *store_find_uuid(const Store *s, const uint8_t uuid[16]);

/* Checks that def may be stored beside the others: a different pool of the same name or
 * UUID, or one using the same storage, is a conflict (err says which). A definition of an
 * existing pool (same name and UUID) replaces it. */
int store_check_conflicts(const Store *s, const PoolDef *def, const char *ignore_name,
                          Error *err);

/* Writes def as DIR/NAME.xml (canonical, atomic, mode 0600) and loads it. */
int store_define(Store *s, const PoolDef *def, Error *err);
/* Removes NAME.xml and its autostart link. */
int store_undefine(Store *s, const char *name);
/* Creates or removes DIR/autostart/NAME.xml. */
int store_set_autostart(Store *s, const char *name, bool autostart);
