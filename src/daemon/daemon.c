/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <signal.h>
#include <systemd/sd-daemon.h>

#include "daemon/daemon.h"
#include "shared/log.h"

/* ---- from the reconciler ---- */

static void notify_status(Daemon *d) {
        if (d->ready)
                (void) sd_notifyf(false, "STATUS=%s", reconciler_status_line(d->rec));
}

static void on_pool_event(void *userdata, Pool *p, const char *event) {
        bus_emit_pool_event(userdata, p, event);
}

static void on_phase_changed(void *userdata, Pool *p) {
        Daemon *d = userdata;

        bus_emit_phase_changed(d, p);
        notify_status(d);
}

static void on_volume_event(void *userdata, Pool *p, const char *volume, const char *event) {
        bus_emit_volume_event(userdata, p, volume, event);
}

static void on_ready(void *userdata) {
        Daemon *d = userdata;

        d->ready = true;
        log_info("Ready: %s", reconciler_status_line(d->rec));
        (void) sd_notifyf(false, "READY=1\nSTATUS=%s", reconciler_status_line(d->rec));
}

/* ---- pool directories ---- */

static void on_pool_entry(void *userdata, const char *name) {
        Pool *p = userdata;

        reconciler_pool_dir_entry(p->rec, p, name);
}

static void on_pool_overflow(void *userdata) {
        Pool *p = userdata;

        reconciler_pool_dir_overflow(p->rec);
}

static void on_pool_gone(void *userdata) {
        Pool *p = userdata;

        p->watch = pool_dir_watch_free(p->watch);
        reconciler_pool_dir_gone(p->rec, p);
}

static void on_watch_dir(void *userdata, Pool *p, const char *path) {
        static const PoolDirWatchCallbacks cb = {
                .on_entry = on_pool_entry,
                .on_overflow = on_pool_overflow,
                .on_gone = on_pool_gone,
        };
        Daemon *d = userdata;
        int r;

        p->watch = pool_dir_watch_free(p->watch);
        if (!path)
                return;
        r = pool_dir_watch_new(d->inotify, path, &cb, p, (PoolDirWatch **) &p->watch);
        if (r < 0)
                log_warning_errno(r, "Pool %s: cannot watch %s, changes show at the next "
                                     "resync: %m", p->name, path);
}

static void on_pool_removed(void *userdata, Pool *p) {
        p->watch = pool_dir_watch_free(p->watch);
}

/* ---- the definitions directory ---- */

static void on_definition_file(void *userdata, const char *subdir, const char *name) {
        Daemon *d = userdata;

        if (subdir)
                reconciler_autostart_changed(d->rec, name);
        else
                reconciler_definition_changed(d->rec, name);
}

static void on_definitions_overflow(void *userdata) {
        Daemon *d = userdata;

        reconciler_definitions_overflow(d->rec);
}

/* ---- devices and mounts ---- */

/* A device event goes to the pools it concerns: by any of its names, or (a partition) by its
 * disk's. Names are built from udev's database (properties and links): the device is never
 * opened. */
static void on_device(void *userdata, const char *action, struct udev_device *dev) {
        Daemon *d = userdata;
        char **names = NULL, **parent_names = NULL;
        struct udev_device *parent;

        if (udev_device_match_names(dev, &names) < 0)
                return;
        if (streq_ptr(udev_device_get_devtype(dev), "partition")) {
                parent = udev_device_get_parent_with_subsystem_devtype(dev, "block", "disk");
                if (parent && udev_device_match_names(parent, &parent_names) < 0)
                        parent_names = NULL;
        }
        reconciler_device_event(d->rec, action, udev_device_get_syspath(dev), names,
                                parent_names);
        udev_match_names_free(names);
        udev_match_names_free(parent_names);
}

/* The kernel dropped events: every device is looked at again, and running pools check that
 * their device is still there (a removal may be among the lost events). */
static void on_device_overflow(void *userdata) {
        Daemon *d = userdata;

        log_warning("udev events were lost: resynchronizing devices");
        reconciler_devices_overflow(d->rec);
        (void) udev_watch_enumerate(d->udev);
}

static void on_mount(void *userdata, const char *target, const char *source, const char *fstype,
                     bool mounted) {
        Daemon *d = userdata;

        reconciler_mount_event(d->rec, target, mounted);
        /* A dir pool may wait for a directory on a file system just mounted. */
        if (mounted)
                reconciler_storage_changed(d->rec);
}

static int setup_device_watchers(Daemon *d) {
        static const UdevWatchCallbacks ucb = {
                .on_device = on_device,
                .on_overflow = on_device_overflow,
        };
        /* Subscribed before anything is enumerated or read. */
        UdevWatchOptions uopts = {
                .tag = d->cfg.udev_tag,
                .receive_buffer_size = d->cfg.udev_receive_buffer,
        };
        int r;

        r = udev_watch_new(d->event, &uopts, &ucb, d, &d->udev);
        if (r < 0)
                log_warning_errno(r, "No udev monitor, device changes show at the next resync: "
                                     "%m");
        r = mounts_new(d->event, on_mount, d, &d->mounts);
        if (r < 0)
                log_warning_errno(r, "No mount monitor, mount changes show at the next resync: "
                                     "%m");
        return 0;
}

