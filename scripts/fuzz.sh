#!/usr/bin/env bash
# Builds wi's libFuzzer targets (ASan+UBSan) and runs each for a bounded time:
#   compile  tests/fuzz/fuzz_compile.cc  decode+validate+translate, and the DWARF line-table reader
#   link     tests/fuzz/fuzz_link.cc     dyninfo/dylink.0 parsers and load -> ... -> construct, dlopen
#   wasmify  tests/fuzz/fuzz_wasmify.cc  wasmify on mutated relocatable objects; output must decode
#   wasi     tests/fuzz/fuzz_wasi.cc     random WASI preview1 call sequences against a sandbox
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]   (default 60 s, every target).
# Each run ends with the target's last output lines (libFuzzer's final stats) and one line
# "fuzz TARGET: ok" or "fuzz TARGET: FAILED" (scripts/test.sh counts those); exits non-zero if any
# target finds a crash. Crashes land in build-fuzz/TARGET/ as crash-*, leak-*, timeout-*, oom-*.
# Seeds: the spec suite's modules (../shared/spec, when present) for compile; the fixtures of
# tests/linker (compiled here with clang, wasmified by fuzz_seeds) for link, wasmify and compile.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
if ((${#targets[@]} == 0)); then targets=(compile link wasmify wasi); fi
out=build-fuzz
mkdir -p "$out"

# One ninja file: every instrumented source is compiled once into libwi_fuzz.a, shared by all
# targets, with header dependencies tracked (depfiles), two jobs at most (the machine is shared).
# interp/exec.cc is the interpreter loop: instrumenting that one huge function for coverage takes
# over ten minutes, so it is built plainly; fuzz_link runs guest code through it uninstrumented (the
# linker's code, which the target is about, is instrumented). The fuzz build uses the portable
# computed-goto executor; interp/exec_tail.cc (the tail-calling one) needs clang >= 19 and is
# chosen only by meson's probe (interp/meson.build), so it is left out here.
lib_sources=$(ls decoder/*.cc interp/*.cc linker/*.cc host/wasi/*.cc |
  grep -v -e '^interp/exec.cc$' -e '^interp/exec_tail.cc$' -e '^linker/wasmify_main.cc$')
{
  echo "cxx = clang++"
  echo "base = -std=c++20 -O1 -g -fno-strict-aliasing -I$PWD -I$PWD/$out/gen"
  echo "san = -fsanitize=address,undefined -fno-sanitize-recover=undefined"
  echo "libs = -lfmt -lboost_json"
  echo 'rule cc'
  echo '  command = $cxx $base $san -fsanitize=fuzzer-no-link -MMD -MF $out.d -c $in -o $out'
  echo '  depfile = $out.d'
  echo '  deps = gcc'
  echo 'rule cc_plain'
  echo '  command = $cxx $base -MMD -MF $out.d -c $in -o $out'
  echo '  depfile = $out.d'
  echo '  deps = gcc'
  # The one list of register ops, generated from the ISA tables as interp/meson.build does; every
  # compile waits for it (order-only), and the depfiles then track it like any header.
  echo 'rule gen_isa'
  echo "  command = python3 $PWD/interp/gen_isa.py --src $PWD/interp --out \$out"
  echo 'rule ar'
  echo '  command = rm -f $out && ar rcs $out $in'
  echo 'rule fuzzer'
  echo '  command = $cxx $base $san -fsanitize=fuzzer $in $libs -o $out'
  echo 'rule tool'
  echo '  command = $cxx $base $san -fsanitize=fuzzer-no-link $in $libs -o $out'
  tables=$(ls interp/*.def | sed "s|^|$PWD/|" | tr '\n' ' ')
  echo "build gen/interp/regop_table.inc: gen_isa $PWD/interp/gen_isa.py $tables"
  gen="|| gen/interp/regop_table.inc"
  objs=""
  for s in $lib_sources; do
    o="obj/${s%.cc}.o"
    echo "build $o: cc $PWD/$s $gen"
    objs="$objs $o"
  done
  echo "build obj/exec.o: cc_plain $PWD/interp/exec.cc $gen"
  echo "build libwi_fuzz.a: ar$objs obj/exec.o"
  for t in compile link wasmify wasi seeds; do
    echo "build obj/fuzz_$t.o: cc $PWD/tests/fuzz/fuzz_$t.cc $gen"
  done
  for t in compile link wasmify wasi; do
    echo "build fuzz_$t: fuzzer obj/fuzz_$t.o libwi_fuzz.a"
  done
  echo "build fuzz_seeds: tool obj/fuzz_seeds.o libwi_fuzz.a"
} >"$out/build.ninja.new"
# Rewrite only on change, so ninja keeps its state.
if ! cmp -s "$out/build.ninja.new" "$out/build.ninja"; then mv "$out/build.ninja.new" "$out/build.ninja"; fi
rm -f "$out/build.ninja.new"
ninja_targets=(fuzz_seeds)
for t in "${targets[@]}"; do
  [[ -f tests/fuzz/fuzz_$t.cc ]] || { echo "fuzz.sh: unknown target '$t'" >&2; exit 2; }
  ninja_targets+=("fuzz_$t")
done
ninja -C "$out" -j2 "${ninja_targets[@]}"

# Fixture objects, compiled as tests/meson.build does, and the dylink.0 modules as
# tests/linker/dylink/meson.build links them (skipped without wasm-ld).
fix="$out/fixtures"
mkdir -p "$fix"
for c in tests/linker/fixtures/*.c; do
  o="$fix/$(basename "${c%.c}").o"
  [[ -f "$o" && "$o" -nt "$c" ]] || clang --target=wasm32-wasi -O2 -c "$c" -o "$o"
done
if command -v wasm-ld >/dev/null; then
  d=tests/linker/dylink
  for f in libdlfix dlmain libdlbase libdlmid dlchain; do
    [[ -f "$fix/$f.o" && "$fix/$f.o" -nt "$d/$f.c" ]] ||
      clang --target=wasm32-unknown-emscripten -fPIC -fvisibility=default -nostdlib -O1 -c "$d/$f.c" -o "$fix/$f.o"
  done
  (cd "$fix" &&
    wasm-ld --experimental-pic -shared libdlfix.o -o libdlfix.so &&
    wasm-ld --experimental-pic -shared libdlbase.o -o libdlbase.so &&
    wasm-ld --experimental-pic -shared libdlmid.o libdlbase.so -o libdlmid.so &&
    wasm-ld --experimental-pic -pie --no-entry --export=_start --export-dynamic dlmain.o libdlfix.so -o dlmain.wasm &&
    wasm-ld --experimental-pic -pie --no-entry --export=_start --export-dynamic dlchain.o libdlmid.so -o dlchain.wasm)
fi
"$out/fuzz_seeds" "$fix" "$out"

status=0
for t in "${targets[@]}"; do
  dir="$out/$t"
  mkdir -p "$dir/corpus"
  if [[ $t == compile && -d ../shared/spec/core && -z "$(ls -A "$dir/corpus")" ]]; then
    find ../shared/spec/core -name '*.wasm' -size -64k -exec cp -t "$dir/corpus" {} +
  fi
  # Seeds (written by fuzz_seeds) and kept regression inputs are read, never written to.
  extra=()
  for s in "$out/seeds/$t" "tests/fuzz/regressions/$t"; do
    [[ -d $s && -n "$(ls -A "$s")" ]] && extra+=("$s")
  done
  # -rss_limit_mb keeps a pathological input from exhausting the machine. wasi's inputs are call
  # sequences whose seeds are a few hundred bytes: growing the length limit slowly only wastes time.
  opts=()
  if [[ $t == wasi ]]; then opts=(-len_control=0 -max_len=4096); fi
  rc=0
  "$out/fuzz_$t" "$dir/corpus" "${extra[@]}" "${opts[@]}" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -artifact_prefix="$dir/" -print_final_stats=1 >"$dir/log.txt" 2>&1 || rc=$?
  tail -n 25 "$dir/log.txt"
  if ((rc == 0)); then
    echo "fuzz $t: ok"
  else
    echo "fuzz $t: FAILED (exit $rc; log $dir/log.txt, inputs $dir/crash-* etc.)"
    status=1
  fi
done
exit $status
