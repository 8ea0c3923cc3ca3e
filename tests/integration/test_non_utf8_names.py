# SPDX-License-Identifier: LGPL-2.1-or-later
"""A file whose name is not UTF-8 (caf\\xe9.img, from a Latin-1 system) in a dir pool: poolctl
lists and shows it with its bytes, and finds it by those bytes, as virsh does. D-Bus carries
such names as U+10FF00 + byte (docs/dbus-api.md); --json too (docs/json.md)."""
import json
import os
import shutil
import signal
import subprocess

import pytest

from conftest import POOLCTL, dir_pool_xml, wait_for
from golden import read_until, wait_connected

LATIN1 = os.fsencode("caf\udce9.img")            # b"caf\xe9.img"
LITERAL = "x\U0010ffe9y.img".encode()            # valid UTF-8 holding a code point of the escape range


def ctl(daemon, *args, check=True):
    """poolctl with bytes arguments, bytes output."""
    p = subprocess.run([POOLCTL.encode(), *[a if isinstance(a, bytes) else a.encode()
                                            for a in args]],
                       env=daemon.env(), capture_output=True, timeout=60)
    if check and p.returncode != 0:
        raise AssertionError(f"poolctl {args!r} failed ({p.returncode}):\n{p.stdout!r}\n"
                             f"{p.stderr!r}\n--- poold log ---\n{daemon.logs()[-4000:]}")
    return p


def start_pool(daemon, tmp_root):
    path = os.path.join(tmp_root, "pools", "latin")
    os.makedirs(path)
    for name in (LATIN1, LITERAL, b"plain.img"):
        with open(os.path.join(os.fsencode(path), name), "wb") as f:
            f.write(b"\0" * 4096)
    daemon.write_def("latin", dir_pool_xml("latin", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("latin") == ("active", "yes"), what="pool running")
    return os.fsencode(path)


def test_vol_list_shows_the_bytes(daemon, tmp_root):
    path = start_pool(daemon, tmp_root)
    out = ctl(daemon, "-q", "vol-list", "latin").stdout
    rows = [line.split() for line in out.splitlines() if line.strip()]
    assert [r[0] for r in rows] == [b"caf\xe9.img", b"plain.img", LITERAL]
    assert rows[0][1] == path + b"/caf\xe9.img"
    assert rows[2][1] == path + b"/" + LITERAL
    details = ctl(daemon, "vol-list", "latin", "--details").stdout
    assert b" caf\xe9.img " in details and path + b"/caf\xe9.img " in details


def test_vol_info_path_key_dumpxml_by_the_raw_name(daemon, tmp_root):
    path = start_pool(daemon, tmp_root)
    vpath = path + b"/caf\xe9.img"
    info = ctl(daemon, "vol-info", "--pool", "latin", LATIN1).stdout
    assert info.startswith(b"Name:           caf\xe9.img\nType:           file\n"), info
    assert ctl(daemon, "vol-path", "--pool", "latin", LATIN1).stdout == vpath + b"\n\n"
    assert ctl(daemon, "vol-key", "--pool", "latin", LATIN1).stdout == vpath + b"\n\n"
    # by path and by key, with no pool
    assert ctl(daemon, "vol-name", vpath).stdout == b"caf\xe9.img\n\n"
    assert ctl(daemon, "vol-pool", vpath).stdout == b"latin\n\n"
    xml = ctl(daemon, "vol-dumpxml", "--pool", "latin", LATIN1).stdout
    assert b"<name>caf\xe9.img</name>" in xml
    assert b"<key>" + vpath + b"</key>" in xml and b"<path>" + vpath + b"</path>" in xml
    # the literal U+10FFE9 is itself, not the byte 0xE9
    assert ctl(daemon, "vol-path", "--pool", "latin", LITERAL).stdout == \
        path + b"/" + LITERAL + b"\n\n"
    assert b"<name>" + LITERAL + b"</name>" in \
        ctl(daemon, "vol-dumpxml", "--pool", "latin", LITERAL).stdout


def test_json_carries_bytes_as_private_use_code_points(daemon, tmp_root):
    path = start_pool(daemon, tmp_root)
    doc = json.loads(ctl(daemon, "vol-list", "latin", "--json").stdout.decode("utf-8"))
    names = [v["name"] for v in doc["volumes"]]
    esc = "".join(chr(0x10FF00 + b) for b in "\U0010ffe9".encode())
    assert names == ["caf\U0010ffe9.img", "plain.img", "x" + esc + "y.img"]
    assert doc["volumes"][0]["path"] == os.fsdecode(path) + "/caf\U0010ffe9.img"
    info = json.loads(ctl(daemon, "vol-info", "--pool", "latin", LATIN1, "--json").stdout)
    assert info["name"] == "caf\U0010ffe9.img"


def test_vol_delete_by_the_raw_name(daemon, tmp_root):
    path = start_pool(daemon, tmp_root)
    p = ctl(daemon, "vol-delete", "--pool", "latin", LATIN1)
    assert p.stdout == b"Vol caf\xe9.img deleted\n\n"
    assert not os.path.exists(path + b"/caf\xe9.img")
    wait_for(lambda: b"caf\xe9.img" not in ctl(daemon, "-q", "vol-list", "latin").stdout,
             what="the volume gone from the list")
    p = ctl(daemon, "vol-info", "--pool", "latin", LATIN1, check=False)
    assert p.returncode == 1
    assert b"'caf\xe9.img'" in p.stderr


def test_volume_events_carry_the_bytes(daemon, tmp_root):
    path = start_pool(daemon, tmp_root)
    p = subprocess.Popen([POOLCTL, "event", "--loop", "--pool", "latin"], env=daemon.env(),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_connected(p)
        with open(path + b"/ni\xf1o.img", "wb") as f:
            f.write(b"x")
        data = read_until(p.stdout.fileno(), lambda d: b"ni\xf1o.img\n" in d, timeout=15)
    finally:
        p.send_signal(signal.SIGINT)
        p.communicate(timeout=30)
    assert b"event 'volume-added' for storage volume latin/ni\xf1o.img\n" in data


def busctl(daemon, *args):
    return subprocess.run(["busctl", "--address=unix:path=" + os.path.join(daemon.runtime,
                                                                          "control"), *args],
                          capture_output=True, timeout=60)


@pytest.mark.skipif(shutil.which("busctl") is None, reason="no busctl")
def test_the_bus_form_as_busctl_sees_it(daemon, tmp_root):
    start_pool(daemon, tmp_root)
    p = busctl(daemon, "call", "org.poold1", "/org/poold1/pool/latin", "org.poold1.Pool",
               "LookupVolume", "s", "caf\U0010ffe9.img")
    assert p.returncode == 0, p.stderr
    obj = p.stdout.decode().split('"')[1]
    assert obj == "/org/poold1/pool/latin/vol/caf_e9_2eimg"  # sd_bus_path_encode of the bytes
    p = busctl(daemon, "get-property", "org.poold1", obj, "org.poold1.Volume", "Name")
    # busctl prints the code point's UTF-8 bytes (F4 8F BF A9) in octal: not printable
    assert p.stdout == b's "caf\\364\\217\\277\\251.img"\n'
    # U+10FF00..U+10FF7F are never written by the encoder: refused, not read as ASCII
    p = busctl(daemon, "call", "org.poold1", "/org/poold1/pool/latin", "org.poold1.Pool",
               "LookupVolume", "s", "caf\U0010ff2e" + "img")
    assert p.returncode != 0
    assert b"invalid escape" in p.stderr
