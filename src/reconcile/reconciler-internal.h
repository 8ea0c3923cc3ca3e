/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "reconcile/reconciler.h"

struct Reconciler {
        sd_event *event;
        Store *store;
        Runtime *rt;
        ReconcilerConfig cfg;
        ReconcilerHooks hooks;
        Pool **pools;
        size_t n_pools;
        Pool *dirty;
        sd_event_source *defer;
        sd_event_source *resync_timer;
        bool ready_sent;
        char status[96];
};

typedef enum OpType {
        OP_ADOPT,
        OP_START,
        OP_STOP,
        OP_REFRESH,
        OP_REFRESH_NAMES,
        OP_BUILD,
        OP_DELETE,
        OP_VOL_CREATE,
        OP_VOL_CREATE_FROM,
        OP_VOL_DELETE,
        OP_VOL_RESIZE,
        OP_VOL_WIPE,
        OP_VOL_REFRESH,
        OP_VOL_UPLOAD,
        OP_VOL_DOWNLOAD,
        OP_VERIFY,  /* is the running pool's storage still there (check)? if not, release */
        OP_RELEASE, /* its device is gone: release what start set up (device_lost) */
} OpType;

/* A client's request queued on a pool. */
struct PoolOp {
        OpType type;
        unsigned flags;
        VolDef *vol;           /* create: what to create */
        char *vol_name;        /* delete, resize, wipe, refresh; create-from: the source */
        PoolDef *src_pool_def; /* create-from: the source's pool */
        VolDef *src_vol;
        uint64_t capacity;
        WipeAlgorithm algorithm;
        int fd;                  /* upload, download: the client's descriptor (owned), else -1 */
        uint64_t offset, length; /* upload, download */
        OpDone done;
        void *userdata;
        PoolOp *next;
};

uint64_t now_realtime(void);
Pool *pool_new(Reconciler *rec, const char *name);
void pool_set_phase(Pool *p, PoolPhase phase, const char *fmt, ...) _printf_(3, 4);
void pool_emit(Pool *p, const char *event);
void volume_emit(Pool *p, const char *volume, const char *event);
void pool_mark_dirty(Pool *p);
void pool_schedule_retry(Pool *p);
void pool_cancel_retry(Pool *p);
void pool_reconcile(Pool *p);
void pool_ops_fail_all(Pool *p, int r, const char *message);
void pool_clear_pending_names(Pool *p);
void pool_enqueue(Pool *p, PoolOp *op);

/* pool-devices.c */
/* The pool's dependencies as its current definition gives them; false when it has none. */
bool pool_get_deps(const Pool *p, PoolDeps *ret);
void pool_devices_done(Pool *p);
/* A start succeeded: if the device went away meanwhile, the debounce window starts now. */
void pool_devices_started(Pool *p);
/* The running pool lost its storage (released after the device went, or found unmounted). */
void pool_storage_lost(Pool *p, bool by_hand, const char *what);

/* The backend of the pool's current definition, NULL if unsupported. */
static inline const Backend *c_backend(const Pool *p) {
        const PoolDef *d = pool_current_def(p);
        return d ? backend_for(d->type) : NULL;
}

/* Flags of Start (the D-Bus API's): build first, with or without overwriting. */
enum {
        START_BUILD = 1 << 0,
        START_OVERWRITE = 1 << 1,
        START_NO_OVERWRITE = 1 << 2,
};
static inline unsigned build_flags_from_start(unsigned f) {
        return (f & START_OVERWRITE ? BUILD_OVERWRITE : 0) |
               (f & START_NO_OVERWRITE ? BUILD_NO_OVERWRITE : 0);
}
