/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <time.h>

#include "reconcile/job.h"
#include "test-util.h"

typedef struct Data {
        unsigned sleep_ms;
        int result;
        int done_calls;
        int done_r;
        char *done_msg;
        bool *freed;
} Data;

static int work(void *p, Error *err) {
        Data *d = p;
        struct timespec ts = { d->sleep_ms / 1000, (long) (d->sleep_ms % 1000) * 1000000L };

        nanosleep(&ts, NULL);
        if (d->result < 0)
                return error_set_errno(err, d->result, 0, "work failed on purpose");
        return d->result;
}

static void done(void *p, int r, const Error *err) {
        Data *d = p;

        d->done_calls++;
        d->done_r = r;
        if (err && err->message)
                d->done_msg = xstrdup(err->message);
}

static void free_data(void *p) {
        Data *d = p;

        *d->freed = true;
        free(d->done_msg);
        free(d);
}

static Data *data_new(unsigned sleep_ms, int result, bool *freed) {
        Data *d = xcalloc(1, sizeof(*d));

        d->sleep_ms = sleep_ms;
        d->result = result;
        d->freed = freed;
        return d;
}

/* Runs the loop until cond or 5 s. */
static void run_until(sd_event *e, bool *cond) {
        for (int i = 0; i < 500 && !*cond; i++)
                assert_true(sd_event_run(e, 10000) >= 0);
}

static void test_result_arrives_on_the_loop_with_the_error(void **state) {
        sd_event *e = NULL;
        bool freed = false;
        Data *d = data_new(10, -EIO, &freed);
        Job *j;

        assert_int_equal(sd_event_new(&e), 0);
        /* free_data runs when the job ends: look at the result in done(). */
        d->freed = &freed;
        assert_int_equal(job_start(e, "test job", 5 * 1000000ULL, work, done, NULL, d, &j), 0);
        for (int i = 0; i < 500 && d->done_calls == 0; i++)
                assert_true(sd_event_run(e, 10000) >= 0);
        assert_int_equal(d->done_calls, 1);
        assert_int_equal(d->done_r, -EIO);
        assert_string_equal(d->done_msg, "work failed on purpose");
        free(d->done_msg);
        free(d);
        sd_event_unref(e);
}

static void test_timeout_reports_at_once_and_drops_the_late_result(void **state) {
        sd_event *e = NULL;
        bool freed = false;
        Data *d = data_new(600, 0, &freed);

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(job_start(e, "slow job", 100000, work, done, free_data, d, NULL), 0);
        for (int i = 0; i < 100 && d->done_calls == 0; i++)
                assert_true(sd_event_run(e, 10000) >= 0);
        assert_int_equal(d->done_calls, 1);
        assert_int_equal(d->done_r, -ETIMEDOUT);
        assert_string_equal(d->done_msg, "slow job timed out");
        /* the thread finishes later; its result is dropped and the data freed exactly once */
        run_until(e, &freed);
        assert_true(freed);
        sd_event_unref(e);
}

static void test_cancelled_job_never_calls_done(void **state) {
        sd_event *e = NULL;
        bool freed = false;
        Data *d = data_new(50, 0, &freed);
        Job *j;

        assert_int_equal(sd_event_new(&e), 0);
        assert_int_equal(job_start(e, "cancelled", 0, work, done, free_data, d, &j), 0);
        job_cancel(j);
        run_until(e, &freed);
        assert_true(freed);
        sd_event_unref(e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_result_arrives_on_the_loop_with_the_error),
                cmocka_unit_test(test_timeout_reports_at_once_and_drops_the_late_result),
                cmocka_unit_test(test_cancelled_job_never_calls_done),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
