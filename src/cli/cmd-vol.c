/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virsh's vol-* commands: the same arguments, messages and output (docs/poolctl-volumes.md
 * lists where poolctl differs, and why). */
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli/client.h"
#include "cli/json-out.h"
#include "cli/table.h"
#include "shared/fileio.h"
#include "shared/name-escape.h"
#include "shared/path.h"
#include "shared/size.h"
#include "shared/xml-read.h"
#include "shared/xml-writer.h"

#define VOL_DOC_MAX (1024 * 1024)
#define NO_SUCH_VOLUME "org.poold1.Error.NoSuchVolume"

/* getopt over what virsh_arguments() checked and laid out: it sees known options only, so
 * option_error() in the callers' switches is a safety net. Command line errors are
 * CMD_USAGE_ERROR: virsh finds them before the command runs, so no empty line follows them. */
#define FOR_OPTIONS(c, argc, argv, opts) \
        for (int c; (opterr = 0, c = getopt_long((argc), (argv), "", (opts), NULL)) >= 0;)

static int option_error(char *argv[]) {
        const char *opt = argv[optind - 1];

        fprintf(stderr, "error: command '%s' doesn't support option %.*s\n", argv[0],
                (int) strcspn(opt, "="), opt);
        return CMD_USAGE_ERROR;
}

static const struct option *option_find(const struct option *opts, const char *arg) {
        size_t len = strcspn(arg, "=");

        for (; opts->name; opts++)
                if (strlen(opts->name) == len && strncmp(opts->name, arg, len) == 0)
                        return opts;
        return NULL;
}

static size_t names_count(const char *const *names) {
        size_t n = 0;

        while (names[n])
                n++;
        return n;
}

/* virsh's command line: long options only (so "-1G" and "-x.img" are data), exact names,
 * each at most once, "--" ending them; the data (positional) arguments may also be given by
 * name ("--vol x"), the bare ones fill those not named, in order, and all are required. The
 * arguments are laid out again for getopt: the options with their values, "--", then the
 * data in the order of names. NULL, with virsh's error printed, when the command line does
 * not parse (so the command is not run). */
static char **virsh_arguments(int *argc, char ***argv, const struct option *opts,
                              const char *const *names) {
        size_t n_names = names_count(names);
        _cleanup_free_ char **out = xcalloc((size_t) *argc + n_names + 2, sizeof(char *));
        _cleanup_free_ char **data = xcalloc(n_names + 1, sizeof(char *));
        _cleanup_free_ const struct option **seen = xcalloc((size_t) *argc, sizeof(void *));
        char **in = *argv;
        int n = 0, next = 0, n_seen = 0;
        bool only_data = false;

        out[n++] = in[0];
        for (int i = 1; i < *argc; i++) {
                const char *name = in[i] + 2, *eq = strchr(in[i], '=');
                size_t len = strcspn(name, "=");
                const struct option *o = NULL;
                ssize_t slot = -1;

                if (only_data || strncmp(in[i], "--", 2) != 0) {
                        while ((size_t) next < n_names && data[next])
                                next++;
                        if ((size_t) next >= n_names) {
                                fprintf(stderr, "error: unexpected data '%s'\n", in[i]);
                                return NULL;
                        }
                        data[next] = in[i];
                        continue;
                }
                if (streq(in[i], "--")) {
                        only_data = true;
                        continue;
                }
                for (size_t k = 0; k < n_names; k++)
                        if (strlen(names[k]) == len && strncmp(names[k], name, len) == 0)
                                slot = (ssize_t) k;
                if (slot < 0 && !(o = option_find(opts, name))) {
                        fprintf(stderr, "error: command '%s' doesn't support option --%.*s\n",
                                in[0], (int) len, name);
                        return NULL;
                }
                for (int k = 0; k < n_seen; k++)
                        if (o && seen[k] == o) {
                                fprintf(stderr, "error: option --%s already seen\n", o->name);
                                return NULL;
                        }
                if (slot >= 0 && data[slot]) {
                        fprintf(stderr, "error: option --%s already seen\n", names[slot]);
                        return NULL;
                }
                if (o && o->has_arg == no_argument) {
                        if (eq) {
                                fprintf(stderr, "error: invalid '=' after option --%s\n",
                                        o->name);
                                return NULL;
                        }
                        seen[n_seen++] = o;
                        out[n++] = in[i];
                        continue;
                }
                if (!eq && i + 1 >= *argc) {
                        fprintf(stderr, "error: expected syntax: --%.*s <%s>\n", (int) len, name,
                                o && (streq(o->name, "offset") || streq(o->name, "length"))
                                        ? "number"
                                        : "string");
                        return NULL;
                }
                if (slot >= 0) {
                        data[slot] = eq ? (char *) eq + 1 : in[++i];
                        continue;
                }
                seen[n_seen++] = o;
                out[n++] = in[i];
                if (!eq)
                        out[n++] = in[++i];
        }
        for (size_t k = 0; k < n_names; k++)
                if (!data[k]) {
                        fprintf(stderr, "error: command '%s' requires <%s> option\n", in[0],
                                names[k]);
                        return NULL;
                }
        out[n++] = (char *) "--";
        memcpy(out + n, data, n_names * sizeof(char *));
        *argc = n + (int) n_names;
        *argv = out;
        return TAKE_PTR(out);
}
#define DATA(...) ((const char *const[]){ __VA_ARGS__, NULL })

