#!/usr/bin/env bash
# setjmp/longjmp and C++ exceptions in guests, end to end (issue 14): builds tests/eh/ with wi-cc and
# wi-c++ as a main module plus shared libraries, runs them under wi exec, and compares the transcript
# with `expected` (WI_GOLDEN_UPDATE=1 rewrites it: check it by hand). When node (node:wasi, which runs
# wasm exception handling natively) and wasm-ld-22 are present, the same objects are also linked
# statically with the same runtime objects and run under node, whose output and exit status must be
# wi's: node is the oracle of execution and linking. The same sources built natively with gcc/g++
# (glibc, libstdc++) must print the same too: the oracle of the C++ runtime's and setjmp's semantics.
#   tests/eh/run_eh.sh WI WI_CC LIBC_WASM LIBWIXX_WASM SJLJ_O CXXRT_O
# Exit: 0 pass, 1 fail, 77 skipped (no clang-22).
set -u
wi=$(realpath "$1") wicc=$(realpath "$2") libc=$(realpath "$3") libwixx=$(realpath "$4")
sjlj=$(realpath "$5") cxxrt=$(realpath "$6")
src=$(cd "$(dirname "$0")" && pwd)
command -v clang-22 >/dev/null || { echo "SKIP: no clang-22"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
ln -s "$wicc" wi-cc
ln -s "$wicc" wi-c++
cp "$libc" libc.wasm
cp "$libwixx" libwi++.wasm
export WI=$wi
set -e
./wi-cc -O2 -c "$src/libstate.c" "$src/lua_like.c"
./wi-cc -shared -o libstate.wasm libstate.o
./wi-cc -o lua_like.wasm lua_like.o -L. -lstate
./wi-c++ -O2 -c "$src/libparse.cpp" "$src/libpipe.cpp" "$src/cxx_main.cpp"
./wi-c++ -shared -o libparse.wasm libparse.o
./wi-c++ -shared -o libpipe.wasm libpipe.o -L. -lparse
./wi-c++ -o cxx_main.wasm cxx_main.o -L. -lpipe -lparse
set +e

# name, then the command; its stdout and exit status go to the transcript.
run() {
  local name=$1
  shift
  echo "\$ $name"
  "$@" 2>&1
  echo "exit $?"
}
{
  run "wi exec lua_like.wasm" "$wi" exec lua_like.wasm --lib-path .
  run "wi exec cxx_main.wasm" "$wi" exec cxx_main.wasm --lib-path .
  run "wi exec cxx_main.wasm --bind-now --eager" "$wi" exec cxx_main.wasm --lib-path . --bind-now --eager
} >transcript
status=0
# Each program's stdout and exit status under wi, once, for the comparisons with node and native.
for p in lua_like cxx_main; do
  "$wi" exec $p.wasm --lib-path . >$p.wi.out 2>/dev/null
  echo "exit $?" >>$p.wi.out
done
# agree PROG WHO: PROG's output under WHO (in who.out) is wi's.
agree() {
  if diff -u "$2.out" "$1.wi.out" >/dev/null; then
    echo "eh: $1: wi and $2 agree ($(wc -l <"$1.wi.out") lines)"
  else
    echo "eh: $1: wi and $2 differ (- $2, + wi):"
    diff -u "$2.out" "$1.wi.out" | head -40
    status=1
    return 1
  fi
}
if [[ "${WI_GOLDEN_UPDATE:-}" == 1 ]]; then
  cp transcript "$src/expected"
  echo "updated $src/expected"
elif ! diff -u "$src/expected" transcript; then
  echo "eh: wi's transcript differs from $src/expected"
  status=1
fi

ld=$(command -v wasm-ld-22 || true)
if command -v node >/dev/null && [[ -n "$ld" ]] &&
   node --no-warnings -e "new (require('node:wasi').WASI)({version: 'preview1'})" >/dev/null 2>&1; then
  libc_a=$(clang-22 --target=wasm32-wasi -Wno-deprecated -print-file-name=libc.a)
  crt1=$(clang-22 --target=wasm32-wasi -Wno-deprecated -print-file-name=crt1-command.o)
  builtins=""
  for c in clang-22 clang; do
    b=$("$c" --target=wasm32-wasi -Wno-deprecated --rtlib=compiler-rt -print-libgcc-file-name 2>/dev/null)
    [[ -f "$b" ]] && { builtins=$b; break; }
  done
  "$ld" "$crt1" lua_like.o libstate.o "$sjlj" "$libc_a" $builtins -o lua_like.static.wasm || status=1
  "$ld" "$crt1" cxx_main.o libpipe.o libparse.o "$cxxrt" "$libc_a" $builtins -o cxx_main.static.wasm || status=1
  for p in lua_like cxx_main; do
    node --no-warnings "$src/../wasi/node_wi.mjs" exec $p.static.wasm >node.out 2>node.err
    echo "exit $?" >>node.out
    agree $p node || head -5 node.err
  done
else
  echo "eh: node with WASI or wasm-ld-22 missing: not compared with node"
fi
# Native twins (the sources include no wasm-only header but setjmp.h, which glibc has too).
if command -v g++ >/dev/null && command -v gcc >/dev/null; then
  gcc -O2 -I"$src" "$src/libstate.c" "$src/lua_like.c" -o lua_like.native &&
    g++ -O2 -I"$src" "$src/libparse.cpp" "$src/libpipe.cpp" "$src/cxx_main.cpp" -o cxx_main.native || status=1
  for p in lua_like cxx_main; do
    ./$p.native >native.out 2>&1
    echo "exit $?" >>native.out
    agree $p native
  done
fi
((status == 0)) && echo "eh: ok"
exit $status
