/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What a pool does next, and the jobs that do it. */
#include <stdio.h>

#include "reconcile/reconciler-internal.h"
#include "shared/log.h"
#include "shared/memory-trim.h"

/* Everything a job needs, copied off the pool so the thread shares nothing with the loop. */
typedef struct JobCtx {
        Pool *pool;
        OpType type;
        PoolOp *op; /* the client's request this job serves, or NULL */
        const Backend *be;
        PoolDef *def;
        unsigned flags;
        NamedRefresh *named;
        size_t n_named;
        /* results */
        int active; /* adopt: what check said */
        KnownFiles known; /* a full refresh's snapshot of the pool's files, for refresh.known */
        RefreshResult refresh;
        PoolSizes sizes;
        bool sizes_read; /* sizes hold the pool's sizes after a volume creation or deletion */
        VolDef *vol_out;
        FoundVolume found;
} JobCtx;

static void pool_op_free(PoolOp *op) {
        if (!op)
                return;
        vol_def_free(op->vol);
        free(op->vol_name);
        pool_def_free(op->src_pool_def);
        vol_def_free(op->src_vol);
        if (op->fd >= 0)
                close(op->fd);
        free(op);
}

static void job_ctx_free(void *data) {
        JobCtx *c = data;

        pool_def_free(c->def);
        for (size_t i = 0; i < c->n_named; i++) {
                free(c->named[i].name);
                vol_def_free(c->named[i].found.def);
        }
        free(c->named);
        refresh_result_done(&c->refresh);
        known_files_done(&c->known);
        vol_def_free(c->vol_out);
        vol_def_free(c->found.def);
        pool_op_free(c->op);
        free(c);
}

static const char *op_name(OpType t) {
        static const char *const names[] = {
                [OP_ADOPT] = "adoption",       [OP_START] = "start",
                [OP_STOP] = "stop",            [OP_REFRESH] = "refresh",
                [OP_REFRESH_NAMES] = "refresh", [OP_BUILD] = "build",
                [OP_DELETE] = "deletion",      [OP_VOL_CREATE] = "volume creation",
                [OP_VOL_CREATE_FROM] = "volume creation", [OP_VOL_DELETE] = "volume deletion",
                [OP_VOL_RESIZE] = "volume resize", [OP_VOL_WIPE] = "volume wipe",
                [OP_VOL_REFRESH] = "volume refresh", [OP_VOL_UPLOAD] = "volume upload",
                [OP_VOL_DOWNLOAD] = "volume download", [OP_VERIFY] = "check",
                [OP_RELEASE] = "release",
        };
        return names[t];
}

static int not_supported(Error *err, const char *what) {
        return error_set_errno(err, -EOPNOTSUPP, 0, "storage pool does not support %s", what);
}

/* ---- the work, in the job's thread ---- */

static int work_refresh(JobCtx *c, Error *err) {
        if (!c->be->refresh)
                return not_supported(err, "refresh");
        return c->be->refresh(c->def, &c->refresh, err);
}

static int work_start(JobCtx *c, Error *err) {
        int r;

        /* --build, --overwrite and --no-overwrite all build first, as in virsh. */
        if (c->flags & (START_BUILD | START_OVERWRITE | START_NO_OVERWRITE)) {
                if (c->be->build &&
                    (r = c->be->build(c->def, build_flags_from_start(c->flags), err)) < 0)
                        return r;
        }
        if (c->be->start && (r = c->be->start(c->def, err)) < 0)
                return r;
        return work_refresh(c, err);
}

static int work_adopt(JobCtx *c, Error *err) {
        int r;

        if (!c->be->check)
                return 0; /* cannot tell: as libvirt, considered inactive */
        r = c->be->check(c->def, err);
        if (r <= 0)
                return r;
        c->active = 1;
        return work_refresh(c, err);
}

/* The volume as an upload left it, for job_done(); if it cannot be read now, job_done()
 * queues a refresh of its name instead. */
static void work_reread(JobCtx *c, const char *name) {
        _cleanup_error_ Error e = ERROR_INIT;

        if (c->be->vol_refresh && c->be->vol_refresh(c->def, name, &c->found, &e) < 0)
                c->found = (FoundVolume){};
}

