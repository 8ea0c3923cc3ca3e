/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <systemd/sd-event.h>

#include "shared/error.h"

/* Blocking storage work (a mount that hangs, mkfs, scanning 100,000 files) never runs on the
 * event loop. A job runs its work() in a thread of its own; its done() runs on the loop with
 * the result. A job that overruns its timeout is reported at once (done() gets -ETIMEDOUT);
 * its thread cannot be killed, so it is abandoned: its late result is dropped and its data
 * freed by whichever side finishes last. */

typedef struct Job Job;

/* Runs in the job's thread: may block; must not touch the loop or shared state. */
typedef int (*JobWork)(void *data, Error *err);
/* Runs on the loop once work() returned, or when the timeout fired (r = -ETIMEDOUT). */
typedef void (*JobDone)(void *data, int r, const Error *err);
/* Frees data, once neither side needs it any more. */
typedef void (*JobFree)(void *data);

/* Starts a job. what names it in logs and timeout messages ("start of pool 'x'"). */
int job_start(sd_event *event, const char *what, uint64_t timeout_usec, JobWork work,
              JobDone done, JobFree free_data, void *data, Job **ret);

/* Forgets a job's result: done() will not be called (the caller went away). */
void job_cancel(Job *j);

const char *job_what(const Job *j);
