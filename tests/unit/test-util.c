/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <sys/stat.h>

#include "test-util.h"

char *test_mkdtemp(void) {
        const char *tmp = getenv("TMPDIR");
        char *p = xasprintf("%s/poold-test.XXXXXX", tmp ? tmp : "/tmp");

        if (!mkdtemp(p))
                fail_msg("mkdtemp(%s): %m", p);
        return p;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
        return remove(path);
}

void test_rm_rf(const char *path) {
        if (path)
                nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void test_write_file(const char *dir, const char *name, const char *content) {
        char *p = xasprintf("%s/%s", dir, name);
        FILE *f = fopen(p, "we");

        if (!f)
                fail_msg("fopen(%s): %m", p);
        fputs(content, f);
        if (fclose(f) != 0)
                fail_msg("fclose(%s): %m", p);
        free(p);
}

char *test_fixture(const char *rel) {
        return xasprintf("%s/%s", FIXTURES_DIR, rel);
}

int test_shell(const char *cwd, bool quiet, const char *fmt, ...) {
        _cleanup_free_ char *cmd = NULL, *line = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        if (vasprintf(&cmd, fmt, ap) < 0)
                oom();
        va_end(ap);
        if (cwd)
                line = xasprintf("cd '%s' && %s%s", cwd, cmd, quiet ? " >/dev/null 2>&1" : "");
        else
                line = xasprintf("%s%s", cmd, quiet ? " >/dev/null 2>&1" : "");
        r = system(line);
        return r < 0 || !WIFEXITED(r) ? -1 : WEXITSTATUS(r);
}
