/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control API's objects: docs/dbus-api.md is their contract. */
#include "daemon/daemon.h"
#include "shared/log.h"
#include "shared/memory-trim.h"
#include "shared/uuid-util.h"
#include "shared/xml-writer.h"

/* ---- replies that wait for a job ---- */

typedef struct Pending {
        sd_bus_message *m;
        char *pool;
        char *volume; /* reply with the volume's object path */
        bool reply_pool_path;
} Pending;

static Pending *pending_new(sd_bus_message *m, const char *pool) {
        Pending *p = xcalloc(1, sizeof(*p));

        p->m = sd_bus_message_ref(m);
        p->pool = xstrdup(pool);
        return p;
}

static void on_done(void *userdata, int r, const Error *err) {
        Pending *p = userdata;

        if (r < 0)
                (void) bus_reply_error(p->m, r, err);
        else if (p->volume) {
                _cleanup_free_ char *path = bus_volume_path(p->pool, p->volume);
                (void) sd_bus_reply_method_return(p->m, "o", path);
        } else if (p->reply_pool_path) {
                _cleanup_free_ char *path = bus_pool_path(p->pool);
                (void) sd_bus_reply_method_return(p->m, "o", path);
        } else
                (void) sd_bus_reply_method_return(p->m, NULL);
        sd_bus_message_unref(p->m);
        free(p->pool);
        free(p->volume);
        free(p);
}

static int reply_sync(sd_bus_message *m, int r, Error *err) {
        if (r < 0) {
                r = bus_reply_error(m, r, err);
                error_clear(err);
                return r;
        }
        return sd_bus_reply_method_return(m, NULL);
}

/* Queues an asynchronous request; on failure to queue, replies at once. */
static int reply_later(sd_bus_message *m, Pending *p, int r, Error *err) {
        if (r >= 0)
                return 1;
        on_done(p, r, err);
        error_clear(err);
        return 1;
}

static int no_such_pool(sd_bus_error *e, const char *name) {
        return sd_bus_error_setf(e, "org.poold1.Error.NoSuchPool",
                                 "Storage pool not found: no storage pool with matching name "
                                 "'%s'",
                                 name);
}

/* ---- the manager ---- */

