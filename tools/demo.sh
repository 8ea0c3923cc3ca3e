#!/usr/bin/env bash
# The README's first command: installs the build dependencies, builds poold, and runs it on the
# self-contained demo configuration in demo/storage/.
#
# At this stage of the project the runnable program is `poolctl validate --print`: it checks
# every definition in demo/storage/ offline and prints each in libvirt's canonical form
# (note the derived, stable UUIDs of the files that have none).
set -eu
cd "$(dirname "$0")/.."
tools/install-deps.sh --build
[[ -f build/build.ninja ]] || meson setup build -Dtests=false >/dev/null
ninja -C build src/cli/poolctl >/dev/null
echo "# poolctl validate --print demo/storage/*.xml" >&2
exec build/src/cli/poolctl validate --print demo/storage/*.xml
