/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The udev watcher (src/watch/udev.c) on the real system, without udevd.
 *
 * udevd is not needed to see the receive path work: udev's events are netlink multicasts in
 * libudev's wire format, so the tests play udevd themselves and send such messages. They do
 * it in a private network namespace (netlink uevent sockets are per namespace), so nothing on
 * the host, PID 1 included, ever sees the fake devices. That takes root; without it those
 * tests are skipped (failed under POOLD_TEST_REQUIRE_ROOT=1). */
#include <dirent.h>
#include <endian.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sched.h>
#include <stdio.h>
#include <sys/socket.h>

#include "watch-test.h"

#include "shared/log.h"
#include "watch/udev.h"

typedef struct Fixture {
        sd_event *event;
        Recorder rec;
        int sender; /* a netlink socket playing udevd, or -1 */
} Fixture;

static int setup(void **state) {
        Fixture *f = xcalloc(1, sizeof(*f));

        f->sender = -1;
        assert_int_equal(sd_event_new(&f->event), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        if (f->sender >= 0)
                close(f->sender);
        recorder_clear(&f->rec);
        sd_event_unref(f->event);
        free(f);
        return 0;
}

/* ---- callbacks ---- */

static void on_device(void *userdata, const char *action, struct udev_device *dev) {
        Fixture *f = userdata;
        const char *node = udev_device_get_devnode(dev);

        recorder_add(&f->rec, "%s %s", action, node ?: udev_device_get_syspath(dev));
        recorder_add(&f->rec, "any %s", action);
}

static void on_overflow(void *userdata) {
        recorder_add(&((Fixture *) userdata)->rec, "overflow");
}

static const UdevWatchCallbacks callbacks = {
        .on_device = on_device,
        .on_overflow = on_overflow,
};

/* ---- playing udevd ---- */

/* udev's wire format (sd-device/device-monitor.c): this header, then the properties as
 * KEY=value strings each ending in NUL. The kernel filters on the header's hashes. */
#define UDEV_MONITOR_MAGIC 0xfeedcafeU
#define MONITOR_GROUP_UDEV 2U

typedef struct MonitorNetlinkHeader {
        char prefix[8];
        unsigned magic;
        unsigned header_size;
        unsigned properties_off;
        unsigned properties_len;
        unsigned filter_subsystem_hash;
        unsigned filter_devtype_hash;
        unsigned filter_tag_bloom_hi;
        unsigned filter_tag_bloom_lo;
} MonitorNetlinkHeader;

/* MurmurHash2 by Austin Appleby (public domain), as udev hashes subsystem names. */
static uint32_t murmur_hash2(const char *key, size_t len, uint32_t seed) {
        const uint32_t m = 0x5bd1e995;
        const uint8_t *data = (const uint8_t *) key;
        uint32_t h = seed ^ (uint32_t) len;

        for (; len >= 4; data += 4, len -= 4) {
                uint32_t k;

                memcpy(&k, data, 4);
                k *= m;
                k ^= k >> 24;
                k *= m;
                h *= m;
                h ^= k;
        }
        switch (len) {
        case 3: h ^= (uint32_t) data[2] << 16; /* fall through */
        case 2: h ^= (uint32_t) data[1] << 8;  /* fall through */
        case 1: h ^= data[0];
        }
        if (len > 0)
                h *= m;
        h ^= h >> 13;
        h *= m;
        h ^= h >> 15;
        return h;
}

/* Moves this test process into a network namespace of its own, where our fake udevd's
 * multicasts reach nobody but us. */
static bool enter_private_netns(const char *test) {
        if (!test_require(geteuid() == 0, test, "needs root"))
                return false;
        if (unshare(CLONE_NEWNET) < 0)
                return test_require(false, test, "cannot create a network namespace");
        return true;
}

static void sender_open(Fixture *f) {
        struct sockaddr_nl sa = {.nl_family = AF_NETLINK};

        f->sender =
                socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_KOBJECT_UEVENT);
        assert_true(f->sender >= 0);
        assert_int_equal(bind(f->sender, (struct sockaddr *) &sa, sizeof(sa)), 0);
}

