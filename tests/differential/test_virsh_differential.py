# SPDX-License-Identifier: LGPL-2.1-or-later
"""Differential tier: poolctl against virsh, on the same directories of images.

A libvirtd started here, by hand, and the real poold (POOLD, POOLCTL, as in the integration
tier) each get the same dir pools: same names, UUIDs and target directories. The directories
hold images made with qemu-img and by hand (raw sparse and full, qcow2 v2 and v3, backing
chains, a missing backing file, other formats, a subdirectory, awkward names, entries both
must skip). The same commands go to both, and what they print (stdout, stderr, exit status)
must be the same byte for byte, apart from

  * the deliberate differences (docs/differential.md), normalized here and nowhere else;
  * the known bugs (KNOWN_BUGS, also listed in docs/differential.md): a case that differs
    exactly by a known bug is an expected failure, and a case where a known bug no longer
    shows fails, so that the entry is removed (a strict xfail, as the golden tests do).

Every other difference fails, with a diff of the two transcripts.

Runs as root only, when libvirtd and virsh are installed (tools/install-deps.sh --test
installs them), and when no other libvirt daemon runs on the host: the storage driver's
state directory (/run/libvirt/storage) is fixed for root, and only one driver may hold it.
A libvirtd someone started by hand is waited for (POOLD_TEST_DIFFERENTIAL_WAIT seconds, 60);
a system libvirt (its socket in /run/libvirt) makes the tier skip at once. Whatever libvirtd
wrote is removed afterwards (docs/differential.md says what).
"""
import contextlib
import difflib
import fcntl
import importlib.util
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
INTEGRATION = os.path.join(HERE, "..", "integration")


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(INTEGRATION, file))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# The integration tier's Daemon (the real poold in a temporary directory) and virsh's table
# layout (golden.py), not copied.
_it = _load("poold_integration_conftest", "conftest.py")
_golden = _load("poold_integration_golden", "golden.py")
Daemon, dir_pool_xml, SANITIZER_MARKS, POOLCTL = (_it.Daemon, _it.dir_pool_xml,
                                                  _it.SANITIZER_MARKS, _it.POOLCTL)
parse_table, render_table = _golden.parse_table, _golden.render_table

MiB = 1024 * 1024
GiB = 1024 * MiB

# What virsh prints in a table depends on the locale (docs/differential.md); poolctl's does
# not. The comparisons run in the UTF-8 locale every glibc system has.
LOCALE = "C.UTF-8"

REQUIRE_ROOT = os.environ.get("POOLD_TEST_REQUIRE_ROOT") == "1"
WAIT_OTHER = float(os.environ.get("POOLD_TEST_DIFFERENTIAL_WAIT", "60"))

# libvirt's own directories. Whatever appears in them while our libvirtd runs is its doing
# (no other libvirt daemon runs then: checked first) and is removed again afterwards.
LIBVIRT_DIRS = ("/etc/libvirt", "/run/libvirt", "/var/lib/libvirt", "/var/cache/libvirt",
                "/var/log/libvirt")
STORAGE_CONFIG = "/etc/libvirt/storage"
STORAGE_STATE = "/run/libvirt/storage"
SYSTEM_SOCKETS = ("/run/libvirt/libvirt-sock", "/run/libvirt/virtstoraged-sock",
                  "/run/libvirt/virtproxyd-sock")
DAEMON_NAMES = ("libvirtd", "virtstoraged")
# Two runs of the tier at once (two test runs on one host) take turns.
TIER_LOCK = "/run/lock/poold-differential.lock"

# ---- the pools and what is in them ----

POOL = "poold-differential"
# What both must list (libvirt: virStorageBackendRefreshLocal).
VOLUMES = [
    "raw-sparse.img",      # 1 GiB, no block written
    "raw-full.img",        # 3 MiB + 1000 bytes, every byte written
    "empty.img",           # 0 bytes
    "with space.img",      # a space in the name
    "new\nline.img",       # a newline: listed by libvirt, shown as \x0a in tables
    "naïve.img",           # UTF-8: one character, two bytes (table widths; the C locale)
    "lazy.qcow2",          # qcow2 v3 (compat 1.1) with lazy_refcounts, 20 GiB
    "l2.qcow2",            # qcow2 v3 with extended_l2 and 128 KiB clusters
    "v2.qcow2",            # qcow2 v2 (compat 0.10)
    "base.raw",            # backing file of child.qcow2
    "child.qcow2",         # backing file by relative name, format raw recorded
    "base.qcow2",          # backing file of probe.qcow2
    "probe.qcow2",         # backing file by absolute name, no format recorded: probed
    "orphan.qcow2",        # backing file missing
    "enc.qcow2",           # qcow2 with LUKS encryption
    "enc.luks",            # a LUKS volume (raw with a LUKS header)
    "enc2.luks",           # a LUKS2 header (cryptsetup), which libvirt 9.0's prober predates
    "disk.vmdk", "disk.vdi", "disk.vpc", "disk.vhdx", "disk.qed",
    "cd.iso",              # ISO 9660
    "link.img",            # a symbolic link to raw-sparse.img: listed, key = the link's path
    "subdir",              # a directory: type dir, sizes 0
]
# What both must skip: a dangling link, a FIFO, a name with a control character other than
# \t \n \r.
SKIPPED = ["dangling.img", "fifo", "ctl\x01.img"]

