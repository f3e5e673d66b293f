#!/usr/bin/env bash
# Installs dependencies, builds wi from scratch and runs every test: unit tests and, when ../shared/spec
# exists, the spec suite — once in a normal build (build-test/) and once under ASan+UBSan
# (build-asan/) — then a bounded libFuzzer run of each fuzz target. Ends with one line "N passed, N failed"
# counting spec commands plus meson tests plus one per fuzz target; exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

passed=0
failed=0

# run_suite DIR [meson setup options...]: configure from scratch, build, test, add up the counts.
run_suite() {
  local build=$1
  shift
  if [[ -f "$build/meson-private/coredata.dat" ]]; then
    meson setup --wipe "$build" "$@"
  else
    meson setup "$build" "$@"
  fi
  meson compile -C "$build"
  local status=0
  meson test -C "$build" --print-errorlogs | tee "$build/meson-test-output.txt" || status=$?
  # meson's summary ("Ok:   2", "Fail:   0", ...) and the spec runner's last line in the test log.
  summary_count() {
    awk -v k="$1" 'index($0, k) == 1 { n = $NF } END { print n + 0 }' "$build/meson-test-output.txt"
  }
  local ok fail spec_line spec_passed=0 spec_failed=0
  ok=$(summary_count "Ok:")
  fail=$(( $(summary_count "Fail:") + $(summary_count "Timeout:") + $(summary_count "Unexpected Pass:") ))
  if ((status != 0 && fail == 0)); then fail=1; fi
  spec_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$build/meson-logs/testlog.txt" | tail -n 1 || true)
  if [[ -n "$spec_line" ]]; then
    read -r spec_passed _ spec_failed _ <<<"${spec_line//,/}"
    echo "spec suite ($build): $spec_line"
  fi
  passed=$((passed + spec_passed + ok))
  failed=$((failed + spec_failed + fail))
}

# The main suite with clang-22: its tail-calling executor is the one wi ships (docs/interpreter.md).
# The sanitizer suite below uses g++, and so tests the portable computed-goto executor.
run_suite build-test --buildtype=debugoptimized --native-file scripts/clang-22.ini

# Benchmarks, once each in short mode so they cannot rot: the log shows the numbers; they fail only on
# wrong output, never on time. Measure speed with a release build (README).
bench_status=0
meson test -C build-test --benchmark --verbose | tee build-test/meson-bench-output.txt || bench_status=$?
bench_ok=$(awk 'index($0, "Ok:") == 1 { n = $NF } END { print n + 0 }' build-test/meson-bench-output.txt)
bench_fail=$(awk 'index($0, "Fail:") == 1 || index($0, "Timeout:") == 1 { n += $NF } END { print n + 0 }' build-test/meson-bench-output.txt)
if ((bench_status != 0 && bench_fail == 0)); then bench_fail=1; fi
passed=$((passed + bench_ok))
failed=$((failed + bench_fail))
# The same suites under AddressSanitizer and UndefinedBehaviorSanitizer: any report fails the test.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite build-asan --buildtype=debugoptimized -Db_sanitize=address,undefined -Db_lundef=false

# Every libFuzzer target (decoder, linker, wasmify, WASI) for 30 s each; each counts as one test.
# fuzz.sh prints "fuzz TARGET: ok" per target that survived; a target without that line (a crash, or
# a build that failed before it ran) is a failure.
fuzz_targets=(compile link wasmify wasi)
mkdir -p build-fuzz
bash scripts/fuzz.sh 30 "${fuzz_targets[@]}" | tee build-fuzz/summary.txt || true
for t in "${fuzz_targets[@]}"; do
  if grep -qx "fuzz $t: ok" build-fuzz/summary.txt; then
    passed=$((passed + 1))
  else
    echo "fuzz $t: failed (see build-fuzz/$t/)"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
((failed == 0))