/* Sends one udev event; props is "KEY=value" strings, NULL-terminated. */
static void send_udev_event(Fixture *f, const char *subsystem, const char *const *props) {
        char body[4096];
        size_t len = 0;
        MonitorNetlinkHeader h = {
                .prefix = "libudev",
                .magic = htobe32(UDEV_MONITOR_MAGIC),
                .header_size = sizeof(h),
                .properties_off = sizeof(h),
                .filter_subsystem_hash = htobe32(murmur_hash2(subsystem, strlen(subsystem), 0)),
        };
        struct iovec iov[2];
        struct sockaddr_nl dst = {.nl_family = AF_NETLINK, .nl_groups = MONITOR_GROUP_UDEV};
        struct msghdr msg = {
                .msg_name = &dst, .msg_namelen = sizeof(dst), .msg_iov = iov, .msg_iovlen = 2};
        ssize_t n;

        for (const char *const *p = props; *p; p++) {
                size_t l = strlen(*p) + 1;

                assert_true(len + l <= sizeof(body));
                memcpy(body + len, *p, l);
                len += l;
        }
        h.properties_len = (unsigned) len;
        iov[0] = (struct iovec){&h, sizeof(h)};
        iov[1] = (struct iovec){body, len};
        /* Nobody else listens in our namespace: ECONNREFUSED is how a multicast without a
         * second listener ends, and is what udevd gets too. */
        n = sendmsg(f->sender, &msg, 0);
        if (n < 0 && errno != ECONNREFUSED)
                fail_msg("sendmsg: %m");
}

/* A block device in sysfs whose size is (size_zero) or is not 0: its devpath, or NULL. */
static char *find_block_devpath(bool size_zero) {
        DIR *d = opendir("/sys/class/block");
        struct dirent *de;
        char *found = NULL;

        if (!d)
                return NULL;
        while (!found && (de = readdir(d))) {
                _cleanup_free_ char *p = xasprintf("/sys/class/block/%s", de->d_name), *size = NULL;
                _cleanup_free_ char *real = NULL;
                char buf[64] = {};
                FILE *fp;

                if (de->d_name[0] == '.')
                        continue;
                size = xasprintf("%s/size", p);
                fp = fopen(size, "re");
                if (!fp)
                        continue;
                if (fgets(buf, sizeof(buf), fp) && (streq(buf, "0\n") == size_zero)) {
                        real = realpath(p, NULL);
                        if (real && strncmp(real, "/sys/", 5) == 0)
                                found = xstrdup(real + 4);
                }
                fclose(fp);
        }
        closedir(d);
        return found;
}

/* ---- tests on the host's devices ---- */

static void udev_watch_opens_and_enumerates_block_devices(void **state) {
        Fixture *f = *state;
        _cleanup_udev_watch_ UdevWatch *w = NULL;
        int r;

        if (!require_root())
                return;
        r = udev_watch_new(f->event, NULL, &callbacks, f, &w);
        if (r < 0 && !test_require(false, __func__, "cannot open a udev netlink monitor"))
                return;
        assert_int_equal(r, 0);
        assert_non_null(udev_watch_get_udev(w));

        /* Whether there are initialized devices depends on udevd having run: only the
         * actions are pinned down. */
        assert_int_equal(udev_watch_enumerate(w), 0);
        for (size_t i = 0; i < f->rec.n; i++)
                if (strncmp(f->rec.events[i], "any ", 4) == 0)
                        assert_true(streq(f->rec.events[i], "any enumerate") ||
                                    streq(f->rec.events[i], "any remove"));
        print_message("  %zu initialized block devices enumerated\n",
                      recorder_count(&f->rec, "any enumerate"));
        run_for(f->event, 50000);
}