# A name that is not UTF-8, in a pool of its own, so that what it does to a table does not
# hide what the other pool's tables show.
NAMES_POOL = "poold-differential-names"
NAMES = [
    "plain.img",
    "caf\udce9.img",       # a byte that is not UTF-8 (Latin-1 é), as os.fsencode writes it
]

POOLS = {
    POOL: ("3f5a4c1e-9b7d-4e2a-8c6f-0d1e2f3a4b5c", VOLUMES),
    NAMES_POOL: ("3f5a4c1e-9b7d-4e2a-8c6f-0d1e2f3a4b5d", NAMES),
}
VHDX_VIRTUAL_SIZE = 64 * MiB


# ---- making the images ----

def qemu_img(*args):
    # as often as need be: its LUKS key-slot benchmark fails with "Unable to get accurate CPU
    # usage" when its first round was charged no CPU tick (tick-based accounting: 15% of runs
    # on an idle VM here, most of them under load); a failing run costs ~20 ms
    for _ in range(30):
        p = subprocess.run(["qemu-img", *args], capture_output=True, text=True, timeout=60)
        if p.returncode == 0:
            return
        time.sleep(0.05)
    raise AssertionError(f"qemu-img {' '.join(args)}: {p.stderr}")


def drop_backing_format(path):
    """Renames a qcow2 image's backing format header extension (0xE2792ACA) to an unknown
    one, which readers skip: the image then names its backing file without a format, as
    images made before qemu-img required one do, and libvirt probes the backing file."""
    with open(path, "r+b") as f:
        hdr = f.read(65536)
        version = int.from_bytes(hdr[4:8], "big")
        off = int.from_bytes(hdr[100:104], "big") if version >= 3 else 72
        while off + 8 <= len(hdr):
            magic = int.from_bytes(hdr[off:off + 4], "big")
            length = int.from_bytes(hdr[off + 4:off + 8], "big")
            if magic == 0:
                break
            if magic == 0xE2792ACA:
                f.seek(off)
                f.write((0x706F6F6C).to_bytes(4, "big"))
                return
            off += 8 + (length + 7) // 8 * 8
    raise AssertionError(f"{path}: no backing format extension to drop")


def make_images(d):
    def at(name):
        return os.path.join(d, name)

    def sparse(name, size):
        with open(at(name), "wb") as f:
            f.truncate(size)

    sparse("raw-sparse.img", GiB)
    with open(at("raw-full.img"), "wb") as f:
        f.write(b"\xa5" * (3 * MiB + 1000))
    sparse("empty.img", 0)
    sparse("with space.img", MiB)
    sparse("new\nline.img", 3 * MiB)
    sparse("naïve.img", 2 * MiB)
    qemu_img("create", "-q", "-f", "qcow2", "-o", "compat=1.1,lazy_refcounts=on",
             at("lazy.qcow2"), "20G")
    qemu_img("create", "-q", "-f", "qcow2", "-o", "extended_l2=on,cluster_size=128k",
             at("l2.qcow2"), "5G")
    qemu_img("create", "-q", "-f", "qcow2", "-o", "compat=0.10", at("v2.qcow2"), "1G")
    qemu_img("create", "-q", "-f", "raw", at("base.raw"), "100M")
    # a relative backing name, resolved against the image's directory
    qemu_img("create", "-q", "-f", "qcow2", "-b", "base.raw", "-F", "raw", at("child.qcow2"),
             "4G")
    qemu_img("create", "-q", "-f", "qcow2", at("base.qcow2"), "2G")
    qemu_img("create", "-q", "-f", "qcow2", "-b", at("base.qcow2"), "-F", "qcow2",
             at("probe.qcow2"))
    drop_backing_format(at("probe.qcow2"))
    qemu_img("create", "-q", "-f", "qcow2", "-u", "-b", "missing.raw", "-F", "raw",
             at("orphan.qcow2"), "1G")
    secret = ["--object", "secret,id=s0,data=poold-differential"]
    qemu_img("create", "-q", "-f", "qcow2", *secret,
             "-o", "encrypt.format=luks,encrypt.key-secret=s0", at("enc.qcow2"), "1G")
    qemu_img("create", "-q", "-f", "luks", *secret, "-o", "key-secret=s0", at("enc.luks"),
             "16M")
    with open(at("enc2.luks"), "wb") as f:
        f.truncate(32 * MiB)
    key = at("enc2.key")
    with open(key, "w") as f:
        f.write("poold-differential")
    subprocess.run(["cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf",
                    "pbkdf2", "--pbkdf-force-iterations", "1000", "--key-file", key,
                    at("enc2.luks")], check=True, capture_output=True, timeout=60)
    os.unlink(key)
    for fmt in ("vmdk", "vdi", "vpc", "vhdx", "qed"):
        qemu_img("create", "-q", "-f", fmt, at("disk." + fmt), str(VHDX_VIRTUAL_SIZE))
    src = os.path.join(os.path.dirname(d), "iso-src")
    os.makedirs(src, exist_ok=True)
    with open(os.path.join(src, "README"), "w") as f:
        f.write("poold differential tier\n")
    subprocess.run(["xorriso", "-as", "mkisofs", "-quiet", "-V", "POOLD", "-o", at("cd.iso"),
                    src], check=True, capture_output=True, timeout=60)
    os.symlink("raw-sparse.img", at("link.img"))
    os.mkdir(at("subdir"))
    with open(os.path.join(d, "subdir", "inside.img"), "wb") as f:
        f.write(b"not a volume of the pool: a refresh is not recursive\n")
    os.symlink("nowhere.img", at("dangling.img"))
    os.mkfifo(at("fifo"))
    sparse("ctl\x01.img", MiB)
    assert sorted(os.listdir(d)) == sorted(VOLUMES + SKIPPED)


