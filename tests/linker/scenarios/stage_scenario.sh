# shellcheck shell=bash
# Sourced by run_scenario.sh and tests/replay/run_replay_scenario.sh: the staging of a scenario folder
# both do before running anything, so that the modules stand under the names its commands use (meson
# builds them as SCENARIO-FILE.wasm, all in one build directory). Nothing here checks anything.

# stage_scenario WI SCENARIO_DIR LIBC_WASM MODULE.wasm...
# Sets wi and src (absolute paths), libc, name (the folder's name) and work: a fresh directory,
# removed when the script exits, holding libc.wasm, each MODULE without its "NAME-" prefix and the
# folder's files/ if it has one. Leaves the script in work.
stage_scenario() {
  # shellcheck disable=SC2034  # wi is for the script that sources this file
  wi=$(realpath "$1") src=$(realpath "$2") libc=$3
  shift 3
  name=$(basename "$src")
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  cp "$libc" "$work/libc.wasm"
  local f b
  for f in "$@"; do
    b=$(basename "$f")
    cp "$f" "$work/${b#"$name"-}"
  done
  [[ -d "$src/files" ]] && cp -r "$src/files" "$work/files"
  cd "$work" || exit 1
}
