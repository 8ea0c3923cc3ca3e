/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virsh's pool-* commands: same arguments, messages and output. */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>

#include "cli/client.h"
#include "cli/json-out.h"
#include "cli/table.h"
#include "conf/pool-types.h"
#include "shared/fileio.h"
#include "shared/size.h"

#define POOL_DOC_MAX (1024 * 1024)

/* Parses "CMD [--flags] ARG..." with getopt; returns the index of the first argument. */
#define FOR_OPTIONS(c, argc, argv, opts) \
        for (int c; (c = getopt_long((argc), (argv), "", (opts), NULL)) >= 0;)

static int need_args(int argc, char *argv[], int n, const char *usage) {
        if (argc - optind != n) {
                fprintf(stderr, "error: %s: expected %s\n", argv[0], usage);
                return -EINVAL;
        }
        return 0;
}

/* Simple "CMD POOL" commands that call one method and print one message. */
static int simple_pool_call(int argc, char *argv[], const GlobalOptions *g, const char *method,
                            const char *ok_fmt, const char *fail_fmt, const char *types,
                            ...) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL, *context = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        const char *pool = argv[optind];
        va_list ap;
        int r;

        if (client_connect(&bus) < 0 || client_pool_path(bus, pool, &path) < 0)
                return 1;
        r = sd_bus_message_new_method_call(bus, &m, "org.poold1", path, POOL_IFACE, method);
        if (r >= 0 && types) {
                va_start(ap, types);
                r = sd_bus_message_appendv(m, types, ap);
                va_end(ap);
        }
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &e, &reply);
        sd_bus_message_unref(m);
        if (r < 0) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
                context = xasprintf(fail_fmt, pool);
                client_error(context, &e, r);
                sd_bus_error_free(&e);
                return 1;
        }
        /* virsh prints these with vshPrintExtra: -q silences them. */
        if (!g->quiet) {
                printf(ok_fmt, pool);
                putchar('\n');
        }
#pragma GCC diagnostic pop
        client_end(g);
        return 0;
}

int cmd_pool_start(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "build", no_argument, NULL, 'b' },
                { "overwrite", no_argument, NULL, 'o' },
                { "no-overwrite", no_argument, NULL, 'n' },
                {},
        };
        uint32_t flags = 0;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'b': flags |= 1; break;
                case 'o': flags |= 2; break;
                case 'n': flags |= 4; break;
                default: return 1;
                }
        if ((flags & 6) == 6) {
                fprintf(stderr, "error: Options --overwrite and --no-overwrite are mutually "
                                "exclusive\n");
                return 1;
        }
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        return simple_pool_call(argc, argv, g, "Start", "Pool %s started",
                                "Failed to start pool %s", "u", flags);
}

int cmd_pool_destroy(int argc, char *argv[], const GlobalOptions *g) {
        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return 1;
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        return simple_pool_call(argc, argv, g, "Destroy", "Pool %s destroyed",
                                "Failed to destroy pool %s", NULL);
}

int cmd_pool_refresh(int argc, char *argv[], const GlobalOptions *g) {
        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return 1;
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        return simple_pool_call(argc, argv, g, "Refresh", "Pool %s refreshed",
                                "Failed to refresh pool %s", NULL);
}

int cmd_pool_undefine(int argc, char *argv[], const GlobalOptions *g) {
        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return 1;
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        return simple_pool_call(argc, argv, g, "Undefine", "Pool %s has been undefined",
                                "Failed to undefine pool %s", NULL);
}

int cmd_pool_build(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "overwrite", no_argument, NULL, 'o' },
                { "no-overwrite", no_argument, NULL, 'n' },
                {},
        };
        uint32_t flags = 0;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'o': flags |= 2; break;
                case 'n': flags |= 4; break;
                default: return 1;
                }
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        return simple_pool_call(argc, argv, g, "Build", "Pool %s built",
                                "Failed to build pool %s", "u", flags);
}

int cmd_pool_delete(int argc, char *argv[], const GlobalOptions *g) {
        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return 1;
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        return simple_pool_call(argc, argv, g, "Delete", "Pool %s deleted",
                                "Failed to delete pool %s", "u", 0);
}

int cmd_pool_autostart(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = { { "disable", no_argument, NULL, 'd' }, {} };
        bool disable = false;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'd': disable = true; break;
                default: return 1;
                }
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        if (disable)
                return simple_pool_call(argc, argv, g, "SetAutostart",
                                        "Pool %s unmarked as autostarted",
                                        "failed to unmark pool %s as autostarted", "b", 0);
        return simple_pool_call(argc, argv, g, "SetAutostart", "Pool %s marked as autostarted",
                                "failed to mark pool %s as autostarted", "b", 1);
}

