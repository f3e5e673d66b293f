#!/usr/bin/env bash
# Builds the decode+validate+translate fuzzer (which also feeds every input to the DWARF line-table
# reader) with clang's libFuzzer (ASan+UBSan) and runs it for a
# bounded time, seeded with every binary module of the spec suite when ../shared/spec is present.
# Usage: scripts/fuzz.sh [SECONDS]   (default 60). Exits non-zero if the fuzzer finds a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
out=build-fuzz
mkdir -p "$out/corpus"
# interp/exec.cc is the interpreter loop: the target never runs guest code, it only needs the loop's
# handler table, and instrumenting that one huge function for coverage takes over ten minutes. So it is
# built plainly, once, and the rest with coverage and sanitizers.
if [[ ! -f "$out/exec.o" || interp/exec.cc -nt "$out/exec.o" ]]; then
  clang++ -std=c++20 -O1 -fno-strict-aliasing -I. -c interp/exec.cc -o "$out/exec.o"
fi
clang++ -std=c++20 -O1 -g -fno-strict-aliasing -fsanitize=fuzzer,address,undefined \
  -fno-sanitize-recover=undefined -I. \
  decoder/*.cc $(ls interp/*.cc | grep -v '^interp/exec.cc$') "$out/exec.o" tests/fuzz/fuzz_compile.cc \
  -lfmt -o "$out/fuzz_compile"
if [[ -d ../shared/spec/core && -z "$(ls -A "$out/corpus")" ]]; then
  find ../shared/spec/core -name '*.wasm' -size -64k -exec cp -t "$out/corpus" {} +
fi
# -rss_limit_mb keeps a pathological input from exhausting the machine; crashes land in $out/.
"$out/fuzz_compile" "$out/corpus" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
  -artifact_prefix="$out/" -print_final_stats=1 2>&1 | tail -n 25
