#!/usr/bin/env python3
"""The real LLDB's watchpoints against `wi exec PROG --gdb PORT` (docs/debugging.md): on prog.c built
with -g -O0, `watchpoint set variable counter` must stop the program after each write to counter
(square's `counter++`), in square at the line after the write (watchpoints report after the access),
with LLDB's old and new values; deleting it lets the program run to its exit status.

usage: gdb_lldb_watch.py WI PROG_WASM   exit 77 (skip) when lldb-22 is not installed.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402


def test(lldb, wi, prog):
    commands = [
        "watchpoint set variable counter",
        "continue",
        "frame variable x",
        "continue",
        "watchpoint list",
        # `watchpoint delete` without an id asks for confirmation, which -b cannot give.
        "watchpoint delete 1",
        "continue",
    ]
    out, status, guest_out = lldb_batch.session(lldb, wi, ["exec", prog], commands)
    expect = [
        (r"Watchpoint created: Watchpoint 1: addr = 0x[0-9a-f]+ size = 4 state = enabled", "watchpoint set on counter"),
        # First write: counter 0 -> 1 in square(1); the stop is after the store, at the next line.
        (r"Watchpoint 1 hit:\nold value: 0\nnew value: 1\n", "first hit: old value 0, new value 1"),
        (r"stop reason = watchpoint 1\s+frame #0: 0x4000000000[0-9a-f]{6} \S+`square\(x=1\) at prog\.c:11:",
         "first hit stops in square(x=1) at prog.c:11, after counter++ of line 10"),
        (r"\(lldb\) frame variable x\n\(int\) x = 1\n", "frame variable x = 1 at the hit"),
        (r"Watchpoint 1 hit:\nold value: 1\nnew value: 2\n", "second hit: old value 1, new value 2"),
        (r"stop reason = watchpoint 1\s+frame #0: .*`square\(x=2\) at prog\.c:11:", "second hit in square(x=2)"),
        (r"Number of supported hardware watchpoints: 64", "qWatchpointSupportInfo's count"),
        (r"Process 1 exited with status = %d " % status, "exit status %d reported" % status),
    ]
    also = []
    if len(re.findall(r"Watchpoint 1 hit:\nold value", out)) != 2:
        also.append("exactly two hits before the watchpoint is deleted")
    also += lldb_batch.ran_to_end(status, guest_out, "total 14 fib 5 counter 3 stepped")
    return lldb_batch.check_all(out, expect, also=also)


if __name__ == "__main__":
    lldb_batch.main(test)
