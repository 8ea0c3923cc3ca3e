#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# rss-ready.sh: poold's memory with a pool of RSS_N volumes (default 100,000), and its time
# to READY=1 with READY_DEFS definitions (default 1,000).
#
# RSS: VmRSS (and VmHWM, the peak) from /proc/PID/status once the pool runs, then after a
# `poolctl vol-list --details` and after a `poolctl pool-refresh` (both build large replies or
# results), and for an idle poold with no pool, for reference.
# READY: the script binds a datagram socket, passes it as NOTIFY_SOCKET and times from the
# spawn of poold to its READY=1 (which poold sends once every pool finished its first pass):
#   cold      READY_DEFS autostart dir pools (empty directories), a new runtime directory:
#             every pool is started
#   restart   the same, poold restarted on the runtime directory it left: pools are adopted
#   inactive  READY_DEFS definitions without autostart: parsed, nothing started
# The runtime directory is on a tmpfs, as /run is in production; "cold, on disk" repeats the
# cold start with it on the disk of $POOLD_BENCH_DATA (poold fsyncs each running pool's state).
# also: READY with the single RSS_N pool (its first full refresh included).
# Seconds and MiB. Results also go to $RESULTS_FILE when it is set.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

RSS_N=${RSS_N:-100000}
READY_DEFS=${READY_DEFS:-1000}
result() { [[ -n ${RESULTS_FILE:-} ]] && echo "$1 $2" >>"$RESULTS_FILE"; return 0; }

# Seconds from spawning poold (on DEFS and runtime RT) to its READY=1; poold keeps running.
POOLD_READY=
poold_start_ready() { # DEFS RT
        local defs=$1 rt=$2 sock=$WORK/notify.sock py t0 t1
        rm -f "$sock" "$sock.bound" "$WORK/ready.out"
        python3 - "$sock" >"$WORK/ready.out" <<'PY' &
import socket, sys, time
path = sys.argv[1]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(path)
open(path + ".bound", "w").close()
s.settimeout(900)
while True:
    msg = s.recv(65536).decode(errors="replace")
    if "READY=1" in msg.split("\n"):
        print(f"{time.time():.6f}")
        break
PY
        py=$!
        while [[ ! -e $sock.bound ]]; do sleep 0.01; done
        mkdir -p "$rt"
        export POOLD_RUNTIME_DIR=$rt
        t0=$EPOCHREALTIME
        NOTIFY_SOCKET=$sock "$POOLD" --definitions-dir "$defs" --runtime-dir "$rt" \
                --log-level warning --resync-interval 0 --job-timeout 3600 >>"$WORK/poold.log" 2>&1 &
        POOLD_PID=$!
        wait "$py"
        t1=$(cat "$WORK/ready.out")
        POOLD_READY=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f", b - a }')
}

stop_keep_runtime() {
        kill -TERM "$POOLD_PID" 2>/dev/null || true
        wait "$POOLD_PID" 2>/dev/null || true
        POOLD_PID=
}

mib() { awk -v k="$1:" '$1 == k { printf "%.1f", $2 / 1024 }' "/proc/$POOLD_PID/status"; }

echo "rss-ready (load $(machine_load) at start)"

# ---- RSS ----
defs=$WORK/defs-idle
mkdir -p "$defs"
poold_start_ready "$defs" "$RT_BASE/run-idle"
idle=$(mib VmRSS)
stop_keep_runtime

make_pool "$RSS_N"
dir=$(pool_dir "$RSS_N")
defs=$WORK/defs-rss
write_dir_def "$defs" "rss" "$dir" 1
# A warm-up start, so that the timed one finds the page cache as warm as refresh.sh does.
poold_start_ready "$defs" "$RT_BASE/run-rss"
stop_keep_runtime
rm -rf "$RT_BASE/run-rss"
poold_start_ready "$defs" "$RT_BASE/run-rss"
ready_big=$POOLD_READY
sleep 1
rss_run=$(mib VmRSS)
hwm_run=$(mib VmHWM)
count=$("$POOLCTL" -q vol-list rss | grep -c . || true)
rss_list=$(mib VmRSS)
hwm_list=$(mib VmHWM)
"$POOLCTL" pool-refresh rss >/dev/null
sleep 0.5
rss_ref=$(mib VmRSS)
hwm_ref=$(mib VmHWM)
stop_keep_runtime
drop_pool "$RSS_N"

echo "RSS (MiB)                         VmRSS    VmHWM"
printf "  idle, no pool                 %7s\n" "$idle"
printf "  %6s volumes, running        %7s  %7s\n" "$count" "$rss_run" "$hwm_run"
printf "  after vol-list --details      %7s  %7s\n" "$rss_list" "$hwm_list"
printf "  after pool-refresh            %7s  %7s\n" "$rss_ref" "$hwm_ref"
printf "READY with one pool of %s volumes: %s s\n" "$RSS_N" "$ready_big"
for k in idle rss_run hwm_run rss_list hwm_list rss_ref hwm_ref ready_big; do result "rss.$k" "${!k}"; done

# ---- READY with many definitions ----
defs=$WORK/defs-many
defs_inactive=$WORK/defs-many-inactive
mkdir -p "$DATA/ready"
for ((i = 0; i < READY_DEFS; i++)); do
        name=$(printf "p%05d" "$i")
        mkdir -p "$DATA/ready/$name"
        write_dir_def "$defs" "$name" "$DATA/ready/$name" 1
        write_dir_def "$defs_inactive" "$name" "$DATA/ready/$name" 0
done

run_ready() { # DEFS MODE(cold|restart) RUNTIME_DIR
        local i
        for ((i = 0; i <= RUNS; i++)); do # the first is the warm-up
                [[ $2 == cold ]] && rm -rf "$3"
                poold_start_ready "$1" "$3"
                ((i > 0)) && echo "$POOLD_READY"
                stop_keep_runtime
        done | median
}
cold=$(run_ready "$defs" cold "$RT_BASE/run-many")
restart=$(run_ready "$defs" restart "$RT_BASE/run-many")
inactive=$(run_ready "$defs_inactive" cold "$RT_BASE/run-many")
# The same cold start with the runtime directory on the disk that holds $DATA.
cold_disk=$(run_ready "$defs" cold "$DATA/run-many")
rm -rf "$RT_BASE/run-many" "$DATA/run-many" "$DATA/ready"

echo "READY with $READY_DEFS definitions (s, median of $RUNS)"
printf "  cold (all autostart, started)   %s\n" "$cold"
printf "  restart (adopted)               %s\n" "$restart"
printf "  inactive (parsed only)          %s\n" "$inactive"
printf "  cold, runtime dir on disk       %s  (%s)\n" "$cold_disk" "$(findmnt -no FSTYPE -T "$DATA")"
for k in cold restart inactive cold_disk; do result "ready.$k" "${!k}"; done