/* virsh's vshPrintExtra: what -q silences. */
_printf_(2, 3) static void print_extra(const GlobalOptions *g, const char *fmt, ...) {
        va_list ap;

        if (g->quiet)
                return;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
}

/* virsh's scaled integers: a number with an optional unit suffix, bytes by default. */
static int parse_scaled(const char *s, uint64_t *ret) {
        _cleanup_free_ char *num = NULL;
        const char *p = s;

        while (isdigit((unsigned char) *p))
                p++;
        num = xstrndup(s, (size_t) (p - s));
        return size_parse(num, p, INT64_MAX, ret);
}

/* virsh's numeric options (--offset, --length): unsigned; with wrap, "-N" is 2^64 - N. */
static int parse_number_option(const char *name, const char *s, bool wrap, uint64_t *ret) {
        bool negative = wrap && s[0] == '-';

        if (parse_uint64(negative ? s + 1 : s, ret) < 0 || (!negative && s[0] == '-')) {
                fprintf(stderr,
                        "error: Numeric value '%s' for <%s> option is malformed or out of range\n",
                        s, name);
                return -EINVAL;
        }
        if (negative)
                *ret = -*ret;
        return 0;
}

/* The volume name at the end of an object path /org/poold1/pool/P/vol/V. */
static char *object_volume_name(const char *object) {
        const char *slash = strrchr(object, '/');
        _cleanup_free_ char *prefix = NULL;
        char *name = NULL;

        if (!slash)
                return xstrdup("");
        prefix = xstrndup(object, (size_t) (slash - object));
        if (sd_bus_path_decode(object, prefix, &name) <= 0)
                return xstrdup("");
        return name;
}

static int read_xml_file(const char *file, char **ret) {
        int r = read_file_bounded(AT_FDCWD, file, VOL_DOC_MAX, ret, NULL);

        if (r < 0)
                fprintf(stderr, "error: Failed to %s file '%s': %s\n",
                        r == -EFBIG || r == -EINVAL || r == -EIO ? "read" : "open", file,
                        strerror(-r));
        return r;
}

/* ---- properties ---- */

static int get_string(sd_bus *bus, const char *path, const char *iface, const char *prop,
                      char **ret) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_free_ char *s = NULL;
        int r = sd_bus_get_property_string(bus, "org.poold1", path, iface, prop, &e, &s);

        if (r < 0) {
                client_error(NULL, &e, r);
                sd_bus_error_free(&e);
                return r;
        }
        *ret = client_decode(s);
        return r;
}

static int get_trivial(sd_bus *bus, const char *path, const char *iface, const char *prop,
                       char type, void *ret) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r = sd_bus_get_property_trivial(bus, "org.poold1", path, iface, prop, &e, type, ret);

        if (r < 0) {
                client_error(NULL, &e, r);
                sd_bus_error_free(&e);
        }
        return r;
}

/* ---- finding a volume ---- */

typedef struct VolRef {
        char *object; /* its D-Bus object */
        char *name;
        char *pool;
} VolRef;

static void vol_ref_done(VolRef *v) {
        free(v->object);
        free(v->name);
        free(v->pool);
        *v = (VolRef){};
}

static int lookup_in_pool(sd_bus *bus, const char *pool_object, const char *name,
                          char **ret_object) {
        _cleanup_msg_ sd_bus_message *reply = NULL;
        const char *o;
        int r;

        _cleanup_free_ char *arg = name_encode(name);

        r = sd_bus_call_method(bus, "org.poold1", pool_object, POOL_IFACE, "LookupVolume", NULL,
                               &reply, "s", arg);
        if (r < 0 || (r = sd_bus_message_read(reply, "o", &o)) < 0)
                return r;
        *ret_object = xstrdup(o);
        return 0;
}

static int lookup_key_or_path(sd_bus *bus, const char *what, VolRef *ret, sd_bus_error *e) {
        _cleanup_msg_ sd_bus_message *reply = NULL;
        const char *p, *n, *o;
        int r;

        _cleanup_free_ char *arg = name_encode(what);

        r = sd_bus_call_method(bus, "org.poold1", MANAGER_PATH, MANAGER_IFACE, "LookupVolume", e,
                               &reply, "s", arg);
        if (r < 0 || (r = sd_bus_message_read(reply, "sso", &p, &n, &o)) < 0)
                return r;
        *ret = (VolRef){ .object = xstrdup(o), .name = client_decode(n),
                         .pool = client_decode(p) };
        return 0;
}

static void print_lookup_error(const char *vol, const char *clean, const sd_bus_error *e, int r) {
        if (!sd_bus_error_has_name(e, NO_SUCH_VOLUME))
                client_error(NULL, e, r);
        else if (streq(vol, clean))
                fprintf(stderr,
                        "error: Storage volume not found: no storage vol with matching path "
                        "'%s'\n",
                        vol);
        else
                fprintf(stderr,
                        "error: Storage volume not found: no storage vol with matching path '%s' "
                        "(%s)\n",
                        vol, clean);
}