int cmd_pool_define(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = { { "validate", no_argument, NULL, 'v' }, {} };
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *xml = NULL, *context = NULL, *name = NULL;
        const char *file, *path;
        int r;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'v': break; /* poold always validates */
                default: return 1;
                }
        if (need_args(argc, argv, 1, "<file>") < 0)
                return 1;
        file = argv[optind];
        r = read_file_bounded(AT_FDCWD, file, POOL_DOC_MAX, &xml, NULL);
        if (r < 0) {
                fprintf(stderr, "error: Failed to read file '%s' to define pool: %s\n", file,
                        strerror(-r));
                return 1;
        }
        if (client_connect(&bus) < 0)
                return 1;
        context = xasprintf("Failed to define pool from %s", file);
        if (client_call(bus, MANAGER_PATH, MANAGER_IFACE, "DefinePool", &reply, context, "su",
                        xml, 0) < 0)
                return 1;
        if (sd_bus_message_read(reply, "o", &path) < 0 ||
            sd_bus_path_decode(path, "/org/poold1/pool", &name) <= 0)
                return 1;
        if (!g->quiet)
                printf("Pool %s defined from %s\n", name, file);
        client_end(g);
        return 0;
}

int cmd_pool_create(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "build", no_argument, NULL, 'b' },
                { "overwrite", no_argument, NULL, 'o' },
                { "no-overwrite", no_argument, NULL, 'n' },
                {},
        };
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *xml = NULL, *context = NULL, *name = NULL;
        uint32_t flags = 0;
        const char *file, *path;
        int r;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'b': flags |= 1; break;
                case 'o': flags |= 2; break;
                case 'n': flags |= 4; break;
                default: return 1;
                }
        if (need_args(argc, argv, 1, "<file>") < 0)
                return 1;
        file = argv[optind];
        r = read_file_bounded(AT_FDCWD, file, POOL_DOC_MAX, &xml, NULL);
        if (r < 0) {
                fprintf(stderr, "error: Failed to read file '%s' to create pool: %s\n", file,
                        strerror(-r));
                return 1;
        }
        if (client_connect(&bus) < 0)
                return 1;
        context = xasprintf("Failed to create pool from %s", file);
        if (client_call(bus, MANAGER_PATH, MANAGER_IFACE, "CreatePool", &reply, context, "su",
                        xml, flags) < 0)
                return 1;
        if (sd_bus_message_read(reply, "o", &path) < 0 ||
            sd_bus_path_decode(path, "/org/poold1/pool", &name) <= 0)
                return 1;
        if (!g->quiet)
                printf("Pool %s created from %s\n", name, file);
        client_end(g);
        return 0;
}

int cmd_pool_dumpxml(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "inactive", no_argument, NULL, 'i' },
                { "xpath", required_argument, NULL, 'x' },
                { "wrap", no_argument, NULL, 'w' },
                {},
        };
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL;
        uint32_t flags = 0;
        _cleanup_free_ char *xml_b = NULL;
        const char *xml, *xpath = NULL;
        bool wrap = false;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'i': flags |= 1; break;
                case 'x': xpath = optarg; break;
                case 'w': wrap = true; break;
                default: return 1;
                }
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        if (client_connect(&bus) < 0 || client_pool_path(bus, argv[optind], &path) < 0)
                return 1;
        if (client_call(bus, path, POOL_IFACE, "GetXMLDesc", &reply, NULL, "u", flags) < 0 ||
            sd_bus_message_read(reply, "s", &xml) < 0)
                return 1;
        client_decode_inplace(&xml, &xml_b);
        if (xpath) {
                if (dumpxml_print_xpath(xml, xpath, wrap) < 0)
                        return 1;
        } else
                fputs(xml, stdout);
        client_end(g);
        return 0;
}

typedef struct PoolRow {
        const char *name, *uuid, *type, *phase;
        int active, autostart, persistent;
        uint64_t capacity, allocation, available;
} PoolRow;

static const char *virsh_state(const PoolRow *p) {
        if (streq(p->phase, "running"))
                return "running";
        if (streq(p->phase, "degraded"))
                return "degraded";
        if (streq(p->phase, "building"))
                return "building";
        return "inactive";
}

/* --type takes virsh's comma-separated list of known pool types. */
static int check_pool_types(const char *types) {
        _cleanup_free_ char *copy = xstrdup(types);
        char *save = NULL;

        for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save))
                if (pool_type_from_string(t) < 0) {
                        fprintf(stderr, "error: Invalid pool type '%s'\n", t);
                        return -EINVAL;
                }
        return 0;
}

