#!/usr/bin/env python3
"""How long one `reverse-step` of wi debug takes after 10^8 executed wasm instructions, and what it
costs in memory (docs/reverse.md). Runs loop.wat (about 1.05e8 steps) under `wi debug --commands`:
  forward   run-to 100000000, info reverse, quit
  reverse   run-to 100000000, reverse-step x K, info reverse, quit
and reports (reverse - forward) / K as the time of one reverse step, the peak RSS of both runs (/usr/bin/time), the
snapshots wi debug kept (`info reverse`: how many, their bytes) and how many steps the last reverse
step re-executed. --interval sets wi debug's --snapshot-interval (0: no snapshots, every reverse step
re-runs the program from its start in a replica).
usage: reverse_step.py WI [--steps N] [-k K] [--interval I]"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

ap = argparse.ArgumentParser()
ap.add_argument("wi")
ap.add_argument("--steps", type=int, default=100_000_000)
ap.add_argument("-k", type=int, default=20, help="reverse steps in the timed session")
ap.add_argument("--interval", type=int, default=None, help="wi debug --snapshot-interval (default: wi's)")
args = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp()
wasm = os.path.join(work, "loop.wasm")
subprocess.run(["wat2wasm", os.path.join(here, "loop.wat"), "-o", wasm], check=True)
extra = [] if args.interval is None else ["--snapshot-interval", str(args.interval)]


def run(commands):
    cmds = os.path.join(work, "cmds")
    with open(cmds, "w") as f:
        f.write("\n".join(commands) + "\n")
    # The peak RSS comes from /usr/bin/time: a child of this script inherits the script's own peak
    # (about 14 MiB) through fork and exec in its rusage, which hid wi's own.
    t0 = time.monotonic()
    r = subprocess.run(["/usr/bin/time", "-f", "maxrss %M", args.wi, "debug", wasm, "--commands", cmds] + extra,
                       capture_output=True, text=True)
    elapsed = time.monotonic() - t0
    if r.returncode != 0:
        sys.exit(f"wi debug failed: {r.stdout} {r.stderr}")
    rss = int(re.search(r"maxrss (\d+)", r.stderr).group(1))
    return elapsed, rss / 1024, r.stdout  # seconds, MiB


fwd, fwd_rss, _ = run([f"run-to {args.steps}", "info reverse", "quit"])
rev, rev_rss, out = run([f"run-to {args.steps}"] + ["reverse-step"] * args.k + ["info reverse", "quit"])
last = [l for l in out.splitlines() if l.startswith("#")][-1]
want = f"#{args.steps - args.k} "
if not last.startswith(want):
    sys.exit(f"the last reverse step stopped at {last}, expected {want}")
snaps = re.search(r"^snapshots: (\d+) every (\d+) steps, (\d+) bytes$", out, re.M)
rerun = re.search(r"^last reverse command: re-executed (\d+) steps from (.*)$", out, re.M)
per = (rev - fwd) / args.k
print(f"forward to step {args.steps}: {fwd:.2f} s, peak RSS {fwd_rss:.1f} MiB")
print(f"reverse-step at step {args.steps}: {per * 1000:.1f} ms each ({args.k} timed), peak RSS {rev_rss:.1f} MiB "
      f"(+{rev_rss - fwd_rss:.1f} MiB)")
print(f"snapshots: {snaps.group(1)} every {snaps.group(2)} steps, {int(snaps.group(3)) / 1024:.0f} KiB; "
      f"the last reverse step re-executed {rerun.group(1)} steps from {rerun.group(2)}")
