# SPDX-License-Identifier: LGPL-2.1-or-later
"""Root tier, hotplug: fs and disk pools that follow their devices, through a real udevd.

meson runs this file on its own (is_parallel false): it starts a udevd, and other tests' loop
devices must not race with it. See hotplug.py for how a pulled disk is played.
"""
import os
import signal
import subprocess
import time

import pytest

from conftest import wait_for
from hotplug import (LOOP_CTL_ADD, LOOP_CTL_REMOVE, Image, Udevd, disk_pool_xml, fs_pool_xml,
                     loop_ctl, mounts_at, mounts_of_device, need_root_and_loop, pool_status,
                     proc_counts, remove_loop, run, settle, unused_loop_number)

DEBOUNCE = "0.3"  # seconds; the default (2 s) would make 20 cycles slow for nothing


@pytest.fixture(scope="module")
def udevd():
    need_root_and_loop()
    u = Udevd().start()
    yield u
    u.stop()


@pytest.fixture
def images(tmp_root):
    made = []

    def make(name, size_mib=64):
        img = Image(os.path.join(tmp_root, name), size_mib)
        made.append(img)
        return img

    yield make
    for img in made:
        if img.dev:  # a test that failed may have left a mount behind
            for fields in mounts_of_device(img.dev):
                run("umount", "-l", fields[4], check=False)
        img.cleanup()


def built_with_asan(pid):
    with open(f"/proc/{pid}/maps") as f:
        return "libasan" in f.read()


def running(daemon, name, target):
    return daemon.pools().get(name, ("", ""))[0] == "active" and len(mounts_at(target)) == 1


def waiting(daemon, name, target):
    st = pool_status(daemon, name)
    return st and st["phase"] == "waiting" and not mounts_at(target) and st


def start_fs_pool(daemon, tmp_root, img, name="usb", *extra):
    target = os.path.join(tmp_root, "mnt", name)
    os.makedirs(target)
    fs_uuid = img.mkfs_ext4()
    daemon.write_def(name, fs_pool_xml(name, f"/dev/disk/by-uuid/{fs_uuid}", target),
                     autostart=True)
    daemon.start("--device-debounce", DEBOUNCE, *extra)
    return target, fs_uuid


def test_fs_pool_by_uuid_follows_its_loop_device_20_times(udevd, daemon, tmp_root, images):
    img = images("usb.img")
    target, fs_uuid = start_fs_pool(daemon, tmp_root, img)

    # No device: the pool waits, naming it.
    st = wait_for(lambda: waiting(daemon, "usb", target), what="usb waiting")
    assert fs_uuid in (st["reason"] or ""), st

    samples = []
    for cycle in range(20):
        img.attach()
        wait_for(lambda: running(daemon, "usb", target), what=f"usb running (cycle {cycle})")
        fields = mounts_at(target)[0]
        assert set(fields[5].split(",")) >= {"nodev", "nosuid", "noexec"}, fields
        if cycle == 0:
            daemon.ctl("vol-create-as", "usb", "disk.img", "1M")
            with open(os.path.join(target, "notes.txt"), "w") as f:
                f.write("kept\n")
        # lost+found is listed, as libvirt lists it (a volume of type dir)
        wait_for(lambda: daemon.volumes("usb") == ["disk.img", "lost+found", "notes.txt"],
                 what=f"volumes of usb (cycle {cycle})")
        with open(os.path.join(target, "notes.txt")) as f:
            assert f.read() == "kept\n"

        img.pull()
        st = wait_for(lambda: waiting(daemon, "usb", target), what=f"usb waiting ({cycle})")
        assert fs_uuid in (st["reason"] or ""), st
        # poold let go of everything: the loop device really detaches.
        wait_for(lambda: img.backing_file() == "", what="loop device detached")
        assert daemon.pools()["usb"][0] == "inactive"
        samples.append(proc_counts(daemon.proc.pid))

    fds = [s[0] for s in samples]
    rss = [s[1] for s in samples]
    assert fds[-1] == fds[1], f"fds grew over 20 cycles: {fds}"
    # Under AddressSanitizer freed memory sits in its quarantine, so RSS grows by design;
    # LeakSanitizer checks poold's leaks when it exits instead.
    if not built_with_asan(daemon.proc.pid):
        assert rss[-1] - rss[1] < 2048, f"RSS (KiB) grew over 20 cycles: {rss}"
    assert not mounts_at(target)
    # Each start and each stop was timed from its udev event (docs/PERFORMANCE.md).
    log = daemon.logs()
    assert log.count("ms after its device appeared") == 20, log[-3000:]
    assert log.count("ms after its device went away") == 20, log[-3000:]


