/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>
#include <sys/types.h>

#include "shared/error.h"
#include "shared/xml-writer.h"

/* <permissions>: mode, owner, group, label; each unset (-1 / NULL) unless given. */
typedef struct Perms {
        mode_t mode;
        uid_t uid;
        gid_t gid;
        char *label;
} Perms;

#define PERMS_UNSET ((Perms){ .mode = (mode_t) -1, .uid = (uid_t) -1, .gid = (gid_t) -1 })

/* Parses a <permissions> element; node may be NULL (all unset). */
int perms_parse(const xmlNode *node, Perms *ret, Error *err);
bool perms_is_set(const Perms *p);
/* Writes <permissions> when anything is set. */
void perms_format(XmlWriter *w, const Perms *p);
/* A deep copy (the label duplicated). */
Perms perms_copy(const Perms *p);
void perms_done(Perms *p);
