# SPDX-License-Identifier: LGPL-2.1-or-later
"""poolctl's vol-* commands against the real poold, compared with golden transcripts.

Each tests/golden/vol/NAME.out is a transcript written from virsh's documented formats
(LIBVIRT-NOTES.md, sections 4 and 5):

    $ poolctl ARGS...      the command
    ...                    its standard output, verbatim
    ! LINE                 a line of its standard error
    ? N                    its exit status, when not 0
    % no newline at end    its output did not end with a newline

Every daemon here lives under /tmp/poold-it-XXXXXXXX (mkdtemp's eight characters), shown as
that literal name: the paths keep their length, so tables keep their alignment. Values that
depend on the file system or the moment (the allocation of a qcow2 image, timestamps, owner)
are checked on their own, then shown as @NAME@ placeholders.

POOLD_UPDATE_GOLDEN=1 rewrites the golden files from what poolctl prints (review the diff).
"""
import os
import re
import select
import shlex
import shutil
import subprocess
import socket
import tempfile
import time
from pathlib import Path

import pytest

from conftest import POOLCTL, SANITIZER_MARKS, Daemon, dir_pool_xml, wait_for

GOLDEN = Path(__file__).resolve().parent.parent / "golden" / "vol"
SHOWN_ROOT = "/tmp/poold-it-XXXXXXXX"
MiB = 1024 * 1024
UUIDS = {
    "gold": "8a1c0e0c-1f6b-4a52-9d2e-3f1f5c0b7a01",
    "other": "8a1c0e0c-1f6b-4a52-9d2e-3f1f5c0b7a02",
    "idle": "8a1c0e0c-1f6b-4a52-9d2e-3f1f5c0b7a03",
    "img": "8a1c0e0c-1f6b-4a52-9d2e-3f1f5c0b7a04",
}

needs_qemu_img = pytest.mark.skipif(shutil.which("qemu-img") is None,
                                    reason="qemu-img not installed")


class Transcript:
    """Commands run through poolctl, rendered as in the golden files."""

    def __init__(self, daemon, root):
        self.daemon = daemon
        self.root = root
        self.parts = []

    def shown(self, text):
        return text.replace(self.root, SHOWN_ROOT)

    def run(self, *args, subs=(), rc=None):
        p = self.daemon.ctl(*args, check=False)
        out, err = self.shown(p.stdout), self.shown(p.stderr)
        for pattern, replacement in subs:
            out = re.sub(pattern, replacement, out, flags=re.M)
            err = re.sub(pattern, replacement, err, flags=re.M)
        self.record(args, out, err, p.returncode)
        if rc is not None:
            assert p.returncode == rc, f"poolctl {args}: {p.returncode}\n{p.stdout}{p.stderr}"
        return p

    def record(self, args, out, err, returncode):
        block = "$ poolctl " + " ".join(shlex.quote(self.shown(a)) for a in args) + "\n"
        block += out
        if out and not out.endswith("\n"):
            block += "\n% no newline at end\n"
        block += "".join(f"! {line}\n" for line in err.splitlines())
        if returncode:
            block += f"? {returncode}\n"
        self.parts.append(block)

    def check(self, name):
        text = "".join(self.parts)
        path = GOLDEN / f"{name}.out"
        if os.environ.get("POOLD_UPDATE_GOLDEN"):
            path.write_text(text)
        assert text == path.read_text()


@pytest.fixture
def root():
    # mkdtemp in /tmp: the root's length, so the tables' widths, are the same everywhere
    path = tempfile.mkdtemp(prefix="poold-it-", dir="/tmp")
    assert len(path) == len(SHOWN_ROOT), path
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def daemon(root):
    d = Daemon(root)
    yield d
    d.stop()
    log = d.logs() if os.path.exists(d.log_path) else ""
    for mark in SANITIZER_MARKS:
        assert mark not in log, f"sanitizer report from poold:\n{log[-6000:]}"


def pool_xml(name, path):
    return dir_pool_xml(name, path, uuid=UUIDS[name])


def sparse(path, size):
    with open(path, "wb") as f:
        f.truncate(size)
    os.chmod(path, 0o644)


def pattern(size, seed=1):
    return bytes((i * 131 + seed * 7 + (i >> 9)) % 251 + 1 for i in range(size))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)
    os.chmod(path, 0o644)


def read(path):
    with open(path, "rb") as f:
        return f.read()


