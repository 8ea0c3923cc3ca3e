/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <errno.h>

#include "shared/log.h"
#include "watch/udev.h"

/* Devices received per wake-up before the loop gets a turn; the source is level-triggered,
 * so the rest follow at once. */
#define UDEV_RECEIVE_MAX 256

DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev *, udev_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev_device *, udev_device_unref);
DEFINE_TRIVIAL_CLEANUP_FUNC(struct udev_enumerate *, udev_enumerate_unref);

struct UdevWatch {
        struct udev *udev;
        struct udev_monitor *monitor;
        sd_event_source *io;
        char *tag;
        UdevWatchCallbacks cb;
        void *userdata;
};

/* A device of size 0 holds nothing a pool could use: a loop device without a backing file
 * (detaching one is a "change"), a drive without a medium. sysfs is read, not the device. */
static bool udev_device_is_empty(struct udev_device *dev) {
        const char *size = udev_device_get_sysattr_value(dev, "size");

        return size && streq(size, "0");
}

static const char *udev_watch_action(struct udev_device *dev, const char *action) {
        if (!action)
                return "change";
        if (streq(action, "remove"))
                return action;
        if (udev_device_is_empty(dev))
                return "remove";
        if (streq(action, "add") || streq(action, "enumerate"))
                return action;
        return "change";
}

static void udev_watch_report(UdevWatch *w, const char *action, struct udev_device *dev) {
        /* Until udev has run its rules, the links and IDs are missing; the event that
         * follows rule processing reports it. */
        if (udev_device_get_is_initialized(dev) <= 0)
                return;
        action = udev_watch_action(dev, action);
        log_debug("udev: %s %s", action, udev_device_get_syspath(dev));
        if (w->cb.on_device)
                w->cb.on_device(w->userdata, action, dev);
}

static void udev_watch_report_overflow(UdevWatch *w) {
        log_warning("udev events were lost (receive buffer full), rescanning block devices");
        if (w->cb.on_overflow)
                w->cb.on_overflow(w->userdata);
}

static int udev_watch_on_io(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        UdevWatch *w = userdata;

        for (unsigned i = 0; i < UDEV_RECEIVE_MAX; i++) {
                _cleanup_(udev_device_unrefp) struct udev_device *dev = NULL;

                errno = 0;
                dev = udev_monitor_receive_device(w->monitor);
                if (dev) {
                        udev_watch_report(w, udev_device_get_action(dev), dev);
                        continue;
                }
                if (errno == ENOBUFS) {
                        /* The kernel signals the loss once and goes on queueing. */
                        udev_watch_report_overflow(w);
                        continue;
                }
                if (errno == EINTR)
                        continue;
                /* EAGAIN: drained (or an invalid message was skipped; if more is queued the
                 * source fires again). */
                if (errno != 0 && errno != EAGAIN)
                        log_debug_errno(-errno, "Cannot receive udev event, ignoring: %m");
                break;
        }
        return 0;
}

static int udev_watch_subscribe(UdevWatch *w, size_t rcvbuf) {
        int r;

        r = udev_monitor_filter_add_match_subsystem_devtype(w->monitor, "block", NULL);
        if (r < 0)
                return r;
        if (w->tag) {
                r = udev_monitor_filter_add_match_tag(w->monitor, w->tag);
                if (r < 0)
                        return r;
        }
        r = udev_monitor_set_receive_buffer_size(w->monitor, (int) rcvbuf);
        if (r < 0)
                log_warning_errno(r,
                                  "Cannot set the udev receive buffer to %zu bytes, events "
                                  "may overflow (and cause rescans): %m",
                                  rcvbuf);
        return udev_monitor_enable_receiving(w->monitor);
}

UdevWatch *udev_watch_free(UdevWatch *w) {
        if (!w)
                return NULL;
        sd_event_source_disable_unref(w->io);
        udev_monitor_unref(w->monitor);
        udev_unref(w->udev);
        free(w->tag);
        free(w);
        return NULL;
}