/* One pool in --json output (docs/json.md); sizes are null while the pool is not running. */
static struct json_object *pool_row_json(const PoolRow *p) {
        struct json_object *o = json_object_new_object();

        json_object_object_add(o, "name", json_str(p->name));
        json_object_object_add(o, "uuid", json_str(p->uuid));
        json_object_object_add(o, "type", json_str(p->type));
        json_object_object_add(o, "state", json_str(p->active ? "active" : "inactive"));
        json_object_object_add(o, "phase", json_str(p->phase));
        json_object_object_add(o, "autostart", json_object_new_boolean(p->autostart));
        json_object_object_add(o, "persistent", json_object_new_boolean(p->persistent));
        json_object_object_add(o, "capacity", p->active ? json_u64(p->capacity) : NULL);
        json_object_object_add(o, "allocation", p->active ? json_u64(p->allocation) : NULL);
        json_object_object_add(o, "available", p->active ? json_u64(p->available) : NULL);
        return o;
}

int cmd_pool_list(int argc, char *argv[], const GlobalOptions *g) {
        enum { O_ALL = 1, O_INACTIVE, O_TRANSIENT, O_PERSISTENT, O_AUTOSTART, O_NO_AUTOSTART,
               O_TYPE, O_DETAILS, O_UUID, O_NAME, O_JSON };
        static const struct option opts[] = {
                { "all", no_argument, NULL, O_ALL },
                { "inactive", no_argument, NULL, O_INACTIVE },
                { "transient", no_argument, NULL, O_TRANSIENT },
                { "persistent", no_argument, NULL, O_PERSISTENT },
                { "autostart", no_argument, NULL, O_AUTOSTART },
                { "no-autostart", no_argument, NULL, O_NO_AUTOSTART },
                { "type", required_argument, NULL, O_TYPE },
                { "details", no_argument, NULL, O_DETAILS },
                { "uuid", no_argument, NULL, O_UUID },
                { "name", no_argument, NULL, O_NAME },
                { "json", no_argument, NULL, O_JSON },
                {},
        };
        struct json_object *jpools = NULL;
        bool json = false;
        bool all = false, inactive = false, transient = false, persistent = false,
             autostart = false, no_autostart = false, details = false, uuid = false,
             name = false;
        const char *types = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        Table *t = NULL;
        PoolRow p;
        int r;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case O_ALL: all = true; break;
                case O_INACTIVE: inactive = true; break;
                case O_TRANSIENT: transient = true; break;
                case O_PERSISTENT: persistent = true; break;
                case O_AUTOSTART: autostart = true; break;
                case O_NO_AUTOSTART: no_autostart = true; break;
                case O_TYPE: types = optarg; break;
                case O_DETAILS: details = true; break;
                case O_UUID: uuid = true; break;
                case O_NAME: name = true; break;
                case O_JSON: json = true; break;
                default: return 1;
                }
        /* virsh's checks, in virsh's order and words. */
        if (all && inactive) {
                fprintf(stderr, "error: Options --all and --inactive are mutually exclusive\n");
                return 1;
        }
        if (details && (uuid || name)) {
                fprintf(stderr, "error: Options --details and --%s are mutually exclusive\n",
                        uuid ? "uuid" : "name");
                return 1;
        }
        if (types && check_pool_types(types) < 0)
                return 1;
        if (need_args(argc, argv, 0, "no argument") < 0 || client_connect(&bus) < 0)
                return 1;
        if (client_call(bus, MANAGER_PATH, MANAGER_IFACE, "ListPools", &reply,
                        "Failed to list pools", NULL) < 0)
                return 1;
        if (json)
                jpools = json_object_new_array();
        else if (!uuid && !name)
                t = details ? table_new(7, "Name", "State", "Autostart", "Persistent",
                                        "Capacity", "Allocation", "Available")
                            : table_new(3, "Name", "State", "Autostart");
        r = sd_bus_message_enter_container(reply, 'a', "(sssbbbsttt)");
        while (r > 0 && (r = sd_bus_message_read(reply, "(sssbbbsttt)", &p.name, &p.uuid,
                                                 &p.type, &p.active, &p.autostart,
                                                 &p.persistent, &p.phase, &p.capacity,
                                                 &p.allocation, &p.available)) > 0) {
                char cap[SIZE_PRETTY_MAX], alloc[SIZE_PRETTY_MAX], avail[SIZE_PRETTY_MAX];
                _cleanup_free_ char *name_b = NULL;

                client_decode_inplace(&p.name, &name_b);

                if (!all && (inactive ? p.active : !p.active))
                        continue;
                if ((transient && !persistent && p.persistent) ||
                    (persistent && !transient && !p.persistent) ||
                    (autostart && !no_autostart && !p.autostart) ||
                    (no_autostart && !autostart && p.autostart))
                        continue;
                if (types) {
                        _cleanup_free_ char *list = xasprintf(",%s,", types);
                        _cleanup_free_ char *needle = xasprintf(",%s,", p.type);
                        if (!strstr(list, needle))
                                continue;
                }
                if (json) {
                        json_object_array_add(jpools, pool_row_json(&p));
                        continue;
                }
                if (uuid || name) {
                        if (uuid)
                                printf("%-36s%s", p.uuid, name ? " " : "\n");
                        if (name)
                                printf("%-20s\n", p.name);
                        continue;
                }
                if (!details) {
                        table_add_row(t, p.name, p.active ? "active" : "inactive",
                                      p.autostart ? "yes" : "no");
                        continue;
                }
                table_add_row(t, p.name, virsh_state(&p), p.autostart ? "yes" : "no",
                              p.persistent ? "yes" : "no",
                              p.active ? size_format_pretty(p.capacity, cap) : "-",
                              p.active ? size_format_pretty(p.allocation, alloc) : "-",
                              p.active ? size_format_pretty(p.available, avail) : "-");
        }
        if (json) {
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "pools", jpools);
                json_print(o);
                return r < 0 ? 1 : 0;
        }
        if (t) {
                table_print(t, stdout, g->quiet);
                table_free(t);
        }
        client_end(g);
        return r < 0 ? 1 : 0;
}

