/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define UUID_STRING_MAX 37

/* Parses a UUID the way libvirt accepts one: 32 hex digits, with '-' or ' ' allowed between
 * byte pairs, surrounded by optional white space. 0 or -EINVAL. */
int uuid_parse_lenient(const char *s, uint8_t ret[16]);

/* Lower case, 8-4-4-4-12. */
const char *uuid_format(const uint8_t uuid[16], char buf[static UUID_STRING_MAX]);

/* The stable UUID of a definition that has none: a name-based (version 5, SHA-1) UUID of the
 * pool's name in poold's own namespace (POOLD_UUID_NAMESPACE). The same name gives the same
 * UUID on every load and on every host. See docs/definitions.md. */
#define POOLD_UUID_NAMESPACE "6f7a0b3e-5a3c-4f0e-9d52-8b1f0c9e4a21"
void uuid_from_name(const char *name, uint8_t ret[16]);

