/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "shared/macros.h"
#include "shared/path.h"

char *path_sanitize(const char *path) {
        char *clean = xstrdup(path);
        const char *p = path;
        size_t i = 0, keep = 1;

        /* "//x" is valid POSIX and may differ from "/x"; "///x" is "/x". */
        if (p[0] == '/' && p[1] == '/' && p[2] != '/') {
                i = keep = 2;
                p += 2;
        }
        for (; *p; p++) {
                if (p[0] == '/' && p[1] == '/')
                        continue;
                clean[i++] = *p;
        }
        clean[i] = '\0';
        if (i > keep && clean[i - 1] == '/')
                clean[i - 1] = '\0';
        return clean;
}

char *path_join(const char *a, const char *b) {
        size_t la = strlen(a);

        while (la > 0 && a[la - 1] == '/')
                la--;
        while (*b == '/')
                b++;
        return xasprintf("%.*s/%s", (int) la, a, b);
}

bool path_is_absolute(const char *p) {
        return p && p[0] == '/';
}

const char *name_check(const char *name, size_t max) {
        if (isempty(name))
                return "name is empty";
        if (streq(name, ".") || streq(name, ".."))
                return "name must not be '.' or '..'";
        if (strlen(name) > max)
                return "name is too long";
        for (const unsigned char *p = (const unsigned char *) name; *p; p++) {
                if (*p == '/')
                        return "name must not contain '/'";
                if (*p < 0x20 || *p == 0x7f)
                        return "name must not contain control characters";
        }
        return NULL;
}
