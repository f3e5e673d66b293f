#!/bin/bash
# Compiles every tests/wasi/*.c with clang --target=wasm32-wasi -O2 into OUTDIR (when stale) and runs
# each through run_test.sh with the given `wi` (or tests/wasi/node_wi.sh for node's WASI).
#   tests/wasi/run_all.sh WI OUTDIR [NAME...]
# Ends with "N passed, N failed"; exits non-zero when anything failed.
set -u
wi=$1 out=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$here"/*.c; do names+=("$(basename "$f" .c)"); done
fi
pass=0 fail=0
for n in "${names[@]}"; do
  w=$out/$n.wasm
  if [ ! -f "$w" ] || [ "$here/$n.c" -nt "$w" ]; then
    if ! clang --target=wasm32-wasi -O2 -Wall -o "$w" "$here/$n.c" -lm -lc-printscan-long-double; then
      echo "FAIL $n: does not compile"; fail=$((fail + 1)); continue
    fi
  fi
  if "$here/run_test.sh" "$n" "$wi" "$w" "$out/tmp"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