/* Uploads and downloads: the client's descriptor is closed as soon as the data moved, so a
 * reader at the other end of a pipe sees its end before the reply. */
static int work_transfer(JobCtx *c, Error *err) {
        PoolOp *op = c->op;
        int r;

        if (c->type == OP_VOL_UPLOAD) {
                if (!c->be->vol_upload)
                        return error_set_errno(err, -EOPNOTSUPP, 0,
                                               "storage pool doesn't support volume upload");
                r = c->be->vol_upload(c->def, op->src_vol, op->fd, op->offset, op->length,
                                      op->flags, err);
        } else {
                if (!c->be->vol_download)
                        return error_set_errno(err, -EOPNOTSUPP, 0,
                                               "storage pool doesn't support volume download");
                r = c->be->vol_download(c->def, op->src_vol, op->fd, op->offset, op->length,
                                        op->flags, err);
        }
        close(op->fd);
        op->fd = -1;
        if (r >= 0 && c->type == OP_VOL_UPLOAD)
                work_reread(c, op->vol_name);
        return r;
}

/* Is the running pool's storage still set up? If not, release what is left of it (a lazy
 * unmount: the device may be dead), so that a later start begins from nothing. */
static int work_verify(JobCtx *c, Error *err) {
        int r;

        if (!c->be->check) {
                c->active = 1;
                return 0;
        }
        r = c->be->check(c->def, err);
        if (r > 0) {
                c->active = 1;
                return 0;
        }
        if (c->be->device_lost) {
                _cleanup_error_ Error e = ERROR_INIT;
                if (c->be->device_lost(c->def, &e) < 0)
                        log_warning("Pool %s: %s", c->def->name, e.message ? e.message : "cannot release its storage");
        }
        return r;
}

/* A pool whose backend cannot refresh named entries (disk) learns of no directory event
 * after a volume came or went: its sizes are read again in the same job, so the reply to
 * vol-create or vol-delete is followed by current sizes (libvirt refreshes such a pool then,
 * too). A failure here leaves the old sizes, to be corrected by the next refresh. */
static int work_sizes_after(JobCtx *c, int r) {
        _cleanup_(refresh_result_done) RefreshResult res = {};
        _cleanup_error_ Error e = ERROR_INIT;

        if (r < 0 || c->be->refresh_names || !c->be->refresh)
                return r;
        if (c->be->refresh(c->def, &res, &e) >= 0) {
                c->sizes = res.sizes;
                c->sizes_read = true;
        }
        return r;
}

static int job_work(void *data, Error *err) {
        JobCtx *c = data;
        const PoolOp *op = c->op;
        const Backend *be = c->be;

        switch (c->type) {
        case OP_ADOPT: return work_adopt(c, err);
        case OP_START: return work_start(c, err);
        case OP_STOP: return be->stop ? be->stop(c->def, err) : 0;
        case OP_REFRESH: return work_refresh(c, err);
        case OP_REFRESH_NAMES:
                if (!be->refresh_names)
                        return work_refresh(c, err);
                return be->refresh_names(c->def, c->named, c->n_named, &c->sizes, err);
        case OP_BUILD:
                return be->build ? be->build(c->def, c->flags, err) : 0;
        case OP_DELETE:
                return be->delete ? be->delete(c->def, err)
                                  : error_set_errno(err, -EOPNOTSUPP, 0,
                                                    "pool does not support pool deletion");
        case OP_VOL_CREATE:
                if (!be->vol_create)
                        return not_supported(err, "volume creation");
                return work_sizes_after(
                        c, be->vol_create(c->def, op->vol, op->flags, &c->vol_out, err));
        case OP_VOL_CREATE_FROM:
                if (!be->vol_create_from)
                        return not_supported(err, "volume creation");
                return be->vol_create_from(c->def, op->vol, op->src_pool_def, op->src_vol,
                                           op->flags, &c->vol_out, err);
        case OP_VOL_DELETE:
                if (!be->vol_delete)
                        return not_supported(err, "vol deletion");
                return work_sizes_after(c, be->vol_delete(c->def, op->src_vol, op->flags, err));
        case OP_VOL_RESIZE:
                if (!be->vol_resize)
                        return not_supported(err, "changing of volume capacity");
                return be->vol_resize(c->def, op->src_vol, op->capacity, op->flags, err);
        case OP_VOL_WIPE:
                if (!be->vol_wipe)
                        return error_set_errno(err, -EOPNOTSUPP, 0,
                                               "storage pool doesn't support volume wiping");
                return be->vol_wipe(c->def, op->src_vol, op->algorithm, err);
        case OP_VOL_REFRESH:
                if (!be->vol_refresh)
                        return 0;
                return be->vol_refresh(c->def, op->vol_name, &c->found, err);
        case OP_VOL_UPLOAD:
        case OP_VOL_DOWNLOAD: return work_transfer(c, err);
        case OP_VERIFY: return work_verify(c, err);
        case OP_RELEASE: return be->device_lost ? be->device_lost(c->def, err) : 0;
        }
        return -EINVAL;
}

