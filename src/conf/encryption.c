/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/encryption.h"
#include "conf/pool-types.h"
#include "shared/size.h"
#include "shared/xml-read.h"

static const char *const encryption_formats[] = {
        "default", "qcow", "luks", "luks2", "luks-any", NULL,
};
static const char *const encryption_engines[] = { "default", "qemu", "librbd", NULL };

const char *encryption_format_to_string(EncryptionFormat f) {
        return f >= 0 && f < _ENCRYPTION_FORMAT_MAX ? encryption_formats[f] : NULL;
}

static int parse_secret(const xmlNode *node, Encryption *e, Error *err) {
        _cleanup_free_ char *type = xml_prop(node, "type");
        SecretRef s;
        int r;

        if (!type)
                return error_set(err, xml_line(node),
                                 "encryption <secret> is missing its 'type' attribute");
        if (!streq(type, "passphrase"))
                return error_set(err, xml_line(node),
                                 "unknown encryption secret type '%s' (expected passphrase)",
                                 type);
        r = secret_ref_parse(node, &s, err);
        if (r < 0)
                return r;
        s.type = TAKE_PTR(type);
        ARRAY_APPEND(e->secrets, e->n_secrets, s);
        return 0;
}

static int parse_cipher(const xmlNode *node, Encryption *e, Error *err) {
        _cleanup_free_ char *size = NULL;
        uint64_t v;
        int line = xml_line(node);

        e->cipher_name = xml_prop(node, "name");
        if (isempty(e->cipher_name))
                return error_set(err, line, "<cipher> is missing its 'name' attribute");
        size = xml_prop(node, "size");
        if (!size)
                return error_set(err, line, "<cipher> is missing its 'size' attribute");
        if (parse_uint64(size, &v) < 0 || v > UINT32_MAX)
                return error_set(err, line, "invalid cipher size '%s'", size);
        e->cipher_size = (unsigned) v;
        e->cipher_mode = xml_prop(node, "mode");
        e->cipher_hash = xml_prop(node, "hash");
        return 0;
}

static int parse_ivgen(const xmlNode *node, Encryption *e, Error *err) {
        e->ivgen_name = xml_prop(node, "name");
        if (isempty(e->ivgen_name))
                return error_set(err, xml_line(node), "<ivgen> is missing its 'name' attribute");
        e->ivgen_hash = xml_prop(node, "hash");
        return 0;
}

static int encryption_parse_into(const xmlNode *node, Encryption *e, Error *err) {
        _cleanup_free_ char *format = xml_prop(node, "format");
        _cleanup_free_ char *engine = xml_prop(node, "engine");
        int line = xml_line(node), v, r;
        xmlNode *c;

        if (!format)
                return error_set(err, line, "<encryption> is missing its 'format' attribute");
        v = string_table_lookup(encryption_formats, format);
        if (v < 0)
                return error_set(err, line,
                                 "unknown encryption format '%s' (expected default, qcow, luks, "
                                 "luks2 or luks-any)",
                                 format);
        e->format = (EncryptionFormat) v;
        if (engine) {
                v = string_table_lookup(encryption_engines, engine);
                if (v < 0)
                        return error_set(err, line,
                                         "unknown encryption engine '%s' (expected qemu or librbd)",
                                         engine);
                e->engine = (EncryptionEngine) v;
        }
        XML_FOREACH_CHILD(s, node, "secret") {
                r = parse_secret(s, e, err);
                if (r < 0)
                        return r;
        }
        if (e->format == ENCRYPTION_LUKS) {
                c = xml_child(node, "cipher");
                if (c && (r = parse_cipher(c, e, err)) < 0)
                        return r;
                c = xml_child(node, "ivgen");
                if (c && (r = parse_ivgen(c, e, err)) < 0)
                        return r;
        }
        return 0;
}

int encryption_parse(const xmlNode *node, Encryption **ret, Error *err) {
        Encryption *e = xcalloc(1, sizeof(*e));
        int r;

        r = encryption_parse_into(node, e, err);
        if (r < 0) {
                encryption_free(e);
                return r;
        }
        *ret = e;
        return 0;
}

void encryption_format(XmlWriter *w, const Encryption *e) {
        xml_writer_printf(w, "<encryption format='%s'", encryption_formats[e->format]);
        if (e->engine != ENCRYPTION_ENGINE_DEFAULT)
                xml_writer_printf(w, " engine='%s'", encryption_engines[e->engine]);
        xml_writer_printf(w, ">\n");
        xml_writer_indent(w, 2);
        for (size_t i = 0; i < e->n_secrets; i++)
                secret_ref_format(w, &e->secrets[i]);
        if (e->format == ENCRYPTION_LUKS && (e->cipher_name || e->ivgen_name)) {
                if (e->cipher_name) {
                        xml_writer_escape(w, "<cipher name='%s'", e->cipher_name);
                        xml_writer_printf(w, " size='%u'", e->cipher_size);
                        xml_writer_escape(w, " mode='%s'", e->cipher_mode);
                        xml_writer_escape(w, " hash='%s'", e->cipher_hash);
                        xml_writer_printf(w, "/>\n");
                }
                if (e->ivgen_name) {
                        xml_writer_escape(w, "<ivgen name='%s'", e->ivgen_name);
                        xml_writer_escape(w, " hash='%s'", e->ivgen_hash);
                        xml_writer_printf(w, "/>\n");
                }
        }
        xml_writer_indent(w, -2);
        xml_writer_printf(w, "</encryption>\n");
}

Encryption *encryption_copy(const Encryption *e) {
        Encryption *c;

        if (!e)
                return NULL;
        c = xmalloc(sizeof(*c));
        *c = *e;
        c->secrets = e->n_secrets ? xcalloc(e->n_secrets, sizeof(SecretRef)) : NULL;
        for (size_t i = 0; i < e->n_secrets; i++)
                secret_ref_copy(&c->secrets[i], &e->secrets[i]);
        c->cipher_name = xstrdup(e->cipher_name);
        c->cipher_mode = xstrdup(e->cipher_mode);
        c->cipher_hash = xstrdup(e->cipher_hash);
        c->ivgen_name = xstrdup(e->ivgen_name);
        c->ivgen_hash = xstrdup(e->ivgen_hash);
        return c;
}

void encryption_free(Encryption *e) {
        if (!e)
                return;
        for (size_t i = 0; i < e->n_secrets; i++)
                secret_ref_done(&e->secrets[i]);
        free(e->secrets);
        free(e->cipher_name);
        free(e->cipher_mode);
        free(e->cipher_hash);
        free(e->ivgen_name);
        free(e->ivgen_hash);
        free(e);
}
