# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the hotplug tests share: a udevd of their own, loop devices on sparse files, mounts.

The root tier starts /lib/systemd/systemd-udevd itself (nothing runs it on a test box), and
ends it by PID. Loop devices are the only block devices used: never a real disk.

How a pulled disk is played with a loop device: the kernel will not detach a loop device whose
file system is mounted ("losetup -d" only marks it to clear itself when the last user goes),
and it sends no event for it. So a pull is "losetup -d" followed by the kernel's own remove
event for the device ("udevadm trigger --action=remove", which the kernel emits through
/sys/.../uevent, exactly as it does for an unplugged USB disk). Once poold has let go of the
mount, the loop device really detaches: tests check that it does, which proves poold keeps
nothing open on it.
"""
import fcntl
import json
import os
import shutil
import subprocess
import time
import uuid

from conftest import root_tier_unavailable

UDEVD = "/lib/systemd/systemd-udevd"
LOOP_CTL_ADD = 0x4C80
LOOP_CTL_REMOVE = 0x4C81


def need_root_and_loop():
    why = None
    if os.geteuid() != 0:
        why = "needs root"
    elif not os.path.exists("/dev/loop-control"):
        why = "needs loop devices (/dev/loop-control)"
    elif not os.path.exists(UDEVD) or not shutil.which("udevadm"):
        why = f"needs {UDEVD} and udevadm (Debian package udev)"
    elif not shutil.which("mkfs.ext4"):
        why = "needs mkfs.ext4 (e2fsprogs)"
    if why:
        root_tier_unavailable(why)


def run(*argv, check=True):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed ({p.returncode}): {p.stdout}{p.stderr}")
    return p


def settle():
    run("udevadm", "settle", "--timeout=30")


class Udevd:
    """A systemd-udevd of the test's own, or the one already running (left alone)."""

    def __init__(self):
        self.proc = None

    def start(self):
        if run("udevadm", "control", "--ping", "--timeout=1", check=False).returncode == 0:
            return self  # someone else's: used, not stopped
        self.proc = subprocess.Popen([UDEVD], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while run("udevadm", "control", "--ping", "--timeout=1", check=False).returncode:
            if time.monotonic() > deadline or self.proc.poll() is not None:
                raise AssertionError("systemd-udevd did not start")
            time.sleep(0.05)
        run("udevadm", "trigger", "--action=add", "--subsystem-match=block")
        settle()
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Image:
    """A sparse file and the loop device it is attached to, if any."""

    def __init__(self, path, size_mib=64):
        self.path = path
        self.dev = None
        with open(path, "wb") as f:
            f.truncate(size_mib << 20)

    def mkfs_ext4(self, label=None):
        self.fs_uuid = str(uuid.uuid4())
        argv = ["mkfs.ext4", "-q", "-F", "-U", self.fs_uuid]
        if label:
            argv += ["-L", label]
        run(*argv, self.path)
        return self.fs_uuid

    def attach(self, dev=None, partscan=False):
        extra = ["-P"] if partscan else []
        if dev:
            run("losetup", *extra, dev, self.path)
            self.dev = dev
        else:
            self.dev = run("losetup", "-f", "--show", *extra, self.path).stdout.strip()
        settle()
        return self.dev

    @property
    def sysname(self):
        return os.path.basename(self.dev)

    def backing_file(self):
        """What the loop device is attached to now ('' when detached)."""
        try:
            with open(f"/sys/block/{self.sysname}/loop/backing_file") as f:
                return f.read().strip()
        except FileNotFoundError:
            return ""

    def detach(self):
        if self.dev:
            run("losetup", "-d", self.dev, check=False)
            settle()

    def pull(self):
        """The disk is pulled: see the module's docstring."""
        run("losetup", "-d", self.dev)
        run("udevadm", "trigger", "--action=remove", self.dev)
        settle()

    def cleanup(self):
        if self.dev and self.backing_file() == os.path.realpath(self.path):
            run("losetup", "-d", self.dev, check=False)


def loop_ctl(request, number):
    fd = os.open("/dev/loop-control", os.O_RDWR | os.O_CLOEXEC)
    try:
        return fcntl.ioctl(fd, request, number)
    finally:
        os.close(fd)


def remove_loop(n):
    """Detaches and removes loop device n if it exists (clean-up after LOOP_CTL_ADD)."""
    if os.path.exists(f"/sys/block/loop{n}"):
        run("losetup", "-d", f"/dev/loop{n}", check=False)
        try:
            loop_ctl(LOOP_CTL_REMOVE, n)
        except OSError:
            pass


def unused_loop_number():
    """A loop device number that does not exist yet (for LOOP_CTL_ADD)."""
    n = 200
    while os.path.exists(f"/sys/block/loop{n}"):
        n += 1
    return n


def mountinfo():
    """The lines of /proc/self/mountinfo, split (4: mount point, 2: MAJ:MIN)."""
    with open("/proc/self/mountinfo") as f:
        return [line.split() for line in f]


def mounts_at(target):
    """The mountinfo lines (split) of every mount at target, in this mount namespace."""
    target = os.path.realpath(target)
    return [m for m in mountinfo() if m[4].encode().decode("unicode_escape") == target]


def mounts_of_device(dev):
    """The mountinfo lines (split) of every mount of block device dev."""
    try:
        st = os.stat(dev)
    except FileNotFoundError:
        return []
    want = f"{os.major(st.st_rdev)}:{os.minor(st.st_rdev)}"
    return [m for m in mountinfo() if m[2] == want]


def fs_pool_xml(name, device, target, fmt="ext4"):
    return (f"<pool type='fs'>\n  <name>{name}</name>\n  <source>\n"
            f"    <device path='{device}'/>\n    <format type='{fmt}'/>\n  </source>\n"
            f"  <target>\n    <path>{target}</path>\n  </target>\n</pool>\n")


def disk_pool_xml(name, device, fmt="gpt"):
    return (f"<pool type='disk'>\n  <name>{name}</name>\n  <source>\n"
            f"    <device path='{device}'/>\n    <format type='{fmt}'/>\n  </source>\n"
            f"  <target>\n    <path>/dev</path>\n  </target>\n</pool>\n")


def pool_status(daemon, name):
    out = daemon.ctl("status", "--json").stdout
    for p in json.loads(out)["pools"]:
        if p["name"] == name:
            return p
    return None


def proc_counts(pid):
    """(open fds, VmRSS in KiB) of a process."""
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    rss = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
    return fds, rss
