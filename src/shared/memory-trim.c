/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <malloc.h>

#include "shared/log.h"
#include "shared/memory-trim.h"

#define TRIM_DELAY_USEC (20 * 1000)

/* One trim timer for the process (malloc's heap is the process's), made on first use and
 * re-armed after: it floats, so the loop owns it and frees it with itself, and its destroy
 * callback forgets it. Armed (SD_EVENT_ONESHOT) means a trim is pending. */
static sd_event_source *trim_source;
static sd_bus *trim_bus; /* whose write queue the pending trim waits for, if any */

static void trim_source_destroyed(void *userdata) {
        trim_source = NULL;
        trim_bus = sd_bus_unref(trim_bus);
}

static int trim_arm(void) {
        int r = sd_event_source_set_time_relative(trim_source, TRIM_DELAY_USEC);

        if (r < 0)
                return r;
        return sd_event_source_set_enabled(trim_source, SD_EVENT_ONESHOT);
}

static int on_trim(sd_event_source *s, uint64_t usec, void *userdata) {
        uint64_t queued = 0;

        if (trim_bus && sd_bus_get_n_queued_write(trim_bus, &queued) >= 0 && queued > 0 &&
            trim_arm() >= 0)
                return 0;
        trim_bus = sd_bus_unref(trim_bus);
        malloc_trim(0);
        return 0;
}

static int trim_source_new(sd_event *e) {
        _cleanup_(sd_event_source_unrefp) sd_event_source *s = NULL;
        int r;

        r = sd_event_add_time_relative(e, &s, CLOCK_MONOTONIC, TRIM_DELAY_USEC, 0, on_trim, NULL);
        if (r < 0)
                return r;
        r = sd_event_source_set_destroy_callback(s, trim_source_destroyed);
        if (r < 0)
                return r;
        r = sd_event_source_set_floating(s, true);
        if (r < 0)
                return r;
        trim_source = s; /* borrowed: the loop holds it */
        return 0;
}

void memory_trim_soon(sd_event *e, sd_bus *bus) {
        int enabled = SD_EVENT_OFF, r;

        if (!e)
                return;
        if (trim_source && sd_event_source_get_event(trim_source) != e) {
                malloc_trim(0); /* another loop's: not poold's case */
                return;
        }
        if (bus && !trim_bus)
                trim_bus = sd_bus_ref(bus);
        if (!trim_source)
                r = trim_source_new(e);
        else if (sd_event_source_get_enabled(trim_source, &enabled) >= 0 && enabled != SD_EVENT_OFF)
                return; /* pending: this one joins it */
        else
                r = trim_arm();
        if (r < 0) {
                log_debug_errno(r, "Cannot schedule a heap trim, trimming now: %m");
                trim_bus = sd_bus_unref(trim_bus);
                malloc_trim(0);
        }
}
