#!/usr/bin/env bash
# Golden `wi exec --trace` output: each golden/NAME.wat is compiled with wat2wasm --debug-names, and
# every line `;; wi exec NAME.wasm ARGS...` at its top is run with --trace=- in BUILD_DIR; the
# transcript (command, stdout with the trace, stderr lines prefixed "stderr: ", exit status) must
# equal golden/NAME.expected. This pins the format docs/trace.md specifies. WI_GOLDEN_UPDATE=1
# rewrites the expected files instead (check every change by hand).
# usage: trace_golden.sh WI WAT2WASM SRC_DIR BUILD_DIR
set -u
wi=$(realpath "$1") wat2wasm=$2 src=$3 out=$4
mkdir -p "$out" || exit 2
status=0
count=0
for wat in "$src"/*.wat; do
  name=$(basename "$wat" .wat)
  count=$((count + 1))
  if ! "$wat2wasm" --debug-names "$wat" -o "$out/$name.wasm"; then
    echo "FAIL $name: wat2wasm failed"
    status=1
    continue
  fi
  actual="$out/$name.actual"
  : >"$actual"
  while IFS= read -r line; do
    cmd=${line#;; wi exec }
    echo "\$ wi exec $cmd --trace=-" >>"$actual"
    (cd "$out" && eval "\"$wi\" exec $cmd --trace=-" >.out 2>.err)
    s=$?
    cat "$out/.out" >>"$actual"
    sed 's/^/stderr: /' "$out/.err" >>"$actual"
    echo "exit $s" >>"$actual"
  done < <(grep '^;; wi exec ' "$wat")
  if [[ "${WI_GOLDEN_UPDATE:-}" == 1 ]]; then
    cp "$actual" "$src/$name.expected"
    echo "updated $src/$name.expected"
  elif diff -u "$src/$name.expected" "$actual"; then
    echo "ok   $name"
  else
    echo "FAIL $name: trace differs from $src/$name.expected"
    status=1
  fi
done
((count > 0)) || { echo "FAIL: no .wat files in $src"; exit 1; }
exit $status
