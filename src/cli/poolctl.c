/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>

#include "cli/poolctl.h"
#include "shared/log.h"

/* Commands, virsh's names first. Later commands talk to poold; validate works offline. */
static const Command commands[] = {
        { "validate", cmd_validate, "[--print] [--pool POOLFILE] FILE...",
          "check definitions offline; print them in canonical form" },
};

static void help(void) {
        printf("Usage: poolctl [OPTIONS] COMMAND [ARGS...]\n\n"
               "Control poold, the storage pool daemon.\n\n"
               "Options:\n"
               "  -h --help        show this help\n"
               "     --version     show the version\n"
               "  -q --quiet       quiet mode\n\n"
               "Commands:\n");
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                printf("  %-10s %s\n  %-10s   %s\n", commands[i].name, commands[i].synopsis, "",
                       commands[i].summary);
}

int main(int argc, char *argv[]) {
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                { "quiet", no_argument, NULL, 'q' },
                {},
        };
        GlobalOptions g = {};
        int c;

        log_setup("poolctl");
        /* Stop at the first non-option: the rest belongs to the command. */
        while ((c = getopt_long(argc, argv, "+hqV", options, NULL)) >= 0) {
                switch (c) {
                case 'h': help(); return 0;
                case 'V': printf("poolctl %s\n", PACKAGE_VERSION); return 0;
                case 'q': g.quiet = true; break;
                default: return 1;
                }
        }
        if (optind >= argc) {
                help();
                return 1;
        }
        for (size_t i = 0; i < ELEMENTSOF(commands); i++)
                if (streq(commands[i].name, argv[optind])) {
                        int cargc = argc - optind;
                        char **cargv = argv + optind;

                        optind = 0; /* reset getopt for the command's own options */
                        return commands[i].run(cargc, cargv, &g);
                }
        fprintf(stderr, "error: unknown command: '%s'\n", argv[optind]);
        return 1;
}
