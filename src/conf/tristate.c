/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "conf/tristate.h"
#include "shared/xml-read.h"

const char *tristate_to_string(Tristate t) {
        switch (t) {
        case TRISTATE_YES: return "yes";
        case TRISTATE_NO: return "no";
        default: return "absent";
        }
}

int tristate_parse_prop(const xmlNode *node, const char *name, Tristate *ret, Error *err) {
        _cleanup_free_ char *v = xml_prop(node, name);

        if (!v)
                *ret = TRISTATE_ABSENT;
        else if (streq(v, "yes"))
                *ret = TRISTATE_YES;
        else if (streq(v, "no"))
                *ret = TRISTATE_NO;
        else
                return error_set(err, xml_line(node),
                                 "invalid value '%s' for attribute '%s' of <%s>: expected yes or no",
                                 v, name, xml_name(node));
        return 0;
}
