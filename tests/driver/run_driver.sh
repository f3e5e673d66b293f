#!/usr/bin/env bash
# Builds the programs of tests/driver/ with wi-cc and wi-c++ (guest/wi-cc) and runs them under wi exec,
# comparing the transcript with expected (WI_GOLDEN_UPDATE=1 rewrites it: check it by hand). Skipped (77) without clang for wasm32.
#   tests/driver/run_driver.sh WI WI_CC LIBC_WASM [LIBWIXX_WASM]
set -u
wi=$(realpath "$1") wicc=$(realpath "$2") libc=$(realpath "$3") wixx=""
[[ $# -ge 4 ]] && wixx=$(realpath "$4")
src=$(cd "$(dirname "$0")" && pwd)
command -v clang-22 >/dev/null || command -v clang >/dev/null || exit 77
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
ln -s "$wicc" wi-c++
cp "$libc" libc.wasm
[[ -n "$wixx" ]] && cp "$wixx" libwi++.wasm
export WI=$wi
{
  set -e
  "$wicc" -shared -o libgreet.wasm "$src/greet.c"
  "$wicc" -O2 -o prog.wasm "$src/main.c" "$src/util.c" -L. -lgreet
  ./wi-c++ -O2 -o shapes.wasm "$src/shapes.cpp"
  # -c, then link the objects: the same program.
  "$wicc" -c "$src/main.c" "$src/util.c"
  "$wicc" -o prog2.wasm main.o util.o -lgreet
  set +e
  echo "\$ wi exec prog.wasm --lib-path . -- world wasm"
  "$wi" exec prog.wasm --lib-path . -- world wasm
  echo "exit $?"
  echo "\$ wi exec prog2.wasm --lib-path . -- again"
  "$wi" exec prog2.wasm --lib-path . -- again
  echo "exit $?"
  echo "\$ wi exec shapes.wasm --lib-path ."
  "$wi" exec shapes.wasm --lib-path .
  echo "exit $?"
  # -g keeps the DWARF (LLDB's source lines, docs/debugging.md); without it wasmify drops it.
  echo "\$ wi-cc -g / without -g: .debug_info kept?"
  "$wicc" -g -shared -o libgreet_g.wasm "$src/greet.c"
  for m in libgreet_g.wasm libgreet.wasm; do
    if grep -qa '.debug_info' "$m"; then echo "$m: yes"; else echo "$m: no"; fi
  done
  echo "\$ wi-cc with a .wasm input"
  "$wicc" -o bad.wasm libgreet.wasm 2>&1
  echo "exit $?"
} >transcript 2>&1
if [[ "${WI_GOLDEN_UPDATE:-}" == 1 ]]; then
  cp transcript "$src/expected"
  echo "updated $src/expected"
  exit 0
fi
if ! diff -u "$src/expected" transcript; then
  echo "driver: transcript differs from $src/expected"
  exit 1
fi
echo "driver: ok"
