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