/* ---- results, on the loop ---- */

static void reply(PoolOp *op, int r, const Error *err) {
        if (op && op->done) {
                op->done(op->userdata, r, err);
                op->done = NULL;
        }
}

/* After n volumes were freed or replaced: return the freed heap to the kernel once this
 * dispatch is over (the refresh result goes with the job), else RSS stays at the peak. */
static void pool_trim_memory(Pool *p, size_t n) {
        if (n >= MEMORY_TRIM_MIN_ITEMS)
                memory_trim_soon(p->rec->event, NULL);
}

/* Files the backend found as they were: their volumes stay as they are (only the access time
 * moves, as a new read would show it). One missing from the table (it cannot be: the table
 * changes only when this pool's jobs end) is read again by name. */
static void apply_unchanged(Pool *p, const RefreshResult *res) {
        for (size_t i = 0; i < res->n_unchanged; i++) {
                const UnchangedFile *u = &res->unchanged[i];
                Volume *v = volume_table_get(&p->vols, u->name);

                if (!v) {
                        reconciler_pool_dir_entry(p->rec, p, u->name);
                        continue;
                }
                v->seen = true;
                if (v->def->target.has_timestamps)
                        v->def->target.timestamps.atime = u->atime;
        }
}

/* Installs a full refresh's volumes in place, with an event for each difference. */
static void apply_full_refresh(Pool *p, RefreshResult *res, bool quiet) {
        PoolType type = p->live_def->type;
        size_t before = volume_table_size(&p->vols);
        size_t replaced = before - (res->n_unchanged < before ? res->n_unchanged : before);
        Volume *v, *tmp;

        /* What the job frees: the new volumes or the replaced ones, and for a refresh given the
         * known files, that snapshot and the unchanged list (plus the backend's own lists). */
        pool_trim_memory(p, res->n_vols + res->n_unchanged > replaced
                                    ? res->n_vols + res->n_unchanged
                                    : replaced);
        HASH_ITER(hh_name, p->vols.by_name, v, tmp)
                v->seen = false;
        apply_unchanged(p, res);
        for (size_t i = 0; i < res->n_vols; i++) {
                FoundVolume *f = &res->vols[i];
                const char *name = f->def->name;
                VolumeChange ch = volume_table_put(&p->vols, TAKE_PTR(f->def), &f->st, type);

                volume_table_get(&p->vols, name)->seen = true;
                if (!quiet && ch != VOLUME_UNCHANGED)
                        volume_emit(p, name, ch == VOLUME_ADDED ? "Added" : "Changed");
        }
        HASH_ITER(hh_name, p->vols.by_name, v, tmp) {
                if (v->seen)
                        continue;
                if (!quiet)
                        volume_emit(p, v->def->name, "Removed");
                volume_table_remove(&p->vols, v->def->name);
        }
        p->sizes = res->sizes;
        /* As libvirt: the live XML shows the directory's permissions as they are (kept apart
         * from the live definition, which is what a pending change is compared with). */
        p->has_target_st = res->has_target_st;
        if (res->has_target_st)
                p->target_st = res->target_st;
        for (size_t i = 0; i < res->n_warnings; i++)
                log_pool_warning(p->name, "Pool %s: %s", p->name, res->warnings[i]);
}

