/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virsh's vol-* commands. */
#include <ctype.h>
#include <getopt.h>
#include <stdio.h>

#include "cli/client.h"
#include "cli/table.h"
#include "shared/size.h"
#include "shared/xml-writer.h"

#define FOR_OPTIONS(c, argc, argv, opts) \
        for (int c; (c = getopt_long((argc), (argv), "", (opts), NULL)) >= 0;)

/* virsh's scaled integers: a number with an optional unit suffix, bytes by default. */
static int parse_scaled(const char *s, uint64_t *ret) {
        _cleanup_free_ char *num = NULL;
        const char *p = s;

        while (isdigit((unsigned char) *p))
                p++;
        num = xstrndup(s, (size_t) (p - s));
        return size_parse(num, p, INT64_MAX, ret);
}

int cmd_vol_list(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "details", no_argument, NULL, 'd' },
                { "pool", required_argument, NULL, 'p' },
                {},
        };
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL;
        const char *pool = NULL, *name, *key, *vpath, *type;
        uint64_t cap, alloc, phys;
        bool details = false;
        Table *t;
        int r;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'd': details = true; break;
                case 'p': pool = optarg; break;
                default: return 1;
                }
        if (!pool && optind < argc)
                pool = argv[optind++];
        if (!pool || optind != argc) {
                fprintf(stderr, "error: vol-list: expected <pool>\n");
                return 1;
        }
        if (client_connect(&bus) < 0 || client_pool_path(bus, pool, &path) < 0)
                return 1;
        if (client_call(bus, path, POOL_IFACE, "ListVolumes", &reply, "Failed to list volumes",
                        NULL) < 0)
                return 1;
        t = details ? table_new(5, "Name", "Path", "Type", "Capacity", "Allocation")
                    : table_new(2, "Name", "Path");
        r = sd_bus_message_enter_container(reply, 'a', "(ssssttt)");
        while (r > 0 && (r = sd_bus_message_read(reply, "(ssssttt)", &name, &key, &vpath, &type,
                                                 &cap, &alloc, &phys)) > 0) {
                char c1[SIZE_PRETTY_MAX], c2[SIZE_PRETTY_MAX];

                if (details)
                        table_add_row(t, name, vpath, type, size_format_pretty(cap, c1),
                                      size_format_pretty(alloc, c2));
                else
                        table_add_row(t, name, vpath);
        }
        table_print(t, stdout, g->quiet);
        table_free(t);
        client_end(g);
        return r < 0 ? 1 : 0;
}