def test_a_short_removal_within_the_debounce_window_does_not_stop_the_pool(udevd, daemon,
                                                                            tmp_root, images):
    img = images("usb.img")
    target, _ = start_fs_pool(daemon, tmp_root, img, "usb")
    img.attach()
    wait_for(lambda: running(daemon, "usb", target), what="usb running")
    mount_id = mounts_at(target)[0][0]
    # Restart the daemon with a long window, then a remove and an add in quick succession.
    daemon.stop()
    daemon.start("--device-debounce", "5")
    wait_for(lambda: running(daemon, "usb", target), what="usb adopted")
    run("udevadm", "trigger", "--action=remove", img.dev)
    run("udevadm", "trigger", "--action=add", img.dev)
    settle()
    wait_for(lambda: "its device is back" in daemon.logs(), what="device back")
    time.sleep(0.5)
    assert running(daemon, "usb", target)
    assert mounts_at(target)[0][0] == mount_id, "the pool was mounted again"
    assert pool_status(daemon, "usb")["phase"] == "running"


def test_real_add_and_remove_events_loop_ctl(udevd, daemon, tmp_root, images):
    img = images("usb.img")
    target, _ = start_fs_pool(daemon, tmp_root, img)
    wait_for(lambda: waiting(daemon, "usb", target), what="usb waiting")
    n = unused_loop_number()
    dev = f"/dev/loop{n}"
    try:
        for cycle in range(3):
            loop_ctl(LOOP_CTL_ADD, n)  # a new, empty device: an "add" event
            settle()
            assert os.path.exists(f"/sys/block/loop{n}")
            time.sleep(0.2)
            assert waiting(daemon, "usb", target), "an empty device started the pool"
            img.attach(dev)
            wait_for(lambda: running(daemon, "usb", target), what=f"running ({cycle})")
            img.pull()
            wait_for(lambda: waiting(daemon, "usb", target), what=f"waiting ({cycle})")
            wait_for(lambda: img.backing_file() == "", what="loop device detached")
            loop_ctl(LOOP_CTL_REMOVE, n)  # the device goes: a "remove" event
            settle()
            assert not os.path.exists(f"/sys/block/loop{n}")
            assert waiting(daemon, "usb", target)
    finally:
        remove_loop(n)


def test_an_unmount_by_hand_is_respected(udevd, daemon, tmp_root, images):
    img = images("usb.img")
    target, _ = start_fs_pool(daemon, tmp_root, img)
    img.attach()
    wait_for(lambda: running(daemon, "usb", target), what="usb running")

    run("umount", target)
    st = wait_for(lambda: waiting(daemon, "usb", target), what="usb waiting after umount")
    assert "pool-start" in (st["reason"] or ""), st
    time.sleep(1.0)  # poold does not mount it again by itself
    assert not mounts_at(target)

    daemon.ctl("pool-start", "usb")  # asked: mounted again
    wait_for(lambda: running(daemon, "usb", target), what="usb running after pool-start")

    # Unmounted by hand again; this time the device is pulled and comes back: mounted again.
    run("umount", target)
    wait_for(lambda: waiting(daemon, "usb", target), what="usb waiting")
    img.pull()
    wait_for(lambda: img.backing_file() == "", what="loop device detached")
    img.attach()
    wait_for(lambda: running(daemon, "usb", target), what="usb running after the device came back")


