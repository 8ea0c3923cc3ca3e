#!/usr/bin/env bash
# Every document poolctl prints for our fixtures validates against libvirt's RelaxNG schemas
# (Debian's libvirt0 installs them under /usr/share/libvirt/schemas).
# Usage: test-schema.sh POOLCTL FIXTURES_DIR. Exit 77 (skip) without xmllint or the schemas.
set -u
poolctl=$1 fixtures=$2
schemas=${POOLD_LIBVIRT_SCHEMAS:-/usr/share/libvirt/schemas}
if ! command -v xmllint >/dev/null || [[ ! -f $schemas/storagepool.rng ]]; then
  echo "skip: xmllint or $schemas/storagepool.rng missing"
  exit 77
fi
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0 bad=0
check() { # rng, file, label
  n=$((n + 1))
  if xmllint --noout --relaxng "$schemas/$1" "$2" >/dev/null 2>"$tmp/err"; then
    echo "ok - $3"
  else
    bad=$((bad + 1)); echo "not ok - $3: $(tail -n 2 "$tmp/err")"
  fi
}
for f in "$fixtures"/pools/*.xml; do
  [[ $f == *.out.xml ]] && continue
  name=$(basename "$f" .xml)
  if "$poolctl" validate --print "$f" >"$tmp/$name.xml" 2>"$tmp/err"; then
    check storagepool.rng "$tmp/$name.xml" "pool $name as printed"
  fi
done
for f in "$fixtures"/volumes/*.out.xml; do
  [[ -e $f ]] && check storagevol.rng "$f" "volume $(basename "$f")"
done
echo "$((n - bad)) passed, $bad failed"
((n > 0 && bad == 0))
