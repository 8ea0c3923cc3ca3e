/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The control API's transport: a private Unix socket (peer to peer, root or poold's own user
 * only) and the system bus when there is one. Objects live in bus-objects.c. */
#include <fcntl.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "daemon/daemon.h"
#include "shared/log.h"
#include "shared/path.h"
#include "shared/uuid-util.h"

#define BUS_NAME "org.poold1"
#define MANAGER_PATH "/org/poold1"
#define MANAGER_IFACE "org.poold1.Manager"
#define POOL_IFACE "org.poold1.Pool"

char *bus_pool_path(const char *pool) {
        char *p = NULL;

        if (sd_bus_path_encode("/org/poold1/pool", pool, &p) < 0)
                oom();
        return p;
}

char *bus_volume_path(const char *pool, const char *volume) {
        _cleanup_free_ char *pp = bus_pool_path(pool), *vp = NULL;
        char *p = NULL;

        if (sd_bus_path_encode("/vol", volume, &vp) < 0)
                oom();
        p = xasprintf("%s%s", pp, vp);
        return p;
}

int bus_reply_error(sd_bus_message *m, int r, const Error *err) {
        const char *name;
        _cleanup_free_ char *msg = NULL;

        switch (r) {
        case -ESRCH:
        case -EALREADY: name = "org.poold1.Error.OperationInvalid"; break;
        case -EEXIST: name = "org.poold1.Error.Conflict"; break;
        case -EBUSY: name = "org.poold1.Error.Busy"; break;
        case -EOPNOTSUPP: name = "org.poold1.Error.NotSupported"; break;
        case -ENXIO: name = "org.poold1.Error.NoSuchVolume"; break;
        case -ETIMEDOUT: name = "org.poold1.Error.Timeout"; break;
        default: name = "org.poold1.Error.Failed"; break;
        }
        if (err && err->message)
                msg = error_to_string(err);
        else
                msg = xstrdup(strerror(r < 0 ? -r : r));
        _cleanup_free_ char *bus_msg = bus_str(msg);
        return sd_bus_reply_method_errorf(m, name, "%s", bus_msg);
}

/* An argument in the bus form, as bytes; an argument that is no bus form is refused. */
int bus_decode_arg(const char *s, char **ret, sd_bus_error *e) {
        if (name_decode(s, ret) < 0)
                return sd_bus_error_setf(e, SD_BUS_ERROR_INVALID_ARGS,
                                         "invalid escape in '%s' (docs/dbus-api.md)", s);
        return 0;
}

int bus_append_str(sd_bus_message *reply, const char *s) {
        _cleanup_free_ char *b = bus_str(s ? s : "");

        return sd_bus_message_append(reply, "s", b);
}

static void foreach_bus(Daemon *d, void (*fn)(sd_bus *bus, void *data), void *data) {
        for (size_t i = 0; i < d->n_clients; i++)
                fn(d->clients[i], data);
        if (d->system_bus)
                fn(d->system_bus, data);
}

typedef struct Signal {
        const char *member;
        const char *a, *b, *c;
} Signal;

static void emit_one(sd_bus *bus, void *data) {
        const Signal *s = data;
        _cleanup_free_ char *a = bus_str(s->a), *b = bus_str(s->b), *c = bus_str(s->c);

        (void) sd_bus_emit_signal(bus, MANAGER_PATH, MANAGER_IFACE, s->member, "sss", a, b, c);
}

void bus_emit_pool_event(Daemon *d, Pool *p, const char *event) {
        char uuid[37] = "";
        const PoolDef *def = pool_current_def(p);
        Signal s;

        if (def)
                uuid_format(def->uuid, uuid);
        s = (Signal){ "PoolEvent", p->name, uuid, event };
        foreach_bus(d, emit_one, &s);
}

static void emit_props(sd_bus *bus, void *data) {
        Pool *p = data;
        _cleanup_free_ char *path = bus_pool_path(p->name);

        (void) sd_bus_emit_properties_changed(bus, path, POOL_IFACE, "Phase", "Reason", "Since",
                                              "NextRetry", "LastError", "Active", "Capacity",
                                              "Allocation", "Available", "VolumeCount",
                                              "PendingChange", NULL);
}

