#!/usr/bin/env bash
# The systemd units pass `systemd-analyze verify`, with ExecStart aimed at the binaries just
# built, and their sandboxing is measured with `systemd-analyze security --offline=true`.
# Usage: test-units.sh UNITS_BUILD_DIR POOLD POOLCTL. Exit 77 without systemd-analyze.
set -u
units=$1 poold=$2 poolctl=$3
command -v systemd-analyze >/dev/null || { echo "skip: no systemd-analyze"; exit 77; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sed "s|^ExecStart=[^ ]*|ExecStart=$poold|" "$units/poold.service" >"$tmp/poold.service"
sed "s|^ExecStart=[^ ]*|ExecStart=$poolctl|" "$units/poold-wait@.service" >"$tmp/poold-wait@.service"
cp "$tmp/poold-wait@.service" "$tmp/poold-wait@images.service"
fail=0
if out=$(cd "$tmp" && systemd-analyze verify poold.service poold-wait@images.service 2>&1); then
  echo "ok - systemd-analyze verify"
else
  echo "not ok - systemd-analyze verify:"; echo "$out" | sed 's/^/    /'; fail=1
fi
sec=$(systemd-analyze security --offline=true "$tmp/poold.service" 2>&1 | tail -n 1)
echo "# $sec"
# The sandboxing must not silently regress: exposure at most 5.0 (measured 4.8 on 2026-11-22).
level=$(grep -o 'level for poold.service: [0-9.]*' <<<"$sec" | grep -o '[0-9.]*$')
if [[ -n $level ]] && awk "BEGIN{exit !($level <= 5.0)}"; then
  echo "ok - exposure $level <= 5.0"
else
  echo "not ok - exposure '${level:-unknown}' above 5.0"; fail=1
fi
exit $fail
