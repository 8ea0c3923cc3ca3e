/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virsh's remaining pool commands, with virsh's arguments, messages and output:
 * pool-define-as, pool-create-as, pool-name, pool-uuid, pool-capabilities, pool-edit,
 * find-storage-pool-sources(-as), pool-event; the --xpath half of pool-dumpxml; and
 * poolctl's own "event", which adds volume events (docs/poolctl.md). */
#include <ctype.h>
#include <fcntl.h>
#include <getopt.h>
#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

#include "cli/client.h"
#include "conf/pool-def.h"
#include "shared/fileio.h"
#include "shared/name-escape.h"
#include "shared/size.h"
#include "shared/uuid-util.h"
#include "shared/xml-read.h"
#include "shared/xml-writer.h"

/* virsh reads XML files of up to 10 MiB (VSH_MAX_XML_FILE). */
#define VSH_XML_FILE_MAX (10 * 1024 * 1024)

#define FOR_OPTIONS(c, argc, argv, opts) \
        for (int c; (c = getopt_long((argc), (argv), "", (opts), NULL)) >= 0;)

/* virsh's parser errors, which it reports before running a command. */
static int too_many_args(int argc, char *argv[], int n) {
        if (argc - optind > n) {
                fprintf(stderr, "error: unexpected data '%s'\n", argv[optind + n]);
                return -EINVAL;
        }
        return 0;
}

static int required_arg(int argc, char *argv[], int index, const char *name) {
        if (optind + index >= argc) {
                fprintf(stderr, "error: command '%s' requires <%s> option\n", argv[0], name);
                return -EINVAL;
        }
        return 0;
}

/* virsh refuses empty option values ("--source-host ''") unless an option allows them. */
static int non_empty(const char *name, const char *value) {
        if (value && !*value) {
                fprintf(stderr, "error: Failed to get option '%s': Option argument is empty\n",
                        name);
                return -EINVAL;
        }
        return 0;
}

static int exclusive(const char *a, bool has_a, const char *b, bool has_b) {
        if (has_a && has_b) {
                fprintf(stderr, "error: Options --%s and --%s are mutually exclusive\n", a, b);
                return -EINVAL;
        }
        return 0;
}

/* Fills bare arguments into the options still unset, in order (virsh 9's parser fills
 * every option that takes a value, in the order the command declares them). */
static int fill_positional(int argc, char *argv[], const char **slots, size_t n) {
        for (int i = optind; i < argc; i++) {
                size_t slot = 0;

                while (slot < n && slots[slot])
                        slot++;
                if (slot == n) {
                        fprintf(stderr, "error: unexpected data '%s'\n", argv[i]);
                        return -EINVAL;
                }
                slots[slot] = argv[i];
        }
        return 0;
}

/* The messages virsh prints with vshPrintExtra: -q silences them. */
_printf_(2, 3) static void print_extra(const GlobalOptions *g, const char *fmt, ...) {
        va_list ap;

        if (g->quiet)
                return;
        va_start(ap, fmt);
        vprintf(fmt, ap);
        va_end(ap);
}

/* ---- pool-define-as, pool-create-as ---- */

/* The options virsh's VIRSH_COMMON_OPT_POOL_X_AS declares, in its order: virsh fills
 * arguments given without an option name into them in this order, so
 * "pool-define-as p dir - - - - /srv/p" sets the target (the classic documentation example). */
typedef enum XasOption {
        XAS_NAME,
        XAS_TYPE,
        XAS_SOURCE_HOST,
        XAS_SOURCE_PATH,
        XAS_SOURCE_DEV,
        XAS_SOURCE_NAME,
        XAS_TARGET,
        XAS_SOURCE_FORMAT,
        XAS_AUTH_TYPE,
        XAS_AUTH_USERNAME,
        XAS_SECRET_USAGE,
        XAS_SECRET_UUID,
        XAS_ADAPTER_NAME,
        XAS_ADAPTER_WWNN,
        XAS_ADAPTER_WWPN,
        XAS_ADAPTER_PARENT,
        XAS_ADAPTER_PARENT_WWNN,
        XAS_ADAPTER_PARENT_WWPN,
        XAS_ADAPTER_PARENT_FABRIC_WWN,
        XAS_SOURCE_PROTOCOL_VER,
        XAS_SOURCE_INITIATOR,
        _XAS_MAX,
} XasOption;

static const char *const xas_names[_XAS_MAX] = {
        [XAS_NAME] = "name",
        [XAS_TYPE] = "type",
        [XAS_SOURCE_HOST] = "source-host",
        [XAS_SOURCE_PATH] = "source-path",
        [XAS_SOURCE_DEV] = "source-dev",
        [XAS_SOURCE_NAME] = "source-name",
        [XAS_TARGET] = "target",
        [XAS_SOURCE_FORMAT] = "source-format",
        [XAS_AUTH_TYPE] = "auth-type",
        [XAS_AUTH_USERNAME] = "auth-username",
        [XAS_SECRET_USAGE] = "secret-usage",
        [XAS_SECRET_UUID] = "secret-uuid",
        [XAS_ADAPTER_NAME] = "adapter-name",
        [XAS_ADAPTER_WWNN] = "adapter-wwnn",
        [XAS_ADAPTER_WWPN] = "adapter-wwpn",
        [XAS_ADAPTER_PARENT] = "adapter-parent",
        [XAS_ADAPTER_PARENT_WWNN] = "adapter-parent-wwnn",
        [XAS_ADAPTER_PARENT_WWPN] = "adapter-parent-wwpn",
        [XAS_ADAPTER_PARENT_FABRIC_WWN] = "adapter-parent-fabric-wwn",
        [XAS_SOURCE_PROTOCOL_VER] = "source-protocol-ver",
        [XAS_SOURCE_INITIATOR] = "source-initiator",
};

