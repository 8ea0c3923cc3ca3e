/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>

#include "cli/poolctl.h"
#include "shared/log.h"

/* Commands, virsh's names first. Later commands talk to poold; validate works offline. */
static const Command commands[] = {
        { "pool-autostart", cmd_pool_autostart, "<pool> [--disable]", "autostart a pool" },
        { "pool-build", cmd_pool_build, "<pool> [--overwrite|--no-overwrite]", "build a pool" },
        { "pool-create", cmd_pool_create, "<file> [--build] [--overwrite|--no-overwrite]",
          "create and start a transient pool from an XML file" },
        { "pool-define", cmd_pool_define, "<file>", "define a pool from an XML file" },
        { "pool-delete", cmd_pool_delete, "<pool>", "delete a pool's storage" },
        { "pool-destroy", cmd_pool_destroy, "<pool>", "stop a pool" },
        { "pool-dumpxml", cmd_pool_dumpxml, "<pool> [--inactive]", "pool information in XML" },
        { "pool-info", cmd_pool_info, "<pool> [--bytes]", "storage pool information" },
        { "pool-list", cmd_pool_list,
          "[--all|--inactive] [--persistent|--transient] [--autostart|--no-autostart] "
          "[--type T,...] [--details|--uuid|--name]",
          "list pools" },
        { "pool-refresh", cmd_pool_refresh, "<pool>", "refresh a pool" },
        { "pool-start", cmd_pool_start, "<pool> [--build] [--overwrite|--no-overwrite]",
          "start a (previously defined) inactive pool" },
        { "pool-undefine", cmd_pool_undefine, "<pool>", "undefine an inactive pool" },
        { "vol-create-as", cmd_vol_create_as,
          "<pool> <name> <capacity> [--allocation A] [--format F] [--backing-vol V] "
          "[--backing-vol-format F] [--prealloc-metadata] [--print-xml]",
          "create a volume from a set of arguments" },
        { "vol-delete", cmd_vol_delete, "<vol> [--pool P]", "delete a volume" },
        { "vol-list", cmd_vol_list, "<pool> [--details]", "list volumes" },
        { "status", cmd_status, "[POOL...]",
          "each pool's phase, reason, since when, next retry, pending change" },
        { "wait", cmd_wait, "POOL... [--timeout SEC]",
          "wait until every named pool is running (0), or fail after SEC seconds" },
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
        /* Widths of names in tables need the character set; numbers stay in the C locale. */
        setlocale(LC_CTYPE, "");
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