static void apply_named_refresh(Pool *p, JobCtx *c) {
        for (size_t i = 0; i < c->n_named; i++) {
                NamedRefresh *n = &c->named[i];

                if (!n->found.def) {
                        if (volume_table_remove(&p->vols, n->name))
                                volume_emit(p, n->name, "Removed");
                        continue;
                }
                switch (volume_table_put(&p->vols, TAKE_PTR(n->found.def), &n->found.st,
                                         p->live_def->type)) {
                case VOLUME_ADDED: volume_emit(p, n->name, "Added"); break;
                case VOLUME_CHANGED: volume_emit(p, n->name, "Changed"); break;
                default: break;
                }
        }
        p->sizes = c->sizes;
}

/* New data in a volume is a change worth an event, even where its size did not move. */
static void apply_upload(Pool *p, JobCtx *c) {
        const char *name = c->op->vol_name;

        if (!pool_is_active(p))
                return;
        if (!c->found.def) {
                reconciler_pool_dir_entry(p->rec, p, name);
                return;
        }
        if (volume_table_put(&p->vols, TAKE_PTR(c->found.def), &c->found.st, p->live_def->type) ==
            VOLUME_ADDED)
                volume_emit(p, name, "Added");
        else
                volume_emit(p, name, "Changed");
}

static void watch_dir(Pool *p, bool on) {
        Reconciler *rec = p->rec;
        PoolDeps deps = {};

        if (!rec->hooks.watch_dir)
                return;
        if (!on) {
                rec->hooks.watch_dir(rec->hooks.userdata, p, NULL);
                return;
        }
        if (c_backend(p) && c_backend(p)->dependencies &&
            c_backend(p)->dependencies(p->live_def, &deps) >= 0 && deps.watch_dir)
                rec->hooks.watch_dir(rec->hooks.userdata, p, deps.watch_dir);
        pool_deps_done(&deps);
}

/* The pool now runs with def (adopted or started). */
static void pool_became_active(Pool *p, const PoolDef *def, RefreshResult *res) {
        int r;

        pool_def_free(p->live_def);
        p->live_def = pool_def_copy(def);
        r = runtime_write_state(p->rec->rt, p->live_def);
        if (r < 0)
                log_warning_errno(r, "Pool %s: cannot record its runtime state: %m", p->name);
        pool_trim_memory(p, volume_table_size(&p->vols));
        volume_table_clear(&p->vols);
        apply_full_refresh(p, res, true);
        p->failures = 0;
        pool_cancel_retry(p);
        free(p->last_error);
        p->last_error = NULL;
        pool_set_phase(p, PHASE_RUNNING, NULL);
        watch_dir(p, true);
        pool_devices_started(p);
}

static void pool_became_inactive(Pool *p) {
        watch_dir(p, false);
        pool_trim_memory(p, volume_table_size(&p->vols));
        volume_table_clear(&p->vols);
        p->sizes = (PoolSizes){};
        p->has_target_st = false;
        pool_def_free(p->live_def);
        p->live_def = NULL;
        (void) runtime_remove_state(p->rec->rt, p->name);
        p->needs_full_refresh = false;
        pool_clear_pending_names(p);
        p->lost_timer = sd_event_source_disable_unref(p->lost_timer);
        p->needs_release = false;
        p->needs_verify = false;
        pool_set_phase(p, PHASE_INACTIVE, NULL);
}

/* What a check found missing, for the pool's reason. */
static char *verify_reason(Pool *p, int r, const Error *err) {
        _cleanup_(pool_deps_done) PoolDeps deps = {};

        if (r < 0 && err && err->message)
                return error_to_string(err);
        if (pool_get_deps(p, &deps) && deps.mount_target)
                return xasprintf("'%s' is no longer mounted", deps.mount_target);
        return xstrdup("its storage is gone");
}

