#!/usr/bin/env bash
# Runs each libFuzzer target for SECONDS (default 60), seeded with the project's own fixtures.
# Usage: tools/fuzz.sh [SECONDS] — builds build-fuzz/ with clang, ASan and UBSan.
# A crash leaves its input under build-fuzz/findings/; keep it as a regression input in
# tests/fuzz/regressions/{pool,vol}/ once fixed. Prints one "ok"/"FAIL" line per target.
set -u
cd "$(dirname "$0")/.."
seconds=${1:-60}
top=$PWD
build=$top/build-fuzz

if [[ ! -f $build/build.ninja ]]; then
  CC=clang meson setup "$build" -Dfuzzing=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
fi
ninja -C "$build" tests/fuzz/fuzz-pool-parse tests/fuzz/fuzz-vol-parse >/dev/null || exit 1

work=$build/corpus
findings=$build/findings
rm -rf "$work"
mkdir -p "$work/pool" "$work/vol" "$findings"
# Seeds: our fixtures. Volume inputs start with one byte that picks the pool type.
cp tests/fixtures/pools/*.xml "$work/pool/" 2>/dev/null
cp tests/fuzz/regressions/pool/* "$work/pool/" 2>/dev/null
i=0
for f in tests/fixtures/volumes/*.xml; do
  [[ -e $f ]] || continue
  for t in 0 4 5 9; do  # dir, disk, iscsi, rbd
    { printf "\\x$(printf %02x $t)"; cat "$f"; } >"$work/vol/seed-$i-$t"
  done
  i=$((i + 1))
done
cp tests/fuzz/regressions/vol/* "$work/vol/" 2>/dev/null

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
for target in pool vol; do
  log=$build/fuzz-$target.log
  "$build/tests/fuzz/fuzz-$target-parse" "$work/$target" \
    -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -dict=tests/fuzz/xml.dict -artifact_prefix="$findings/$target-" -print_final_stats=1 \
    >"$log" 2>&1
  rc=$?
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$')
  if ((rc == 0)); then
    echo "ok - fuzz-$target-parse: ${execs:-?} executions in ${seconds}s, no finding"
  else
    echo "FAIL - fuzz-$target-parse: exit $rc after ${execs:-?} executions; see $log and $findings"
    grep -m5 -E 'ERROR|FUZZ FAILURE|runtime error' "$log" | sed 's/^/    /'
    status=1
  fi
done
exit $status
