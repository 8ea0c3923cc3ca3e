#!/usr/bin/env bash
# The whole test suite, as the README's second command and CI run it:
#   1. install what the build and the tests need (Debian packages)
#   2. build, run the unit and CLI tests
#   3. build again with AddressSanitizer + UndefinedBehaviorSanitizer and run the unit tests
#   4. fuzz each parser (libFuzzer, POOLD_FUZZ_SECONDS, default 60) seeded with our fixtures
#   5. when ../shared exists: libvirt's XML conformance run, with RelaxNG validation
# Ends with one line "N passed, N failed, N skipped" counting test cases of every stage.
set -u
cd "$(dirname "$0")/.."
top=$PWD
fuzz_seconds=${POOLD_FUZZ_SECONDS:-60}
passed=0 failed=0 skipped=0
failures=()

stage() { echo; echo "=== $*"; }
record() { # name, passed, failed, skipped
  passed=$((passed + $2)); failed=$((failed + $3)); skipped=$((skipped + ${4:-0}))
  (($3 > 0)) && failures+=("$1")
  echo "--- $1: $2 passed, $3 failed, ${4:-0} skipped"
}

# Counts test cases in a meson test log: cmocka's per-case lines, else one per test.
count_meson() { # build-dir, stage-name
  python3 - "$1/meson-logs/testlog.json" "$2" <<'PY'
import json, re, sys
p = f = s = 0
for line in open(sys.argv[1]):
    t = json.loads(line)
    out = t.get("stdout") or ""
    ok = len(re.findall(r"^\[\s+OK\s+\]", out, re.M))
    # a failed case is listed twice (when it fails and in the summary): count names
    bad = len(set(re.findall(r"^\[\s+FAILED\s+\] (?!\d+ test)(\S+)", out, re.M)))
    s += len(set(re.findall(r"^\[\s+SKIPPED\s+\] (?!\d+ test)(\S+)", out, re.M)))
    res = t["result"]
    # pytest's closing line: "3 failed, 9 passed, 1 skipped in 1.2s"
    py = [l for l in out.splitlines() if re.search(r"\d+ (passed|failed)", l) and " in " in l]
    if py:
        counts = dict((k, int(n)) for n, k in re.findall(r"(\d+) (passed|failed|skipped|errors?)", py[-1]))
        p += counts.get("passed", 0)
        f += counts.get("failed", 0) + counts.get("error", 0) + counts.get("errors", 0)
        s += counts.get("skipped", 0)
        if res not in ("OK", "SKIP") and not (counts.get("failed") or counts.get("error") or counts.get("errors")):
            f += 1
    elif ok or bad:
        p += ok; f += bad
        if res not in ("OK", "EXPECTEDFAIL") and bad == 0:
            f += 1   # crashed or timed out outside a test case
    elif res == "SKIP":
        s += 1
    elif res in ("OK", "EXPECTEDFAIL"):
        p += 1
    else:
        f += 1
    if res not in ("OK", "SKIP", "EXPECTEDFAIL"):
        print(f"    FAILED: {t['name']} ({res})", file=sys.stderr)
print(p, f, s)
PY
}

# The differential tier against a real libvirtd (docs/differential.md) runs by default; it
# skips by itself, with the reason, where no libvirtd can run (not root, another libvirt on
# the host, libvirtd failing to start). POOLD_TEST_DIFFERENTIAL=0 leaves it out.
suites=()
[[ ${POOLD_TEST_DIFFERENTIAL:-1} == 0 ]] && suites=(--no-suite differential)

stage "dependencies"
tools/install-deps.sh --test || { echo "cannot install dependencies"; echo "0 passed, 1 failed"; exit 1; }

stage "build and unit tests"
if [[ ! -f build/build.ninja ]]; then
  meson setup build >/dev/null || exit 1
else
  meson configure build -Dtests=true >/dev/null || exit 1  # the demo builds without tests
fi
if ! ninja -C build; then echo "0 passed, 1 failed"; exit 1; fi
meson test -C build "${suites[@]}" --print-errorlogs --no-rebuild >build/test-output.txt 2>&1
tail -n 15 build/test-output.txt
read -r p f s < <(count_meson build unit)
record "unit and CLI tests" "$p" "$f" "$s"

stage "sanitizers (ASan + UBSan)"
if [[ ! -f build-asan/build.ninja ]]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1
fi
if ninja -C build-asan >/dev/null; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan "${suites[@]}" --print-errorlogs --no-rebuild >build-asan/test-output.txt 2>&1
  tail -n 6 build-asan/test-output.txt
  read -r p f s < <(count_meson build-asan asan)
  record "sanitizer build" "$p" "$f" "$s"
else
  record "sanitizer build" 0 1
fi

stage "fuzzing (${fuzz_seconds}s per parser)"
fuzz_out=$(tools/fuzz.sh "$fuzz_seconds"); echo "$fuzz_out"
record "fuzzing" "$(grep -c '^ok' <<<"$fuzz_out")" "$(grep -c '^FAIL' <<<"$fuzz_out")"

stage "libvirt XML conformance"
conf=$top/../shared/conformance/libvirt-xml
if [[ -x $conf ]]; then
  out=$("$conf" "$top/build/src/cli/poolctl" 2>&1); echo "$out" | tail -n 20
  last=$(tail -n 1 <<<"$out")
  if [[ $last =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed ]]; then
    record "conformance" "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
  else
    record "conformance" 0 1
  fi
else
  echo "../shared/conformance not present: skipped"
  record "conformance" 0 0 1
fi

echo
((${#failures[@]})) && echo "failed stages: ${failures[*]}"
echo "$passed passed, $failed failed, $skipped skipped"
((failed == 0))
