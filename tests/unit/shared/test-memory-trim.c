/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <time.h>

#include "test-util.h"

#include "shared/memory-trim.h"

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000 + (uint64_t) ts.tv_nsec / 1000;
}

/* Requests coalesce into one trim, run by the loop a moment later, and nothing stays armed. */
static void test_trims_coalesce_into_one_run_on_the_loop(void **state) {
        sd_event *e = NULL;
        uint64_t t0;

        assert_int_equal(sd_event_new(&e), 0);
        t0 = now_usec();
        memory_trim_soon(e, NULL);
        memory_trim_soon(e, NULL);
        assert_true(sd_event_run(e, 2000000) > 0);
        assert_true(now_usec() - t0 >= 10000); /* not at once: after the current dispatch */
        assert_int_equal(sd_event_run(e, 0), 0);
        /* and it can be asked for again */
        memory_trim_soon(e, NULL);
        assert_true(sd_event_run(e, 2000000) > 0);
        assert_int_equal(sd_event_run(e, 0), 0);
        sd_event_unref(e);
}

/* A loop freed with a trim pending takes the trim with it; a new loop gets its own. */
static void test_a_loop_freed_with_a_trim_pending_leaves_nothing_behind(void **state) {
        sd_event *e = NULL;

        assert_int_equal(sd_event_new(&e), 0);
        memory_trim_soon(e, NULL);
        sd_event_unref(e);
        e = NULL;
        assert_int_equal(sd_event_new(&e), 0);
        memory_trim_soon(e, NULL);
        assert_true(sd_event_run(e, 2000000) > 0);
        sd_event_unref(e);
        memory_trim_soon(NULL, NULL); /* no loop: nothing */
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_trims_coalesce_into_one_run_on_the_loop),
                cmocka_unit_test(test_a_loop_freed_with_a_trim_pending_leaves_nothing_behind),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
