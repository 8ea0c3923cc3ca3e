/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <fcntl.h>

#include "conf/pool-def.h"
#include "shared/fileio.h"
#include "shared/path.h"
#include "shared/size.h"
#include "shared/uuid-util.h"
#include "shared/xml-read.h"

static void pool_source_done(PoolSource *s) {
        for (size_t i = 0; i < s->n_hosts; i++)
                free(s->hosts[i].name);
        free(s->hosts);
        for (size_t i = 0; i < s->n_devices; i++) {
                free(s->devices[i].path);
                free(s->devices[i].free_extents);
        }
        free(s->devices);
        free(s->dir);
        adapter_done(&s->adapter);
        free(s->name);
        free(s->initiator_iqn);
        auth_free(s->auth);
        free(s->vendor);
        free(s->product);
}

static void options_free(PoolOption *o, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(o[i].name);
                free(o[i].value);
        }
        free(o);
}

PoolDef *pool_def_free(PoolDef *def) {
        if (!def)
                return NULL;
        free(def->name);
        pool_source_done(&def->source);
        free(def->target_path);
        perms_done(&def->target_perms);
        options_free(def->mount_opts, def->n_mount_opts);
        options_free(def->rbd_opts, def->n_rbd_opts);
        free(def);
        return NULL;
}

PoolDef *pool_def_copy(const PoolDef *def) {
        _cleanup_free_ char *xml = pool_def_format(def, NULL);
        _cleanup_error_ Error err = ERROR_INIT;
        PoolDef *copy;

        if (pool_def_parse_string(xml, strlen(xml), &copy, &err) < 0)
                abort(); /* the canonical form always parses: the fuzzers check it */
        copy->uuid_derived = def->uuid_derived;
        /* Refresh results that the XML of a definition does not carry. */
        for (size_t i = 0; i < def->source.n_devices && i < copy->source.n_devices; i++) {
                const PoolDevice *d = &def->source.devices[i];
                if (d->n_free_extents == 0)
                        continue;
                copy->source.devices[i].free_extents =
                        xmalloc(d->n_free_extents * sizeof(Extent));
                memcpy(copy->source.devices[i].free_extents, d->free_extents,
                       d->n_free_extents * sizeof(Extent));
                copy->source.devices[i].n_free_extents = d->n_free_extents;
        }
        return copy;
}

bool pool_def_equal(const PoolDef *a, const PoolDef *b) {
        _cleanup_free_ char *xa = pool_def_format(a, NULL), *xb = pool_def_format(b, NULL);

        return streq(xa, xb);
}

static int parse_hosts(const xmlNode *src, PoolSource *s, Error *err) {
        XML_FOREACH_CHILD(h, src, "host") {
                _cleanup_free_ char *port = NULL;
                PoolHost host = {};
                uint64_t v;

                host.name = xml_prop(h, "name");
                if (isempty(host.name)) {
                        free(host.name);
                        return error_set(err, xml_line(h),
                                         "<host> is missing its 'name' attribute");
                }
                port = xml_prop(h, "port");
                if (port && (parse_uint64(port, &v) < 0 || v > 65535)) {
                        free(host.name);
                        return error_set(err, xml_line(h),
                                         "invalid port '%s' of host: expected 1-65535", port);
                }
                host.port = port ? (int) v : 0;
                ARRAY_APPEND(s->hosts, s->n_hosts, host);
        }
        return 0;
}

static int parse_devices(const xmlNode *src, PoolSource *s, Error *err) {
        XML_FOREACH_CHILD(d, src, "device") {
                PoolDevice dev = {};
                int r;

                dev.path = xml_prop(d, "path");
                if (isempty(dev.path)) {
                        free(dev.path);
                        return error_set(err, xml_line(d),
                                         "<device> is missing its 'path' attribute");
                }
                r = tristate_parse_prop(d, "part_separator", &dev.part_separator, err);
                if (r < 0) {
                        free(dev.path);
                        return r;
                }
                ARRAY_APPEND(s->devices, s->n_devices, dev);
        }
        return 0;
}

