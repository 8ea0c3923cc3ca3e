# SPDX-License-Identifier: LGPL-2.1-or-later
# Shared by the bench/*.sh scripts (sourced, not run): paths, timing, building the helpers,
# running poold and libvirtd by hand. Everything started here is stopped by its PID on exit.

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$BENCH_DIR")
# Where the pool directories go: a disk, not a small tmpfs (100,000 files).
DATA=${POOLD_BENCH_DATA:-/var/tmp/poold-bench}
POOLD=${POOLD:-$ROOT_DIR/build/src/daemon/poold}
POOLCTL=${POOLCTL:-$ROOT_DIR/build/src/cli/poolctl}
RUNS=${RUNS:-5}           # timed runs per figure (median taken), after one untimed warm-up
KEEP_DATA=${KEEP_DATA:-0} # 1: leave the pool directories for the next script

WORK=$(mktemp -d /tmp/poold-bench.XXXXXX)
# poold's runtime directory: /run/poold is a tmpfs in production (systemd's RuntimeDirectory=),
# so it is one here too where /dev/shm is: its state files are written with fsync, which is
# free on tmpfs and costs milliseconds on a disk.
if [[ -n ${POOLD_BENCH_RUNTIME:-} ]]; then
        RT_BASE=$(mktemp -d "$POOLD_BENCH_RUNTIME/poold-bench-rt.XXXXXX")
elif [[ $(stat -f -c %T /dev/shm 2>/dev/null) == tmpfs ]]; then
        RT_BASE=$(mktemp -d /dev/shm/poold-bench-rt.XXXXXX)
else
        RT_BASE=$WORK/rt
        mkdir -p "$RT_BASE"
fi
POOLD_PID=
LIBVIRTD_PID=
LV_SOCK=
declare -a LV_POOLS=()

log() { echo "# $*" >&2; }

bench_cleanup() {
        local p
        if [[ -n $LIBVIRTD_PID ]]; then
                for p in "${LV_POOLS[@]}"; do
                        virsh_ pool-destroy "$p" >/dev/null 2>&1 || true
                done
                libvirtd_stop
        fi
        [[ -n $POOLD_PID ]] && poold_stop
        rm -rf "$WORK" "$RT_BASE"
}
trap bench_cleanup EXIT
trap 'exit 130' INT TERM

# ---- timing ----

now_us() { echo "${EPOCHREALTIME/./}"; }

# Seconds (4 decimals) that the command took; its output is thrown away.
time_once() {
        local t0 t1
        t0=$(now_us)
        "$@" >/dev/null 2>"$WORK/last-stderr" || {
                log "failed: $* ($(head -c 300 "$WORK/last-stderr"))"
                echo "FAIL"
                return 0
        }
        t1=$(now_us)
        awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.4f\n", (b - a) / 1e6 }'
}

# Median of the numbers on stdin (FAIL if any run failed).
median() {
        sort -g | awk '/FAIL/ { f = 1 } { v[NR] = $1 } END {
                if (f || NR == 0) { print "FAIL"; exit }
                if (NR % 2) print v[(NR + 1) / 2]; else printf "%.4f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# One untimed run, then RUNS timed ones: the median in seconds. Every run's time is left in
# $WORK/last-runs (one line, in the order run), for runs_of.
measure() {
        local i
        "$@" >/dev/null 2>&1 || true
        for ((i = 0; i < RUNS; i++)); do
                time_once "$@"
        done | tee "$WORK/last-runs.tmp" | median
        tr '\n' ' ' <"$WORK/last-runs.tmp" >"$WORK/last-runs"
}
runs_of() { cat "$WORK/last-runs" 2>/dev/null; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "FAIL" || b == "FAIL" || b == 0) print "-"; else printf "%.2f\n", a / b }'; }

# ---- helpers built from bench/*.c ----

build_helper() { # NAME [extra cc args...]
        local name=$1
        shift
        [[ -x $WORK/$name ]] && return 0
        cc -O2 -Wall -Wextra -pthread -o "$WORK/$name" "$BENCH_DIR/$name.c" "$@" ||
                { log "cannot build $name"; exit 1; }
}

build_floor() { build_helper floor-scan; }
build_latency() {
        # shellcheck disable=SC2046
        build_helper latency $(pkg-config --cflags --libs libsystemd)
}

machine_load() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- pools on disk ----

pool_dir() { echo "$DATA/pool-$1"; }