void bus_emit_phase_changed(Daemon *d, Pool *p) {
        Signal s = { "PhaseChanged", p->name, pool_phase_to_string(p->phase),
                     p->reason ? p->reason : "" };

        foreach_bus(d, emit_one, &s);
        foreach_bus(d, emit_props, p);
}

void bus_emit_volume_event(Daemon *d, Pool *p, const char *volume, const char *event) {
        Signal s = { "VolumeEvent", p->name, volume, event };

        foreach_bus(d, emit_one, &s);
}

/* ---- a minimal bus driver, so bus clients (busctl --address=...) can talk to the socket ---- */

static int driver_hello(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;
        char name[32];

        snprintf(name, sizeof(name), ":1.%llu", (unsigned long long) ++d->next_client_id);
        return sd_bus_reply_method_return(m, "s", name);
}

static int driver_ignore(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        return sd_bus_reply_method_return(m, NULL);
}

static int driver_list_names(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        return sd_bus_reply_method_return(m, "as", 2, "org.freedesktop.DBus", BUS_NAME);
}

static int driver_get_name_owner(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        const char *name;
        int r = sd_bus_message_read(m, "s", &name);

        if (r < 0)
                return r;
        if (!streq(name, BUS_NAME) && !streq(name, "org.freedesktop.DBus"))
                return sd_bus_error_setf(e, SD_BUS_ERROR_NAME_HAS_NO_OWNER,
                                         "Could not get owner of name '%s'", name);
        return sd_bus_reply_method_return(m, "s", ":1.0");
}

