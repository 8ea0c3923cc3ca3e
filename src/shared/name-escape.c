/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Bytes that are not UTF-8 on the control API: see name-escape.h. */
#include <errno.h>
#include <string.h>

#include "shared/macros.h"
#include "shared/name-escape.h"

size_t utf8_sequence(const unsigned char *s, size_t n, unsigned *ret_cp) {
        unsigned cp, min;
        size_t len;

        if (n == 0)
                return 0;
        if (s[0] < 0x80) {
                *ret_cp = s[0];
                return 1;
        }
        if (s[0] >= 0xC2 && s[0] <= 0xDF) {
                len = 2, cp = s[0] & 0x1F, min = 0x80;
        } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
                len = 3, cp = s[0] & 0x0F, min = 0x800;
        } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
                len = 4, cp = s[0] & 0x07, min = 0x10000;
        } else
                return 0; /* continuation byte, C0/C1 (always overlong), F5..FF */
        if (n < len)
                return 0;
        for (size_t i = 1; i < len; i++) {
                if ((s[i] & 0xC0) != 0x80)
                        return 0;
                cp = (cp << 6) | (s[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                return 0;
        *ret_cp = cp;
        return len;
}

static bool is_escape_range(unsigned cp) {
        return cp >= NAME_ESCAPE_BASE && cp <= NAME_ESCAPE_BASE + 0xFF;
}

/* Appends the escape of byte b (U+10FF00 + b in UTF-8) at out. */
static char *put_escape(char *out, unsigned char b) {
        unsigned cp = NAME_ESCAPE_BASE + b;

        *out++ = (char) (0xF0 | (cp >> 18));
        *out++ = (char) (0x80 | ((cp >> 12) & 0x3F));
        *out++ = (char) (0x80 | ((cp >> 6) & 0x3F));
        *out++ = (char) (0x80 | (cp & 0x3F));
        return out;
}

bool name_needs_escape(const char *s) {
        const unsigned char *p = (const unsigned char *) s;
        size_t n = strlen(s);

        while (n > 0) {
                unsigned cp;
                size_t len = utf8_sequence(p, n, &cp);

                if (len == 0 || is_escape_range(cp))
                        return true;
                p += len, n -= len;
        }
        return false;
}

char *name_encode(const char *s) {
        const unsigned char *p = (const unsigned char *) s;
        size_t n;
        char *ret, *out;

        if (!s)
                return NULL;
        if (!name_needs_escape(s))
                return xstrdup(s);
        n = strlen(s);
        /* At worst every byte becomes 4. */
        if (n > (SIZE_MAX - 1) / 4)
                oom();
        ret = out = xmalloc(n * 4 + 1);
        while (n > 0) {
                unsigned cp;
                size_t len = utf8_sequence(p, n, &cp);

                if (len == 0) {
                        out = put_escape(out, *p);
                        p++, n--;
                } else if (is_escape_range(cp)) {
                        for (size_t i = 0; i < len; i++)
                                out = put_escape(out, p[i]);
                        p += len, n -= len;
                } else {
                        memcpy(out, p, len);
                        out += len, p += len, n -= len;
                }
        }
        *out = '\0';
        return ret;
}

int name_decode(const char *s, char **ret) {
        const unsigned char *p = (const unsigned char *) s;
        size_t n = strlen(s);
        char *buf, *out;

        buf = out = xmalloc(n + 1);
        while (n > 0) {
                unsigned cp;
                size_t len = utf8_sequence(p, n, &cp);

                if (len == 0 || (is_escape_range(cp) && cp < NAME_ESCAPE_BASE + 0x80)) {
                        free(buf);
                        return -EINVAL;
                }
                if (is_escape_range(cp))
                        *out++ = (char) (cp - NAME_ESCAPE_BASE);
                else {
                        memcpy(out, p, len);
                        out += len;
                }
                p += len, n -= len;
        }
        *out = '\0';
        *ret = buf;
        return 0;
}

char *name_decode_or_copy(const char *s) {
        char *r;

        if (!s)
                return NULL;
        if (name_decode(s, &r) < 0)
                return xstrdup(s);
        return r;
}