static int parse_source(const xmlNode *src, PoolType type, PoolSource *s, Error *err) {
        const PoolTypeInfo *info = pool_type_info(type);
        _cleanup_free_ char *format = NULL, *dir = NULL, *ver = NULL;
        xmlNode *n;
        int r;

        s->name = xml_child_text(src, "name");
        if (type == POOL_RBD && !s->name)
                return error_set(err, xml_line(src), "element <name> is mandatory for rbd pools");

        s->format = info->default_format;
        n = xml_child(src, "format");
        format = xml_prop(n, "type");
        if (info->formats && format) {
                s->format = string_table_lookup(info->formats, format);
                if (s->format < 0)
                        return error_set(err, xml_line(n),
                                         "unknown %s pool format type '%s'", info->name, format);
        }

        if ((r = parse_hosts(src, s, err)) < 0)
                return r;

        n = xml_child(xml_child(src, "initiator"), "iqn");
        s->initiator_iqn = xml_prop(n, "name");
        if (s->initiator_iqn && !*s->initiator_iqn)
                return error_set(err, xml_line(n), "<iqn> has an empty 'name' attribute");

        if ((r = parse_devices(src, s, err)) < 0)
                return r;

        n = xml_child(src, "dir");
        dir = xml_prop(n, "path");
        if (!isempty(dir))
                s->dir = path_sanitize(dir);
        if (!s->dir && type == POOL_GLUSTER)
                s->dir = xstrdup("/");

        n = xml_child(src, "adapter");
        if (n && (r = adapter_parse(n, &s->adapter, err)) < 0)
                return r;

        n = xml_child(src, "auth");
        if (n && (r = auth_parse(n, &s->auth, err)) < 0)
                return r;

        n = xml_child(src, "protocol");
        ver = xml_prop(n, "ver");
        if (ver) {
                uint64_t v;

                if (type != POOL_NETFS ||
                    (s->format != POOL_NETFS_NFS && s->format != POOL_NETFS_AUTO))
                        return error_set(err, xml_line(n),
                                         "<protocol ver> applies to netfs pools of format nfs "
                                         "or auto only");
                if (parse_uint64(ver, &v) < 0 || v == 0 || v > UINT32_MAX)
                        return error_set(err, xml_line(n),
                                         "invalid protocol version '%s': expected a positive "
                                         "integer",
                                         ver);
                s->protocol_ver = (unsigned) v;
        }

        s->vendor = xml_prop(xml_child(src, "vendor"), "name");
        s->product = xml_prop(xml_child(src, "product"), "name");
        return 0;
}

/* <capacity>, <allocation>, <available>: not part of a definition (libvirt ignores them),
 * but a malformed one is still a mistake worth reporting. */
static int check_size(const xmlNode *root, const char *name, Error *err) {
        xmlNode *n = xml_child(root, name);
        _cleanup_free_ char *text = NULL, *unit = NULL;
        uint64_t v;
        int r;

        if (!n)
                return 0;
        text = xml_text(n);
        unit = xml_prop(n, "unit");
        r = size_parse(text ? text : "", unit, INT64_MAX, &v);
        if (r == -ERANGE)
                return error_set(err, xml_line(n), "<%s> value '%s%s%s' is too large", name,
                                 text, unit ? " " : "", unit ? unit : "");
        if (r < 0 && unit && parse_uint64(text ? text : "", &v) == 0)
                return error_set(err, xml_line(n), "unknown unit '%s' in <%s>", unit, name);
        if (r < 0)
                return error_set(err, xml_line(n),
                                 "malformed <%s> '%s': expected a non-negative integer", name,
                                 text ? text : "");
        return 0;
}

static int parse_options(const xmlNode *root, const char *href, const char *container,
                         bool with_value, PoolOption **ret, size_t *ret_n, Error *err) {
        xmlNode *c = xml_child_ns(root, href, container);

        if (!c)
                return 0;
        XML_FOREACH_CHILD_NS(o, c, href, "option") {
                PoolOption opt = {};

                opt.name = xml_prop(o, "name");
                if (isempty(opt.name)) {
                        free(opt.name);
                        return error_set(err, xml_line(o),
                                         "<%s> option is missing its 'name' attribute",
                                         container);
                }
                if (with_value) {
                        opt.value = xml_prop(o, "value");
                        if (isempty(opt.value)) {
                                error_set(err, xml_line(o),
                                          opt.value ? "<%s> option '%s' has an empty 'value'"
                                                    : "<%s> option '%s' is missing its 'value' "
                                                      "attribute",
                                          container, opt.name);
                                free(opt.value);
                                free(opt.name);
                                return -EINVAL;
                        }
                }
                ARRAY_APPEND(*ret, *ret_n, opt);
        }
        return 0;
}