make_pool() { # N
        local dir
        dir=$(pool_dir "$1")
        mkdir -p "$DATA"
        if [[ ! -f $dir.made-by-mkpool ]]; then
                log "creating $1 files in $dir"
        fi
        "$BENCH_DIR/mkpool.sh" "$dir" "$1"
}

drop_pool() { # N
        [[ $KEEP_DATA == 1 ]] && return 0
        local dir
        dir=$(pool_dir "$1")
        rm -rf "$dir" "$dir.made-by-mkpool"
}

# ---- poold ----

# poold_start DEFS_DIR: starts poold on its own runtime directory and waits for its socket.
poold_start() {
        local defs=$1 i
        export POOLD_RUNTIME_DIR=$RT_BASE/run
        mkdir -p "$POOLD_RUNTIME_DIR"
        env -u NOTIFY_SOCKET "$POOLD" --definitions-dir "$defs" --runtime-dir "$POOLD_RUNTIME_DIR" \
                --log-level warning --resync-interval 0 --job-timeout 3600 \
                >>"$WORK/poold.log" 2>&1 &
        POOLD_PID=$!
        for ((i = 0; i < 3000; i++)); do
                [[ -S $POOLD_RUNTIME_DIR/control ]] && "$POOLCTL" -q pool-list --all >/dev/null 2>&1 &&
                        return 0
                kill -0 "$POOLD_PID" 2>/dev/null || { log "poold died: $(tail -5 "$WORK/poold.log")"; exit 1; }
                sleep 0.02
        done
        log "poold did not come up"
        exit 1
}

poold_stop() {
        kill -TERM "$POOLD_PID" 2>/dev/null || true
        wait "$POOLD_PID" 2>/dev/null || true
        POOLD_PID=
        rm -rf "$RT_BASE/run"
}

poolctl_() { "$POOLCTL" "$@"; }

# A dir pool definition NAME for DIR in DEFS (autostart when the 4th argument is 1).
write_dir_def() { # DEFS NAME DIR [AUTOSTART]
        local defs=$1 name=$2 dir=$3
        mkdir -p "$defs/autostart"
        printf "<pool type='dir'>\n  <name>%s</name>\n  <target>\n    <path>%s</path>\n  </target>\n</pool>\n" \
                "$name" "$dir" >"$defs/$name.xml"
        if [[ ${4:-0} == 1 ]]; then
                ln -sf "$defs/$name.xml" "$defs/autostart/$name.xml"
        fi
}

# ---- libvirt, by hand, for the comparison ----

have_libvirt() { command -v libvirtd >/dev/null && command -v virsh >/dev/null; }

# libvirtd as root (qemu:///system), its sockets in our own directory so no other libvirt is
# disturbed; pools are transient (pool-create-as) and destroyed on exit.
libvirtd_start() {
        local d=$WORK/libvirt i
        mkdir -p "$d"
        getent passwd libvirt-qemu >/dev/null ||
                { log "libvirt needs the user libvirt-qemu: useradd --system --user-group libvirt-qemu"; return 1; }
        cat >"$d/libvirtd.conf" <<EOF
unix_sock_dir = "$d"
log_outputs = "3:file:$d/libvirtd.log"
EOF
        libvirtd -f "$d/libvirtd.conf" >"$d/out.log" 2>&1 &
        LIBVIRTD_PID=$!
        LV_SOCK=$d/libvirt-sock
        for ((i = 0; i < 1500; i++)); do
                [[ -S $LV_SOCK ]] && virsh_ pool-list --all >/dev/null 2>&1 && return 0
                kill -0 "$LIBVIRTD_PID" 2>/dev/null || { log "libvirtd died: $(tail -3 "$d/libvirtd.log")"; LIBVIRTD_PID=; return 1; }
                sleep 0.02
        done
        log "libvirtd did not come up"
        return 1
}

libvirtd_stop() {
        kill -TERM "$LIBVIRTD_PID" 2>/dev/null || true
        wait "$LIBVIRTD_PID" 2>/dev/null || true
        LIBVIRTD_PID=
}

virsh_() { virsh -q -c "qemu:///system?socket=$LV_SOCK" "$@"; }

lv_pool_create() { # NAME DIR
        virsh_ pool-create-as "$1" dir --target "$2" >/dev/null && LV_POOLS+=("$1")
}

lv_pool_destroy() { # NAME
        virsh_ pool-destroy "$1" >/dev/null 2>&1 || true
        local p keep=()
        for p in "${LV_POOLS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
        LV_POOLS=("${keep[@]}")
}

libvirt_version() { virsh_ version 2>/dev/null | awk '/Running against daemon/ { print $NF }' || true; }