enum { O_PRINT_XML = _XAS_MAX + 1, O_BUILD, O_OVERWRITE, O_NO_OVERWRITE };

typedef struct XasArgs {
        const char *v[_XAS_MAX];
        bool print_xml;
        unsigned flags; /* CreatePool's: 1 build, 2 overwrite, 4 no-overwrite */
} XasArgs;

static int xas_parse(int argc, char *argv[], bool create, XasArgs *a) {
        struct option opts[_XAS_MAX + 5] = {};
        size_t n = 0;

        for (int i = 0; i < _XAS_MAX; i++)
                opts[n++] = (struct option){ xas_names[i], required_argument, NULL, i + 1 };
        opts[n++] = (struct option){ "print-xml", no_argument, NULL, O_PRINT_XML };
        if (create) {
                opts[n++] = (struct option){ "build", no_argument, NULL, O_BUILD };
                opts[n++] = (struct option){ "overwrite", no_argument, NULL, O_OVERWRITE };
                opts[n++] = (struct option){ "no-overwrite", no_argument, NULL, O_NO_OVERWRITE };
        }
        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case O_PRINT_XML: a->print_xml = true; break;
                case O_BUILD: a->flags |= 1; break;
                case O_OVERWRITE: a->flags |= 2; break;
                case O_NO_OVERWRITE: a->flags |= 4; break;
                default:
                        if (c < 1 || c > _XAS_MAX)
                                return -EINVAL;
                        a->v[c - 1] = optarg;
                }
        if (fill_positional(argc, argv, a->v, _XAS_MAX) < 0)
                return -EINVAL;
        for (int i = XAS_NAME; i <= XAS_TYPE; i++)
                if (!a->v[i]) {
                        fprintf(stderr, "error: command '%s' requires <%s> option\n", argv[0],
                                xas_names[i]);
                        return -EINVAL;
                }
        return 0;
}

/* The checks virsh's command runs itself, once its parser accepted the arguments. */
static int xas_check(const XasArgs *a) {
        if (exclusive("overwrite", a->flags & 2, "no-overwrite", a->flags & 4) < 0 ||
            exclusive("secret-usage", a->v[XAS_SECRET_USAGE], "secret-uuid",
                      a->v[XAS_SECRET_UUID]) < 0)
                return -EINVAL;
        for (int i = 0; i < _XAS_MAX; i++)
                if (non_empty(xas_names[i], a->v[i]) < 0)
                        return -EINVAL;
        return 0;
}

static void xas_format_adapter(XmlWriter *w, const char *const *v) {
        if (v[XAS_ADAPTER_WWNN] && v[XAS_ADAPTER_WWPN]) {
                xml_writer_printf(w, "<adapter type='fc_host'");
                /* One way of naming the parent, in virsh's order of preference. */
                if (v[XAS_ADAPTER_PARENT])
                        xml_writer_escape(w, " parent='%s'", v[XAS_ADAPTER_PARENT]);
                else if (v[XAS_ADAPTER_PARENT_WWNN] && v[XAS_ADAPTER_PARENT_WWPN]) {
                        xml_writer_escape(w, " parent_wwnn='%s'", v[XAS_ADAPTER_PARENT_WWNN]);
                        xml_writer_escape(w, " parent_wwpn='%s'", v[XAS_ADAPTER_PARENT_WWPN]);
                } else if (v[XAS_ADAPTER_PARENT_FABRIC_WWN])
                        xml_writer_escape(w, " parent_fabric_wwn='%s'",
                                          v[XAS_ADAPTER_PARENT_FABRIC_WWN]);
                xml_writer_escape(w, " wwnn='%s'", v[XAS_ADAPTER_WWNN]);
                xml_writer_escape(w, " wwpn='%s'/>\n", v[XAS_ADAPTER_WWPN]);
        } else if (v[XAS_ADAPTER_NAME])
                xml_writer_escape(w, "<adapter type='scsi_host' name='%s'/>\n",
                                  v[XAS_ADAPTER_NAME]);
}

static void xas_format_source(XmlWriter *w, const char *const *v) {
        xml_writer_printf(w, "<source>\n");
        xml_writer_indent(w, 2);
        xml_writer_escape(w, "<host name='%s'/>\n", v[XAS_SOURCE_HOST]);
        xml_writer_escape(w, "<dir path='%s'/>\n", v[XAS_SOURCE_PATH]);
        xml_writer_escape(w, "<device path='%s'/>\n", v[XAS_SOURCE_DEV]);
        if (v[XAS_SOURCE_INITIATOR]) {
                xml_writer_printf(w, "<initiator>\n");
                xml_writer_indent(w, 2);
                xml_writer_escape(w, "<iqn name='%s'/>\n", v[XAS_SOURCE_INITIATOR]);
                xml_writer_indent(w, -2);
                xml_writer_printf(w, "</initiator>\n");
        }
        xas_format_adapter(w, v);
        /* virsh writes <auth> only when it is complete, and drops it silently otherwise. */
        if (v[XAS_AUTH_TYPE] && v[XAS_AUTH_USERNAME] &&
            (v[XAS_SECRET_USAGE] || v[XAS_SECRET_UUID])) {
                xml_writer_escape(w, "<auth type='%s'", v[XAS_AUTH_TYPE]);
                xml_writer_escape(w, " username='%s'>\n", v[XAS_AUTH_USERNAME]);
                xml_writer_indent(w, 2);
                if (v[XAS_SECRET_USAGE])
                        xml_writer_escape(w, "<secret usage='%s'/>\n", v[XAS_SECRET_USAGE]);
                else
                        xml_writer_escape(w, "<secret uuid='%s'/>\n", v[XAS_SECRET_UUID]);
                xml_writer_indent(w, -2);
                xml_writer_printf(w, "</auth>\n");
        }
        xml_writer_escape(w, "<format type='%s'/>\n", v[XAS_SOURCE_FORMAT]);
        xml_writer_escape(w, "<name>%s</name>\n", v[XAS_SOURCE_NAME]);
        xml_writer_escape(w, "<protocol ver='%s'/>\n", v[XAS_SOURCE_PROTOCOL_VER]);
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</source>\n");
}

