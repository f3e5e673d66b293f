#!/usr/bin/env python3
"""The real LLDB reading variables that live on the wasm operand stack (docs/debugging.md,
qWasmStackValue): stackval.c built with -O2 -g keeps r, scaled and sum there (DW_OP_WASM_location 2,
checked with llvm-dwarfdump when it is given, so the test cannot pass on variables moved to locals).
`frame variable` must show each one's value where it is on the stack: r, the only entry; scaled, the
bottom entry under a call's result (after `finish` out of the call); sum.

usage: gdb_lldb_stack.py WI STACKVAL_WASM [LLVM_DWARFDUMP]   exit 77 (skip) without lldb-22.
"""
import re
import shutil
import subprocess
import sys

TIMEOUT = 60


def dwarf_premise(dwarfdump, prog):
    """Each variable the test reads has a stack location somewhere in its location list."""
    out = subprocess.run([dwarfdump, "--debug-info", "--name=r", "--name=scaled", "--name=sum", prog],
                         capture_output=True, text=True, timeout=TIMEOUT).stdout
    blocks = re.split(r"\n(?=0x[0-9a-f]+:\s+DW_TAG_)", out)
    bad = []
    for name in ["r", "scaled", "sum"]:
        block = [b for b in blocks if '("%s")' % name in b]
        if not block or "DW_OP_WASM_location 0x2" not in block[0]:
            bad.append("premise: %s is not on the operand stack in the DWARF" % name)
    return bad


def main():
    lldb = shutil.which("lldb-22")
    if not lldb:
        print("lldb-22 is not installed: skipped")
        return 77
    wi, prog = sys.argv[1], sys.argv[2]
    bad = dwarf_premise(sys.argv[3], prog) if len(sys.argv) > 3 else []
    proc = subprocess.Popen([wi, "exec", prog, "--gdb", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stderr.readline()
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            print("no port in:", line)
            return 1
        commands = [
            "process connect --plugin wasm connect://127.0.0.1:%s" % m.group(1),
            "breakpoint set --file stackval.c --line 17",
            "continue",
            "frame variable",
            "breakpoint set --name produce",
            "continue",  # produce(13), called by across
            "finish",
            "frame variable",
            "breakpoint set --file stackval.c --line 24",
            "continue",
            "frame variable",
            "breakpoint delete -f",
            "continue",
        ]
        args = [lldb, "-b", "--no-lldbinit"]
        for c in commands:
            args += ["-o", c]
        out = subprocess.run(args, capture_output=True, text=True, timeout=TIMEOUT).stdout
        status = proc.wait(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        print("timed out")
        return 1
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    print(out)
    expect = [
        (r"`between\(n=4\) at stackval\.c:17:\d+.*?\(lldb\) frame variable\n\(int\) n = 4\n\(int\) r = 13\n",
         "between at line 17: r = 13, from the stack"),
        (r"stop reason = step out\s+frame #0: 0x[0-9a-f]+ \S+`across\(b=13\) at stackval\.c:23:\d+", "finish returns to across"),
        (r"\(lldb\) finish\n.*?\(lldb\) frame variable\n\(int\) b = 13\n\(int\) scaled = 28\n",
         "back from produce: scaled = 28, the bottom of the stack"),
        (r"`across\(b=13\) at stackval\.c:24:\d+.*?\(lldb\) frame variable\n\(int\) b = 13\n.*\n\(int\) sum = 68\n",
         "across at line 24: sum = 68, from the stack"),
        (r"Process 1 exited with status = 0 ", "the program ends with status 0"),
    ]
    bad += [what for pattern, what in expect if not re.search(pattern, out, re.S)]
    for what in bad:
        print("FAIL:", what)
    if status != 0:
        print("FAIL: wi exited %d" % status)
        bad.append("status")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