def make_names(d):
    for i, name in enumerate(NAMES):
        with open(os.path.join(d, name), "wb") as f:
            f.truncate((i + 1) * MiB)


# ---- the host: is libvirt free to run here? ----

def other_libvirt():
    """Why another libvirt daemon is in the way (text), or None."""
    for sock in SYSTEM_SOCKETS:
        # Not connected to: a connection would socket-activate a systemd-managed daemon.
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.stat(sock).st_mode):
                return (f"{sock} exists: this host has its own libvirt daemon (or a stale "
                        f"socket: remove it if none runs); the differential tier runs only "
                        f"where no libvirt daemon does")
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        with contextlib.suppress(OSError):
            with open(f"/proc/{pid}/comm") as f:
                comm = f.read().strip()
            if comm in DAEMON_NAMES:
                return f"{comm} is running (pid {pid}): only one libvirt storage driver may run"
    return None


def take_tier_lock(stack):
    fd = os.open(TIER_LOCK, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    stack.callback(os.close, fd)
    deadline = time.monotonic() + WAIT_OTHER
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                pytest.skip(f"another run of the differential tier holds {TIER_LOCK}")
            time.sleep(1)


def wait_for_libvirt_to_be_free():
    deadline = time.monotonic() + WAIT_OTHER
    while True:
        why = other_libvirt()
        if why is None:
            return
        # a system daemon's socket does not go away by waiting
        if any(os.path.exists(s) for s in SYSTEM_SOCKETS) or time.monotonic() >= deadline:
            pytest.skip(why)
        time.sleep(1)


def snapshot(dirs):
    seen = set()
    for top in dirs:
        if os.path.lexists(top):
            seen.add(top)
        for base, subdirs, files in os.walk(top):
            for n in subdirs + files:
                seen.add(os.path.join(base, n))
    return seen


def remove_new(before, dirs):
    """Removes what appeared under dirs since the snapshot `before`, deepest first;
    returns what was removed."""
    removed = []
    for path in sorted(snapshot(dirs) - before, key=lambda p: -p.count("/")):
        with contextlib.suppress(OSError):
            if os.path.isdir(path) and not os.path.islink(path):
                os.rmdir(path)   # only empty: anything left in it was there before
            else:
                os.unlink(path)
            removed.append(path)
    return removed


# ---- libvirtd, by hand ----

def clean_env(locale=None):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("LIBVIRT_", "VIRSH_", "LC_", "LANG"))}
    env["LC_ALL"] = locale or LOCALE
    env.pop("NOTIFY_SOCKET", None)
    return env


