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

static inline struct json_object *json_str(const char *s) {
        return s ? json_object_new_string(s) : NULL;
}