/* A volume as virsh's virshCommandOptVolBy finds it: by name in the pool given (which must
 * be active), else by key, else by path (as given, then in libvirt's sanitized form),
 * anywhere. pool_opt names the command's pool option for virsh's hint, NULL where it has
 * none. Prints virsh's errors. */
static int vol_lookup(sd_bus *bus, const char *vol, const char *pool, const char *pool_opt,
                      VolRef *ret) {
        _cleanup_free_ char *pool_object = NULL, *pool_name = NULL, *clean = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int active = 0, r;

        *ret = (VolRef){};
        if (pool) {
                if (client_pool_path(bus, pool, &pool_object) < 0 ||
                    get_trivial(bus, pool_object, POOL_IFACE, "Active", 'b', &active) < 0 ||
                    get_string(bus, pool_object, POOL_IFACE, "Name", &pool_name) < 0)
                        return -ENOENT;
                if (!active) {
                        fprintf(stderr, "error: pool '%s' is not active\n", pool);
                        return -ESRCH;
                }
                if (lookup_in_pool(bus, pool_object, vol, &ret->object) >= 0) {
                        ret->name = xstrdup(vol);
                        ret->pool = TAKE_PTR(pool_name);
                        return 0;
                }
        }
        clean = path_sanitize(vol);
        r = lookup_key_or_path(bus, vol, ret, &e);
        if (r < 0 && sd_bus_error_has_name(&e, NO_SUCH_VOLUME) && !streq(clean, vol)) {
                sd_bus_error_free(&e);
                r = lookup_key_or_path(bus, clean, ret, &e);
        }
        if (r < 0) {
                if (pool || !pool_opt)
                        fprintf(stderr, "error: failed to get vol '%s'\n", vol);
                else
                        fprintf(stderr,
                                "error: failed to get vol '%s', specifying --%s might help\n", vol,
                                pool_opt);
                print_lookup_error(vol, clean, &e, r);
                sd_bus_error_free(&e);
                return -ENOENT;
        }
        if (pool && !streq(ret->pool, pool_name)) {
                fprintf(stderr, "error: Requested volume '%s' is not in pool '%s'\n", vol,
                        pool_name);
                vol_ref_done(ret);
                return -EXDEV;
        }
        return 0;
}

/* Connects and finds the volume; 0, or 1 (the exit status) with errors printed. */
static int connect_and_find(sd_bus **bus, const char *vol, const char *pool,
                            const char *pool_opt, VolRef *ret) {
        if (client_connect(bus) < 0 || vol_lookup(*bus, vol, pool, pool_opt, ret) < 0)
                return 1;
        return 0;
}

/* libvirt re-reads a volume before vol-info, vol-dumpxml and vol-clone; a file gone behind
 * its back gives one line: "error: Storage volume not found: ... path '...'" (poold's
 * words), or, when poold dropped the volume since the lookup, by name. */
static int vol_refresh(sd_bus *bus, const VolRef *v) {
        _cleanup_msg_ sd_bus_message *m = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.poold1", v->object, VOLUME_IFACE,
                                           "Refresh");
        if (r >= 0)
                r = sd_bus_call(bus, m, UINT64_MAX, &e, NULL); /* it may wait for a long job */
        if (r >= 0)
                return 0;
        if (sd_bus_error_has_name(&e, SD_BUS_ERROR_UNKNOWN_OBJECT))
                fprintf(stderr,
                        "error: Storage volume not found: no storage vol with matching name "
                        "'%s'\n",
                        v->name);
        else
                client_error(NULL, &e, r);
        sd_bus_error_free(&e);
        return r;
}

static int pool_object_of(sd_bus *bus, const VolRef *v, char **ret) {
        return client_pool_path(bus, v->pool, ret);
}

/* ---- vol-list ---- */