int cmd_vol_create_as(int argc, char *argv[], const GlobalOptions *g) {
        enum { O_ALLOC = 1, O_FORMAT, O_BACKING, O_BACKING_FMT, O_PREALLOC, O_PRINT };
        static const struct option opts[] = {
                { "allocation", required_argument, NULL, O_ALLOC },
                { "format", required_argument, NULL, O_FORMAT },
                { "backing-vol", required_argument, NULL, O_BACKING },
                { "backing-vol-format", required_argument, NULL, O_BACKING_FMT },
                { "prealloc-metadata", no_argument, NULL, O_PREALLOC },
                { "print-xml", no_argument, NULL, O_PRINT },
                {},
        };
        const char *alloc_s = NULL, *format = NULL, *backing = NULL, *backing_fmt = NULL;
        bool prealloc = false, print = false;
        uint64_t capacity, allocation = 0;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL, *xml = NULL, *context = NULL;
        const char *pool, *name;
        XmlWriter w;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case O_ALLOC: alloc_s = optarg; break;
                case O_FORMAT: format = optarg; break;
                case O_BACKING: backing = optarg; break;
                case O_BACKING_FMT: backing_fmt = optarg; break;
                case O_PREALLOC: prealloc = true; break;
                case O_PRINT: print = true; break;
                default: return 1;
                }
        if (argc - optind != 3) {
                fprintf(stderr, "error: vol-create-as: expected <pool> <name> <capacity>\n");
                return 1;
        }
        pool = argv[optind];
        name = argv[optind + 1];
        if (parse_scaled(argv[optind + 2], &capacity) < 0) {
                fprintf(stderr, "error: Malformed size %s\n", argv[optind + 2]);
                return 1;
        }
        if (alloc_s && parse_scaled(alloc_s, &allocation) < 0) {
                fprintf(stderr, "error: Malformed size %s\n", alloc_s);
                return 1;
        }

        /* The same document virsh builds. */
        xml_writer_init(&w);
        xml_writer_printf(&w, "<volume>\n");
        xml_writer_indent(&w, 2);
        xml_writer_escape(&w, "<name>%s</name>\n", name);
        xml_writer_printf(&w, "<capacity>%llu</capacity>\n", (unsigned long long) capacity);
        if (alloc_s)
                xml_writer_printf(&w, "<allocation>%llu</allocation>\n",
                                  (unsigned long long) allocation);
        if (format) {
                xml_writer_printf(&w, "<target>\n");
                xml_writer_indent(&w, 2);
                xml_writer_escape(&w, "<format type='%s'/>\n", format);
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</target>\n");
        }
        if (backing) {
                xml_writer_printf(&w, "<backingStore>\n");
                xml_writer_indent(&w, 2);
                xml_writer_escape(&w, "<path>%s</path>\n", backing);
                xml_writer_escape(&w, "<format type='%s'/>\n", backing_fmt);
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</backingStore>\n");
        }
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</volume>\n");
        xml = xml_writer_finish(&w, NULL);
        if (print) {
                fputs(xml, stdout);
                return 0;
        }
        if (client_connect(&bus) < 0 || client_pool_path(bus, pool, &path) < 0)
                return 1;
        context = xasprintf("Failed to create vol %s", name);
        if (client_call(bus, path, POOL_IFACE, "CreateVolume", &reply, context, "su", xml,
                        prealloc ? 1 : 0) < 0)
                return 1;
        printf("Vol %s created\n", name);
        client_end(g);
        return 0;
}

/* A volume by name (with --pool), by key or by path, as virsh resolves it. */
static int volume_path(sd_bus *bus, const char *vol, const char *pool, char **ret) {
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *ppath = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        const char *p, *n, *o;
        int r;

        if (pool) {
                if (client_pool_path(bus, pool, &ppath) < 0)
                        return -ENOENT;
                r = sd_bus_call_method(bus, "org.poold1", ppath, POOL_IFACE, "LookupVolume", &e,
                                       &reply, "s", vol);
                if (r >= 0 && sd_bus_message_read(reply, "o", &o) >= 0) {
                        *ret = xstrdup(o);
                        return 0;
                }
                sd_bus_error_free(&e);
                reply = sd_bus_message_unref(reply);
        }
        r = sd_bus_call_method(bus, "org.poold1", MANAGER_PATH, MANAGER_IFACE, "LookupVolume",
                               &e, &reply, "s", vol);
        if (r < 0 || sd_bus_message_read(reply, "sso", &p, &n, &o) < 0) {
                _cleanup_free_ char *ctx =
                        pool ? xasprintf("failed to get vol '%s'", vol)
                             : xasprintf("failed to get vol '%s', specifying --pool might help",
                                         vol);
                client_error(ctx, &e, r);
                sd_bus_error_free(&e);
                return -ENOENT;
        }
        *ret = xstrdup(o);
        return 0;
}

int cmd_vol_delete(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "delete-snapshots", no_argument, NULL, 's' },
                {},
        };
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL, *context = NULL;
        const char *pool = NULL, *vol;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                case 's': break;
                default: return 1;
                }
        if (argc - optind != 1) {
                fprintf(stderr, "error: vol-delete: expected <vol>\n");
                return 1;
        }
        vol = argv[optind];
        if (client_connect(&bus) < 0 || volume_path(bus, vol, pool, &path) < 0)
                return 1;
        context = xasprintf("Failed to delete vol %s", vol);
        if (client_call(bus, path, VOLUME_IFACE, "Delete", NULL, context, "u", 0) < 0)
                return 1;
        printf("Vol %s deleted\n", vol);
        client_end(g);
        return 0;
}
