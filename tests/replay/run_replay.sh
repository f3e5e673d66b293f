#!/bin/bash
# `wi exec --record` / `--replay` end to end on replay.c (docs/record-replay.md).
#   tests/replay/run_replay.sh WI WASM TMPDIR [LIBC_WASM]
# With LIBC_WASM the program is a linked one, run as `WASM --lib LIBC_WASM`. Passes when:
#  - a recorded run (stdin, clocks, random, args, env, a preopened file; --trace too) exits 3, and a
#    second live run prints something else (the comparison below is not vacuous);
#  - replays with stdin closed or /dev/null and no --dir print byte-identical stdout and stderr, exit
#    3, and write no file; a replay given an empty --dir leaves it empty;
#  - two traced replays give traces byte-identical to each other and to the recorded run's trace;
#  - a changed module, a changed flag, other guest arguments and an edited event are one-line errors
#    (exit 1) naming what differs; truncated and bit-flipped recordings are errors, never crashes.
set -u
if [ $# -lt 3 ]; then
  echo "usage: $0 WI WASM TMPDIR [LIBC_WASM]" >&2
  exit 2
fi
wi=$1 wasm=$2 tmp=$3
lib=()
[ $# -ge 4 ] && lib=(--lib "$4")
rm -rf "$tmp"
mkdir -p "$tmp/sandbox" "$tmp/empty"
printf 'first line of the file\nsecond line\n' > "$tmp/sandbox/input.txt"
fail=0
failed() { echo "FAIL: $*"; fail=1; }
expect_status() {  # WANT GOT WHAT
  [ "$1" = "$2" ] || failed "$3: exit status $2, expected $1"
}

run() { "$wi" exec "$wasm" "${lib[@]}" "$@"; }

# 1. Record (traced), and a second live run.
head -c 3000 /dev/urandom | base64 > "$tmp/stdin.txt"
run --dir "$tmp/sandbox::/sandbox" --env REPLAY_A=apple --record "$tmp/rec.bin" --trace="$tmp/rec.trace" \
  -- one two < "$tmp/stdin.txt" > "$tmp/rec.out" 2> "$tmp/rec.err"
expect_status 3 $? "recorded run"
grep -q '^file: second line' "$tmp/rec.out" || failed "the recorded run did not read the preopened file"
grep -q '^env REPLAY_A=apple' "$tmp/rec.out" || failed "the recorded run did not see its environment"
grep -q "^stdin $(wc -c < "$tmp/stdin.txt") bytes" "$tmp/rec.out" || failed "the recorded run did not read stdin"
[ -f "$tmp/sandbox/output.txt" ] || failed "the recorded run did not write output.txt"
rm -f "$tmp/sandbox/output.txt"
run --dir "$tmp/sandbox::/sandbox" --env REPLAY_A=apple -- one two < "$tmp/stdin.txt" > "$tmp/live.out" 2> /dev/null
cmp -s "$tmp/rec.out" "$tmp/live.out" && failed "two live runs print the same (clock and random should differ)"
rm -f "$tmp/sandbox/output.txt"

# 2. Replays: stdin closed, stdin /dev/null, no --dir, no guest arguments or environment.
same_as_recorded() {  # NAME STATUS
  expect_status 3 "$2" "$1"
  cmp -s "$tmp/rec.out" "$tmp/$1.out" || { failed "$1: stdout differs from the recorded run"; diff "$tmp/rec.out" "$tmp/$1.out" | head -n 10; }
  cmp -s "$tmp/rec.err" "$tmp/$1.err" || { failed "$1: stderr differs from the recorded run"; head -n 5 "$tmp/$1.err"; }
}
run --replay "$tmp/rec.bin" --env REPLAY_A=apple -- one two <&- > "$tmp/closed.out" 2> "$tmp/closed.err"
same_as_recorded closed $?
run --replay "$tmp/rec.bin" < /dev/null > "$tmp/devnull.out" 2> "$tmp/devnull.err"
same_as_recorded devnull $?
run --replay "$tmp/rec.bin" --dir "$tmp/empty::/sandbox" < /dev/null > "$tmp/emptydir.out" 2> "$tmp/emptydir.err"
same_as_recorded emptydir $?
[ -z "$(ls -A "$tmp/empty")" ] || failed "a replay wrote into a --dir: $(ls -A "$tmp/empty")"
[ -f "$tmp/sandbox/output.txt" ] && failed "a replay wrote the recorded run's output.txt"

# 3. Traces: two traced replays, identical to each other and to the recorded run's.
for i in 1 2; do
  run --replay "$tmp/rec.bin" --trace="$tmp/rep$i.trace" < /dev/null > "$tmp/trace$i.out" 2> "$tmp/trace$i.err"
  same_as_recorded trace$i $?
done
[ -s "$tmp/rec.trace" ] || failed "the recorded run wrote no trace"
grep -q 'host-call wasi_snapshot_preview1.clock_time_get' "$tmp/rec.trace" || failed "the trace shows no clock_time_get"
cmp -s "$tmp/rep1.trace" "$tmp/rep2.trace" || failed "two traced replays differ"
cmp -s "$tmp/rec.trace" "$tmp/rep1.trace" || { failed "the replay's trace differs from the recorded run's"; diff "$tmp/rec.trace" "$tmp/rep1.trace" | head -n 6; }

# 4. Divergences: each a one-line error, exit 1.
one_error() {  # NAME STATUS PATTERN
  expect_status 1 "$2" "$1"
  [ "$(wc -l < "$tmp/$1.err")" = 1 ] || { failed "$1: expected one line on stderr"; head -n 5 "$tmp/$1.err"; }
  grep -q "$3" "$tmp/$1.err" || failed "$1: stderr does not match '$3': $(head -n 3 "$tmp/$1.err")"
  echo "$1: $(cat "$tmp/$1.err")"
}
cp "$wasm" "$tmp/changed.wasm"
printf '\x00\x06\x05extra' >> "$tmp/changed.wasm"  # a custom section: same code, other bytes
"$wi" exec "$tmp/changed.wasm" "${lib[@]}" --replay "$tmp/rec.bin" < /dev/null > /dev/null 2> "$tmp/module.err"
one_error module $? "^wi: replay: module .*changed.wasm is not the recorded one"
run --replay "$tmp/rec.bin" --fuel 100000000 < /dev/null > /dev/null 2> "$tmp/fuel.err"
one_error fuel $? "^wi: replay: --fuel is 100000000 here but not given in the recording"
run --replay "$tmp/rec.bin" -- one three < /dev/null > /dev/null 2> "$tmp/args.err"
one_error args $? "^wi: replay: the guest arguments (after --) are one three here but one two in the recording"
# An event edited (random_get renamed, checksum made right again): the replay stops there.
python3 - "$tmp/rec.bin" "$tmp/edited.bin" <<'PY'
import sys
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.find(b'preview1.random_get')
assert i >= 0
b[i + 9:i + 19] = b'random_got'
h = 0xcbf29ce484222325
for x in b[:-8]:
    h = ((h ^ x) * 0x100000001b3) & 0xffffffffffffffff
b[-8:] = h.to_bytes(8, 'little')
open(sys.argv[2], 'wb').write(b)
PY
run --replay "$tmp/edited.bin" < /dev/null > /dev/null 2> "$tmp/edited.err"
one_error edited $? "^wi: replay diverged at event [0-9]*: guest called random_get(.*) but the recording has random_got("

# 5. Damaged recordings: truncations and bit flips are errors (exit 1, one line), never crashes.
size=$(stat -c %s "$tmp/rec.bin")
checked=0
for cut in 0 1 7 8 12 13 40 $((size / 3)) $((size / 2)) $((size - 30)) $((size - 9)) $((size - 8)) $((size - 1)); do
  head -c "$cut" "$tmp/rec.bin" > "$tmp/cut.bin"
  run --replay "$tmp/cut.bin" < /dev/null > /dev/null 2> "$tmp/cut.err"
  st=$?
  [ $st = 1 ] && [ "$(wc -l < "$tmp/cut.err")" = 1 ] && grep -q '^wi: .*cut.bin: \(truncated at byte\|not a wi recording\|corrupt\)' "$tmp/cut.err" ||
    failed "recording cut to $cut of $size bytes: exit $st, $(head -n 2 "$tmp/cut.err")"
  checked=$((checked + 1))
done
for seed in $(seq 1 25); do
  python3 - "$tmp/rec.bin" "$tmp/flip.bin" "$seed" <<'PY'
import random, sys
b = bytearray(open(sys.argv[1], 'rb').read())
r = random.Random(int(sys.argv[3]))
for _ in range(r.randint(1, 3)):
    b[r.randrange(len(b))] ^= 1 << r.randrange(8)
open(sys.argv[2], 'wb').write(b)
PY
  run --replay "$tmp/flip.bin" < /dev/null > "$tmp/flip.out" 2> "$tmp/flip.err"
  st=$?
  if [ $st = 1 ]; then
    grep -q '^wi: .*flip.bin: \(corrupt\|truncated\|not a wi recording\|recording format\)' "$tmp/flip.err" ||
      failed "bit flips (seed $seed): $(head -n 2 "$tmp/flip.err")"
  elif [ $st = 3 ]; then
    cmp -s "$tmp/rec.out" "$tmp/flip.out" || failed "bit flips (seed $seed): a run that differs from the recorded one"
  else
    failed "bit flips (seed $seed): exit status $st: $(head -n 2 "$tmp/flip.err")"
  fi
  checked=$((checked + 1))
done
echo "$checked damaged recordings of $size bytes: all refused with an error"

[ $fail = 0 ] && echo "PASS replay ${lib[*]}"
exit $fail
