/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <strings.h>

#include "shared/macros.h"
#include "shared/size.h"

int parse_uint64(const char *s, uint64_t *ret) {
        const char *p = s;
        uint64_t v = 0;
        bool digits = false;

        while (isspace((unsigned char) *p))
                p++;
        for (; *p >= '0' && *p <= '9'; p++) {
                unsigned d = (unsigned) (*p - '0');
                if (v > (UINT64_MAX - d) / 10)
                        return -ERANGE;
                v = v * 10 + d;
                digits = true;
        }
        while (isspace((unsigned char) *p))
                p++;
        if (!digits || *p)
                return -EINVAL;
        *ret = v;
        return 0;
}

int size_scale(uint64_t *value, const char *unit, uint64_t limit) {
        uint64_t scale = 1, base;

        if (isempty(unit) || strcasecmp(unit, "b") == 0 || strcasecmp(unit, "byte") == 0 ||
            strcasecmp(unit, "bytes") == 0)
                scale = 1;
        else {
                if (unit[1] == '\0' || strcasecmp(unit + 1, "iB") == 0)
                        base = 1024;
                else if (tolower((unsigned char) unit[1]) == 'b' && unit[2] == '\0')
                        base = 1000;
                else
                        return -EINVAL;

                switch (tolower((unsigned char) unit[0])) {
                case 'e': scale *= base; /* fall through */
                case 'p': scale *= base; /* fall through */
                case 't': scale *= base; /* fall through */
                case 'g': scale *= base; /* fall through */
                case 'm': scale *= base; /* fall through */
                case 'k': scale *= base; break;
                default: return -EINVAL;
                }
        }

        if (*value > limit / scale)
                return -ERANGE;
        *value *= scale;
        return 0;
}

int size_parse(const char *number, const char *unit, uint64_t limit, uint64_t *ret) {
        uint64_t v;
        int r;

        r = parse_uint64(number, &v);
        if (r < 0)
                return r == -ERANGE ? -ERANGE : -EINVAL;
        r = size_scale(&v, unit, limit);
        if (r < 0)
                return r;
        *ret = v;
        return 0;
}

const char *size_format_pretty(uint64_t bytes, char buf[static SIZE_PRETTY_MAX]) {
        static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
        double val = (double) bytes;
        size_t i = 0;

        while (val >= 1024 && i + 1 < ELEMENTSOF(units)) {
                val /= 1024;
                i++;
        }
        snprintf(buf, SIZE_PRETTY_MAX, "%.2lf %s", val, units[i]);
        return buf;
}