static void udev_watch_with_a_tag_enumerates_only_tagged_devices(void **state) {
        Fixture *f = *state;
        _cleanup_udev_watch_ UdevWatch *w = NULL;
        UdevWatchOptions opts = {.tag = "poold-test-no-device-has-this-tag"};

        if (!require_root())
                return;
        assert_int_equal(udev_watch_new(f->event, &opts, &callbacks, f, &w), 0);
        assert_int_equal(udev_watch_enumerate(w), 0);
        assert_int_equal(f->rec.n, 0);
}

static void udev_device_match_names_gives_node_links_and_ids(void **state) {
        static const char *const env[][2] = {
                {"ACTION", "add"},
                {"SEQNUM", "1"},
                {"DEVPATH", "/devices/virtual/block/poold-test0"},
                {"SUBSYSTEM", "block"},
                {"DEVNAME", "/dev/poold-test0"},
                {"DEVLINKS", "/dev/disk/by-id/wwn-0x5000 /dev/disk/by-uuid/1234-ABCD "
                             "/dev/disk/by-path/pci-0000:00:01.0"},
                {"ID_FS_UUID", "1234-ABCD"},
                {"ID_FS_LABEL", "my_data"},
                {"ID_FS_LABEL_ENC", "my\\x20data"},
                {"ID_PART_ENTRY_UUID", "0fc63daf-8483-4772-8e79-3d69d8477de4"},
        };
        static const char *const expected[] = {
                "/dev/poold-test0",
                "/dev/disk/by-id/wwn-0x5000",
                "/dev/disk/by-path/pci-0000:00:01.0",
                "/dev/disk/by-uuid/1234-ABCD",
                "/dev/disk/by-label/my\\x20data",
                "/dev/disk/by-label/my_data",
                "/dev/disk/by-partuuid/0fc63daf-8483-4772-8e79-3d69d8477de4",
        };
        _cleanup_match_names_ char **names = NULL;
        struct udev *udev = udev_new();
        struct udev_device *dev;
        size_t n = 0;

        /* The environment is how udev hands a device to a RUN program: a device built
         * from properties alone, with no sysfs behind it. */
        for (size_t i = 0; i < ELEMENTSOF(env); i++)
                assert_int_equal(setenv(env[i][0], env[i][1], 1), 0);
        dev = udev_device_new_from_environment(udev);
        for (size_t i = 0; i < ELEMENTSOF(env); i++)
                unsetenv(env[i][0]);
        assert_non_null(dev);

        /* The by-uuid link is listed once although DEVLINKS and ID_FS_UUID both give it. */
        assert_int_equal(udev_device_match_names(dev, &names), (int) ELEMENTSOF(expected));
        for (; names[n]; n++)
                assert_string_equal(names[n], expected[n]);
        assert_int_equal(n, ELEMENTSOF(expected));

        udev_device_unref(dev);
        udev_unref(udev);
}

/* ---- tests with a fake udevd, in a private network namespace ---- */

static void udev_watch_reports_add_change_remove_from_udev(void **state) {
        Fixture *f = *state;
        _cleanup_udev_watch_ UdevWatch *w = NULL;
        _cleanup_free_ char *full = find_block_devpath(false);
        const char *add[] = {"ACTION=add",
                             "SEQNUM=1",
                             "SUBSYSTEM=block",
                             "DEVPATH=/devices/virtual/block/poold-fake0",
                             "DEVNAME=/dev/poold-fake0",
                             "DEVTYPE=disk",
                             NULL};
        const char *move[] = {"ACTION=move",
                              "SEQNUM=2",
                              "SUBSYSTEM=block",
                              "DEVPATH=/devices/virtual/block/poold-fake1",
                              "DEVNAME=/dev/poold-fake1",
                              NULL};
        const char *remove[] = {"ACTION=remove",
                                "SEQNUM=3",
                                "SUBSYSTEM=block",
                                "DEVPATH=/devices/virtual/block/poold-fake0",
                                "DEVNAME=/dev/poold-fake0",
                                NULL};
        const char *net[] = {"ACTION=add",           "SEQNUM=4",
                             "SUBSYSTEM=net",        "DEVPATH=/devices/virtual/net/poold-fake",
                             "INTERFACE=poold-fake", NULL};

        if (!enter_private_netns(__func__))
                return;
        assert_int_equal(udev_watch_new(f->event, NULL, &callbacks, f, &w), 0);
        sender_open(f);

        send_udev_event(f, "block", add);
        send_udev_event(f, "block", move);
        send_udev_event(f, "net", net);
        send_udev_event(f, "block", remove);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "remove /dev/poold-fake0")));
        assert_recorded(&f->rec, "add /dev/poold-fake0");
        assert_recorded(&f->rec, "change /dev/poold-fake1");
        assert_int_equal(f->rec.n, 6); /* the net device was filtered out */
        recorder_clear(&f->rec);

        /* A change of a device with a size stays a change. */
        if (full) {
                _cleanup_free_ char *devpath = xasprintf("DEVPATH=%s", full);
                const char *change[] = {"ACTION=change",           "SEQNUM=5",
                                        "SUBSYSTEM=block",         devpath,
                                        "DEVNAME=/dev/poold-full", NULL};

                send_udev_event(f, "block", change);
                assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "any change")));
                assert_recorded(&f->rec, "change /dev/poold-full");
        } else
                print_message("  no block device with a size: change case not checked\n");
}

