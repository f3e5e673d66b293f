#!/usr/bin/env bash
# Golden `wi debug` sessions driven over a pipe. Each sessions/NAME.session starts with a line
# `wi debug ARGS...` (run in a fresh directory holding the modules given here, under their base names)
# followed by the commands, fed to stdin (unless NAME.stdin exists: then the first line should read
# them with `--commands NAME.commands`, and NAME.stdin is the guest's stdin). The transcript (the
# debugger's and the program's standard output, stderr lines prefixed "stderr: ", then "exit N")
# must equal sessions/NAME.expected. WI_GOLDEN_UPDATE=1
# rewrites the expected files instead (check them by hand).
# usage: run_sessions.sh WI SESSIONS_DIR MODULE.wasm...
set -u
wi=$(realpath "$1") dir=$(realpath "$2")
shift 2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for f in "$@"; do cp "$f" "$work/"; done
fail=0
n=0
for session in "$dir"/*.session; do
  name=$(basename "$session" .session)
  read -r first <"$session"
  args=${first#wi debug }
  transcript="$work/$name.transcript"
  echo "\$ $first" >"$transcript"
  # The commands are also left in NAME.commands, for a session run with `--commands NAME.commands`;
  # then NAME.stdin (if any) is the guest's standard input.
  tail -n +2 "$session" >"$work/$name.commands"
  if [[ -f "$dir/$name.stdin" ]]; then
    (cd "$work" && eval "\"$wi\" debug $args" <"$dir/$name.stdin" >.out 2>.err)
  else
    (cd "$work" && eval "\"$wi\" debug $args" <"$name.commands" >.out 2>.err)
  fi
  status=$?
  cat "$work/.out" >>"$transcript"
  sed 's/^/stderr: /' "$work/.err" >>"$transcript"
  echo "exit $status" >>"$transcript"
  n=$((n + 1))
  if [[ "${WI_GOLDEN_UPDATE:-}" == 1 ]]; then
    cp "$transcript" "$dir/$name.expected"
    echo "updated $dir/$name.expected"
  elif ! diff -u "$dir/$name.expected" "$transcript"; then
    echo "session $name: transcript differs from $dir/$name.expected"
    fail=1
  fi
done
((n > 0)) || { echo "no sessions in $dir"; exit 1; }
((fail)) && exit 1
echo "$n debug sessions: ok"
