# SPDX-License-Identifier: LGPL-2.1-or-later
"""Root tier: an inotify queue overflow ends with the same volume list as a full refresh."""
import os
import signal

import pytest

from conftest import dir_pool_xml, root_tier_unavailable, wait_for

QUEUE = "/proc/sys/fs/inotify/max_queued_events"


def need_root():
    if os.geteuid() != 0:
        root_tier_unavailable("needs root to lower fs.inotify.max_queued_events")


@pytest.fixture
def small_inotify_queue():
    need_root()
    with open(QUEUE) as f:
        old = f.read().strip()
    # The limit is taken when an inotify instance is created: poold starts after this.
    with open(QUEUE, "w") as f:
        f.write("16")
    try:
        yield
    finally:
        with open(QUEUE, "w") as f:
            f.write(old)


def test_overflow_ends_with_the_volume_list_of_a_full_refresh(small_inotify_queue, daemon,
                                                              tmp_root):
    path = os.path.join(tmp_root, "pools", "flood")
    os.makedirs(path)
    daemon.write_def("flood", dir_pool_xml("flood", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("flood") == ("active", "yes"), what="flood running")

    # Freeze poold so the kernel queue (16 events) overflows while files come and go.
    daemon.proc.send_signal(signal.SIGSTOP)
    try:
        for i in range(300):
            with open(os.path.join(path, f"f{i:03d}.img"), "wb") as f:
                f.write(b"x")
        for i in range(0, 300, 3):
            os.unlink(os.path.join(path, f"f{i:03d}.img"))
    finally:
        daemon.proc.send_signal(signal.SIGCONT)

    expected = sorted(os.listdir(path))
    assert len(expected) == 200
    wait_for(lambda: daemon.volumes("flood") == expected, timeout=30, what="volumes converge")
    assert "overflowed" in daemon.logs()
    # and a full refresh agrees
    daemon.ctl("pool-refresh", "flood")
    assert daemon.volumes("flood") == expected