/* ---- signals ---- */

static int on_sigterm(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Daemon *d = userdata;

        /* Pools outlive the daemon: nothing is stopped. */
        log_info("Stopping on signal %d; pools stay as they are", (int) si->ssi_signo);
        (void) sd_notify(false, "STOPPING=1");
        return sd_event_exit(d->event, 0);
}

static int on_sighup(sd_event_source *s, const struct signalfd_siginfo *si, void *userdata) {
        Daemon *d = userdata;

        log_info("Reloading definitions on SIGHUP");
        (void) sd_notify(false, "RELOADING=1");
        reconciler_resync(d->rec);
        (void) sd_notify(false, "READY=1");
        return 0;
}

static int on_watchdog(sd_event_source *s, uint64_t usec, void *userdata) {
        Daemon *d = userdata;
        uint64_t interval = 0;

        (void) sd_notify(false, "WATCHDOG=1");
        if (sd_watchdog_enabled(false, &interval) > 0)
                (void) sd_event_source_set_time_relative(s, interval / 2);
        (void) sd_event_source_set_enabled(s, SD_EVENT_ONESHOT);
        (void) d;
        return 0;
}

static int setup_signals(Daemon *d) {
        sigset_t ss;
        int r;

        sigemptyset(&ss);
        sigaddset(&ss, SIGTERM);
        sigaddset(&ss, SIGINT);
        sigaddset(&ss, SIGHUP);
        if (sigprocmask(SIG_BLOCK, &ss, NULL) < 0)
                return -errno;
        if ((r = sd_event_add_signal(d->event, NULL, SIGTERM, on_sigterm, d)) < 0 ||
            (r = sd_event_add_signal(d->event, NULL, SIGINT, on_sigterm, d)) < 0 ||
            (r = sd_event_add_signal(d->event, NULL, SIGHUP, on_sighup, d)) < 0)
                return r;
        return 0;
}

static int setup_watchdog(Daemon *d) {
        uint64_t interval = 0;

        if (sd_watchdog_enabled(false, &interval) <= 0)
                return 0;
        return sd_event_add_time_relative(d->event, &d->watchdog, CLOCK_MONOTONIC, interval / 2,
                                          0, on_watchdog, d);
}

int daemon_new(const DaemonConfig *cfg, Daemon **ret) {
        static const DirWatcherCallbacks dcb = {
                .on_file = on_definition_file,
                .on_overflow = on_definitions_overflow,
        };
        Daemon *d = xcalloc(1, sizeof(*d));
        ReconcilerHooks hooks = {
                .userdata = d,
                .pool_event = on_pool_event,
                .phase_changed = on_phase_changed,
                .volume_event = on_volume_event,
                .pool_removed = on_pool_removed,
                .watch_dir = on_watch_dir,
                .ready = on_ready,
        };
        int r;

        d->cfg = *cfg;
        d->control_fd = -1;
        r = sd_event_default(&d->event);
        if (r < 0)
                goto fail;
        if ((r = setup_signals(d)) < 0 || (r = setup_watchdog(d)) < 0)
                goto fail;
        r = runtime_open(cfg->runtime_dir, &d->rt);
        if (r < 0) {
                log_error_errno(r, "Failed to open the runtime directory %s: %m",
                                cfg->runtime_dir);
                goto fail;
        }
        r = store_open(cfg->definitions_dir, true, &d->store);
        if (r < 0) {
                log_error_errno(r, "Failed to open the definitions directory %s: %m",
                                cfg->definitions_dir);
                goto fail;
        }
        /* Subscribe first, then enumerate: watchers exist before anything is read. */
        r = dir_watcher_new(d->event, cfg->definitions_dir, &dcb, d, &d->definitions_watch);
        if (r < 0) {
                log_error_errno(r, "Failed to watch %s: %m", cfg->definitions_dir);
                goto fail;
        }
        r = inotify_new(d->event, &d->inotify);
        if (r < 0)
                goto fail;
        (void) setup_device_watchers(d);
        r = reconciler_new(d->event, d->store, d->rt, &cfg->reconciler, &hooks, &d->rec);
        if (r < 0)
                goto fail;
        r = bus_setup(d);
        if (r < 0)
                goto fail;
        *ret = d;
        return 0;
fail:
        daemon_free(d);
        return r;
}

Daemon *daemon_free(Daemon *d) {
        if (!d)
                return NULL;
        bus_done(d);
        reconciler_free(d->rec);
        d->definitions_watch = dir_watcher_free(d->definitions_watch);
        inotify_free(d->inotify);
        udev_watch_free(d->udev);
        mounts_free(d->mounts);
        store_free(d->store);
        runtime_free(d->rt);
        sd_event_source_disable_unref(d->watchdog);
        sd_event_unref(d->event);
        free(d);
        return NULL;
}

int daemon_run(Daemon *d) {
        int r;

        r = reconciler_start(d->rec);
        if (r < 0)
                return r;
        /* The devices already there, before the first pass runs: pools know which are
         * present, and those waiting for one start at once. */
        if (d->udev) {
                r = udev_watch_enumerate(d->udev);
                if (r < 0)
                        log_warning_errno(r, "Cannot enumerate block devices: %m");
        }
        return sd_event_loop(d->event);
}
