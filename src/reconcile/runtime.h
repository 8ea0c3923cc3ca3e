/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "conf/pool-def.h"

/* Runtime state under the runtime directory (/run/poold): it survives a restart of the daemon
 * (even kill -9), not a reboot.
 *
 *   RUNTIME/intents/NAME      "start" or "stop": the last pool-start or pool-destroy
 *   RUNTIME/state/NAME.xml    the live definition of a running pool; its existence means
 *                             "was running", and it is how transient pools survive a restart
 *
 * Writes are atomic (temporary file, fsync, rename). */

typedef enum Intent {
        INTENT_NONE,
        INTENT_START,
        INTENT_STOP,
} Intent;

typedef struct Runtime {
        char *dir;
        int intents_fd, state_fd;
} Runtime;

int runtime_open(const char *dir, Runtime **ret);
Runtime *runtime_free(Runtime *rt);

Intent runtime_get_intent(Runtime *rt, const char *name);
int runtime_set_intent(Runtime *rt, const char *name, Intent intent);

int runtime_write_state(Runtime *rt, const PoolDef *live);
int runtime_remove_state(Runtime *rt, const char *name);
/* The live definitions of pools that were running; problems are logged and skipped. */
int runtime_load_states(Runtime *rt, PoolDef ***ret, size_t *ret_n);

const char *intent_to_string(Intent i);
