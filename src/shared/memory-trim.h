/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <systemd/sd-bus.h>
#include <systemd/sd-event.h>

/* How many volumes make a batch large enough to trim after (a refresh's result, a reply). */
#define MEMORY_TRIM_MIN_ITEMS 10000

/* glibc keeps freed heap for reuse, so after poold frees a large batch (the previous set of
 * 100,000 volume definitions a refresh replaced, a vol-list reply) its RSS stays at the peak
 * (docs/PERFORMANCE.md, 3). This returns it to the kernel with malloc_trim(0) a moment later on
 * e, once whatever the current dispatch frees is free; calls in between coalesce. With bus, the
 * trim waits for that connection's write queue to empty: a large reply is freed only once it is
 * written. A no-op when e is NULL. */
void memory_trim_soon(sd_event *e, sd_bus *bus);
