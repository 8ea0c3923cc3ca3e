/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Sizes as libvirt's XML writes them: a decimal number and an optional unit.
 *   unit absent or ""          the default scale (1 for sizes)
 *   b, byte, bytes             1
 *   k, K, KiB, M, MiB ... E    powers of 1024
 *   KB, MB, GB, TB, PB, EB     powers of 1000 (the trailing B must be one letter: "kb" too)
 * Letters are matched without regard to case, as libvirt does. */

/* Multiplies *value by the unit's scale. 0 on success, -EINVAL for an unknown unit,
 * -ERANGE when the result would exceed limit. */
int size_scale(uint64_t *value, const char *unit, uint64_t limit);

/* Parses an unsigned decimal number (surrounding white space allowed, no sign) and scales
 * it. 0, -EINVAL for a malformed number or unit, -ERANGE above limit. */
int size_parse(const char *number, const char *unit, uint64_t limit, uint64_t *ret);

/* Parses an unsigned decimal integer, whole string, surrounding white space allowed. */
int parse_uint64(const char *s, uint64_t *ret);

/* virsh's human format: divide by 1024 while >= 1024, "%.2lf %s" with B, KiB ... EiB. */
#define SIZE_PRETTY_MAX 32
const char *size_format_pretty(uint64_t bytes, char buf[static SIZE_PRETTY_MAX]);