int udev_watch_new(sd_event *e, const UdevWatchOptions *opts, const UdevWatchCallbacks *cb,
                   void *userdata, UdevWatch **ret) {
        _cleanup_udev_watch_ UdevWatch *w = NULL;
        size_t rcvbuf = UDEV_WATCH_RECEIVE_BUFFER_DEFAULT;
        int r;

        if (!e || !cb || !ret)
                return -EINVAL;
        if (opts && opts->receive_buffer_size > 0)
                rcvbuf = opts->receive_buffer_size;
        if (rcvbuf > INT32_MAX)
                return -ERANGE;

        w = xcalloc(1, sizeof(*w));
        w->cb = *cb;
        w->userdata = userdata;
        w->tag = opts && opts->tag ? xstrdup(opts->tag) : NULL;
        w->udev = udev_new();
        if (!w->udev)
                return errno > 0 ? -errno : -ENOMEM;
        w->monitor = udev_monitor_new_from_netlink(w->udev, "udev");
        if (!w->monitor)
                return errno > 0 ? -errno : -EIO;
        r = udev_watch_subscribe(w, rcvbuf);
        if (r < 0)
                return r;
        r = sd_event_add_io(e, &w->io, udev_monitor_get_fd(w->monitor), EPOLLIN, udev_watch_on_io,
                            w);
        if (r < 0)
                return r;
        (void) sd_event_source_set_description(w->io, "udev-monitor");
        *ret = TAKE_PTR(w);
        return 0;
}

int udev_watch_enumerate(UdevWatch *w) {
        _cleanup_(udev_enumerate_unrefp) struct udev_enumerate *en = NULL;
        struct udev_list_entry *entry;
        int r;

        if (!w)
                return -EINVAL;
        en = udev_enumerate_new(w->udev);
        if (!en)
                return errno > 0 ? -errno : -ENOMEM;
        r = udev_enumerate_add_match_subsystem(en, "block");
        if (r >= 0 && w->tag)
                r = udev_enumerate_add_match_tag(en, w->tag);
        if (r >= 0)
                r = udev_enumerate_add_match_is_initialized(en);
        if (r >= 0)
                r = udev_enumerate_scan_devices(en);
        if (r < 0)
                return r;

        udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en)) {
                _cleanup_(udev_device_unrefp) struct udev_device *dev = NULL;

                dev = udev_device_new_from_syspath(w->udev, udev_list_entry_get_name(entry));
                if (!dev)
                        continue; /* removed meanwhile: its "remove" event is queued */
                udev_watch_report(w, "enumerate", dev);
        }
        return 0;
}

struct udev *udev_watch_get_udev(UdevWatch *w) {
        return w ? w->udev : NULL;
}

/* ---- Names ------------------------------------------------------------------------------- */

typedef struct NameList {
        char **names;
        size_t n;
} NameList;

static void name_list_add(NameList *l, char *name) {
        for (size_t i = 0; i < l->n; i++)
                if (streq(l->names[i], name)) {
                        free(name);
                        return;
                }
        l->names = xrealloc(l->names, sizeof(char *) * (l->n + 2));
        l->names[l->n++] = name;
        l->names[l->n] = NULL;
}

static void name_list_add_property(NameList *l, struct udev_device *dev, const char *prefix,
                                   const char *property) {
        const char *v = udev_device_get_property_value(dev, property);

        /* A value with '/' cannot be a link name (udev would have encoded it). */
        if (!isempty(v) && !strchr(v, '/'))
                name_list_add(l, xasprintf("%s%s", prefix, v));
}

static int cmp_strings(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* libudev keeps links in a hash set: sorted, the list is the same every time. */
static void name_list_add_devlinks(NameList *l, struct udev_device *dev) {
        struct udev_list_entry *link;
        char **links = NULL;
        size_t n = 0;

        udev_list_entry_foreach(link, udev_device_get_devlinks_list_entry(dev))
                ARRAY_APPEND(links, n, xstrdup(udev_list_entry_get_name(link)));
        if (n > 0)
                qsort(links, n, sizeof(char *), cmp_strings);
        for (size_t i = 0; i < n; i++)
                name_list_add(l, links[i]);
        free(links);
}

int udev_device_match_names(struct udev_device *dev, char ***ret) {
        NameList l = {};
        const char *devnode;

        if (!dev || !ret)
                return -EINVAL;
        devnode = udev_device_get_devnode(dev);
        if (devnode)
                name_list_add(&l, xstrdup(devnode));
        name_list_add_devlinks(&l, dev);
        name_list_add_property(&l, dev, "/dev/disk/by-uuid/", "ID_FS_UUID");
        name_list_add_property(&l, dev, "/dev/disk/by-label/", "ID_FS_LABEL_ENC");
        name_list_add_property(&l, dev, "/dev/disk/by-label/", "ID_FS_LABEL");
        name_list_add_property(&l, dev, "/dev/disk/by-partuuid/", "ID_PART_ENTRY_UUID");
        if (!l.names)
                l.names = xcalloc(1, sizeof(char *));
        *ret = l.names;
        return (int) l.n;
}

char **udev_match_names_free(char **names) {
        if (!names)
                return NULL;
        for (char **n = names; *n; n++)
                free(*n);
        free(names);
        return NULL;
}
