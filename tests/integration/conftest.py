# SPDX-License-Identifier: LGPL-2.1-or-later
"""Integration tests: the real poold, unprivileged-capable, in a temporary directory.

POOLD and POOLCTL name the binaries (meson passes the ones it built; run-tests.sh passes the
sanitizer build's too). Each test gets its own definitions directory, runtime directory and
pool directories, and its own poold, which is stopped (SIGTERM, then SIGKILL) afterwards.
"""
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

POOLD = os.environ.get("POOLD", "poold")
POOLCTL = os.environ.get("POOLCTL", "poolctl")


def wait_for(predicate, timeout=10.0, interval=0.02, what="condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what} (last: {last!r})")


class Daemon:
    """One poold with its own directories, and poolctl aimed at it."""

    def __init__(self, root):
        self.root = root
        self.defs = os.path.join(root, "storage")
        self.runtime = os.path.join(root, "run")
        self.log_path = os.path.join(root, "poold.log")
        os.makedirs(self.defs, exist_ok=True)
        self.proc = None
        self.notify = None
        self.log = None

    def env(self):
        env = dict(os.environ)
        env["POOLD_RUNTIME_DIR"] = self.runtime
        env.pop("NOTIFY_SOCKET", None)
        return env

    def start(self, *extra, wait_ready=True):
        notify_path = os.path.join(self.root, "notify.sock")
        if os.path.exists(notify_path):
            os.unlink(notify_path)
        self.notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.notify.bind(notify_path)
        self.notify.settimeout(0.2)
        # Read every notification as it comes, as systemd does: poold's sd_notify() blocks
        # once the socket's buffer is full (STATUS= lines at every phase change).
        self.notices = []
        self.notices_cond = threading.Condition()
        threading.Thread(target=self._read_notices, args=(self.notify,), daemon=True).start()
        env = self.env()
        env["NOTIFY_SOCKET"] = notify_path
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(
            [POOLD, "--definitions-dir", self.defs, "--runtime-dir", self.runtime,
             "--log-level", "debug", *extra],
            env=env, stdout=self.log, stderr=subprocess.STDOUT)
        if wait_ready:
            self.wait_notify("READY=1")
        return self

    def _read_notices(self, sock):
        while True:
            try:
                msg = sock.recv(4096).decode()
            except socket.timeout:
                continue
            except OSError:
                return  # closed by stop()
            with self.notices_cond:
                self.notices.append(msg)
                self.notices_cond.notify_all()

    def wait_notify(self, what, timeout=15.0):
        """Waits for a notification holding the line what, sent since the last start."""
        deadline = time.monotonic() + timeout
        with self.notices_cond:
            while True:
                for msg in self.notices:
                    if what in msg.split("\n"):
                        return msg
                if self.proc.poll() is not None:
                    raise AssertionError(f"poold exited with {self.proc.returncode}:\n"
                                         f"{self.logs()}")
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {what} from poold within {timeout}s; got "
                                         f"{self.notices}\n{self.logs()}")
                self.notices_cond.wait(min(left, 0.2))

    def logs(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.notify:
            self.notify.close()
            self.notify = None
        if self.log:
            self.log.close()
            self.log = None
        rc = self.proc.returncode if self.proc else 0
        self.proc = None
        return rc

    def ctl(self, *args, check=True):
        p = subprocess.run([POOLCTL, *args], env=self.env(), capture_output=True, text=True,
                           timeout=60)
        if check and p.returncode != 0:
            raise AssertionError(f"poolctl {' '.join(args)} failed ({p.returncode}):\n"
                                 f"{p.stdout}{p.stderr}\n--- poold log ---\n{self.logs()[-4000:]}")
        return p

    def write_def(self, name, xml, autostart=False):
        path = os.path.join(self.defs, name + ".xml")
        tmp = os.path.join(self.defs, ".tmp-" + name)
        with open(tmp, "w") as f:
            f.write(xml)
        os.rename(tmp, path)
        if autostart:
            os.makedirs(os.path.join(self.defs, "autostart"), exist_ok=True)
            link = os.path.join(self.defs, "autostart", name + ".xml")
            if not os.path.lexists(link):
                os.symlink(path, link)
        return path

    def pools(self):
        """{name: (state, autostart)} from pool-list --all."""
        out = self.ctl("-q", "pool-list", "--all").stdout
        res = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3:
                res[parts[0]] = (parts[1], parts[2])
        return res

    def volumes(self, pool):
        out = self.ctl("-q", "vol-list", pool).stdout
        return sorted(line.split()[0] for line in out.splitlines() if line.strip())

    def status(self):
        out = self.ctl("-q", "status").stdout
        return {line.split()[0]: line.split()[1] for line in out.splitlines() if line.strip()}


def root_tier_unavailable(why):
    """Skips the calling test, saying why, or fails it under POOLD_TEST_REQUIRE_ROOT=1 (CI's
    root tier, where a skip would hide a regression)."""
    if os.environ.get("POOLD_TEST_REQUIRE_ROOT") == "1":
        pytest.fail(f"root tier required (POOLD_TEST_REQUIRE_ROOT=1): {why}")
    pytest.skip(why)


def dir_pool_xml(name, path, uuid=None):
    u = f"  <uuid>{uuid}</uuid>\n" if uuid else ""
    return (f"<pool type='dir'>\n  <name>{name}</name>\n{u}"
            f"  <target>\n    <path>{path}</path>\n  </target>\n</pool>\n")


@pytest.fixture
def tmp_root():
    with tempfile.TemporaryDirectory(prefix="poold-it-") as d:
        yield d


SANITIZER_MARKS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, "rep_" + rep.when, rep)


@pytest.fixture
def daemon(tmp_root, request):
    d = Daemon(tmp_root)
    yield d
    d.stop()
    # A failed test shows the end of poold's log (pytest prints a teardown's output).
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed and os.path.exists(d.log_path):
        print("--- poold log (end) ---\n" + d.logs()[-12000:])
    # Under the sanitizer build, poold's own reports fail the test that provoked them.
    if os.path.exists(d.log_path):
        log = d.logs()
        for mark in SANITIZER_MARKS:
            assert mark not in log, f"sanitizer report from poold:\n{log[-6000:]}"