static int parse_features(const xmlNode *root, PoolDef *def, Error *err) {
        xmlNode *cow = xml_child(xml_child(root, "features"), "cow");

        if (!cow)
                return 0;
        if (!pool_type_info(def->type)->cow_feature)
                return error_set(err, xml_line(cow),
                                 "the cow feature may only be used for fs and dir pools");
        if (!xml_has_prop(cow, "state"))
                return error_set(err, xml_line(cow), "<cow> is missing its 'state' attribute");
        return tristate_parse_prop(cow, "state", &def->cow, err);
}

static int parse_refresh(const xmlNode *root, PoolDef *def, Error *err) {
        xmlNode *vol = xml_child(xml_child(root, "refresh"), "volume");
        _cleanup_free_ char *alloc = xml_prop(vol, "allocation");

        if (!alloc)
                return 0;
        if (streq(alloc, "default"))
                def->refresh_allocation = REFRESH_ALLOCATION_DEFAULT;
        else if (streq(alloc, "capacity"))
                def->refresh_allocation = REFRESH_ALLOCATION_CAPACITY;
        else
                return error_set(err, xml_line(vol),
                                 "unknown refresh allocation '%s' (expected default or capacity)",
                                 alloc);
        return 0;
}

static int parse_target(const xmlNode *root, PoolDef *def, Error *err) {
        const PoolTypeInfo *info = pool_type_info(def->type);
        xmlNode *target = xml_child(root, "target");
        _cleanup_free_ char *path = NULL;

        switch (info->target) {
        case TARGET_NONE:
                return 0;
        case TARGET_DEV_NAME:
                path = xasprintf("/dev/%s", def->source.name);
                break;
        case TARGET_ZVOL_NAME:
                path = xasprintf("/dev/zvol/%s", def->source.name);
                break;
        case TARGET_REQUIRED:
                path = xml_child_text(target, "path");
                if (!path)
                        return error_set(err, xml_line(target ? target : root),
                                         "missing storage pool target path: %s pools need "
                                         "<target><path>",
                                         info->name);
                if (!path_is_absolute(path))
                        return error_set(err, xml_line(xml_child(target, "path")),
                                         "target path '%s' is not absolute", path);
                break;
        }
        def->target_path = path_sanitize(path);
        return perms_parse(xml_child(target, "permissions"), &def->target_perms, err);
}

static int check_required_source(const xmlNode *root, PoolDef *def, Error *err) {
        const PoolTypeInfo *info = pool_type_info(def->type);
        const PoolSource *s = &def->source;
        xmlNode *src = xml_child(root, "source");
        int line = xml_line(src ? src : root);

        if ((info->source_flags & SOURCE_HOST) && s->n_hosts == 0)
                return error_set(err, line, "missing storage pool source host name: %s pools "
                                 "need <source><host name=.../>", info->name);
        if ((info->source_flags & SOURCE_DIR) && !s->dir)
                return error_set(err, line, "missing storage pool source path: %s pools need "
                                 "<source><dir path=.../>", info->name);
        if (info->source_flags & SOURCE_ADAPTER) {
                xmlNode *a = xml_child(src, "adapter");
                int r = adapter_validate(&s->adapter, xml_line(a ? a : (src ? src : root)), err);
                if (r < 0)
                        return r;
        }
        /* A type whose only source part is a device needs exactly that. */
        if (info->source_flags == SOURCE_DEVICE && s->n_devices == 0)
                return error_set(err, line, "missing storage pool source device name: %s pools "
                                 "need <source><device path=.../>", info->name);
        if (def->type == POOL_ISCSI_DIRECT && !s->initiator_iqn)
                return error_set(err, line, "missing initiator IQN: iscsi-direct pools need "
                                 "<source><initiator><iqn name=.../>");
        if (def->type == POOL_ISCSI && s->n_devices == 0)
                return error_set(err, line, "missing storage pool source device: iscsi pools "
                                 "need <source><device path='TARGET-IQN'/>");
        return 0;
}