def test_kill_9_and_restart_adopts_the_mount(udevd, daemon, tmp_root, images):
    img = images("usb.img")
    target, _ = start_fs_pool(daemon, tmp_root, img)
    img.attach()
    wait_for(lambda: running(daemon, "usb", target), what="usb running")
    before = mounts_at(target)
    daemon.proc.send_signal(signal.SIGKILL)
    daemon.proc.wait()
    daemon.stop()
    daemon.start("--device-debounce", DEBOUNCE)
    wait_for(lambda: running(daemon, "usb", target), what="usb adopted")
    after = mounts_at(target)
    assert len(after) == 1 and after[0][0] == before[0][0], (before, after)
    # still followed: a pull stops it
    img.pull()
    wait_for(lambda: waiting(daemon, "usb", target), what="usb waiting")


def test_udev_events_lost_to_a_small_buffer_are_recovered_by_a_resync(udevd, daemon, tmp_root,
                                                                     images):
    img = images("usb.img")
    target, _ = start_fs_pool(daemon, tmp_root, img, "usb", "--udev-buffer", "4K")
    wait_for(lambda: waiting(daemon, "usb", target), what="usb waiting")
    # Freeze poold, fill its socket with other devices' events, then attach the pool's device:
    # its event is among those the kernel drops.
    daemon.proc.send_signal(signal.SIGSTOP)
    try:
        for _ in range(20):
            run("udevadm", "trigger", "--action=change", "--subsystem-match=block")
        settle()
        img.attach()
    finally:
        daemon.proc.send_signal(signal.SIGCONT)
    wait_for(lambda: running(daemon, "usb", target), what="usb running after the resync")
    assert "udev events were lost" in daemon.logs()


def test_build_refuses_a_device_that_carries_a_filesystem(udevd, daemon, tmp_root, images):
    img = images("disk.img")
    fs_uuid = img.mkfs_ext4()
    img.attach(partscan=True)
    daemon.write_def("d", disk_pool_xml("d", img.dev))
    daemon.start()
    p = daemon.ctl("pool-build", "d", check=False)
    assert p.returncode == 1
    assert p.stderr.startswith("error: ") and img.dev in p.stderr, p.stderr
    assert run("blkid", "-o", "value", "-s", "UUID", img.dev).stdout.strip() == fs_uuid
    daemon.ctl("pool-build", "d", "--overwrite")
    assert run("blkid", "-o", "value", "-s", "PTTYPE", img.dev).stdout.strip() == "gpt"


def test_disk_pool_partitions_follow_the_kernel(udevd, daemon, tmp_root, images):
    img = images("disk.img", 128)
    img.attach(partscan=True)
    name = img.sysname
    daemon.write_def("d", disk_pool_xml("d", img.dev))
    daemon.start()
    daemon.ctl("pool-build", "d")
    daemon.ctl("pool-start", "d")
    wait_for(lambda: daemon.pools().get("d", ("",))[0] == "active", what="d running")
    for i in (1, 2, 3):
        daemon.ctl("vol-create-as", "d", f"{name}p{i}", "16M")
    parts = [f"{name}p{i}" for i in (1, 2, 3)]
    assert daemon.volumes("d") == parts
    for p in parts:
        assert os.path.exists(f"/sys/class/block/{p}"), p
    daemon.ctl("vol-delete", f"{name}p2", "--pool", "d")
    assert daemon.volumes("d") == [f"{name}p1", f"{name}p3"]
    assert not os.path.exists(f"/sys/class/block/{name}p2")

    # A partition made by someone else: the table is written, the kernel is told (partx), udev
    # announces it, and the volume list follows without a refresh. The disk is flock'ed
    # meanwhile, as the tools do: otherwise udev re-reads the table when sfdisk closes the
    # disk, and this kernel, which does not parse tables, drops every partition on a re-read.
    outside(img.dev, "sfdisk --lock=no --append --no-reread --no-tell-kernel -q $DEV <<<',16M'")
    wait_for(lambda: len(daemon.volumes("d")) == 3, what="outside partition in vol-list")
    vols = daemon.volumes("d")
    assert {f"{name}p1", f"{name}p3"} < set(vols), vols
    new = (set(vols) - {f"{name}p1", f"{name}p3"}).pop()
    assert os.path.exists(f"/sys/class/block/{new}"), new
    # and one removed by someone else goes away
    number = new[len(name) + 1:]
    outside(img.dev, f"sfdisk --lock=no --delete --no-reread --no-tell-kernel -q $DEV {number}")
    wait_for(lambda: daemon.volumes("d") == [f"{name}p1", f"{name}p3"],
             what="partition removed outside poold leaves vol-list")


