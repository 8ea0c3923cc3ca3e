#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# latency.sh [N...]: from a file's creation to its volume being visible through poold's API,
# in a running dir pool of N volumes (default 100 and 100,000). bench/latency.c subscribes to
# org.poold1.Manager.VolumeEvent on the private socket (signals, not polling) and times each
# new file until its "Added" arrives; LAT_COUNT samples (default 500) per mode:
#   create  open(O_CREAT) + ftruncate(1 GiB) + close in the pool directory (the clock starts
#           before the open; poold may announce the file before it is closed)
#   rename  a finished file renamed into the directory (the clock starts before the rename)
# fs-p50/fs-p99: the file system calls alone (included in the latency): when p99 is high and
# fs-p99 is too, the time went to the file system, not to poold. post-p50/post-p99: from the
# end of those calls to the signal, per sample: poold's part alone.
# Figures are milliseconds. Results also go to $RESULTS_FILE when it is set.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100 100000)
LAT_COUNT=${LAT_COUNT:-500}

build_latency
result() { [[ -n ${RESULTS_FILE:-} ]] && echo "$1 $2" >>"$RESULTS_FILE"; return 0; }
field() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p"; }

echo "latency: file created -> VolumeEvent Added, ms, $LAT_COUNT samples (load $(machine_load) at start)"
printf "%-8s %-7s %8s %8s %8s %8s %8s | %8s %8s | %9s %9s\n" volumes mode p50 p90 p99 max mean \
        fs-p50 fs-p99 post-p50 post-p99
for n in "${sizes[@]}"; do
        make_pool "$n"
        dir=$(pool_dir "$n")
        defs=$WORK/defs-lat-$n
        write_dir_def "$defs" "lat$n" "$dir" 1
        poold_start "$defs"
        poolctl_ wait "lat$n" --timeout 600 >/dev/null
        for mode in create rename; do
                out=$("$WORK/latency" -s "$POOLD_RUNTIME_DIR/control" -p "lat$n" -d "$dir" \
                        -n "$LAT_COUNT" -m "$mode") || { log "latency failed: $out"; continue; }
                printf "%-8s %-7s %8s %8s %8s %8s %8s | %8s %8s | %9s %9s\n" "$n" "$mode" \
                        "$(field p50 <<<"$out")" "$(field p90 <<<"$out")" "$(field p99 <<<"$out")" \
                        "$(field max <<<"$out")" "$(field mean <<<"$out")" \
                        "$(field fs_p50 <<<"$out")" "$(field fs_p99 <<<"$out")" \
                        "$(field post_p50 <<<"$out")" "$(field post_p99 <<<"$out")"
                for k in p50 p99 max fs_p99 post_p99; do result "latency.$n.$mode.$k" "$(field $k <<<"$out")"; done
        done
        poold_stop
        drop_pool "$n"
done
