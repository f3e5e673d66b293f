#!/bin/bash
# The node cross-check as a meson test: runs the WASI C tests whose source says "// node: agrees" under
# node's WASI (node_wi.sh) through run_test.sh, which compares node's stdout and exit status with the
# same NAME.expected golden files `wi exec` is checked against. Tests documenting a difference
# ("// node: differs ...", uvwasi bugs and gaps) or checking wi itself ("// node: skip") are listed
# and not run.
#   tests/wasi/node_test.sh TMPDIR WASM...      (each WASM is NAME.wasm compiled from tests/wasi/NAME.c)
# Exit status: 0 when all agreeing tests pass, 1 when one fails, 77 (skipped) without a node that has
# WASI preview1.
set -u
if [ $# -lt 2 ]; then
  echo "usage: $0 TMPDIR WASM..." >&2
  exit 2
fi
tmp=$1
shift
if ! command -v node > /dev/null; then
  echo "SKIP: node not found"
  exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
if ! node --no-warnings -e "new (require('node:wasi').WASI)({version: 'preview1'})" > /dev/null 2>&1; then
  echo "SKIP: $(node --version) has no WASI preview1 (node:wasi)"
  exit 77
fi
echo "node $(node --version)"
pass=0 fail=0 ran=()
for wasm in "$@"; do
  name=$(basename "$wasm" .wasm)
  if ! grep -q '^// node: agrees' "$here/$name.c"; then
    echo "not compared: $name ($(sed -n 's|^// node: *||p' "$here/$name.c" | head -n 1 | cut -c1-60))"
    continue
  fi
  ran+=("$name")
  if "$here/run_test.sh" "$name" "$here/node_wi.sh" "$wasm" "$tmp"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi
done
echo "under node: $pass passed, $fail failed (${ran[*]})"
# Guard against the selection silently shrinking to nothing.
if [ $pass -eq 0 ]; then
  echo "FAIL: no test compared under node"
  exit 1
fi
[ $fail -eq 0 ]
