#!/bin/bash
# Checks `wi exec --deterministic` with deterministic.c (clocks, sleeps, random bytes, file metadata).
#   tests/wasi/deterministic.sh WI WASM TMPDIR
# Passes when:
#  - two --deterministic --seed 42 runs, each in its own fresh fixture directory (so host inode numbers
#    and timestamps differ), print byte-identical stdout and both exit 0;
#  - a --seed 43 run prints the same lines except those starting with "random", each of which changes;
#  - the deterministic output contains no host inode number of the fixture files, while a run without
#    --deterministic does (so the program really prints them), and two runs without --deterministic
#    differ (so the comparison above is not vacuous).
set -u
if [ $# -ne 3 ]; then
  echo "usage: $0 WI WASM TMPDIR" >&2
  exit 2
fi
wi=$1 wasm=$2 tmp=$3/deterministic
rm -rf "$tmp"
mkdir -p "$tmp"
fail=0
failed() { echo "FAIL deterministic: $*"; fail=1; }

# fixture NAME: a fresh preopen with a file and a subdirectory; host times differ per fixture.
fixture() {
  local d=$tmp/$1/sandbox
  mkdir -p "$d/subdir"
  printf 'hello\n' > "$d/hello.txt"
  touch -d "@$((1000000000 + RANDOM * 1000 + ${#1}))" "$d/hello.txt"
  echo "$d"
}

# run NAME OUT [wi options...]: runs the program in fixture NAME, stdout to OUT; fails on a non-zero exit.
run() {
  local name=$1 out=$2
  shift 2
  local d
  d=$(fixture "$name")
  "$wi" exec "$wasm" --dir "$d::/sandbox" "$@" > "$out" 2> "$out.stderr"
  local st=$?
  if [ $st -ne 0 ]; then
    failed "run $name ($*) exited $st"
    head -n 5 "$out.stderr"
  fi
}

run a "$tmp/a.out" --deterministic --seed 42
run b "$tmp/b.out" --deterministic --seed 42
run c "$tmp/c.out" --deterministic --seed 43
run d "$tmp/d.out"
run e "$tmp/e.out"

if ! cmp -s "$tmp/a.out" "$tmp/b.out"; then
  failed "two --deterministic --seed 42 runs differ:"
  diff -u "$tmp/a.out" "$tmp/b.out" | head -n 30
fi
for want in '^clock realtime .*t1=946684800\.' '^random getentropy:' '^random arc4random:' '^random random_get:' \
            '^stat /sandbox/hello.txt .* ino=' '^dirent hello.txt '; do
  grep -q "$want" "$tmp/a.out" || failed "no line matching '$want' in the output"
done

# Another seed: the same non-random lines, and every random line changed.
if ! diff -u <(grep -v '^random' "$tmp/a.out") <(grep -v '^random' "$tmp/c.out") > "$tmp/seed.diff"; then
  failed "--seed changed lines other than the random ones:"
  head -n 20 "$tmp/seed.diff"
fi
if [ "$(grep -c '^random' "$tmp/a.out")" != "$(grep -c '^random' "$tmp/c.out")" ]; then
  failed "--seed changed the number of random lines"
fi
same=$(comm -12 <(grep '^random' "$tmp/a.out" | sort) <(grep '^random' "$tmp/c.out" | sort))
[ -z "$same" ] || failed "--seed 43 left these random lines as with --seed 42: $same"

# Host inode numbers: absent from the deterministic output, present without --deterministic.
ino_a=$(stat -c %i "$tmp/a/sandbox/hello.txt")
ino_d=$(stat -c %i "$tmp/d/sandbox/hello.txt")
grep -qw "ino=$ino_a" "$tmp/a.out" && failed "the host inode $ino_a of hello.txt leaks into --deterministic output"
grep -qw "ino=$ino_d" "$tmp/d.out" || failed "without --deterministic the host inode $ino_d of hello.txt is not printed"
cmp -s "$tmp/d.out" "$tmp/e.out" && failed "two runs without --deterministic print the same output"

if [ $fail -ne 0 ]; then
  echo "--- --deterministic --seed 42 output:"
  cat "$tmp/a.out"
  exit 1
fi
echo "PASS deterministic"
