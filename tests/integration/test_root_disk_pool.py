# SPDX-License-Identifier: LGPL-2.1-or-later
"""Root tier: a disk pool on a loop device, driven with poolctl as virsh would be."""
import os
import subprocess

import pytest

from conftest import root_tier_unavailable, wait_for

MiB = 1024 * 1024


def need_root():
    why = None
    if os.geteuid() != 0:
        why = "needs root to attach a loop device"
    elif not os.path.exists("/dev/loop-control"):
        why = "no loop devices (/dev/loop-control)"
    if why:
        root_tier_unavailable(why)


@pytest.fixture
def loop_device(tmp_root):
    need_root()
    img = os.path.join(tmp_root, "disk.img")
    with open(img, "wb") as f:
        f.truncate(64 * MiB)
    p = subprocess.run(["losetup", "-f", "--show", "-P", img], capture_output=True, text=True)
    if p.returncode != 0:
        root_tier_unavailable(f"cannot attach a loop device: {p.stderr.strip()}")
    dev = p.stdout.strip()
    try:
        yield dev
    finally:
        subprocess.run(["losetup", "-d", dev])


def kernel_partitions(dev):
    name = os.path.basename(dev)
    return sorted(e for e in os.listdir(f"/sys/class/block/{name}") if e.startswith(name + "p"))


def test_disk_pool_build_start_create_and_delete_partitions(loop_device, daemon):
    dev = loop_device
    name = os.path.basename(dev)
    daemon.start()
    daemon.ctl("pool-define-as", "disk1", "disk", "--source-dev", dev, "--source-format", "gpt",
               "--target", "/dev")
    daemon.ctl("pool-build", "disk1")
    assert subprocess.run(["blkid", "-p", "-o", "value", "-s", "PTTYPE", dev],
                          capture_output=True, text=True).stdout.strip() == "gpt"
    daemon.ctl("pool-start", "disk1")
    wait_for(lambda: daemon.pools().get("disk1", ("", ""))[0] == "active", what="disk1 running")

    parts = [f"{name}p{i}" for i in (1, 2, 3)]
    for part, size in zip(parts, ("4M", "8M", "2M")):
        out = daemon.ctl("vol-create-as", "disk1", part, size).stdout
        assert out == f"Vol {part} created\n\n"
    wait_for(lambda: daemon.volumes("disk1") == parts, what="three partitions listed")
    assert kernel_partitions(dev) == parts

    # A name that is not the next partition's is refused with libvirt's message.
    p = daemon.ctl("vol-create-as", "disk1", "data", "1M", check=False)
    assert p.returncode != 0
    assert f"invalid partition name 'data', expected '{name}p4'" in p.stderr

    daemon.ctl("vol-delete", parts[1], "--pool", "disk1")
    wait_for(lambda: daemon.volumes("disk1") == [parts[0], parts[2]], what="two partitions left")
    assert kernel_partitions(dev) == [parts[0], parts[2]]
    # The reply to vol-delete comes with the pool's sizes current (4 MiB + 2 MiB left).
    pool = daemon.ctl("pool-dumpxml", "disk1").stdout
    assert f"<allocation unit='bytes'>{6 * MiB}</allocation>" in pool

    info = daemon.ctl("vol-info", parts[0], "--pool", "disk1", "--bytes").stdout
    assert f"Capacity:       {4 * MiB} bytes" in info


SCHEMAS = os.environ.get("POOLD_LIBVIRT_SCHEMAS", "/usr/share/libvirt/schemas")


def test_disk_pool_xml_of_a_partition_and_the_running_pool(loop_device, daemon, tmp_root):
    dev = loop_device
    name = os.path.basename(dev)
    daemon.start()
    daemon.ctl("pool-define-as", "disk2", "disk", "--source-dev", dev, "--target", "/dev")
    daemon.ctl("pool-build", "disk2")  # no format: dos, as libvirt builds it
    daemon.ctl("pool-start", "disk2")
    wait_for(lambda: daemon.pools().get("disk2", ("", ""))[0] == "active", what="disk2 running")
    vol = os.path.join(tmp_root, "vol.xml")
    with open(vol, "w") as f:
        f.write(f"<volume><name>{name}p1</name><capacity unit='MiB'>8</capacity>"
                "<target><format type='linux-swap'/></target></volume>")
    daemon.ctl("vol-create", "disk2", vol)
    wait_for(lambda: daemon.volumes("disk2") == [f"{name}p1"], what="partition listed")

    xml = daemon.ctl("vol-dumpxml", f"{name}p1", "--pool", "disk2").stdout
    assert f"<key>/dev/{name}p1</key>" in xml
    assert f"<path>/dev/{name}p1</path>" in xml
    assert "<format type='linux-swap'/>" in xml
    assert f"<capacity unit='bytes'>{8 * MiB}</capacity>" in xml
    pool = daemon.ctl("pool-dumpxml", "disk2").stdout
    assert f"<allocation unit='bytes'>{8 * MiB}</allocation>" in pool
    assert f"<capacity unit='bytes'>{64 * MiB}</capacity>" in pool

    if os.path.exists(os.path.join(SCHEMAS, "storagevol.rng")):
        for doc, rng in ((xml, "storagevol.rng"), (pool, "storagepool.rng")):
            path = os.path.join(tmp_root, "doc.xml")
            with open(path, "w") as f:
                f.write(doc)
            p = subprocess.run(["xmllint", "--noout", "--relaxng", os.path.join(SCHEMAS, rng),
                                path], capture_output=True, text=True)
            assert p.returncode == 0, p.stderr + doc
