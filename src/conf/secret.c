/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/pool-types.h"
#include "conf/secret.h"
#include "shared/uuid-util.h"
#include "shared/xml-read.h"

static const char *const auth_types[] = { "none", "chap", "ceph", NULL };

const char *auth_type_to_string(AuthType t) {
        return t >= 0 && t < _AUTH_TYPE_MAX ? auth_types[t] : NULL;
}

AuthType auth_type_from_string(const char *s) {
        return (AuthType) string_table_lookup(auth_types, s);
}

int secret_ref_parse(const xmlNode *node, SecretRef *ret, Error *err) {
        _cleanup_free_ char *uuid = NULL, *usage = NULL;
        SecretRef s = {};
        int line = xml_line(node);

        uuid = xml_prop(node, "uuid");
        usage = xml_prop(node, "usage");
        if (!uuid && !usage)
                return error_set(err, line, "<secret> needs a 'uuid' or a 'usage' attribute");
        if (uuid && usage)
                return error_set(err, line,
                                 "<secret> takes a 'uuid' or a 'usage' attribute, not both");
        if (uuid) {
                if (uuid_parse_lenient(uuid, s.uuid) < 0)
                        return error_set(err, line, "invalid secret uuid '%s'", uuid);
                s.has_uuid = true;
        } else if (isempty(usage))
                return error_set(err, line, "<secret> has an empty 'usage' attribute");

        s.usage = TAKE_PTR(usage);
        *ret = s;
        return 0;
}

void secret_ref_format(XmlWriter *w, const SecretRef *s) {
        char buf[UUID_STRING_MAX];

        xml_writer_printf(w, "<secret");
        xml_writer_escape(w, " type='%s'", s->type);
        if (s->has_uuid)
                xml_writer_printf(w, " uuid='%s'/>\n", uuid_format(s->uuid, buf));
        else if (s->usage)
                xml_writer_escape(w, " usage='%s'/>\n", s->usage);
        else
                xml_writer_printf(w, "/>\n");
}

void secret_ref_copy(SecretRef *dst, const SecretRef *src) {
        *dst = *src;
        dst->type = xstrdup(src->type);
        dst->usage = xstrdup(src->usage);
}

void secret_ref_done(SecretRef *s) {
        free(s->type);
        free(s->usage);
        *s = (SecretRef){};
}

int auth_parse(const xmlNode *node, Auth **ret, Error *err) {
        _cleanup_free_ char *type = NULL;
        Auth *a;
        xmlNode *secret;
        int line = xml_line(node), r;

        type = xml_prop(node, "type");
        if (!type)
                return error_set(err, line, "<auth> is missing its 'type' attribute");
        a = xcalloc(1, sizeof(*a));
        a->type = auth_type_from_string(type);
        if ((int) a->type < 0 || a->type == AUTH_NONE) {
                auth_free(a);
                return error_set(err, line, "unknown auth type '%s' (expected chap or ceph)",
                                 type);
        }
        a->username = xml_prop(node, "username");
        if (isempty(a->username)) {
                auth_free(a);
                return error_set(err, line, "<auth> is missing its 'username' attribute");
        }
        secret = xml_child(node, "secret");
        if (!secret) {
                auth_free(a);
                return error_set(err, line, "<auth> is missing its <secret> element");
        }
        r = secret_ref_parse(secret, &a->secret, err);
        if (r < 0) {
                auth_free(a);
                return r;
        }
        a->secret.type = xml_prop(secret, "type");
        *ret = a;
        return 0;
}

void auth_format(XmlWriter *w, const Auth *a) {
        xml_writer_printf(w, "<auth type='%s' ", auth_type_to_string(a->type));
        xml_writer_escape(w, "username='%s'>\n", a->username);
        xml_writer_indent(w, 2);
        secret_ref_format(w, &a->secret);
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</auth>\n");
}

void auth_free(Auth *a) {
        if (!a)
                return;
        free(a->username);
        secret_ref_done(&a->secret);
        free(a);
}