static int parse_name_and_uuid(const xmlNode *root, PoolDef *def, Error *err) {
        const PoolTypeInfo *info = pool_type_info(def->type);
        xmlNode *name_node = xml_child(root, "name"), *uuid_node = xml_child(root, "uuid");
        _cleanup_free_ char *uuid = NULL;
        const char *why;

        def->name = xml_text(name_node);
        if (!def->name && (info->source_flags & SOURCE_NAME))
                def->name = xstrdup(def->source.name);
        if (!def->name)
                return error_set(err, xml_line(root), "missing pool name: <name> is required");
        why = name_check(def->name, POOL_NAME_MAX);
        if (why)
                return error_set(err, xml_line(name_node ? name_node : root),
                                 "invalid pool name '%s': %s", def->name, why);

        uuid = xml_text(uuid_node);
        if (uuid) {
                if (uuid_parse_lenient(uuid, def->uuid) < 0)
                        return error_set(err, xml_line(uuid_node), "malformed uuid '%s'", uuid);
        } else {
                uuid_from_name(def->name, def->uuid);
                def->uuid_derived = true;
        }

        if ((info->source_flags & SOURCE_NAME) && !def->source.name)
                def->source.name = xstrdup(def->name);
        return 0;
}

static int pool_def_parse_into(const xmlNode *root, PoolDef *def, Error *err) {
        _cleanup_free_ char *type = xml_prop(root, "type");
        const PoolTypeInfo *info;
        xmlNode *src;
        int r;

        if (!type)
                return error_set(err, xml_line(root), "<pool> is missing its 'type' attribute");
        def->type = pool_type_from_string(type);
        if (def->type < 0)
                return error_set(err, xml_line(root), "unknown storage pool type '%s'", type);
        info = pool_type_info(def->type);

        src = xml_child(root, "source");
        def->source.format = info->default_format;
        if (src && (r = parse_source(src, def->type, &def->source, err)) < 0)
                return r;

        if ((r = parse_name_and_uuid(root, def, err)) < 0 ||
            (r = parse_features(root, def, err)) < 0 ||
            (r = check_size(root, "capacity", err)) < 0 ||
            (r = check_size(root, "allocation", err)) < 0 ||
            (r = check_size(root, "available", err)) < 0 ||
            (r = check_required_source(root, def, err)) < 0 ||
            (r = parse_target(root, def, err)) < 0)
                return r;

        if (info->fs_namespace &&
            (r = parse_options(root, POOL_FS_NAMESPACE, "mount_opts", false, &def->mount_opts,
                               &def->n_mount_opts, err)) < 0)
                return r;
        if (info->rbd_namespace &&
            (r = parse_options(root, POOL_RBD_NAMESPACE, "config_opts", true, &def->rbd_opts,
                               &def->n_rbd_opts, err)) < 0)
                return r;
        return parse_refresh(root, def, err);
}

int pool_def_parse_node(const xmlNode *root, PoolDef **ret, Error *err) {
        PoolDef *def = xcalloc(1, sizeof(*def));
        int r;

        def->target_perms = PERMS_UNSET;
        def->refresh_allocation = REFRESH_ALLOCATION_UNSET;
        r = pool_def_parse_into(root, def, err);
        if (r < 0) {
                pool_def_free(def);
                return r;
        }
        *ret = def;
        return 0;
}

int pool_def_parse_string(const char *xml, size_t len, PoolDef **ret, Error *err) {
        _cleanup_xml_doc_ xmlDoc *doc = NULL;
        int r;

        r = xml_parse_document(xml, len, "pool", &doc, err);
        if (r < 0)
                return r;
        return pool_def_parse_node(xmlDocGetRootElement(doc), ret, err);
}

int pool_def_parse_file(int dirfd, const char *path, PoolDef **ret, Error *err) {
        _cleanup_free_ char *data = NULL;
        size_t len;
        int r;

        error_set_file(err, path);
        r = read_file_bounded(dirfd, path, XML_DOCUMENT_MAX, &data, &len);
        if (r == -EFBIG)
                return error_set_errno(err, r, 0, "file is larger than %d bytes",
                                       XML_DOCUMENT_MAX);
        if (r < 0)
                return error_set_errno(err, r, 0, "cannot read file: %s", strerror(-r));
        return pool_def_parse_string(data, len, ret, err);
}

const char *pool_def_format_name(const PoolDef *def) {
        const PoolTypeInfo *info = pool_type_info(def->type);

        if (!info->formats || def->source.format < 0 ||
            (size_t) def->source.format >= string_table_size(info->formats))
                return NULL;
        return info->formats[def->source.format];
}

