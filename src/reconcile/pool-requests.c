/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Clients' requests: pool-define, pool-start, vol-create ... Checks happen here, at once; the
 * work is queued on the pool and answered when its job is done. Messages are libvirt's. */
#include "reconcile/reconciler-internal.h"
#include "shared/log.h"

static PoolOp *op_new(OpType type, unsigned flags, OpDone done, void *userdata) {
        PoolOp *op = xcalloc(1, sizeof(*op));

        op->type = type;
        op->flags = flags;
        op->done = done;
        op->userdata = userdata;
        op->fd = -1;
        return op;
}

void pool_enqueue(Pool *p, PoolOp *op) {
        if (p->ops_tail)
                p->ops_tail->next = op;
        else
                p->ops = op;
        p->ops_tail = op;
        pool_mark_dirty(p);
}

void pool_ops_fail_all(Pool *p, int r, const char *message) {
        Error e = ERROR_INIT;

        error_set_errno(&e, r, 0, "%s", message ? message : "storage pool does not support this");
        while (p->ops) {
                PoolOp *op = p->ops;

                p->ops = op->next;
                if (op->done)
                        op->done(op->userdata, r, &e);
                vol_def_free(op->vol);
                free(op->vol_name);
                pool_def_free(op->src_pool_def);
                vol_def_free(op->src_vol);
                if (op->fd >= 0)
                        close(op->fd);
                free(op);
        }
        p->ops_tail = NULL;
        error_clear(&e);
}

static int not_active(Pool *p, Error *err) {
        return error_set_errno(err, -ESRCH, 0,
                               "Requested operation is not valid: storage pool '%s' is not active",
                               p->name);
}

static int already_active(Pool *p, Error *err) {
        return error_set_errno(err, -EALREADY, 0,
                               "Requested operation is not valid: storage pool '%s' is already "
                               "active",
                               p->name);
}

static int set_intent(Pool *p, Intent intent) {
        int r = runtime_set_intent(p->rec->rt, p->name, intent);

        if (r < 0)
                log_warning_errno(r, "Pool %s: cannot record intent %s: %m", p->name,
                                  intent_to_string(intent));
        p->intent = intent;
        return r;
}

static int parse_definition(const char *xml, PoolDef **ret, Error *err) {
        return pool_def_parse_string(xml, strlen(xml), ret, err);
}

int pool_define(Reconciler *rec, const char *xml, Pool **ret, Error *err) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        StoredPool *sp;
        Pool *p;
        bool existed;
        int r;

        r = parse_definition(xml, &def, err);
        if (r < 0)
                return r;
        p = reconciler_find(rec, def->name);
        if (p && !p->persistent && pool_is_active(p))
                return error_set_errno(err, -EEXIST, 0,
                                       "operation failed: pool '%s' is already defined (as a "
                                       "transient pool)",
                                       def->name);
        existed = p && p->persistent;
        r = store_define(rec->store, def, err);
        if (r < 0)
                return r;
        sp = store_find(rec->store, def->name);
        if (!p)
                p = pool_new(rec, def->name);
        pool_def_free(p->def);
        p->def = pool_def_copy(sp->def);
        p->persistent = true;
        p->autostart = sp->autostart;
        if (!existed)
                p->intent = runtime_get_intent(rec->rt, p->name);
        pool_emit(p, "Defined");
        pool_mark_dirty(p);
        *ret = p;
        return 0;
}

int pool_create_transient(Reconciler *rec, const char *xml, unsigned flags, OpDone done,
                          void *userdata, Pool **ret, Error *err) {
        _cleanup_pool_def_ PoolDef *def = NULL;
        Pool *p;
        int r;

        r = parse_definition(xml, &def, err);
        if (r < 0)
                return r;
        p = reconciler_find(rec, def->name);
        if (p)
                return error_set_errno(err, -EEXIST, 0,
                                       "operation failed: pool '%s' already exists", def->name);
        r = store_check_conflicts(rec->store, def, NULL, err);
        if (r < 0)
                return r;
        for (size_t i = 0; i < rec->n_pools; i++) {
                const PoolDef *o = pool_current_def(rec->pools[i]);
                if (o && !rec->pools[i]->persistent && pool_def_source_conflicts(o, def))
                        return error_set_errno(err, -EEXIST, 0,
                                               "Storage source conflict with pool: '%s'",
                                               rec->pools[i]->name);
        }
        if (!backend_for(def->type))
                return error_set_errno(err, -EOPNOTSUPP, 0,
                                       "unsupported storage pool type '%s'",
                                       pool_type_to_string(def->type));
        p = pool_new(rec, def->name);
        p->def = TAKE_PTR(def);
        p->persistent = false;
        set_intent(p, INTENT_START);
        pool_enqueue(p, op_new(OP_START, flags, done, userdata));
        *ret = p;
        return 0;
}