class Libvirtd:
    """A libvirtd of our own: sockets, pid file and log in a private directory, so that no
    libvirt of the host is disturbed (its storage state directory is fixed, see above)."""

    def __init__(self, root):
        self.dir = os.path.join(root, "libvirt")
        os.makedirs(self.dir, mode=0o700)
        self.sock = os.path.join(self.dir, "libvirt-sock")
        self.uri = f"qemu:///system?socket={self.sock}"
        self.log_path = os.path.join(self.dir, "libvirtd.log")
        self.proc = None
        self.ours = False
        self.conf = os.path.join(self.dir, "libvirtd.conf")
        with open(self.conf, "w") as f:
            f.write(f'unix_sock_dir = "{self.dir}"\n'
                    'unix_sock_ro_perms = "0700"\n'
                    'unix_sock_rw_perms = "0700"\n'
                    'auth_unix_ro = "none"\n'
                    'auth_unix_rw = "none"\n'
                    f'log_outputs = "3:file:{self.log_path}"\n')

    def start(self):
        """None once it answers, else why not."""
        with open(os.path.join(self.dir, "stdout.log"), "wb") as out:
            # -t: should this test be killed outright, libvirtd leaves by itself once idle.
            self.proc = subprocess.Popen(
                ["libvirtd", "-f", self.conf, "-p", os.path.join(self.dir, "libvirtd.pid"),
                 "-t", "600"],
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                env=clean_env(), start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return f"libvirtd exited with {self.proc.returncode}: {self.logs()[-1500:]}"
            if os.path.exists(self.sock):
                if self.virsh("-q", "pool-list", "--all", timeout=10).returncode == 0:
                    return None
            time.sleep(0.1)
        return f"libvirtd did not answer within 30 s: {self.logs()[-1500:]}"

    def logs(self):
        text = ""
        for name in ("stdout.log", "libvirtd.log"):
            with contextlib.suppress(OSError), open(os.path.join(self.dir, name), "rb") as f:
                text += f.read().decode(errors="replace")
        return text

    def virsh(self, *args, timeout=60, locale=None):
        return subprocess.run(["virsh", "-c", self.uri, *args], capture_output=True,
                              env=clean_env(locale), timeout=timeout)

    @staticmethod
    def version():
        p = subprocess.run(["libvirtd", "--version"], capture_output=True, text=True,
                           timeout=20)
        return p.stdout.strip() or "libvirtd, version unknown"

    def stop(self):
        """By the PID we started, never by name."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ---- the two sides ----

class Pair:
    def __init__(self, lv, pd, dirs, exact_sizes):
        self.lv = lv
        self.pd = pd
        self.dirs = dirs                # pool name -> its directory
        self.exact_sizes = exact_sizes

    def both(self, *args, locale=None):
        """The same command to virsh, then at once to poolctl: (virsh's, poolctl's)."""
        a = self.lv.virsh(*args, locale=locale)
        env = clean_env(locale)
        env["POOLD_RUNTIME_DIR"] = self.pd.runtime
        b = subprocess.run([POOLCTL, *args], capture_output=True, env=env, timeout=60)
        return Out(a), Out(b)


class Out:
    """What a command printed: stdout (bytes, normalizers may rewrite it), stderr, status."""

    def __init__(self, p, stdout=None):
        self.returncode, self.stderr = p.returncode, p.stderr
        self.stdout = p.stdout if stdout is None else stdout

    def with_stdout(self, stdout):
        return Out(self, stdout)


@pytest.fixture(scope="module")
def pair():
    if os.geteuid() != 0:
        if REQUIRE_ROOT:
            pytest.fail("differential tier required (POOLD_TEST_REQUIRE_ROOT=1) but not root")
        pytest.skip("needs root: libvirtd's storage driver runs privileged here")
    missing = [p for p in ("libvirtd", "virsh", "qemu-img", "xorriso") if not shutil.which(p)]
    if missing:
        # tools/install-deps.sh --test installs them all: under CI their absence is a failure
        msg = f"not installed: {', '.join(missing)} (tools/install-deps.sh --test installs them)"
        if REQUIRE_ROOT:
            pytest.fail(msg)
        pytest.skip(msg)
    with contextlib.ExitStack() as stack:
        take_tier_lock(stack)
        wait_for_libvirt_to_be_free()
        for name, (uuid, _) in POOLS.items():
            for left in (os.path.join(STORAGE_CONFIG, name + ".xml"),
                         os.path.join(STORAGE_STATE, name + ".xml")):
                if os.path.exists(left):
                    with open(left) as f:
                        if uuid not in f.read():
                            pytest.skip(f"{left} exists and is not this tier's: not touching it")
                    os.unlink(left)   # left by a run of this tier that was killed
        if subprocess.run(["getent", "passwd", "libvirt-qemu"], capture_output=True).returncode:
            # Debian's libvirtd does not start without the user its QEMU driver runs guests
            # as (libvirt-daemon-system would create it). It stays: what libvirtd made is its.
            p = subprocess.run(["useradd", "--system", "--user-group", "--no-create-home",
                                "--shell", "/usr/sbin/nologin", "libvirt-qemu"],
                               capture_output=True, text=True)
            if p.returncode:
                pytest.skip(f"libvirtd needs the user libvirt-qemu; useradd failed: {p.stderr}")

        root = stack.enter_context(tempfile.TemporaryDirectory(prefix="poold-diff-"))
        os.chmod(root, 0o755)
        fs = os.path.join(root, "fs")
        os.mkdir(fs)
        # A file system of its own, when we may mount one: nothing else writes there, so the
        # pool sizes (statvfs) are the same whenever each side reads them.
        exact_sizes = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=512m,mode=0755",
                                      "poold-differential", fs],
                                     capture_output=True).returncode == 0
        if exact_sizes:
            stack.callback(subprocess.run, ["umount", fs], capture_output=True)
        dirs = {POOL: os.path.join(fs, "images"), NAMES_POOL: os.path.join(fs, "names")}
        for d in dirs.values():
            os.mkdir(d)
        make_images(dirs[POOL])
        make_names(dirs[NAMES_POOL])

        before = snapshot(LIBVIRT_DIRS)
        lv = Libvirtd(root)
        stack.callback(cleanup_libvirt, lv, before)
        why = lv.start()
        if why:
            pytest.skip(f"libvirtd cannot start here: {why}")
        lv.ours = True    # the storage driver is ours: so are its pools' files
        pd = Daemon(os.path.join(root, "poold"))
        stack.callback(stop_poold, pd)
        for name, (uuid, _) in POOLS.items():
            definition = dir_pool_xml(name, dirs[name], uuid)
            def_file = os.path.join(root, name + ".xml")
            with open(def_file, "w") as f:
                f.write(definition)
            for args in (("pool-define", def_file), ("pool-start", name)):
                p = lv.virsh(*args)
                assert p.returncode == 0, f"virsh {' '.join(args)}: {p.stdout + p.stderr}"
            pd.write_def(name, definition)
        pd.start()
        for name in POOLS:
            pd.ctl("pool-start", name)
        pd.ctl("wait", *POOLS, "--timeout", "20")

        print(f"\n{lv.version()}; pools on "
              f"{'a tmpfs of their own' if exact_sizes else 'the file system of ' + root}")
        yield Pair(lv, pd, dirs, exact_sizes)


def stop_poold(pd):
    pd.stop()
    if os.path.exists(pd.log_path):
        log = pd.logs()
        for mark in SANITIZER_MARKS:
            assert mark not in log, f"sanitizer report from poold:\n{log[-6000:]}"


def cleanup_libvirt(lv, before):
    if lv.proc is not None and lv.proc.poll() is None:
        for name in POOLS:
            lv.virsh("pool-destroy", name, timeout=30)
            lv.virsh("pool-undefine", name, timeout=30)
    lv.stop()
    if not lv.ours:
        return    # another libvirt took the storage driver first: nothing here is ours
    for name in POOLS:
        for path in (os.path.join(STORAGE_CONFIG, name + ".xml"),
                     os.path.join(STORAGE_CONFIG, "autostart", name + ".xml"),
                     os.path.join(STORAGE_STATE, name + ".xml")):
            if path not in before:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(path)
    # The rest of what it wrote (its drivers' directories; the storage driver's
    # "autostarted" marker, which would keep a libvirtd started later in this boot from
    # autostarting its pools): only while no other libvirt daemon runs, whose files these
    # could then be.
    if other_libvirt() is None:
        removed = remove_new(before, LIBVIRT_DIRS)
        if removed:
            print(f"\nremoved what libvirtd wrote: {' '.join(sorted(removed))}")


def command(args):
    """The command of a virsh command line, after its global options (-q)."""
    return next(a for a in args if not a.startswith("-"))


# ---- deliberate differences (docs/differential.md), normalized ----

def pretty(n):
    """virsh's vshPrettyCapacity."""
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]
    v, i = float(n), 0
    while v >= 1024 and i < len(units) - 1:
        v /= 1024
        i += 1
    return f"{v:.2f} {units[i]}"


