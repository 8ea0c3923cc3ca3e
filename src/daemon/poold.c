/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "daemon/daemon.h"
#include "shared/log.h"
#include "shared/size.h"

#define USEC_PER_SEC 1000000ULL

static void help(void) {
        printf("Usage: poold [OPTIONS]\n\n"
               "Keeps storage pools in the state their definitions declare.\n\n"
               "  -h --help                    show this help\n"
               "     --version                 show the version\n"
               "     --definitions-dir=DIR     pool definitions (default %s)\n"
               "     --runtime-dir=DIR         runtime state and the control socket\n"
               "                               (default $POOLD_RUNTIME_DIR, else %s)\n"
               "     --resync-interval=SEC     periodic full resync, randomized ±20%%\n"
               "                               (default 300; 0 disables it)\n"
               "     --job-timeout=SEC         longest a start, stop or refresh may take (300)\n"
               "     --device-debounce=SEC     how long a running pool's device may be gone\n"
               "                               before the pool stops (default 2; decimals ok)\n"
               "     --udev-tag=TAG            only block devices udev tagged TAG (the\n"
               "                               installed rules tag them 'poold')\n"
               "     --udev-buffer=BYTES       the udev monitor's receive buffer (128M)\n"
               "     --log-level=LEVEL         err, warning, notice, info, debug\n",
               DEFINITIONS_DIR, RUNTIME_DIR);
}

/* Seconds with an optional decimal part ("2", "0.25"), to microseconds. */
static int parse_decimal_seconds(const char *s, uint64_t *ret) {
        uint64_t whole = 0, frac = 0, scale = USEC_PER_SEC;
        const char *p = s;

        if (!*p)
                return -EINVAL;
        for (; *p >= '0' && *p <= '9'; p++) {
                whole = whole * 10 + (uint64_t) (*p - '0');
                if (whole > 1000000)
                        return -ERANGE;
        }
        if (*p == '.') {
                p++;
                if (!(*p >= '0' && *p <= '9'))
                        return -EINVAL;
                for (; *p >= '0' && *p <= '9'; p++)
                        if (scale > 1) {
                                scale /= 10;
                                frac += (uint64_t) (*p - '0') * scale;
                        }
        }
        if (*p || p == s)
                return -EINVAL;
        *ret = whole * USEC_PER_SEC + frac;
        return 0;
}

static int parse_seconds(const char *s, uint64_t *ret) {
        uint64_t v;

        if (parse_uint64(s, &v) < 0 || v > UINT64_MAX / USEC_PER_SEC)
                return -EINVAL;
        *ret = v * USEC_PER_SEC;
        return 0;
}

int main(int argc, char *argv[]) {
        enum { ARG_VERSION = 0x100, ARG_DEFS, ARG_RUNTIME, ARG_RESYNC, ARG_TIMEOUT, ARG_LOG,
               ARG_DEBOUNCE, ARG_UDEV_TAG, ARG_UDEV_BUFFER };
        static const struct option options[] = {
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, ARG_VERSION },
                { "definitions-dir", required_argument, NULL, ARG_DEFS },
                { "runtime-dir", required_argument, NULL, ARG_RUNTIME },
                { "resync-interval", required_argument, NULL, ARG_RESYNC },
                { "job-timeout", required_argument, NULL, ARG_TIMEOUT },
                { "log-level", required_argument, NULL, ARG_LOG },
                { "device-debounce", required_argument, NULL, ARG_DEBOUNCE },
                { "udev-tag", required_argument, NULL, ARG_UDEV_TAG },
                { "udev-buffer", required_argument, NULL, ARG_UDEV_BUFFER },
                {},
        };
        const char *env_rt = getenv("POOLD_RUNTIME_DIR");
        DaemonConfig cfg = {
                .definitions_dir = (char *) DEFINITIONS_DIR,
                .runtime_dir = (char *) (isempty(env_rt) ? RUNTIME_DIR : env_rt),
                .reconciler = {
                        .job_timeout_usec = 300 * USEC_PER_SEC,
                        .retry_min_usec = 1 * USEC_PER_SEC,
                        .retry_max_usec = 300 * USEC_PER_SEC,
                        .resync_usec = 300 * USEC_PER_SEC,
                        .device_debounce_usec = 2 * USEC_PER_SEC,
                },
        };
        Daemon *d = NULL;
        int c, r;

        log_setup("poold");
        while ((c = getopt_long(argc, argv, "h", options, NULL)) >= 0) {
                switch (c) {
                case 'h': help(); return 0;
                case ARG_VERSION: printf("poold %s\n", PACKAGE_VERSION); return 0;
                case ARG_DEFS: cfg.definitions_dir = optarg; break;
                case ARG_RUNTIME: cfg.runtime_dir = optarg; break;
                case ARG_RESYNC:
                        if (parse_seconds(optarg, &cfg.reconciler.resync_usec) < 0) {
                                log_error("Invalid --resync-interval '%s'", optarg);
                                return 1;
                        }
                        break;
                case ARG_TIMEOUT:
                        if (parse_seconds(optarg, &cfg.reconciler.job_timeout_usec) < 0 ||
                            cfg.reconciler.job_timeout_usec == 0) {
                                log_error("Invalid --job-timeout '%s'", optarg);
                                return 1;
                        }
                        break;
                case ARG_DEBOUNCE:
                        if (parse_decimal_seconds(optarg, &cfg.reconciler.device_debounce_usec) <
                            0) {
                                log_error("Invalid --device-debounce '%s'", optarg);
                                return 1;
                        }
                        break;
                case ARG_UDEV_TAG:
                        if (isempty(optarg)) {
                                log_error("Invalid --udev-tag ''");
                                return 1;
                        }
                        cfg.udev_tag = optarg;
                        break;
                case ARG_UDEV_BUFFER: {
                        uint64_t v;
                        size_t digits = strspn(optarg, "0123456789");
                        _cleanup_free_ char *number = xstrndup(optarg, digits);
                        if (digits == 0 ||
                            size_parse(number, optarg + digits, INT32_MAX, &v) < 0 || v == 0) {
                                log_error("Invalid --udev-buffer '%s'", optarg);
                                return 1;
                        }
                        cfg.udev_receive_buffer = (size_t) v;
                        break;
                }
                case ARG_LOG:
                        r = log_level_from_string(optarg);
                        if (r < 0) {
                                log_error("Invalid --log-level '%s'", optarg);
                                return 1;
                        }
                        log_set_max_level(r);
                        break;
                default: return 1;
                }
        }
        if (optind < argc) {
                log_error("Unexpected argument '%s'", argv[optind]);
                return 1;
        }

        r = daemon_new(&cfg, &d);
        if (r < 0) {
                log_error_errno(r, "Failed to start: %m");
                return 1;
        }
        log_info("poold %s: definitions in %s, runtime state in %s", PACKAGE_VERSION,
                 cfg.definitions_dir, cfg.runtime_dir);
        r = daemon_run(d);
        daemon_free(d);
        return r < 0 ? 1 : 0;
}
