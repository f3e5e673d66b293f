#!/bin/bash
# Runs one WASI C test program and checks it. Builds nothing.
#   tests/wasi/run_test.sh NAME WI WASM TMPDIR
# NAME   test name: tests/wasi/NAME.c holds the directives, tests/wasi/NAME.expected the expected stdout
# WI     the `wi` binary (or tests/wasi/node_wi.sh to cross-check under node's WASI)
# WASM   NAME.c compiled with `clang --target=wasm32-wasi -O2`
# TMPDIR scratch directory; NAME/sandbox in it is preopened as /sandbox, NAME/outside is beside it
#
# Directives, as comment lines in NAME.c (each optional):
#   // ARGS: a b c        guest arguments after argv[0] (split on spaces)
#   // ENV: K=V K2=V2     guest environment (split on spaces)
#   // STDIN: FILE        file in tests/wasi/ fed as stdin (default: /dev/null)
#   // EXIT: N            expected exit status (default 0, or 134 with TRAP)
#   // WI_OPTS: --fuel 9  extra `wi exec` options (split on spaces)
#   // TRAP: MESSAGE      the guest must trap: stderr is exactly the line "wi: trap: MESSAGE" followed by
#                         backtrace lines "  at FN (WASM+0xOFF)" (then " FILE:LINE[:COL]" where the module
#                         has DWARF line info, optionally " xN" for repeats, and a final
#                         "  ... N more frames"), at least one, all naming WASM as given
#   // INNERMOST: FN      with TRAP: the first backtrace line names function FN
#   // SOURCE: FILE:LINE  with TRAP: the first backtrace line's source position (built with -g)
# Passes when stdout equals NAME.expected byte for byte, the exit status matches, and nothing outside
# the sandbox changed (outside/ still holds exactly secret.txt with its original contents), and, for
# TRAP tests, stderr is the trap report described above.
# Tests with TRAP or WI_OPTS check `wi` itself: under node_wi.sh they are skipped (exit status 77).
set -u
if [ $# -ne 4 ]; then
  echo "usage: $0 NAME WI WASM TMPDIR" >&2
  exit 2
fi
name=$1 wi=$2 wasm=$3 tmp=$4
here=$(cd "$(dirname "$0")" && pwd)
src=$here/$name.c
expected=$here/$name.expected
[ -f "$src" ] || { echo "FAIL $name: no $src" >&2; exit 1; }
[ -f "$expected" ] || { echo "FAIL $name: no $expected" >&2; exit 1; }

directive() { sed -n "s|^// $1: *||p" "$src" | head -n 1; }
read -r -a args <<< "$(directive ARGS)"
read -r -a envs <<< "$(directive ENV)"
read -r -a wi_opts <<< "$(directive WI_OPTS)"
stdin_file=$(directive STDIN)
want_trap=$(directive TRAP)
want_innermost=$(directive INNERMOST)
want_source=$(directive SOURCE)
want_exit=$(directive EXIT)
if [ -n "$want_trap" ]; then want_exit=${want_exit:-134}; fi
want_exit=${want_exit:-0}

if [ "$(basename "$wi")" = node_wi.sh ] && { [ -n "$want_trap" ] || [ ${#wi_opts[@]} -gt 0 ]; }; then
  echo "SKIP $name: checks wi's own trap report or options"
  exit 77
fi

# A fresh fixture: the preopen, and a directory beside it that escapes would reach.
root=$tmp/$name
rm -rf "$root"
mkdir -p "$root/sandbox/subdir" "$root/outside"
printf 'TOP SECRET\n' > "$root/outside/secret.txt"
printf 'hello from the host\n' > "$root/sandbox/hello.txt"
printf 'nested\n' > "$root/sandbox/subdir/nested.txt"
ln -s ../outside/secret.txt "$root/sandbox/link_out"     # relative symlink pointing out
ln -s ../outside "$root/sandbox/dir_link_out"            # directory symlink pointing out
ln -s /etc/passwd "$root/sandbox/abs_link"               # absolute symlink
ln -s hello.txt "$root/sandbox/link_in"                  # harmless symlink inside
ln -s ../outside/created.txt "$root/sandbox/dangling_out"   # dangling symlink pointing out

cmd=("$wi" exec "$wasm" --dir "$root/sandbox::/sandbox")
cmd+=("${wi_opts[@]}")
for e in "${envs[@]}"; do cmd+=(--env "$e"); done
cmd+=(--)
cmd+=("${args[@]}")
stdin=/dev/null
[ -n "$stdin_file" ] && stdin=$here/$stdin_file

actual=$root/stdout
"${cmd[@]}" < "$stdin" > "$actual" 2> "$root/stderr"
got_exit=$?

fail=0
if ! cmp -s "$expected" "$actual"; then
  echo "FAIL $name: stdout differs from $name.expected:"
  diff -u "$expected" "$actual" | head -n 40
  fail=1
fi
if [ "$got_exit" != "$want_exit" ]; then
  echo "FAIL $name: exit status $got_exit, expected $want_exit"
  fail=1
fi
if [ -n "$want_trap" ]; then
  # The trap report: the message line, then backtrace lines only.
  n=0 first_fn= first_src= bad=
  while IFS= read -r line; do
    n=$((n + 1))
    if [ $n -eq 1 ]; then
      [ "$line" = "wi: trap: $want_trap" ] || bad="line 1 is '$line', expected 'wi: trap: $want_trap'"
    elif [[ $line =~ ^\ \ at\ ([^ ]+)\ \((.*)\+0x[0-9a-f]+\)(\ ([^ :]+:[0-9]+)(:[0-9]+)?)?(\ x[0-9]+)?$ ]]; then
      [ -n "$first_fn" ] || { first_fn=${BASH_REMATCH[1]}; first_src=${BASH_REMATCH[4]}; }
      [ "${BASH_REMATCH[2]}" = "$wasm" ] || bad="line $n names '${BASH_REMATCH[2]}', expected '$wasm'"
    elif [[ $line =~ ^\ \ \.\.\.\ [0-9]+\ more\ frames$ ]] && [ -n "$first_fn" ]; then
      :
    else
      bad="line $n is not a backtrace line: '$line'"
    fi
    [ -z "$bad" ] || break
  done < "$root/stderr"
  if [ $n -eq 0 ]; then bad="stderr is empty"; fi
  if [ -z "$bad" ] && [ -z "$first_fn" ]; then bad="no backtrace"; fi
  if [ -z "$bad" ] && [ -n "$want_innermost" ] && [ "$first_fn" != "$want_innermost" ]; then
    bad="innermost frame is '$first_fn', expected '$want_innermost'"
  fi
  if [ -z "$bad" ] && [ -n "$want_source" ] && [ "$first_src" != "$want_source" ]; then
    bad="innermost frame's source position is '$first_src', expected '$want_source'"
  fi
  if [ -n "$bad" ]; then
    echo "FAIL $name: trap report: $bad"
    fail=1
  fi
fi
if [ "$(ls -A "$root/outside")" != "secret.txt" ] || [ "$(cat "$root/outside/secret.txt")" != "TOP SECRET" ]; then
  echo "FAIL $name: the directory outside the sandbox changed:"
  ls -lA "$root/outside"
  fail=1
fi
if [ $fail -ne 0 ]; then
  echo "--- stderr:"
  head -n 20 "$root/stderr"
  exit 1
fi
echo "PASS $name"