static int get_prop(sd_bus *bus, const char *path, const char *prop, char type, void *ret) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = sd_bus_get_property_trivial(bus, "org.poold1", path, POOL_IFACE, prop, &e, type,
                                            ret);

        sd_bus_error_free(&e);
        return r;
}

int cmd_pool_info(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "bytes", no_argument, NULL, 'b' },
                { "json", no_argument, NULL, 'j' },
                {},
        };
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL, *name = NULL, *uuid = NULL, *phase = NULL,
                            *type = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int active = 0, autostart = 0, persistent = 0;
        uint64_t cap = 0, alloc = 0, avail = 0;
        bool bytes = false, json = false;
        PoolRow row = {};

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'b': bytes = true; break;
                case 'j': json = true; break;
                default: return 1;
                }
        if (need_args(argc, argv, 1, "<pool>") < 0)
                return 1;
        if (client_connect(&bus) < 0 || client_pool_path(bus, argv[optind], &path) < 0)
                return 1;
        if (sd_bus_get_property_string(bus, "org.poold1", path, POOL_IFACE, "Name", &e, &name) <
                    0 ||
            sd_bus_get_property_string(bus, "org.poold1", path, POOL_IFACE, "UUID", &e, &uuid) <
                    0 ||
            sd_bus_get_property_string(bus, "org.poold1", path, POOL_IFACE, "Phase", &e,
                                       &phase) < 0 ||
            sd_bus_get_property_string(bus, "org.poold1", path, POOL_IFACE, "Type", &e, &type) <
                    0 ||
            get_prop(bus, path, "Active", 'b', &active) < 0 ||
            get_prop(bus, path, "Autostart", 'b', &autostart) < 0 ||
            get_prop(bus, path, "Persistent", 'b', &persistent) < 0 ||
            get_prop(bus, path, "Capacity", 't', &cap) < 0 ||
            get_prop(bus, path, "Allocation", 't', &alloc) < 0 ||
            get_prop(bus, path, "Available", 't', &avail) < 0) {
                client_error("failed to get pool info", &e, -EIO);
                sd_bus_error_free(&e);
                return 1;
        }
        row = (PoolRow){ .name = name, .uuid = uuid, .type = type, .phase = phase,
                         .active = active, .autostart = autostart, .persistent = persistent,
                         .capacity = cap, .allocation = alloc, .available = avail };
        if (json) {
                json_print(pool_row_json(&row));
                return 0;
        }
        printf("%-15s %s\n", "Name:", name);
        printf("%-15s %s\n", "UUID:", uuid);
        printf("%-15s %s\n", "State:", virsh_state(&row));
        printf("%-15s %s\n", "Persistent:", persistent ? "yes" : "no");
        printf("%-15s %s\n", "Autostart:", autostart ? "yes" : "no");
        if (active) {
                const char *labels[] = { "Capacity:", "Allocation:", "Available:" };
                uint64_t vals[] = { cap, alloc, avail };
                for (size_t i = 0; i < 3; i++) {
                        char buf[SIZE_PRETTY_MAX];
                        if (bytes)
                                printf("%-15s %llu\n", labels[i], (unsigned long long) vals[i]);
                        else
                                printf("%-15s %s\n", labels[i], size_format_pretty(vals[i], buf));
                }
        }
        client_end(g);
        return 0;
}
