#!/usr/bin/env bash
# Installs dependencies, builds wi from scratch in build-test/ and runs every test (unit tests and, when
# ../shared/spec exists, the spec suite). Ends with one line "N passed, N failed" counting spec
# commands plus meson tests; exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

build=build-test
if [[ -f "$build/meson-private/coredata.dat" ]]; then
  meson setup --wipe "$build" --buildtype=debugoptimized
else
  meson setup "$build" --buildtype=debugoptimized
fi
meson compile -C "$build"

status=0
meson test -C "$build" --print-errorlogs | tee "$build/meson-test-output.txt" || status=$?

# meson's summary ("Ok:   2", "Fail:   0", ...) and the spec runner's last line in the test log.
summary_count() {
  awk -v k="$1" 'index($0, k) == 1 { n = $NF } END { print n + 0 }' "$build/meson-test-output.txt"
}
ok=$(summary_count "Ok:")
fail=$(( $(summary_count "Fail:") + $(summary_count "Timeout:") + $(summary_count "Unexpected Pass:") ))
spec_line=$(grep -E '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$' "$build/meson-logs/testlog.txt" | tail -n 1 || true)
spec_passed=0
spec_failed=0
if [[ -n "$spec_line" ]]; then
  read -r spec_passed _ spec_failed _ <<<"${spec_line//,/}"
  echo "spec suite: $spec_line"
fi

passed=$((spec_passed + ok))
failed=$((spec_failed + fail))
echo "$passed passed, $failed failed"
if ((status != 0 || failed != 0)); then
  exit 1
fi
