# SPDX-License-Identifier: LGPL-2.1-or-later
"""Golden files: poolctl's output compared, byte for byte, with files under tests/golden/.

An expected file is the exact output, except for a few placeholders standing for what
genuinely varies from run to run or machine to machine:

  {ROOT}    the test's temporary directory (literal)
  {UID}     the uid the test runs as, {GID} its gid (owner and group of what it creates)
  {SIZE}    a size as virsh prints it: 251.97 GiB (a dir pool's sizes come from statvfs)
  {BYTES}   a number of bytes
  {TS}      virsh's event timestamp, 2026-11-22 03:43:58.036+0000

Tables are compared after a size cell is replaced by "{SIZE}" and the table laid out again
with virsh's rules, since a size's width moves the columns after it; the actual table must
itself be laid out by those rules (checked separately), so nothing escapes the comparison.
"""
import difflib
import os
import re
import select
import time

GOLDEN_DIR = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "golden"))

SIZE_RE = r"\d+\.\d\d (?:B|KiB|MiB|GiB|TiB|PiB|EiB)"
PATTERNS = {
    "SIZE": SIZE_RE,
    "BYTES": r"\d+",
    "TS": r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\+0000",
}
LITERALS = ("ROOT", "UID", "GID")
TOKEN = re.compile(r"\{(" + "|".join([*LITERALS, *PATTERNS]) + r")\}")


def golden_path(name):
    return os.path.join(GOLDEN_DIR, name)


def read_golden(name):
    with open(golden_path(name), encoding="utf-8", newline="") as f:
        return f.read()


def template_regex(template, root=None):
    """The regular expression a template stands for."""
    parts = []
    pos = 0
    for m in TOKEN.finditer(template):
        parts.append(re.escape(template[pos:m.start()]))
        key = m.group(1)
        if key == "ROOT":
            assert root is not None, "template uses {ROOT} but no root was given"
            parts.append(re.escape(root))
        elif key == "UID":
            parts.append(str(os.getuid()))
        elif key == "GID":
            parts.append(str(os.getgid()))
        else:
            parts.append(PATTERNS[key])
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("".join(parts), re.DOTALL)


def assert_matches(actual, template, root=None, what="output", literal=False):
    """actual against a template; literal: the template's placeholders are text too (a
    table already normalized by normalize_table())."""
    if (actual == template) if literal else template_regex(template, root).fullmatch(actual):
        return
    expected = template.replace("{ROOT}", root) if root else template
    diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                        "expected", "actual"))
    raise AssertionError(f"{what} differs from the golden file:\n{diff}\n"
                         f"actual: {actual!r}")


# ---- virsh's tables (vsh-table.c) ----

def render_table(rows, quiet=False):
    """virsh's layout: " " + cell, padded to the column's width + 2, nothing after the last
    column, a dashed line of sum(width + 3) under the header; with -q no header, and the
    header does not count for the widths either."""
    counted = rows[1:] if quiet else rows
    n = len(rows[0])
    widths = [max([len(r[i]) for r in counted] or [0]) for i in range(n)]
    out = []
    for k, row in enumerate(rows):
        if quiet and k == 0:
            continue
        line = ""
        for i, cell in enumerate(row):
            line += " " + cell
            if i < n - 1:
                line += " " * (widths[i] - len(cell) + 2)
        out.append(line + "\n")
        if k == 0:
            out.append("-" * sum(w + 3 for w in widths) + "\n")
    return "".join(out)


def parse_table(text, header):
    """Cells of a table printed by virsh's rules, given its header cells (for -q output,
    whose header is not printed). Columns are found from the header line when present;
    otherwise from the first row."""
    lines = text.split("\n")
    assert lines[-1] == "", f"table does not end with a newline: {text!r}"
    lines = lines[:-1]
    rows = [list(header)]
    body = lines
    if lines and lines[0].split() == " ".join(header).split():
        body = lines[2:]
        starts = [lines[0].index(" " + h) for h in header]
    else:
        starts = None
    for line in body:
        if starts is None:
            # -q: the columns start where a cell follows two or more spaces
            starts = [0] + [m.end() - 1 for m in re.finditer(r" {2,}\S", line)]
            assert len(starts) == len(header), f"cannot split {line!r} into {header}"
        cells = []
        for i, s in enumerate(starts):
            end = starts[i + 1] if i + 1 < len(starts) else len(line)
            cells.append(line[s:end].strip())
        rows.append(cells)
    return rows


def normalize_table(text, header, quiet=False):
    """The table with its size cells replaced by {SIZE} and laid out again; asserts first
    that the actual table is laid out exactly as virsh lays out its own cells."""
    rows = parse_table(text, header)
    assert render_table(rows, quiet) == text, \
        f"table is not laid out by virsh's rules:\n{text}\nexpected layout:\n" \
        f"{render_table(rows, quiet)}"
    rows = [[("{SIZE}" if re.fullmatch(SIZE_RE, c) else c) for c in r] for r in rows]
    return render_table(rows, quiet)


# ---- a process that waits for events ----

def unix_sockets_connected(pid):
    """Is one of pid's file descriptors a connected Unix socket? (/proc/net/unix state 03.)
    A client connect()ed before poold accepted it is queued in order, so a command started
    afterwards is served after the listener is registered."""
    inodes = set()
    fd_dir = f"/proc/{pid}/fd"
    try:
        for fd in os.listdir(fd_dir):
            try:
                target = os.readlink(os.path.join(fd_dir, fd))
            except OSError:
                continue
            m = re.fullmatch(r"socket:\[(\d+)\]", target)
            if m:
                inodes.add(m.group(1))
    except FileNotFoundError:
        return False
    with open("/proc/net/unix") as f:
        next(f)
        for line in f:
            fields = line.split()
            if len(fields) >= 7 and fields[6] in inodes and fields[5] == "03":
                return True
    return False


def wait_connected(proc, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"listener exited early: {proc.communicate()}")
        if unix_sockets_connected(proc.pid):
            return
        time.sleep(0.01)
    raise AssertionError("listener did not connect to poold")


def read_until(fd, predicate, timeout=10.0):
    """Reads from fd until predicate(data) holds; returns the data."""
    data = b""
    deadline = time.monotonic() + timeout
    while not predicate(data):
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"timed out; read so far: {data!r}")
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        try:
            chunk = os.read(fd, 4096)
        except OSError:  # a pty whose other end is closed
            chunk = b""
        if not chunk:
            raise AssertionError(f"end of output; read so far: {data!r}")
        data += chunk
    return data
