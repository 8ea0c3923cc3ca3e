/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <sys/random.h>
#include <time.h>

#include "reconcile/reconciler.h"
#include "reconcile/reconciler-internal.h"
#include "shared/log.h"
#include "shared/uuid-util.h"

static const char *const phase_names[_PHASE_MAX] = {
        [PHASE_INACTIVE] = "inactive", [PHASE_WAITING] = "waiting",
        [PHASE_STARTING] = "starting", [PHASE_BUILDING] = "building",
        [PHASE_RUNNING] = "running",   [PHASE_DEGRADED] = "degraded",
        [PHASE_STOPPING] = "stopping", [PHASE_DELETING] = "deleting",
        [PHASE_FAILED] = "failed",
};

const char *pool_phase_to_string(PoolPhase p) {
        return p >= 0 && p < _PHASE_MAX ? phase_names[p] : "unknown";
}

uint64_t now_realtime(void) {
        struct timespec ts;

        clock_gettime(CLOCK_REALTIME, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

/* ---- pools ---- */

bool pool_is_active(const Pool *p) {
        return p->phase == PHASE_RUNNING || p->phase == PHASE_DEGRADED;
}

bool pool_is_wanted(const Pool *p) {
        if (!p->def)
                return false;
        if (p->intent == INTENT_STOP)
                return false;
        return p->autostart || p->intent == INTENT_START;
}

const PoolDef *pool_current_def(const Pool *p) {
        return p->live_def ? p->live_def : p->def;
}

bool pool_has_pending_change(const Pool *p) {
        return p->live_def && p->def && !pool_def_equal(p->live_def, p->def);
}

Pool *pool_new(Reconciler *rec, const char *name) {
        Pool *p = xcalloc(1, sizeof(*p));

        p->rec = rec;
        p->name = xstrdup(name);
        p->phase = PHASE_INACTIVE;
        p->since = now_realtime();
        p->device_state = -1;
        p->vols.owner = p;
        ARRAY_APPEND(rec->pools, rec->n_pools, p);
        if (rec->hooks.pool_added)
                rec->hooks.pool_added(rec->hooks.userdata, p);
        return p;
}

void pool_clear_pending_names(Pool *p) {
        for (size_t i = 0; i < p->n_pending_names; i++)
                free(p->pending_names[i]);
        free(p->pending_names);
        p->pending_names = NULL;
        p->n_pending_names = 0;
}

static void pool_free(Pool *p) {
        pool_def_free(p->def);
        pool_def_free(p->live_def);
        free(p->name);
        free(p->reason);
        free(p->last_error);
        sd_event_source_disable_unref(p->retry_timer);
        pool_clear_pending_names(p);
        pool_devices_done(p);
        volume_table_clear(&p->vols);
        free(p);
}

/* Forgets a pool that is neither defined nor running, once nothing refers to it. */
static void pool_maybe_forget(Pool *p) {
        Reconciler *rec = p->rec;

        if (p->def || p->live_def || p->job || p->ops || p->dirty)
                return;
        for (size_t i = 0; i < rec->n_pools; i++)
                if (rec->pools[i] == p) {
                        memmove(rec->pools + i, rec->pools + i + 1,
                                (rec->n_pools - i - 1) * sizeof(Pool *));
                        rec->n_pools--;
                        break;
                }
        if (rec->hooks.pool_removed)
                rec->hooks.pool_removed(rec->hooks.userdata, p);
        pool_free(p);
}

Pool *reconciler_find(Reconciler *rec, const char *name_or_uuid) {
        uint8_t uuid[16];
        bool is_uuid = uuid_parse_lenient(name_or_uuid, uuid) == 0;

        for (size_t i = 0; i < rec->n_pools; i++)
                if (streq(rec->pools[i]->name, name_or_uuid))
                        return rec->pools[i];
        if (!is_uuid)
                return NULL;
        for (size_t i = 0; i < rec->n_pools; i++) {
                const PoolDef *d = pool_current_def(rec->pools[i]);
                if (d && memcmp(d->uuid, uuid, 16) == 0)
                        return rec->pools[i];
        }
        return NULL;
}

static int cmp_pool_names(const void *a, const void *b) {
        return strcmp((*(Pool *const *) a)->name, (*(Pool *const *) b)->name);
}

Pool **reconciler_pools_sorted(Reconciler *rec, size_t *ret_n) {
        Pool **arr = xcalloc(rec->n_pools + 1, sizeof(Pool *));

        if (rec->n_pools > 0) {
                memcpy(arr, rec->pools, rec->n_pools * sizeof(Pool *));
                qsort(arr, rec->n_pools, sizeof(Pool *), cmp_pool_names);
        }
        *ret_n = rec->n_pools;
        return arr;
}

const char *reconciler_status_line(Reconciler *rec) {
        unsigned running = 0, waiting = 0, failed = 0;

        for (size_t i = 0; i < rec->n_pools; i++) {
                PoolPhase ph = rec->pools[i]->phase;
                running += ph == PHASE_RUNNING || ph == PHASE_DEGRADED;
                waiting += ph == PHASE_WAITING;
                failed += ph == PHASE_FAILED;
        }
        snprintf(rec->status, sizeof(rec->status), "%u running, %u waiting, %u failed", running,
                 waiting, failed);
        return rec->status;
}

void pool_set_phase(Pool *p, PoolPhase phase, const char *fmt, ...) {
        char *reason = NULL;

        if (fmt) {
                va_list ap;
                va_start(ap, fmt);
                if (vasprintf(&reason, fmt, ap) < 0)
                        oom();
                va_end(ap);
        }
        if (p->phase == phase && streq_ptr(p->reason, reason)) {
                free(reason);
                return;
        }
        if (p->phase != phase)
                p->since = now_realtime();
        p->phase = phase;
        free(p->reason);
        p->reason = reason;
        log_pool_info(p->name, "Pool %s: %s%s%s", p->name, pool_phase_to_string(phase), reason ? ": " : "",
                 reason ? reason : "");
        if (p->rec->hooks.phase_changed)
                p->rec->hooks.phase_changed(p->rec->hooks.userdata, p);
}

void pool_emit(Pool *p, const char *event) {
        if (p->rec->hooks.pool_event)
                p->rec->hooks.pool_event(p->rec->hooks.userdata, p, event);
}

void volume_emit(Pool *p, const char *volume, const char *event) {
        if (p->rec->hooks.volume_event)
                p->rec->hooks.volume_event(p->rec->hooks.userdata, p, volume, event);
}

/* ---- coalescing: dirty pools are reconciled once per loop iteration ---- */

void pool_mark_dirty(Pool *p) {
        Reconciler *rec = p->rec;

        if (p->dirty)
                return;
        p->dirty = true;
        p->dirty_next = rec->dirty;
        rec->dirty = p;
        (void) sd_event_source_set_enabled(rec->defer, SD_EVENT_ONESHOT);
}

static void check_ready(Reconciler *rec) {
        if (rec->ready_sent)
                return;
        for (size_t i = 0; i < rec->n_pools; i++)
                if (!rec->pools[i]->initial_done)
                        return;
        rec->ready_sent = true;
        if (rec->hooks.ready)
                rec->hooks.ready(rec->hooks.userdata);
}

static int on_dirty(sd_event_source *s, void *userdata) {
        Reconciler *rec = userdata;
        Pool *list = rec->dirty;

        rec->dirty = NULL;
        while (list) {
                Pool *p = list;

                list = p->dirty_next;
                p->dirty = false;
                p->dirty_next = NULL;
                pool_reconcile(p);
        }
        /* Forgetting pools may free them: only after the pass. */
        for (size_t i = rec->n_pools; i > 0; i--)
                pool_maybe_forget(rec->pools[i - 1]);
        check_ready(rec);
        return 0;
}

/* ---- back-off ---- */

static int on_retry(sd_event_source *s, uint64_t usec, void *userdata) {
        Pool *p = userdata;

        p->next_retry = 0;
        p->retry_now = true;
        pool_mark_dirty(p);
        return 0;
}

void pool_schedule_retry(Pool *p) {
        const ReconcilerConfig *c = &p->rec->cfg;
        uint64_t delay = c->retry_min_usec, jitter = 0;

        for (unsigned i = 1; i < p->failures && delay < c->retry_max_usec; i++)
                delay *= 2;
        if (delay > c->retry_max_usec)
                delay = c->retry_max_usec;
        /* ±20% so that pools failing together do not retry together. */
        (void) getrandom(&jitter, sizeof(jitter), GRND_NONBLOCK);
        delay = delay * 8 / 10 + (delay > 0 ? jitter % (delay * 4 / 10 + 1) : 0);

        p->next_retry = now_realtime() + delay;
        p->retry_now = false;
        p->retry_timer = sd_event_source_disable_unref(p->retry_timer);
        if (sd_event_add_time_relative(p->rec->event, &p->retry_timer, CLOCK_MONOTONIC, delay, 0,
                                       on_retry, p) < 0)
                log_pool_warning(p->name, "Pool %s: cannot schedule a retry", p->name);
}

void pool_cancel_retry(Pool *p) {
        p->retry_timer = sd_event_source_disable_unref(p->retry_timer);
        p->next_retry = 0;
}

/* ---- reconciler ---- */

static int on_resync(sd_event_source *s, uint64_t usec, void *userdata);

static void schedule_resync(Reconciler *rec) {
        uint64_t d = rec->cfg.resync_usec, jitter = 0;

        if (d == 0)
                return;
        (void) getrandom(&jitter, sizeof(jitter), GRND_NONBLOCK);
        d = d * 8 / 10 + jitter % (d * 4 / 10 + 1);
        rec->resync_timer = sd_event_source_disable_unref(rec->resync_timer);
        if (sd_event_add_time_relative(rec->event, &rec->resync_timer, CLOCK_MONOTONIC, d, 0,
                                       on_resync, rec) < 0)
                log_warning("Cannot schedule the periodic resync");
}

static int on_resync(sd_event_source *s, uint64_t usec, void *userdata) {
        Reconciler *rec = userdata;

        log_debug("Periodic resync");
        reconciler_resync(rec);
        schedule_resync(rec);
        return 0;
}

int reconciler_new(sd_event *event, Store *store, Runtime *rt, const ReconcilerConfig *cfg,
                   const ReconcilerHooks *hooks, Reconciler **ret) {
        Reconciler *rec = xcalloc(1, sizeof(*rec));
        int r;

        rec->event = sd_event_ref(event);
        rec->store = store;
        rec->rt = rt;
        rec->cfg = *cfg;
        if (hooks)
                rec->hooks = *hooks;
        r = sd_event_add_defer(event, &rec->defer, on_dirty, rec);
        if (r < 0) {
                reconciler_free(rec);
                return r;
        }
        (void) sd_event_source_set_priority(rec->defer, SD_EVENT_PRIORITY_IDLE);
        (void) sd_event_source_set_enabled(rec->defer, SD_EVENT_OFF);
        *ret = rec;
        return 0;
}

Reconciler *reconciler_free(Reconciler *rec) {
        if (!rec)
                return NULL;
        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];
                if (p->job)
                        job_cancel(p->job);
                pool_ops_fail_all(p, -ECANCELED, "poold is shutting down");
                if (rec->hooks.pool_removed)
                        rec->hooks.pool_removed(rec->hooks.userdata, p);
                pool_free(p);
        }
        free(rec->pools);
        sd_event_source_disable_unref(rec->defer);
        sd_event_source_disable_unref(rec->resync_timer);
        sd_event_unref(rec->event);
        free(rec);
        return NULL;
}