static int method_list_pools(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;
        _cleanup_free_ Pool **pools = NULL;
        sd_bus_message *reply = NULL;
        size_t n;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sssbbbsttt)");
        pools = reconciler_pools_sorted(d->rec, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                Pool *p = pools[i];
                const PoolDef *def = pool_current_def(p);
                char uuid[UUID_STRING_MAX] = "";

                if (!def)
                        continue;
                uuid_format(def->uuid, uuid);
                _cleanup_free_ char *name = bus_str(p->name);
                r = sd_bus_message_append(reply, "(sssbbbsttt)", name, uuid,
                                          pool_type_to_string(def->type), pool_is_active(p),
                                          p->autostart, p->persistent,
                                          pool_phase_to_string(p->phase), p->sizes.capacity,
                                          p->sizes.allocation, p->sizes.available);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

static int method_lookup_pool(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;
        _cleanup_free_ char *path = NULL;
        _cleanup_free_ char *name = NULL;
        const char *arg;
        Pool *p;
        int r;

        r = sd_bus_message_read(m, "s", &arg);
        if (r < 0)
                return r;
        r = bus_decode_arg(arg, &name, e);
        if (r < 0)
                return r;
        p = reconciler_find(d->rec, name);
        if (!p || !pool_current_def(p))
                return no_such_pool(e, arg);
        path = bus_pool_path(p->name);
        return sd_bus_reply_method_return(m, "o", path);
}

static int method_lookup_volume(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;
        _cleanup_free_ char *what = NULL;
        const char *arg;
        int r;

        r = sd_bus_message_read(m, "s", &arg);
        if (r < 0)
                return r;
        r = bus_decode_arg(arg, &what, e);
        if (r < 0)
                return r;
        _cleanup_free_ Pool **pools = NULL;
        size_t n;

        pools = reconciler_pools_sorted(d->rec, &n);
        for (size_t i = 0; i < n; i++) {
                Pool *p = pools[i];
                Volume *v = volume_table_get_key(&p->vols, what);

                if (!v)
                        v = volume_table_get_path(&p->vols, what);
                if (v) {
                        _cleanup_free_ char *path = bus_volume_path(p->name, v->def->name);
                        _cleanup_free_ char *pool = bus_str(p->name), *vol = bus_str(v->def->name);
                        return sd_bus_reply_method_return(m, "sso", pool, vol, path);
                }
        }
        return sd_bus_error_setf(e, "org.poold1.Error.NoSuchVolume",
                                 "Storage volume not found: no storage vol with matching key "
                                 "or path '%s'",
                                 arg);
}

static int method_define_pool(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;
        _cleanup_free_ char *path = NULL;
        Error err = ERROR_INIT;
        _cleanup_free_ char *xml = NULL;
        const char *arg;
        uint32_t flags;
        Pool *p;
        int r;

        r = sd_bus_message_read(m, "su", &arg, &flags);
        if (r < 0)
                return r;
        r = bus_decode_arg(arg, &xml, e);
        if (r < 0)
                return r;
        r = pool_define(d->rec, xml, &p, &err);
        if (r < 0) {
                r = bus_reply_error(m, r, &err);
                error_clear(&err);
                return r;
        }
        path = bus_pool_path(p->name);
        return sd_bus_reply_method_return(m, "o", path);
}

static int method_create_pool(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;
        Error err = ERROR_INIT;
        _cleanup_free_ char *xml = NULL;
        const char *arg;
        uint32_t flags;
        Pending *pend;
        Pool *p;
        int r;

        r = sd_bus_message_read(m, "su", &arg, &flags);
        if (r < 0)
                return r;
        r = bus_decode_arg(arg, &xml, e);
        if (r < 0)
                return r;
        pend = pending_new(m, "");
        pend->reply_pool_path = true;
        r = pool_create_transient(d->rec, xml, flags, on_done, pend, &p, &err);
        if (r >= 0) {
                free(pend->pool);
                pend->pool = xstrdup(p->name);
        }
        return reply_later(m, pend, r, &err);
}

static int method_reload(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;

        reconciler_resync(d->rec);
        return sd_bus_reply_method_return(m, NULL);
}

static int method_get_status(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;
        _cleanup_free_ Pool **pools = NULL;
        sd_bus_message *reply = NULL;
        size_t n;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(sssttss)");
        pools = reconciler_pools_sorted(d->rec, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                Pool *p = pools[i];
                bool pending = pool_has_pending_change(p);
                _cleanup_free_ char *name = bus_str(p->name),
                                    *reason = bus_str(p->reason ? p->reason : ""),
                                    *last_error = bus_str(p->last_error ? p->last_error : "");

                r = sd_bus_message_append(reply, "(sssttss)", name,
                                          pool_phase_to_string(p->phase), reason, p->since,
                                          p->next_retry, last_error,
                                          pending ? "definition changed; applies at next start"
                                                  : "");
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        return r;
}

/* One <enum> of format names, in the table's order. */
static void caps_format_enum(XmlWriter *w, const char *name, const char *const *values) {
        xml_writer_printf(w, "<enum name='%s'>\n", name);
        xml_writer_indent(w, 2);
        for (size_t i = 0; values[i]; i++)
                xml_writer_escape(w, "<value>%s</value>\n", values[i]);
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</enum>\n");
}

/* <poolOptions> or <volOptions>: the default format, then every format. */
static void caps_format_options(XmlWriter *w, const char *element, const char *enum_name,
                                const char *const *values, int default_format) {
        xml_writer_printf(w, "<%s>\n", element);
        xml_writer_indent(w, 2);
        xml_writer_escape(w, "<defaultFormat type='%s'/>\n", values[default_format]);
        caps_format_enum(w, enum_name, values);
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</%s>\n", element);
}

/* libvirt's storage pool capabilities document (storagepoolcaps.rng): every pool type
 * libvirt knows, in libvirt's order, each with its source and volume formats as the
 * definitions' parser reads them (pool-types.c), and supported='yes' when this build has a
 * backend for it. The layout is libvirt's, an empty <pool> included. */
static char *pool_capabilities_format(void) {
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_printf(&w, "<storagepoolCapabilities>\n");
        xml_writer_indent(&w, 2);
        for (PoolType t = 0; t < _POOL_TYPE_MAX; t++) {
                const PoolTypeInfo *info = pool_type_info(t);
                const char *const *vol_formats = vol_format_table(t);

                xml_writer_printf(&w, "<pool type='%s' supported='%s'>\n", info->name,
                                  backend_for(t) ? "yes" : "no");
                xml_writer_indent(&w, 2);
                if (info->formats)
                        caps_format_options(&w, "poolOptions", "sourceFormatType", info->formats,
                                            info->default_format);
                if (vol_formats)
                        caps_format_options(&w, "volOptions", "targetFormatType", vol_formats,
                                            vol_format_default(t));
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</pool>\n");
        }
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</storagepoolCapabilities>\n");
        return xml_writer_finish(&w, NULL);
}

static int method_get_capabilities(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        _cleanup_free_ char *caps = pool_capabilities_format();

        return sd_bus_reply_method_return(m, "s", caps);
}

/* virsh find-storage-pool-sources: no backend of this build can discover sources yet, so
 * every known type gets libvirt's answer for a backend without findPoolSources. */
static int method_find_pool_sources(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        const char *type, *spec;
        int r;

        r = sd_bus_message_read(m, "ss", &type, &spec);
        if (r < 0)
                return r;
        if (pool_type_from_string(type) < 0)
                return sd_bus_error_setf(e, "org.poold1.Error.Failed",
                                         "internal error: unknown storage pool type %s", type);
        return sd_bus_error_setf(e, "org.poold1.Error.NotSupported",
                                 "this function is not supported by the connection driver: "
                                 "pool type '%s' does not support source discovery",
                                 type);
}

static const sd_bus_vtable manager_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("ListPools", "", "a(sssbbbsttt)", method_list_pools,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("LookupPool", "s", "o", method_lookup_pool, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("LookupVolume", "s", "sso", method_lookup_volume,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("DefinePool", "su", "o", method_define_pool, 0),
        SD_BUS_METHOD("CreatePool", "su", "o", method_create_pool, 0),
        SD_BUS_METHOD("Reload", "", "", method_reload, 0),
        SD_BUS_METHOD("GetStatus", "", "a(sssttss)", method_get_status,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("GetCapabilities", "", "s", method_get_capabilities,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("FindPoolSources", "ss", "s", method_find_pool_sources,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_SIGNAL("PoolEvent", "sss", 0),
        SD_BUS_SIGNAL("PhaseChanged", "sss", 0),
        SD_BUS_SIGNAL("VolumeEvent", "sss", 0),
        SD_BUS_VTABLE_END,
};

/* ---- pools ---- */

static Pool *pool_from_path(Daemon *d, const char *path, char **ret_volume) {
        _cleanup_free_ char *rest = NULL;
        const char *prefix = "/org/poold1/pool/";
        const char *slash;
        Pool *p;

        if (strncmp(path, prefix, strlen(prefix)) != 0)
                return NULL;
        slash = strchr(path + strlen(prefix), '/');
        {
                _cleanup_free_ char *pool_path =
                        slash ? xstrndup(path, (size_t) (slash - path)) : xstrdup(path);
                _cleanup_free_ char *name = NULL;

                if (sd_bus_path_decode(pool_path, "/org/poold1/pool", &name) <= 0)
                        return NULL;
                p = reconciler_find(d->rec, name);
                if (!p || !streq(p->name, name) || !pool_current_def(p))
                        return NULL;
        }
        if (ret_volume) {
                *ret_volume = NULL;
                if (!slash)
                        return NULL;
                if (sd_bus_path_decode(slash, "/vol", ret_volume) <= 0)
                        return NULL;
        } else if (slash)
                return NULL;
        return p;
}

static int pool_find(sd_bus *bus, const char *path, const char *iface, void *userdata,
                     void **found, sd_bus_error *e) {
        Pool *p = pool_from_path(userdata, path, NULL);

        if (!p)
                return 0;
        *found = p;
        return 1;
}

#define POOL_PROP_STR(fn, expr)                                                             \
        static int fn(sd_bus *bus, const char *path, const char *iface, const char *prop,   \
                      sd_bus_message *reply, void *userdata, sd_bus_error *e) {             \
                Pool *p = userdata;                                                         \
                return bus_append_str(reply, (expr));                                       \
        }
#define POOL_PROP(fn, sig, type, expr)                                                      \
        static int fn(sd_bus *bus, const char *path, const char *iface, const char *prop,   \
                      sd_bus_message *reply, void *userdata, sd_bus_error *e) {             \
                Pool *p = userdata;                                                         \
                type v = (expr);                                                            \
                return sd_bus_message_append(reply, sig, v);                                \
        }

static const char *pool_uuid_string(Pool *p) {
        static char buf[UUID_STRING_MAX];
        return uuid_format(pool_current_def(p)->uuid, buf);
}

POOL_PROP_STR(prop_name, p->name)
POOL_PROP_STR(prop_uuid, pool_uuid_string(p))
POOL_PROP_STR(prop_type, pool_type_to_string(pool_current_def(p)->type))
POOL_PROP_STR(prop_phase, pool_phase_to_string(p->phase))
POOL_PROP_STR(prop_reason, p->reason)
POOL_PROP_STR(prop_last_error, p->last_error)
POOL_PROP(prop_since, "t", uint64_t, p->since)
POOL_PROP(prop_next_retry, "t", uint64_t, p->next_retry)
POOL_PROP(prop_active, "b", int, pool_is_active(p))
POOL_PROP(prop_autostart, "b", int, p->autostart)
POOL_PROP(prop_persistent, "b", int, p->persistent)
POOL_PROP(prop_pending, "b", int, pool_has_pending_change(p))
POOL_PROP(prop_capacity, "t", uint64_t, p->sizes.capacity)
POOL_PROP(prop_allocation, "t", uint64_t, p->sizes.allocation)
POOL_PROP(prop_available, "t", uint64_t, p->sizes.available)
POOL_PROP(prop_volume_count, "u", uint32_t, (uint32_t) volume_table_size(&p->vols))

static int method_pool_start(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        Error err = ERROR_INIT;
        uint32_t flags;
        Pending *pend;
        int r = sd_bus_message_read(m, "u", &flags);

        if (r < 0)
                return r;
        pend = pending_new(m, p->name);
        return reply_later(m, pend, pool_request_start(p, flags, on_done, pend, &err), &err);
}

static int method_pool_destroy(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        Error err = ERROR_INIT;
        Pending *pend = pending_new(m, p->name);

        return reply_later(m, pend, pool_request_destroy(p, on_done, pend, &err), &err);
}

static int method_pool_refresh(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        Error err = ERROR_INIT;
        Pending *pend = pending_new(m, p->name);

        return reply_later(m, pend, pool_request_refresh(p, on_done, pend, &err), &err);
}

static int method_pool_build(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        Error err = ERROR_INIT;
        uint32_t flags;
        Pending *pend;
        int r = sd_bus_message_read(m, "u", &flags);

        if (r < 0)
                return r;
        pend = pending_new(m, p->name);
        return reply_later(m, pend, pool_request_build(p, flags, on_done, pend, &err), &err);
}

static int method_pool_delete(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        Error err = ERROR_INIT;
        uint32_t flags;
        Pending *pend;
        int r = sd_bus_message_read(m, "u", &flags);

        if (r < 0)
                return r;
        pend = pending_new(m, p->name);
        return reply_later(m, pend, pool_request_delete(p, on_done, pend, &err), &err);
}

static int method_pool_undefine(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Error err = ERROR_INIT;

        return reply_sync(m, pool_undefine(userdata, &err), &err);
}

static int method_pool_set_autostart(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Error err = ERROR_INIT;
        int on, r = sd_bus_message_read(m, "b", &on);

        if (r < 0)
                return r;
        return reply_sync(m, pool_set_autostart(userdata, on, &err), &err);
}

static int method_pool_get_xml(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        _cleanup_free_ char *xml = NULL;
        uint32_t flags;
        int r = sd_bus_message_read(m, "u", &flags);

        if (r < 0)
                return r;
        /* --inactive (flag 1), as libvirt's storagePoolGetXMLDesc: the definition that applies
         * at the next start where it differs from the running one (libvirt's newDef); for a
         * running pool without such a change, the live XML, as without the flag. */
        if ((flags & 1) && p->def && (!pool_is_active(p) || pool_has_pending_change(p)))
                xml = pool_def_format(p->def, NULL);
        else if (pool_is_active(p) && p->has_target_st) {
                /* The live XML shows the directory's permissions as found, as libvirt's. */
                PoolDef live = *pool_current_def(p);

                live.target_perms.mode = p->target_st.st_mode & 0777;
                live.target_perms.uid = p->target_st.st_uid;
                live.target_perms.gid = p->target_st.st_gid;
                xml = pool_def_format(&live, &p->sizes);
        } else
                xml = pool_def_format(pool_current_def(p), &p->sizes);
        _cleanup_free_ char *bus_xml = bus_str(xml);
        return sd_bus_reply_method_return(m, "s", bus_xml);
}

static int method_pool_list_volumes(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        _cleanup_free_ Volume **vols = NULL;
        sd_bus_message *reply = NULL;
        size_t n;
        int r;

        r = sd_bus_message_new_method_return(m, &reply);
        if (r < 0)
                return r;
        r = sd_bus_message_open_container(reply, 'a', "(ssssttt)");
        vols = volume_table_sorted(&p->vols, &n);
        for (size_t i = 0; r >= 0 && i < n; i++) {
                const VolDef *v = vols[i]->def;
                _cleanup_free_ char *name = bus_str(v->name), *key = bus_str(v->key ? v->key : ""),
                                    *path = bus_str(v->target.path ? v->target.path : "");
                r = sd_bus_message_append(reply, "(ssssttt)", name, key, path,
                                          vol_type_to_string(v->type), v->capacity,
                                          v->allocation, v->physical);
        }
        if (r >= 0)
                r = sd_bus_message_close_container(reply);
        if (r >= 0)
                r = sd_bus_send(NULL, reply, NULL);
        sd_bus_message_unref(reply);
        /* A reply of 100,000 volumes is ~13 MiB of heap, freed once it is written. */
        if (n >= MEMORY_TRIM_MIN_ITEMS)
                memory_trim_soon(sd_bus_get_event(sd_bus_message_get_bus(m)),
                                 sd_bus_message_get_bus(m));
        return r;
}

static int method_pool_lookup_volume(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        _cleanup_free_ char *path = NULL, *name = NULL;
        const char *arg;
        int r = sd_bus_message_read(m, "s", &arg);

        if (r < 0)
                return r;
        r = bus_decode_arg(arg, &name, e);
        if (r < 0)
                return r;
        if (!volume_table_get(&p->vols, name))
                return sd_bus_error_setf(e, "org.poold1.Error.NoSuchVolume",
                                         "Storage volume not found: no storage vol with "
                                         "matching name '%s'",
                                         arg);
        path = bus_volume_path(p->name, name);
        return sd_bus_reply_method_return(m, "o", path);
}

static int method_pool_create_volume(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        Error err = ERROR_INIT;
        _cleanup_free_ char *xml = NULL;
        const char *arg;
        uint32_t flags;
        Pending *pend;
        _cleanup_vol_def_ VolDef *peek = NULL;
        int r = sd_bus_message_read(m, "su", &arg, &flags);

        if (r < 0)
                return r;
        r = bus_decode_arg(arg, &xml, e);
        if (r < 0)
                return r;
        pend = pending_new(m, p->name);
        if (p->live_def &&
            vol_def_parse_string(xml, strlen(xml), p->live_def->type, VOL_PARSE_OPT_CAPACITY,
                                 &peek, NULL) >= 0)
                pend->volume = xstrdup(peek->name);
        r = vol_request_create(p, xml, flags, on_done, pend, &err);
        return reply_later(m, pend, r, &err);
}

static int method_pool_create_volume_from(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Pool *p = userdata;
        Error err = ERROR_INIT;
        _cleanup_free_ char *xml = NULL, *src_pool = NULL, *src_vol = NULL;
        const char *arg_xml, *arg_pool, *arg_vol;
        uint32_t flags;
        Pending *pend;
        Pool *sp;
        _cleanup_vol_def_ VolDef *peek = NULL;
        int r = sd_bus_message_read(m, "sssu", &arg_xml, &arg_pool, &arg_vol, &flags);

        if (r < 0)
                return r;
        if ((r = bus_decode_arg(arg_xml, &xml, e)) < 0 ||
            (r = bus_decode_arg(arg_pool, &src_pool, e)) < 0 ||
            (r = bus_decode_arg(arg_vol, &src_vol, e)) < 0)
                return r;
        sp = reconciler_find(p->rec, src_pool);
        if (!sp)
                return no_such_pool(e, arg_pool);
        pend = pending_new(m, p->name);
        if (p->live_def &&
            vol_def_parse_string(xml, strlen(xml), p->live_def->type, VOL_PARSE_OPT_CAPACITY,
                                 &peek, NULL) >= 0)
                pend->volume = xstrdup(peek->name);
        r = vol_request_create_from(p, xml, sp, src_vol, flags, on_done, pend, &err);
        return reply_later(m, pend, r, &err);
}

static const sd_bus_vtable pool_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", prop_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("UUID", "s", prop_uuid, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Type", "s", prop_type, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Phase", "s", prop_phase, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Reason", "s", prop_reason, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Since", "t", prop_since, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("NextRetry", "t", prop_next_retry, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("LastError", "s", prop_last_error, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Active", "b", prop_active, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Autostart", "b", prop_autostart, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Persistent", "b", prop_persistent, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("PendingChange", "b", prop_pending, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Capacity", "t", prop_capacity, 0, SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Allocation", "t", prop_allocation, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("Available", "t", prop_available, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_PROPERTY("VolumeCount", "u", prop_volume_count, 0,
                        SD_BUS_VTABLE_PROPERTY_EMITS_CHANGE),
        SD_BUS_METHOD("Start", "u", "", method_pool_start, 0),
        SD_BUS_METHOD("Destroy", "", "", method_pool_destroy, 0),
        SD_BUS_METHOD("Build", "u", "", method_pool_build, 0),
        SD_BUS_METHOD("Delete", "u", "", method_pool_delete, 0),
        SD_BUS_METHOD("Undefine", "", "", method_pool_undefine, 0),
        SD_BUS_METHOD("Refresh", "", "", method_pool_refresh, 0),
        SD_BUS_METHOD("SetAutostart", "b", "", method_pool_set_autostart, 0),
        SD_BUS_METHOD("GetXMLDesc", "u", "s", method_pool_get_xml, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("ListVolumes", "", "a(ssssttt)", method_pool_list_volumes,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("LookupVolume", "s", "o", method_pool_lookup_volume,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("CreateVolume", "su", "o", method_pool_create_volume, 0),
        SD_BUS_METHOD("CreateVolumeFrom", "sssu", "o", method_pool_create_volume_from, 0),
        SD_BUS_VTABLE_END,
};

static int pool_enumerator(sd_bus *bus, const char *path, void *userdata, char ***nodes,
                           sd_bus_error *e) {
        Daemon *d = userdata;
        _cleanup_free_ Pool **pools = NULL;
        size_t n, k = 0;
        char **l;

        pools = reconciler_pools_sorted(d->rec, &n);
        l = xcalloc(n + 1, sizeof(char *));
        for (size_t i = 0; i < n; i++)
                if (pool_current_def(pools[i]))
                        l[k++] = bus_pool_path(pools[i]->name);
        *nodes = l;
        return 1;
}

int bus_add_objects(Daemon *d, sd_bus *bus) {
        int r;

        r = sd_bus_add_object_vtable(bus, NULL, "/org/poold1", "org.poold1.Manager",
                                     manager_vtable, d);
        if (r < 0)
                return r;
        r = sd_bus_add_fallback_vtable(bus, NULL, "/org/poold1/pool", "org.poold1.Pool",
                                       pool_vtable, pool_find, d);
        if (r < 0)
                return r;
        r = sd_bus_add_node_enumerator(bus, NULL, "/org/poold1/pool", pool_enumerator, d);
        if (r < 0)
                return r;
        r = bus_volume_add_objects(d, bus);
        if (r < 0)
                return r;
        return sd_bus_add_object_manager(bus, NULL, "/org/poold1");
}
