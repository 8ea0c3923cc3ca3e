/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>

#include "cli/poolctl.h"
#include "shared/log.h"

/* Commands, virsh's names first. Later commands talk to poold; validate works offline. */
static const Command commands[] = {
        { "find-storage-pool-sources", cmd_find_storage_pool_sources, "<type> [--srcSpec FILE]",
          "discover potential storage pool sources" },
        { "find-storage-pool-sources-as", cmd_find_storage_pool_sources_as,
          "<type> [--host H] [--port P] [--initiator IQN]", "find potential storage pool sources" },
        { "pool-autostart", cmd_pool_autostart, "<pool> [--disable]", "autostart a pool" },
        { "pool-build", cmd_pool_build, "<pool> [--overwrite|--no-overwrite]", "build a pool" },
        { "pool-capabilities", cmd_pool_capabilities, "", "storage pool capabilities" },
        { "pool-create", cmd_pool_create, "<file> [--build] [--overwrite|--no-overwrite]",
          "create and start a transient pool from an XML file" },
        { "pool-create-as", cmd_pool_create_as,
          "<name> <type> [--print-xml] [--source-*] [--target] [--auth-*] [--secret-*] "
          "[--adapter-*] [--build] [--overwrite|--no-overwrite]",
          "create a pool from a set of args" },
        { "pool-define", cmd_pool_define, "<file>", "define a pool from an XML file" },
        { "pool-define-as", cmd_pool_define_as,
          "<name> <type> [--print-xml] [--source-*] [--target] [--auth-*] [--secret-*] "
          "[--adapter-*]",
          "define a pool from a set of args" },
        { "pool-delete", cmd_pool_delete, "<pool>", "delete a pool's storage" },
        { "pool-destroy", cmd_pool_destroy, "<pool>", "stop a pool" },
        { "pool-dumpxml", cmd_pool_dumpxml, "<pool> [--inactive] [--xpath EXPR] [--wrap]",
          "pool information in XML" },
        { "pool-edit", cmd_pool_edit, "<pool>", "edit XML configuration for a storage pool" },
        { "pool-event", cmd_pool_event,
          "[--pool P] [--event lifecycle|refresh] [--loop] [--timeout S] [--list] [--timestamp]",
          "storage pool events" },
        { "pool-info", cmd_pool_info, "<pool> [--bytes]", "storage pool information" },
        { "pool-list", cmd_pool_list,
          "[--all|--inactive] [--persistent|--transient] [--autostart|--no-autostart] "
          "[--type T,...] [--details|--uuid|--name]",
          "list pools" },
        { "pool-name", cmd_pool_name, "<pool-uuid>", "convert a pool UUID to pool name" },
        { "pool-refresh", cmd_pool_refresh, "<pool>", "refresh a pool" },
        { "pool-start", cmd_pool_start, "<pool> [--build] [--overwrite|--no-overwrite]",
          "start a (previously defined) inactive pool" },
        { "pool-undefine", cmd_pool_undefine, "<pool>", "undefine an inactive pool" },
        { "pool-uuid", cmd_pool_uuid, "<pool>", "convert a pool name to pool UUID" },
        { "vol-clone", cmd_vol_clone,
          "<vol> <newname> [--pool P] [--prealloc-metadata] [--reflink] [--print-xml]",
          "clone a volume" },
        { "vol-create", cmd_vol_create, "<pool> <file> [--prealloc-metadata] [--validate]",
          "create a vol from an XML file" },
        { "vol-create-as", cmd_vol_create_as,
          "<pool> <name> <capacity> [--allocation A] [--format F] [--backing-vol V] "
          "[--backing-vol-format F] [--prealloc-metadata] [--print-xml]",
          "create a volume from a set of arguments" },
        { "vol-create-from", cmd_vol_create_from,
          "<pool> <file> <vol> [--inputpool P] [--prealloc-metadata] [--reflink] [--validate]",
          "create a vol, using another volume as input" },
        { "vol-delete", cmd_vol_delete, "<vol> [--pool P]", "delete a volume" },
        { "vol-download", cmd_vol_download,
          "<vol> <file> [--pool P] [--offset N] [--length N] [--sparse]",
          "download volume contents to a file" },
        { "vol-dumpxml", cmd_vol_dumpxml, "<vol> [--pool P] [--xpath EXPR] [--wrap]",
          "vol information in XML" },
        { "vol-info", cmd_vol_info, "<vol> [--pool P] [--bytes] [--physical]",
          "storage vol information" },
        { "vol-key", cmd_vol_key, "<vol> [--pool P]",
          "returns the volume key for a given volume name or path" },
        { "vol-list", cmd_vol_list, "<pool> [--details]", "list volumes" },
        { "vol-name", cmd_vol_name, "<vol>",
          "returns the volume name for a given volume key or path" },
        { "vol-path", cmd_vol_path, "<vol> [--pool P]",
          "returns the volume path for a given volume name or key" },
        { "vol-pool", cmd_vol_pool, "<vol> [--uuid]",
          "returns the storage pool for a given volume key or path" },
        { "vol-resize", cmd_vol_resize,
          "<vol> <capacity> [--pool P] [--allocate] [--delta] [--shrink]", "resize a vol" },
        { "vol-upload", cmd_vol_upload,
          "<vol> <file> [--pool P] [--offset N] [--length N] [--sparse]",
          "upload file contents to a volume" },
        { "vol-wipe", cmd_vol_wipe, "<vol> [--pool P] [--algorithm ALG]", "wipe a vol" },
        { "event", cmd_event, "[--pool P] [--loop] [--timeout S] [--timestamp]",
          "pool and volume events (virsh's pool-event lines, and volume events)" },
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

/* virsh ends each command's output with an empty line (vshCommandRun), a failed command's
 * too. Commands print it themselves on success (client_end()); for the pool commands it is
 * printed here after a failure. */
static bool ends_failures_with_empty_line(const char *name) {
        return strncmp(name, "pool-", 5) == 0 || strncmp(name, "vol-", 4) == 0 ||
               strncmp(name, "find-storage-pool-sources", 25) == 0;
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

                        int r;

                        optind = 0; /* reset getopt for the command's own options */
                        r = commands[i].run(cargc, cargv, &g);
                        if (r == CMD_USAGE_ERROR)
                                return 1;
                        if (r != 0 && !g.quiet && ends_failures_with_empty_line(commands[i].name))
                                putchar('\n');
                        return r;
                }
        fprintf(stderr, "error: unknown command: '%s'\n", argv[optind]);
        return 1;
}
