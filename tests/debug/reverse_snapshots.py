#!/usr/bin/env python3
"""wi debug's snapshots (docs/reverse.md) put back all the state they hold: on snapshot_state.wat — a
memory that grows, a global, a table slot set and cleared — `step M` then `reverse-step N`, with
snapshots every few steps, must stop where a session without snapshots stops after `step M-N`, with
the same locals, global, memory size and bytes; also after going forward again past a restored point.
usage: reverse_snapshots.py WI MODULE"""
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from debug_run import wi_debug  # noqa: E402

wi, module = sys.argv[1:3]
PAGES = 6  # the guest grows its memory to 5 pages: x/4 of each page's last word, and one past the end
DUMP = ["locals", "print g"] + [f"x/4 {p * 65536 - 4}" for p in range(1, PAGES + 1)]


def session(commands, interval):
    lines = wi_debug(wi, module, commands + DUMP + ["info reverse", "quit"], ["--snapshot-interval", str(interval)],
                     timeout=60).splitlines()
    stops = [l for l in lines if l.startswith("#")]
    dump = lines[lines.index("(wi) locals"):]
    rerun = [l for l in dump if l.startswith("last reverse command")]
    dump = [l for l in dump if not l.startswith(("snapshots:", "last reverse", "(wi) info", "(wi) quit"))]
    return stops[-1], dump, rerun


rng = random.Random(15)
failures = 0
cases = []
for _ in range(12):
    m = rng.randint(2, 9000)
    cases.append(([f"step {m}", f"reverse-step {rng.randint(1, m)}"], None))
for _ in range(6):  # back, forward again past where the run was, back again
    a, b = rng.randint(100, 6000), rng.randint(1, 99)
    cases.append(([f"step {a}", f"reverse-step {a - b}", f"step {a + 500}", "reverse-step 7"], 1 + b + a + 500 - 7))
for cmds, want in cases:
    if want is None:
        m, n = int(cmds[0].split()[1]), int(cmds[1].split()[1])
        want = 1 + m - n
    for interval in (1, 13, 500):
        loc, dump, rerun = session(cmds, interval)
        ref_loc, ref_dump, _ = session([f"step {want - 1}"] if want > 1 else [], 0)
        if (loc, dump) != (ref_loc, ref_dump):
            failures += 1
            print(f"FAIL {cmds} (snapshots every {interval}): {loc}\n  expected {ref_loc}")
            for a, b in zip(dump, ref_dump):
                if a != b:
                    print(f"  {a}\n  expected {b}")
        elif not rerun or "from snapshot" not in rerun[0]:
            failures += 1
            print(f"FAIL {cmds} (snapshots every {interval}): not from a snapshot: {rerun}")
print(f"{len(cases)} cases x 3 intervals: {'ok' if not failures else f'{failures} failures'}")
sys.exit(1 if failures else 0)
