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
#   // EXIT: N            expected exit status (default 0)
# Passes when stdout equals NAME.expected byte for byte, the exit status matches, and nothing outside
# the sandbox changed (outside/ still holds exactly secret.txt with its original contents).
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
stdin_file=$(directive STDIN)
want_exit=$(directive EXIT)
want_exit=${want_exit:-0}

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

cmd=("$wi" exec "$wasm" --dir "$root/sandbox::/sandbox")
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
