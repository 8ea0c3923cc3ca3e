/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>

#include "conf/adapter.h"
#include "conf/pool-types.h"
#include "shared/size.h"
#include "shared/xml-read.h"

static const char *const adapter_types[] = { "default", "scsi_host", "fc_host", NULL };

bool wwn_is_valid(const char *wwn) {
        const char *p = wwn;
        size_t i;

        if (p[0] == '0' && p[1] == 'x')
                p += 2;
        for (i = 0; p[i]; i++)
                if (!isxdigit((unsigned char) p[i]))
                        return false;
        return i == 16;
}

/* One attribute of <address>: a number in C notation (0x.. hex, 0.. octal, decimal). */
static int parse_pci_field(const xmlNode *addr, const char *name, unsigned max, unsigned *ret,
                           Error *err) {
        _cleanup_free_ char *v = xml_prop(addr, name);
        unsigned long long n;
        char *end;

        if (!v) {
                *ret = 0;
                return 0;
        }
        errno = 0;
        n = strtoull(v, &end, 0);
        if (errno || end == v || *end || v[0] == '-' || n > max)
                return error_set(err, xml_line(addr),
                                 "invalid PCI address %s '%s' (at most 0x%x)", name, v, max);
        *ret = (unsigned) n;
        return 0;
}

static int parse_scsi_host(const xmlNode *node, Adapter *a, Error *err) {
        xmlNode *parent, *addr;
        _cleanup_free_ char *uid = NULL;
        uint64_t v;
        int r;

        a->name = xml_prop(node, "name");
        parent = xml_child(node, "parentaddr");
        if (!parent)
                return 0;
        addr = xml_child(parent, "address");
        if (!addr)
                return error_set(err, xml_line(parent),
                                 "<parentaddr> is missing its PCI <address> element");
        a->has_parent = true;
        if ((r = parse_pci_field(addr, "domain", 0xFFFFFFFF, &a->parentaddr.domain, err)) < 0 ||
            (r = parse_pci_field(addr, "bus", 0xFF, &a->parentaddr.bus, err)) < 0 ||
            (r = parse_pci_field(addr, "slot", 0x1F, &a->parentaddr.slot, err)) < 0 ||
            (r = parse_pci_field(addr, "function", 7, &a->parentaddr.function, err)) < 0)
                return r;
        uid = xml_prop(parent, "unique_id");
        if (!uid || parse_uint64(uid, &v) < 0 || v > INT32_MAX)
                return error_set(err, xml_line(parent),
                                 "missing or invalid 'unique_id' of <parentaddr>: expected a "
                                 "non-negative integer");
        a->unique_id = (int) v;
        return 0;
}

int adapter_parse(const xmlNode *node, Adapter *ret, Error *err) {
        _cleanup_free_ char *type = xml_prop(node, "type");
        Adapter a = {};
        int line = xml_line(node), r, t;

        if (type) {
                t = string_table_lookup(adapter_types, type);
                if (t <= 0)
                        return error_set(err, line,
                                         "unknown adapter type '%s' (expected scsi_host or fc_host)",
                                         type);
                a.type = (AdapterType) t;
                if (a.type == ADAPTER_FC_HOST) {
                        a.parent = xml_prop(node, "parent");
                        a.parent_wwnn = xml_prop(node, "parent_wwnn");
                        a.parent_wwpn = xml_prop(node, "parent_wwpn");
                        a.parent_fabric_wwn = xml_prop(node, "parent_fabric_wwn");
                        a.wwnn = xml_prop(node, "wwnn");
                        a.wwpn = xml_prop(node, "wwpn");
                        r = tristate_parse_prop(node, "managed", &a.managed, err);
                } else
                        r = parse_scsi_host(node, &a, err);
                if (r < 0) {
                        adapter_done(&a);
                        return r;
                }
                *ret = a;
                return 0;
        }

        /* Before 'type' existed, an adapter was a SCSI host given by name. */
        if (xml_has_prop(node, "wwnn") || xml_has_prop(node, "wwpn") ||
            xml_has_prop(node, "parent"))
                return error_set(err, line,
                                 "the adapter attributes 'wwnn', 'wwpn' and 'parent' need "
                                 "type='fc_host'");
        if (xml_child(node, "parentaddr"))
                return error_set(err, line, "<parentaddr> needs <adapter type='scsi_host'>");
        a.name = xml_prop(node, "name");
        if (a.name)
                a.type = ADAPTER_SCSI_HOST;
        *ret = a;
        return 0;
}

