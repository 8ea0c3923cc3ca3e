#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# run-all.sh: every benchmark, then one table of the figures beside the issue's reference
# figures and targets. Prints figures; never fails on a missed target (exit 0 unless a
# benchmark could not run). Takes about 10 minutes on 2 cores (creating 100,000 files and
# libvirt's pool-refresh of them are the long parts). See bench/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

user_keep=$KEEP_DATA
export KEEP_DATA=1 # the scripts share the pool directories; removed at the end
export RESULTS_FILE=$WORK/results
export POOLD POOLCTL RUNS DATA POOLD_BENCH_DATA=$DATA
: >"$RESULTS_FILE"

echo "== poold benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cpus ($(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)), $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo), kernel $(uname -r)"
echo "data: $DATA on $(findmnt -no SOURCE,FSTYPE -T "$(dirname "$DATA")" | tr -s ' ')"
echo "poold: $POOLD"
have_libvirt && echo "libvirt: $(libvirtd --version)"
echo "load at start: $(machine_load)"
echo

"$here/refresh.sh" 1000 10000 100000
echo
"$here/vol-list.sh" 1000 10000 100000
echo
"$here/latency.sh" 100 100000
echo
"$here/rss-ready.sh"
echo
echo "load at end: $(machine_load)"
echo

python3 - "$RESULTS_FILE" <<'PY'
import sys

r = {}
for line in open(sys.argv[1]):
    k, _, v = line.strip().partition(" ")
    r[k] = v

def num(k):
    try:
        return float(r[k])
    except (KeyError, ValueError):
        return None

def s(x, unit=""):
    if x is None:
        return "-"
    if unit == "s":
        return f"{x * 1000:.0f} ms" if x < 1 else f"{x:.2f} s"
    if unit == "ms":
        return f"{x:.2f} ms"
    if unit == "x":
        return f"{x:.2f}x"
    if unit == "us":
        return f"{x:.2f} us"
    return f"{x}{unit}"

def div(a, b):
    return a / b if a is not None and b not in (None, 0) else None

def verdict(ok):
    return "-" if ok is None else ("met" if ok else "NOT met")

rows = []
def row(what, ours, ref="", target="", ok=None):
    rows.append((what, ours, ref, target, verdict(ok) if target else ""))

ref_lv = {1000: 0.069, 10000: 0.360, 100000: 3.4}
for n in (1000, 10000, 100000):
    first, lv = num(f"refresh.{n}.first"), num(f"refresh.{n}.lvt")
    row(f"full refresh {n:,}: poold (pool-start)", s(first, "s"))
    row(f"full refresh {n:,}: virsh pool-refresh", s(lv, "s"), s(ref_lv[n], "s"))
    row(f"  libvirt / poold", s(div(lv, first), "x"))
row("floor 100,000: open+pread+fstat 1 thread", s(num("refresh.100000.f1"), "s"), "760 ms")
row("floor 100,000: open+pread+fstat 2 threads", s(num("refresh.100000.f2"), "s"), "440 ms")
row("floor 100,000: fstatat 1 thread", s(num("refresh.100000.s1"), "s"), "270 ms")
row("floor 100,000: fstatat 2 threads", s(num("refresh.100000.s2"), "s"), "180 ms")
q = div(num("refresh.100000.first"), num("refresh.100000.f2"))
row("first refresh 100,000 / 2-thread floor", s(q, "x"), "", "<= 1.2x", None if q is None else q <= 1.2)
# Linearity: the marginal cost per file between sizes (CLI and connection overhead cancel).
t1, t10, t100 = (num(f"refresh.{n}.first") for n in (1000, 10000, 100000))
m1 = div((t10 - t1) if None not in (t10, t1) else None, 9000)
m2 = div((t100 - t10) if None not in (t100, t10) else None, 90000)
lin = div(m2, m1)
row("per-file cost 1k->10k / 10k->100k",
    f"{s(m1 * 1e6 if m1 else None, 'us')} / {s(m2 * 1e6 if m2 else None, 'us')}", "",
    "linear (<= 1.5x)", None if lin is None else lin <= 1.5)
