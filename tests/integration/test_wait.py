# SPDX-License-Identifier: LGPL-2.1-or-later
"""poolctl wait: returns once every named pool runs (what poold-wait@.service relies on)."""
import os
import subprocess
import time

from conftest import POOLCTL, dir_pool_xml, wait_for


def test_wait_returns_when_a_waiting_pool_starts(daemon, tmp_root):
    path = os.path.join(tmp_root, "pools", "w")
    daemon.write_def("w", dir_pool_xml("w", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.status().get("w") == "waiting", what="w waiting")
    t0 = time.monotonic()
    waiter = subprocess.Popen([POOLCTL, "wait", "w", "--timeout", "30"], env=daemon.env(),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(0.3)
    assert waiter.poll() is None  # still waiting
    os.makedirs(path)
    out, err = waiter.communicate(timeout=30)
    assert waiter.returncode == 0, err
    assert time.monotonic() - t0 < 25


def test_wait_returns_at_once_for_running_pools(daemon, tmp_root):
    path = os.path.join(tmp_root, "pools", "r")
    os.makedirs(path)
    daemon.write_def("r", dir_pool_xml("r", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("r") == ("active", "yes"), what="r running")
    assert daemon.ctl("wait", "r", "--timeout", "5").returncode == 0


def test_wait_times_out_on_a_pool_nobody_starts(daemon, tmp_root):
    path = os.path.join(tmp_root, "pools", "idle")
    os.makedirs(path)
    daemon.write_def("idle", dir_pool_xml("idle", path))
    daemon.start()
    r = daemon.ctl("wait", "idle", "--timeout", "1", check=False)
    assert r.returncode == 1
    assert r.stderr == "error: pool 'idle' is not running after 1 s\n"


def test_wait_for_an_unknown_pool_fails(daemon):
    daemon.start()
    r = daemon.ctl("wait", "ghost", "--timeout", "1", check=False)
    assert r.returncode == 1
    assert "no storage pool with matching name 'ghost'" in r.stderr
