/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/* Helpers for the watcher tests: a recorder of callbacks, running an sd-event loop until
 * something arrived, and skipping tests that need root. */

#include <stdarg.h>
#include <stdio.h>
#include <systemd/sd-event.h>
#include <time.h>

#include "test-util.h"

/* How long a test waits for an event the kernel has already queued. Generous: CI machines
 * under ASan are slow. */
#define WATCH_TEST_TIMEOUT_USEC (10U * 1000000U)

static inline uint64_t watch_test_now(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000U + (uint64_t) ts.tv_nsec / 1000U;
}

/* Runs the loop until cond holds or the deadline passes; evaluates to cond. */
#define RUN_UNTIL(e, cond)                                                                         \
        ({                                                                                         \
                uint64_t _deadline = watch_test_now() + WATCH_TEST_TIMEOUT_USEC;                   \
                while (!(cond) && watch_test_now() < _deadline)                                    \
                        assert_true(sd_event_run((e), 20000) >= 0);                                \
                (cond);                                                                            \
        })

/* Runs the loop for usec, to show that nothing (more) is reported. */
static inline void run_for(sd_event *e, uint64_t usec) {
        uint64_t deadline = watch_test_now() + usec;

        while (watch_test_now() < deadline)
                assert_true(sd_event_run(e, 10000) >= 0);
}

/* Every callback, as a string ("file autostart/a.xml", "overflow", ...). */
typedef struct Recorder {
        char **events;
        size_t n;
} Recorder;

static inline void recorder_add(Recorder *r, const char *fmt, ...) _printf_(2, 3);
static inline void recorder_add(Recorder *r, const char *fmt, ...) {
        va_list ap;
        char *s;

        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                oom();
        va_end(ap);
        ARRAY_APPEND(r->events, r->n, s);
}

static inline size_t recorder_count(const Recorder *r, const char *event) {
        size_t c = 0;

        for (size_t i = 0; i < r->n; i++)
                c += streq(r->events[i], event);
        return c;
}

static inline bool recorder_has(const Recorder *r, const char *event) {
        return recorder_count(r, event) > 0;
}

static inline void recorder_clear(Recorder *r) {
        for (size_t i = 0; i < r->n; i++)
                free(r->events[i]);
        free(r->events);
        r->events = NULL;
        r->n = 0;
}

/* Prints what was recorded (for failing assertions). */
static inline void recorder_dump(const Recorder *r) {
        for (size_t i = 0; i < r->n; i++)
                print_message("  recorded: %s\n", r->events[i]);
}

#define assert_recorded(r, event)                                                                  \
        do {                                                                                       \
                if (!recorder_has((r), (event))) {                                                 \
                        recorder_dump(r);                                                          \
                        fail_msg("expected callback \"%s\"", (event));                             \
                }                                                                                  \
        } while (0)

#define require_root() test_require(geteuid() == 0, __func__, "needs root")
