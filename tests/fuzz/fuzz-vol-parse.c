/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* libFuzzer target: the volume parser. The first byte picks the pool type whose context the
 * volume is parsed in; the rest is the XML. Parsed volumes must round-trip like pools. */
#include <stdio.h>

#include "conf/vol-def.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_error_ Error err = ERROR_INIT, err2 = ERROR_INIT;
        _cleanup_vol_def_ VolDef *def = NULL, *again = NULL;
        _cleanup_free_ char *xml = NULL, *xml2 = NULL;
        PoolType type;

        if (size < 1)
                return 0;
        type = (PoolType) (data[0] % _POOL_TYPE_MAX);
        if (vol_def_parse_string((const char *) data + 1, size - 1, type, VOL_PARSE_OPT_CAPACITY,
                                 &def, &err) < 0) {
                if (!err.message)
                        fuzz_fail("parse failed without a message");
                return 0;
        }
        xml = vol_def_format(def, type);
        if (vol_def_parse_string(xml, strlen(xml), type, VOL_PARSE_OPT_CAPACITY, &again, &err2) <
            0)
                fuzz_fail2("canonical output does not parse again", xml, err2.message);
        xml2 = vol_def_format(again, type);
        if (!streq(xml, xml2))
                fuzz_fail2("canonical output is not a fixed point", xml, xml2);
        return 0;
}