# 1. A volume's <atime>, and its backing file's. Each side reads the files when asked
# (libvirt's vol-dumpxml refreshes the volume first), and reading may move their atimes.
# Checked instead, for each: virsh's <= poolctl's <= the file's atime afterwards.
ATIME = re.compile(rb"<atime>(\d+)(?:\.(\d+))?</atime>")
BACKING_PATH = re.compile(rb"<backingStore>\s*<path>([^<]*)</path>")


def atime_ns(m):
    return int(m.group(1)) * 10**9 + int((m.group(2) or b"0").ljust(9, b"0"))


def normalize_atime(a, b, path):
    ma, mb = list(ATIME.finditer(a.stdout)), list(ATIME.finditer(b.stdout))
    if not (ma and mb) or len(ma) != len(mb):
        return a, b
    paths = [path]
    backing = BACKING_PATH.search(a.stdout)
    if backing:
        paths.append(os.fsdecode(backing.group(1)))
    for x, y, p in zip(ma, mb, paths):
        after = os.stat(p).st_atime_ns if p != path else os.lstat(p).st_atime_ns
        assert atime_ns(x) <= atime_ns(y) <= after, (
            f"{p}: poolctl's {y.group(0).decode()} is not between virsh's "
            f"{x.group(0).decode()}, read just before, and the file's atime now ({after})")

    def hide(o):
        return o.with_stdout(ATIME.sub(b"<atime>ATIME</atime>", o.stdout))
    return hide(a), hide(b)


