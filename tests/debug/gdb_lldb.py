#!/usr/bin/env python3
"""The real LLDB against `wi exec PROG --gdb PORT` (docs/debugging.md): a batch session on prog.c built
with -g -O0 must hit a file:line breakpoint, show a backtrace with function names and source lines,
show an int parameter's value, step over and continue to the program's exit status.

usage: gdb_lldb.py WI PROG_WASM [wi exec options...]   exit 77 (skip) when lldb-22 is not installed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402


def test(lldb, wi, prog, *extra):
    commands = [
        "breakpoint set --file prog.c --line 11",
        "continue",
        "bt",
        "frame variable",
        "continue",
        "frame variable",
        "next",
        "breakpoint disable",
        "continue",
    ]
    out, status, guest_out = lldb_batch.session(lldb, wi, ["exec", prog, *extra], commands)
    expect = [
        # The breakpoint by file:line, resolved in the module LLDB loaded from the library list.
        (r"Breakpoint 1: where = \S+`square \+ \d+ at prog\.c:11:", "breakpoint resolved at prog.c:11"),
        (r"stop reason = breakpoint 1\.1\s+frame #0: 0x4000000000[0-9a-f]{6} \S+`square\(x=1\) at prog\.c:11",
         "first hit in square(x=1) at prog.c:11"),
        # bt: square, then its caller main at the line of the call (then libc's or crt1's _start).
        (r"frame #0: .*`square\(x=1\) at prog\.c:11:\d+\s+frame #1: 0x[0-9a-f]+ \S+`main at prog\.c:18:\d+\s+frame #2:",
         "bt: square, main at prog.c:18, its caller"),
        (r"\(lldb\) frame variable\n\(int\) x = 1\n", "frame variable: x = 1"),
        (r"square\(x=2\) at prog\.c:11", "second hit with x = 2"),
        (r"\(lldb\) frame variable\n\(int\) x = 2\n", "frame variable: x = 2"),
        (r"\(lldb\) next\n.*\n.*stop reason = step over\s+frame #0: .*`main at prog\.c:18", "next returns to main:18"),
        (r"Process 1 exited with status = %d " % status, "exit status %d reported" % status),
    ]
    return lldb_batch.check_all(out, expect,
                                also=lldb_batch.ran_to_end(status, guest_out, "total 14 fib 5 counter 3 stepped"))


if __name__ == "__main__":
    lldb_batch.main(test)