int cmd_vol_list(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "details", no_argument, NULL, 'd' },
                { "json", no_argument, NULL, 'j' },
                {},
        };
        struct json_object *jvols = NULL;
        bool json = false;
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL;
        const char *pool, *name, *key, *vpath, *type;
        uint64_t cap, alloc, phys;
        bool details = false;
        int active = 0;
        Table *t;
        int r;

        args = virsh_arguments(&argc, &argv, opts, DATA("pool"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'd': details = true; break;
                case 'j': json = true; break;
                default: return option_error(argv);
                }
        pool = argv[optind];
        if (client_connect(&bus) < 0 || client_pool_path(bus, pool, &path) < 0 ||
            get_trivial(bus, path, POOL_IFACE, "Active", 'b', &active) < 0)
                return 1;
        if (!active) {
                _cleanup_free_ char *real = NULL;

                if (get_string(bus, path, POOL_IFACE, "Name", &real) < 0)
                        return 1;
                fprintf(stderr,
                        "error: Failed to list volumes\n"
                        "error: Requested operation is not valid: storage pool '%s' is not "
                        "active\n",
                        real);
                return 1;
        }
        if (client_call(bus, path, POOL_IFACE, "ListVolumes", &reply, "Failed to list volumes",
                        NULL) < 0)
                return 1;
        t = details ? table_new(5, "Name", "Path", "Type", "Capacity", "Allocation")
                    : table_new(2, "Name", "Path");
        if (json)
                jvols = json_object_new_array();
        r = sd_bus_message_enter_container(reply, 'a', "(ssssttt)");
        while (r > 0 && (r = sd_bus_message_read(reply, "(ssssttt)", &name, &key, &vpath, &type,
                                                 &cap, &alloc, &phys)) > 0) {
                char c1[SIZE_PRETTY_MAX], c2[SIZE_PRETTY_MAX];
                _cleanup_free_ char *name_b = NULL, *key_b = NULL, *vpath_b = NULL;

                client_decode_inplace(&name, &name_b);
                client_decode_inplace(&key, &key_b);
                client_decode_inplace(&vpath, &vpath_b);

                if (json) {
                        struct json_object *o = json_object_new_object();
                        json_object_object_add(o, "name", json_str(name));
                        json_object_object_add(o, "key", json_str(key));
                        json_object_object_add(o, "path", json_str(vpath));
                        json_object_object_add(o, "type", json_str(type));
                        json_object_object_add(o, "capacity", json_u64(cap));
                        json_object_object_add(o, "allocation", json_u64(alloc));
                        json_object_object_add(o, "physical", json_u64(phys));
                        json_object_array_add(jvols, o);
                        continue;
                }

                if (details)
                        table_add_row(t, name, vpath, isempty(type) ? "unknown" : type,
                                      size_format_pretty(cap, c1), size_format_pretty(alloc, c2));
                else
                        table_add_row(t, name, vpath);
        }
        if (json) {
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "pool", json_str(pool));
                json_object_object_add(o, "volumes", jvols);
                json_print(o);
                table_free(t);
                return r < 0 ? 1 : 0;
        }
        table_print(t, stdout, g->quiet);
        table_free(t);
        client_end(g);
        return r < 0 ? 1 : 0;
}

/* ---- creating ---- */

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
        _cleanup_free_ char **args = NULL;
        const char *alloc_s = NULL, *format = NULL, *backing = NULL, *backing_fmt = NULL;
        bool prealloc = false, print = false;
        uint64_t capacity, allocation = 0;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL, *xml = NULL, *context = NULL;
        const char *pool, *name;
        XmlWriter w;

        args = virsh_arguments(&argc, &argv, opts, DATA("pool", "name", "capacity"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case O_ALLOC: alloc_s = optarg; break;
                case O_FORMAT: format = optarg; break;
                case O_BACKING: backing = optarg; break;
                case O_BACKING_FMT: backing_fmt = optarg; break;
                case O_PREALLOC: prealloc = true; break;
                case O_PRINT: print = true; break;
                default: return option_error(argv);
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
                client_end(g);
                return 0;
        }
        if (client_connect(&bus) < 0 || client_pool_path(bus, pool, &path) < 0)
                return 1;
        context = xasprintf("Failed to create vol %s", name);
        if (client_call(bus, path, POOL_IFACE, "CreateVolume", &reply, context, "su", xml,
                        prealloc ? 1 : 0) < 0)
                return 1;
        print_extra(g, "Vol %s created\n", name);
        client_end(g);
        return 0;
}

/* The name of the volume a CreateVolume(From) reply names. */
static char *created_name(sd_bus_message *reply) {
        const char *o;

        if (sd_bus_message_read(reply, "o", &o) < 0)
                return xstrdup("");
        return object_volume_name(o);
}

