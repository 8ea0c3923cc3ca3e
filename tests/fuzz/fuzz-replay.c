/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* main() for builds without libFuzzer: feeds every file named on the command line (or found
 * in a directory named there) to the target once. This is how the fuzz regressions and seeds
 * run in the ordinary test suite. */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "shared/fileio.h"

static int replay_file(const char *path) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        r = read_file_bounded(AT_FDCWD, path, 4 * 1024 * 1024, &data, &len);
        if (r < 0) {
                fprintf(stderr, "cannot read %s: %s\n", path, strerror(-r));
                return r;
        }
        LLVMFuzzerTestOneInput((const uint8_t *) data, len);
        return 0;
}

int main(int argc, char *argv[]) {
        int n = 0, failed = 0;

        for (int i = 1; i < argc; i++) {
                struct stat st;
                DIR *d;
                struct dirent *de;

                if (stat(argv[i], &st) < 0 || !S_ISDIR(st.st_mode)) {
                        failed |= replay_file(argv[i]) < 0;
                        n++;
                        continue;
                }
                d = opendir(argv[i]);
                if (!d)
                        return 1;
                while ((de = readdir(d))) {
                        _cleanup_free_ char *p = NULL;

                        if (de->d_name[0] == '.')
                                continue;
                        p = xasprintf("%s/%s", argv[i], de->d_name);
                        failed |= replay_file(p) < 0;
                        n++;
                }
                closedir(d);
        }
        printf("replayed %d inputs\n", n);
        return failed ? 1 : 0;
}
