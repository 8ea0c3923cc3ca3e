/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* poolctl status [POOL...]: what virsh cannot say — each pool's phase, why, since when, the
 * next retry and a definition change waiting for the next start. */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cli/client.h"
#include "cli/json-out.h"
#include "cli/table.h"

static const char *format_time(uint64_t usec, char *buf, size_t n) {
        time_t t = (time_t) (usec / 1000000);
        struct tm tm;

        if (usec == 0)
                return "-";
        localtime_r(&t, &tm);
        strftime(buf, n, "%Y-%m-%d %H:%M:%S", &tm);
        return buf;
}

int cmd_status(int argc, char *argv[], const GlobalOptions *g) {
        _cleanup_bus_ sd_bus *bus = NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        const char *name, *phase, *reason, *last_error, *pending;
        uint64_t since, next_retry;
        Table *t;
        int r, shown = 0;

        static const struct option opts[] = { { "json", no_argument, NULL, 'j' }, {} };
        struct json_object *jpools = json_object_new_array();
        bool json = false;

        for (int c; (c = getopt_long(argc, argv, "", opts, NULL)) >= 0;) {
                if (c != 'j') {
                        json_object_put(jpools);
                        return 1;
                }
                json = true;
        }
        if (client_connect(&bus) < 0)
                return 1;
        if (client_call(bus, MANAGER_PATH, MANAGER_IFACE, "GetStatus", &reply,
                        "Failed to get the status", NULL) < 0)
                return 1;
        t = table_new(6, "Name", "Phase", "Since", "Next retry", "Pending", "Reason");
        r = sd_bus_message_enter_container(reply, 'a', "(sssttss)");
        while (r > 0 && (r = sd_bus_message_read(reply, "(sssttss)", &name, &phase, &reason,
                                                 &since, &next_retry, &last_error, &pending)) >
                                0) {
                char b1[32], b2[32];
                bool wanted = optind >= argc;
                _cleanup_free_ char *name_b = NULL, *reason_b = NULL, *last_error_b = NULL;

                client_decode_inplace(&name, &name_b);
                client_decode_inplace(&reason, &reason_b);
                client_decode_inplace(&last_error, &last_error_b);

                for (int i = optind; i < argc; i++)
                        wanted = wanted || streq(argv[i], name);
                if (!wanted)
                        continue;
                if (json) {
                        struct json_object *o = json_object_new_object();
                        json_object_object_add(o, "name", json_str(name));
                        json_object_object_add(o, "phase", json_str(phase));
                        json_object_object_add(o, "reason", *reason ? json_str(reason) : NULL);
                        json_object_object_add(o, "since_usec", json_u64(since));
                        json_object_object_add(o, "next_retry_usec",
                                               next_retry ? json_u64(next_retry) : NULL);
                        json_object_object_add(o, "last_error",
                                               *last_error ? json_str(last_error) : NULL);
                        json_object_object_add(o, "pending_change",
                                               *pending ? json_str(pending) : NULL);
                        json_object_array_add(jpools, o);
                        shown++;
                        continue;
                }
                table_add_row(t, name, phase, format_time(since, b1, sizeof(b1)),
                              format_time(next_retry, b2, sizeof(b2)), *pending ? "yes" : "no",
                              *reason ? reason : "-");
                shown++;
        }
        if (json) {
                struct json_object *o = json_object_new_object();
                json_object_object_add(o, "pools", json_object_get(jpools));
                json_print(o);
        } else {
                table_print(t, stdout, g->quiet);
                client_end(g);
        }
        table_free(t);
        json_object_put(jpools);
        if (r < 0)
                return 1;
        if (optind < argc && shown < argc - optind) {
                fprintf(stderr, "error: some of the pools named are not defined\n");
                return 1;
        }
        return 0;
}
