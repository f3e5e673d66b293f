#!/usr/bin/env python3
"""The real LLDB on the global variables of a linked program (docs/debugging.md, "Globals of linked
programs"): globals_main.c (wasmified without -fPIC) runs linked with globals_lib.wasm (--shared) and
libc.wasm, both with -g and their DWARF kept. The linker places each module's data at its own
__memory_base and moves the data addresses of the kept DWARF there (dyninfo custom_fixup); LLDB reads
the moved DWARF from the stub. So `p counter` (the program's), `p lib_counter` and `frame variable` of
a static array (the library's) show the values the program gave them, and watchpoints set by variable
name stop at the writes, in either module. With the DWARF left at link addresses LLDB reads other
bytes (zeros) and the watchpoints never fire.

Run on DWARF 4 (the data addresses are DW_OP_addr operands in .debug_info) and DWARF 5 (entries of
.debug_addr, named by DW_OP_addrx).

usage: gdb_lldb_globals.py WI MAIN_WASM LIB_WASM LIBC_WASM   exit 77 (skip) when lldb-22 is not installed.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402


def test(lldb, wi, prog, lib, libc):
    # Module names as LLDB shows them (the DWARF 4 and 5 builds differ).
    main_name, lib_name = (re.escape(os.path.basename(p)) for p in (prog, lib))
    sessions = lldb_batch.Sessions(lldb, wi, ["exec", prog, "--lib", lib, "--lib", libc], "counter 6 r 55")
    # The second call of lib_bump (by = 2), at its return: main has added 1 and 2 to counter, the
    # library 1 and 2 to lib_counter (5) and 1 to lib_table[1], 2 to lib_table[2].
    sessions.check([
        "breakpoint set --file globals_lib.c --line 10",
        "continue",
        "continue",
        "p counter",
        "p lib_counter",
        "frame variable lib_table",
        "image list",
        "breakpoint disable",
        "continue",
    ], [
        (r"stop reason = breakpoint 1\.1\s+frame #0: 0x40000001[0-9a-f]{8} " + lib_name + r"`"
         r"lib_bump\(by=2\) at globals_lib\.c:10", "the second stop is lib_bump(by=2) at globals_lib.c:10"),
        (r"\(lldb\) p counter\n\(int\) 3\n", "p counter: the program's global is 3"),
        (r"\(lldb\) p lib_counter\n\(int\) 8\n", "p lib_counter: the library's global is 8"),
        (r"\(lldb\) frame variable lib_table\n\(int\[4\]\) lib_table = \(\[0\] = 10, \[1\] = 21, \[2\] = 32, "
         r"\[3\] = 40\)\n", "frame variable lib_table: the library's static array as changed"),
        # Relocated modules are read through the stub, under a name below their file.
        (r"\[  0\] .*/%s/%s " % (main_name, main_name), "image list: the program, read from the stub"),
        (r"\[  1\] .*/%s/%s " % (lib_name, lib_name), "image list: the library, read from the stub"),
        (r"Process 1 exited with status = 0 ", "exit status 0 reported"),
    ])
    # Watchpoints by variable name, one per module, set in main before the loop's first write.
    sessions.check([
        "breakpoint set --file globals_main.c --line 13",
        "continue",
        "watchpoint set variable counter",
        "watchpoint set variable lib_counter",
        "breakpoint disable",
        "continue",
        "continue",
        "continue",
        "watchpoint delete 1 2",
        "continue",
    ], [
        (r"Watchpoint created: Watchpoint 1: addr = 0x[0-9a-f]+ size = 4", "watchpoint on counter"),
        (r"Watchpoint created: Watchpoint 2: addr = 0x[0-9a-f]+ size = 4", "watchpoint on lib_counter"),
        (r"Watchpoint 1 hit:\nold value: 0\nnew value: 1\n(.*\n)*?.*stop reason = watchpoint 1\s+"
         r"frame #0: .*" + main_name + r"`main at globals_main\.c:14",
         "counter 0 -> 1, stopped in main after the write"),
        (r"Watchpoint 2 hit:\nold value: 5\nnew value: 6\n(.*\n)*?.*stop reason = watchpoint 2\s+"
         r"frame #0: .*" + lib_name + r"`lib_bump\(by=1\) at globals_lib\.c:9",
         "lib_counter 5 -> 6, stopped in lib_bump after the write"),
        (r"Watchpoint 1 hit:\nold value: 1\nnew value: 3\n", "counter 1 -> 3 on the loop's second pass"),
        (r"Process 1 exited with status = 0 ", "exit status 0 reported"),
    ])
    return sessions.status


if __name__ == "__main__":
    lldb_batch.main(test)