static void udev_watch_reports_an_empty_device_changing_as_removed(void **state) {
        Fixture *f = *state;
        _cleanup_udev_watch_ UdevWatch *w = NULL;
        _cleanup_free_ char *empty = find_block_devpath(true), *devpath = NULL;

        if (!enter_private_netns(__func__))
                return;
        if (!empty) {
                print_message("[  SKIP    ] %s: no block device of size 0 (loop, zram) here\n",
                              __func__);
                skip();
                return;
        }
        devpath = xasprintf("DEVPATH=%s", empty);
        {
                /* A loop device detaching: the kernel says "change", its size is now 0. */
                const char *change[] = {"ACTION=change",
                                        "SEQNUM=1",
                                        "SUBSYSTEM=block",
                                        devpath,
                                        "DEVNAME=/dev/poold-empty",
                                        NULL};

                assert_int_equal(udev_watch_new(f->event, NULL, &callbacks, f, &w), 0);
                sender_open(f);
                send_udev_event(f, "block", change);
                assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "any remove")));
                assert_recorded(&f->rec, "remove /dev/poold-empty");
                assert_false(recorder_has(&f->rec, "any change"));
        }
}

static void udev_watch_reports_overflow_and_keeps_receiving(void **state) {
        Fixture *f = *state;
        _cleanup_udev_watch_ UdevWatch *w = NULL;
        UdevWatchOptions opts = {.receive_buffer_size = 4096};
        const char *add[] = {"ACTION=add",
                             "SEQNUM=1",
                             "SUBSYSTEM=block",
                             "DEVPATH=/devices/virtual/block/poold-fake0",
                             "DEVNAME=/dev/poold-fake0",
                             NULL};
        const char *after[] = {"ACTION=add",
                               "SEQNUM=2",
                               "SUBSYSTEM=block",
                               "DEVPATH=/devices/virtual/block/poold-after",
                               "DEVNAME=/dev/poold-after",
                               NULL};

        if (!enter_private_netns(__func__))
                return;
        assert_int_equal(udev_watch_new(f->event, &opts, &callbacks, f, &w), 0);
        sender_open(f);

        /* Far more than a small buffer holds, sent while the loop is not running. */
        for (int i = 0; i < 2000; i++)
                send_udev_event(f, "block", add);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "overflow")));
        assert_true(recorder_has(&f->rec, "add /dev/poold-fake0"));

        send_udev_event(f, "block", after);
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "add /dev/poold-after")));
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
                T(udev_watch_opens_and_enumerates_block_devices),
                T(udev_watch_with_a_tag_enumerates_only_tagged_devices),
                T(udev_device_match_names_gives_node_links_and_ids),
                T(udev_watch_reports_add_change_remove_from_udev),
                T(udev_watch_reports_an_empty_device_changing_as_removed),
                T(udev_watch_reports_overflow_and_keeps_receiving),
#undef T
        };

        log_setup("test-udev");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
