#!/usr/bin/env python3
"""The real LLDB reading variables that live on the wasm operand stack (docs/debugging.md,
qWasmStackValue): stackval.c built with -O2 -g keeps r, scaled and sum there (DW_OP_WASM_location 2,
checked with llvm-dwarfdump when it is given, so the test cannot pass on variables moved to locals).
`frame variable` must show each one's value where it is on the stack: r, the only entry; scaled, the
bottom entry under a call's result (after `finish` out of the call); sum.

usage: gdb_lldb_stack.py WI STACKVAL_WASM [LLVM_DWARFDUMP]   exit 77 (skip) without lldb-22.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402


def dwarf_premise(dwarfdump, prog):
    """Each variable the test reads has a stack location somewhere in its location list."""
    out = subprocess.run([dwarfdump, "--debug-info", "--name=r", "--name=scaled", "--name=sum", prog],
                         capture_output=True, text=True, timeout=lldb_batch.TIMEOUT).stdout
    blocks = re.split(r"\n(?=0x[0-9a-f]+:\s+DW_TAG_)", out)
    bad = []
    for name in ["r", "scaled", "sum"]:
        block = [b for b in blocks if '("%s")' % name in b]
        if not block or "DW_OP_WASM_location 0x2" not in block[0]:
            bad.append("premise: %s is not on the operand stack in the DWARF" % name)
    return bad


def test(lldb, wi, prog, dwarfdump=None):
    bad = dwarf_premise(dwarfdump, prog) if dwarfdump is not None else []
    commands = [
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
    out, status, _ = lldb_batch.session(lldb, wi, ["exec", prog], commands)
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
    if status != 0:
        bad.append("wi exited %d" % status)
    return lldb_batch.check_all(out, expect, re.S, also=bad)


if __name__ == "__main__":
    lldb_batch.main(test)
