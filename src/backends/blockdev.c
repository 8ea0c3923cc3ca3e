/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdio.h>
#include <sys/sysmacros.h>

#include "backends/blockdev.h"

bool block_device_has_medium(dev_t rdev) {
        char path[64], buf[32];
        unsigned long long sectors;
        FILE *f;
        bool ok;

        snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/size", major(rdev), minor(rdev));
        f = fopen(path, "re");
        if (!f)
                return true;
        ok = fgets(buf, sizeof(buf), f) && sscanf(buf, "%llu", &sectors) == 1;
        fclose(f);
        return !ok || sectors > 0;
}