static void format_source(XmlWriter *w, const PoolDef *def) {
        const PoolTypeInfo *info = pool_type_info(def->type);
        const PoolSource *s = &def->source;
        unsigned flags = info->source_flags;

        xml_writer_printf(w, "<source>\n");
        xml_writer_indent(w, 2);
        if (flags & SOURCE_HOST)
                for (size_t i = 0; i < s->n_hosts; i++) {
                        xml_writer_escape(w, "<host name='%s'", s->hosts[i].name);
                        if (s->hosts[i].port)
                                xml_writer_printf(w, " port='%d'", s->hosts[i].port);
                        xml_writer_printf(w, "/>\n");
                }
        if (flags & SOURCE_DEVICE)
                for (size_t i = 0; i < s->n_devices; i++) {
                        const PoolDevice *d = &s->devices[i];

                        xml_writer_escape(w, "<device path='%s'", d->path);
                        if (d->part_separator != TRISTATE_ABSENT)
                                xml_writer_printf(w, " part_separator='%s'",
                                                  tristate_to_string(d->part_separator));
                        if (d->n_free_extents == 0) {
                                xml_writer_printf(w, "/>\n");
                                continue;
                        }
                        xml_writer_printf(w, ">\n");
                        xml_writer_indent(w, 2);
                        for (size_t j = 0; j < d->n_free_extents; j++)
                                xml_writer_printf(w, "<freeExtent start='%llu' end='%llu'/>\n",
                                                  (unsigned long long) d->free_extents[j].start,
                                                  (unsigned long long) d->free_extents[j].end);
                        xml_writer_indent(w, -2);
                        xml_writer_printf(w, "</device>\n");
                }
        if (flags & SOURCE_DIR)
                xml_writer_escape(w, "<dir path='%s'/>\n", s->dir);
        if ((flags & SOURCE_ADAPTER) &&
            (s->adapter.type == ADAPTER_SCSI_HOST || s->adapter.type == ADAPTER_FC_HOST))
                adapter_format(w, &s->adapter);
        if (flags & SOURCE_NAME)
                xml_writer_escape(w, "<name>%s</name>\n", s->name);
        if ((flags & SOURCE_INITIATOR_IQN) && s->initiator_iqn) {
                xml_writer_printf(w, "<initiator>\n");
                xml_writer_indent(w, 2);
                xml_writer_escape(w, "<iqn name='%s'/>\n", s->initiator_iqn);
                xml_writer_indent(w, -2);
                xml_writer_printf(w, "</initiator>\n");
        }
        if (info->formats)
                xml_writer_printf(w, "<format type='%s'/>\n", pool_def_format_name(def));
        if (s->auth)
                auth_format(w, s->auth);
        if (s->protocol_ver)
                xml_writer_printf(w, "<protocol ver='%u'/>\n", s->protocol_ver);
        xml_writer_escape(w, "<vendor name='%s'/>\n", s->vendor);
        xml_writer_escape(w, "<product name='%s'/>\n", s->product);
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</source>\n");
}

static void format_options(XmlWriter *w, const char *container, const PoolOption *o, size_t n,
                           bool rbd) {
        const char *prefix = rbd ? "rbd" : "fs";

        xml_writer_printf(w, "<%s:%s>\n", prefix, container);
        xml_writer_indent(w, 2);
        for (size_t i = 0; i < n; i++) {
                xml_writer_printf(w, "<%s:option", prefix);
                xml_writer_escape(w, " name='%s'", o[i].name);
                xml_writer_escape(w, " value='%s'", o[i].value);
                xml_writer_printf(w, "/>\n");
        }
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</%s:%s>\n", prefix, container);
}