/* The store's view of a pool: definition and autostart. */
static void pool_take_stored(Pool *p, const StoredPool *sp) {
        if (!p->def || !pool_def_equal(p->def, sp->def)) {
                pool_def_free(p->def);
                p->def = pool_def_copy(sp->def);
                p->retry_now = true;
                p->held = false;
                if (!pool_is_active(p)) {
                        /* What udev said of the old definition's device says nothing of the
                         * new one's. */
                        p->device_state = -1;
                        pool_devices_done(p);
                }
        }
        p->persistent = true;
        if (p->autostart != sp->autostart)
                p->retry_now = true;
        p->autostart = sp->autostart;
}

/* Brings pools in line with the store after it changed. */
static void sync_with_store(Reconciler *rec) {
        for (size_t i = 0; i < rec->store->n_pools; i++) {
                const StoredPool *sp = rec->store->pools[i];
                Pool *p = reconciler_find(rec, sp->def->name);

                if (!p) {
                        p = pool_new(rec, sp->def->name);
                        p->intent = runtime_get_intent(rec->rt, p->name);
                }
                pool_take_stored(p, sp);
                pool_mark_dirty(p);
        }
        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];

                if (!p->persistent || store_find(rec->store, p->name))
                        continue;
                /* Removed from the directory: no longer wanted at all. */
                log_pool_info(p->name, "Pool %s: definition removed", p->name);
                pool_def_free(p->def);
                p->def = NULL;
                p->persistent = false;
                p->autostart = false;
                (void) runtime_set_intent(rec->rt, p->name, INTENT_NONE);
                p->intent = INTENT_NONE;
                pool_emit(p, "Undefined");
                pool_mark_dirty(p);
        }
}

