/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

#include "conf/store.h"
#include "shared/name-escape.h"
#include "reconcile/reconciler.h"
#include "watch/inotify.h"
#include "watch/mounts.h"
#include "watch/udev.h"

typedef struct DaemonConfig {
        char *definitions_dir;
        char *runtime_dir;
        char *udev_tag;             /* only devices udev tagged so (rules.d/70-poold.rules) */
        size_t udev_receive_buffer; /* 0: the default */
        ReconcilerConfig reconciler;
} DaemonConfig;

typedef struct Daemon {
        DaemonConfig cfg;
        sd_event *event;
        Store *store;
        Runtime *rt;
        Reconciler *rec;
        DirWatcher *definitions_watch;
        Inotify *inotify;
        UdevWatch *udev;
        Mounts *mounts;

        /* the control API */
        int control_fd;
        char *control_path;
        sd_event_source *control_source;
        sd_event_source *post_source;
        sd_bus **clients;
        size_t n_clients;
        sd_bus *system_bus;
        uint64_t next_client_id;

        sd_event_source *watchdog;
        bool ready;
} Daemon;

int daemon_new(const DaemonConfig *cfg, Daemon **ret);
Daemon *daemon_free(Daemon *d);
int daemon_run(Daemon *d);

/* bus.c */
int bus_setup(Daemon *d);
void bus_done(Daemon *d);
void bus_emit_pool_event(Daemon *d, Pool *p, const char *event);
void bus_emit_phase_changed(Daemon *d, Pool *p);
void bus_emit_volume_event(Daemon *d, Pool *p, const char *volume, const char *event);
int bus_add_objects(Daemon *d, sd_bus *bus);
int bus_volume_add_objects(Daemon *d, sd_bus *bus);
/* Replies to m with the error r/err, using poold's error names. */
int bus_reply_error(sd_bus_message *m, int r, const Error *err);
/* Strings on the bus are UTF-8: names, keys, paths, documents and messages that may hold a
 * file's bytes go out through bus_str() and come in through bus_read_name()
 * (shared/name-escape.h, docs/dbus-api.md). */
#define bus_str(s) name_encode(s)
int bus_decode_arg(const char *s, char **ret, sd_bus_error *e);
int bus_append_str(sd_bus_message *reply, const char *s);
char *bus_pool_path(const char *pool);
char *bus_volume_path(const char *pool, const char *volume);
