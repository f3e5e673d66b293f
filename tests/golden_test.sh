#!/bin/sh
# Golden register-code tests: compiles every golden/*.wat with wat2wasm, lists its register code with
# `wi inspect --internal`, and compares the listing (from the first "func " line on; the module summary
# above it is not part of the golden output) with golden/NAME.expected.
#
# usage: golden_test.sh WI WAT2WASM SRC_DIR BUILD_DIR
#   SRC_DIR holds NAME.wat and NAME.expected; BUILD_DIR receives NAME.wasm and NAME.actual.
# With WI_GOLDEN_UPDATE=1 the .expected files are rewritten from the actual listings: review every
# change by hand before keeping it (the expectations must be correct register code, not just output).
set -u
if [ $# -ne 4 ]; then
  echo "usage: $0 WI WAT2WASM SRC_DIR BUILD_DIR" >&2
  exit 2
fi
wi=$1 wat2wasm=$2 src=$3 out=$4
mkdir -p "$out" || exit 2
status=0
count=0
for wat in "$src"/*.wat; do
  [ -e "$wat" ] || continue
  name=$(basename "$wat" .wat)
  count=$((count + 1))
  wasm="$out/$name.wasm"
  actual="$out/$name.actual"
  expected="$src/$name.expected"
  if ! "$wat2wasm" "$wat" -o "$wasm"; then
    echo "FAIL $name: wat2wasm failed"
    status=1
    continue
  fi
  if ! "$wi" inspect "$wasm" --internal > "$out/$name.inspect"; then
    echo "FAIL $name: wi inspect failed"
    status=1
    continue
  fi
  sed -n '/^func /,$p' "$out/$name.inspect" > "$actual"
  if [ "${WI_GOLDEN_UPDATE:-}" = 1 ]; then
    cp "$actual" "$expected"
    echo "updated $expected"
    continue
  fi
  if [ ! -f "$expected" ]; then
    echo "FAIL $name: missing $expected"
    status=1
  elif diff -u "$expected" "$actual"; then
    echo "ok   $name"
  else
    echo "FAIL $name: register code differs from $expected (diff above: - expected, + actual)"
    status=1
  fi
done
if [ "$count" -eq 0 ]; then
  echo "FAIL: no .wat files in $src"
  exit 1
fi
exit $status