static void report_store_problems(Reconciler *rec) {
        for (size_t i = 0; i < rec->store->n_problems; i++) {
                _cleanup_free_ char *m = error_to_string(&rec->store->problems[i]);
                log_error("%s/%s", rec->store->dir, m);
        }
}

int reconciler_start(Reconciler *rec) {
        PoolDef **states = NULL;
        size_t n_states = 0;
        int r;

        r = store_load(rec->store);
        if (r < 0)
                return log_error_errno(r, "Failed to read %s: %m", rec->store->dir);
        report_store_problems(rec);

        /* Pools that were running when the daemon stopped: adopt, never start again. */
        r = runtime_load_states(rec->rt, &states, &n_states);
        if (r < 0)
                log_warning_errno(r, "Failed to read runtime state, ignoring: %m");
        for (size_t i = 0; i < n_states; i++) {
                Pool *p = pool_new(rec, states[i]->name);

                p->intent = runtime_get_intent(rec->rt, p->name);
                p->live_def = states[i];
                p->needs_adopt = true;
                if (!store_find(rec->store, p->name))
                        p->def = pool_def_copy(states[i]); /* transient */
                pool_mark_dirty(p);
        }
        free(states);

        sync_with_store(rec);
        schedule_resync(rec);
        /* With no pools at all, the first pass is trivially done. */
        (void) sd_event_source_set_enabled(rec->defer, SD_EVENT_ONESHOT);
        return 0;
}

