/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The udev watcher (src/watch/udev.c) against umockdev's testbed: a fake sysfs, udev
 * database and uevent socket, so block devices with any properties can be made, changed and
 * removed without root and without udevd. Runs under umockdev-wrapper (its LD_PRELOAD
 * library redirects /sys, /run/udev and the netlink socket into the testbed). */
#include <umockdev.h>

#include "watch-test.h"

#include "shared/log.h"
#include "watch/udev.h"

typedef struct Fixture {
        UMockdevTestbed *testbed;
        sd_event *event;
        UdevWatch *watch;
        Recorder rec;
        Recorder names; /* of each device reported, as udev_device_match_names() gives them */
} Fixture;

static void on_device(void *userdata, const char *action, struct udev_device *dev) {
        Fixture *f = userdata;
        const char *node = udev_device_get_devnode(dev);
        _cleanup_match_names_ char **names = NULL;

        recorder_add(&f->rec, "%s %s", action, node ?: udev_device_get_syspath(dev));
        assert_true(udev_device_match_names(dev, &names) >= 0);
        for (char **n = names; *n; n++)
                recorder_add(&f->names, "%s", *n);
}

static void on_overflow(void *userdata) {
        recorder_add(&((Fixture *) userdata)->rec, "overflow");
}

static const UdevWatchCallbacks callbacks = {
        .on_device = on_device,
        .on_overflow = on_overflow,
};

static int setup(void **state) {
        Fixture *f = xcalloc(1, sizeof(*f));

        f->testbed = umockdev_testbed_new();
        assert_non_null(f->testbed);
        assert_int_equal(sd_event_new(&f->event), 0);
        *state = f;
        return 0;
}

static int teardown(void **state) {
        Fixture *f = *state;

        udev_watch_free(f->watch);
        sd_event_unref(f->event);
        recorder_clear(&f->rec);
        recorder_clear(&f->names);
        g_object_unref(f->testbed);
        free(f);
        return 0;
}

/* A partition with a file system, as udev's rules would have described it. */
static char *add_partition(Fixture *f) {
        char *syspath = umockdev_testbed_add_device(
                f->testbed, "block", "sdz1", NULL,
                /* attributes */
                "size", "2048", "dev", "8:241", NULL,
                /* properties */
                "DEVNAME", "/dev/sdz1", "DEVTYPE", "partition", "MAJOR", "8", "MINOR", "241",
                "DEVLINKS",
                "/dev/disk/by-uuid/4f2a-11c3 /dev/disk/by-label/backup "
                "/dev/disk/by-id/ata-POOLD_TEST_1234-part1 "
                "/dev/disk/by-partuuid/6a1b3c2d-01 /dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1",
                "ID_FS_UUID", "4f2a-11c3", "ID_FS_UUID_ENC", "4f2a-11c3", "ID_FS_LABEL", "backup",
                "ID_FS_LABEL_ENC", "backup", "ID_FS_TYPE", "vfat", "ID_PART_ENTRY_UUID",
                "6a1b3c2d-01", NULL);

        assert_non_null(syspath);
        return syspath;
}

/* umockdev does not redirect /run/udev: libudev reads the host's database for the mocked
 * devices' numbers. A real loop7 that udev has seen (a root test run beside this one) made
 * the mocked one "initialized": use a loop number no host has. */
static char *add_loop(Fixture *f, const char *size) {
        char *syspath = umockdev_testbed_add_device(
                f->testbed, "block", "loop1019", NULL, "size", size, "dev", "7:1019", NULL,
                "DEVNAME", "/dev/loop1019", "DEVTYPE", "disk", "MAJOR", "7", "MINOR", "1019",
                NULL);

        assert_non_null(syspath);
        return syspath;
}

static void watch_start(Fixture *f) {
        assert_int_equal(udev_watch_new(f->event, NULL, &callbacks, f, &f->watch), 0);
}

/* ---- tests ---- */

