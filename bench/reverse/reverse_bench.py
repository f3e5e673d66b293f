#!/usr/bin/env python3
"""How long wi debug's reverse commands take after 10^8 executed wasm instructions, and what the
snapshots cost in memory (docs/reverse.md). Runs loop.wat (about 1.08e8 steps) under
`wi debug --commands`, in one session per line, each starting with `run-to 100000000`:
  forward            info reverse, quit
  reverse-step       reverse-step x K
  reverse-next       reverse-next x K
  reverse-finish     break fill, continue, delete, then (reverse-finish, step 1) x K
  reverse-continue   break fill, continue, then reverse-continue x K (one loop iteration back each)
with `info reverse` after each reverse command, and reports the median and largest time a command
took as `info reverse` says it (from the command to the stop), the peak RSS (/usr/bin/time), the
snapshots wi debug kept (how many, their bytes) and how many steps the last command re-executed, and
from where. --interval sets wi debug's --snapshot-interval (0: no snapshots: every
command re-runs the program from its start in a replica).
Then the gdb stub (`wi exec --gdb`): a breakpoint on $mark (called once, at about step 10^8), then
K `bs` packets, then a breakpoint on $fill and K `bc` packets (one loop iteration back each), each
packet's round trip timed on its own.
usage: reverse_bench.py WI [--steps N] [-k K] [--interval I] [--only CMD] [--no-gdb]"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "debug"))

ap = argparse.ArgumentParser()
ap.add_argument("wi")
ap.add_argument("--steps", type=int, default=100_000_000)
ap.add_argument("-k", type=int, default=20, help="reverse commands in each timed session")
ap.add_argument("--interval", type=int, default=None, help="wi debug --snapshot-interval (default: wi's)")
ap.add_argument("--only", action="append", help="time only this command (repeatable)")
ap.add_argument("--no-gdb", action="store_true", help="skip the gdb stub's bs/bc")
args = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
work = tempfile.mkdtemp()
wasm = os.path.join(work, "loop.wasm")
subprocess.run(["wat2wasm", "--debug-names", os.path.join(here, "loop.wat"), "-o", wasm], check=True)
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


k = args.k
info = ["info reverse"]
sessions = {
    "reverse-step": (["reverse-step"] + info) * k,
    "reverse-next": (["reverse-next"] + info) * k,
    "reverse-finish": ["break fill", "continue", "delete"] + (["reverse-finish"] + info + ["step 1"]) * k,
    "reverse-continue": ["break fill", "continue"] + (["reverse-continue"] + info) * k,
}
start = [f"run-to {args.steps}"]
fwd, fwd_rss, out = run(start + ["info reverse", "quit"])
print(f"forward to step {args.steps}: {fwd:.2f} s, peak RSS {fwd_rss:.1f} MiB")
for name, cmds in sessions.items():
    if args.only and name not in args.only:
        continue
    t, rss, out = run(start + cmds + ["quit"])
    # Each reverse command must stop before where it was given.
    at, cmd, went_back = 0, "", 0
    for line in out.splitlines():
        if line.startswith("(wi) "):
            cmd = line[5:]
        elif m := re.match(r"^#(\d+) \S+\+0x", line):
            if cmd == name:
                if int(m.group(1)) >= at:
                    sys.exit(f"{name} at step {at} did not go back: {line}")
                went_back += 1
            at = int(m.group(1))
    if went_back != k:
        sys.exit(f"{name}: {went_back} of {k} commands stopped")
    snaps = re.findall(r"^snapshots: (\d+) every (\d+) steps, (\d+) bytes$", out, re.M)[-1]
    reruns = re.findall(r"^last reverse command: re-executed (\d+) steps from (.*) in ([\d.]+) ms$", out, re.M)
    ms = [float(r[2]) for r in reruns]
    print(f"{name} at step ~{args.steps}: median {statistics.median(ms):.1f} ms, max {max(ms):.1f} ms ({k} commands; "
          f"the last to step {at}), peak RSS {rss:.1f} MiB; snapshots: {snaps[0]} every {snaps[1]} steps, "
          f"{int(snaps[2]) / 1024:.0f} KiB; the last one re-executed {reruns[-1][0]} steps from {reruns[-1][1]}")

def code_address(func):
    """The gdb-remote code address of `func`'s first instruction (module 0), from wasm-objdump."""
    dis = subprocess.run(["wasm-objdump", "-d", wasm], capture_output=True, text=True, check=True).stdout
    m = re.search(r"func\[\d+\] <%s>:\n\s*([0-9a-f]+):" % func, dis)
    return 0x4000000000000000 | int(m.group(1), 16)


def gdb_stub():
    import gdb_packets
    import lldb_batch
    with lldb_batch.start_wi(args.wi, ["exec", wasm] + extra, timeout=600) as (proc, port):
        c = gdb_packets.Client(port)
        c.ask("QStartNoAckMode")
        c.ack = False
        mark, fill = code_address("mark"), code_address("fill")
        c.ask("Z0,%x,1" % mark)
        t0 = time.monotonic()
        r = c.ask("c")
        fwd = time.monotonic() - t0
        if "reason:breakpoint" not in r:
            sys.exit(f"the stub did not stop at $mark: {r}")
        c.ask("z0,%x,1" % mark)
        print(f"gdb stub: forward to $mark (about step 10^8): {fwd:.2f} s")
        for packet, setup in (("bs", []), ("bc", ["Z0,%x,1" % fill, "c"])):
            for p in setup:
                c.ask(p)
            times = []
            for _ in range(k):
                t0 = time.monotonic()
                r = c.ask(packet)
                times.append(time.monotonic() - t0)
                if not r.startswith("T05") or "replaylog:begin" in r:
                    sys.exit(f"{packet}: {r}")
            print(f"gdb stub: {packet} at about step 10^8: median {statistics.median(times) * 1000:.1f} ms, "
                  f"max {max(times) * 1000:.1f} ms ({k} packets)")
        c.send("k")


if not args.no_gdb and args.steps == 100_000_000:
    gdb_stub()
