/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-event.h>

#include "backends/backend.h"
#include "conf/store.h"
#include "reconcile/job.h"
#include "reconcile/runtime.h"
#include "reconcile/volume-table.h"

/* The reconciler keeps every pool in the state its definition and intents declare.
 *
 * Desired state: a pool is wanted active when it is defined and (autostart is set, or
 * pool-start asked for it) and no later pool-destroy asked it to stop. Events only mark pools
 * dirty; once per loop iteration each dirty pool is reconciled once: it compares wanted with
 * observed and starts at most one job (one job per pool at a time). Failures retry with
 * capped, jittered exponential back-off; a relevant event retries at once. The reconciler
 * never does I/O on storage itself: backends do, in jobs. */

typedef enum PoolPhase {
        PHASE_INACTIVE,
        PHASE_WAITING,
        PHASE_STARTING,
        PHASE_BUILDING,
        PHASE_RUNNING,
        PHASE_DEGRADED,
        PHASE_STOPPING,
        PHASE_DELETING,
        PHASE_FAILED,
        _PHASE_MAX,
} PoolPhase;

const char *pool_phase_to_string(PoolPhase p);

typedef struct Reconciler Reconciler;
typedef struct Pool Pool;
typedef struct PoolOp PoolOp;

/* The answer to a client's request, once the work is done. */
typedef void (*OpDone)(void *userdata, int r, const Error *err);

struct Pool {
        Reconciler *rec;
        char *name;
        PoolDef *def;      /* the definition (stored, or given to pool-create); NULL once undefined */
        PoolDef *live_def; /* what the pool runs with; NULL when not running */
        bool persistent;   /* defined in the store (not pool-create) */
        bool autostart;
        Intent intent;

        PoolPhase phase;
        char *reason;
        uint64_t since;      /* CLOCK_REALTIME µs */
        char *last_error;
        uint64_t next_retry; /* CLOCK_REALTIME µs, 0: none */
        unsigned failures;
        bool retry_now;      /* an event worth an immediate retry happened */
        sd_event_source *retry_timer;

        Job *job;
        PoolOp *ops, *ops_tail; /* clients' requests, served in order */
        bool dirty;
        Pool *dirty_next;
        bool initial_done;      /* its first reconcile pass finished (for READY=1) */
        bool needs_adopt;       /* was running before the daemon restarted: check, adopt */

        bool needs_full_refresh;
        char **pending_names; /* entries inotify reported since the last refresh */
        size_t n_pending_names;

        VolumeTable vols;
        PoolSizes sizes;
        bool has_target_st; /* the target directory as the last refresh found it */
        struct stat target_st;

        void *watch; /* the daemon's watch of the pool's directory */

        /* Devices and mounts (src/reconcile/pool-devices.c). */
        char *dev_syspath;  /* the udev device that last matched the pool's source */
        int device_state;   /* -1 not known (no event yet), 0 gone, 1 present */
        bool held;          /* its mount was removed by hand: not mounted again until the
                             * device returns, the mount comes back or pool-start asks */
        bool needs_release; /* the device is gone past the debounce window: release it */
        bool needs_verify;  /* look whether the running pool still has its storage */
        bool verify_by_hand; /* ... after a mount change (a loss is then an unmount by hand) */
        sd_event_source *lost_timer; /* the debounce window after a removal */
        /* CLOCK_MONOTONIC µs when the device event that woke the pool (device_up_usec) or
         * that took its device away (device_down_usec) arrived; 0 when none is pending. Logged
         * as "running N ms after its device appeared" and "stopped N ms after ...". */
        uint64_t device_up_usec, device_down_usec;
};

/* What the reconciler tells the outside world (the daemon's bus and watchers). */
typedef struct ReconcilerHooks {
        void *userdata;
        void (*pool_event)(void *userdata, Pool *p, const char *event);   /* Started, Stopped ... */
        void (*phase_changed)(void *userdata, Pool *p);
        void (*volume_event)(void *userdata, Pool *p, const char *volume, const char *event);
        void (*pool_added)(void *userdata, Pool *p);
        void (*pool_removed)(void *userdata, Pool *p);
        /* Watch (path non-NULL) or stop watching (NULL) a running pool's directory. */
        void (*watch_dir)(void *userdata, Pool *p, const char *path);
        /* The first reconcile pass is done: every pool reached its first settled phase. */
        void (*ready)(void *userdata);
} ReconcilerHooks;

typedef struct ReconcilerConfig {
        uint64_t job_timeout_usec;
        uint64_t retry_min_usec, retry_max_usec;
        uint64_t resync_usec; /* the periodic full resync, randomized ±20%; 0: never */
        /* How long a running pool's device may be gone before the pool is stopped: a
         * removal followed by an add within this window (a USB reset, a re-plug) leaves the
         * pool running. 0: stop at once. */
        uint64_t device_debounce_usec;
} ReconcilerConfig;

