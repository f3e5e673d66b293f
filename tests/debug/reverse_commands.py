#!/usr/bin/env python3
"""wi debug's reverse commands from snapshots against the same commands from replicas (docs/reverse.md).
Random sessions mix forward commands (step N, next, finish, continue) with reverse-step N,
reverse-next, reverse-finish and reverse-continue, with a breakpoint and a watchpoint set part of the
time. Each session runs with --snapshot-interval 0 (every reverse command re-runs the program from its
start in a replica: the reference) and with small intervals (going back in the live store from
snapshots), and with a snapshot at every step thinned to a small memory budget. The transcripts must be the same, line for line — every stop, local, backtrace, memory
dump and the guest's own output — and with snapshots each reverse command must say (`info reverse`)
that it went back from a snapshot, re-executing steps in proportion to how far back it went plus a few
intervals, not to how long the program had run (until the program ends: after that, replicas serve).
usage: reverse_commands.py WI MODULE STDIN"""
import os
import random
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from debug_run import wi_debug  # noqa: E402

wi, module, stdin_path = sys.argv[1:4]
INTERVALS = [1, 7, 97]
BUDGET_MIB = 0.2  # one more run, every step, thinned to this (--snapshot-memory)
SESSIONS = 12
RERUN = re.compile(r"^last reverse command: re-executed (\d+) steps from (.*?)(?: in [\d.]+ ms)?$")
STOP = re.compile(r"^#(\d+) \S+\+0x[0-9a-f]+ ")  # a stop's location (a backtrace line has no step)
ENDED = re.compile(r"^program (finished|exited|trapped)")
DUMP = ["locals", "backtrace", "x/16 0xee0"]  # 0xee0: rewind.c's `sum`
REVERSE = ["reverse-next", "reverse-finish", "reverse-continue", "reverse-step"]


def run(commands, interval, budget=None):
    extra = [] if budget is None else ["--snapshot-memory", str(budget)]
    return wi_debug(wi, module, commands, ["--snapshot-interval", str(interval)] + extra, stdin_path).splitlines()


def session_commands(rng):
    cmds = []
    for _ in range(rng.randint(10, 18)):
        x = rng.random()
        if x < 0.12:
            cmds.append(rng.choice(["break mix", "delete"]))
        elif x < 0.2:
            cmds.append(rng.choice(["watch 0xee0", "unwatch 1"]))
        elif x < 0.5:
            cmds.append(rng.choice([f"step {rng.randint(1, 400)}", "next", "finish", "continue"]))
        else:
            r = rng.choice(REVERSE)
            cmds.append(f"{r} {rng.randint(1, 300)}" if r == "reverse-step" else r)
        if cmds[-1].split()[0] in REVERSE:
            cmds.append("info reverse")
        cmds += DUMP
    return cmds + ["continue"]


def without_info(lines):
    """The transcript without `info reverse`'s output (how a command went back differs by design)."""
    return [l for l in lines if l != "(wi) info reverse" and not l.startswith(("snapshots:", "last reverse", "thinned:"))]


def reverse_costs(lines):
    """(command, step given at, step arrived at, steps re-executed, from where) per reverse command."""
    res, at, pending = [], 1, None
    for l in lines:
        if ENDED.match(l):  # going back from the end re-runs the program (docs/reverse.md): not counted
            break
        if l.startswith("(wi) "):
            cmd = l[5:]
            if cmd.split()[0] in REVERSE:
                pending = [cmd, at, None]
            continue
        m = STOP.match(l)
        if m:
            at = int(m.group(1))
            if pending and pending[2] is None:
                pending[2] = at
        m = RERUN.match(l)
        if m and pending:
            res.append((pending[0], pending[1], pending[2], int(m.group(1)), m.group(2)))
            pending = None
    return res


rng = random.Random(1513)
failures = 0
commands_checked = 0
# First a fixed session: snapshots taken before a watchpoint is set must still see its hits going back
# (a hit is reported at the instruction after the store, which may start a snapshot's segment).
fixed = ["step 15000", "watch 0xee0"] + ["reverse-continue", "info reverse"] * 3 + DUMP + ["continue"] * 3
for k in range(SESSIONS + 1):
    cmds = fixed if k == 0 else session_commands(rng)
    reference = without_info(run(cmds, 0))
    for interval in INTERVALS + ["thinned"]:
        thinned = interval == "thinned"
        out = run(cmds, 1, BUDGET_MIB) if thinned else run(cmds, interval)
        got = without_info(out)
        if got != reference:
            failures += 1
            if failures <= 3:
                import difflib
                print(f"FAIL session {k} with --snapshot-interval {interval}: commands {cmds}")
                print("\n".join(list(difflib.unified_diff(reference, got, "replicas", "snapshots", lineterm=""))[:30]))
            continue
        if thinned:  # going back costs more where snapshots were dropped: only the budget is checked
            held = [int(m.group(1)) for m in map(re.compile(r"^snapshots: \d+ every \d+ steps, (\d+) bytes$").match, out) if m]
            if held and max(held) > BUDGET_MIB * 1048576:
                failures += 1
                print(f"FAIL session {k}: snapshots hold {max(held)} bytes, over the budget of {BUDGET_MIB} MiB")
            continue
        for cmd, given, arrived, steps, source in reverse_costs(out):
            commands_checked += 1
            if arrived is None:  # at the first instruction: nothing to go back to, nothing re-executed
                continue
            # A scan that finds nothing looks at every step before it; otherwise, the way back and a
            # few intervals (the segments scanned, each with two steps more than the interval, and the
            # way from the snapshot before the target to it).
            back = given - arrived if arrived < given else given
            bound = int((2 + 2 / interval) * back) + 4 * interval + 8
            if not source.startswith("snapshot") or steps > bound:
                failures += 1
                print(f"FAIL session {k} interval {interval}: {cmd} from step {given} to {arrived} re-executed "
                      f"{steps} steps from {source} (bound {bound})")
print(f"{SESSIONS + 1} sessions x {len(INTERVALS) + 1} snapshot settings, {commands_checked} reverse commands: "
      f"{'ok' if not failures else f'{failures} failures'}")
sys.exit(1 if failures else 0)
