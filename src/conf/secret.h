/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>
#include <stdint.h>

#include "shared/error.h"
#include "shared/xml-writer.h"

/* A reference to a libvirt secret, by UUID or by usage: <secret [type=] uuid=|usage=/>. */
typedef struct SecretRef {
        char *type; /* the optional type attribute, kept as written */
        bool has_uuid;
        uint8_t uuid[16];
        char *usage;
} SecretRef;

int secret_ref_parse(const xmlNode *node, SecretRef *ret, Error *err);
void secret_ref_format(XmlWriter *w, const SecretRef *s);
/* A deep copy of src into dst (which holds nothing). */
void secret_ref_copy(SecretRef *dst, const SecretRef *src);
void secret_ref_done(SecretRef *s);

/* <auth type='chap|ceph' username='...'><secret .../></auth> of a pool source. */
typedef enum AuthType {
        AUTH_NONE,
        AUTH_CHAP,
        AUTH_CEPH,
        _AUTH_TYPE_MAX,
} AuthType;

typedef struct Auth {
        AuthType type;
        char *username;
        SecretRef secret;
} Auth;

int auth_parse(const xmlNode *node, Auth **ret, Error *err);
void auth_format(XmlWriter *w, const Auth *a);
void auth_free(Auth *a);
const char *auth_type_to_string(AuthType t);
AuthType auth_type_from_string(const char *s);
