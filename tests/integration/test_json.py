# SPDX-License-Identifier: LGPL-2.1-or-later
"""--json on the listing and info commands: one stable schema (docs/json.md)."""
import json
import os

from conftest import dir_pool_xml, wait_for


def start_with_pools(daemon, tmp_root):
    path = os.path.join(tmp_root, "pools", "js")
    os.makedirs(path)
    with open(os.path.join(path, "a.img"), "wb") as f:
        f.truncate(1 << 20)
    daemon.write_def("js", dir_pool_xml("js", path, "8c6f2a4e-1b7d-4f3a-9e2c-5d8b0a1c3e47"),
                     autostart=True)
    daemon.write_def("off", dir_pool_xml("off", os.path.join(tmp_root, "pools", "off")))
    daemon.start()
    wait_for(lambda: daemon.pools().get("js") == ("active", "yes"), what="js running")
    return path


def test_pool_list_json(daemon, tmp_root):
    start_with_pools(daemon, tmp_root)
    doc = json.loads(daemon.ctl("pool-list", "--all", "--json").stdout)
    pools = {p["name"]: p for p in doc["pools"]}
    assert set(pools) == {"js", "off"}
    js = pools["js"]
    assert js["uuid"] == "8c6f2a4e-1b7d-4f3a-9e2c-5d8b0a1c3e47"
    assert (js["type"], js["state"], js["phase"]) == ("dir", "active", "running")
    assert js["autostart"] is True and js["persistent"] is True
    assert js["capacity"] > 0 and js["capacity"] >= js["allocation"]
    off = pools["off"]
    assert (off["state"], off["capacity"], off["allocation"], off["available"]) == \
        ("inactive", None, None, None)
    # the filters apply as without --json
    doc = json.loads(daemon.ctl("pool-list", "--json").stdout)
    assert [p["name"] for p in doc["pools"]] == ["js"]


def test_pool_info_json(daemon, tmp_root):
    start_with_pools(daemon, tmp_root)
    js = json.loads(daemon.ctl("pool-info", "js", "--json").stdout)
    assert js["name"] == "js" and js["state"] == "active" and js["capacity"] > 0


def test_vol_list_and_vol_info_json(daemon, tmp_root):
    path = start_with_pools(daemon, tmp_root)
    doc = json.loads(daemon.ctl("vol-list", "js", "--json").stdout)
    assert doc["pool"] == "js"
    assert doc["volumes"] == [{"name": "a.img", "key": f"{path}/a.img", "path": f"{path}/a.img",
                               "type": "file", "capacity": 1 << 20, "allocation": 0,
                               "physical": 1 << 20}]
    info = json.loads(daemon.ctl("vol-info", "a.img", "--pool", "js", "--json").stdout)
    assert info == {"name": "a.img", "path": f"{path}/a.img", "type": "file", "format": "raw",
                    "capacity": 1 << 20, "allocation": 0, "physical": 1 << 20}


def test_status_json(daemon, tmp_root):
    start_with_pools(daemon, tmp_root)
    doc = json.loads(daemon.ctl("status", "--json").stdout)
    st = {p["name"]: p for p in doc["pools"]}
    assert st["js"]["phase"] == "running" and st["js"]["reason"] is None
    assert st["js"]["since_usec"] > 0 and st["js"]["next_retry_usec"] is None
    assert st["off"]["phase"] == "inactive" and st["off"]["pending_change"] is None