int reconciler_new(sd_event *event, Store *store, Runtime *rt, const ReconcilerConfig *cfg,
                   const ReconcilerHooks *hooks, Reconciler **ret);
Reconciler *reconciler_free(Reconciler *rec);

/* Loads definitions and runtime state, adopts pools that were running (through the backend's
 * check, never starting them again), and schedules the first pass. */
int reconciler_start(Reconciler *rec);

Pool *reconciler_find(Reconciler *rec, const char *name_or_uuid);
Pool **reconciler_pools_sorted(Reconciler *rec, size_t *ret_n);
const char *reconciler_status_line(Reconciler *rec); /* "3 running, 1 waiting, 0 failed" */

/* Events from the watchers. */
void reconciler_definition_changed(Reconciler *rec, const char *file);
void reconciler_autostart_changed(Reconciler *rec, const char *link);
void reconciler_definitions_overflow(Reconciler *rec);
void reconciler_pool_dir_entry(Reconciler *rec, Pool *p, const char *name);
void reconciler_pool_dir_overflow(Reconciler *rec);
void reconciler_pool_dir_gone(Reconciler *rec, Pool *p);
void reconciler_resync(Reconciler *rec);
/* A device or a mount changed: pools waiting for their storage look again at once. */
void reconciler_storage_changed(Reconciler *rec);
/* A block device was added, changed or removed ("add", "change", "enumerate", "remove" as
 * UdevWatch reports them). names: every name by which a definition may refer to it
 * (udev_device_match_names()), NULL-terminated; parent_names the same for the disk a
 * partition belongs to, or NULL. Only the pools whose source is that device (or, for
 * partitions, whose disk is its parent) are concerned. */
void reconciler_device_event(Reconciler *rec, const char *action, const char *syspath,
                             char *const *names, char *const *parent_names);
/* Device events were lost: running pools that depend on devices check their storage,
 * waiting ones look again. */
void reconciler_devices_overflow(Reconciler *rec);
/* What is mounted at target changed (target as the kernel shows it). */
void reconciler_mount_event(Reconciler *rec, const char *target, bool mounted);

/* Clients' requests. Synchronous ones return a negative errno with err set; asynchronous
 * ones call done once the work is finished (or fail at once, without calling done). */
int pool_define(Reconciler *rec, const char *xml, Pool **ret, Error *err);
int pool_create_transient(Reconciler *rec, const char *xml, unsigned flags, OpDone done,
                          void *userdata, Pool **ret, Error *err);
int pool_undefine(Pool *p, Error *err);
int pool_set_autostart(Pool *p, bool autostart, Error *err);
int pool_request_start(Pool *p, unsigned flags, OpDone done, void *userdata, Error *err);
int pool_request_destroy(Pool *p, OpDone done, void *userdata, Error *err);
int pool_request_refresh(Pool *p, OpDone done, void *userdata, Error *err);
int pool_request_build(Pool *p, unsigned flags, OpDone done, void *userdata, Error *err);
int pool_request_delete(Pool *p, OpDone done, void *userdata, Error *err);

int vol_request_create(Pool *p, const char *xml, unsigned flags, OpDone done, void *userdata,
                       Error *err);
int vol_request_create_from(Pool *p, const char *xml, Pool *src_pool, const char *src_name,
                            unsigned flags, OpDone done, void *userdata, Error *err);
int vol_request_delete(Pool *p, const char *name, unsigned flags, OpDone done, void *userdata,
                       Error *err);
int vol_request_resize(Pool *p, const char *name, uint64_t capacity, unsigned flags,
                       OpDone done, void *userdata, Error *err);
int vol_request_wipe(Pool *p, const char *name, WipeAlgorithm algorithm, OpDone done,
                     void *userdata, Error *err);
int vol_request_refresh(Pool *p, const char *name, OpDone done, void *userdata, Error *err);
/* vol-upload and vol-download: the data goes from or to fd, a client's descriptor, which the
 * request takes over when it is queued (and only then). */
int vol_request_upload(Pool *p, const char *name, int fd, uint64_t offset, uint64_t length,
                       unsigned flags, OpDone done, void *userdata, Error *err);
int vol_request_download(Pool *p, const char *name, int fd, uint64_t offset, uint64_t length,
                         unsigned flags, OpDone done, void *userdata, Error *err);

bool pool_is_active(const Pool *p);
bool pool_is_wanted(const Pool *p);
/* The definition a client sees: the live one while running, else the stored one. */
const PoolDef *pool_current_def(const Pool *p);
/* The definition changed while running: it applies at the next start. */
bool pool_has_pending_change(const Pool *p);
