/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <ctype.h>
#include <stdint.h>

#include "conf/perms.h"
#include "shared/size.h"
#include "shared/xml-read.h"

/* <mode>: octal, at most 0777. */
static int parse_mode(const char *s, mode_t *ret) {
        const char *p = s;
        unsigned v = 0;
        bool digits = false;

        while (isspace((unsigned char) *p))
                p++;
        for (; *p >= '0' && *p <= '7'; p++) {
                v = v * 8 + (unsigned) (*p - '0');
                if (v > 0777)
                        return -ERANGE;
                digits = true;
        }
        while (isspace((unsigned char) *p))
                p++;
        if (!digits || *p)
                return -EINVAL;
        *ret = (mode_t) v;
        return 0;
}

/* <owner>/<group>: a numeric ID, or -1 for "unset" (libvirt used to write -1). libvirt reads
 * the number as a decimal, so "0744" is 744; 4294967295 is (uid_t) -1 and means unset too. */
static int parse_id(const char *s, uint32_t *ret) {
        uint64_t v;
        const char *p = s;

        while (isspace((unsigned char) *p))
                p++;
        if (p[0] == '-') {
                uint64_t one;
                if (parse_uint64(p + 1, &one) < 0 || one != 1)
                        return -EINVAL;
                *ret = UINT32_MAX;
                return 0;
        }
        if (parse_uint64(p, &v) < 0 || v > UINT32_MAX)
                return -EINVAL;
        *ret = (uint32_t) v;
        return 0;
}

int perms_parse(const xmlNode *node, Perms *ret, Error *err) {
        _cleanup_free_ char *mode = NULL, *owner = NULL, *group = NULL;
        Perms p = PERMS_UNSET;
        uint32_t id;

        if (!node) {
                *ret = p;
                return 0;
        }

        mode = xml_child_text(node, "mode");
        if (mode && parse_mode(mode, &p.mode) < 0)
                return error_set(err, xml_line(xml_child(node, "mode")),
                                 "invalid <mode> '%s': expected an octal mode of at most 0777",
                                 mode);

        owner = xml_child_text(node, "owner");
        if (owner) {
                if (parse_id(owner, &id) < 0)
                        return error_set(err, xml_line(xml_child(node, "owner")),
                                         "invalid <owner> '%s': expected a numeric user ID or -1",
                                         owner);
                p.uid = (uid_t) id;
        }
        group = xml_child_text(node, "group");
        if (group) {
                if (parse_id(group, &id) < 0)
                        return error_set(err, xml_line(xml_child(node, "group")),
                                         "invalid <group> '%s': expected a numeric group ID or -1",
                                         group);
                p.gid = (gid_t) id;
        }
        p.label = xml_child_text(node, "label");
        *ret = p;
        return 0;
}

bool perms_is_set(const Perms *p) {
        return p->mode != (mode_t) -1 || p->uid != (uid_t) -1 || p->gid != (gid_t) -1 ||
               p->label;
}

void perms_format(XmlWriter *w, const Perms *p) {
        if (!perms_is_set(p))
                return;
        xml_writer_printf(w, "<permissions>\n");
        xml_writer_indent(w, 2);
        if (p->mode != (mode_t) -1)
                xml_writer_printf(w, "<mode>0%o</mode>\n", (unsigned) p->mode);
        /* libvirt prints these with %d, so IDs above INT_MAX come out negative and cannot be
         * read back; they are unsigned here (identical output for every other ID). */
        if (p->uid != (uid_t) -1)
                xml_writer_printf(w, "<owner>%u</owner>\n", (unsigned) p->uid);
        if (p->gid != (gid_t) -1)
                xml_writer_printf(w, "<group>%u</group>\n", (unsigned) p->gid);
        xml_writer_escape(w, "<label>%s</label>\n", p->label);
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</permissions>\n");
}

Perms perms_copy(const Perms *p) {
        Perms c = *p;

        c.label = xstrdup(p->label);
        return c;
}

void perms_done(Perms *p) {
        free(p->label);
        *p = PERMS_UNSET;
}