/* ---- events from watchers ---- */

void reconciler_definition_changed(Reconciler *rec, const char *file) {
        int r = store_reload_file(rec->store, file);

        if (r < 0) {
                log_warning_errno(r, "Failed to re-read %s/%s: %m", rec->store->dir, file);
                return;
        }
        for (size_t i = 0; i < rec->store->n_problems; i++)
                if (streq_ptr(rec->store->problems[i].file, file)) {
                        _cleanup_free_ char *m = error_to_string(&rec->store->problems[i]);
                        log_error("%s/%s", rec->store->dir, m);
                }
        if (r > 0)
                sync_with_store(rec);
}

void reconciler_autostart_changed(Reconciler *rec, const char *link) {
        /* autostart/NAME.xml changed: only NAME.xml is read again (it re-judges its link). */
        reconciler_definition_changed(rec, link);
}

void reconciler_definitions_overflow(Reconciler *rec) {
        log_warning("Definitions watch overflowed: reading every definition again");
        if (store_load(rec->store) < 0)
                return;
        report_store_problems(rec);
        sync_with_store(rec);
}

void reconciler_pool_dir_entry(Reconciler *rec, Pool *p, const char *name) {
        if (!pool_is_active(p))
                return;
        for (size_t i = 0; i < p->n_pending_names; i++)
                if (streq(p->pending_names[i], name))
                        return;
        ARRAY_APPEND(p->pending_names, p->n_pending_names, xstrdup(name));
        pool_mark_dirty(p);
}

void reconciler_pool_dir_overflow(Reconciler *rec) {
        log_warning("Pool directory watch overflowed: refreshing every running pool");
        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];
                if (pool_is_active(p)) {
                        p->needs_full_refresh = true;
                        pool_mark_dirty(p);
                }
        }
}

void reconciler_pool_dir_gone(Reconciler *rec, Pool *p) {
        if (!pool_is_active(p))
                return;
        log_pool_warning(p->name, "Pool %s: its directory went away", p->name);
        p->needs_full_refresh = true; /* the refresh fails and the pool stops */
        pool_mark_dirty(p);
}

void reconciler_resync(Reconciler *rec) {
        if (store_load(rec->store) == 0)
                sync_with_store(rec);
        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];
                if (pool_is_active(p))
                        p->needs_full_refresh = true;
                pool_mark_dirty(p);
        }
}

void reconciler_storage_changed(Reconciler *rec) {
        for (size_t i = 0; i < rec->n_pools; i++) {
                Pool *p = rec->pools[i];

                if (pool_is_wanted(p) && !pool_is_active(p) &&
                    (p->phase == PHASE_WAITING || p->phase == PHASE_FAILED)) {
                        p->retry_now = true;
                        pool_mark_dirty(p);
                }
        }
}