/* A start (or a refresh of a running pool) failed: wait for what is missing, or retry. */
static void pool_failed(Pool *p, int r, const Error *err) {
        _cleanup_free_ char *msg = err && err->message ? error_to_string(err) : NULL;

        free(p->last_error);
        p->last_error = xstrdup(msg ? msg : strerror(-r));
        p->failures++;
        p->device_up_usec = 0; /* the timing of a device's arrival is of a start that works */
        if (pool_is_wanted(p))
                pool_schedule_retry(p);
        if (r == -ENOENT || r == -ENODEV || r == -ENXIO)
                pool_set_phase(p, PHASE_WAITING, "%s", p->last_error);
        else
                pool_set_phase(p, PHASE_FAILED, "%s", p->last_error);
}

static void pool_forget_transient(Pool *p) {
        pool_def_free(p->def);
        p->def = NULL;
        pool_cancel_retry(p);
        (void) runtime_set_intent(p->rec->rt, p->name, INTENT_NONE);
        p->intent = INTENT_NONE;
        pool_set_phase(p, PHASE_INACTIVE, NULL);
}

static void job_done(void *data, int r, const Error *err) {
        JobCtx *c = data;
        Pool *p = c->pool;
        PoolOp *op = c->op;

        p->job = NULL;
        p->initial_done = true;
        switch (c->type) {
        case OP_ADOPT:
                p->needs_adopt = false;
                if (r >= 0 && c->active) {
                        log_pool_info(p->name, "Pool %s: adopted (it was running)", p->name);
                        pool_became_active(p, c->def, &c->refresh);
                } else {
                        if (r < 0)
                                log_pool_warning(p->name, "Pool %s: cannot adopt: %s", p->name,
                                            err && err->message ? err->message : strerror(-r));
                        pool_became_inactive(p);
                }
                break;
        case OP_START:
                if (r >= 0) {
                        pool_became_active(p, c->def, &c->refresh);
                        pool_emit(p, "Started");
                } else {
                        pool_def_free(p->live_def);
                        p->live_def = NULL;
                        pool_failed(p, r, err);
                        /* A transient pool that cannot start is gone, as in libvirt. */
                        if (!p->persistent && op)
                                pool_forget_transient(p);
                }
                reply(op, r, err);
                break;
        case OP_STOP:
                if (r >= 0) {
                        pool_became_inactive(p);
                        pool_emit(p, "Stopped");
                        /* Transient pools live until stopped. */
                        if (!p->persistent)
                                pool_forget_transient(p);
                } else {
                        /* Busy (a mount in use...): keep it, say so, retry. */
                        pool_set_phase(p, PHASE_RUNNING, "stopping failed: %s",
                                       err && err->message ? err->message : strerror(-r));
                        p->failures++;
                        pool_schedule_retry(p);
                }
                reply(op, r, err);
                break;
        case OP_REFRESH:
        case OP_REFRESH_NAMES:
                if (r >= 0) {
                        if (c->type == OP_REFRESH)
                                apply_full_refresh(p, &c->refresh, false);
                        else
                                apply_named_refresh(p, c);
                        if (c->type == OP_REFRESH && op)
                                pool_emit(p, "Refreshed");
                } else {
                        /* As libvirt: a pool that cannot be refreshed is not running. */
                        pool_became_inactive(p);
                        pool_emit(p, "Stopped");
                        pool_failed(p, r, err);
                }
                reply(op, r, err);
                break;
        case OP_BUILD:
                pool_set_phase(p, PHASE_INACTIVE, NULL);
                if (r >= 0)
                        pool_emit(p, "Created");
                reply(op, r, err);
                break;
        case OP_DELETE:
                pool_set_phase(p, PHASE_INACTIVE, NULL);
                if (r >= 0)
                        pool_emit(p, "Deleted");
                reply(op, r, err);
                break;
        case OP_VOL_CREATE:
        case OP_VOL_CREATE_FROM:
                if (r >= 0 && c->vol_out && pool_is_active(p)) {
                        const char *name = c->vol_out->name;
                        struct stat st = {};
                        if (volume_table_put(&p->vols, TAKE_PTR(c->vol_out), &st,
                                             p->live_def->type) == VOLUME_ADDED)
                                volume_emit(p, name, "Added");
                }
                if (r >= 0 && c->sizes_read && pool_is_active(p))
                        p->sizes = c->sizes;
                reply(op, r, err);
                break;
        case OP_VOL_DELETE:
                if (r >= 0 && volume_table_remove(&p->vols, op->vol_name))
                        volume_emit(p, op->vol_name, "Removed");
                if (r >= 0 && c->sizes_read && pool_is_active(p))
                        p->sizes = c->sizes;
                reply(op, r, err);
                break;
        case OP_VOL_RESIZE:
        case OP_VOL_WIPE:
        case OP_VOL_REFRESH:
                if (c->type == OP_VOL_REFRESH && r == -ENOENT) {
                        if (volume_table_remove(&p->vols, op->vol_name))
                                volume_emit(p, op->vol_name, "Removed");
                } else if (r >= 0 && c->found.def && pool_is_active(p)) {
                        if (volume_table_put(&p->vols, TAKE_PTR(c->found.def), &c->found.st,
                                             p->live_def->type) == VOLUME_CHANGED)
                                volume_emit(p, op->vol_name, "Changed");
                } else if (r >= 0 && c->type != OP_VOL_REFRESH) {
                        /* the volume changed: read it again */
                        reconciler_pool_dir_entry(p->rec, p, op->vol_name);
                }
                reply(op, r, err);
                break;
        case OP_VOL_UPLOAD:
                if (r >= 0)
                        apply_upload(p, c);
                reply(op, r, err);
                break;
        case OP_VOL_DOWNLOAD:
                reply(op, r, err);
                break;
        case OP_VERIFY:
                if (!pool_is_active(p))
                        break;
                if (c->active) {
                        if (p->phase == PHASE_DEGRADED)
                                pool_set_phase(p, PHASE_RUNNING, NULL);
                } else {
                        _cleanup_free_ char *why = verify_reason(p, r, err);
                        bool by_hand = p->verify_by_hand;

                        log_pool_warning(p->name, "Pool %s: %s", p->name, why);
                        pool_became_inactive(p);
                        pool_emit(p, "Stopped");
                        pool_storage_lost(p, by_hand, why);
                }
                break;
        case OP_RELEASE:
                if (r < 0)
                        log_pool_warning(p->name, "Pool %s: %s", p->name,
                                         err && err->message ? err->message : strerror(-r));
                if (pool_is_active(p)) {
                        pool_became_inactive(p);
                        pool_emit(p, "Stopped");
                        pool_storage_lost(p, false, "its device is gone");
                }
                break;
        }
        pool_mark_dirty(p);
}

