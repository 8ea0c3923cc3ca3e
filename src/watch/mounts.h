/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libmount.h>
#include <stdbool.h>
#include <systemd/sd-event.h>

#include "shared/macros.h"

/* The mount table (/proc/self/mountinfo), watched with libmount's monitor on an sd-event
 * loop. Per wake-up the table is read once, however many mounts changed, and compared with
 * the previous one target by target: what is visible at a target is the mount listed last
 * for it (the topmost of a stack). Since every wake-up re-reads the whole table, nothing can
 * be lost: there is no overflow to report. Mount option changes (remount) are not reported. */

typedef struct Mounts Mounts;

/* target had nothing mounted and now has (mounted, the new source and type), had something
 * and now has nothing (!mounted, the source and type it had), or now shows a different mount
 * than before (mounted, the new source and type). The strings are valid during the call;
 * mounts_find() already answers from the new table. */
typedef void (*mounts_callback_t)(void *userdata, const char *target, const char *source,
                                  const char *fstype, bool mounted);

/* Opens the monitor, then reads the table (so no change between the two is lost). Nothing
 * is reported for the mounts already there: query them with mounts_find(). */
int mounts_new(sd_event *e, mounts_callback_t on_mount, void *userdata, Mounts **ret);
/* Must not be called from the callback. */
Mounts *mounts_free(Mounts *m);
DEFINE_TRIVIAL_CLEANUP_FUNC(Mounts *, mounts_free);
#define _cleanup_mounts_ _cleanup_(mounts_freep)

/* The mount visible at target (the path as the kernel shows it: absolute, no trailing
 * slash, symlinks resolved; it is compared as a string, nothing is looked up on disk, so a
 * hung NFS server cannot block us), or NULL. Owned by the table: valid until control returns
 * to the loop; mnt_ref_fs() it to keep it. */
struct libmnt_fs *mounts_find(Mounts *m, const char *target);

/* Re-reads the table now and reports the differences, as an event would (for a periodic
 * resync, or after a mount the caller made itself). Must not be called from the callback. */
int mounts_rescan(Mounts *m);
