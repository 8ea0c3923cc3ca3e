/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>

#include "cli/json-out.h"
#include "shared/macros.h"
#include "shared/name-escape.h"

struct json_object *json_str(const char *s) {
        _cleanup_free_ char *u = name_encode(s);

        return u ? json_object_new_string(u) : NULL;
}

void json_print(struct json_object *obj) {
        puts(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
                                                         JSON_C_TO_STRING_SPACED |
                                                         JSON_C_TO_STRING_NOSLASHESCAPE));
        json_object_put(obj);
}