char *pool_def_format(const PoolDef *def, const PoolSizes *sizes) {
        const PoolTypeInfo *info = pool_type_info(def->type);
        PoolSizes zero = {};
        char uuid[UUID_STRING_MAX];
        XmlWriter w;

        if (!sizes)
                sizes = &zero;
        xml_writer_init(&w);
        xml_writer_printf(&w, "<pool type='%s'", info->name);
        if (def->n_mount_opts > 0)
                xml_writer_printf(&w, " xmlns:fs='%s'", POOL_FS_NAMESPACE);
        if (def->n_rbd_opts > 0)
                xml_writer_printf(&w, " xmlns:rbd='%s'", POOL_RBD_NAMESPACE);
        xml_writer_printf(&w, ">\n");
        xml_writer_indent(&w, 2);
        xml_writer_escape(&w, "<name>%s</name>\n", def->name);
        xml_writer_printf(&w, "<uuid>%s</uuid>\n", uuid_format(def->uuid, uuid));
        xml_writer_printf(&w, "<capacity unit='bytes'>%llu</capacity>\n",
                          (unsigned long long) sizes->capacity);
        xml_writer_printf(&w, "<allocation unit='bytes'>%llu</allocation>\n",
                          (unsigned long long) sizes->allocation);
        xml_writer_printf(&w, "<available unit='bytes'>%llu</available>\n",
                          (unsigned long long) sizes->available);
        if (def->cow != TRISTATE_ABSENT) {
                xml_writer_printf(&w, "<features>\n");
                xml_writer_indent(&w, 2);
                xml_writer_printf(&w, "<cow state='%s'/>\n", tristate_to_string(def->cow));
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</features>\n");
        }
        format_source(&w, def);
        if (info->target != TARGET_NONE) {
                xml_writer_printf(&w, "<target>\n");
                xml_writer_indent(&w, 2);
                xml_writer_escape(&w, "<path>%s</path>\n", def->target_path);
                perms_format(&w, &def->target_perms);
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</target>\n");
        }
        if (def->refresh_allocation != REFRESH_ALLOCATION_UNSET) {
                xml_writer_printf(&w, "<refresh>\n");
                xml_writer_indent(&w, 2);
                xml_writer_printf(&w, "<volume allocation='%s'/>\n",
                                  def->refresh_allocation == REFRESH_ALLOCATION_CAPACITY
                                          ? "capacity"
                                          : "default");
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</refresh>\n");
        }
        if (def->n_mount_opts > 0)
                format_options(&w, "mount_opts", def->mount_opts, def->n_mount_opts, false);
        if (def->n_rbd_opts > 0)
                format_options(&w, "config_opts", def->rbd_opts, def->n_rbd_opts, true);
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</pool>\n");
        return xml_writer_finish(&w, NULL);
}

/* libvirt's virStoragePoolSourceMatchSingleHost: the first hosts are the same. */
static bool same_first_host(const PoolSource *a, const PoolSource *b) {
        if (a->n_hosts == 0 || b->n_hosts == 0)
                return false;
        return streq(a->hosts[0].name, b->hosts[0].name) && a->hosts[0].port == b->hosts[0].port;
}

static bool share_a_device(const PoolSource *a, const PoolSource *b) {
        for (size_t i = 0; i < a->n_devices; i++)
                for (size_t j = 0; j < b->n_devices; j++)
                        if (streq(a->devices[i].path, b->devices[j].path))
                                return true;
        return false;
}

/* Pools whose source is a local block device: they conflict with one another across types
 * (a disk pool must not repartition the device an fs pool mounts), as in libvirt. */
static bool uses_block_device(PoolType t) {
        return t == POOL_FS || t == POOL_LOGICAL || t == POOL_DISK || t == POOL_ZFS;
}

bool pool_def_source_conflicts(const PoolDef *a, const PoolDef *b) {
        const PoolSource *sa = &a->source, *sb = &b->source;

        if (uses_block_device(a->type) && uses_block_device(b->type) && share_a_device(sa, sb))
                return true;
        if (a->type != b->type)
                return false;
        switch (a->type) {
        case POOL_DIR:
                return streq_ptr(a->target_path, b->target_path);
        case POOL_NETFS:
                return streq_ptr(sa->dir, sb->dir) && same_first_host(sa, sb);
        case POOL_GLUSTER:
                return streq_ptr(sa->name, sb->name) && streq_ptr(sa->dir, sb->dir) &&
                       same_first_host(sa, sb);
        case POOL_SCSI:
                return adapter_equal(&sa->adapter, &sb->adapter);
        case POOL_ISCSI:
        case POOL_ISCSI_DIRECT:
                /* The same target, whatever the portal (libvirt does not compare hosts:
                 * one target is often reachable through several), unless the initiators
                 * differ. */
                return share_a_device(sa, sb) && streq_ptr(sa->initiator_iqn, sb->initiator_iqn);
        case POOL_LOGICAL:
        case POOL_ZFS:
                /* Devices were compared above; poold adds the volume group or zpool name. */
                return streq_ptr(sa->name, sb->name);
        case POOL_MPATH:
                return true; /* one multipath pool per host */
        case POOL_VSTORAGE:
                return streq_ptr(sa->name, sb->name);
        case POOL_SHEEPDOG:
                return same_first_host(sa, sb);
        case POOL_FS:
        case POOL_DISK:
        case POOL_RBD:
        default:
                return false;
        }
}