def qemu_img(*args, cwd):
    subprocess.run(["qemu-img", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def pools(daemon, root):
    """gold (three volumes whose sizes do not depend on the file system), other (one
    volume), idle (defined, never started); all with fixed UUIDs."""
    paths = {}
    for name in ("gold", "other", "idle"):
        paths[name] = os.path.join(root, name)
        os.makedirs(paths[name])
    sparse(os.path.join(paths["gold"], "a.img"), 1024 * MiB)
    sparse(os.path.join(paths["gold"], "b.img"), 100 * MiB)
    os.mkdir(os.path.join(paths["gold"], "dir1"))
    sparse(os.path.join(paths["other"], "o.img"), MiB)
    daemon.write_def("gold", pool_xml("gold", paths["gold"]), autostart=True)
    daemon.write_def("other", pool_xml("other", paths["other"]), autostart=True)
    daemon.write_def("idle", pool_xml("idle", paths["idle"]))
    daemon.start()
    wait_for(lambda: daemon.pools() == {"gold": ("active", "yes"), "other": ("active", "yes"),
                                        "idle": ("inactive", "no")}, what="pools up")
    return paths


@pytest.fixture
def images(daemon, root, pools):
    """img: base.raw (10 MiB, sparse), child.qcow2 (qcow2 v3 of 20 MiB on base.raw),
    v2.qcow2 (compat 0.10) and lazy.qcow2 (lazy refcounts)."""
    if shutil.which("qemu-img") is None:
        pytest.skip("qemu-img not installed")
    path = os.path.join(root, "img")
    os.makedirs(path)
    sparse(os.path.join(path, "base.raw"), 10 * MiB)
    qemu_img("create", "-f", "qcow2", "-b", "base.raw", "-F", "raw", "child.qcow2", "20M",
             cwd=path)
    qemu_img("create", "-f", "qcow2", "-o", "compat=0.10", "v2.qcow2", "1G", cwd=path)
    qemu_img("create", "-f", "qcow2", "-o", "lazy_refcounts=on", "lazy.qcow2", "4G", cwd=path)
    for f in os.listdir(path):
        os.chmod(os.path.join(path, f), 0o644)
    daemon.write_def("img", pool_xml("img", path), autostart=True)
    wait_for(lambda: daemon.pools().get("img") == ("active", "yes"), what="img up")
    return path


# Values that vary, checked before they are replaced by placeholders.
PRETTY = r"\d+\.\d{2} (B|KiB|MiB|GiB)"
ALLOCATION_LINE = (r"^(Allocation:\s+)\S+ \S+$", r"\1@ALLOCATION@")
PHYSICAL_LINE = (r"^(Physical:\s+)\S+ \S+$", r"\1@PHYSICAL@")
TIMES = (r"<([amc])time>\d+(\.\d{9})?</[amc]time>", r"<\1time>@TIME@</\1time>")
OWNER = (r"<owner>\d+</owner>", "<owner>@UID@</owner>")
GROUP = (r"<group>\d+</group>", "<group>@GID@</group>")
ALLOCATION = (r"<allocation unit='bytes'>\d+</allocation>",
              "<allocation unit='bytes'>@ALLOCATION@</allocation>")
PHYSICAL = (r"<physical unit='bytes'>\d+</physical>", "<physical unit='bytes'>@PHYSICAL@</physical>")


def assert_timestamps(xml):
    """Each <timestamps> (the target's, a backing store's) as libvirt 9.0 prints it on Linux."""
    blocks = re.findall(r"<timestamps>(.*?)</timestamps>", xml, re.S)
    assert blocks, xml
    for block in blocks:
        lines = [line.strip() for line in block.splitlines() if "time>" in line]
        assert [line[1:6] for line in lines] == ["atime", "mtime", "ctime", "btime"], lines
        for line in lines[:3]:
            assert re.fullmatch(r"<([amc])time>\d+(\.\d{9})?</\1time>", line), line
        assert lines[3] == "<btime>0</btime>", lines


# ---- listing and looking ---------------------------------------------------------------------

def test_vol_list_plain_details_and_quiet(daemon, pools):
    t = Transcript(daemon, daemon.root)
    t.run("vol-list", "gold", rc=0)
    t.run("vol-list", "gold", "--details", rc=0)
    t.run("-q", "vol-list", "gold", "--details", rc=0)
    t.run("-q", "vol-list", "--pool", "gold", rc=0)
    t.run("vol-list", "other", "--details", rc=0)
    t.run("vol-list", "idle", rc=1)
    t.run("vol-list", "nope", rc=1)
    t.run("vol-list", rc=1)
    t.run("vol-list", "gold", "extra", rc=1)
    t.check("vol-list")


def test_quiet_tables_are_as_wide_as_their_rows_only(daemon, pools, root):
    """virsh -q leaves the header out of the columns' widths, not only out of the output."""
    x = os.path.join(root, "x")
    os.makedirs(x)
    sparse(os.path.join(x, "v"), 0)
    daemon.write_def("x", dir_pool_xml("x", x), autostart=True)
    wait_for(lambda: daemon.pools().get("x") == ("active", "yes"), what="x up")
    out = daemon.ctl("-q", "vol-list", "x", "--details").stdout
    assert out == f" v   {x}/v   file   0.00 B   0.00 B\n"


def test_vol_info_of_sparse_raw_files_and_a_directory(daemon, pools):
    a = os.path.join(pools["gold"], "a.img")
    t = Transcript(daemon, daemon.root)
    t.run("vol-info", "a.img", "--pool", "gold", rc=0)
    t.run("vol-info", "--bytes", "a.img", "--pool", "gold", rc=0)
    t.run("vol-info", "--physical", "a.img", "--pool", "gold", rc=0)
    t.run("vol-info", "--bytes", "--physical", "a.img", "--pool", "gold", rc=0)
    t.run("vol-info", a, rc=0)
    t.run("vol-info", a.replace("/gold/", "//gold/"), rc=0)
    t.run("vol-info", "dir1", "--pool", "gold", rc=0)
    t.run("-q", "vol-info", "b.img", "--pool", "gold", rc=0)
    t.run("vol-info", "nope", rc=1)
    t.run("vol-info", "nope", "--pool", "gold", rc=1)
    t.run("vol-info", a.replace("/gold/", "//gold/nope/"), rc=1)
    t.run("vol-info", "a.img", "--pool", "idle", rc=1)
    t.run("vol-info", "a.img", "--pool", "nopool", rc=1)
    t.run("vol-info", a, "--pool", "other", rc=1)
    t.run("vol-info", rc=1)
    t.run("vol-info", "a.img", "--pool", rc=1)
    t.run("vol-info", "a.img", "--nope", rc=1)
    # virsh's command line: data by name, exact option names, each once
    t.run("vol-info", "--bytes", "--vol", "a.img", "--pool=gold", rc=0)
    t.run("vol-info", "a.img", "--pool", "gold", "--pool", "other", rc=1)
    t.run("vol-info", "--bytes=yes", "a.img", "--pool", "gold", rc=1)
    t.run("vol-info", "a.img", "--phys", "--pool", "gold", rc=1)
    t.run("vol-info", "a.img", "b.img", "--pool", "gold", rc=1)
    t.run("vol-info", "--vol", "a.img", "b.img", rc=1)
    t.check("vol-info")


def test_vol_info_of_qcow2_images(daemon, images):
    child = os.path.join(images, "child.qcow2")
    st = os.stat(child)
    t = Transcript(daemon, daemon.root)
    p = t.run("vol-info", "child.qcow2", "--pool", "img", subs=[ALLOCATION_LINE], rc=0)
    assert re.search(rf"^Allocation:\s+{PRETTY}$", p.stdout, re.M)
    p = t.run("vol-info", "--bytes", child, subs=[ALLOCATION_LINE], rc=0)
    assert f"\nAllocation:     {st.st_blocks * 512} bytes\n" in p.stdout
    p = t.run("vol-info", "--bytes", "--physical", child, subs=[PHYSICAL_LINE], rc=0)
    assert f"\nPhysical:       {st.st_size} bytes\n" in p.stdout
    t.run("vol-info", "v2.qcow2", "--pool", "img", subs=[ALLOCATION_LINE], rc=0)
    t.run("vol-info", "lazy.qcow2", "--pool", "img", "--bytes", subs=[ALLOCATION_LINE], rc=0)
    t.check("vol-info-qcow2")


def test_vol_dumpxml_of_qcow2_images_with_backing_store_and_xpath(daemon, images):
    child = os.path.join(images, "child.qcow2")
    st = os.stat(child)
    t = Transcript(daemon, daemon.root)
    for args in (("child.qcow2", "--pool", "img"), ("v2.qcow2", "--pool", "img"),
                 (os.path.join(images, "lazy.qcow2"),)):
        p = t.run("vol-dumpxml", *args, subs=[TIMES, OWNER, GROUP, ALLOCATION, PHYSICAL], rc=0)
        assert_timestamps(p.stdout)
        assert f"<owner>{os.getuid()}</owner>" in p.stdout
    p = daemon.ctl("vol-dumpxml", child)
    assert f"<allocation unit='bytes'>{st.st_blocks * 512}</allocation>" in p.stdout
    assert f"<physical unit='bytes'>{st.st_size}</physical>" in p.stdout
    # The backing file's own permissions and timestamps, as libvirt prints them.
    p = t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "//backingStore",
              subs=[TIMES, OWNER, GROUP], rc=0)
    assert_timestamps(p.stdout)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "//format", rc=0)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "//format", "--wrap",
          rc=0)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "/volume/target/compat",
          rc=0)
    t.run("vol-dumpxml", "lazy.qcow2", "--pool", "img", "--xpath", "//features", rc=0)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "//format/@type", rc=0)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "//nothing", rc=0)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "//nothing", "--wrap",
          rc=0)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "img", "--xpath", "count(//format)", rc=1)
    t.run("vol-dumpxml", "nope", "--pool", "img", rc=1)
    t.run("vol-dumpxml", "child.qcow2", "--pool", "idle", rc=1)
    t.check("vol-dumpxml")


