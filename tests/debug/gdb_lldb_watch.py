#!/usr/bin/env python3
"""The real LLDB's watchpoints against `wi exec PROG --gdb PORT` (docs/debugging.md): on prog.c built
with -g -O0, `watchpoint set variable counter` must stop the program after each write to counter
(square's `counter++`), in square at the line after the write (watchpoints report after the access),
with LLDB's old and new values; deleting it lets the program run to its exit status.

usage: gdb_lldb_watch.py WI PROG_WASM   exit 77 (skip) when lldb-22 is not installed.
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
            "watchpoint set variable counter",
            "continue",
            "frame variable x",
            "continue",
            "watchpoint list",
            # `watchpoint delete` without an id asks for confirmation, which -b cannot give.
            "watchpoint delete 1",
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
    bad = [what for pattern, what in expect if not re.search(pattern, out)]
    if len(re.findall(r"Watchpoint 1 hit:\nold value", out)) != 2:
        bad.append("exactly two hits before the watchpoint is deleted")
    for what in bad:
        print("FAIL:", what)
    if status != 0 or "total 14 fib 5 counter 3 stepped" not in guest_out:
        print("FAIL: the program did not run to its end: status %d, output %r" % (status, guest_out))
        bad.append("status")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
