#!/bin/bash
# Compiles every tests/wasi/*.c that has a NAME.expected with clang --target=wasm32-wasi -O2 into
# OUTDIR (when stale) and runs each through run_test.sh with the given `wi` (or tests/wasi/node_wi.sh
# for node's WASI).
#   tests/wasi/run_all.sh WI OUTDIR [NAME...]
# Ends with "N passed, N failed, N skipped"; exits non-zero when anything failed.
set -u
wi=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  # Programs without NAME.expected (deterministic.c) have their own runner script.
  for f in "$here"/*.c; do [ -f "${f%.c}.expected" ] && names+=("$(basename "$f" .c)"); done
fi
pass=0 fail=0 skip=0
for n in "${names[@]}"; do
  w=$out/$n.wasm
  if [ ! -f "$w" ] || [ "$here/$n.c" -nt "$w" ]; then
    if ! clang --target=wasm32-wasi -O2 -Wall -o "$w" "$here/$n.c" -lm -lc-printscan-long-double; then
      echo "FAIL $n: does not compile"; fail=$((fail + 1)); continue
    fi
  fi
  "$here/run_test.sh" "$n" "$wi" "$w" "$out/tmp"
  case $? in
    0) pass=$((pass + 1)) ;;
    77) skip=$((skip + 1)) ;;
    *) fail=$((fail + 1)) ;;
  esac
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
