/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>

#include "conf/vol-def.h"
#include "shared/fileio.h"
#include "shared/path.h"
#include "shared/size.h"
#include "shared/xml-read.h"

static const char *const vol_types[] = {
        "file", "block", "dir", "network", "netdir", "ploop", NULL,
};
static const char *const vol_features[] = { "lazy_refcounts", "extended_l2", NULL };

const char *vol_type_to_string(VolType t) {
        return t >= 0 && t < _VOL_TYPE_MAX ? vol_types[t] : NULL;
}

VolType vol_type_from_string(const char *s) {
        return (VolType) string_table_lookup(vol_types, s);
}

const char *vol_feature_to_string(VolFeature f) {
        return f >= 0 && f < _VOL_FEATURE_MAX ? vol_features[f] : NULL;
}

static void vol_target_done(VolTarget *t) {
        free(t->path);
        perms_done(&t->perms);
        encryption_free(t->encryption);
        free(t->compat);
        *t = (VolTarget){ .perms = PERMS_UNSET };
}

VolDef *vol_def_new(void) {
        VolDef *def = xcalloc(1, sizeof(*def));

        def->target.perms = PERMS_UNSET;
        return def;
}

VolDef *vol_def_free(VolDef *def) {
        if (!def)
                return NULL;
        if (!def->name_in_path) /* else it goes with the target (see VolDef) */
                free(def->name);
        if (def->key != def->target.path) /* else it goes with the target (see VolDef) */
                free(def->key);
        for (size_t i = 0; i < def->n_extents; i++)
                free(def->extents[i].path);
        free(def->extents);
        vol_target_done(&def->target);
        if (def->backing) {
                vol_target_done(def->backing);
                free(def->backing);
        }
        free(def);
        return NULL;
}

static void vol_target_copy(VolTarget *dst, const VolTarget *src) {
        *dst = *src;
        dst->path = xstrdup(src->path);
        dst->perms = perms_copy(&src->perms);
        dst->encryption = encryption_copy(src->encryption);
        dst->compat = xstrdup(src->compat);
}

VolDef *vol_def_copy(const VolDef *def) {
        VolDef *c = xmalloc(sizeof(*c));

        *c = *def;
        c->extents = def->n_extents ? xcalloc(def->n_extents, sizeof(VolExtent)) : NULL;
        for (size_t i = 0; i < def->n_extents; i++) {
                c->extents[i] = def->extents[i];
                c->extents[i].path = xstrdup(def->extents[i].path);
        }
        vol_target_copy(&c->target, &def->target);
        c->name = def->name_in_path ? c->target.path + (def->name - def->target.path)
                                    : xstrdup(def->name);
        c->key = def->key && def->key == def->target.path ? c->target.path : xstrdup(def->key);
        if (def->backing) {
                c->backing = xmalloc(sizeof(VolTarget));
                vol_target_copy(c->backing, def->backing);
        }
        return c;
}

/* <format type=...> of a target or backing store, in the pool type's table. */
static int parse_format(const xmlNode *parent, PoolType pool_type, int *ret, Error *err) {
        const char *const *table = vol_format_table(pool_type);
        xmlNode *n = xml_child(parent, "format");
        _cleanup_free_ char *type = xml_prop(n, "type");
        int f;

        *ret = vol_format_default(pool_type);
        if (!vol_format_parsed(pool_type) || !type)
                return 0;
        f = string_table_lookup(table, type);
        /* "none" is no file format one can ask for. */
        if (f < 0 || (table == vol_file_formats && f == VOL_FILE_NONE))
                return error_set(err, xml_line(n), "unknown volume format type '%s' for a %s pool",
                                 type, pool_type_to_string(pool_type));
        *ret = f;
        return 0;
}

static int parse_scaled(const xmlNode *n, const char *what, uint64_t limit, uint64_t *ret,
                        Error *err) {
        _cleanup_free_ char *text = xml_text(n), *unit = xml_prop(n, "unit");
        uint64_t v;
        int r;

        r = size_parse(text ? text : "", unit, limit, ret);
        if (r == -ERANGE)
                return error_set(err, xml_line(n), "<%s> value '%s%s%s' is too large", what,
                                 text, unit ? " " : "", unit ? unit : "");
        if (r < 0 && unit && parse_uint64(text ? text : "", &v) == 0)
                return error_set(err, xml_line(n), "unknown unit '%s' in <%s>", unit, what);
        if (r < 0)
                return error_set(err, xml_line(n),
                                 "malformed <%s> '%s': expected a non-negative integer", what,
                                 text ? text : "");
        return 0;
}

static int parse_backing(const xmlNode *root, PoolType pool_type, VolDef *def, Error *err) {
        xmlNode *b = xml_child(root, "backingStore");
        _cleanup_free_ char *path = xml_child_text(b, "path");
        int r;

        if (!path)
                return 0;
        def->backing = xcalloc(1, sizeof(VolTarget));
        def->backing->perms = PERMS_UNSET;
        def->backing->path = TAKE_PTR(path);
        r = parse_format(b, pool_type, &def->backing->format, err);
        if (r < 0)
                return r;
        return perms_parse(xml_child(b, "permissions"), &def->backing->perms, err);
}