/* The document virsh's virshBuildPoolXML lays out, element for element. Unlike virsh, the
 * values are escaped, so a '<' or '&' in an argument cannot change the document's shape. */
static char *xas_format(const XasArgs *a) {
        const char *const *v = a->v;
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_escape(&w, "<pool type='%s'>\n", v[XAS_TYPE]);
        xml_writer_indent(&w, 2);
        xml_writer_escape(&w, "<name>%s</name>\n", v[XAS_NAME]);
        /* As in virsh, a protocol version or an <auth> alone opens no <source>. */
        if (v[XAS_SOURCE_HOST] || v[XAS_SOURCE_PATH] || v[XAS_SOURCE_DEV] ||
            v[XAS_SOURCE_INITIATOR] || v[XAS_SOURCE_FORMAT] || v[XAS_SOURCE_NAME] ||
            (v[XAS_ADAPTER_WWNN] && v[XAS_ADAPTER_WWPN]) || v[XAS_ADAPTER_NAME])
                xas_format_source(&w, v);
        if (v[XAS_TARGET]) {
                xml_writer_printf(&w, "<target>\n");
                xml_writer_indent(&w, 2);
                xml_writer_escape(&w, "<path>%s</path>\n", v[XAS_TARGET]);
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</target>\n");
        }
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</pool>\n");
        return xml_writer_finish(&w, NULL);
}

static int pool_x_as(int argc, char *argv[], const GlobalOptions *g, bool create) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *xml = NULL, *context = NULL;
        XasArgs a = {};
        const char *name;

        if (xas_parse(argc, argv, create, &a) < 0)
                return CMD_USAGE_ERROR;
        if (xas_check(&a) < 0)
                return 1;
        name = a.v[XAS_NAME];
        xml = xas_format(&a);
        if (a.print_xml) {
                fputs(xml, stdout);
                client_end(g);
                return 0;
        }
        if (client_connect(&bus) < 0)
                return 1;
        context = xasprintf(create ? "Failed to create pool %s" : "Failed to define pool %s",
                            name);
        if (create ? client_call(bus, MANAGER_PATH, MANAGER_IFACE, "CreatePool", &reply,
                                 context, "su", xml, a.flags) < 0
                   : client_call(bus, MANAGER_PATH, MANAGER_IFACE, "DefinePool", &reply,
                                 context, "su", xml, 0) < 0)
                return 1;
        /* virsh names the pool as it was given, not as the daemon answers. */
        print_extra(g, create ? "Pool %s created\n" : "Pool %s defined\n", name);
        client_end(g);
        return 0;
}

int cmd_pool_define_as(int argc, char *argv[], const GlobalOptions *g) {
        return pool_x_as(argc, argv, g, false);
}

int cmd_pool_create_as(int argc, char *argv[], const GlobalOptions *g) {
        return pool_x_as(argc, argv, g, true);
}

/* ---- pool-name, pool-uuid ---- */

typedef struct PoolEntry {
        const char *name, *uuid;
} PoolEntry;

/* Finds a pool in ListPools by name, or (name NULL) by UUID: 1 found, 0 not, < 0 error
 * (printed). The strings in *ret live as long as *reply. */
static int find_pool(sd_bus *bus, sd_bus_message **reply, const char *name,
                     const uint8_t *uuid, PoolEntry *ret) {
        const char *type, *phase;
        int active, autostart, persistent, r;
        uint64_t c, a, v;
        PoolEntry e;
        _cleanup_free_ char *bus_name = name_encode(name); /* compared in the bus form */

        r = client_call(bus, MANAGER_PATH, MANAGER_IFACE, "ListPools", reply, NULL, NULL);
        if (r < 0)
                return r;
        r = sd_bus_message_enter_container(*reply, 'a', "(sssbbbsttt)");
        while (r > 0 && (r = sd_bus_message_read(*reply, "(sssbbbsttt)", &e.name, &e.uuid, &type,
                                                 &active, &autostart, &persistent, &phase, &c,
                                                 &a, &v)) > 0) {
                uint8_t u[16];

                if (name ? streq(e.name, bus_name)
                         : uuid_parse_lenient(e.uuid, u) == 0 && memcmp(u, uuid, 16) == 0) {
                        *ret = e;
                        return 1;
                }
        }
        return r;
}

int cmd_pool_name(int argc, char *argv[], const GlobalOptions *g) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        char canonical[UUID_STRING_MAX];
        const char *arg;
        uint8_t uuid[16];
        PoolEntry e;
        int r;

        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return CMD_USAGE_ERROR;
        if (required_arg(argc, argv, 0, "pool") < 0 || too_many_args(argc, argv, 1) < 0)
                return CMD_USAGE_ERROR;
        arg = argv[optind];
        /* virsh looks the argument up as a UUID only, and only when it has a UUID's length;
         * anything else fails without asking the daemon, hence one error line. */
        if (strlen(arg) != UUID_STRING_MAX - 1) {
                fprintf(stderr, "error: failed to get pool '%s'\n", arg);
                return 1;
        }
        if (uuid_parse_lenient(arg, uuid) < 0) {
                fprintf(stderr,
                        "error: failed to get pool '%s'\n"
                        "error: invalid argument: uuidstr in virStoragePoolLookupByUUIDString "
                        "must be a valid UUID\n",
                        arg);
                return 1;
        }
        if (client_connect(&bus) < 0)
                return 1;
        r = find_pool(bus, &reply, NULL, uuid, &e);
        if (r < 0)
                return 1;
        if (r == 0) {
                fprintf(stderr,
                        "error: failed to get pool '%s'\n"
                        "error: Storage pool not found: no storage pool with matching uuid "
                        "'%s'\n",
                        arg, uuid_format(uuid, canonical));
                return 1;
        }
        _cleanup_free_ char *pool_name = client_decode(e.name);
        printf("%s\n", pool_name);
        client_end(g);
        return 0;
}

