/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libudev.h>
#include <systemd/sd-event.h>

#include "shared/macros.h"

/* Block devices as udev sees them, on an sd-event loop. The watcher reports what udev says
 * and nothing more: it never opens a device (opening one read-write would fire udev's
 * inotify watch and feed the event storm back to us), and decides nothing. */

typedef struct UdevWatch UdevWatch;

typedef struct UdevWatchCallbacks {
        /* action is "add", "change", "remove" or "enumerate" (present when
         * udev_watch_enumerate() looked). Only devices udev has finished with are reported.
         * A device that is present but unusable, a size of 0 (a detached loop device, a
         * drive without a medium), is reported as "remove" whatever the kernel called it:
         * loop devices detach with "change". Other kernel actions ("move", ...) are
         * reported as "change". dev is valid during the call; take a reference to keep it. */
        void (*on_device)(void *userdata, const char *action, struct udev_device *dev);
        /* The kernel dropped events (the socket's buffer was full): call
         * udev_watch_enumerate() and treat devices not seen again as removed. */
        void (*on_overflow)(void *userdata);
} UdevWatchCallbacks;

/* The receive buffer: large, since udev can emit thousands of events at once (a SAN rescan)
 * and the kernel drops what does not fit. Raising it above net.core.rmem_max takes
 * CAP_NET_ADMIN; without it the buffer is smaller and overflows are likelier. */
#define UDEV_WATCH_RECEIVE_BUFFER_DEFAULT (128U * 1024U * 1024U)

typedef struct UdevWatchOptions {
        /* Only devices udev tagged so (TAGS), filtered in the kernel; NULL for every block
         * device. poold's rules tag the devices it cares about "poold". */
        const char *tag;
        /* 0 for UDEV_WATCH_RECEIVE_BUFFER_DEFAULT; tests make it small. */
        size_t receive_buffer_size;
} UdevWatchOptions;

/* Subscribes to udev's events for block devices (it starts receiving at once, so nothing
 * that happens after this call is lost); opts may be NULL for the defaults. Then call
 * udev_watch_enumerate() for what is already there. Works (and reports nothing) when udevd
 * is not running. The watcher must not be freed from its own callbacks. */
int udev_watch_new(sd_event *e, const UdevWatchOptions *opts, const UdevWatchCallbacks *cb,
                   void *userdata, UdevWatch **ret);
UdevWatch *udev_watch_free(UdevWatch *w);
DEFINE_TRIVIAL_CLEANUP_FUNC(UdevWatch *, udev_watch_free);
#define _cleanup_udev_watch_ _cleanup_(udev_watch_freep)

/* Reports every initialized block device (matching the tag) as "enumerate" (or "remove"
 * when its size is 0), synchronously. For start-up and for resyncing after an overflow. */
int udev_watch_enumerate(UdevWatch *w);

/* The libudev context, to look devices up (udev_device_new_from_devnum, ...). */
struct udev *udev_watch_get_udev(UdevWatch *w);

/* Every name by which a pool definition may refer to dev, so that matching one is a string
 * compare: the devnode; each DEVLINKS entry (/dev/disk/by-id/..., by-path, by-uuid,
 * by-label, by-partuuid, by-diskseq, ...); and, built from the properties for when the
 * links are missing, /dev/disk/by-uuid/ID_FS_UUID, /dev/disk/by-label/ID_FS_LABEL_ENC (the
 * form udev's link uses) and /dev/disk/by-label/ID_FS_LABEL, and
 * /dev/disk/by-partuuid/ID_PART_ENTRY_UUID. No duplicates; devnode first, then the links
 * sorted, then the names built from properties. *ret is a NULL-terminated array (free with
 * udev_match_names_free()); returns the number of names. Reads properties only: no device is
 * opened. */
int udev_device_match_names(struct udev_device *dev, char ***ret);
char **udev_match_names_free(char **names);
DEFINE_TRIVIAL_CLEANUP_FUNC(char **, udev_match_names_free);
#define _cleanup_match_names_ _cleanup_(udev_match_names_freep)
