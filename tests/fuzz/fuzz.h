/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "shared/macros.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A finding: print it and abort, so libFuzzer saves the input. */
static inline _noreturn_ void fuzz_fail2(const char *what, const char *a, const char *b) {
        fprintf(stderr, "FUZZ FAILURE: %s\n--- a\n%s\n--- b\n%s\n", what, a ? a : "(null)",
                b ? b : "(null)");
        abort();
}

static inline _noreturn_ void fuzz_fail(const char *what) {
        fuzz_fail2(what, NULL, NULL);
}