int cmd_pool_uuid(int argc, char *argv[], const GlobalOptions *g) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        const char *arg;
        PoolEntry e;
        int r;

        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return CMD_USAGE_ERROR;
        if (required_arg(argc, argv, 0, "pool") < 0 || too_many_args(argc, argv, 1) < 0)
                return CMD_USAGE_ERROR;
        arg = argv[optind];
        if (client_connect(&bus) < 0)
                return 1;
        /* By name only, as virsh: a UUID given here is a name no pool has. */
        r = find_pool(bus, &reply, arg, NULL, &e);
        if (r < 0)
                return 1;
        if (r == 0) {
                fprintf(stderr,
                        "error: failed to get pool '%s'\n"
                        "error: Storage pool not found: no storage pool with matching name "
                        "'%s'\n",
                        arg, arg);
                return 1;
        }
        printf("%s\n", e.uuid);
        client_end(g);
        return 0;
}

/* ---- pool-capabilities ---- */

int cmd_pool_capabilities(int argc, char *argv[], const GlobalOptions *g) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        const char *caps;

        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return CMD_USAGE_ERROR;
        if (too_many_args(argc, argv, 0) < 0)
                return CMD_USAGE_ERROR;
        if (client_connect(&bus) < 0)
                return 1;
        if (client_call(bus, MANAGER_PATH, MANAGER_IFACE, "GetCapabilities", &reply,
                        "failed to get storage pool capabilities", NULL) < 0 ||
            sd_bus_message_read(reply, "s", &caps) < 0)
                return 1;
        /* The document ends with a newline and virsh adds one: an empty line follows. */
        printf("%s\n", caps);
        client_end(g);
        return 0;
}

/* ---- find-storage-pool-sources(-as) ---- */

static int find_sources(const GlobalOptions *g, const char *type, const char *spec) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *context = xasprintf("Failed to find any %s pool sources", type);
        const char *list;

        if (client_connect(&bus) < 0)
                return 1;
        if (client_call(bus, MANAGER_PATH, MANAGER_IFACE, "FindPoolSources", &reply, context,
                        "ss", type, spec ? spec : "") < 0 ||
            sd_bus_message_read(reply, "s", &list) < 0)
                return 1;
        fputs(list, stdout);
        client_end(g);
        return 0;
}

int cmd_find_storage_pool_sources(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = { { "srcSpec", required_argument, NULL, 's' }, {} };
        const char *v[2] = {}; /* type, srcSpec: virsh's order for bare values */
        _cleanup_free_ char *spec = NULL;
        int r;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 's': v[1] = optarg; break;
                default: return CMD_USAGE_ERROR;
                }
        if (fill_positional(argc, argv, v, ELEMENTSOF(v)) < 0)
                return CMD_USAGE_ERROR;
        if (!v[0]) {
                fprintf(stderr, "error: command '%s' requires <type> option\n", argv[0]);
                return CMD_USAGE_ERROR;
        }
        if (non_empty("type", v[0]) < 0 || non_empty("srcSpec", v[1]) < 0)
                return 1;
        if (v[1]) {
                r = read_file_bounded(AT_FDCWD, v[1], VSH_XML_FILE_MAX, &spec, NULL);
                if (r < 0) {
                        fprintf(stderr, "error: Failed to open file '%s': %s\n", v[1],
                                strerror(-r));
                        return 1;
                }
        }
        return find_sources(g, v[0], spec);
}

/* The <source> virsh builds from --host, --port and --initiator. */
static char *source_spec_format(const char *host, const char *port, const char *initiator) {
        XmlWriter w;

        xml_writer_init(&w);
        xml_writer_printf(&w, "<source>\n");
        xml_writer_indent(&w, 2);
        xml_writer_escape(&w, "<host name='%s'", host);
        xml_writer_escape(&w, " port='%s'", port);
        xml_writer_printf(&w, "/>\n");
        if (initiator) {
                xml_writer_printf(&w, "<initiator>\n");
                xml_writer_indent(&w, 2);
                xml_writer_escape(&w, "<iqn name='%s'/>\n", initiator);
                xml_writer_indent(&w, -2);
                xml_writer_printf(&w, "</initiator>\n");
        }
        xml_writer_indent(&w, -2);
        xml_writer_printf(&w, "</source>\n");
        return xml_writer_finish(&w, NULL);
}

int cmd_find_storage_pool_sources_as(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "host", required_argument, NULL, 'h' },
                { "port", required_argument, NULL, 'p' },
                { "initiator", required_argument, NULL, 'i' },
                {},
        };
        const char *v[4] = {}; /* type, host, port, initiator: virsh's order for bare values */
        _cleanup_free_ char *spec = NULL;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'h': v[1] = optarg; break;
                case 'p': v[2] = optarg; break;
                case 'i': v[3] = optarg; break;
                default: return CMD_USAGE_ERROR;
                }
        if (fill_positional(argc, argv, v, ELEMENTSOF(v)) < 0)
                return CMD_USAGE_ERROR;
        if (!v[0]) {
                fprintf(stderr, "error: command '%s' requires <type> option\n", argv[0]);
                return CMD_USAGE_ERROR;
        }
        if (non_empty("type", v[0]) < 0 || non_empty("host", v[1]) < 0 ||
            non_empty("initiator", v[3]) < 0)
                return 1;
        if (v[2] && !*v[2]) {
                fprintf(stderr, "error: Failed to get option 'port': Option argument is empty\n"
                                "error: missing argument\n");
                return 1;
        }
        /* Without a host virsh asks about the local machine: no <source> at all. */
        if (v[1])
                spec = source_spec_format(v[1], v[2], v[3]);
        return find_sources(g, v[0], spec);
}