int pool_undefine(Pool *p, Error *err) {
        int r;

        if (pool_is_active(p) || p->job)
                return error_set_errno(err, -EBUSY, 0,
                                       "Requested operation is not valid: storage pool '%s' is "
                                       "still active",
                                       p->name);
        if (!p->persistent)
                return error_set_errno(err, -EINVAL, 0,
                                       "Requested operation is not valid: pool '%s' is not "
                                       "persistent",
                                       p->name);
        r = store_undefine(p->rec->store, p->name);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot remove the definition of pool '%s': %s",
                                       p->name, strerror(-r));
        pool_def_free(p->def);
        p->def = NULL;
        p->persistent = false;
        p->autostart = false;
        set_intent(p, INTENT_NONE);
        pool_emit(p, "Undefined");
        pool_mark_dirty(p);
        return 0;
}

int pool_set_autostart(Pool *p, bool autostart, Error *err) {
        int r;

        if (!p->persistent)
                return error_set_errno(err, -EINVAL, 0, "Requested operation is not valid: pool "
                                       "has no config file");
        r = store_set_autostart(p->rec->store, p->name, autostart);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot set autostart of pool '%s': %s",
                                       p->name, strerror(-r));
        /* virsh pool-autostart --disable never stopped a running pool: keep it wanted by
         * an explicit start (a link removed by hand, instead, is a change of the desired
         * state and stops the pool). */
        if (!autostart && pool_is_active(p) && p->intent == INTENT_NONE)
                set_intent(p, INTENT_START);
        p->autostart = autostart;
        p->retry_now = true;
        pool_mark_dirty(p);
        return 0;
}

int pool_request_start(Pool *p, unsigned flags, OpDone done, void *userdata, Error *err) {
        if (!p->def)
                return error_set_errno(err, -ENOENT, 0, "storage pool '%s' is not defined",
                                       p->name);
        if (pool_is_active(p))
                return already_active(p, err);
        if (!c_backend(p))
                return error_set_errno(err, -EOPNOTSUPP, 0, "unsupported storage pool type '%s'",
                                       pool_type_to_string(p->def->type));
        set_intent(p, INTENT_START);
        pool_cancel_retry(p);
        pool_enqueue(p, op_new(OP_START, flags, done, userdata));
        return 0;
}

int pool_request_destroy(Pool *p, OpDone done, void *userdata, Error *err) {
        if (!pool_is_active(p) && p->phase != PHASE_STARTING)
                return not_active(p, err);
        set_intent(p, INTENT_STOP);
        pool_cancel_retry(p);
        pool_enqueue(p, op_new(OP_STOP, 0, done, userdata));
        return 0;
}

int pool_request_refresh(Pool *p, OpDone done, void *userdata, Error *err) {
        if (!pool_is_active(p))
                return not_active(p, err);
        pool_enqueue(p, op_new(OP_REFRESH, 0, done, userdata));
        return 0;
}

int pool_request_build(Pool *p, unsigned flags, OpDone done, void *userdata, Error *err) {
        if (!p->def)
                return error_set_errno(err, -ENOENT, 0, "storage pool '%s' is not defined",
                                       p->name);
        if (pool_is_active(p))
                return already_active(p, err);
        pool_enqueue(p, op_new(OP_BUILD, build_flags_from_start(flags), done, userdata));
        return 0;
}

int pool_request_delete(Pool *p, OpDone done, void *userdata, Error *err) {
        if (pool_is_active(p))
                return error_set_errno(err, -EALREADY, 0,
                                       "Requested operation is not valid: storage pool '%s' is "
                                       "still active",
                                       p->name);
        if (!p->def)
                return error_set_errno(err, -ENOENT, 0, "storage pool '%s' is not defined",
                                       p->name);
        pool_enqueue(p, op_new(OP_DELETE, 0, done, userdata));
        return 0;
}

static int need_volume(Pool *p, const char *name, VolDef **ret, Error *err) {
        Volume *v;

        if (!pool_is_active(p))
                return not_active(p, err);
        v = volume_table_get(&p->vols, name);
        if (!v)
                return error_set_errno(err, -ENXIO, 0,
                                       "Storage volume not found: no storage vol with matching "
                                       "name '%s'",
                                       name);
        /* The job gets its own copy: the volume as found, whatever its name (a file name need
         * not pass the checks of a document's <name>, e.g. a newline). */
        *ret = vol_def_copy(v->def);
        return 0;
}