static int start_job(Pool *p, OpType type, PoolOp *op, const PoolDef *def, unsigned flags) {
        _cleanup_free_ char *what = xasprintf("%s of pool '%s'", op_name(type), p->name);
        JobCtx *c = xcalloc(1, sizeof(*c));
        int r;

        c->pool = p;
        c->type = type;
        c->op = op;
        c->be = c_backend(p);
        c->def = pool_def_copy(def);
        c->flags = flags;
        if (type == OP_REFRESH_NAMES) {
                c->named = xcalloc(p->n_pending_names, sizeof(NamedRefresh));
                for (size_t i = 0; i < p->n_pending_names; i++)
                        c->named[i].name = TAKE_PTR(p->pending_names[i]);
                c->n_named = p->n_pending_names;
                pool_clear_pending_names(p);
        }
        /* A refresh of a running pool reads again only what moved since (PERFORMANCE.md, 2). */
        if (type == OP_REFRESH && pool_is_active(p) && p->live_def &&
            streq_ptr(def->target_path, p->live_def->target_path)) {
                volume_table_known_files(&p->vols, &c->known);
                c->refresh.known = &c->known;
        }
        r = job_start(p->rec->event, what, p->rec->cfg.job_timeout_usec, job_work, job_done,
                      job_ctx_free, c, &p->job);
        if (r < 0) {
                c->op = NULL; /* the caller answers */
                job_ctx_free(c);
                return log_error_errno(r, "Failed to start the %s: %m", what);
        }
        return 0;
}

/* ---- what next ---- */

