#!/usr/bin/env bash
# Runs one linker scenario folder: copies the modules meson built for it (named SCENARIO-FILE.wasm)
# and libc.wasm into a fresh directory under their short names, runs each line of the folder's `cmd`
# as `wi exec LINE` there, and compares the transcript (command, stdout, stderr, exit status) with
# the folder's `expected`. A `cmd` line starting with "! " is a shell command run in that directory
# (moving files, exporting WI_LIBRARY_PATH...), recorded in the transcript as it is.
# WI_GOLDEN_UPDATE=1 rewrites `expected` instead (check it by hand).
# usage: run_scenario.sh WI SCENARIO_DIR LIBC_WASM MODULE.wasm...
set -u
wi=$(realpath "$1") src=$(realpath "$2") libc=$3
shift 3
name=$(basename "$src")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$libc" "$work/libc.wasm"
for f in "$@"; do
  b=$(basename "$f")
  cp "$f" "$work/${b#"$name"-}"
done
[[ -d "$src/files" ]] && cp -r "$src/files" "$work/files"
transcript="$work/.transcript"
: >"$transcript"
cd "$work" || exit 1
while IFS= read -r line || [[ -n "$line" ]]; do
  [[ -z "$line" || "$line" == \#* ]] && continue
  if [[ "$line" == "! "* ]]; then
    echo "$line" >>"$transcript"
    eval "${line#! }" >>"$transcript" 2>&1
    continue
  fi
  echo "\$ wi exec $line" >>"$transcript"
  eval "\"$wi\" exec $line" >.out 2>.err </dev/null
  status=$?
  cat "$work/.out" >>"$transcript"
  [[ -s "$work/.out" && -n "$(tail -c1 "$work/.out")" ]] && echo "[no newline at end]" >>"$transcript"
  sed 's/^/stderr: /' "$work/.err" >>"$transcript"
  echo "exit $status" >>"$transcript"
done <"$src/cmd"
if [[ "${WI_GOLDEN_UPDATE:-}" == 1 ]]; then
  cp "$transcript" "$src/expected"
  echo "updated $src/expected"
  exit 0
fi
if ! diff -u "$src/expected" "$transcript"; then
  echo "scenario $name: transcript differs from $src/expected"
  exit 1
fi
echo "scenario $name: ok"