/* What a pool definition may name: the links come from udev's event, as they do on a host. */
static void udev_device_match_names_of_a_partition(void **state) {
        static const char *const expected[] = {
                "/dev/sdz1",
                "/dev/disk/by-id/ata-POOLD_TEST_1234-part1",
                "/dev/disk/by-label/backup",
                "/dev/disk/by-partuuid/6a1b3c2d-01",
                "/dev/disk/by-path/pci-0000:00:1f.2-ata-1-part1",
                "/dev/disk/by-uuid/4f2a-11c3",
        };
        Fixture *f = *state;
        _cleanup_free_ char *syspath = add_partition(f);

        watch_start(f);
        umockdev_testbed_uevent(f->testbed, syspath, "add");
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "add /dev/sdz1")));
        /* The property-built names duplicate the links here: each is listed once. */
        assert_int_equal(f->names.n, ELEMENTSOF(expected));
        for (size_t i = 0; i < ELEMENTSOF(expected); i++)
                assert_string_equal(f->names.events[i], expected[i]);
}

/* umockdev writes no udev database: to libudev its devices are ones udev has not processed
 * yet, whose links and IDs are still missing. */
static void udev_watch_enumerate_ignores_devices_udev_has_not_initialized(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *part = add_partition(f), *loop = add_loop(f, "204800");

        watch_start(f);
        assert_int_equal(udev_watch_enumerate(f->watch), 0);
        assert_int_equal(f->rec.n, 0);
}

static void udev_watch_reports_uevents_with_empty_loop_as_remove(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *part = add_partition(f), *loop = add_loop(f, "0");

        watch_start(f);

        umockdev_testbed_uevent(f->testbed, part, "add");
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "add /dev/sdz1")));
        recorder_clear(&f->rec);

        /* losetup: a change, and now there is a size. */
        umockdev_testbed_set_attribute(f->testbed, loop, "size", "204800");
        umockdev_testbed_uevent(f->testbed, loop, "change");
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "change /dev/loop1019")));
        recorder_clear(&f->rec);

        /* losetup -d: a change too, but the size is 0 again. */
        umockdev_testbed_set_attribute(f->testbed, loop, "size", "0");
        umockdev_testbed_uevent(f->testbed, loop, "change");
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "remove /dev/loop1019")));
        assert_false(recorder_has(&f->rec, "change /dev/loop1019"));
        recorder_clear(&f->rec);

        umockdev_testbed_uevent(f->testbed, part, "remove");
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "remove /dev/sdz1")));
        assert_false(recorder_has(&f->rec, "overflow"));
}

static void udev_watch_ignores_other_subsystems(void **state) {
        Fixture *f = *state;
        _cleanup_free_ char *net = umockdev_testbed_add_device(f->testbed, "net", "poold0", NULL,
                                                               NULL, "INTERFACE", "poold0", NULL);
        _cleanup_free_ char *part = add_partition(f);

        watch_start(f);
        umockdev_testbed_uevent(f->testbed, net, "add");
        umockdev_testbed_uevent(f->testbed, part, "change");
        assert_true(RUN_UNTIL(f->event, recorder_has(&f->rec, "change /dev/sdz1")));
        run_for(f->event, 100000);
        assert_int_equal(f->rec.n, 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
                T(udev_device_match_names_of_a_partition),
                T(udev_watch_enumerate_ignores_devices_udev_has_not_initialized),
                T(udev_watch_reports_uevents_with_empty_loop_as_remove),
                T(udev_watch_ignores_other_subsystems),
#undef T
        };

        UMockdevTestbed *probe;
        bool mock;

        /* umockdev tells whether its library is preloaded only once a testbed exists. */
        probe = umockdev_testbed_new();
        mock = umockdev_in_mock_environment();
        g_object_unref(probe);
        if (!mock) {
                print_message("[  SKIP    ] not under umockdev-wrapper\n");
                return 77;
        }
        log_setup("test-udev-umockdev");
        return cmocka_run_group_tests(tests, NULL, NULL);
}