# 2. VHDX images: libvirt 9.0 does not know the format and reports such an image as raw, its
# file size as its capacity; poold reads the format (as 'vhd', libvirt's name having no
# 'vhdx') and its virtual size. Checked instead: poolctl shows the virtual size qemu-img was
# given. Applied where the file starts with VHDX's signature.
def is_vhdx(path):
    with contextlib.suppress(OSError), open(path, "rb") as f:
        return f.read(8) == b"vhdxfile"
    return False


def normalize_vhdx(b, path, args):
    if not is_vhdx(path):
        return b
    size = os.lstat(path).st_size
    out = b.stdout
    if command(args) == "vol-dumpxml":
        virtual = f"<capacity unit='bytes'>{VHDX_VIRTUAL_SIZE}</capacity>".encode()
        assert virtual in out and b"<format type='vhd'/>" in out, out.decode()
        out = out.replace(virtual, f"<capacity unit='bytes'>{size}</capacity>".encode(), 1)
        out = out.replace(b"<format type='vhd'/>", b"<format type='raw'/>", 1)
    elif command(args) == "vol-info":
        if "--bytes" in args:
            old, new = f"{VHDX_VIRTUAL_SIZE} bytes", f"{size} bytes"
        else:
            old, new = pretty(VHDX_VIRTUAL_SIZE), pretty(size)
        line = re.compile(rb"^Capacity: +" + re.escape(old.encode()) + rb"$", re.M)
        assert line.search(out), out.decode()
        out = line.sub(f"{'Capacity:':<15} {new}".encode(), out)
    return b.with_stdout(out)


def normalize_vhdx_table(b, args, header):
    """vol-list --details: the Capacity cell of VHDX rows, then the table laid out again by
    virsh's rules (after checking that poolctl laid it out by them)."""
    if b.returncode or "--details" not in args:
        return b
    quiet = "-q" in args
    text = b.stdout.decode()
    table = text if quiet else text[:-1]    # without -q, an empty line follows the table
    rows = parse_table(table, header)
    assert render_table(rows, quiet) == table, f"not virsh's table layout:\n{text}"
    changed = False
    for row in rows[1:]:
        path = unescape(row[1])
        if row[2] == "file" and is_vhdx(path):
            assert row[3] == pretty(VHDX_VIRTUAL_SIZE), row
            row[3] = pretty(os.lstat(path).st_size)
            changed = True
        elif row[2] == "file" and is_luks2(path):   # 2b
            row[3] = pretty(os.lstat(path).st_size)
            changed = True
    if not changed:
        return b
    return b.with_stdout((render_table(rows, quiet) + text[len(table):]).encode())


# 2b. LUKS2 files: libvirt 9.0's prober knows LUKS version 1 only and reports a LUKS2 file as
# plain raw, the file's size as its capacity, which hides that it is encrypted and overstates
# what a guest can store. poold reports raw with <encryption format='luks2'> and the size of
# the data segment. Checked instead: poolctl's capacity is below the file's size and its
# target carries that encryption element. Applied where the file starts with a LUKS2 header.
def is_luks2(path):
    with contextlib.suppress(OSError), open(path, "rb") as f:
        return f.read(8) == b"LUKS\xba\xbe\x00\x02"
    return False


LUKS2_ENCRYPTION = re.compile(rb"\n *<encryption format='luks2'>\n *</encryption>")
CAPACITY_XML = re.compile(rb"<capacity unit='bytes'>(\d+)</capacity>")
CAPACITY_LINE = re.compile(rb"^Capacity: +(.*)$", re.M)


def normalize_luks2(b, path, args):
    if not is_luks2(path) or b.returncode:
        return b
    size = os.lstat(path).st_size
    out = b.stdout
    if command(args) == "vol-dumpxml":
        m = CAPACITY_XML.search(out)
        assert m and int(m.group(1)) < size, out.decode()
        assert LUKS2_ENCRYPTION.search(out), out.decode()
        out = LUKS2_ENCRYPTION.sub(b"", out, 1)
        out = CAPACITY_XML.sub(f"<capacity unit='bytes'>{size}</capacity>".encode(), out, 1)
    elif command(args) == "vol-info":
        new = f"{size} bytes" if "--bytes" in args else pretty(size)
        assert CAPACITY_LINE.search(out), out.decode()
        out = CAPACITY_LINE.sub(f"{'Capacity:':<15} {new}".encode(), out, 1)
    return b.with_stdout(out)