/* ---- pool-dumpxml --xpath ---- */

static int print_node(xmlDoc *doc, xmlNode *node) {
        xmlBuffer *buf = xmlBufferCreate();
        int r = -ENOMEM;

        if (buf && xmlNodeDump(buf, doc, node, 0, 1) >= 0) {
                printf("%s\n", (const char *) xmlBufferContent(buf));
                r = 0;
        } else
                fprintf(stderr, "error: internal error: failed to convert the XML node tree\n");
        xmlBufferFree(buf);
        return r;
}

/* virsh's virshDumpXML: each node the expression selects, as a document of its own, or all
 * of them under <nodes> with --wrap. The document is re-read without blank text so that
 * libxml2 indents what it prints, as virsh's output is (attributes come out double-quoted,
 * as in virsh's). Like virsh, an expression whose value is no node set (count(), string())
 * is an error, and one libxml2 cannot evaluate selects nothing (libxml2 says why). */
int dumpxml_print_xpath(const char *xml, const char *xpath, bool wrap) {
        _cleanup_xml_doc_ xmlDoc *doc = NULL;
        xmlXPathContext *ctxt;
        xmlXPathObject *obj;
        int n = 0, r = 0;

        doc = xmlReadMemory(xml, (int) strlen(xml), "pool.xml", NULL,
                            XML_PARSE_NOBLANKS | XML_PARSE_NONET);
        if (!doc) {
                fprintf(stderr, "error: cannot parse the pool's XML\n");
                return -EINVAL;
        }
        ctxt = xmlXPathNewContext(doc);
        if (!ctxt)
                oom();
        obj = xmlXPathEvalExpression((const xmlChar *) xpath, ctxt);
        if (obj && obj->type != XPATH_NODESET) {
                fprintf(stderr, "error: internal error: Incorrect xpath '%s'\n", xpath);
                r = -EINVAL;
        } else if (obj && obj->nodesetval)
                n = obj->nodesetval->nodeNr;
        if (r >= 0 && wrap) {
                xmlNode *root = xmlNewDocNode(doc, NULL, (const xmlChar *) "nodes", NULL);

                if (!root)
                        oom();
                for (int i = 0; i < n; i++) {
                        xmlNode *copy = xmlDocCopyNode(obj->nodesetval->nodeTab[i], doc, 1);

                        if (!copy || !xmlAddChild(root, copy))
                                oom();
                }
                r = print_node(doc, root);
                xmlFreeNode(root);
        } else
                for (int i = 0; r >= 0 && i < n; i++)
                        r = print_node(doc, obj->nodesetval->nodeTab[i]);
        xmlXPathFreeObject(obj);
        xmlXPathFreeContext(ctxt);
        return r;
}

/* ---- pool-edit ---- */

#define EDIT_SAFE_CHARS \
        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:@/"

static char *edit_write_temp(const char *doc) {
        const char *tmpdir = getenv("TMPDIR");
        char *path = xasprintf("%s/poolctlXXXXXX.xml", isempty(tmpdir) ? "/tmp" : tmpdir);
        _cleanup_close_ int fd = mkostemps(path, 4, O_CLOEXEC);
        size_t len = strlen(doc);

        if (fd < 0) {
                fprintf(stderr, "error: %s: failed to create temporary file: %s\n", path,
                        strerror(errno));
                free(path);
                return NULL;
        }
        if (write(fd, doc, len) != (ssize_t) len) {
                fprintf(stderr, "error: %s: failed to write to temporary file: %s\n", path,
                        strerror(errno));
                (void) unlink(path);
                free(path);
                return NULL;
        }
        return path;
}

/* Runs $VISUAL, else $EDITOR, else vi on file, as virsh does: directly when the editor's
 * name is plain, through sh -c when it has arguments or shell syntax (then the file name
 * must be plain, so the shell cannot misread it). */