static const sd_bus_vtable driver_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD("Hello", "", "s", driver_hello, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("AddMatch", "s", "", driver_ignore, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("RemoveMatch", "s", "", driver_ignore, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("ListNames", "", "as", driver_list_names, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("ListActivatableNames", "", "as", driver_list_names,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_METHOD("GetNameOwner", "s", "s", driver_get_name_owner,
                      SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

/* ---- connections ---- */

static void drop_client(Daemon *d, sd_bus *bus) {
        for (size_t i = 0; i < d->n_clients; i++)
                if (d->clients[i] == bus) {
                        d->clients[i] = d->clients[--d->n_clients];
                        sd_bus_flush_close_unref(bus);
                        return;
                }
}

static int on_disconnected(sd_bus_message *m, void *userdata, sd_bus_error *e) {
        Daemon *d = userdata;

        drop_client(d, sd_bus_message_get_bus(m));
        return 0;
}

/* Only root, or the user poold itself runs as (tests, the demo), may talk to it. */
static bool peer_allowed(int fd) {
        struct ucred cred;
        socklen_t len = sizeof(cred);

        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
                return false;
        return cred.uid == 0 || cred.uid == geteuid();
}

static int on_connection(sd_event_source *s, int fd, uint32_t revents, void *userdata) {
        Daemon *d = userdata;
        sd_bus *bus = NULL;
        sd_id128_t id;
        int nfd, r;

        nfd = accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (nfd < 0) {
                if (errno != EAGAIN && errno != EINTR)
                        log_warning_errno(-errno, "Failed to accept a control connection: %m");
                return 0;
        }
        if (!peer_allowed(nfd)) {
                log_warning("Refused a control connection from an unprivileged user");
                close(nfd);
                return 0;
        }
        (void) sd_id128_randomize(&id);
        if ((r = sd_bus_new(&bus)) < 0 || (r = sd_bus_set_fd(bus, nfd, nfd)) < 0) {
                close(nfd);
                goto fail;
        }
        if ((r = sd_bus_set_server(bus, 1, id)) < 0 ||
            (r = sd_bus_set_anonymous(bus, false)) < 0 ||
            (r = sd_bus_negotiate_fds(bus, true)) < 0 || /* Volume.Upload and Download */
            (r = sd_bus_start(bus)) < 0 ||
            (r = sd_bus_attach_event(bus, d->event, SD_EVENT_PRIORITY_NORMAL)) < 0 ||
            (r = sd_bus_match_signal(bus, NULL, NULL, "/org/freedesktop/DBus/Local",
                                     "org.freedesktop.DBus.Local", "Disconnected",
                                     on_disconnected, d)) < 0 ||
            (r = bus_add_objects(d, bus)) < 0 ||
            (r = sd_bus_add_object_vtable(bus, NULL, "/org/freedesktop/DBus",
                                          "org.freedesktop.DBus", driver_vtable, d)) < 0)
                goto fail;
        ARRAY_APPEND(d->clients, d->n_clients, bus);
        return 0;
fail:
        log_warning_errno(r, "Failed to set up a control connection: %m");
        sd_bus_flush_close_unref(bus);
        return 0;
}

static int listen_control(Daemon *d) {
        struct sockaddr_un sa = { .sun_family = AF_UNIX };
        int fd, r;

        d->control_path = path_join(d->cfg.runtime_dir, "control");
        if (strlen(d->control_path) >= sizeof(sa.sun_path))
                return log_error_errno(-ENAMETOOLONG, "Control socket path %s is too long",
                                       d->control_path);
        strcpy(sa.sun_path, d->control_path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0)
                return -errno;
        (void) unlink(d->control_path);
        /* Created with no access for others from the start, not fixed afterwards. */
        mode_t old = umask(0077);
        r = bind(fd, (struct sockaddr *) &sa, sizeof(sa));
        umask(old);
        if (r < 0 || listen(fd, SOMAXCONN) < 0) {
                r = -errno;
                close(fd);
                return log_error_errno(r, "Failed to listen on %s: %m", d->control_path);
        }
        d->control_fd = fd;
        return sd_event_add_io(d->event, &d->control_source, fd, EPOLLIN, on_connection, d);
}

static int connect_system_bus(Daemon *d) {
        int r;

        if (geteuid() != 0 || access("/run/dbus/system_bus_socket", F_OK) < 0)
                return 0;
        r = sd_bus_open_system(&d->system_bus);
        if (r < 0)
                return log_debug_errno(r, "No system bus, only the control socket: %m"), 0;
        if ((r = bus_add_objects(d, d->system_bus)) < 0 ||
            (r = sd_bus_request_name(d->system_bus, BUS_NAME, 0)) < 0 ||
            (r = sd_bus_attach_event(d->system_bus, d->event, SD_EVENT_PRIORITY_NORMAL)) < 0) {
                log_warning_errno(r, "Not on the system bus: %m");
                d->system_bus = sd_bus_flush_close_unref(d->system_bus);
        }
        return 0;
}

/* sd-bus (252) can leave a client's first message unparsed in its buffer when the client
 * sent it in the same write as its authentication (libdbus clients do: dbus-send hung one
 * time in five): nothing more arrives on the socket, so its I/O source never fires again.
 * After every loop iteration that did anything, let each connection process what it holds. */
static int on_post(sd_event_source *s, void *userdata) {
        Daemon *d = userdata;
        size_t n = d->n_clients;
        sd_bus **copy;

        if (n == 0)
                return 0;
        copy = xcalloc(n, sizeof(sd_bus *));
        for (size_t i = 0; i < n; i++)
                copy[i] = sd_bus_ref(d->clients[i]);
        for (size_t i = 0; i < n; i++) {
                for (int k = 0; k < 64 && sd_bus_process(copy[i], NULL) > 0; k++)
                        ;
                sd_bus_unref(copy[i]);
        }
        free(copy);
        return 0;
}

int bus_setup(Daemon *d) {
        int r = listen_control(d);

        if (r < 0)
                return r;
        r = sd_event_add_post(d->event, &d->post_source, on_post, d);
        if (r < 0)
                return r;
        return connect_system_bus(d);
}

void bus_done(Daemon *d) {
        for (size_t i = 0; i < d->n_clients; i++)
                sd_bus_flush_close_unref(d->clients[i]);
        free(d->clients);
        d->clients = NULL;
        d->n_clients = 0;
        d->system_bus = sd_bus_flush_close_unref(d->system_bus);
        d->control_source = sd_event_source_disable_unref(d->control_source);
        d->post_source = sd_event_source_disable_unref(d->post_source);
        if (d->control_fd >= 0)
                close(d->control_fd);
        d->control_fd = -1;
        if (d->control_path)
                (void) unlink(d->control_path);
        free(d->control_path);
        d->control_path = NULL;
}