static int check_wwn(const char *what, const char *wwn, int line, Error *err) {
        if (wwn && !wwn_is_valid(wwn))
                return error_set(err, line,
                                 "malformed %s '%s': expected 16 hexadecimal digits", what, wwn);
        return 0;
}

int adapter_validate(const Adapter *a, int line, Error *err) {
        int r;

        switch (a->type) {
        case ADAPTER_FC_HOST:
                if (!a->wwnn || !a->wwpn)
                        return error_set(err, line,
                                         "adapter type 'fc_host' needs both 'wwnn' and 'wwpn'");
                if (!a->parent_wwnn != !a->parent_wwpn)
                        return error_set(err, line,
                                         "'parent_wwnn' and 'parent_wwpn' must be given together");
                if ((r = check_wwn("wwnn", a->wwnn, line, err)) < 0 ||
                    (r = check_wwn("wwpn", a->wwpn, line, err)) < 0 ||
                    (r = check_wwn("parent_wwnn", a->parent_wwnn, line, err)) < 0 ||
                    (r = check_wwn("parent_wwpn", a->parent_wwpn, line, err)) < 0 ||
                    (r = check_wwn("parent_fabric_wwn", a->parent_fabric_wwn, line, err)) < 0)
                        return r;
                return 0;
        case ADAPTER_SCSI_HOST:
                if (!a->name && !a->has_parent)
                        return error_set(err, line,
                                         "adapter type 'scsi_host' needs a 'name' or a <parentaddr>");
                if (a->name && a->has_parent)
                        return error_set(err, line,
                                         "adapter type 'scsi_host' takes a 'name' or a "
                                         "<parentaddr>, not both");
                return 0;
        default:
                return error_set(err, line, "missing storage pool source adapter");
        }
}

void adapter_format(XmlWriter *w, const Adapter *a) {
        xml_writer_printf(w, "<adapter type='%s'", adapter_types[a->type]);
        if (a->type == ADAPTER_FC_HOST) {
                xml_writer_escape(w, " parent='%s'", a->parent);
                xml_writer_escape(w, " parent_wwnn='%s'", a->parent_wwnn);
                xml_writer_escape(w, " parent_wwpn='%s'", a->parent_wwpn);
                xml_writer_escape(w, " parent_fabric_wwn='%s'", a->parent_fabric_wwn);
                if (a->managed != TRISTATE_ABSENT)
                        xml_writer_printf(w, " managed='%s'", tristate_to_string(a->managed));
                xml_writer_escape(w, " wwnn='%s'", a->wwnn);
                xml_writer_escape(w, " wwpn='%s'/>\n", a->wwpn);
        } else if (a->name) {
                xml_writer_escape(w, " name='%s'/>\n", a->name);
        } else {
                xml_writer_printf(w, ">\n");
                xml_writer_indent(w, 2);
                xml_writer_printf(w, "<parentaddr unique_id='%d'>\n", a->unique_id);
                xml_writer_indent(w, 2);
                xml_writer_printf(w,
                                  "<address domain='0x%04x' bus='0x%02x' slot='0x%02x' "
                                  "function='0x%d'/>\n",
                                  a->parentaddr.domain, a->parentaddr.bus, a->parentaddr.slot,
                                  a->parentaddr.function);
                xml_writer_indent(w, -2);
                xml_writer_printf(w, "</parentaddr>\n");
                xml_writer_indent(w, -2);
                xml_writer_printf(w, "</adapter>\n");
        }
}

void adapter_done(Adapter *a) {
        free(a->name);
        free(a->parent);
        free(a->parent_wwnn);
        free(a->parent_wwpn);
        free(a->parent_fabric_wwn);
        free(a->wwnn);
        free(a->wwpn);
        *a = (Adapter){};
}

bool adapter_equal(const Adapter *a, const Adapter *b) {
        if (a->type != b->type)
                return false;
        if (a->type == ADAPTER_FC_HOST)
                return streq_ptr(a->wwnn, b->wwnn) && streq_ptr(a->wwpn, b->wwpn);
        if (a->name || b->name)
                return streq_ptr(a->name, b->name);
        return a->has_parent && b->has_parent && a->unique_id == b->unique_id &&
               memcmp(&a->parentaddr, &b->parentaddr, sizeof(PciAddress)) == 0;
}
