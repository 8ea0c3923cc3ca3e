/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stdbool.h>

typedef struct GlobalOptions {
        bool quiet;
} GlobalOptions;

typedef struct Command {
        const char *name;
        int (*run)(int argc, char *argv[], const GlobalOptions *g);
        const char *synopsis;
        const char *summary;
} Command;

/* Each returns the process exit status: 0 on success, 1 on failure (virsh's codes), or
 * CMD_USAGE_ERROR (exit status 1 too) when its arguments do not parse: virsh's parser reports
 * those before running the command, so they are not followed by the empty line that ends a
 * command's output. */
#define CMD_USAGE_ERROR (-1)
int cmd_validate(int argc, char *argv[], const GlobalOptions *g);
int cmd_find_storage_pool_sources(int argc, char *argv[], const GlobalOptions *g);
int cmd_find_storage_pool_sources_as(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_autostart(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_build(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_capabilities(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_create(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_create_as(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_define(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_define_as(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_delete(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_destroy(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_dumpxml(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_edit(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_event(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_info(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_list(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_name(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_refresh(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_start(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_undefine(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_uuid(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_clone(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_create(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_create_as(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_create_from(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_delete(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_download(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_dumpxml(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_info(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_key(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_list(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_name(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_path(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_pool(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_resize(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_upload(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_wipe(int argc, char *argv[], const GlobalOptions *g);
int cmd_event(int argc, char *argv[], const GlobalOptions *g);
int cmd_status(int argc, char *argv[], const GlobalOptions *g);
int cmd_wait(int argc, char *argv[], const GlobalOptions *g);

/* pool-dumpxml --xpath: prints what the XPath expression selects in xml as virsh does, each
 * node as a document of its own, or all of them under <nodes> with wrap. 0, or < 0 after
 * printing an error. */
int dumpxml_print_xpath(const char *xml, const char *xpath, bool wrap);
