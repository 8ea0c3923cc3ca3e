#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# vol-list.sh [N...]: `poolctl vol-list --details` of a running pool of N volumes against
# `virsh vol-list --details` of the same directory (default 1,000 10,000 100,000; virsh
# cannot list more than 16,384 volumes and says so: its column then shows FAIL and the reason
# is printed). Output goes to /dev/null; wall-clock seconds, median of RUNS after one warm-up.
# Results also go to $RESULTS_FILE when it is set.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(1000 10000 100000)
result() { [[ -n ${RESULTS_FILE:-} ]] && echo "$1 $2" >>"$RESULTS_FILE"; return 0; }

lv=0
if have_libvirt && libvirtd_start; then
        lv=1
else
        log "libvirt not available: its column stays empty"
fi

echo "vol-list --details: seconds, median of $RUNS (load $(machine_load) at start)"
printf "%-8s %10s %10s %10s %8s\n" volumes poolctl virsh "virsh/pctl" lines
for n in "${sizes[@]}"; do
        make_pool "$n"
        dir=$(pool_dir "$n")
        defs=$WORK/defs-list-$n
        write_dir_def "$defs" "list$n" "$dir" 1
        poold_start "$defs"
        poolctl_ wait "list$n" --timeout 600 >/dev/null
        pc=$(measure "$POOLCTL" vol-list --details "list$n")
        lines=$("$POOLCTL" -q vol-list --details "list$n" | grep -c . || true)
        poold_stop

        vs=-
        if ((lv)); then
                lv_pool_create "lv$n" "$dir"
                if virsh_ vol-list --details "lv$n" >/dev/null 2>"$WORK/virsh-err"; then
                        vs=$(measure virsh_ vol-list --details "lv$n")
                else
                        vs=FAIL
                        echo "  virsh at $n: $(head -2 "$WORK/virsh-err" | tr '\n' ' ')"
                fi
                lv_pool_destroy "lv$n"
        fi
        printf "%-8s %10s %10s %10s %8s\n" "$n" "$pc" "$vs" "$(ratio "$vs" "$pc")" "$lines"
        result "vollist.$n.poolctl" "$pc"
        result "vollist.$n.virsh" "$vs"
        drop_pool "$n"
done
