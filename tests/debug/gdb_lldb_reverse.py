#!/usr/bin/env python3
"""The real LLDB's reverse continue against `wi exec PROG --gdb PORT` (docs/reverse.md): on prog.c built
with -g -O0, with a breakpoint on square, `process continue -R` from the second hit (x=2) must stop at
the first (x=1); `process continue -F` then reaches x=2 again (the replica hands over to the live run)
and `continue` x=3; without the breakpoint the program runs to its exit status, its output printed once.

usage: gdb_lldb_reverse.py WI PROG_WASM   exit 77 (skip) when lldb-22 is not installed.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402


def test(lldb, wi, prog):
    commands = [
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
    out, status, guest_out = lldb_batch.session(lldb, wi, ["exec", prog], commands)
    hit = r"stop reason = breakpoint 1\.1\s+frame #0: 0x[0-9a-f]+ \S+`square\(x=%d\) at prog\.c:10"
    expect = [
        (r"\(lldb\) process continue -R\n.*?" + hit % 1, "reverse continue from x=2 stops at x=1"),
        (r"\(lldb\) process continue -R\n(.|\n)*?\(lldb\) frame variable x\n\(int\) x = 1\n", "x = 1 there"),
        (r"\(lldb\) process continue -F\n(.|\n)*?" + hit % 2, "forward again: x=2 (the live run's stop)"),
        (r"\(lldb\) process continue -F\n(.|\n)*?\(lldb\) frame variable x\n\(int\) x = 2\n", "x = 2 there"),
        (r"\(int\) x = 2\n\(lldb\) continue\n(.|\n)*?" + hit % 3, "then the live run goes on to x=3"),
        (r"Process 1 exited with status = 0 ", "exit status 0 reported"),
    ]
    # `.` matches newlines too, except in the patterns that spell that out as (.|\n).
    expect = [(pattern, what, re.S if "(.|" not in pattern else 0) for pattern, what in expect]
    also = []
    if status != 0 or guest_out != "total 14 fib 5 counter 3 stepped\n":
        also.append("the program's output, once, and status 0: status %d, output %r" % (status, guest_out))
    return lldb_batch.check_all(out, expect, also=also)


if __name__ == "__main__":
    lldb_batch.main(test)
