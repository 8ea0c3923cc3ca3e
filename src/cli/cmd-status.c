/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* poolctl status [POOL...]: what virsh cannot say — each pool's phase, why, since when, the
 * next retry and a definition change waiting for the next start. */
#include <getopt.h>
#include <stdio.h>
#include <time.h>

#include "cli/client.h"
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

        if (getopt_long(argc, argv, "", (struct option[]){ {} }, NULL) >= 0)
                return 1;
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

                for (int i = optind; i < argc; i++)
                        wanted = wanted || streq(argv[i], name);
                if (!wanted)
                        continue;
                table_add_row(t, name, phase, format_time(since, b1, sizeof(b1)),
                              format_time(next_retry, b2, sizeof(b2)), *pending ? "yes" : "no",
                              *reason ? reason : "-");
                shown++;
        }
        table_print(t, stdout, g->quiet);
        table_free(t);
        client_end(g);
        if (r < 0)
                return 1;
        if (optind < argc && shown < argc - optind) {
                fprintf(stderr, "error: some of the pools named are not defined\n");
                return 1;
        }
        return 0;
}
