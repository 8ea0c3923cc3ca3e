/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Volume objects: /org/poold1/pool/POOL/vol/VOLUME, served by a fallback vtable so 100,000
 * volumes cost nothing until someone asks for one. */
#include <fcntl.h>

#include "daemon/daemon.h"
#include "shared/log.h"

static Volume *volume_from_path(Daemon *d, const char *path) {
        const char *prefix = "/org/poold1/pool/";
        _cleanup_free_ char *pool_path = NULL, *pool = NULL, *vol = NULL;
        const char *slash;
        Pool *p;

        if (strncmp(path, prefix, strlen(prefix)) != 0)
                return NULL;
        slash = strchr(path + strlen(prefix), '/');
        if (!slash)
                return NULL;
        pool_path = xstrndup(path, (size_t) (slash - path));
        if (sd_bus_path_decode(pool_path, "/org/poold1/pool", &pool) <= 0 ||
            sd_bus_path_decode(slash, "/vol", &vol) <= 0)
                return NULL;
        p = reconciler_find(d->rec, pool);
        if (!p || !streq(p->name, pool))
                return NULL;
        return volume_table_get(&p->vols, vol);
}

static int volume_find(sd_bus *bus, const char *path, const char *iface, void *userdata,
                       void **found, sd_bus_error *e) {
        Volume *v = volume_from_path(userdata, path);

        if (!v)
                return 0;
        *found = v;
        return 1;
}

static Pool *vpool(Volume *v) {
        return v->owner;
}

#define VOL_PROP_STR(fn, expr)                                                              \
        static int fn(sd_bus *bus, const char *path, const char *iface, const char *prop,   \
                      sd_bus_message *reply, void *userdata, sd_bus_error *e) {             \
                Volume *v = userdata;                                                       \
                return bus_append_str(reply, (expr));                                       \
        }
#define VOL_PROP_U64(fn, expr)                                                              \
        static int fn(sd_bus *bus, const char *path, const char *iface, const char *prop,   \
                      sd_bus_message *reply, void *userdata, sd_bus_error *e) {             \
                Volume *v = userdata;                                                       \
                return sd_bus_message_append(reply, "t", (uint64_t) (expr));                \
        }

static const char *format_name(Volume *v) {
        const char *const *table = vol_format_table(vpool(v)->live_def->type);

        if (!table || v->def->target.format < 0 ||
            (size_t) v->def->target.format >= string_table_size(table))
                return "";
        return table[v->def->target.format];
}

VOL_PROP_STR(vprop_name, v->def->name)
VOL_PROP_STR(vprop_key, v->def->key)
VOL_PROP_STR(vprop_path, v->def->target.path)
VOL_PROP_STR(vprop_type, vol_type_to_string(v->def->type))
VOL_PROP_STR(vprop_format, format_name(v))
VOL_PROP_STR(vprop_pool, vpool(v)->name)
VOL_PROP_U64(vprop_capacity, v->def->capacity)
VOL_PROP_U64(vprop_allocation, v->def->allocation)
VOL_PROP_U64(vprop_physical, v->def->physical)

typedef struct VolPending {
        sd_bus_message *m;
} VolPending;

static void on_vol_done(void *userdata, int r, const Error *err) {
        sd_bus_message *m = userdata;

        if (r < 0)
                (void) bus_reply_error(m, r, err);
        else
                (void) sd_bus_reply_method_return(m, NULL);
        sd_bus_message_unref(m);
}

static int queued(sd_bus_message *m, int r, Error *err) {
        if (r < 0) {
                on_vol_done(m, r, err);
                error_clear(err);
        }
        return 1;
}

static int method_vol_get_xml(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Volume *v = userdata;
        _cleanup_free_ char *xml = vol_def_format(v->def, vpool(v)->live_def->type);
        _cleanup_free_ char *bus_xml = bus_str(xml);

        return sd_bus_reply_method_return(m, "s", bus_xml);
}

static int method_vol_delete(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Volume *v = userdata;
        Error err = ERROR_INIT;
        uint32_t flags;
        int r = sd_bus_message_read(m, "u", &flags);

        if (r < 0)
                return r;
        sd_bus_message_ref(m);
        return queued(m, vol_request_delete(vpool(v), v->def->name, flags, on_vol_done, m, &err),
                      &err);
}

static int method_vol_resize(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Volume *v = userdata;
        Error err = ERROR_INIT;
        uint64_t capacity;
        uint32_t flags;
        int r = sd_bus_message_read(m, "tu", &capacity, &flags);

        if (r < 0)
                return r;
        sd_bus_message_ref(m);
        return queued(m,
                      vol_request_resize(vpool(v), v->def->name, capacity, flags, on_vol_done, m,
                                         &err),
                      &err);
}

