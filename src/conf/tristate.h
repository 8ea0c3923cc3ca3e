/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>

#include "shared/error.h"

/* An optional yes/no attribute. */
typedef enum Tristate {
        TRISTATE_ABSENT,
        TRISTATE_YES,
        TRISTATE_NO,
} Tristate;

const char *tristate_to_string(Tristate t);
/* Reads attribute name of node as yes/no; absent is TRISTATE_ABSENT. */
int tristate_parse_prop(const xmlNode *node, const char *name, Tristate *ret, Error *err);
