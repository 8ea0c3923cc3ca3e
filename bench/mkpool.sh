#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# mkpool.sh DIR N: fills the new (or empty) directory DIR with N volumes, as the benchmarks
# want them: 90% sparse 1 GiB raw files (raw-NNNNNN.img), 10% small qcow2 images of 10 GiB
# virtual size (qcow-NNNNNN.qcow2). One qcow2 is made with qemu-img, the others are copies of
# it (cp --sparse=always --reflink=auto: a reflink where the file system has them).
# A directory that already holds exactly N entries made by this script is left as it is
# (the marker file DIR.made-by-mkpool says so), so several benchmarks can share it.
set -euo pipefail

if [[ $# -ne 2 || ! $2 =~ ^[0-9]+$ ]]; then
        echo "usage: $0 DIR N" >&2
        exit 2
fi
dir=$1 n=$2
marker="$dir.made-by-mkpool"

if [[ -f $marker && $(cat "$marker") == "$n" && -d $dir ]]; then
        exit 0
fi
command -v qemu-img >/dev/null || { echo "mkpool: qemu-img is needed" >&2; exit 1; }
mkdir -p "$dir"
if [[ -n $(ls -A "$dir") ]]; then
        echo "mkpool: $dir is not empty (and was not made by mkpool.sh for N=$n)" >&2
        exit 1
fi
rm -f "$marker"

n_qcow=$((n / 10))
n_raw=$((n - n_qcow))
tmpl=$(mktemp -d "${dir%/*}/.mkpool-XXXXXX")
trap 'rm -rf "$tmpl"' EXIT
qemu-img create -q -f qcow2 "$tmpl/template.qcow2" 10G

if ((n_raw > 0)); then
        # truncate takes many names at once: ~100k files in a few seconds.
        seq -f "$dir/raw-%06.0f.img" 1 "$n_raw" | xargs -r truncate -s 1G
fi
if ((n_qcow > 0)); then
        seq -f "$dir/qcow-%06.0f.qcow2" 1 "$n_qcow" |
                xargs -r -n 1 -P 2 cp --sparse=always --reflink=auto "$tmpl/template.qcow2"
fi
echo "$n" >"$marker"
