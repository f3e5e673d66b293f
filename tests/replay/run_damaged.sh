#!/bin/bash
# Damaged recordings given to `wi exec --replay`, end to end (the reader alone: test_recording.cc).
#   tests/replay/run_damaged.sh WI WASM TMPDIR
# Records replay.c with a one-byte stdin (a recording of about 3 KB), then replays the recording cut
# at 400 places (every byte of the header and the first events, then evenly spread) and with one
# random bit flipped at 400 bytes: each is a whole wi process, which under ASan takes a good part of
# a second, so every byte (about 6,000 processes) would not fit the test's time. The reader alone is
# tested at every byte, in-process, by test_recording.cc. Passes when each replay either fails
# with exit status 1 and one line naming the file ("truncated at byte N", "corrupt ...", "not a wi
# recording", "recording format version"), or — never expected with the checksum, but allowed —
# prints exactly what the recorded run printed with its exit status. Anything else (a crash, a trap,
# another status, a multi-line report) fails.
set -u
if [ $# -ne 3 ]; then
  echo "usage: $0 WI WASM TMPDIR" >&2
  exit 2
fi
wi=$1 wasm=$2 tmp=$3
rm -rf "$tmp"
mkdir -p "$tmp/sandbox"
echo "a small file" > "$tmp/sandbox/input.txt"
echo x | "$wi" exec "$wasm" --dir "$tmp/sandbox::/sandbox" --record "$tmp/rec.bin" > "$tmp/rec.out" 2> "$tmp/rec.err"
[ $? = 3 ] || { echo "FAIL: the recorded run did not exit 3"; cat "$tmp/rec.err"; exit 1; }
python3 - "$tmp" "$wi" "$wasm" <<'PY'
import random, subprocess, sys
tmp, wi, wasm = sys.argv[1:]
rec = open(f"{tmp}/rec.bin", "rb").read()
want_out = open(f"{tmp}/rec.out", "rb").read()
name = f"{tmp}/damaged.bin"
failures, refused, identical = [], 0, 0
def check(data, what):
    global refused, identical
    open(name, "wb").write(data)
    p = subprocess.run([wi, "exec", wasm, "--replay", name], stdin=subprocess.DEVNULL, capture_output=True)
    err = p.stderr.decode(errors="replace")
    if p.returncode == 1 and err.count("\n") == 1 and err.startswith(f"wi: {name}: ") and any(
            k in err for k in ("truncated at byte", "corrupt", "not a wi recording", "recording format version")):
        refused += 1
    elif p.returncode == 3 and p.stdout == want_out:
        identical += 1
    else:
        failures.append(f"{what}: exit {p.returncode}, stderr {err[:200]!r}")
rng = random.Random(15)
SAMPLE = 400
def places():
    head = list(range(min(len(rec), SAMPLE // 2)))
    rest = range(len(head), len(rec))
    step = max(1, len(rest) // (SAMPLE - len(head)))
    return head + list(rest)[::step]
cuts, flips = places(), places()
for n in cuts:
    check(rec[:n], f"cut at {n}")
for i in flips:
    b = bytearray(rec)
    b[i] ^= 1 << rng.randrange(8)
    check(bytes(b), f"bit flipped in byte {i}")
print(f"{len(cuts)} truncations and {len(flips)} bit flips of a {len(rec)}-byte recording: "
      f"{refused} refused with a one-line error, {identical} identical runs, {len(failures)} failures")
for f in failures[:20]:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
PY
