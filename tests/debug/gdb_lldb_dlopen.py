#!/usr/bin/env python3
"""The real LLDB on a library loaded by dlopen while the program runs (docs/debugging.md, "Libraries
loaded at run time"): dlopen_main.c dlopen()s dlopen_plugin.wasm, which LLDB does not know when it
connects. A breakpoint set by file and line in the plugin is pending; the stub's library stop makes
LLDB load the plugin and bind it, then resume by itself, so `continue` stops in the plugin: in
plugin_scale with its parameter's value and a backtrace through both modules, and in its constructor
(the library stop comes before constructors run). A third session loads the plugin by a guest path
(--dir DIR::/sandbox), which LLDB cannot open on the host: it reads the module, DWARF included,
through the stub's `m` packets. Each session continues to the program's exit.

usage: gdb_lldb_dlopen.py WI MAIN_WASM LIBC_WASM   (the plugin lies beside MAIN_WASM)
exit 77 (skip) when lldb-22 is not installed.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402

# main(argc, argv) as the name section and DWARF call it.
MAIN = r"__main_argc_argv\(argc=1, argv=0x[0-9a-f]+\)"


def test(lldb, wi, prog, libc):
    sessions = lldb_batch.Sessions(lldb, wi, ["exec", prog, "--lib", libc], "plugin_scale(6) = 26")
    # A function of the plugin: line 11 of dlopen_plugin.c, after `tripled` is computed.
    sessions.check([
        "breakpoint set --file dlopen_plugin.c --line 11",
        "continue",
        "bt",
        "frame variable",
        "image list",
        "continue",
    ], [
        (r"Breakpoint 1: no locations \(pending\)", "the breakpoint is pending before the dlopen"),
        (r"1 location added to breakpoint 1", "the library stop binds it in the new module"),
        (r"stop reason = breakpoint 1\.1\s+frame #0: 0x40000002[0-9a-f]{8} dlopen_plugin\.wasm`"
         r"plugin_scale\(factor=6\) at dlopen_plugin\.c:11:", "stops in plugin_scale(factor=6) at dlopen_plugin.c:11"),
        # bt: the plugin's frame (module 2), then main's (module 0) at the call through the pointer.
        (r"\(lldb\) bt\n.*\n\s+\* frame #0: 0x40000002[0-9a-f]{8} dlopen_plugin\.wasm`plugin_scale\(factor=6\) "
         r"at dlopen_plugin\.c:11:\d+\n\s+frame #1: 0x40000000[0-9a-f]{8} dlopen_main\.wasm`" + MAIN + r" at dlopen_main\.c:16:",
         "bt: plugin_scale in the plugin, then main at dlopen_main.c:16"),
        (r"\(lldb\) frame variable\n\(int\) factor = 6\n\(int\) tripled = 18\n", "frame variable: factor = 6, tripled = 18"),
        (r"\[  2\] .*dlopen_plugin\.wasm", "image list shows the plugin as module 2"),
        (r"Process 1 exited with status = 0 ", "exit status 0 reported"),
    ])
    # The plugin's constructor: it runs inside dlopen, after the library stop.
    sessions.check([
        "breakpoint set --file dlopen_plugin.c --line 7",
        "continue",
        "bt",
        "continue",
    ], [
        (r"Breakpoint 1: no locations \(pending\)", "the constructor's breakpoint is pending"),
        (r"stop reason = breakpoint 1\.1\s+frame #0: 0x40000002[0-9a-f]{8} dlopen_plugin\.wasm`plugin_init "
         r"at dlopen_plugin\.c:7:", "stops in the constructor plugin_init at dlopen_plugin.c:7"),
        (r"frame #0: .*`plugin_init .*\n\s+frame #1: 0x40000000[0-9a-f]{8} dlopen_main\.wasm`" + MAIN +
         r" at dlopen_main\.c:10:",
         "bt: plugin_init, then main at its dlopen call (dlopen_main.c:10)"),
        (r"Process 1 exited with status = 0 ", "exit status 0 reported"),
    ])
    # A guest path: the library list names /sandbox/dlopen_plugin.wasm, no file on the host.
    plugin_dir = os.path.dirname(os.path.abspath(prog))
    sessions.check([
        "breakpoint set --file dlopen_plugin.c --line 11",
        "continue",
        "frame variable factor",
        "image list",
        "continue",
    ], [
        (r"stop reason = breakpoint 1\.1\s+frame #0: 0x40000002[0-9a-f]{8} dlopen_plugin\.wasm`"
         r"plugin_scale\(factor=6\) at dlopen_plugin\.c:11:", "by guest path: stops at dlopen_plugin.c:11"),
        (r"\(lldb\) frame variable factor\n\(int\) factor = 6\n", "by guest path: factor = 6"),
        (r"\[  2\] .*/sandbox/dlopen_plugin\.wasm", "image list shows the guest path"),
        (r"Process 1 exited with status = 0 ", "exit status 0 reported"),
    ], after=["--dir", plugin_dir + "::/sandbox", "--", "/sandbox/dlopen_plugin.wasm"])
    return sessions.status


if __name__ == "__main__":
    lldb_batch.main(test)