def test_vol_path_key_name_and_pool(daemon, pools):
    a = os.path.join(pools["gold"], "a.img")
    o = os.path.join(pools["other"], "o.img")
    t = Transcript(daemon, daemon.root)
    t.run("vol-path", "a.img", "--pool", "gold", rc=0)
    t.run("vol-path", "--pool", UUIDS["gold"], "a.img", rc=0)
    t.run("vol-path", a, rc=0)
    t.run("vol-key", "a.img", "--pool", "gold", rc=0)
    t.run("vol-key", a, rc=0)
    t.run("vol-name", a, rc=0)
    t.run("vol-name", a.replace("/gold/", "/gold//"), rc=0)
    t.run("vol-pool", a, rc=0)
    t.run("vol-pool", "--uuid", o, rc=0)
    t.run("-q", "vol-pool", o, rc=0)
    t.run("vol-path", "nope", "--pool", "gold", rc=1)
    t.run("vol-path", "a.img", rc=1)
    t.run("vol-path", o, "--pool", "gold", rc=1)
    t.run("vol-key", "a.img", "--pool", "idle", rc=1)
    t.run("vol-key", "a.img", "--pool", "nopool", rc=1)
    t.run("vol-name", "a.img", rc=1)
    t.run("vol-name", "a.img", "--pool", "gold", rc=1)
    t.run("vol-pool", "a.img", rc=1)
    t.check("vol-path-key-name-pool")


