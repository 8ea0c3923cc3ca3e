/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "cli/client.h"
#include "shared/macros.h"
#include "shared/name-escape.h"
#include "shared/path.h"

int client_connect(sd_bus **ret) {
        const char *rt = getenv("POOLD_RUNTIME_DIR");
        _cleanup_free_ char *sock = path_join(isempty(rt) ? RUNTIME_DIR : rt, "control");
        _cleanup_free_ char *addr = NULL;
        sd_bus *bus = NULL;
        int r;

        /* D-Bus addresses escape their values; our paths need no escaping but ',' ';' '='. */
        if (strpbrk(sock, ",;=%")) {
                fprintf(stderr, "error: unusable runtime directory path '%s'\n", sock);
                return -EINVAL;
        }
        addr = xasprintf("unix:path=%s", sock);
        if ((r = sd_bus_new(&bus)) < 0 || (r = sd_bus_set_address(bus, addr)) < 0 ||
            (r = sd_bus_start(bus)) < 0) {
                fprintf(stderr,
                        "error: failed to connect to poold\n"
                        "error: cannot connect to %s: %s (is poold running?)\n",
                        sock, strerror(-r));
                sd_bus_unref(bus);
                return r;
        }
        *ret = bus;
        return 0;
}

void client_error(const char *context, const sd_bus_error *e, int r) {
        if (context)
                fprintf(stderr, "error: %s\n", context);
        if (e && sd_bus_error_is_set(e) && e->message) {
                _cleanup_free_ char *msg = client_decode(e->message);
                fprintf(stderr, "error: %s\n", msg);
        }
        else
                fprintf(stderr, "error: %s\n", strerror(r < 0 ? -r : r));
}

int client_pool_path(sd_bus *bus, const char *pool, char **ret_path) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        _cleanup_msg_ sd_bus_message *reply = NULL;
        _cleanup_free_ char *context = xasprintf("failed to get pool '%s'", pool);
        _cleanup_free_ char *arg = name_encode(pool);
        const char *path;
        int r;

        r = sd_bus_call_method(bus, "org.poold1", MANAGER_PATH, MANAGER_IFACE, "LookupPool", &e,
                               &reply, "s", arg);
        if (r < 0) {
                client_error(context, &e, r);
                sd_bus_error_free(&e);
                return r;
        }
        r = sd_bus_message_read(reply, "o", &path);
        if (r < 0)
                return r;
        *ret_path = xstrdup(path);
        return 0;
}

char *client_decode(const char *s) {
        return name_decode_or_copy(s);
}

void client_decode_inplace(const char **s, char **owned) {
        free(*owned);
        *owned = client_decode(*s);
        *s = *owned;
}

/* sd_bus_message_appendv() for basic types, with strings in the bus form. */
static int append_basic_args(sd_bus_message *m, const char *types, va_list ap) {
        int r = 0;

        for (const char *t = types; r >= 0 && *t; t++) {
                switch (*t) {
                case 's': {
                        _cleanup_free_ char *s = name_encode(va_arg(ap, const char *));
                        r = sd_bus_message_append_basic(m, 's', s);
                        break;
                }
                case 'o':
                case 'g':
                        r = sd_bus_message_append_basic(m, *t, va_arg(ap, const char *));
                        break;
                case 'y': {
                        uint8_t v = (uint8_t) va_arg(ap, int);
                        r = sd_bus_message_append_basic(m, 'y', &v);
                        break;
                }
                case 'b':
                case 'i':
                case 'h': {
                        int32_t v = va_arg(ap, int32_t);
                        r = sd_bus_message_append_basic(m, *t, &v);
                        break;
                }
                case 'n':
                case 'q': {
                        uint16_t v = (uint16_t) va_arg(ap, int);
                        r = sd_bus_message_append_basic(m, *t, &v);
                        break;
                }
                case 'u': {
                        uint32_t v = va_arg(ap, uint32_t);
                        r = sd_bus_message_append_basic(m, 'u', &v);
                        break;
                }
                case 'x':
                case 't': {
                        uint64_t v = va_arg(ap, uint64_t);
                        r = sd_bus_message_append_basic(m, *t, &v);
                        break;
                }
                case 'd': {
                        double v = va_arg(ap, double);
                        r = sd_bus_message_append_basic(m, 'd', &v);
                        break;
                }
                default:
                        return -EINVAL; /* containers: not used by client_call's callers */
                }
        }
        return r;
}

int client_call(sd_bus *bus, const char *path, const char *iface, const char *method,
                sd_bus_message **reply, const char *context, const char *types, ...) {
        sd_bus_error e = SD_BUS_ERROR_NULL;
        sd_bus_message *m = NULL;
        va_list ap;
        int r;

        r = sd_bus_message_new_method_call(bus, &m, "org.poold1", path, iface, method);
        if (r < 0)
                return r;
        if (types) {
                va_start(ap, types);
                r = append_basic_args(m, types, ap);
                va_end(ap);
                if (r < 0) {
                        sd_bus_message_unref(m);
                        return r;
                }
        }
        /* Starts and refreshes can take long (a mount, a scan): no client-side timeout
         * shorter than poold's own job timeout. */
        r = sd_bus_call(bus, m, UINT64_MAX, &e, reply);
        sd_bus_message_unref(m);
        if (r < 0) {
                client_error(context, &e, r);
                sd_bus_error_free(&e);
        }
        return r;
}

void client_end(const GlobalOptions *g) {
        if (!g->quiet)
                putchar('\n');
}
