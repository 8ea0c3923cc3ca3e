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

/* Calls a method; on failure prints "error: CONTEXT" and poold's message and returns < 0.
 * types are basic types only; each string argument ('s') is bytes, sent in the control
 * API's form (shared/name-escape.h): strings read from replies are in that form too, and
 * client_decode() turns them back into bytes. */
int client_call(sd_bus *bus, const char *path, const char *iface, const char *method,
                sd_bus_message **reply, const char *context, const char *types, ...);

/* A string poold sent, as the bytes it stands for (newly allocated; NULL in, NULL out). */
char *client_decode(const char *s);
/* client_decode() of *s in place of it (*s becomes owned memory: free it). */
void client_decode_inplace(const char **s, char **owned);

/* virsh prints a blank line after a command's output, except with -q. */
void client_end(const GlobalOptions *g);

#define MANAGER_PATH "/org/poold1"
#define MANAGER_IFACE "org.poold1.Manager"
#define POOL_IFACE "org.poold1.Pool"
#define VOLUME_IFACE "org.poold1.Volume"

#define _cleanup_bus_ _cleanup_(sd_bus_flush_close_unrefp)
#define _cleanup_msg_ _cleanup_(sd_bus_message_unrefp)