int cmd_vol_create(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "prealloc-metadata", no_argument, NULL, 'm' },
                { "validate", no_argument, NULL, 'v' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL, *xml = NULL, *context = NULL, *name = NULL;
        uint32_t flags = 0;
        const char *file;

        args = virsh_arguments(&argc, &argv, opts, DATA("pool", "file"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'm': flags |= 1; break;
                case 'v': break; /* poold always validates */
                default: return option_error(argv);
                }
        file = argv[optind + 1];
        if (client_connect(&bus) < 0 || client_pool_path(bus, argv[optind], &path) < 0)
                return 1;
        if (read_xml_file(file, &xml) < 0)
                return 1;
        context = xasprintf("Failed to create vol from %s", file);
        if (client_call(bus, path, POOL_IFACE, "CreateVolume", &reply, context, "su", xml,
                        flags) < 0)
                return 1;
        name = created_name(reply);
        print_extra(g, "Vol %s created from %s\n", name, file);
        client_end(g);
        return 0;
}

int cmd_vol_create_from(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "inputpool", required_argument, NULL, 'i' },
                { "prealloc-metadata", no_argument, NULL, 'm' },
                { "reflink", no_argument, NULL, 'r' },
                { "validate", no_argument, NULL, 'v' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *path = NULL, *xml = NULL, *context = NULL, *name = NULL;
        _cleanup_(vol_ref_done) VolRef in = {};
        const char *inputpool = NULL, *file;
        uint32_t flags = 0;

        args = virsh_arguments(&argc, &argv, opts, DATA("pool", "file", "vol"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'i': inputpool = optarg; break;
                case 'm': flags |= 1; break;
                case 'r': flags |= 2; break;
                case 'v': break; /* poold always validates */
                default: return option_error(argv);
                }
        file = argv[optind + 1];
        if (client_connect(&bus) < 0 || client_pool_path(bus, argv[optind], &path) < 0 ||
            vol_lookup(bus, argv[optind + 2], inputpool, "inputpool", &in) < 0)
                return 1;
        if (read_xml_file(file, &xml) < 0)
                return 1;
        context = xasprintf("Failed to create vol from %s", file);
        if (client_call(bus, path, POOL_IFACE, "CreateVolumeFrom", &reply, context, "sssu", xml,
                        in.pool, in.name, flags) < 0)
                return 1;
        name = created_name(reply);
        print_extra(g, "Vol %s created from input vol %s\n", name, in.name);
        client_end(g);
        return 0;
}

/* virsh's virshMakeCloneXML: the source's document with another <name>, serialized by
 * libxml2 (so with its quoting) and with no newline at its end. */
static char *clone_xml(const char *xml, const char *newname) {
        _cleanup_xml_doc_ xmlDoc *doc = NULL;
        xmlXPathContext *ctxt = NULL;
        xmlXPathObject *obj = NULL;
        xmlChar *escaped = NULL;
        xmlBuffer *buf = NULL;
        char *out = NULL;

        doc = xmlReadMemory(xml, (int) strlen(xml), "(volume_definition)", NULL, XML_PARSE_NONET);
        if (!doc)
                return NULL;
        ctxt = xmlXPathNewContext(doc);
        obj = ctxt ? xmlXPathEvalExpression(BAD_CAST "/volume/name", ctxt) : NULL;
        if (obj && obj->nodesetval && obj->nodesetval->nodeNr > 0) {
                escaped = xmlEncodeSpecialChars(doc, BAD_CAST newname);
                xmlNodeSetContent(obj->nodesetval->nodeTab[0], escaped);
                buf = xmlBufferCreate();
                if (buf && xmlNodeDump(buf, doc, xmlDocGetRootElement(doc), 0, 1) > 0)
                        out = xstrdup((const char *) xmlBufferContent(buf));
        }
        xmlBufferFree(buf);
        xmlFree(escaped);
        xmlXPathFreeObject(obj);
        xmlXPathFreeContext(ctxt);
        return out;
}

int cmd_vol_clone(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "prealloc-metadata", no_argument, NULL, 'm' },
                { "reflink", no_argument, NULL, 'r' },
                { "print-xml", no_argument, NULL, 'x' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *pool_object = NULL, *xml = NULL, *context = NULL, *name = NULL;
        _cleanup_(vol_ref_done) VolRef src = {};
        _cleanup_free_ char *orig_xml_b = NULL;
        const char *pool = NULL, *orig_xml;
        uint32_t flags = 0;
        bool print = false;

        args = virsh_arguments(&argc, &argv, opts, DATA("vol", "newname"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                case 'm': flags |= 1; break;
                case 'r': flags |= 2; break;
                case 'x': print = true; break;
                default: return option_error(argv);
                }
        if (connect_and_find(&bus, argv[optind], pool, "pool", &src) ||
            pool_object_of(bus, &src, &pool_object) < 0 || vol_refresh(bus, &src) < 0 ||
            client_call(bus, src.object, VOLUME_IFACE, "GetXMLDesc", &reply, NULL, "u", 0) < 0 ||
            sd_bus_message_read(reply, "s", &orig_xml) < 0)
                return 1;
        client_decode_inplace(&orig_xml, &orig_xml_b);
        xml = clone_xml(orig_xml, argv[optind + 1]);
        if (!xml) {
                fprintf(stderr, "error: Failed to allocate XML buffer\n");
                return 1;
        }
        if (print) {
                fputs(xml, stdout);
                client_end(g);
                return 0;
        }
        reply = sd_bus_message_unref(reply);
        context = xasprintf("Failed to clone vol from %s", src.name);
        if (client_call(bus, pool_object, POOL_IFACE, "CreateVolumeFrom", &reply, context, "sssu",
                        xml, src.pool, src.name, flags) < 0)
                return 1;
        name = created_name(reply);
        print_extra(g, "Vol %s cloned from %s\n", name, src.name);
        client_end(g);
        return 0;
}

/* ---- one volume: delete, wipe, resize ---- */

int cmd_vol_delete(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "delete-snapshots", no_argument, NULL, 's' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *context = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        const char *pool = NULL, *vol;

        args = virsh_arguments(&argc, &argv, opts, DATA("vol"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                case 's': break;
                default: return option_error(argv);
                }
        vol = argv[optind];
        if (connect_and_find(&bus, vol, pool, "pool", &v))
                return 1;
        context = xasprintf("Failed to delete vol %s", vol);
        if (client_call(bus, v.object, VOLUME_IFACE, "Delete", NULL, context, "u", 0) < 0)
                return 1;
        print_extra(g, "Vol %s deleted\n", vol);
        client_end(g);
        return 0;
}

int cmd_vol_wipe(int argc, char *argv[], const GlobalOptions *g) {
        static const char *const algorithms[] = {
                "zero", "nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7", "pfitzner33",
                "random", "trim", NULL,
        };
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "algorithm", required_argument, NULL, 'a' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *context = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        const char *pool = NULL, *alg = NULL, *vol;
        bool known = false;

        args = virsh_arguments(&argc, &argv, opts, DATA("vol"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                case 'a': alg = optarg; break;
                default: return option_error(argv);
                }
        vol = argv[optind];
        if (connect_and_find(&bus, vol, pool, "pool", &v))
                return 1;
        for (size_t i = 0; alg && algorithms[i]; i++)
                known = known || streq(algorithms[i], alg);
        if (alg && !known) {
                fprintf(stderr, "error: Unsupported algorithm '%s'\n", alg);
                return 1;
        }
        context = xasprintf("Failed to wipe vol %s", vol);
        if (client_call(bus, v.object, VOLUME_IFACE, "Wipe", NULL, context, "s",
                        alg ? alg : "zero") < 0)
                return 1;
        print_extra(g, "Vol %s wiped\n", vol);
        client_end(g);
        return 0;
}

int cmd_vol_resize(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "allocate", no_argument, NULL, 'a' },
                { "delta", no_argument, NULL, 'd' },
                { "shrink", no_argument, NULL, 's' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *context = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        const char *pool = NULL, *size;
        bool delta = false, shrink = false;
        uint32_t flags = 0;
        uint64_t capacity;

        args = virsh_arguments(&argc, &argv, opts, DATA("vol", "capacity"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                case 'a': flags |= 1; break;
                case 'd': delta = true; break;
                case 's': shrink = true; break;
                default: return option_error(argv);
                }
        if (connect_and_find(&bus, argv[optind], pool, "pool", &v))
                return 1;
        /* virsh takes "-1G" (with --shrink) for "--delta --shrink 1G" */
        size = argv[optind + 1];
        while (isspace((unsigned char) *size))
                size++;
        if (*size == '-') {
                if (!shrink) {
                        fprintf(stderr, "error: negative size requires --shrink\n");
                        return 1;
                }
                size++;
                delta = true;
        }
        if (shrink)
                flags |= 4;
        if (delta)
                flags |= 2;
        if (parse_scaled(size, &capacity) < 0) {
                fprintf(stderr, "error: Malformed size %s\n", size);
                return 1;
        }
        context = xasprintf(delta ? "Failed to change size of volume '%s' by %s"
                                  : "Failed to change size of volume '%s' to %s",
                            v.name, size);
        if (client_call(bus, v.object, VOLUME_IFACE, "Resize", NULL, context, "tu", capacity,
                        flags) < 0)
                return 1;
        print_extra(g,
                    delta ? "Size of volume '%s' successfully changed by %s\n"
                          : "Size of volume '%s' successfully changed to %s\n",
                    v.name, size);
        client_end(g);
        return 0;
}

/* ---- looking at one volume ---- */

/* vol-info --json (docs/json.md): every size at once, no Name: printed ahead. */
static int vol_info_json(sd_bus *bus, VolRef *v) {
        _cleanup_free_ char *type = NULL, *path = NULL, *format = NULL;
        uint64_t capacity, allocation, physical;
        struct json_object *o;

        if (vol_refresh(bus, v) < 0 ||
            get_string(bus, v->object, VOLUME_IFACE, "Type", &type) < 0 ||
            get_string(bus, v->object, VOLUME_IFACE, "Path", &path) < 0 ||
            get_string(bus, v->object, VOLUME_IFACE, "Format", &format) < 0 ||
            get_trivial(bus, v->object, VOLUME_IFACE, "Capacity", 't', &capacity) < 0 ||
            get_trivial(bus, v->object, VOLUME_IFACE, "Allocation", 't', &allocation) < 0 ||
            get_trivial(bus, v->object, VOLUME_IFACE, "Physical", 't', &physical) < 0)
                return 1;
        o = json_object_new_object();
        json_object_object_add(o, "name", json_str(v->name));
        json_object_object_add(o, "path", json_str(path));
        json_object_object_add(o, "type", json_str(isempty(type) ? "unknown" : type));
        json_object_object_add(o, "format", isempty(format) ? NULL : json_str(format));
        json_object_object_add(o, "capacity", json_u64(capacity));
        json_object_object_add(o, "allocation", json_u64(allocation));
        json_object_object_add(o, "physical", json_u64(physical));
        json_print(o);
        return 0;
}

int cmd_vol_info(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "bytes", no_argument, NULL, 'b' },
                { "physical", no_argument, NULL, 'P' },
                { "json", no_argument, NULL, 'j' },
                {},
        };
        bool json = false;
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *type = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        const char *pool = NULL, *last;
        bool bytes = false, physical = false;
        uint64_t capacity, allocation;
        char b1[SIZE_PRETTY_MAX], b2[SIZE_PRETTY_MAX];

        args = virsh_arguments(&argc, &argv, opts, DATA("vol"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                case 'b': bytes = true; break;
                case 'P': physical = true; break;
                case 'j': json = true; break;
                default: return option_error(argv);
                }
        if (connect_and_find(&bus, argv[optind], pool, "pool", &v))
                return 1;
        if (json)
                return vol_info_json(bus, &v);
        /* As virsh: the name first, then what may fail. */
        printf("%-15s %s\n", "Name:", v.name);
        fflush(stdout);
        last = physical ? "Physical" : "Allocation";
        if (vol_refresh(bus, &v) < 0 ||
            get_string(bus, v.object, VOLUME_IFACE, "Type", &type) < 0 ||
            get_trivial(bus, v.object, VOLUME_IFACE, "Capacity", 't', &capacity) < 0 ||
            get_trivial(bus, v.object, VOLUME_IFACE, last, 't', &allocation) < 0)
                return 1;
        printf("%-15s %s\n", "Type:", isempty(type) ? "unknown" : type);
        if (bytes) {
                printf("%-15s %" PRIu64 " bytes\n", "Capacity:", capacity);
                printf("%-15s %" PRIu64 " bytes\n", physical ? "Physical:" : "Allocation:",
                       allocation);
        } else {
                printf("%-15s %s\n", "Capacity:", size_format_pretty(capacity, b1));
                printf("%-15s %s\n", physical ? "Physical:" : "Allocation:",
                       size_format_pretty(allocation, b2));
        }
        client_end(g);
        return 0;
}

/* xmlNodeDump() of one node, as virsh's virXMLNodeToString(). */
static int print_node(xmlDoc *doc, xmlNode *node) {
        xmlBuffer *buf = xmlBufferCreate();
        int r = -ENOMEM;

        if (buf && xmlNodeDump(buf, doc, node, 0, 1) > 0) {
                printf("%s\n", (const char *) xmlBufferContent(buf));
                r = 0;
        } else
                fprintf(stderr, "error: internal error: failed to convert the XML node tree\n");
        xmlBufferFree(buf);
        return r;
}

/* virsh's virshDumpXML() with --xpath: each node found, or all of them in <nodes> (--wrap).
 * An expression that is no node set is an error; one libxml2 cannot evaluate finds
 * nothing. */
static int print_xpath(const char *xml, const char *expr, bool wrap) {
        _cleanup_xml_doc_ xmlDoc *doc = NULL, *wrapped = NULL;
        xmlXPathContext *ctxt = NULL;
        xmlXPathObject *obj = NULL;
        int n = 0, r = 0;

        doc = xmlReadMemory(xml, (int) strlen(xml), "volume", NULL,
                            XML_PARSE_NONET | XML_PARSE_NOBLANKS);
        if (!doc) {
                fprintf(stderr, "error: cannot parse the volume's XML\n");
                return -EINVAL;
        }
        ctxt = xmlXPathNewContext(doc);
        obj = ctxt ? xmlXPathEvalExpression(BAD_CAST expr, ctxt) : NULL;
        if (obj && obj->type != XPATH_NODESET) {
                fprintf(stderr, "error: internal error: Incorrect xpath '%s'\n", expr);
                r = -EINVAL;
        } else if (obj && obj->nodesetval)
                n = obj->nodesetval->nodeNr;
        if (r >= 0 && wrap) {
                xmlNode *root;

                wrapped = xmlNewDoc(BAD_CAST "1.0");
                root = xmlNewNode(NULL, BAD_CAST "nodes");
                xmlDocSetRootElement(wrapped, root);
                for (int i = 0; i < n; i++)
                        xmlAddChild(root, xmlDocCopyNode(obj->nodesetval->nodeTab[i], wrapped, 1));
                r = print_node(wrapped, root);
        } else
                for (int i = 0; r >= 0 && i < n; i++)
                        r = print_node(doc, obj->nodesetval->nodeTab[i]);
        xmlXPathFreeObject(obj);
        xmlXPathFreeContext(ctxt);
        return r;
}

int cmd_vol_dumpxml(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "xpath", required_argument, NULL, 'x' },
                { "wrap", no_argument, NULL, 'w' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        _cleanup_free_ char *xml_b = NULL;
        const char *pool = NULL, *xpath = NULL, *xml;
        bool wrap = false;

        args = virsh_arguments(&argc, &argv, opts, DATA("vol"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                case 'x': xpath = optarg; break;
                case 'w': wrap = true; break;
                default: return option_error(argv);
                }
        if (connect_and_find(&bus, argv[optind], pool, "pool", &v) || vol_refresh(bus, &v) < 0 ||
            client_call(bus, v.object, VOLUME_IFACE, "GetXMLDesc", &reply, NULL, "u", 0) < 0 ||
            sd_bus_message_read(reply, "s", &xml) < 0)
                return 1;
        client_decode_inplace(&xml, &xml_b);
        if (!xpath)
                fputs(xml, stdout);
        else if (print_xpath(xml, xpath, wrap) < 0)
                return 1;
        client_end(g);
        return 0;
}

/* vol-path, vol-key, vol-name: one property of a volume. */
static int print_vol_property(int argc, char *argv[], const GlobalOptions *g, bool has_pool,
                              const char *prop) {
        static const struct option with_pool[] = {
                { "pool", required_argument, NULL, 'p' },
                {},
        };
        static const struct option without[] = { {} };
        const struct option *opts = has_pool ? with_pool : without;
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *value = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        const char *pool = NULL;

        args = virsh_arguments(&argc, &argv, opts, DATA("vol"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': pool = optarg; break;
                default: return option_error(argv);
                }
        if (connect_and_find(&bus, argv[optind], pool, has_pool ? "pool" : NULL, &v) ||
            get_string(bus, v.object, VOLUME_IFACE, prop, &value) < 0)
                return 1;
        printf("%s\n", value);
        client_end(g);
        return 0;
}

int cmd_vol_path(int argc, char *argv[], const GlobalOptions *g) {
        return print_vol_property(argc, argv, g, true, "Path");
}

int cmd_vol_key(int argc, char *argv[], const GlobalOptions *g) {
        return print_vol_property(argc, argv, g, true, "Key");
}

int cmd_vol_name(int argc, char *argv[], const GlobalOptions *g) {
        return print_vol_property(argc, argv, g, false, "Name");
}

int cmd_vol_pool(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "uuid", no_argument, NULL, 'u' },
                {},
        };
        _cleanup_free_ char **args = NULL;
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *pool_object = NULL, *uuid = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        bool want_uuid = false;

        args = virsh_arguments(&argc, &argv, opts, DATA("vol"));
        if (!args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'u': want_uuid = true; break;
                default: return option_error(argv);
                }
        if (connect_and_find(&bus, argv[optind], NULL, NULL, &v))
                return 1;
        if (pool_object_of(bus, &v, &pool_object) < 0) {
                fprintf(stderr, "error: failed to get parent pool\n");
                return 1;
        }
        if (want_uuid) {
                if (get_string(bus, pool_object, POOL_IFACE, "UUID", &uuid) < 0)
                        return 1;
                printf("%s\n", uuid);
        } else
                printf("%s\n", v.pool);
        client_end(g);
        return 0;
}

/* ---- moving data: vol-upload, vol-download ---- */

typedef struct TransferArgs {
        char **args; /* virsh_arguments()'s */
        const char *vol, *file, *pool;
        uint64_t offset, length;
        uint32_t flags;
} TransferArgs;

static void transfer_args_done(TransferArgs *a) {
        free(a->args);
}

/* Returns 0, or the command's exit status. */
static int parse_transfer(int argc, char *argv[], TransferArgs *ret) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "offset", required_argument, NULL, 'o' },
                { "length", required_argument, NULL, 'l' },
                { "sparse", no_argument, NULL, 's' },
                {},
        };
        const char *offset = NULL, *length = NULL;

        ret->args = virsh_arguments(&argc, &argv, opts, DATA("vol", "file"));
        if (!ret->args)
                return CMD_USAGE_ERROR;
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': ret->pool = optarg; break;
                case 'o': offset = optarg; break;
                case 'l': length = optarg; break;
                case 's': ret->flags |= 1; break;
                default: return option_error(argv);
                }
        ret->vol = argv[optind];
        ret->file = argv[optind + 1];
        if ((offset && parse_number_option("offset", offset, false, &ret->offset) < 0) ||
            (length && parse_number_option("length", length, true, &ret->length) < 0))
                return 1;
        return 0;
}

/* The descriptor goes to poold with the call (SCM_RIGHTS): poold reads or writes the file
 * itself, poolctl only waits. */
static int transfer(sd_bus *bus, const VolRef *v, const char *method, int fd,
                    const TransferArgs *a, const char *context) {
        if (sd_bus_can_send(bus, SD_BUS_TYPE_UNIX_FD) <= 0) {
                fprintf(stderr, "error: %s\nerror: the connection to poold cannot pass file "
                                "descriptors\n",
                        context);
                return -EOPNOTSUPP;
        }
        return client_call(bus, v->object, VOLUME_IFACE, method, NULL, context, "httu", fd,
                           a->offset, a->length, a->flags);
}

int cmd_vol_upload(int argc, char *argv[], const GlobalOptions *g) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *context = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        _cleanup_close_ int fd = -1;
        _cleanup_(transfer_args_done) TransferArgs a = {};
        const char *vol, *file;
        int r;

        r = parse_transfer(argc, argv, &a);
        if (r != 0)
                return r;
        vol = a.vol;
        file = a.file;
        if (connect_and_find(&bus, vol, a.pool, "pool", &v))
                return 1;
        fd = open(file, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                fprintf(stderr, "error: cannot read %s\n", file);
                return 1;
        }
        context = xasprintf("cannot upload to volume %s", vol);
        if (transfer(bus, &v, "Upload", fd, &a, context) < 0)
                return 1;
        client_end(g);
        return 0;
}

int cmd_vol_download(int argc, char *argv[], const GlobalOptions *g) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *context = NULL;
        _cleanup_(vol_ref_done) VolRef v = {};
        _cleanup_close_ int fd = -1;
        _cleanup_(transfer_args_done) TransferArgs a = {};
        const char *vol, *file;
        bool created = true;
        int r;

        r = parse_transfer(argc, argv, &a);
        if (r != 0)
                return r;
        vol = a.vol;
        file = a.file;
        if (connect_and_find(&bus, vol, a.pool, "pool", &v))
                return 1;
        fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno == EEXIST) {
                created = false;
                fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC, 0666);
        }
        if (fd < 0) {
                fprintf(stderr, "error: cannot create %s\n", file);
                return 1;
        }
        context = xasprintf("cannot download from volume %s", vol);
        if (transfer(bus, &v, "Download", fd, &a, context) < 0) {
                if (created)
                        (void) unlink(file);
                return 1;
        }
        if (close(TAKE_FD(fd)) < 0) {
                fprintf(stderr, "error: cannot close file %s\n", file);
                return 1;
        }
        client_end(g);
        return 0;
}
