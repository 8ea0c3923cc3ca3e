# SPDX-License-Identifier: LGPL-2.1-or-later
"""poold end to end with dir pools: definitions dropped in, volumes kept current, restarts."""
import os
import shutil
import signal
import subprocess

import pytest

from conftest import Daemon, dir_pool_xml, wait_for


def make_pool_dir(root, name):
    path = os.path.join(root, "pools", name)
    os.makedirs(path, exist_ok=True)
    return path


def test_dropped_definition_becomes_a_defined_pool(daemon, tmp_root):
    daemon.start()
    path = make_pool_dir(tmp_root, "a")
    daemon.write_def("a", dir_pool_xml("a", path))
    wait_for(lambda: daemon.pools().get("a") == ("inactive", "no"), what="pool a defined")


def test_dropped_definition_with_autostart_runs(daemon, tmp_root):
    daemon.start()
    path = make_pool_dir(tmp_root, "b")
    open(os.path.join(path, "disk.img"), "w").close()
    daemon.write_def("b", dir_pool_xml("b", path), autostart=True)
    wait_for(lambda: daemon.pools().get("b") == ("active", "yes"), what="pool b running")
    assert daemon.volumes("b") == ["disk.img"]


def test_files_show_up_in_the_volume_list_without_a_refresh(daemon, tmp_root):
    path = make_pool_dir(tmp_root, "c")
    daemon.write_def("c", dir_pool_xml("c", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("c") == ("active", "yes"), what="pool c running")
    assert daemon.volumes("c") == []

    # created and written
    with open(os.path.join(path, "one.img"), "wb") as f:
        f.write(b"\0" * 4096)
    wait_for(lambda: daemon.volumes("c") == ["one.img"], what="one.img listed")
    # renamed
    os.rename(os.path.join(path, "one.img"), os.path.join(path, "two.img"))
    wait_for(lambda: daemon.volumes("c") == ["two.img"], what="rename seen")
    # written: the capacity follows
    with open(os.path.join(path, "two.img"), "ab") as f:
        f.write(b"\0" * (1024 * 1024))
    wait_for(lambda: "1.00 MiB" in daemon.ctl("vol-list", "c", "--details").stdout,
             what="new size seen")
    # deleted
    os.unlink(os.path.join(path, "two.img"))
    wait_for(lambda: daemon.volumes("c") == [], what="deletion seen")


def test_removed_definition_stops_and_forgets_the_pool(daemon, tmp_root):
    path = make_pool_dir(tmp_root, "d")
    xml = daemon.write_def("d", dir_pool_xml("d", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("d") == ("active", "yes"), what="pool d running")
    os.unlink(os.path.join(daemon.defs, "autostart", "d.xml"))
    os.unlink(xml)
    wait_for(lambda: "d" not in daemon.pools(), what="pool d forgotten")
    assert not os.path.exists(os.path.join(daemon.runtime, "state", "d.xml"))


def test_kill_9_and_restart_adopts_and_keeps_intents(daemon, tmp_root):
    p_auto = make_pool_dir(tmp_root, "auto")
    p_started = make_pool_dir(tmp_root, "started")
    p_never = make_pool_dir(tmp_root, "never")
    p_destroyed = make_pool_dir(tmp_root, "destroyed")
    daemon.write_def("auto", dir_pool_xml("auto", p_auto), autostart=True)
    daemon.write_def("started", dir_pool_xml("started", p_started))
    daemon.write_def("never", dir_pool_xml("never", p_never))
    daemon.write_def("destroyed", dir_pool_xml("destroyed", p_destroyed), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("auto") == ("active", "yes"), what="auto running")
    daemon.ctl("pool-start", "started")
    wait_for(lambda: daemon.pools().get("destroyed") == ("active", "yes"), what="destroyed up")
    daemon.ctl("pool-destroy", "destroyed")
    before = daemon.pools()
    assert before == {"auto": ("active", "yes"), "started": ("active", "no"),
                      "never": ("inactive", "no"), "destroyed": ("inactive", "yes")}

    daemon.stop(signal.SIGKILL)
    daemon.start()
    assert daemon.pools() == before
    log = daemon.logs()
    assert "adopted" in log
    # nothing unwanted was started: "never" and "destroyed" stayed down
    assert daemon.status()["never"] == "inactive"
    assert daemon.status()["destroyed"] == "inactive"


def test_bad_definition_is_reported_and_others_keep_working(daemon, tmp_root):
    good = make_pool_dir(tmp_root, "good")
    daemon.write_def("good", dir_pool_xml("good", good), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("good") == ("active", "yes"), what="good running")
    daemon.write_def("bad", "<pool type='dir'>\n  <name>bad</name>\n  <target>\n"
                            "    <path>/x</path>\n  </targt>\n</pool>\n")
    wait_for(lambda: "bad.xml:5:" in daemon.logs(), what="bad.xml reported with its line")
    open(os.path.join(good, "still.img"), "w").close()
    wait_for(lambda: daemon.volumes("good") == ["still.img"], what="good still working")
    assert "bad" not in daemon.pools()


def test_pool_define_start_destroy_undefine_through_poolctl(daemon, tmp_root):
    path = make_pool_dir(tmp_root, "cli")
    xml = os.path.join(tmp_root, "cli.xml")
    with open(xml, "w") as f:
        f.write(dir_pool_xml("cli", path))
    daemon.start()
    out = daemon.ctl("pool-define", xml).stdout
    assert out == f"Pool cli defined from {xml}\n\n"
    assert daemon.ctl("pool-start", "cli").stdout == "Pool cli started\n\n"
    r = daemon.ctl("pool-start", "cli", check=False)
    assert r.returncode == 1
    assert r.stderr == ("error: Failed to start pool cli\n"
                        "error: Requested operation is not valid: storage pool 'cli' is already "
                        "active\n")
    assert daemon.ctl("vol-create-as", "cli", "v1.img", "1M").stdout == "Vol v1.img created\n\n"
    assert os.path.getsize(os.path.join(path, "v1.img")) == 1024 * 1024
    assert daemon.volumes("cli") == ["v1.img"]
    assert daemon.ctl("vol-delete", "--pool", "cli", "v1.img").stdout == "Vol v1.img deleted\n\n"
    assert not os.path.exists(os.path.join(path, "v1.img"))
    assert daemon.ctl("pool-destroy", "cli").stdout == "Pool cli destroyed\n\n"
    assert daemon.ctl("pool-undefine", "cli").stdout == "Pool cli has been undefined\n\n"
    assert not os.path.exists(os.path.join(daemon.defs, "cli.xml"))


def test_unknown_pool_gives_virsh_errors(daemon):
    daemon.start()
    r = daemon.ctl("pool-start", "nope", check=False)
    assert r.returncode == 1
    assert r.stderr == ("error: failed to get pool 'nope'\n"
                        "error: Storage pool not found: no storage pool with matching name "
                        "'nope'\n")


def test_sigterm_leaves_pools_running(daemon, tmp_root):
    path = make_pool_dir(tmp_root, "stay")
    daemon.write_def("stay", dir_pool_xml("stay", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("stay") == ("active", "yes"), what="stay running")
    assert daemon.stop() == 0
    assert os.path.exists(os.path.join(daemon.runtime, "state", "stay.xml"))


def test_transient_pool_lives_until_stopped(daemon, tmp_root):
    path = make_pool_dir(tmp_root, "tmp")
    xml = os.path.join(tmp_root, "tmp.xml")
    with open(xml, "w") as f:
        f.write(dir_pool_xml("tmp", path))
    daemon.start()
    assert daemon.ctl("pool-create", xml).stdout == f"Pool tmp created from {xml}\n\n"
    assert daemon.pools().get("tmp") == ("active", "no")
    out = daemon.ctl("pool-list", "--all", "--transient").stdout
    assert " tmp " in out
    # it survives a daemon restart, adopted from the runtime directory
    daemon.stop(signal.SIGKILL)
    daemon.start()
    assert daemon.pools().get("tmp") == ("active", "no")
    assert daemon.ctl("pool-destroy", "tmp").stdout == "Pool tmp destroyed\n\n"
    wait_for(lambda: "tmp" not in daemon.pools(), what="transient pool gone")


def test_transient_pool_that_cannot_start_is_not_kept(daemon, tmp_root):
    xml = os.path.join(tmp_root, "gone.xml")
    with open(xml, "w") as f:
        f.write(dir_pool_xml("gone", os.path.join(tmp_root, "no-such-dir")))
    daemon.start()
    r = daemon.ctl("pool-create", xml, check=False)
    assert r.returncode == 1
    assert r.stderr.startswith(f"error: Failed to create pool from {xml}\nerror: ")
    assert "No such file or directory" in r.stderr
    wait_for(lambda: "gone" not in daemon.pools(), what="failed transient pool dropped")


def test_missing_directory_waits_and_starts_when_it_appears(daemon, tmp_root):
    path = os.path.join(tmp_root, "pools", "late")
    daemon.write_def("late", dir_pool_xml("late", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.status().get("late") == "waiting", what="late waiting")
    os.makedirs(path)
    # the back-off retry (1 s, then 2 s ...) picks it up without anyone asking
    wait_for(lambda: daemon.pools().get("late") == ("active", "yes"), timeout=20,
             what="late running")


def test_definition_changed_while_running_is_pending_until_restart(daemon, tmp_root):
    a = make_pool_dir(tmp_root, "chg-a")
    b = make_pool_dir(tmp_root, "chg-b")
    open(os.path.join(b, "in-b.img"), "w").close()
    daemon.write_def("chg", dir_pool_xml("chg", a), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("chg") == ("active", "yes"), what="chg running")
    daemon.write_def("chg", dir_pool_xml("chg", b))
    wait_for(lambda: " yes " in daemon.ctl("status", "chg").stdout, what="pending change")
    assert daemon.volumes("chg") == []
    assert f"<path>{a}</path>" in daemon.ctl("pool-dumpxml", "chg").stdout
    assert f"<path>{b}</path>" in daemon.ctl("pool-dumpxml", "--inactive", "chg").stdout
    daemon.ctl("pool-destroy", "chg")
    daemon.ctl("pool-start", "chg")
    assert daemon.volumes("chg") == ["in-b.img"]


def test_autostart_link_added_starts_and_removed_stops_the_pool(daemon, tmp_root):
    path = make_pool_dir(tmp_root, "link")
    daemon.write_def("link", dir_pool_xml("link", path))
    daemon.start()
    wait_for(lambda: daemon.pools().get("link") == ("inactive", "no"), what="link defined")
    os.makedirs(os.path.join(daemon.defs, "autostart"), exist_ok=True)
    os.symlink(os.path.join(daemon.defs, "link.xml"),
               os.path.join(daemon.defs, "autostart", "link.xml"))
    wait_for(lambda: daemon.pools().get("link") == ("active", "yes"), what="link started")
    os.unlink(os.path.join(daemon.defs, "autostart", "link.xml"))
    wait_for(lambda: daemon.pools().get("link") == ("inactive", "no"), what="link stopped")


def test_pool_autostart_disable_keeps_a_running_pool_running_as_virsh_does(daemon, tmp_root):
    path = make_pool_dir(tmp_root, "keep")
    daemon.write_def("keep", dir_pool_xml("keep", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("keep") == ("active", "yes"), what="keep running")
    out = daemon.ctl("pool-autostart", "--disable", "keep").stdout
    assert out == "Pool keep unmarked as autostarted\n\n"
    assert not os.path.lexists(os.path.join(daemon.defs, "autostart", "keep.xml"))
    assert daemon.pools().get("keep") == ("active", "no")
    assert daemon.ctl("pool-autostart", "keep").stdout == "Pool keep marked as autostarted\n\n"
    assert os.path.realpath(os.path.join(daemon.defs, "autostart", "keep.xml")) == \
        os.path.join(daemon.defs, "keep.xml")


def test_types_without_a_backend_parse_and_say_they_are_unsupported(daemon, tmp_root):
    daemon.write_def("vg0", "<pool type='logical'>\n  <name>vg0</name>\n  <source>\n"
                            "    <device path='/dev/disk/by-uuid/1234-5678'/>\n"
                            "    <format type='lvm2'/>\n    <name>vg0</name>\n  </source>\n"
                            "  <target>\n    <path>/dev/vg0</path>\n  </target>\n</pool>\n",
                     autostart=True)
    daemon.start()
    assert daemon.pools().get("vg0") == ("inactive", "yes")
    out = daemon.ctl("status", "vg0").stdout
    assert " failed " in out and "unsupported pool type 'logical'" in out
    r = daemon.ctl("pool-start", "vg0", check=False)
    assert r.returncode == 1
    assert r.stderr == ("error: Failed to start pool vg0\n"
                        "error: unsupported storage pool type 'logical'\n")
    assert "<device path='/dev/disk/by-uuid/1234-5678'/>" in daemon.ctl("pool-dumpxml",
                                                                         "vg0").stdout


def test_a_file_whose_name_has_a_newline_can_be_shown_resized_and_deleted(daemon, tmp_root):
    """Requests copy the volume as found; its name is a file's, not a document's, and need not
    pass the checks of <name> (libvirt's vol-info, vol-resize and vol-delete work on it)."""
    path = make_pool_dir(tmp_root, "nl")
    name = "new\nline.img"
    with open(os.path.join(path, name), "wb") as f:
        f.write(b"\0" * 4096)
    daemon.write_def("nl", dir_pool_xml("nl", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("nl") == ("active", "yes"), what="pool nl running")
    assert f"<name>{name}</name>" in daemon.ctl("vol-dumpxml", "--pool", "nl", name).stdout
    assert "Capacity:       4.00 KiB" in daemon.ctl("vol-info", "--pool", "nl", name).stdout
    daemon.ctl("vol-resize", "--pool", "nl", name, "8K")
    assert os.path.getsize(os.path.join(path, name)) == 8192
    daemon.ctl("vol-delete", "--pool", "nl", name)
    assert not os.path.exists(os.path.join(path, name))


def listed_capacity(daemon, pool, name):
    """The capacity vol-list --details shows (vol-info would read the volume again)."""
    for line in daemon.ctl("vol-list", pool, "--details").stdout.splitlines():
        if line.split() and line.split()[0] == name:
            return " ".join(line.split()[3:5])
    return None


@pytest.mark.skipif(shutil.which("qemu-img") is None, reason="qemu-img not installed")
def test_pool_refresh_reads_again_a_qcow2_whose_header_changed_and_keeps_the_others(
        daemon, tmp_root):
    """A refresh reads again only files whose facts moved: a header rewritten in place moves
    the mtime (a write not yet closed: inotify says nothing, IN_MODIFY is not watched)."""
    path = make_pool_dir(tmp_root, "q")
    image = os.path.join(path, "vm.qcow2")
    subprocess.run(["qemu-img", "create", "-f", "qcow2", image, "1G"], check=True,
                   capture_output=True)
    with open(os.path.join(path, "other.img"), "wb") as f:
        f.write(b"\0" * 4096)
    daemon.write_def("q", dir_pool_xml("q", path), autostart=True)
    daemon.start()
    wait_for(lambda: daemon.pools().get("q") == ("active", "yes"), what="pool q running")
    daemon.ctl("pool-refresh", "q")  # a refresh of an unchanged pool
    assert listed_capacity(daemon, "q", "vm.qcow2") == "1.00 GiB"

    before = os.stat(image)
    fd = os.open(image, os.O_WRONLY)
    try:
        os.pwrite(fd, (2 << 30).to_bytes(8, "big"), 24)  # qcow2 header: virtual size
        assert os.stat(image).st_mtime_ns != before.st_mtime_ns
        assert listed_capacity(daemon, "q", "vm.qcow2") == "1.00 GiB"  # nobody told poold
        daemon.ctl("pool-refresh", "q")
        assert listed_capacity(daemon, "q", "vm.qcow2") == "2.00 GiB"
    finally:
        os.close(fd)
    assert daemon.volumes("q") == ["other.img", "vm.qcow2"]
    assert listed_capacity(daemon, "q", "other.img") == "4.00 KiB"