static void serve_next_op(Pool *p) {
        PoolOp *op = p->ops;
        const PoolDef *def = pool_current_def(p);
        PoolPhase phase = PHASE_INACTIVE;
        int r;

        p->ops = op->next;
        if (!p->ops)
                p->ops_tail = NULL;
        op->next = NULL;

        switch (op->type) {
        case OP_START:
                phase = PHASE_STARTING;
                def = p->def;
                p->held = false; /* pool-start overrides an unmount by hand */
                break;
        case OP_STOP: phase = PHASE_STOPPING; break;
        case OP_BUILD: phase = PHASE_BUILDING; def = p->def; break;
        case OP_DELETE: phase = PHASE_DELETING; def = p->def; break;
        default: phase = p->phase; break;
        }
        if (!def) {
                Error e = ERROR_INIT;
                error_set(&e, 0, "storage pool '%s' is no longer defined", p->name);
                reply(op, -ENOENT, &e);
                error_clear(&e);
                pool_op_free(op);
                return;
        }
        r = start_job(p, op->type, op, def, op->flags);
        if (r < 0) {
                Error e = ERROR_INIT;
                error_set_errno(&e, r, 0, "cannot start a job: %s", strerror(-r));
                reply(op, r, &e);
                error_clear(&e);
                pool_op_free(op);
                return;
        }
        if (phase != p->phase)
                pool_set_phase(p, phase, NULL);
}

void pool_reconcile(Pool *p) {
        bool wanted, active;

        if (p->job)
                return; /* job_done() marks the pool dirty again */
        if (!c_backend(p)) {
                p->initial_done = true;
                if (pool_is_wanted(p))
                        pool_set_phase(p, PHASE_FAILED, "unsupported pool type '%s'",
                                       pool_type_to_string(pool_current_def(p)->type));
                else
                        pool_set_phase(p, PHASE_INACTIVE, NULL);
                pool_ops_fail_all(p, -EOPNOTSUPP, NULL);
                return;
        }
        if (p->needs_adopt) {
                (void) start_job(p, OP_ADOPT, NULL, p->live_def, 0);
                return;
        }
        active = pool_is_active(p);
        if (active && p->needs_release) {
                p->needs_release = false;
                p->needs_verify = false;
                (void) start_job(p, OP_RELEASE, NULL, p->live_def, 0);
                return;
        }
        if (active && p->needs_verify) {
                p->needs_verify = false;
                (void) start_job(p, OP_VERIFY, NULL, p->live_def, 0);
                return;
        }
        if (p->ops) {
                serve_next_op(p);
                return;
        }

        wanted = pool_is_wanted(p);
        if (wanted && !active && p->held) {
                p->initial_done = true;
                return; /* unmounted by hand: waits for its device, a mount or pool-start */
        }
        if (wanted && !active && p->device_state == 0 && !p->retry_now && !p->next_retry) {
                /* udev said the device is gone: its return starts the pool at once, so no
                 * attempt now; the back-off retry stays, in case an event was missed. */
                pool_schedule_retry(p);
                p->initial_done = true;
                return;
        }
        if (wanted && !active) {
                if (p->next_retry && !p->retry_now) {
                        p->initial_done = true;
                        return; /* the retry timer will come */
                }
                p->retry_now = false;
                pool_cancel_retry(p);
                if (start_job(p, OP_START, NULL, p->def, 0) >= 0)
                        pool_set_phase(p, PHASE_STARTING, NULL);
                return;
        }
        if (!wanted && active) {
                if (p->next_retry && !p->retry_now)
                        return;
                p->retry_now = false;
                if (start_job(p, OP_STOP, NULL, p->live_def, 0) >= 0)
                        pool_set_phase(p, PHASE_STOPPING, NULL);
                return;
        }
        if (active && p->needs_full_refresh) {
                p->needs_full_refresh = false;
                pool_clear_pending_names(p);
                (void) start_job(p, OP_REFRESH, NULL, p->live_def, 0);
                return;
        }
        if (active && p->n_pending_names > 0) {
                (void) start_job(p, OP_REFRESH_NAMES, NULL, p->live_def, 0);
                return;
        }
        if (!wanted && !active && p->phase != PHASE_INACTIVE) {
                pool_cancel_retry(p);
                pool_set_phase(p, PHASE_INACTIVE, NULL);
        }
        p->initial_done = true;
}