static int parse_compat(const xmlNode *n, char **ret, Error *err) {
        _cleanup_free_ char *c = xml_text(n);
        const char *p;
        bool dot = false;

        if (!c)
                return 0; /* an empty <compat/> is no compat level, as in libvirt */
        /* MAJOR.MINOR, both decimal. */
        for (p = c; *p; p++) {
                if (*p == '.' && !dot && p != c && isdigit((unsigned char) p[1]))
                        dot = true;
                else if (!isdigit((unsigned char) *p))
                        break;
        }
        if (*p || !dot)
                return error_set(err, xml_line(n),
                                 "malformed <compat> '%s': expected MAJOR.MINOR, e.g. 1.1", c);
        *ret = TAKE_PTR(c);
        return 0;
}

static int parse_features(const xmlNode *target, VolTarget *t, Error *err) {
        xmlNode *f = xml_child(target, "features");

        if (!f)
                return 0;
        t->has_features = true;
        /* Features exist from qcow2 v3 on; libvirt implies the compat level. */
        if (!t->compat)
                t->compat = xstrdup("1.1");
        for (xmlNode *c = f->children; c; c = c->next) {
                int v;

                if (c->type != XML_ELEMENT_NODE)
                        continue;
                v = string_table_lookup(vol_features, xml_name(c));
                if (v < 0)
                        return error_set(err, xml_line(c),
                                         "unsupported volume feature <%s> (expected "
                                         "lazy_refcounts or extended_l2)",
                                         xml_name(c));
                t->features |= 1u << v;
        }
        return 0;
}

static int parse_target(const xmlNode *root, PoolType pool_type, VolDef *def, Error *err) {
        xmlNode *target = xml_child(root, "target"), *n;
        VolTarget *t = &def->target;
        int r;

        t->path = xml_child_text(target, "path");
        if ((r = parse_format(target, pool_type, &t->format, err)) < 0 ||
            (r = perms_parse(xml_child(target, "permissions"), &t->perms, err)) < 0)
                return r;
        n = xml_child(target, "encryption");
        if (n && (r = encryption_parse(n, &t->encryption, err)) < 0)
                return r;
        n = xml_child(target, "compat");
        if (n && (r = parse_compat(n, &t->compat, err)) < 0)
                return r;
        t->nocow = xml_child(target, "nocow") != NULL;
        n = xml_child(target, "clusterSize");
        if (n && (r = parse_scaled(n, "clusterSize", UINT64_MAX, &t->cluster_size, err)) < 0)
                return r;
        return parse_features(target, t, err);
}

static int vol_def_parse_into(const xmlNode *root, PoolType pool_type, unsigned flags,
                              VolDef *def, Error *err) {
        _cleanup_free_ char *type = xml_prop(root, "type");
        xmlNode *name_node = xml_child(root, "name"), *n;
        const char *why;
        int r;

        def->name = xml_text(name_node);
        if (!def->name)
                return error_set(err, xml_line(root), "missing volume name: <name> is required");
        why = name_check(def->name, VOL_NAME_MAX);
        if (why)
                return error_set(err, xml_line(name_node), "invalid volume name '%s': %s",
                                 def->name, why);
        def->key = xml_child_text(root, "key");
        if (type) {
                def->type = vol_type_from_string(type);
                if ((int) def->type < 0)
                        return error_set(err, xml_line(root),
                                         "unknown volume type '%s' (expected file, block, dir, "
                                         "network, netdir or ploop)",
                                         type);
        }

        if ((r = parse_backing(root, pool_type, def, err)) < 0)
                return r;

        /* Sizes: off_t is signed, so nothing is larger than INT64_MAX bytes. */
        n = xml_child(root, "capacity");
        if (n) {
                if ((r = parse_scaled(n, "capacity", INT64_MAX, &def->capacity, err)) < 0)
                        return r;
                def->has_capacity = true;
        } else if (!((flags & VOL_PARSE_OPT_CAPACITY) && def->backing))
                return error_set(err, xml_line(root),
                                 "missing volume capacity: <capacity> is required%s",
                                 (flags & VOL_PARSE_OPT_CAPACITY)
                                         ? " unless a <backingStore> gives it"
                                         : "");
        n = xml_child(root, "allocation");
        if (n) {
                if ((r = parse_scaled(n, "allocation", INT64_MAX, &def->allocation, err)) < 0)
                        return r;
                def->has_allocation = true;
        } else
                def->allocation = def->capacity;

        return parse_target(root, pool_type, def, err);
}

int vol_def_parse_node(const xmlNode *root, PoolType pool_type, unsigned flags, VolDef **ret,
                       Error *err) {
        VolDef *def = vol_def_new();
        int r;

        r = vol_def_parse_into(root, pool_type, flags, def, err);
        if (r < 0) {
                vol_def_free(def);
                return r;
        }
        *ret = def;
        return 0;
}

