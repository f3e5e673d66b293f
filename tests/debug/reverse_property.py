#!/usr/bin/env python3
"""wi debug's reverse execution (docs/reverse.md) against forward stepping: for many (M, N), `step M`
then `reverse-step N` must stop where a fresh session's `step M-N` stops — the same step number and
instruction, the same locals, backtrace and memory — and a random walk of steps and reverse steps
in one session must agree with forward stepping at every stop. The guest (rewind.c) reads stdin, the
clock and random bytes and writes stdout: its output must appear exactly once, as `wi exec` prints it,
however often the session went back over it.
With INTERVAL (wi debug --snapshot-interval; 0: no snapshots, every reverse step re-runs the program
in a replica), each `reverse-step` must also say (`info reverse`) that it re-executed at most about one
interval of steps from a snapshot, however late it was given.
usage: reverse_property.py WI MODULE STDIN [INTERVAL]"""
import os
import random
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from debug_run import wi_debug  # noqa: E402

wi, module, stdin_path = sys.argv[1:4]
interval = int(sys.argv[4]) if len(sys.argv) > 4 else None
RERUN = re.compile(r"^last reverse command: re-executed (\d+) steps from (.*?)(?: in [\d.]+ ms)?$")
# Memory compared at every stop: data and bss (rewind.c's `sum`), and the top of the stack (its line
# buffer and frames); the static program's stack ends at 71472 (__stack_pointer's initial value).
DUMP = ["locals", "backtrace", "x/6000 1024", "x/2448 69024"]
GUEST = re.compile(r"^(\d+ \d+ \d+|done \d+)$")


def session(commands):
    return wi_debug(wi, module, commands, [] if interval is None else ["--snapshot-interval", str(interval)], stdin_path)


def blocks(out):
    """(command, output lines) per command; the lines before the first prompt come as command ''."""
    res = [("", [])]
    for line in out.splitlines():
        if line.startswith("(wi) "):
            res.append((line[5:], []))
        else:
            res[-1][1].append(line)
    return res


def guest_output(out):
    return [l for l in out.splitlines() if GUEST.match(l)]


def stop_of(lines):
    locs = [l for l in lines if l.startswith("#")]
    if not locs:
        sys.exit(f"no stop in {lines}")
    return locs[-1]


def step_of(loc):
    return int(loc[1:].split()[0])


def states(out):
    """The stops of a transcript: the location line of each moving command and the dump after it."""
    res = []
    for cmd, lines in blocks(out):
        if cmd == "" or cmd.startswith("step") or cmd.startswith("reverse"):
            res.append([stop_of(lines), []])
        elif cmd in DUMP:
            res[-1][1].append("\n".join(lines))
    return [(loc, "\n".join(d)) for loc, d in res]


expected_output = subprocess.run([wi, "exec", module, "--deterministic"], stdin=open(stdin_path, "rb"),
                                 capture_output=True, text=True, check=True).stdout.splitlines()
end = blocks(session(["continue"]))[-1][1]
total = int(re.search(r"finished after (\d+) steps", "\n".join(end)).group(1))
print(f"{module}: {total} steps, {len(expected_output)} lines of output")

rng = random.Random(15)
# Fresh sessions: step M, reverse-step N. Ms spread over the whole run (before, between and after the
# guest's reads and writes); Ns from 1 to M (M: back to the first instruction).
pairs = []
for M in sorted(rng.sample(range(1, total - 1), 12)) + [1, total - 2]:
    for N in sorted({n for n in (1, 2, rng.randint(1, M), M, M - 1, 1000) if 1 <= n <= M}):
        pairs.append((M, N))
# One session's random walk: the step it should be at after each command.
walk, at = [], 1
for _ in range(40):
    if rng.random() < 0.5:
        k = rng.randint(1, max(1, min(3000, total - at - 1)))
        walk.append(f"step {k}")
        at += k
    else:
        k = rng.randint(1, 4000)
        walk.append(f"reverse-step {k}")
        at = max(1, at - k)
    walk.append(at)

targets = sorted({1 + M - N for M, N in pairs} | {t for t in walk if isinstance(t, int)})
# The reference: one forward session stopping at every target in turn.
cmds, prev = [], 1
for t in targets:
    if t > prev:
        cmds.append(f"step {t - prev}")
    prev = t
    cmds += DUMP
ref_states = states(session(cmds))
reference = {}
for loc, dump in ref_states:
    reference[step_of(loc)] = (loc, dump)
missing = [t for t in targets if t not in reference]
if missing:
    sys.exit(f"reference session missed steps {missing[:5]}")

failures = 0


def check(what, loc, dump, want):
    global failures
    ref = reference[want]
    if (loc, dump) != ref:
        failures += 1
        if failures <= 5:
            print(f"FAIL {what}: expected {ref[0]}\n  got {loc}")
            if loc == ref[0]:
                import difflib
                print("\n".join(list(difflib.unified_diff(ref[1].splitlines(), dump.splitlines(), lineterm=""))[:20]))


def check_rerun(what, out):
    """With snapshots, the reverse step re-ran at most about one interval (a snapshot waits for a trace
    point outside host calls: allow a second interval); without, it re-ran from the start."""
    global failures
    if interval is None:
        return
    m = [RERUN.match(l) for l in out.splitlines() if RERUN.match(l)]
    if not m:
        failures += 1
        print(f"FAIL {what}: no info reverse output")
        return
    steps, source = int(m[-1].group(1)), m[-1].group(2)
    ok = source.startswith("the start") if interval == 0 else (source.startswith("snapshot") and steps <= 2 * interval)
    if not ok:
        failures += 1
        print(f"FAIL {what}: re-executed {steps} steps from {source} (snapshot interval {interval})")


for M, N in pairs:
    out = session([f"step {M}", f"reverse-step {N}", "info reverse"] + DUMP + ["continue"])
    st = states(out)
    check(f"step {M}, reverse-step {N}", st[-1][0], st[-1][1], 1 + M - N)
    check_rerun(f"step {M}, reverse-step {N}", out)
    if guest_output(out) != expected_output:
        failures += 1
        print(f"FAIL step {M}, reverse-step {N}: guest output {guest_output(out)} != {expected_output}")

cmds = []
for w in walk:
    if isinstance(w, str):
        cmds.append(w)
    else:
        cmds += DUMP
out = session(cmds + ["continue"])
st = states(out)[1:]  # the first stop is the start
wants = [w for w in walk if isinstance(w, int)]
if len(st) != len(wants):
    sys.exit(f"random walk: {len(st)} stops, expected {len(wants)}")
for k, ((loc, dump), want) in enumerate(zip(st, wants)):
    check(f"random walk command {k + 1} ({walk[2 * k]})", loc, dump, want)
if guest_output(out) != expected_output:
    failures += 1
    print(f"FAIL random walk: guest output {guest_output(out)} != {expected_output}")

print(f"{len(pairs)} (M, N) pairs and a walk of {len(wants)} commands over {len(targets)} distinct steps: "
      f"{'ok' if not failures else f'{failures} failures'}")
sys.exit(1 if failures else 0)