static int parse_volume(Pool *p, const char *xml, VolDef **ret, Error *err) {
        int r;

        if (!pool_is_active(p))
                return not_active(p, err);
        r = vol_def_parse_string(xml, strlen(xml), p->live_def->type, VOL_PARSE_OPT_CAPACITY, ret,
                                 err);
        if (r < 0)
                return r;
        if (volume_table_get(&p->vols, (*ret)->name)) {
                error_set_errno(err, -EEXIST, 0, "storage volume '%s' exists already",
                                (*ret)->name);
                *ret = vol_def_free(*ret);
                return -EEXIST;
        }
        return 0;
}

int vol_request_create(Pool *p, const char *xml, unsigned flags, OpDone done, void *userdata,
                       Error *err) {
        VolDef *vol;
        PoolOp *op;
        int r = parse_volume(p, xml, &vol, err);

        if (r < 0)
                return r;
        op = op_new(OP_VOL_CREATE, flags, done, userdata);
        op->vol = vol;
        op->vol_name = xstrdup(vol->name);
        pool_enqueue(p, op);
        return 0;
}

int vol_request_create_from(Pool *p, const char *xml, Pool *src_pool, const char *src_name,
                            unsigned flags, OpDone done, void *userdata, Error *err) {
        VolDef *vol, *src;
        PoolOp *op;
        int r = parse_volume(p, xml, &vol, err);

        if (r < 0)
                return r;
        r = need_volume(src_pool, src_name, &src, err);
        if (r < 0) {
                vol_def_free(vol);
                return r;
        }
        op = op_new(OP_VOL_CREATE_FROM, flags, done, userdata);
        op->vol = vol;
        op->vol_name = xstrdup(vol->name);
        op->src_vol = src;
        op->src_pool_def = pool_def_copy(src_pool->live_def);
        pool_enqueue(p, op);
        return 0;
}

static int vol_op(Pool *p, OpType type, const char *name, unsigned flags, uint64_t capacity,
                  WipeAlgorithm alg, OpDone done, void *userdata, Error *err) {
        VolDef *vol = NULL;
        PoolOp *op;
        int r = need_volume(p, name, &vol, err);

        if (r < 0 && !(type == OP_VOL_REFRESH && r == -ENXIO))
                return r;
        op = op_new(type, flags, done, userdata);
        op->vol_name = xstrdup(name);
        op->src_vol = vol;
        op->capacity = capacity;
        op->algorithm = alg;
        pool_enqueue(p, op);
        return 0;
}

int vol_request_delete(Pool *p, const char *name, unsigned flags, OpDone done, void *userdata,
                       Error *err) {
        return vol_op(p, OP_VOL_DELETE, name, flags, 0, 0, done, userdata, err);
}

int vol_request_resize(Pool *p, const char *name, uint64_t capacity, unsigned flags,
                       OpDone done, void *userdata, Error *err) {
        return vol_op(p, OP_VOL_RESIZE, name, flags, capacity, 0, done, userdata, err);
}

int vol_request_wipe(Pool *p, const char *name, WipeAlgorithm algorithm, OpDone done,
                     void *userdata, Error *err) {
        return vol_op(p, OP_VOL_WIPE, name, 0, 0, algorithm, done, userdata, err);
}

int vol_request_refresh(Pool *p, const char *name, OpDone done, void *userdata, Error *err) {
        if (!pool_is_active(p))
                return not_active(p, err);
        return vol_op(p, OP_VOL_REFRESH, name, 0, 0, 0, done, userdata, err);
}

static int vol_transfer(Pool *p, OpType type, const char *name, int fd, uint64_t offset,
                        uint64_t length, unsigned flags, OpDone done, void *userdata, Error *err) {
        VolDef *vol = NULL;
        PoolOp *op;
        int r = need_volume(p, name, &vol, err);

        if (r < 0)
                return r;
        op = op_new(type, flags, done, userdata);
        op->vol_name = xstrdup(name);
        op->src_vol = vol;
        op->fd = fd;
        op->offset = offset;
        op->length = length;
        pool_enqueue(p, op);
        return 0;
}

int vol_request_upload(Pool *p, const char *name, int fd, uint64_t offset, uint64_t length,
                       unsigned flags, OpDone done, void *userdata, Error *err) {
        return vol_transfer(p, OP_VOL_UPLOAD, name, fd, offset, length, flags, done, userdata, err);
}

int vol_request_download(Pool *p, const char *name, int fd, uint64_t offset, uint64_t length,
                         unsigned flags, OpDone done, void *userdata, Error *err) {
        return vol_transfer(p, OP_VOL_DOWNLOAD, name, fd, offset, length, flags, done, userdata,
                            err);
}
