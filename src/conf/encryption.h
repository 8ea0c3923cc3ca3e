/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libxml/tree.h>

#include "conf/secret.h"

/* <encryption format=...> of a volume: its passphrase secrets and, for LUKS, the cipher and
 * IV generator. */
typedef enum EncryptionFormat {
        ENCRYPTION_DEFAULT,
        ENCRYPTION_QCOW,
        ENCRYPTION_LUKS,
        ENCRYPTION_LUKS2,
        ENCRYPTION_LUKS_ANY,
        _ENCRYPTION_FORMAT_MAX,
} EncryptionFormat;

typedef enum EncryptionEngine {
        ENCRYPTION_ENGINE_DEFAULT,
        ENCRYPTION_ENGINE_QEMU,
        ENCRYPTION_ENGINE_LIBRBD,
        _ENCRYPTION_ENGINE_MAX,
} EncryptionEngine;

typedef struct Encryption {
        EncryptionFormat format;
        EncryptionEngine engine;
        SecretRef *secrets; /* each with type "passphrase" */
        size_t n_secrets;
        char *cipher_name;
        unsigned cipher_size;
        char *cipher_mode, *cipher_hash;
        char *ivgen_name, *ivgen_hash;
} Encryption;

int encryption_parse(const xmlNode *node, Encryption **ret, Error *err);
void encryption_format(XmlWriter *w, const Encryption *e);
/* A deep copy; NULL for NULL. */
Encryption *encryption_copy(const Encryption *e);
void encryption_free(Encryption *e);
const char *encryption_format_to_string(EncryptionFormat f);