q = div(num("refresh.100000.again"), num("refresh.100000.s2"))
row("unchanged refresh 100,000", s(num("refresh.100000.again"), "s"))
row("unchanged refresh / fstatat 2-thread floor", s(q, "x"), "", "<= 1.3x", None if q is None else q <= 1.3)
for n, ref in ((1000, 1.1), (10000, 6.5)):
    row(f"vol-list --details {n:,}: poolctl", s(num(f"vollist.{n}.poolctl"), "s"))
    row(f"vol-list --details {n:,}: virsh", s(num(f"vollist.{n}.virsh"), "s"), s(ref, "s"))
q = div(num("vollist.10000.virsh"), num("vollist.10000.poolctl"))
row("vol-list 10,000: virsh / poolctl", s(q, "x"), "", ">= 30x", None if q is None else q >= 30)
v = num("vollist.100000.poolctl")
row("vol-list --details 100,000: poolctl", s(v, "s"), "virsh fails", "< 2 s", None if v is None else v < 2)
p100, p100k = num("latency.100.create.p99"), num("latency.100000.create.p99")
for n in (100, 100000):
    row(f"new file visible, {n:,} vols: p50 / p99",
        f"{s(num(f'latency.{n}.create.p50'), 'ms')} / {s(num(f'latency.{n}.create.p99'), 'ms')}",
        "", "p99 < 10 ms", None if num(f"latency.{n}.create.p99") is None else num(f"latency.{n}.create.p99") < 10)
    row(f"  file creation itself / poold's part: p99",
        f"{s(num(f'latency.{n}.create.fs_p99'), 'ms')} / {s(num(f'latency.{n}.create.post_p99'), 'ms')}")
    row(f"  renamed in instead: p50 / p99",
        f"{s(num(f'latency.{n}.rename.p50'), 'ms')} / {s(num(f'latency.{n}.rename.p99'), 'ms')}")
q = div(p100k, p100)
row("p99 at 100,000 / p99 at 100", s(q, "x"), "", "<= 1.5x", None if q is None else q <= 1.5)
q = div(num("latency.100000.create.post_p99"), num("latency.100.create.post_p99"))
row("  the same, poold's part alone", s(q, "x"))
v = num("rss.rss_run")
row("RSS, 100,000 volumes, running", s(v, " MiB"), "", "< 64 MiB", None if v is None else v < 64)
row("RSS after a pool-refresh (peak)", f"{s(num('rss.rss_ref'), ' MiB')} ({s(num('rss.hwm_ref'), ' MiB')})")
v = num("ready.cold")
row("READY, 1,000 definitions (cold)", s(v, "s"), "", "< 1 s", None if v is None else v < 1)
row("READY, 1,000 definitions (restart, adopted)", s(num("ready.restart"), "s"))
row("READY, 1,000 definitions (none autostart)", s(num("ready.inactive"), "s"))
row("READY, 1,000 definitions (cold, runtime on disk)", s(num("ready.cold_disk"), "s"))
row("READY, one pool of 100,000 volumes", s(num("rss.ready_big"), "s"))

w = [max(len(x[i]) for x in rows + [("benchmark", "ours", "reference", "target", "")]) for i in range(5)]
hdr = ("benchmark", "ours", "reference", "target", "")
print("== summary")
for x in [hdr] + rows:
    print("  ".join(x[i].ljust(w[i]) for i in range(5)).rstrip())
PY

if [[ $user_keep != 1 ]]; then
        for n in 100 1000 10000 100000; do
                rm -rf "$(pool_dir "$n")" "$(pool_dir "$n").made-by-mkpool"
        done
        rmdir "$DATA" 2>/dev/null || true
fi
