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

/* Each returns the process exit status: 0 on success, 1 on failure (virsh's codes). */
int cmd_validate(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_autostart(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_build(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_create(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_define(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_delete(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_destroy(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_dumpxml(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_info(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_list(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_refresh(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_start(int argc, char *argv[], const GlobalOptions *g);
int cmd_pool_undefine(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_create_as(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_delete(int argc, char *argv[], const GlobalOptions *g);
int cmd_vol_list(int argc, char *argv[], const GlobalOptions *g);
int cmd_status(int argc, char *argv[], const GlobalOptions *g);
int cmd_wait(int argc, char *argv[], const GlobalOptions *g);