static int edit_run_editor(const char *file) {
        const char *editor = getenv("VISUAL");
        _cleanup_free_ char *cmdline = NULL;
        bool shell;
        pid_t pid;
        int status;

        if (!editor)
                editor = getenv("EDITOR");
        if (!editor)
                editor = "vi";
        shell = strspn(editor, EDIT_SAFE_CHARS) != strlen(editor);
        if (shell && strspn(file, EDIT_SAFE_CHARS) != strlen(file)) {
                fprintf(stderr,
                        "error: %s: temporary filename contains shell meta or other "
                        "unacceptable characters (is $TMPDIR wrong?)\n",
                        file);
                return -EINVAL;
        }
        cmdline = xasprintf("%s %s", editor, file);
        fflush(stdout);
        pid = fork();
        if (pid < 0) {
                fprintf(stderr, "error: cannot fork the editor: %s\n", strerror(errno));
                return -errno;
        }
        if (pid == 0) {
                if (shell)
                        execl("/bin/sh", "sh", "-c", cmdline, (char *) NULL);
                else
                        execlp(editor, editor, file, (char *) NULL);
                fprintf(stderr, "error: cannot execute %s: %s\n", editor, strerror(errno));
                _exit(127);
        }
        while (waitpid(pid, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
                return 0;
        if (WIFEXITED(status))
                fprintf(stderr,
                        "error: internal error: Child process (%s) unexpected exit status %d\n",
                        cmdline, WEXITSTATUS(status));
        else
                fprintf(stderr,
                        "error: internal error: Child process (%s) unexpected fatal signal %d\n",
                        cmdline, WTERMSIG(status));
        return -EIO;
}

/* virsh's vshAskReedit: one key, read raw from the terminal. Returns the answer, or -1
 * when stdin is no terminal (then nobody can answer: the edit fails). */
static int edit_ask(const char *msg, const char *error, bool relax_avail) {
        struct termios saved, raw;
        int c;

        if (!isatty(STDIN_FILENO))
                return -1;
        if (error)
                fprintf(stderr, "error: %s\n", error);
        if (tcgetattr(STDIN_FILENO, &saved) < 0)
                return -1;
        raw = saved;
        cfmakeraw(&raw);
        if (tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw) < 0)
                return -1;
        for (;;) {
                /* Raw mode: no output processing either, hence the explicit \r. */
                printf("\r%s Try again? %s: ", msg, relax_avail ? "[y,n,i,f,?]" : "[y,n,f,?]");
                fflush(stdout);
                c = getchar();
                if (c == EOF) {
                        c = 'n'; /* the terminal went away: keep nothing */
                        break;
                }
                c = tolower(c);
                if (c == '?') {
                        fputs("\r\n"
                              "y - yes, start editor again\r\n"
                              "n - no, throw away my changes\r\n",
                              stdout);
                        if (relax_avail)
                                fputs("i - turn off validation and try to redefine again\r\n",
                                      stdout);
                        fputs("f - force, try to redefine again\r\n"
                              "? - print this help\r\n",
                              stdout);
                        continue;
                }
                if (c == 'y' || c == 'n' || c == 'f' || (relax_avail && c == 'i'))
                        break;
        }
        (void) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fputs("\r\n", stdout);
        fflush(stdout);
        return c;
}

static int edit_get_xml(sd_bus *bus, const char *path, char **ret) {
        _cleanup_msg_ sd_bus_message *reply = NULL;
        const char *xml;
        int r;

        r = client_call(bus, path, POOL_IFACE, "GetXMLDesc", &reply, NULL, "u", 1);
        if (r < 0)
                return r;
        r = sd_bus_message_read(reply, "s", &xml);
        if (r < 0)
                return r;
        *ret = client_decode(xml);
        return 0;
}

/* DefinePool without client_call's printing of errors; doc in the bus form. */
static int client_call_quiet_define(sd_bus *bus, const char *doc, sd_bus_error *e,
                                    sd_bus_message **reply) {
        _cleanup_free_ char *arg = name_encode(doc);

        return sd_bus_call_method(bus, "org.poold1", MANAGER_PATH, MANAGER_IFACE, "DefinePool", e,
                                  reply, "su", arg, 0);
}

/* Validates doc locally (unless told not to), then defines it. On failure *ret_error says
 * why; on success *ret_name is the name the definition carries. */
static int edit_define(sd_bus *bus, const char *doc, bool validate, char **ret_name,
                       char **ret_error) {
        _cleanup_msg_ sd_bus_message *reply = NULL;
        sd_bus_error e = SD_BUS_ERROR_NULL;
        const char *path;
        int r;

        if (validate) {
                _cleanup_error_ Error err = ERROR_INIT;
                _cleanup_pool_def_ PoolDef *def = NULL;

                if (pool_def_parse_string(doc, strlen(doc), &def, &err) < 0) {
                        *ret_error = error_to_string(&err);
                        return -EINVAL;
                }
        }
        r = client_call_quiet_define(bus, doc, &e, &reply);
        if (r < 0) {
                *ret_error = sd_bus_error_is_set(&e) && e.message ? client_decode(e.message)
                                                                  : xstrdup(strerror(-r));
                sd_bus_error_free(&e);
                return r;
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0 || sd_bus_path_decode(path, "/org/poold1/pool", ret_name) <= 0) {
                *ret_error = xstrdup("unexpected reply from poold");
                return -EIO;
        }
        return 0;
}

typedef struct EditSession {
        sd_bus *bus;
        const char *path; /* the pool's object */
        char *doc;        /* the definition the edit started from */
        char *edited;     /* what the editor left in tmp */
        char *tmp;        /* the file the editor works on */
} EditSession;

static void edit_session_done(EditSession *s) {
        free(s->doc);
        free(s->edited);
        if (s->tmp) {
                (void) unlink(s->tmp);
                free(s->tmp);
        }
}

/* The loop of virsh-edit.c: edit; an unchanged file ends it; re-read the definition (if
 * someone else changed it meanwhile, defining ours would silently undo their change),
 * validate, define. On failure ask whether to edit again (y), give up (n), define without
 * the local validation (i), or try the same text again (f). Returns 1 when defined
 * (*ret_name set), 0 when unchanged, < 0 on failure (reported). */
static int edit_loop(EditSession *s, char **ret_name) {
        bool validate = true, edit = true;

        for (;;) {
                _cleanup_free_ char *reread = NULL, *error = NULL;
                const char *msg;
                int r;

                if (edit) {
                        free(s->edited);
                        s->edited = NULL;
                        if (edit_run_editor(s->tmp) < 0)
                                return -EIO;
                        r = read_file_bounded(AT_FDCWD, s->tmp, VSH_XML_FILE_MAX, &s->edited,
                                              NULL);
                        if (r < 0) {
                                fprintf(stderr, "error: %s: failed to read temporary file: %s\n",
                                        s->tmp, strerror(-r));
                                return r;
                        }
                        if (streq(s->doc, s->edited))
                                return 0;
                }
                r = edit_get_xml(s->bus, s->path, &reread);
                if (r < 0)
                        return r;
                if (!streq(s->doc, reread)) {
                        msg = "The XML configuration was changed by another user.";
                        free(s->doc);
                        s->doc = TAKE_PTR(reread);
                } else if (edit_define(s->bus, s->edited, validate, ret_name, &error) >= 0)
                        return 1;
                else
                        msg = "Failed.";

                switch (edit_ask(msg, error, validate)) {
                case 'y': edit = true; break;
                case 'f': edit = false; break;
                case 'i':
                        validate = false;
                        edit = false;
                        break;
                case 'n': return -ECANCELED;
                default:
                        /* Nobody to ask (stdin is no terminal): fail with the reasons. */
                        if (error)
                                fprintf(stderr, "error: %s\n", error);
                        fprintf(stderr, "error: %s\n", msg);
                        return -EIO;
                }
        }
}

int cmd_pool_edit(int argc, char *argv[], const GlobalOptions *g) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL, *name = NULL, *new_name = NULL;
        _cleanup_(edit_session_done) EditSession s = {};
        int r;

        FOR_OPTIONS(c, argc, argv, (struct option[]){ {} }) return CMD_USAGE_ERROR;
        if (required_arg(argc, argv, 0, "pool") < 0 || too_many_args(argc, argv, 1) < 0)
                return CMD_USAGE_ERROR;
        if (client_connect(&bus) < 0 || client_pool_path(bus, argv[optind], &path) < 0 ||
            sd_bus_path_decode(path, "/org/poold1/pool", &name) <= 0)
                return 1;
        s.bus = bus;
        s.path = path;
        if (edit_get_xml(bus, path, &s.doc) < 0)
                return 1;
        s.tmp = edit_write_temp(s.doc);
        if (!s.tmp)
                return 1;
        r = edit_loop(&s, &new_name);
        if (r < 0)
                return 1;
        if (r == 0)
                print_extra(g, "Pool %s XML configuration not changed.\n", name);
        else
                print_extra(g, "Pool %s XML configuration edited.\n", new_name);
        client_end(g);
        return 0;
}

