#!/usr/bin/env bash
# The README's first command: installs the build dependencies, builds poold and poolctl, and
# runs poold in the foreground on the self-contained demo configuration in demo/storage/ (a
# dir pool with autostart), in a temporary directory. Stop it with Ctrl-C; the pool stays
# as it is, as pools outlive the daemon.
set -eu
cd "$(dirname "$0")/.."
top=$PWD
tools/install-deps.sh --build
[[ -f build/build.ninja ]] || meson setup build -Dtests=false >/dev/null
ninja -C build src/daemon/poold src/cli/poolctl >/dev/null

demo=${POOLD_DEMO_DIR:-$(mktemp -d /tmp/poold-demo.XXXXXX)}
mkdir -p "$demo/storage/autostart" "$demo/images" "$demo/run"
sed "s|@DEMO@|$demo|g" demo/storage/images.xml >"$demo/storage/images.xml"
ln -sf "$demo/storage/images.xml" "$demo/storage/autostart/images.xml"
truncate -s 1G "$demo/images/sparse.raw"
command -v qemu-img >/dev/null && qemu-img create -q -f qcow2 "$demo/images/disk.qcow2" 20G

cat >&2 <<MSG
poold demo in $demo
In a second terminal:
  export POOLD_RUNTIME_DIR=$demo/run
  $top/build/src/cli/poolctl pool-list --all
  $top/build/src/cli/poolctl vol-list images --details
  touch $demo/images/new.img      # appears in vol-list at once, no refresh
  $top/build/src/cli/poolctl status

MSG
export POOLD_RUNTIME_DIR=$demo/run
exec build/src/daemon/poold --definitions-dir "$demo/storage" --runtime-dir "$demo/run"