def unescape(cell):
    return re.sub(r"\\x([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), cell)


# 3. Bytes a table cell cannot show in the locale: virsh (vshTableSafeEncode) means to print
# \xNN for them, but passes a signed char, so that every such byte comes out as \xff, and
# in the C locale that is every byte of a UTF-8 name. poolctl prints a name's bytes as they
# are. Rewritten in poolctl's table: each byte the locale cannot decode as \xff, and the
# table laid out again by virsh's rules.
def virsh_cell(raw, utf8):
    out, i = "", 0
    while i < len(raw):
        if raw[i] < 0x80:
            out += chr(raw[i])
            i += 1
            continue
        for n in (2, 3, 4) if utf8 else ():
            try:
                out += raw[i:i + n].decode("utf-8")
                i += n
                break
            except UnicodeDecodeError:
                pass
        else:
            out += "\\xff"
            i += 1
    return out


def normalize_table_bytes(b, args, header, locale):
    if b.returncode or command(args) != "vol-list":
        return b
    utf8 = "UTF-8" in (locale or LOCALE).upper()
    codec = ("utf-8", "surrogateescape") if utf8 else ("latin-1",)
    quiet = "-q" in args
    text = b.stdout.decode(*codec)
    table = text if quiet else text[:-1]
    rows = parse_table(table, header)
    new = [[virsh_cell(c.encode(*codec), utf8) for c in r] for r in rows]
    if new == rows:
        return b
    return b.with_stdout((render_table(new, quiet) + text[len(table):]).encode(*codec))


# 4. Only when the pools could not get a file system of their own: a dir pool's allocation
# and available are the file system's (statvfs), which others write to between the two
# calls. They may then differ by SIZE_SLACK; the capacity may not.
SIZE_SLACK = 256 * MiB
UNITS = {"B": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
         "PiB": 1 << 50, "EiB": 1 << 60}
SIZE_LINE = re.compile(rb"^(Allocation|Available): +(\d+(?:\.\d\d)?)(?: (\w+))?$", re.M)
SIZE_XML = re.compile(rb"<(allocation|available) unit='bytes'>(\d+)</\1>")


def normalize_pool_sizes(pair, a, b):
    if pair.exact_sizes:
        return a, b

    def values(o, rx):
        res = []
        for m in rx.finditer(o.stdout):
            if rx is SIZE_LINE and m.group(3):
                unit = UNITS[m.group(3).decode()]
                res.append((m, float(m.group(2)) * unit, 0.01 * unit))
            else:
                res.append((m, float(m.group(2)), 0))
        return res

    for rx in (SIZE_LINE, SIZE_XML):
        va, vb = values(a, rx), values(b, rx)
        if len(va) != len(vb):
            continue
        out = b.stdout
        for (ma, x, ra), (mb, y, rb) in reversed(list(zip(va, vb))):
            if ma.group(1) == mb.group(1) and abs(x - y) <= SIZE_SLACK + max(ra, rb):
                out = out[:mb.start()] + ma.group(0) + out[mb.end():]
        b = b.with_stdout(out)
    return a, b


# ---- known bugs (docs/differential.md, "Bugs found"): poold or poolctl is wrong ----

class Bug:
    """rewrite(virsh's transcript) gives what poolctl prints while the bug is there; None:
    the bug changes the whole output of the cases it applies to."""

    def __init__(self, key, what, applies, rewrite=None):
        self.key, self.what, self.applies, self.rewrite = key, what, applies, rewrite


# None left: the last one, non-utf8-name (a file name that is not UTF-8), is fixed by the
# control API's escaping of such names (docs/dbus-api.md).
KNOWN_BUGS = []


# ---- comparing ----

def transcript(args, o):
    out = o.stdout.decode("utf-8", errors="backslashreplace")
    err = o.stderr.decode("utf-8", errors="backslashreplace")
    shown = [a.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
             for a in args]
    text = "$ " + " ".join(repr(a) if (" " in a or not a.isprintable()) else a
                           for a in shown) + "\n"
    text += out
    if out and not out.endswith("\n"):
        text += "\n% no newline at end\n"
    text += "".join(f"! {line}\n" for line in err.splitlines())
    if o.returncode:
        text += f"? {o.returncode}\n"
    return text


def diff(x, y, left="virsh", right="poolctl"):
    return "".join(difflib.unified_diff(x.splitlines(True), y.splitlines(True), left, right,
                                        n=50))


def assert_same(args, a, b):
    ta, tb = transcript(args, a), transcript(args, b)
    expected, used, whole = ta, [], False
    for bug in KNOWN_BUGS:
        if not bug.applies(args):
            continue
        if bug.rewrite is None:
            used.append(bug)
            whole = True
            continue
        t = bug.rewrite(expected)
        if t != expected:
            used.append(bug)
            expected = t
    keys = ", ".join(bug.key for bug in used)
    if ta == tb:
        if used:
            pytest.fail(f"known bug(s) {keys} no longer show here: poolctl prints what virsh "
                        f"prints. Remove them from KNOWN_BUGS and docs/differential.md.")
        return
    if used and (whole or expected == tb):
        pytest.xfail(f"known bug(s) {keys}: " + "; ".join(bug.what for bug in used))
    msg = (f"{command(args)}: poolctl differs from virsh, and this is no deliberate difference "
           f"(docs/differential.md):\n{diff(ta, tb)}")
    if used:
        msg += (f"\nafter the known bug(s) {keys}, what remains:\n"
                f"{diff(expected, tb, 'virsh with the known bugs', 'poolctl')}")
    raise AssertionError(msg)


# ---- the tests ----

def vol_id(v):
    return v.encode("unicode_escape").decode()


def test_the_tier_sees_what_it_made(pair):
    """A check of the tier itself, against libvirt alone: it lists what was made and
    nothing else, so an image that could not be made, or an entry libvirt skips, shows
    here and not as a puzzling difference in a table."""
    for name, (_, vols) in POOLS.items():
        p = pair.lv.virsh("-q", "vol-list", name)
        assert p.returncode == 0, p.stderr
        assert len([line for line in p.stdout.splitlines() if line.strip()]) == len(vols)
        for vol in vols:
            p = pair.lv.virsh("vol-path", "--pool", name, vol)
            assert p.returncode == 0, f"libvirt does not list {vol!r}: {p.stderr}"


DETAILS = ["Name", "Path", "Type", "Capacity", "Allocation"]


@pytest.mark.parametrize("args,locale", [
    (["vol-list", POOL], None),
    (["vol-list", POOL, "--details"], None),
    (["-q", "vol-list", POOL, "--details"], None),
    (["vol-list", POOL, "--details"], "C"),
    (["-q", "vol-list", POOL], "C"),
    (["vol-list", NAMES_POOL], None),
    (["vol-list", NAMES_POOL, "--details"], None),
    (["vol-list", NAMES_POOL, "--details"], "C"),
], ids=lambda x: " ".join(x) if isinstance(x, list) else (x or LOCALE))
def test_vol_list(pair, args, locale):
    a, b = pair.both(*args, locale=locale)
    header = DETAILS if "--details" in args else DETAILS[:2]
    b = normalize_table_bytes(b, args, header, locale)
    b = normalize_vhdx_table(b, args, DETAILS)
    assert_same(args, a, b)


@pytest.mark.parametrize("args", [
    ["pool-info", POOL],
    ["pool-info", POOL, "--bytes"],
    ["pool-info", NAMES_POOL, "--bytes"],
    ["pool-dumpxml", POOL],
    ["pool-dumpxml", "--inactive", POOL],
    ["pool-uuid", POOL],
    ["pool-name", POOLS[POOL][0]],
], ids=lambda a: " ".join(a))
def test_pool(pair, args):
    a, b = pair.both(*args)
    a, b = normalize_pool_sizes(pair, a, b)
    assert_same(args, a, b)


ALL_VOLS = [(POOL, v) for v in VOLUMES] + [(NAMES_POOL, v) for v in NAMES]


def vol_param_id(x):
    return vol_id(x[1]) if isinstance(x, tuple) else x


@pytest.mark.parametrize("pool_vol", ALL_VOLS, ids=vol_param_id)
@pytest.mark.parametrize("opts", [[], ["--bytes"], ["--physical"], ["--bytes", "--physical"]],
                         ids=lambda o: " ".join(o) or "human")
def test_vol_info(pair, pool_vol, opts):
    pool, vol = pool_vol
    args = ["vol-info", "--pool", pool, vol, *opts]
    a, b = pair.both(*args)
    b = normalize_vhdx(b, os.path.join(pair.dirs[pool], vol), args)
    b = normalize_luks2(b, os.path.join(pair.dirs[pool], vol), args)
    assert_same(args, a, b)


@pytest.mark.parametrize("pool_vol", ALL_VOLS, ids=vol_param_id)
def test_vol_dumpxml(pair, pool_vol):
    pool, vol = pool_vol
    path = os.path.join(pair.dirs[pool], vol)
    args = ["vol-dumpxml", "--pool", pool, vol]
    a, b = pair.both(*args)
    a, b = normalize_atime(a, b, path)
    b = normalize_vhdx(b, path, args)
    b = normalize_luks2(b, path, args)
    assert_same(args, a, b)


@pytest.mark.parametrize("pool_vol", ALL_VOLS, ids=vol_param_id)
@pytest.mark.parametrize("cmd", ["vol-key", "vol-path", "vol-name", "vol-pool"])
def test_vol_lookup(pair, pool_vol, cmd):
    pool, vol = pool_vol
    path = os.path.join(pair.dirs[pool], vol)
    args = [cmd, path] if cmd in ("vol-name", "vol-pool") else [cmd, "--pool", pool, vol]
    a, b = pair.both(*args)
    assert_same(args, a, b)


@pytest.mark.parametrize("vol", SKIPPED, ids=vol_id)
def test_skipped_entries_are_no_volumes(pair, vol):
    args = ["vol-info", "--pool", POOL, vol]
    a, b = pair.both(*args)
    assert_same(args, a, b)
