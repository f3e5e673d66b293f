#!/usr/bin/env bash
# Runs one linker scenario folder: copies the modules meson built for it (named SCENARIO-FILE.wasm)
# and libc.wasm into a fresh directory under their short names, runs each line of the folder's `cmd`
# as `wi exec LINE` there, and compares the transcript (command, stdout, stderr, exit status) with
# the folder's `expected`. A `cmd` line starting with "! " is a shell command run in that directory
# (moving files, exporting WI_LIBRARY_PATH...), recorded in the transcript as it is.
# WI_GOLDEN_UPDATE=1 rewrites `expected` instead (check it by hand).
# usage: run_scenario.sh WI SCENARIO_DIR LIBC_WASM MODULE.wasm...
set -u
# shellcheck source-path=SCRIPTDIR source=stage_scenario.sh
source "$(dirname "${BASH_SOURCE[0]}")/stage_scenario.sh"
stage_scenario "$@"
transcript="$work/.transcript"
: >"$transcript"
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