/* ---- pool-event, event ---- */

typedef enum EventKind {
        EVENT_LIFECYCLE = 1 << 0, /* PoolEvent but Refreshed */
        EVENT_REFRESH = 1 << 1,   /* PoolEvent Refreshed */
        EVENT_VOLUME = 1 << 2,    /* VolumeEvent (poolctl event only) */
} EventKind;

typedef struct EventListener {
        unsigned kinds;
        const char *pool; /* only this pool's events; NULL: every pool's */
        bool loop, timestamp;
        int count;
} EventListener;

static volatile sig_atomic_t event_interrupted;

static void on_sigint(int sig) {
        event_interrupted = 1;
}

/* virsh's virTimeStringNowRaw: UTC with milliseconds, "2026-11-22 03:43:58.036+0000". */
static void print_timestamp(void) {
        struct timespec ts;
        struct tm tm;

        clock_gettime(CLOCK_REALTIME, &ts);
        gmtime_r(&ts.tv_sec, &tm);
        printf("%04d-%02d-%02d %02d:%02d:%02d.%03d+0000: ", tm.tm_year + 1900, tm.tm_mon + 1,
               tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int) (ts.tv_nsec / 1000000));
}

static bool event_wanted(const EventListener *l, unsigned kind, const char *pool) {
        if (!(l->kinds & kind))
                return false;
        if (!l->loop && l->count > 0)
                return false; /* one-shot: the first event only, as virsh */
        return !l->pool || streq(l->pool, pool);
}

static void event_printed(EventListener *l) {
        l->count++;
        fflush(stdout); /* a reader of a pipe sees each event when it happens */
}

static int on_pool_event(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        EventListener *l = userdata;
        const char *name, *uuid, *event;
        _cleanup_free_ char *name_b = NULL;
        bool refresh;

        if (sd_bus_message_read(m, "sss", &name, &uuid, &event) < 0)
                return 0;
        client_decode_inplace(&name, &name_b);
        refresh = streq(event, "Refreshed");
        if (!event_wanted(l, refresh ? EVENT_REFRESH : EVENT_LIFECYCLE, name))
                return 0;
        if (l->timestamp)
                print_timestamp();
        if (refresh)
                printf("event 'refresh' for storage pool %s\n", name);
        else
                printf("event 'lifecycle' for storage pool %s: %s\n", name, event);
        event_printed(l);
        return 0;
}

