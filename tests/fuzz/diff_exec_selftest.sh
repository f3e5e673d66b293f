#!/usr/bin/env bash
# Checks that tests/fuzz/diff_exec.py notices a wrong engine: it runs the fuzzer on a few seeds with a
# wi that lies (this script again, in "lying wi" mode: it adds one to the log count every wrapper
# returns) and passes only when the fuzzer exits 1 with "log" mismatches. Without this, a harness that
# compared nothing would let diff-exec-smoke pass forever.
# Usage: diff_exec_selftest.sh WI        (exit 77 when the fuzzer skips: no wasm-opt or node)
set -u
if [[ ${DIFF_SELFTEST_REAL_WI:-} ]]; then
  # Lying mode. The wrapper's results end with: log hash (i64), log count (i32), state hash (i64).
  out=$("$DIFF_SELFTEST_REAL_WI" "$@")
  rc=$?
  if [[ $1 == exec && $rc == 0 ]] && (($(wc -l <<<"$out") >= 3)); then
    mapfile -t lines <<<"$out"
    n=${#lines[@]}
    count=${lines[n - 2]#i32:}
    lines[n - 2]="i32:$((count + 1))"
    printf '%s\n' "${lines[@]}"
  else
    [[ -n $out ]] && printf '%s\n' "$out"
  fi
  exit $rc
fi

wi=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
findings=$(mktemp -d)
trap 'rm -rf "$findings"' EXIT
out=$(DIFF_SELFTEST_REAL_WI=$wi python3 "$here/diff_exec.py" --wi "$here/diff_exec_selftest.sh" --seed 1 --count 2 \
  --no-trace --findings "$findings")
rc=$?
echo "$out"
((rc == 77)) && exit 77
if ((rc != 1)) || ! grep -q '^  log: ' <<<"$out"; then
  echo "diff_exec_selftest: expected exit 1 with log mismatches from a lying wi, got exit $rc" >&2
  exit 1
fi
echo "diff_exec_selftest: the lying wi was caught"