static int method_vol_wipe(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Volume *v = userdata;
        Error err = ERROR_INIT;
        const char *alg;
        int a, r = sd_bus_message_read(m, "s", &alg);

        if (r < 0)
                return r;
        a = wipe_algorithm_from_string(alg);
        if (a < 0)
                return sd_bus_error_setf(e, "org.poold1.Error.Failed",
                                         "unknown wipe algorithm '%s'", alg);
        sd_bus_message_ref(m);
        return queued(m, vol_request_wipe(vpool(v), v->def->name, a, on_vol_done, m, &err), &err);
}

/* A refresh that finds the file gone answers as libvirt's refreshVol does, by path. */
typedef struct RefreshPending {
        sd_bus_message *m;
        char *path;
} RefreshPending;

static void on_refresh_done(void *userdata, int r, const Error *err) {
        RefreshPending *rp = userdata;

        if (r == -ENOENT) {
                _cleanup_free_ char *path = bus_str(rp->path);
                (void) sd_bus_reply_method_errorf(rp->m, "org.poold1.Error.NoSuchVolume",
                                                  "Storage volume not found: no storage vol "
                                                  "with matching path '%s'",
                                                  path);
        }
        else
                on_vol_done(sd_bus_message_ref(rp->m), r, err);
        sd_bus_message_unref(rp->m);
        free(rp->path);
        free(rp);
}

static int method_vol_refresh(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Volume *v = userdata;
        Error err = ERROR_INIT;
        RefreshPending *rp = xcalloc(1, sizeof(*rp));
        int r;

        rp->m = sd_bus_message_ref(m);
        rp->path = xstrdup(v->def->target.path ? v->def->target.path : v->def->name);
        r = vol_request_refresh(vpool(v), v->def->name, on_refresh_done, rp, &err);
        if (r < 0) {
                on_refresh_done(rp, r, &err);
                error_clear(&err);
        }
        return 1;
}

typedef int (*TransferRequest)(Pool *p, const char *name, int fd, uint64_t offset, uint64_t length,
                               unsigned flags, OpDone done, void *userdata, Error *err);

/* Upload and Download: (h fd, t offset, t length, u flags). The descriptor belongs to the
 * message: the job gets its own copy. */
static int vol_transfer(sd_bus_message *m, Volume *v, unsigned known_flags, const char *fn,
                        TransferRequest request, sd_bus_error *e) {
        _cleanup_close_ int copy = -1;
        Error err = ERROR_INIT;
        uint64_t offset, length;
        uint32_t flags;
        int fd, r;

        r = sd_bus_message_read(m, "httu", &fd, &offset, &length, &flags);
        if (r < 0)
                return r;
        if (flags & ~known_flags)
                return sd_bus_error_setf(e, SD_BUS_ERROR_INVALID_ARGS,
                                         "unsupported flags (0x%x) in function %s",
                                         flags & ~known_flags, fn);
        copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);
        if (copy < 0)
                return sd_bus_error_set_errnof(e, errno, "cannot use the descriptor: %m");
        sd_bus_message_ref(m);
        r = request(vpool(v), v->def->name, copy, offset, length, flags, on_vol_done, m, &err);
        if (r >= 0)
                TAKE_FD(copy);
        return queued(m, r, &err);
}

static int method_vol_upload(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        return vol_transfer(m, userdata, VOL_UPLOAD_SPARSE, "storageVolUpload", vol_request_upload,
                            e);
}

static int method_vol_download(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        return vol_transfer(m, userdata, VOL_DOWNLOAD_SPARSE, "storageVolDownload",
                            vol_request_download, e);
}

static const sd_bus_vtable volume_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_PROPERTY("Name", "s", vprop_name, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Key", "s", vprop_key, 0, 0),
        SD_BUS_PROPERTY("Path", "s", vprop_path, 0, 0),
        SD_BUS_PROPERTY("Type", "s", vprop_type, 0, 0),
        SD_BUS_PROPERTY("Format", "s", vprop_format, 0, 0),
        SD_BUS_PROPERTY("Pool", "s", vprop_pool, 0, SD_BUS_VTABLE_PROPERTY_CONST),
        SD_BUS_PROPERTY("Capacity", "t", vprop_capacity, 0, 0),
        SD_BUS_PROPERTY("Allocation", "t", vprop_allocation, 0, 0),
        SD_BUS_PROPERTY("Physical", "t", vprop_physical, 0, 0),
        SD_BUS_METHOD("GetXMLDesc", "u", "s", method_vol_get_xml, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("Delete", "u", "", method_vol_delete, 0),
        SD_BUS_METHOD("Resize", "tu", "", method_vol_resize, 0),
        SD_BUS_METHOD("Wipe", "s", "", method_vol_wipe, 0),
        SD_BUS_METHOD("Refresh", "", "", method_vol_refresh, 0),
        SD_BUS_METHOD("Upload", "httu", "", method_vol_upload, 0),
        SD_BUS_METHOD("Download", "httu", "", method_vol_download, 0),
        SD_BUS_VTABLE_END,
};

int bus_volume_add_objects(Daemon *d, sd_bus *bus) {
        return sd_bus_add_fallback_vtable(bus, NULL, "/org/poold1/pool", "org.poold1.Volume",
                                          volume_vtable, volume_find, d);
}
