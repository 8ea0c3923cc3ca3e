/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sys/types.h>

/* Running the storage tools backends need (qemu-img, scrub, mkfs.*): from an argv array,
 * never through a shell, with the daemon's blocked signals reset and standard error kept
 * (bounded) for the user-facing reason of an error. */

/* Starts argv (argv[0] found in PATH) with stdin and stdout on /dev/null, stderr on
 * stderr_fd, in the directory cwd_fd (-1: the caller's). Returns 0 and the child's pid, or a
 * negative errno (-ENOENT: not installed). */
int tool_spawn(int cwd_fd, int stderr_fd, char *const *argv, pid_t *ret_pid);

/* Runs argv to its end. Returns 0 when it exits with status 0, -ENOENT when it is not
 * installed, else -EIO with its standard error (bounded, on one line) in *ret_message. */
int tool_run(int cwd_fd, char *const *argv, char **ret_message);

/* An argv under construction: always NULL-terminated. */
typedef struct Args {
        char **v;
        size_t n;
} Args;

void args_add(Args *a, const char *s);
void args_done(Args *a);
