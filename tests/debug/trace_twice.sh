#!/usr/bin/env bash
# Determinism of `wi exec --trace`: traces a dynamically linked C program (a main module and libc.wasm)
# twice, the second time from another directory with a bigger host environment (so host addresses,
# paths and the environment differ), and requires byte-identical traces and output. The same in the
# chrome format, which must also parse as JSON; and an --eager run (every function translated at load)
# must trace exactly like the default lazy one. Finally checks the trace shows calls across modules,
# PLT binds, host calls and a return.
# usage: trace_twice.sh WI PROG.wasm LIBC.wasm
set -u
wi=$(realpath "$1") prog=$(realpath "$2") libc=$(realpath "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
for d in a b; do
  mkdir "$work/$d"
  cp "$prog" "$work/$d/$(basename "$prog")"
  cp "$libc" "$work/$d/libc.wasm"
done
name=$(basename "$prog")
run() {  # DIR OUTPUT-PREFIX [extra wi exec options...]
  local dir=$1 out=$2
  shift 2
  (cd "$work/$dir" && "$wi" exec "$name" --lib libc.wasm "$@" -- one two >"$out.stdout" 2>"$out.stderr"
   echo "exit $?" >>"$out.stdout")
}
padding=$(printf 'x%.0s' $(seq 1 4000))
run a text --trace=text.trace
(export WI_TRACE_TEST_PADDING=$padding; run b text --trace=text.trace)
run a chrome --trace=chrome.json --trace-format=chrome
(export WI_TRACE_TEST_PADDING=$padding; run b chrome --trace=chrome.json --trace-format=chrome)
run a eager --trace=eager.trace --eager
for f in text.trace text.stdout text.stderr chrome.json chrome.stdout; do
  if ! cmp "$work/a/$f" "$work/b/$f"; then
    echo "FAIL: $f differs between the two runs"
    diff "$work/a/$f" "$work/b/$f" | head -5
    fail=1
  fi
done
if ! cmp "$work/a/text.trace" "$work/a/eager.trace"; then
  echo "FAIL: the --eager trace differs from the lazy one"
  fail=1
fi
if ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["traceEvents"]) > 10' "$work/a/chrome.json"; then
  echo "FAIL: chrome.json is not a trace-event JSON document"
  fail=1
fi
base=${name%.wasm}
for pattern in "^[0-9]+ call $name " "^[0-9]+ bind $name [^ ]+ -> libc.wasm " \
               "^[0-9]+ host-call wasi_snapshot_preview1.fd_write \[" "^[0-9]+ host-return wasi_snapshot_preview1.fd_write \[i32:0\]$" \
               "^[0-9]+ return libc.wasm _start \[\]$" "^[0-9]+ $name\+0x[0-9a-f]+ [^ ]+: i32.add \[i32:-?[0-9]+ i32:-?[0-9]+\] -> \[i32:-?[0-9]+\]$"; do
  if ! grep -Eq "$pattern" "$work/a/text.trace"; then
    echo "FAIL: no trace line matches /$pattern/"
    fail=1
  fi
done
lines=$(wc -l <"$work/a/text.trace")
if ((fail)); then
  echo "head of the trace:"
  head -20 "$work/a/text.trace"
  exit 1
fi
echo "ok: $lines trace lines, identical across runs (text and chrome), lazy = eager; $(head -c 60 "$work/a/text.stdout")"
