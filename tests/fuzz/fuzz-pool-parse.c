/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the pool parser. Whatever parses must format, and the formatted text must
 * parse again to the same text (the canonical form is a fixed point). */
#include <stdio.h>

#include "conf/pool-def.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_error_ Error err = ERROR_INIT, err2 = ERROR_INIT;
        _cleanup_pool_def_ PoolDef *def = NULL, *again = NULL;
        _cleanup_free_ char *xml = NULL, *xml2 = NULL;

        if (pool_def_parse_string((const char *) data, size, &def, &err) < 0) {
                if (!err.message)
                        fuzz_fail("parse failed without a message");
                return 0;
        }
        xml = pool_def_format(def, NULL);
        if (pool_def_parse_string(xml, strlen(xml), &again, &err2) < 0)
                fuzz_fail2("canonical output does not parse again", xml, err2.message);
        xml2 = pool_def_format(again, NULL);
        if (!streq(xml, xml2))
                fuzz_fail2("canonical output is not a fixed point", xml, xml2);
        return 0;
}
