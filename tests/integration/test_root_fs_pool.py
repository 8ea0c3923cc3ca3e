# SPDX-License-Identifier: LGPL-2.1-or-later
"""Root tier: an fs pool on a loop device, driven by poolctl as an operator would."""
import os
import shutil
import subprocess

import pytest

from conftest import root_tier_unavailable, wait_for


def need_root_and_tools():
    why = None
    if os.geteuid() != 0:
        why = "needs root to attach a loop device and mount it"
    elif not shutil.which("losetup") or not shutil.which("mkfs.ext4"):
        why = "needs losetup and mkfs.ext4 (tools/install-deps.sh)"
    if why:
        root_tier_unavailable(why)


def mount_of(target):
    """The mountinfo fields of the topmost mount on target, or None."""
    found = None
    with open("/proc/self/mountinfo") as f:
        for line in f:
            fields = line.split()
            if fields[4] == target:
                found = fields
    return found


@pytest.fixture
def loop_device(tmp_root):
    need_root_and_tools()
    image = os.path.join(tmp_root, "fs.img")
    with open(image, "wb") as f:
        f.truncate(64 * 1024 * 1024)
    p = subprocess.run(["losetup", "-f", "--show", image], capture_output=True, text=True)
    if p.returncode != 0:
        root_tier_unavailable(f"no free loop device: {p.stderr.strip()}")
    dev = p.stdout.strip()
    target = os.path.join(os.path.realpath(tmp_root), "mnt")
    try:
        yield dev, target
    finally:
        # Whatever the test left: our mounts on the target, then the device.
        for _ in range(8):
            if subprocess.run(["umount", "-l", target], capture_output=True).returncode != 0:
                break
        subprocess.run(["losetup", "-d", dev], capture_output=True)


def drain_notify(daemon):
    """Reads what poold sent to the test's NOTIFY_SOCKET. systemd always reads it; the harness
    only does in wait_notify(), and a full datagram queue (net.unix.max_dgram_qlen, 10 here)
    blocks poold's next sd_notify() on a phase change: each lifecycle step sends STATUS=."""
    daemon.notify.setblocking(False)
    try:
        while True:
            daemon.notify.recv(4096)
    except BlockingIOError:
        pass
    finally:
        daemon.notify.settimeout(0.2)


def ctl(daemon, *args, check=True):
    drain_notify(daemon)
    return daemon.ctl(*args, check=check)


def fs_pool_xml(name, dev, target):
    return (f"<pool type='fs'>\n  <name>{name}</name>\n  <source>\n"
            f"    <device path='{dev}'/>\n    <format type='ext4'/>\n  </source>\n"
            f"  <target>\n    <path>{target}</path>\n  </target>\n</pool>\n")


def test_fs_pool_build_start_volumes_destroy_and_start_again(loop_device, daemon):
    dev, target = loop_device
    daemon.write_def("data", fs_pool_xml("data", dev, target))
    daemon.start()
    assert daemon.pools().get("data") == ("inactive", "no")

    out = ctl(daemon, "pool-build", "data").stdout
    assert out == "Pool data built\n\n"
    assert os.path.isdir(target)
    blkid = subprocess.run(["blkid", "-p", "-o", "value", "-s", "TYPE", dev],
                           capture_output=True, text=True)
    assert blkid.stdout.strip() == "ext4"

    # A second build would format again: refused without --overwrite.
    r = ctl(daemon, "pool-build", "data", check=False)
    assert r.returncode == 1
    assert f"Device '{dev}' already formatted using 'ext4'" in r.stderr

    assert ctl(daemon, "pool-start", "data").stdout == "Pool data started\n\n"
    m = mount_of(target)
    assert m is not None, "pool-start mounted nothing"
    assert {"nodev", "nosuid", "noexec"} <= set(m[5].split(","))
    wait_for(lambda: daemon.pools().get("data") == ("active", "no"), what="data running")

    ctl(daemon, "vol-create-as", "data", "vm1.img", "1M")
    assert os.path.exists(os.path.join(target, "vm1.img"))
    assert "vm1.img" in daemon.volumes("data")

    assert ctl(daemon, "pool-destroy", "data").stdout == "Pool data destroyed\n\n"
    assert mount_of(target) is None, "pool-destroy left the file system mounted"
    assert not os.path.exists(os.path.join(target, "vm1.img"))

    ctl(daemon, "pool-start", "data")
    assert mount_of(target) is not None
    wait_for(lambda: "vm1.img" in daemon.volumes("data"), what="vm1.img listed again")
    ctl(daemon, "pool-destroy", "data")
    assert mount_of(target) is None
