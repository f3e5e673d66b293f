#!/usr/bin/env python3
"""How long one `reverse-step` of wi debug takes after 10^8 executed wasm instructions, and what it
costs in memory (docs/reverse.md). Runs loop.wat (about 1.05e8 steps) under `wi debug --commands`:
  forward   run-to 100000000, quit
  reverse   run-to 100000000, reverse-step x K, quit
and reports (reverse - forward) / K as the time of one reverse step, and the peak RSS of both runs
(wi debug keeps no snapshots yet: a reverse step re-runs the program from its start in a second
store, so the extra memory is that store's, and the time grows with the step number).
usage: reverse_step.py WI [--steps N] [-k K]"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("wi")
ap.add_argument("--steps", type=int, default=100_000_000)
ap.add_argument("-k", type=int, default=3, help="reverse steps in the timed session")
args = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp()
wasm = os.path.join(work, "loop.wasm")
subprocess.run(["wat2wasm", os.path.join(here, "loop.wat"), "-o", wasm], check=True)


def run(commands):
    cmds = os.path.join(work, "cmds")
    with open(cmds, "w") as f:
        f.write("\n".join(commands) + "\n")
    t0 = time.monotonic()
    p = subprocess.Popen([args.wi, "debug", wasm, "--commands", cmds], stdout=subprocess.PIPE, text=True)
    out = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    elapsed = time.monotonic() - t0
    if status != 0:
        sys.exit(f"wi debug failed: {out}")
    return elapsed, ru.ru_maxrss / 1024, out  # seconds, MiB


fwd, fwd_rss, _ = run([f"run-to {args.steps}", "quit"])
rev, rev_rss, out = run([f"run-to {args.steps}"] + ["reverse-step"] * args.k + ["quit"])
last = [l for l in out.splitlines() if l.startswith("#")][-1]
want = f"#{args.steps - args.k} "
if not last.startswith(want):
    sys.exit(f"the last reverse step stopped at {last}, expected {want}")
per = (rev - fwd) / args.k
print(f"forward to step {args.steps}: {fwd:.2f} s, peak RSS {fwd_rss:.1f} MiB")
print(f"reverse-step at step {args.steps}: {per:.2f} s each ({args.k} timed), peak RSS {rev_rss:.1f} MiB "
      f"(+{rev_rss - fwd_rss:.1f} MiB: the replica's store); snapshots: none, 0 bytes")
