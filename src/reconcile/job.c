/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <pthread.h>
#include <stdatomic.h>
#include <sys/eventfd.h>

#include "reconcile/job.h"
#include "shared/log.h"

struct Job {
        atomic_int refs; /* the thread's and the loop's */
        char *what;
        JobWork work;
        JobDone done;
        JobFree free_data;
        void *data;
        int efd;
        sd_event_source *io, *timer;
        bool finished; /* done() was called or the job was cancelled */
        int r;         /* written by the thread before it signals efd */
        Error err;
};

static void job_unref(Job *j) {
        if (atomic_fetch_sub(&j->refs, 1) != 1)
                return;
        sd_event_source_disable_unref(j->io);
        sd_event_source_disable_unref(j->timer);
        if (j->efd >= 0)
                close(j->efd);
        if (j->free_data)
                j->free_data(j->data);
        error_clear(&j->err);
        free(j->what);
        free(j);
}

/* Stops watching for the result; the loop's reference goes with it. */
static void job_finish(Job *j, int r, const Error *err) {
        if (j->finished)
                return;
        j->finished = true;
        j->io = sd_event_source_disable_unref(j->io);
        j->timer = sd_event_source_disable_unref(j->timer);
        if (j->done)
                j->done(j->data, r, err);
        job_unref(j);
}

static void *job_thread(void *p) {
        Job *j = p;
        uint64_t one = 1;

        j->r = j->work(j->data, &j->err);
        if (write(j->efd, &one, sizeof(one)) < 0)
                log_error_errno(-errno, "Failed to signal the end of job %s: %m", j->what);
        job_unref(j);
        return NULL;
}

static int on_job_done(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Job *j = userdata;
        uint64_t v;

        (void) !read(fd, &v, sizeof(v));
        job_finish(j, j->r, &j->err);
        return 0;
}

static int on_job_timeout(sd_event_source *s, uint64_t usec, void *userdata) {
        Job *j = userdata;
        Error e = ERROR_INIT;

        log_warning("Job %s timed out; abandoning it", j->what);
        error_set_errno(&e, -ETIMEDOUT, 0, "%s timed out", j->what);
        job_finish(j, -ETIMEDOUT, &e);
        error_clear(&e);
        return 0;
}

int job_start(sd_event *event, const char *what, uint64_t timeout_usec, JobWork work,
              JobDone done, JobFree free_data, void *data, Job **ret) {
        pthread_attr_t attr;
        pthread_t tid;
        Job *j;
        int r;

        j = xcalloc(1, sizeof(*j));
        atomic_init(&j->refs, 1);
        j->what = xstrdup(what);
        j->work = work;
        j->done = done;
        j->free_data = free_data;
        j->data = data;
        j->err = ERROR_INIT;
        j->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (j->efd < 0) {
                r = -errno;
                goto fail;
        }
        r = sd_event_add_io(event, &j->io, j->efd, EPOLLIN, on_job_done, j);
        if (r < 0)
                goto fail;
        if (timeout_usec > 0) {
                r = sd_event_add_time_relative(event, &j->timer, CLOCK_MONOTONIC, timeout_usec,
                                               0, on_job_timeout, j);
                if (r < 0)
                        goto fail;
        }

        atomic_fetch_add(&j->refs, 1);
        pthread_attr_init(&attr);
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        r = -pthread_create(&tid, &attr, job_thread, j);
        pthread_attr_destroy(&attr);
        if (r < 0) {
                atomic_fetch_sub(&j->refs, 1);
                goto fail;
        }
        if (ret)
                *ret = j;
        return 0;

fail:
        j->free_data = NULL; /* the caller keeps data on failure */
        j->finished = true;
        job_unref(j);
        return r;
}

void job_cancel(Job *j) {
        if (!j || j->finished)
                return;
        j->done = NULL;
        job_finish(j, -ECANCELED, NULL);
}

const char *job_what(const Job *j) {
        return j->what;
}