int vol_def_parse_string(const char *xml, size_t len, PoolType pool_type, unsigned flags,
                         VolDef **ret, Error *err) {
        _cleanup_xml_doc_ xmlDoc *doc = NULL;
        int r;

        r = xml_parse_document(xml, len, "volume", &doc, err);
        if (r < 0)
                return r;
        return vol_def_parse_node(xmlDocGetRootElement(doc), pool_type, flags, ret, err);
}

int vol_def_parse_file(int dirfd, const char *path, PoolType pool_type, unsigned flags,
                       VolDef **ret, Error *err) {
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
        return vol_def_parse_string(data, len, pool_type, flags, ret, err);
}

static void format_timestamp(XmlWriter *w, const char *name, const struct timespec *ts) {
        if (ts->tv_nsec < 0)
                return;
        xml_writer_printf(w, "<%s>%llu", name, (unsigned long long) ts->tv_sec);
        if (ts->tv_nsec)
                xml_writer_printf(w, ".%09ld", ts->tv_nsec);
        xml_writer_printf(w, "</%s>\n", name);
}

static void format_target(XmlWriter *w, const VolTarget *t, PoolType pool_type,
                          const char *element) {
        const char *const *table = vol_format_table(pool_type);

        xml_writer_printf(w, "<%s>\n", element);
        xml_writer_indent(w, 2);
        xml_writer_escape(w, "<path>%s</path>\n", t->path);
        if (table && t->format >= 0 && (size_t) t->format < string_table_size(table))
                xml_writer_printf(w, "<format type='%s'/>\n", table[t->format]);
        perms_format(w, &t->perms);
        if (t->has_timestamps) {
                xml_writer_printf(w, "<timestamps>\n");
                xml_writer_indent(w, 2);
                format_timestamp(w, "atime", &t->timestamps.atime);
                format_timestamp(w, "mtime", &t->timestamps.mtime);
                format_timestamp(w, "ctime", &t->timestamps.ctime);
                format_timestamp(w, "btime", &t->timestamps.btime);
                xml_writer_indent(w, -2);
                xml_writer_printf(w, "</timestamps>\n");
        }
        if (t->encryption)
                encryption_format(w, t->encryption);
        xml_writer_escape(w, "<compat>%s</compat>\n", t->compat);
        if (t->cluster_size > 0)
                xml_writer_printf(w, "<clusterSize unit='B'>%llu</clusterSize>\n",
                                  (unsigned long long) t->cluster_size);
        if (t->has_features) {
                if (t->features == 0)
                        xml_writer_printf(w, "<features/>\n");
                else {
                        xml_writer_printf(w, "<features>\n");
                        xml_writer_indent(w, 2);
                        for (int i = 0; i < _VOL_FEATURE_MAX; i++)
                                if (t->features & (1u << i))
                                        xml_writer_printf(w, "<%s/>\n", vol_features[i]);
                        xml_writer_indent(w, -2);
                        xml_writer_printf(w, "</features>\n");
                }
        }
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</%s>\n", element);
}

static void format_extents(XmlWriter *w, const VolDef *def) {
        const char *current = NULL;

        if (def->n_extents == 0)
                return;
        xml_writer_printf(w, "<source>\n");
        xml_writer_indent(w, 2);
        for (size_t i = 0; i < def->n_extents; i++) {
                const VolExtent *e = &def->extents[i];

                if (!current || !streq(current, e->path)) {
                        if (current)
                                xml_writer_printf(w, "</device>\n");
                        xml_writer_escape(w, "<device path='%s'>\n", e->path);
                        current = e->path;
                }
                xml_writer_indent(w, 2);
                xml_writer_printf(w, "<extent start='%llu' end='%llu'/>\n",
                                  (unsigned long long) e->start, (unsigned long long) e->end);
                xml_writer_indent(w, -2);
        }
        xml_writer_printf(w, "</device>\n");
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</source>\n");
}

char *vol_def_format(const VolDef *def, PoolType pool_type) {
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_printf(&w, "<volume type='%s'>\n", vol_types[def->type]);
        xml_writer_indent(&w, 2);
        xml_writer_escape(&w, "<name>%s</name>\n", def->name);
        xml_writer_escape(&w, "<key>%s</key>\n", def->key);
        format_extents(&w, def);
        xml_writer_printf(&w, "<capacity unit='bytes'>%llu</capacity>\n",
                          (unsigned long long) def->capacity);
        xml_writer_printf(&w, "<allocation unit='bytes'>%llu</allocation>\n",
                          (unsigned long long) def->allocation);
        if (def->physical)
                xml_writer_printf(&w, "<physical unit='bytes'>%llu</physical>\n",
                                  (unsigned long long) def->physical);
        format_target(&w, &def->target, pool_type, "target");
        if (def->backing && def->backing->path)
                format_target(&w, def->backing, pool_type, "backingStore");
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</volume>\n");
        return xml_writer_finish(&w, NULL);
}
