#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# refresh.sh [N...]: full refresh of a dir pool of N files (default 1,000 10,000 100,000),
# poold against libvirt's `virsh pool-refresh` on the same directory, and against the floor
# (bench/floor-scan.c: the least any scan can do).
#
#   floor full 1t/2t  getdents + open + pread 4 KiB + fstat, on one and two threads
#   floor stat 1t/2t  getdents + fstatat
#   poold first       `poolctl pool-start` of a stopped pool: start + the first full refresh
#                     (poold holds no volumes before it), reply when the volumes are in
#   poold again       `poolctl pool-refresh` of the running, unchanged pool
#   libvirt           `virsh pool-refresh` (libvirt reads everything again each time)
#
# All are wall-clock times of one command (the CLIs include their connection: see the
# "client" line), with the page cache warm: one untimed run of each, then the median of RUNS.
# Figures are seconds. Results also go to $RESULTS_FILE (key value lines) when it is set.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)

build_floor
lv=0
if have_libvirt && libvirtd_start; then
        lv=1
else
        log "libvirt not available: its column stays empty"
fi

result() { [[ -n ${RESULTS_FILE:-} ]] && echo "$1 $2" >>"$RESULTS_FILE"; return 0; }

floor() { # MODE THREADS DIR
        "$WORK/floor-scan" -m "$1" -t "$2" -r "$RUNS" "$3" | sed -n 's/.*median=\([0-9.]*\).*/\1/p'
}

# pool-start timed, pool-destroy untimed; one untimed round first.
poold_first() { # POOL
        local i
        poolctl_ pool-start "$1" >/dev/null
        poolctl_ pool-destroy "$1" >/dev/null
        for ((i = 0; i < RUNS; i++)); do
                time_once "$POOLCTL" pool-start "$1"
                poolctl_ pool-destroy "$1" >/dev/null
        done | tee "$WORK/last-runs.tmp" | median
        tr '\n' ' ' <"$WORK/last-runs.tmp" >"$WORK/last-runs"
}

echo "refresh: seconds, median of $RUNS (load $(machine_load) at start)"
printf "%-8s %9s %9s %9s %9s | %9s %9s %9s | %8s %8s %8s | %8s\n" \
        files "flr-full1" "flr-full2" "flr-stat1" "flr-stat2" "poold-1st" "poold-2nd" libvirt \
        "1st/flr2" "2nd/st2" "lv/1st" "us/file"
for n in "${sizes[@]}"; do
        make_pool "$n"
        dir=$(pool_dir "$n")

        f1=$(floor full 1 "$dir")
        f2=$(floor full 2 "$dir")
        s1=$(floor stat 1 "$dir")
        s2=$(floor stat 2 "$dir")

        defs=$WORK/defs-$n
        write_dir_def "$defs" "bench$n" "$dir"
        poold_start "$defs"
        client=$(measure "$POOLCTL" pool-list --all)
        first=$(poold_first "bench$n")
        first_runs=$(runs_of)
        poolctl_ pool-start "bench$n" >/dev/null
        again=$(measure "$POOLCTL" pool-refresh "bench$n")
        again_runs=$(runs_of)
        count=$("$POOLCTL" -q vol-list "bench$n" | grep -c . || true)
        [[ $count == "$n" ]] || log "poold lists $count volumes of $n"
        poold_stop

        lvt=-
        lvclient=-
        lv_runs=-
        if ((lv)); then
                lv_pool_create "lv$n" "$dir"
                lvclient=$(measure virsh_ pool-list --all)
                lvt=$(measure virsh_ pool-refresh "lv$n")
                lv_runs=$(runs_of)
                lv_pool_destroy "lv$n"
        fi

        perfile=$(awk -v t="$first" -v n="$n" 'BEGIN { printf "%.2f", t / n * 1e6 }')
        printf "%-8s %9s %9s %9s %9s | %9s %9s %9s | %8s %8s %8s | %8s\n" "$n" "$f1" "$f2" "$s1" \
                "$s2" "$first" "$again" "$lvt" "$(ratio "$first" "$f2")" "$(ratio "$again" "$s2")" \
                "$(ratio "$lvt" "$first")" "$perfile"
        echo "  client alone (no-op call): poolctl pool-list $client s, virsh pool-list $lvclient s"
        echo "  every run: poold-1st $first_runs| poold-2nd $again_runs| libvirt $lv_runs"
        for k in f1 f2 s1 s2 first again lvt client lvclient; do result "refresh.$n.$k" "${!k}"; done
        drop_pool "$n"
done
if ((lv)); then
        echo "libvirt: $(libvirtd --version)"
fi
