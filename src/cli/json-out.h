/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

/* --json output: one document per command, pretty-printed, the schema in docs/json.md. json-c
 * builds and escapes it. */

/* Prints obj on stdout followed by a newline, and frees it. */
void json_print(struct json_object *obj);

static inline struct json_object *json_u64(uint64_t v) {
        return json_object_new_uint64(v);
}

/* A JSON string of s's bytes: JSON strings are UTF-8, so bytes that are not are written in
 * the control API's form, U+10FF00 + byte (shared/name-escape.h, docs/json.md). NULL: null. */
struct json_object *json_str(const char *s);
