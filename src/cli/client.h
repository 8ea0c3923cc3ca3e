/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>

#include "cli/poolctl.h"
#include "shared/macros.h"

/* poolctl's connection to poold: the control socket in $POOLD_RUNTIME_DIR (or /run/poold). */
int client_connect(sd_bus **ret);

/* Prints virsh's two-line failure: "error: CONTEXT" then "error: MESSAGE". */
void client_error(const char *context, const sd_bus_error *e, int r);

/* Resolves a pool name or UUID to its object path; prints virsh's errors on failure. */
int client_pool_path(sd_bus *bus, const char *pool, char **ret_path);

/* Calls a method; on failure prints "error: CONTEXT" and poold's message and returns < 0. */
int client_call(sd_bus *bus, const char *path, const char *iface, const char *method,
                sd_bus_message **reply, const char *context, const char *types, ...);

/* virsh prints a blank line after a command's output, except with -q. */
void client_end(const GlobalOptions *g);

#define MANAGER_PATH "/org/poold1"
#define MANAGER_IFACE "org.poold1.Manager"
#define POOL_IFACE "org.poold1.Pool"
#define VOLUME_IFACE "org.poold1.Volume"

#define _cleanup_bus_ _cleanup_(sd_bus_flush_close_unrefp)
#define _cleanup_msg_ _cleanup_(sd_bus_message_unrefp)
