/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* poolctl wait POOL... [--timeout SEC]: returns 0 once every named pool is running (for
 * units that need a pool, poold-wait@.service, and scripts). Watches PhaseChanged signals,
 * so it reacts at once; checks the current state first so nothing is missed. */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cli/client.h"
#include "shared/size.h"

typedef struct WaitState {
        char **names;
        size_t n;
        bool *running;
        bool changed;
} WaitState;

static bool all_running(const WaitState *w) {
        for (size_t i = 0; i < w->n; i++)
                if (!w->running[i])
                        return false;
        return true;
}

static void note(WaitState *w, const char *name, const char *phase) {
        for (size_t i = 0; i < w->n; i++)
                if (streq(w->names[i], name))
                        w->running[i] = streq(phase, "running");
}

static int on_phase_changed(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        WaitState *w = userdata;
        const char *name, *phase, *reason;

        if (sd_bus_message_read(m, "sss", &name, &phase, &reason) >= 0) {
                _cleanup_free_ char *pool = client_decode(name);
                note(w, pool, phase);
                w->changed = true;
        }
        return 0;
}

/* The current phase of every pool; an unknown pool name is an error. */
static int read_phases(sd_bus *bus, WaitState *w) {
        _cleanup_msg_ sd_bus_message *reply = NULL;
        const char *name, *uuid, *type, *phase;
        int active, autostart, persistent, r;
        uint64_t c, a, v;
        bool *known = xcalloc(w->n, sizeof(bool));

        r = client_call(bus, MANAGER_PATH, MANAGER_IFACE, "ListPools", &reply,
                        "Failed to list pools", NULL);
        if (r >= 0)
                r = sd_bus_message_enter_container(reply, 'a', "(sssbbbsttt)");
        while (r > 0 && (r = sd_bus_message_read(reply, "(sssbbbsttt)", &name, &uuid, &type,
                                                 &active, &autostart, &persistent, &phase, &c,
                                                 &a, &v)) > 0) {
                _cleanup_free_ char *pool = client_decode(name);

                for (size_t i = 0; i < w->n; i++)
                        if (streq(w->names[i], pool) || streq(w->names[i], uuid)) {
                                known[i] = true;
                                w->running[i] = streq(phase, "running");
                                free(w->names[i]);
                                w->names[i] = xstrdup(pool); /* signals carry names */
                        }
        }
        for (size_t i = 0; r >= 0 && i < w->n; i++)
                if (!known[i]) {
                        fprintf(stderr, "error: failed to get pool '%s'\nerror: Storage pool not "
                                        "found: no storage pool with matching name '%s'\n",
                                w->names[i], w->names[i]);
                        r = -ENOENT;
                }
        free(known);
        return r;
}

static uint64_t now_usec(void) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000000ULL + (uint64_t) ts.tv_nsec / 1000;
}

int cmd_wait(int argc, char *argv[], const GlobalOptions *g) {
        static const struct option opts[] = { { "timeout", required_argument, NULL, 't' }, {} };
        _cleanup_bus_ sd_bus *bus = NULL;
        uint64_t timeout = UINT64_MAX, deadline, seconds;
        WaitState w = {};
        int c, r, ret = 1;

        while ((c = getopt_long(argc, argv, "", opts, NULL)) >= 0)
                switch (c) {
                case 't':
                        if (parse_uint64(optarg, &seconds) < 0 || seconds > UINT64_MAX / 1000000) {
                                fprintf(stderr, "error: invalid --timeout '%s'\n", optarg);
                                return 1;
                        }
                        timeout = seconds * 1000000ULL;
                        break;
                default: return 1;
                }
        if (optind >= argc) {
                fprintf(stderr, "error: wait: expected POOL...\n");
                return 1;
        }
        w.n = (size_t) (argc - optind);
        w.names = xcalloc(w.n, sizeof(char *));
        w.running = xcalloc(w.n, sizeof(bool));
        for (size_t i = 0; i < w.n; i++)
                w.names[i] = xstrdup(argv[optind + (int) i]);

        if (client_connect(&bus) < 0)
                goto out;
        /* Subscribe first, then look: a change in between is not lost. */
        r = sd_bus_match_signal(bus, NULL, NULL, MANAGER_PATH, MANAGER_IFACE, "PhaseChanged",
                                on_phase_changed, &w);
        if (r < 0 || read_phases(bus, &w) < 0)
                goto out;
        deadline = timeout == UINT64_MAX ? UINT64_MAX : now_usec() + timeout;
        while (!all_running(&w)) {
                uint64_t now = now_usec();

                if (now >= deadline) {
                        for (size_t i = 0; i < w.n; i++)
                                if (!w.running[i])
                                        fprintf(stderr, "error: pool '%s' is not running after "
                                                        "%llu s\n",
                                                w.names[i], (unsigned long long) (timeout / 1000000));
                        goto out;
                }
                r = sd_bus_process(bus, NULL);
                if (r < 0) {
                        fprintf(stderr, "error: lost the connection to poold: %s\n",
                                strerror(-r));
                        goto out;
                }
                if (r > 0)
                        continue;
                r = sd_bus_wait(bus, deadline == UINT64_MAX ? UINT64_MAX : deadline - now);
                if (r < 0 && r != -EINTR) {
                        fprintf(stderr, "error: %s\n", strerror(-r));
                        goto out;
                }
        }
        ret = 0;
out:
        for (size_t i = 0; i < w.n; i++)
                free(w.names[i]);
        free(w.names);
        free(w.running);
        return ret;
}
