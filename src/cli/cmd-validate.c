/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

#include "cli/poolctl.h"
#include "conf/pool-def.h"
#include "conf/vol-def.h"

/* poolctl validate [--print] [--pool POOLFILE] FILE...
 *
 * Checks definitions without a daemon, for configuration repositories' CI. Every file is
 * checked even after a failure, and each failure is one line on stderr:
 *   error: FILE:LINE: what is wrong
 * With --print, the canonical XML of each valid file goes to stdout. With --pool, the FILEs
 * are volumes, checked in the context of the pool POOLFILE defines (its type decides which
 * formats exist). Volume files may leave out <capacity> when they name a <backingStore>. */

static void report(const Error *err) {
        _cleanup_free_ char *s = error_to_string(err);
        fprintf(stderr, "error: %s\n", s);
}

static int validate_pool(const char *file, bool print) {
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = NULL;
        _cleanup_free_ char *xml = NULL;

        if (pool_def_parse_file(AT_FDCWD, file, &def, &err) < 0) {
                report(&err);
                return -EINVAL;
        }
        if (print) {
                xml = pool_def_format(def, NULL);
                fputs(xml, stdout);
        }
        return 0;
}

static int validate_vol(const char *file, PoolType pool_type, bool print) {
        _cleanup_error_ Error err = ERROR_INIT;
        _cleanup_vol_def_ VolDef *def = NULL;
        _cleanup_free_ char *xml = NULL;

        if (vol_def_parse_file(AT_FDCWD, file, pool_type, VOL_PARSE_OPT_CAPACITY, &def, &err) <
            0) {
                report(&err);
                return -EINVAL;
        }
        if (print) {
                xml = vol_def_format(def, pool_type);
                fputs(xml, stdout);
        }
        return 0;
}

int cmd_validate(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option options[] = {
                { "print", no_argument, NULL, 'p' },
                { "pool", required_argument, NULL, 'P' },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        _cleanup_pool_def_ PoolDef *pool = NULL;
        const char *pool_file = NULL;
        bool print = false, failed = false;
        int c;

        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case 'p': print = true; break;
                case 'P': pool_file = optarg; break;
                case 'h':
                        printf("Usage: poolctl validate [--print] [--pool POOLFILE] FILE...\n");
                        return 0;
                default: return 1;
                }
        }
        if (optind >= argc) {
                fprintf(stderr, "error: validate: no FILE given\n");
                return 1;
        }
        if (pool_file) {
                _cleanup_error_ Error err = ERROR_INIT;

                if (pool_def_parse_file(AT_FDCWD, pool_file, &pool, &err) < 0) {
                        report(&err);
                        return 1;
                }
        }
        for (int i = optind; i < argc; i++) {
                int r = pool ? validate_vol(argv[i], pool->type, print)
                             : validate_pool(argv[i], print);
                if (r < 0)
                        failed = true;
        }
        if (fflush(stdout) != 0 || ferror(stdout)) {
                fprintf(stderr, "error: cannot write output: %m\n");
                return 1;
        }
        return failed ? 1 : 0;
}
