#!/usr/bin/env python3
"""The real LLDB against `wi exec PROG --gdb PORT` (docs/debugging.md): a batch session on prog.c built
with -g -O0 must hit a file:line breakpoint, show a backtrace with function names and source lines,
show an int parameter's value, step over and continue to the program's exit status.

usage: gdb_lldb.py WI PROG_WASM [wi exec options...]   exit 77 (skip) when lldb-22 is not installed.
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
    wi, prog, extra = sys.argv[1], sys.argv[2], sys.argv[3:]
    proc = subprocess.Popen([wi, "exec", prog, *extra, "--gdb", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            print("no port in:", line)
            return 1
        commands = [
            "process connect --plugin wasm connect://127.0.0.1:%s" % m.group(1),
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
    bad = [what for pattern, what in expect if not re.search(pattern, out)]
    for what in bad:
        print("FAIL:", what)
    if status != 0 or "total 14 fib 5 counter 3 stepped" not in guest_out:
        print("FAIL: the program did not run to its end: status %d, output %r" % (status, guest_out))
        bad.append("status")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