def outside(dev, script):
    """Runs script ($DEV: the disk; sfdisk --lock=no, the lock is ours), then partx -u, under
    the disk's lock, held a second longer, until udevd has seen the disk closed (it skips its
    re-read when it cannot lock the disk). Not settled under the lock: udev's workers lock the
    disk too."""
    subprocess.run(["flock", dev, "bash", "-c", f"set -e; {script}; partx -u $DEV; sleep 1"],
                   env={**os.environ, "DEV": dev}, check=True, capture_output=True, timeout=60)
    settle()


def test_disk_pool_follows_its_disk(udevd, daemon, tmp_root, images):
    """A disk pool stops when its disk goes (a loop device detached: a real change to size 0,
    then a real remove) and comes back with its partitions when it returns."""
    n = unused_loop_number()
    dev = f"/dev/loop{n}"
    img = images("disk.img", 64)
    subprocess.run(["sfdisk", "-q", img.path], input="label: gpt\n,8M\n,8M\n", text=True,
                   check=True, capture_output=True)
    daemon.write_def("d", disk_pool_xml("d", dev), autostart=True)
    daemon.start("--device-debounce", DEBOUNCE)
    try:
        st = wait_for(lambda: (s := pool_status(daemon, "d")) and s["phase"] == "waiting" and s,
                      what="d waiting")
        assert dev in (st["reason"] or ""), st
        parts = [f"loop{n}p1", f"loop{n}p2"]
        for cycle in range(3):
            loop_ctl(LOOP_CTL_ADD, n)
            img.attach(dev, partscan=True)
            wait_for(lambda: daemon.pools().get("d", ("",))[0] == "active",
                     what=f"d running ({cycle})")
            wait_for(lambda: daemon.volumes("d") == parts, what=f"partitions ({cycle})")
            img.detach()
            wait_for(lambda: pool_status(daemon, "d")["phase"] == "waiting",
                     what=f"d waiting ({cycle})")
            assert daemon.pools()["d"][0] == "inactive"
            loop_ctl(LOOP_CTL_REMOVE, n)
            settle()
    finally:
        remove_loop(n)


def test_a_foreign_mount_over_a_running_pool_is_left_alone(udevd, daemon, tmp_root, images):
    img = images("usb.img")
    target, _ = start_fs_pool(daemon, tmp_root, img)
    img.attach()
    wait_for(lambda: running(daemon, "usb", target), what="usb running")
    ours = mounts_at(target)[0][0]
    run("mount", "-t", "tmpfs", "poold-foreign", target)
    try:
        # The pool's volumes are hidden: it is not running any more, and waits for the
        # operator; the foreign mount stays, and ours stays under it.
        wait_for(lambda: (s := pool_status(daemon, "usb")) and s["phase"] == "waiting",
                      what="usb waiting under a foreign mount")
        time.sleep(0.5)
        ids = [m[0] for m in mounts_at(target)]
        assert len(ids) == 2 and ids[0] == ours, ids
    finally:
        run("umount", target)
    # Once it is gone the pool's own file system shows again at the target: adopted.
    wait_for(lambda: running(daemon, "usb", target), what="usb running again")
    assert [m[0] for m in mounts_at(target)] == [ours], "mounted twice"
