#!/usr/bin/env python3
"""The real LLDB's reverse continue against `wi exec PROG --gdb PORT` (docs/reverse.md): on prog.c built
with -g -O0, with a breakpoint on square, `process continue -R` from the second hit (x=2) must stop at
the first (x=1); `process continue -F` then reaches x=2 again (the replica hands over to the live run)
and `continue` x=3; without the breakpoint the program runs to its exit status, its output printed once.

usage: gdb_lldb_reverse.py WI PROG_WASM   exit 77 (skip) when lldb-22 is not installed.
"""
import re
import shutil
import subprocess
import sys

TIMEOUT = 60


def main():
    lldb = shutil.which("lldb-22")
    if not lldb:
        print("lldb-22 is not installed: skipped")
        return 77
    wi, prog = sys.argv[1], sys.argv[2]
    proc = subprocess.Popen([wi, "exec", prog, "--gdb", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            print("no port in:", line)
            return 1
        commands = [
            "process connect --plugin wasm connect://127.0.0.1:%s" % m.group(1),
            "breakpoint set -n square",
            "continue",
            "continue",
            "process continue -R",
            "frame variable x",
            "process continue -F",
            "frame variable x",
            "continue",
            "frame variable x",
            "breakpoint delete 1",
            "continue",
        ]
        args = [lldb, "-b", "--no-lldbinit"]
        for c in commands:
            args += ["-o", c]
        out = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT).stdout
        status = proc.wait(timeout=TIMEOUT)
        guest_out = proc.stdout.read()
    except subprocess.TimeoutExpired:
        print("timed out")
        return 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print(out)
    hit = r"stop reason = breakpoint 1\.1\s+frame #0: 0x[0-9a-f]+ \S+`square\(x=%d\) at prog\.c:10"
    expect = [
        (r"\(lldb\) process continue -R\n.*?" + hit % 1, "reverse continue from x=2 stops at x=1"),
        (r"\(lldb\) process continue -R\n(.|\n)*?\(lldb\) frame variable x\n\(int\) x = 1\n", "x = 1 there"),
        (r"\(lldb\) process continue -F\n(.|\n)*?" + hit % 2, "forward again: x=2 (the live run's stop)"),
        (r"\(lldb\) process continue -F\n(.|\n)*?\(lldb\) frame variable x\n\(int\) x = 2\n", "x = 2 there"),
        (r"\(int\) x = 2\n\(lldb\) continue\n(.|\n)*?" + hit % 3, "then the live run goes on to x=3"),
        (r"Process 1 exited with status = 0 ", "exit status 0 reported"),
    ]
    bad = [what for pattern, what in expect if not re.search(pattern, out, re.S if "(.|" not in pattern else 0)]
    for what in bad:
        print("FAIL:", what)
    if status != 0 or guest_out != "total 14 fib 5 counter 3 stepped\n":
        print("FAIL: the program's output, once, and status 0: status %d, output %r" % (status, guest_out))
        bad.append("status")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
