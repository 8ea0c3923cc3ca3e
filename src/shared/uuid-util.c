/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <uuid/uuid.h>

#include "shared/macros.h"
#include "shared/uuid-util.h"

static int hexval(char c) {
        if (c >= '0' && c <= '9')
                return c - '0';
        c = (char) tolower((unsigned char) c);
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        return -1;
}

int uuid_parse_lenient(const char *s, uint8_t ret[16]) {
        uint8_t u[16];
        size_t i = 0;

        while (isspace((unsigned char) *s))
                s++;
        while (i < 16) {
                int hi, lo;

                if (*s == '-' || *s == ' ') {
                        s++;
                        continue;
                }
                hi = hexval(*s);
                if (hi < 0)
                        return -EINVAL;
                lo = hexval(s[1]);
                if (lo < 0)
                        return -EINVAL;
                u[i++] = (uint8_t) (hi << 4 | lo);
                s += 2;
        }
        while (*s) {
                if (!isspace((unsigned char) *s))
                        return -EINVAL;
                s++;
        }
        memcpy(ret, u, 16);
        return 0;
}

const char *uuid_format(const uint8_t uuid[16], char buf[static UUID_STRING_MAX]) {
        uuid_unparse_lower(uuid, buf);
        return buf;
}

void uuid_from_name(const char *name, uint8_t ret[16]) {
        uuid_t ns;

        if (uuid_parse(POOLD_UUID_NAMESPACE, ns) < 0)
                abort();
        uuid_generate_sha1(ret, ns, name, strlen(name));
}
