#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Hotplug latency: from the udev event to the pool running, and to the pool stopped.

Usage (root, from a built tree):  bench/hotplug.py [CYCLES]   (default 50)

An fs pool names an ext4 image by /dev/disk/by-uuid; a loop device is attached and the disk
"pulled" CYCLES times (how a pull is played with a loop device: tests/integration/hotplug.py).
Clocks, all CLOCK_MONOTONIC:
  - the udev event: the time `udevadm monitor --udev` prints for the device's change (attach)
    or remove event, i.e. when udevd broadcast it to listeners, poold among them;
  - running / stopped: when `poolctl event --loop` prints the pool's Started / Stopped line;
  - the bare calls: mount(2) with the pool's options and umount2(MNT_DETACH) of a twin image
    (same size, same mkfs) on another directory, timed around the system call alone, in the
    same cycle as poold's, so that both see the same load; the twin's loop device is
    "losetup -d"-ed before its umount, as in a pull, so that both umounts also tear the loop
    device down.
poold runs with --device-debounce 0 so the stop time holds no deliberate wait (the default
window is 2 s). Prints p50 and p99 of each, and of poold's own share per cycle: event→running
minus that cycle's bare mount, event→stopped minus its bare umount.
"""
import ctypes
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(top, "tests", "integration"))
from conftest import Daemon  # noqa: E402
from hotplug import Image, Udevd, fs_pool_xml, mounts_at, run, settle  # noqa: E402

os.environ.setdefault("POOLD", os.path.join(top, "build", "src", "daemon", "poold"))
os.environ.setdefault("POOLCTL", os.path.join(top, "build", "src", "cli", "poolctl"))
import conftest  # noqa: E402

conftest.POOLD = os.environ["POOLD"]
conftest.POOLCTL = os.environ["POOLCTL"]

MS_NOSUID, MS_NODEV, MS_NOEXEC, MNT_DETACH = 2, 4, 8, 2
libc = ctypes.CDLL(None, use_errno=True)


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Lines:
    """A subprocess's output lines, each stamped with time.monotonic() when read."""

    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True, env=env,
                                     stderr=subprocess.DEVNULL)
        self.lines = []
        self.cond = threading.Condition()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self):
        for line in self.proc.stdout:
            with self.cond:
                self.lines.append((time.monotonic(), line.rstrip("\n")))
                self.cond.notify_all()

    def wait(self, pred, start, timeout=30):
        """The first line from index start on that pred accepts: (index, stamp, line)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            i = start
            while True:
                while i < len(self.lines):
                    if pred(self.lines[i][1]):
                        return i, self.lines[i][0], self.lines[i][1]
                    i += 1
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError("no matching line")
                self.cond.wait(left)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


UDEV_LINE = re.compile(r"^UDEV\s+\[(\d+\.\d+)\]\s+(\S+)\s+(\S+)")


def udev_event(lines, start, action, syspath):
    def pred(line):
        m = UDEV_LINE.match(line)
        return m and m.group(2) == action and m.group(3) == syspath
    i, _, line = lines.wait(pred, start)
    return i, float(UDEV_LINE.match(line).group(1))


def main():
    cycles = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    if os.geteuid() != 0:
        sys.exit("hotplug.py: run as root")
    udevd = Udevd().start()
    root = tempfile.mkdtemp(prefix="poold-bench-hotplug-")
    img = Image(os.path.join(root, "usb.img"), 256)
    fs_uuid = img.mkfs_ext4()
    bare = Image(os.path.join(root, "bare.img"), 256)
    bare.mkfs_ext4()
    bare_target = os.path.join(root, "bare")
    target = os.path.join(root, "mnt")
    os.makedirs(bare_target)
    os.makedirs(target)
    bare_mount, bare_umount = [], []
    to_running, to_stopped = [], []
    daemon = None
    log = ""
    monitor = events = None
    try:
        daemon = Daemon(os.path.join(root, "poold"))
        # The runtime directory on a tmpfs, as /run is on a host (poold fsyncs its state
        # files there: on this test box's disk-backed /tmp that alone costs milliseconds).
        daemon.runtime = tempfile.mkdtemp(prefix="poold-bench-run-", dir="/dev/shm")
        daemon.write_def("usb", fs_pool_xml("usb", f"/dev/disk/by-uuid/{fs_uuid}", target),
                         autostart=True)
        daemon.start("--device-debounce", "0", "--log-level", "info")
        monitor = Lines(["udevadm", "monitor", "--udev", "--subsystem-match=block"])
        events = Lines(["stdbuf", "-oL", conftest.POOLCTL, "pool-event", "--pool", "usb",
                        "--loop", "--event", "lifecycle"], env=daemon.env())
        time.sleep(0.5)  # both subscribed
        for _ in range(cycles):
            # The bare calls, on a twin image (poold does not know it), in the same cycle so
            # that both see the same load.
            dev = bare.attach().encode()
            t0 = time.monotonic()
            r = libc.mount(dev, bare_target.encode(), b"ext4", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                           None)
            t1 = time.monotonic()
            if r:
                raise OSError(ctypes.get_errno(), "mount")
            # As in a pull: the loop device is marked to clear itself once unused, so the
            # umount, dropping the last user, also tears the device down, as it does for poold.
            run("losetup", "-d", bare.dev)
            t2 = time.monotonic()
            libc.umount2(bare_target.encode(), MNT_DETACH)
            t3 = time.monotonic()
            bare_mount.append(t1 - t0)
            bare_umount.append(t3 - t2)
            while bare.backing_file():
                time.sleep(0.01)
            settle()

            m0, e0 = len(monitor.lines), len(events.lines)
            img.attach()
            syspath = "/devices/virtual/block/" + img.sysname
            _, t_ev = udev_event(monitor, m0, "change", syspath)
            _, t_run, _ = events.wait(lambda s: s.endswith(": Started"), e0)
            to_running.append(t_run - t_ev)
            assert len(mounts_at(target)) == 1
            m0, e0 = len(monitor.lines), len(events.lines)
            img.pull()
            _, t_ev = udev_event(monitor, m0, "remove", syspath)
            _, t_stop, _ = events.wait(lambda s: s.endswith(": Stopped"), e0)
            to_stopped.append(t_stop - t_ev)
            while img.backing_file():
                time.sleep(0.01)
            settle()
    finally:
        for lines in (events, monitor):
            if lines:
                lines.stop()
        if daemon:
            daemon.stop()
            with open(daemon.log_path, errors="replace") as f:
                log = f.read()
        for fields in mounts_at(target) + mounts_at(bare_target):
            subprocess.run(["umount", "-l", fields[4]], check=False)
        img.cleanup()
        bare.cleanup()
        udevd.stop()
        subprocess.run(["rm", "-rf", root], check=False)
        if daemon:
            subprocess.run(["rm", "-rf", daemon.runtime], check=False)

    # poold's own figures: from the udev event's arrival in poold to the pool running (its
    # Started signal follows at once) / stopped, as it logs them.
    own_running = [float(x) / 1000 for x in
                   re.findall(r"running ([0-9.]+) ms after its device appeared", log)]
    own_stopped = [float(x) / 1000 for x in
                   re.findall(r"stopped ([0-9.]+) ms after its device went away", log)]
    ms = lambda x: f"{x * 1000:7.2f} ms"  # noqa: E731
    print(f"hotplug, {cycles} cycles (fs pool, ext4 on a loop device, by-uuid)")
    print(f"{'':38} {'p50':>10} {'p99':>10}")
    rows = [("udev event -> pool running (poold)", to_running),
            ("bare mount(2)", bare_mount),
            ("udev remove -> pool stopped (poold)", to_stopped),
            ("bare umount2(MNT_DETACH)", bare_umount)]
    if len(own_running) == cycles and len(own_stopped) == cycles:
        rows[1:1] = [("  in poold: event -> running", own_running)]
        rows[4:4] = [("  in poold: event -> stopped", own_stopped)]
    for name, xs in rows:
        print(f"{name:38} {ms(pct(xs, 50))} {ms(pct(xs, 99))}")
    over_mount = [a - b for a, b in zip(to_running, bare_mount)]
    over_umount = [a - b for a, b in zip(to_stopped, bare_umount)]
    print(f"{'poold overhead over the bare mount':38} {ms(pct(over_mount, 50))}"
          f" {ms(pct(over_mount, 99))}   (per cycle: event->running minus bare mount)")
    print(f"{'poold overhead over the bare umount':38} {ms(pct(over_umount, 50))}"
          f" {ms(pct(over_umount, 99))}   (per cycle)")
    if len(own_running) == cycles and len(own_stopped) == cycles:
        o1 = [a - b for a, b in zip(own_running, bare_mount)]
        o2 = [a - b for a, b in zip(own_stopped, bare_umount)]
        print(f"{'  in poold, over the bare mount':38} {ms(pct(o1, 50))} {ms(pct(o1, 99))}")
        print(f"{'  in poold, over the bare umount':38} {ms(pct(o2, 50))} {ms(pct(o2, 99))}")
    with open("/proc/loadavg") as f:
        print(f"load average at the end: {f.read().split()[0]}")

if __name__ == "__main__":
    main()