static int on_volume_event(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        EventListener *l = userdata;
        const char *pool, *volume, *event;
        _cleanup_free_ char *kind = NULL, *pool_b = NULL, *volume_b = NULL;

        if (sd_bus_message_read(m, "sss", &pool, &volume, &event) < 0)
                return 0;
        client_decode_inplace(&pool, &pool_b);
        client_decode_inplace(&volume, &volume_b);
        if (!event_wanted(l, EVENT_VOLUME, pool))
                return 0;
        kind = xstrdup(event); /* Added -> volume-added, like virsh's 'device-added' */
        for (char *p = kind; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        if (l->timestamp)
                print_timestamp();
        printf("event 'volume-%s' for storage volume %s/%s\n", kind, pool, volume);
        event_printed(l);
        return 0;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

/* Waits for events until the first (one-shot), the timeout or ^C; returns the outcome line
 * virsh prints (NULL: ended by the first event), or NULL with *ret_error on a failure. */
static const char *event_wait(sd_bus *bus, const EventListener *l, unsigned timeout_s,
                              int *ret_error) {
        uint64_t deadline = timeout_s ? now_usec() + (uint64_t) timeout_s * 1000000ULL
                                      : UINT64_MAX;
        int r;

        *ret_error = 0;
        for (;;) {
                uint64_t now = now_usec();

                if (!l->loop && l->count > 0)
                        return NULL;
                if (event_interrupted)
                        return "event loop interrupted";
                if (now >= deadline)
                        return "event loop timed out";
                r = sd_bus_process(bus, NULL);
                if (r < 0) {
                        fprintf(stderr, "error: lost the connection to poold: %s\n",
                                strerror(-r));
                        *ret_error = r;
                        return NULL;
                }
                if (r > 0)
                        continue;
                /* ^C interrupts the wait (no SA_RESTART): the flag is seen above. */
                r = sd_bus_wait(bus, deadline == UINT64_MAX ? UINT64_MAX : deadline - now);
                if (r < 0 && r != -EINTR) {
                        fprintf(stderr, "error: %s\n", strerror(-r));
                        *ret_error = r;
                        return NULL;
                }
        }
}

static int event_listen(const GlobalOptions *g, EventListener *l, const char *pool,
                        unsigned timeout_s) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_free_ char *path = NULL, *name = NULL;
        struct sigaction sa = { .sa_handler = on_sigint }, old;
        const char *outcome;
        int r;

        if (client_connect(&bus) < 0)
                return 1;
        if (pool) {
                /* Name or UUID, as virsh; signals carry names. */
                if (client_pool_path(bus, pool, &path) < 0 ||
                    sd_bus_path_decode(path, "/org/poold1/pool", &name) <= 0)
                        return 1;
                l->pool = name;
        }
        /* A peer-to-peer connection gets every signal poold emits: matching is local, in
         * place before the first event can arrive. */
        r = sd_bus_match_signal(bus, NULL, NULL, MANAGER_PATH, MANAGER_IFACE, "PoolEvent",
                                on_pool_event, l);
        if (r >= 0 && (l->kinds & EVENT_VOLUME))
                r = sd_bus_match_signal(bus, NULL, NULL, MANAGER_PATH, MANAGER_IFACE,
                                        "VolumeEvent", on_volume_event, l);
        if (r < 0) {
                fprintf(stderr, "error: cannot subscribe to poold's events: %s\n", strerror(-r));
                return 1;
        }
        sigemptyset(&sa.sa_mask);
        (void) sigaction(SIGINT, &sa, &old);
        outcome = event_wait(bus, l, timeout_s, &r);
        (void) sigaction(SIGINT, &old, NULL);
        if (r < 0)
                return 1;
        if (outcome)
                printf("%s\n", outcome);
        printf("events received: %d\n", l->count);
        /* virsh counts a wait that saw nothing as a failure (with no message). */
        if (l->count == 0)
                return 1;
        client_end(g);
        return 0;
}

/* virsh's vshCommandOptTimeoutToMs: whole seconds, 1 to INT_MAX/1000. */
static int parse_timeout(const char *s, unsigned *ret) {
        uint64_t v;

        if (parse_uint64(s, &v) < 0 || v == 0 || v > INT_MAX / 1000) {
                fprintf(stderr,
                        "error: Numeric value '%s' for <timeout> option is malformed or out of "
                        "range\n",
                        s);
                return -EINVAL;
        }
        *ret = (unsigned) v;
        return 0;
}

int cmd_pool_event(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "event", required_argument, NULL, 'e' },
                { "timeout", required_argument, NULL, 't' },
                { "loop", no_argument, NULL, 'l' },
                { "list", no_argument, NULL, 'L' },
                { "timestamp", no_argument, NULL, 'T' },
                {},
        };
        const char *v[3] = {}; /* pool, event, timeout: virsh's order for bare values */
        EventListener l = {};
        bool list = false;
        unsigned timeout = 0;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': v[0] = optarg; break;
                case 'e': v[1] = optarg; break;
                case 't': v[2] = optarg; break;
                case 'l': l.loop = true; break;
                case 'L': list = true; break;
                case 'T': l.timestamp = true; break;
                default: return CMD_USAGE_ERROR;
                }
        if (fill_positional(argc, argv, v, ELEMENTSOF(v)) < 0)
                return CMD_USAGE_ERROR;
        if (non_empty("pool", v[0]) < 0 || non_empty("event", v[1]) < 0)
                return 1;
        if (list) {
                printf("lifecycle\nrefresh\n");
                client_end(g);
                return 0;
        }
        if (!v[1]) {
                fprintf(stderr, "error: either --list or --event <type> is required\n");
                return 1;
        }
        if (streq(v[1], "lifecycle"))
                l.kinds = EVENT_LIFECYCLE;
        else if (streq(v[1], "refresh"))
                l.kinds = EVENT_REFRESH;
        else {
                fprintf(stderr, "error: unknown event type %s\n", v[1]);
                return 1;
        }
        if (v[2] && parse_timeout(v[2], &timeout) < 0)
                return 1;
        return event_listen(g, &l, v[0], timeout);
}

int cmd_event(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = {
                { "pool", required_argument, NULL, 'p' },
                { "timeout", required_argument, NULL, 't' },
                { "loop", no_argument, NULL, 'l' },
                { "timestamp", no_argument, NULL, 'T' },
                {},
        };
        const char *v[2] = {}; /* pool, timeout */
        EventListener l = { .kinds = EVENT_LIFECYCLE | EVENT_REFRESH | EVENT_VOLUME };
        unsigned timeout = 0;

        FOR_OPTIONS(c, argc, argv, opts) switch (c) {
                case 'p': v[0] = optarg; break;
                case 't': v[1] = optarg; break;
                case 'l': l.loop = true; break;
                case 'T': l.timestamp = true; break;
                default: return CMD_USAGE_ERROR;
                }
        if (fill_positional(argc, argv, v, ELEMENTSOF(v)) < 0)
                return CMD_USAGE_ERROR;
        if (non_empty("pool", v[0]) < 0 || (v[1] && parse_timeout(v[1], &timeout) < 0))
                return 1;
        return event_listen(g, &l, v[0], timeout);
}