def test_a_volume_gone_behind_poolds_back_prints_its_name_then_the_error(daemon, pools, root):
    """The case libvirt is known for (a file removed outside it stays listed until a
    refresh): vol-info re-reads the volume, prints libvirt's error, and poold drops it at
    once. To hold poold's own view of the pool still, a download into a FIFO nobody reads
    keeps the pool's job queue busy while the file goes."""
    gold = pools["gold"]
    sparse(os.path.join(gold, "big.img"), 4 * MiB)
    sparse(os.path.join(gold, "stale.img"), MiB)
    wait_for(lambda: "stale.img" in daemon.volumes("gold"), what="stale.img listed")
    fifo = os.path.join(root, "fifo")
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        download = subprocess.Popen([POOLCTL, "-q", "vol-download", "--pool", "gold",
                                     "big.img", fifo], env=daemon.env())
        assert select.select([reader], [], [], 10)[0], "the download did not start"
        os.unlink(os.path.join(gold, "stale.img"))
        time.sleep(0.3)  # inotify saw it; the refresh waits behind the download
        info = subprocess.Popen([POOLCTL, "vol-info", "--pool", "gold", "stale.img"],
                                env=daemon.env(), stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        first = info.stdout.readline()
        time.sleep(0.5)  # its Refresh is queued now, behind the download
        got = 0
        while True:
            select.select([reader], [], [], 10)
            try:
                chunk = os.read(reader, 1 << 20)
            except BlockingIOError:
                continue
            if not chunk:
                break
            got += len(chunk)
        assert download.wait(timeout=30) == 0
        assert got == 4 * MiB
        rest, err = info.communicate(timeout=30)
    finally:
        os.close(reader)
    t = Transcript(daemon, root)
    t.record(("vol-info", "--pool", "gold", "stale.img"), t.shown(first + rest),
             t.shown(err), info.returncode)
    t.run("vol-list", "gold", rc=0)
    t.run("vol-info", "--pool", "gold", "stale.img", rc=1)
    t.check("vol-info-stale")


# ---- creating ---------------------------------------------------------------------------------

def test_vol_create_from_an_xml_file(daemon, pools, root):
    new = os.path.join(root, "new.xml")
    with open(new, "w") as f:
        f.write("<volume>\n  <name>new.img</name>\n  <capacity unit='MiB'>8</capacity>\n"
                "  <allocation>0</allocation>\n</volume>\n")
    quiet = os.path.join(root, "quiet.xml")
    with open(quiet, "w") as f:
        f.write("<volume><name>quiet.img</name><capacity>4096</capacity></volume>\n")
    pre = os.path.join(root, "pre.xml")
    with open(pre, "w") as f:
        f.write("<volume><name>pre.img</name><capacity>4096</capacity></volume>\n")
    bad = os.path.join(root, "bad.xml")
    with open(bad, "w") as f:
        f.write("<volume><name>bad.img</name><capacity>many</capacity></volume>\n")
    t = Transcript(daemon, root)
    t.run("vol-create", "gold", new, rc=0)
    t.run("vol-info", "new.img", "--pool", "gold", rc=0)
    t.run("-q", "vol-create", "gold", quiet, rc=0)
    t.run("vol-create", "gold", new, rc=1)
    t.run("vol-create", "--validate", "other", new, rc=0)
    t.run("vol-create", "--prealloc-metadata", "gold", pre, rc=1)
    t.run("vol-create", "gold", bad, rc=1)
    t.run("vol-create", "gold", os.path.join(root, "missing.xml"), rc=1)
    t.run("vol-create", "idle", new, rc=1)
    t.run("vol-create", "nopool", new, rc=1)
    t.run("vol-create", "gold", rc=1)
    t.check("vol-create")
    assert os.path.getsize(os.path.join(pools["gold"], "new.img")) == 8 * MiB
    assert os.stat(os.path.join(pools["gold"], "new.img")).st_blocks == 0


def test_vol_create_from_another_volume(daemon, pools, root):
    o = os.path.join(pools["other"], "o.img")
    write(o, pattern(MiB))
    wait_for(lambda: "<allocation unit='bytes'>0<" not in daemon.ctl("vol-dumpxml", o).stdout,
             what="o.img rewritten")
    xml = os.path.join(root, "from.xml")
    with open(xml, "w") as f:
        f.write("<volume><name>from.img</name><capacity>0</capacity></volume>\n")
    t = Transcript(daemon, root)
    t.run("vol-create-from", "gold", xml, "o.img", "--inputpool", "other", rc=0)
    t.run("vol-create-from", "gold", xml, "o.img", "--inputpool", "other", rc=1)
    t.run("vol-create-from", "other", xml, o, rc=0)
    t.run("vol-create-from", "gold", xml, "o.img", rc=1)
    t.run("vol-create-from", "gold", xml, "o.img", "--inputpool", "gold", rc=1)
    t.run("vol-create-from", "gold", xml, o, "--inputpool", "gold", rc=1)
    t.run("vol-create-from", "gold", xml, "o.img", "--inputpool", "idle", rc=1)
    t.run("vol-create-from", "nopool", xml, "o.img", "--inputpool", "other", rc=1)
    t.run("vol-create-from", "gold", os.path.join(root, "missing.xml"), o, rc=1)
    t.check("vol-create-from")
    assert read(os.path.join(pools["gold"], "from.img")) == read(o)


def test_vol_clone_copies_the_data(daemon, pools, root):
    a = os.path.join(pools["gold"], "a.img")
    with open(a, "r+b") as f:
        f.seek(512 * MiB)
        f.write(pattern(4096))
    wait_for(lambda: "<allocation unit='bytes'>0<" not in daemon.ctl("vol-dumpxml", a).stdout,
             what="a.img rewritten")
    t = Transcript(daemon, root)
    t.run("vol-clone", "a.img", "copy.img", "--pool", "gold", rc=0)
    t.run("vol-clone", "a.img", "copy.img", "--pool", "gold", rc=1)
    t.run("-q", "vol-clone", a, "quiet.img", rc=0)
    p = t.run("vol-clone", "--print-xml", "b.img", "b2.img", "--pool", "gold",
              subs=[TIMES, OWNER, GROUP], rc=0)
    assert_timestamps(p.stdout)
    t.run("vol-clone", "nope", "x.img", "--pool", "gold", rc=1)
    t.run("vol-clone", "a.img", "x.img", rc=1)
    t.run("vol-clone", "a.img", rc=1)
    t.check("vol-clone")
    copy = os.path.join(pools["gold"], "copy.img")
    assert os.path.getsize(copy) == 1024 * MiB
    with open(a, "rb") as fa, open(copy, "rb") as fc:
        fa.seek(512 * MiB)
        fc.seek(512 * MiB)
        assert fa.read(8192) == fc.read(8192)
    assert os.stat(copy).st_blocks * 512 < 4 * MiB  # the holes stayed holes
    assert not os.path.exists(os.path.join(pools["gold"], "b2.img"))
    # --reflink: a reflink or nothing, which depends on the file system
    p = daemon.ctl("vol-clone", "--reflink", "b.img", "b3.img", "--pool", "gold", check=False)
    if p.returncode == 0:
        assert p.stdout == "Vol b3.img cloned from b.img\n\n"
    else:
        assert p.stderr.startswith("error: Failed to clone vol from b.img\n"
                                   "error: failed to clone files from "), p.stderr
        assert "b3.img" not in daemon.volumes("gold")


# ---- changing ---------------------------------------------------------------------------------

def test_vol_resize_with_every_flag_and_its_errors(daemon, pools):
    r = os.path.join(pools["gold"], "r.img")
    f = os.path.join(pools["gold"], "f.img")
    write(f, pattern(MiB))
    daemon.ctl("-q", "vol-create-as", "gold", "r.img", "1M", "--allocation", "0")
    wait_for(lambda: "f.img" in daemon.volumes("gold"), what="f.img listed")
    t = Transcript(daemon, daemon.root)
    t.run("vol-resize", "r.img", "2M", "--pool", "gold", rc=0)
    t.run("vol-resize", "r.img", "1M", "--pool", "gold", "--delta", rc=0)
    t.run("vol-info", "--bytes", "r.img", "--pool", "gold", rc=0)
    t.run("vol-resize", "r.img", "-1M", "--pool", "gold", rc=1)
    t.run("vol-resize", "r.img", "-1M", "--pool", "gold", "--shrink", rc=0)
    t.run("vol-resize", "r.img", "1M", "--pool", "gold", rc=1)
    t.run("vol-resize", "r.img", "1M", "--pool", "gold", "--shrink", rc=0)
    t.run("vol-resize", "r.img", "512K", "--pool", "gold", "--shrink", "--delta", rc=0)
    t.run("vol-info", "--bytes", "r.img", "--pool", "gold", rc=0)
    t.run("-q", "vol-resize", r, "4M", "--allocate", rc=0)
    t.run("vol-info", "r.img", "--pool", "gold", subs=[ALLOCATION_LINE], rc=0)
    t.run("vol-resize", "r.img", "4X", "--pool", "gold", rc=1)
    t.run("vol-resize", "r.img", "-4X", "--pool", "gold", "--shrink", rc=1)
    t.run("vol-resize", "f.img", "512K", "--pool", "gold", "--shrink", rc=1)
    t.run("vol-resize", "nope", "1M", "--pool", "gold", rc=1)
    t.run("vol-resize", "r.img", rc=1)
    # virsh has long options only: what starts with one '-' is data
    t.run("vol-create-as", "gold", "-x.img", "1M", "--allocation", "0", rc=0)
    t.run("vol-resize", "-x.img", "-512K", "--pool", "gold", "--shrink", rc=0)
    t.run("vol-info", "--bytes", "--pool", "gold", "--", "-x.img", "--not-an-option", rc=1)
    t.run("vol-info", "--bytes", "--pool=gold", "--", "-x.img", rc=0)
    t.check("vol-resize")
    assert os.path.getsize(r) == 4 * MiB
    assert os.stat(r).st_blocks * 512 >= 3 * MiB  # --allocate allocated the new 3.5 MiB
    assert os.path.getsize(f) == MiB


def test_vol_resize_of_a_qcow2_image(daemon, images):
    t = Transcript(daemon, daemon.root)
    t.run("vol-resize", "child.qcow2", "40M", "--pool", "img", "--allocate", rc=1)
    t.run("vol-resize", "child.qcow2", "40M", "--pool", "img", rc=0)
    t.run("vol-info", "child.qcow2", "--pool", "img", subs=[ALLOCATION_LINE], rc=0)
    t.run("vol-resize", "child.qcow2", "20M", "--pool", "img", rc=1)
    t.check("vol-resize-qcow2")


def test_vol_wipe_zeroes_the_volume(daemon, pools):
    w = os.path.join(pools["gold"], "w.img")
    write(w, pattern(256 * 1024))
    wait_for(lambda: "w.img" in daemon.volumes("gold"), what="w.img listed")
    t = Transcript(daemon, daemon.root)
    t.run("vol-wipe", "w.img", "--pool", "gold", rc=0)
    t.run("-q", "vol-wipe", w, "--algorithm", "zero", rc=0)
    t.run("vol-wipe", "w.img", "--pool", "gold", "--algorithm", "foo", rc=1)
    t.run("vol-wipe", "w.img", "--pool", "gold", "--algorithm", "trim", rc=1)
    t.run("vol-wipe", "dir1", "--pool", "gold", rc=1)
    t.run("vol-wipe", "nope", rc=1)
    t.check("vol-wipe")
    assert read(w) == bytes(256 * 1024)


LIBVIRT_ERROR_CLASSES = {
    "shrink-without-flag": (["vol-resize", "r.img", "1M", "--pool", "gold"],
                            "error: invalid argument: Can't shrink capacity below current "
                            "capacity unless shrink flag explicitly specified\n"),
    "shrink-below-allocation": (["vol-resize", "f.img", "512K", "--pool", "gold", "--shrink"],
                                "error: invalid argument: can't shrink capacity below "
                                "existing allocation\n"),
    "wipe-trim": (["vol-wipe", "f.img", "--pool", "gold", "--algorithm", "trim"],
                  "error: argument unsupported: 'trim' algorithm not supported\n"),
    "raw-prealloc-metadata": (["vol-create-as", "gold", "p.img", "1M", "--prealloc-metadata"],
                              "error: Operation not supported: metadata preallocation is not "
                              "supported for raw volumes\n"),
}


@pytest.mark.parametrize("case", sorted(LIBVIRT_ERROR_CLASSES))
def test_backend_errors_carry_libvirts_error_class(daemon, pools, case):
    write(os.path.join(pools["gold"], "f.img"), pattern(MiB))
    daemon.ctl("-q", "vol-create-as", "gold", "r.img", "2M", "--allocation", "0")
    wait_for(lambda: "f.img" in daemon.volumes("gold"), what="f.img listed")
    args, last_line = LIBVIRT_ERROR_CLASSES[case]
    p = daemon.ctl(*args, check=False)
    assert p.returncode == 1
    assert p.stderr.endswith(last_line), p.stderr


# ---- moving data ------------------------------------------------------------------------------

def test_vol_upload_and_download_round_trip_with_offset_length_and_sparse(daemon, pools, root):
    gold = pools["gold"]
    data = os.urandom(3 * MiB + 123)
    src = os.path.join(root, "data.bin")
    write(src, data)
    daemon.ctl("-q", "vol-create-as", "gold", "up.img", "0")
    t = Transcript(daemon, root)

    t.run("vol-upload", "up.img", src, "--pool", "gold", rc=0)
    assert read(os.path.join(gold, "up.img")) == data
    # poold re-read the volume before it answered: the list has its new size already
    assert "   3.00 MiB   " in daemon.ctl("vol-list", "gold", "--details").stdout
    t.run("vol-info", "--bytes", "up.img", "--pool", "gold",
          subs=[(r"^(Allocation:\s+)\d+ bytes$", r"\1@ALLOCATION@")], rc=0)
    out = os.path.join(root, "out.bin")
    t.run("vol-download", "up.img", out, "--pool", "gold", rc=0)
    assert read(out) == data

    # a range out, a range in
    part = os.path.join(root, "part.bin")
    t.run("-q", "vol-download", "--offset", "1000", "--length", "5000", "up.img", part,
          "--pool", "gold", rc=0)
    assert read(part) == data[1000:6000]
    t.run("-q", "vol-upload", "--offset", str(MiB), "up.img", part, "--pool", "gold", rc=0)
    assert read(os.path.join(gold, "up.img")) == data[:MiB] + data[1000:6000] + \
        data[MiB + 5000:]
    t.run("vol-upload", "--length", "100", "up.img", part, "--pool", "gold", rc=1)
    t.run("-q", "vol-upload", "--length", "5000", "up.img", part, "--pool", "gold", rc=0)

    # sparse: a 64 MiB file with 8 KiB of data keeps its holes both ways
    holes = os.path.join(root, "holes.bin")
    with open(holes, "wb") as f:
        f.truncate(64 * MiB)
        f.seek(MiB)
        f.write(pattern(4096))
        f.seek(40 * MiB)
        f.write(pattern(4096, 2))
    daemon.ctl("-q", "vol-create-as", "gold", "sp.img", "0")
    t.run("-q", "vol-upload", "--sparse", "sp.img", holes, "--pool", "gold", rc=0)
    sp = os.path.join(gold, "sp.img")
    assert read(sp) == read(holes)
    assert os.stat(sp).st_blocks * 512 < MiB
    back = os.path.join(root, "back.bin")
    t.run("-q", "vol-download", "--sparse", "sp.img", back, "--pool", "gold", rc=0)
    assert read(back) == read(holes)
    assert os.stat(back).st_size == 64 * MiB
    assert os.stat(back).st_blocks * 512 < MiB
    full = os.path.join(root, "full.bin")
    t.run("-q", "vol-download", "sp.img", full, "--pool", "gold", rc=0)
    assert os.stat(full).st_blocks * 512 >= 64 * MiB

    # errors
    t.run("vol-upload", "up.img", os.path.join(root, "missing.bin"), "--pool", "gold", rc=1)
    t.run("vol-download", "up.img", os.path.join(root, "no", "dir.bin"), "--pool", "gold",
          rc=1)
    t.run("vol-upload", "--offset", "-1", "up.img", src, "--pool", "gold", rc=1)
    t.run("vol-download", "--length", "x", "up.img", out, "--pool", "gold", rc=1)
    t.run("vol-upload", "--offset", rc=1)
    t.run("vol-upload", "dir1", src, "--pool", "gold", rc=1)
    fresh = os.path.join(root, "fresh.bin")
    t.run("vol-download", "dir1", fresh, "--pool", "gold", rc=1)
    assert not os.path.exists(fresh)  # a file poolctl created is removed on failure
    t.run("vol-download", "nope", out, "--pool", "gold", rc=1)
    t.run("vol-upload", "up.img", src, "--pool", "idle", rc=1)
    t.check("vol-transfer")


def test_vol_download_to_a_pipe_and_upload_from_one(daemon, pools, root):
    gold = pools["gold"]
    data = pattern(2 * MiB, 3)
    write(os.path.join(gold, "p.img"), data)
    wait_for(lambda: "p.img" in daemon.volumes("gold"), what="p.img listed")
    p = subprocess.run([POOLCTL, "-q", "vol-download", "p.img", "/dev/stdout", "--pool", "gold"],
                       env=daemon.env(), capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout == data
    daemon.ctl("-q", "vol-create-as", "gold", "fromstdin.img", "0")
    p = subprocess.run([POOLCTL, "-q", "vol-upload", "fromstdin.img", "/dev/stdin", "--pool",
                        "gold"], env=daemon.env(), input=data, capture_output=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert read(os.path.join(gold, "fromstdin.img")) == data
    # a reader that goes away makes the download fail, not poold
    p = subprocess.run(f"{shlex.quote(POOLCTL)} -q vol-download p.img /dev/stdout --pool gold "
                       f"| head -c 10 >/dev/null; echo ${{PIPESTATUS[0]}}", shell=True,
                       executable="/bin/bash", env=daemon.env(), capture_output=True, text=True,
                       timeout=60)
    assert p.stdout.strip() == "1"
    assert "error: cannot download from volume p.img\n" in p.stderr
    assert daemon.proc.poll() is None
    assert daemon.volumes("gold")


def dbus_string(s):
    """A string in D-Bus's little-endian wire format, padded to 4 bytes as the next one
    starts."""
    raw = s.encode()
    data = len(raw).to_bytes(4, "little") + raw + b"\0"
    return data + b"\0" * (-len(data) % 4)


def test_an_upload_emits_volume_event_changed(daemon, pools, root):
    """Listens as a bare peer of the control socket (SASL EXTERNAL, then BEGIN): poold sends
    its signals to every connection, so the VolumeEvent's body shows up on the wire."""
    src = os.path.join(root, "data.bin")
    write(src, pattern(4096))
    daemon.ctl("-q", "vol-create-as", "gold", "ev.img", "4096", "--allocation", "0")
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as peer:
        peer.settimeout(10)
        peer.connect(os.path.join(daemon.runtime, "control"))
        peer.sendall(b"\0AUTH EXTERNAL " + str(os.getuid()).encode().hex().encode() + b"\r\n")
        assert peer.recv(4096).startswith(b"OK ")
        peer.sendall(b"BEGIN\r\n")
        daemon.ctl("-q", "vol-upload", "ev.img", src, "--pool", "gold")
        body = dbus_string("gold") + dbus_string("ev.img") + dbus_string("Changed")[:-1]
        wire = b""
        deadline = time.monotonic() + 10
        while body not in wire and time.monotonic() < deadline:
            wire += peer.recv(65536)
        assert b"VolumeEvent" in wire and body in wire, wire
    assert read(os.path.join(pools["gold"], "ev.img")) == pattern(4096)
