#!/usr/bin/env python3
"""wi's DWARF line table against llvm-dwarfdump's, row for row.

usage: check_dwarfdump.py WI LLVM_DWARFDUMP MODULE.wasm

`wi inspect --lines` prints every row wi read (module offset, file:line:column, flags);
`llvm-dwarfdump --debug-line` prints the same program run by LLVM's reader (addresses relative to the
Code section payload, files as indices into each unit's file_names). Both must list the same rows, with
the same file paths (a file joined with its include directory unless that directory is the compilation
directory), except sequences wi drops on purpose: those a linker discarded (they start at a tombstone
address outside the Code section, or at 0 where no function can start).
"""
import re
import subprocess
import sys


def dwarfdump_rows(tool, module, code_start, code_size):
    out = subprocess.run([tool, "--debug-line", module], check=True, capture_output=True, text=True).stdout
    rows = []
    dirs, files, seq = {}, {}, []
    version = 4
    current_file = None
    for line in out.splitlines():
        if line.startswith("debug_line["):
            dirs, files, current_file = {}, {}, None
            continue
        m = re.match(r"\s+version: (\d+)", line)
        if m:
            version = int(m.group(1))
            if version < 5:
                dirs[0] = None  # the compilation directory
            continue
        m = re.match(r'include_directories\[\s*(\d+)\] = "(.*)"', line)
        if m:
            dirs[int(m.group(1))] = m.group(2)
            continue
        m = re.match(r"file_names\[\s*(\d+)\]:", line)
        if m:
            current_file = int(m.group(1))
            files[current_file] = {"name": "", "dir": 0}
            continue
        m = re.match(r'\s+name: "(.*)"', line)
        if m and current_file is not None:
            files[current_file]["name"] = m.group(1)
            continue
        m = re.match(r"\s+dir_index: (\d+)", line)
        if m and current_file is not None:
            files[current_file]["dir"] = int(m.group(1))
            continue
        m = re.match(r"0x([0-9a-f]{16})\s+(\d+)\s+(\d+)\s+(\d+)\s+\d+\s+\d+\s*(.*)$", line)
        if not m:
            continue
        addr, ln, col, fidx = int(m.group(1), 16), int(m.group(2)), int(m.group(3)), int(m.group(4))
        flags = m.group(5).split()
        f = files.get(fidx, {"name": f"<file {fidx}>", "dir": 0})
        name = f["name"]
        d = dirs.get(f["dir"]) if f["dir"] != 0 else None
        if d and not name.startswith("/"):
            name = d + name if d.endswith("/") else d + "/" + name
        seq.append((addr, name, ln, col, "is_stmt" in flags, "end_sequence" in flags))
        if "end_sequence" in flags:
            start = seq[0][0]
            if 0 < start < code_size and all(r[0] <= code_size for r in seq):
                rows.extend((code_start + r[0],) + r[1:] for r in seq)
            seq = []
    return rows


def wi_rows(wi, module):
    out = subprocess.run([wi, "inspect", "--lines", module], check=True, capture_output=True, text=True).stdout
    code_start = None
    rows = []
    for line in out.splitlines():
        m = re.match(r"line table: code section payload at 0x([0-9a-f]+)", line)
        if m:
            code_start = int(m.group(1), 16)
            continue
        m = re.match(r"  0x([0-9a-f]+) (.*):(\d+):(\d+)((?: is_stmt)?)((?: end_sequence)?)$", line)
        if m and code_start is not None:
            rows.append((int(m.group(1), 16), m.group(2), int(m.group(3)), int(m.group(4)), bool(m.group(5)),
                         bool(m.group(6))))
    return code_start, rows


def code_size(module):
    data = open(module, "rb").read()
    pos = 8
    def leb(p):
        v = shift = 0
        while True:
            b = data[p]
            p += 1
            v |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return v, p
    while pos < len(data):
        sid = data[pos]
        size, pos = leb(pos + 1)
        if sid == 10:
            return size
        pos += size
    return 0


def main():
    wi, tool, module = sys.argv[1:4]
    code_start, ours = wi_rows(wi, module)
    if code_start is None or not ours:
        print(f"{module}: wi read no line table")
        return 1
    theirs = dwarfdump_rows(tool, module, code_start, code_size(module))
    if sorted(ours) != sorted(theirs):
        a, b = set(ours), set(theirs)
        for r in sorted(a - b)[:10]:
            print("only wi:        ", r)
        for r in sorted(b - a)[:10]:
            print("only dwarfdump: ", r)
        print(f"{module}: {len(ours)} rows from wi, {len(theirs)} from llvm-dwarfdump: they differ")
        return 1
    files = {r[1] for r in ours}
    print(f"{module}: {len(ours)} rows in {len(files)} files agree with llvm-dwarfdump")
    return 0


if __name__ == "__main__":
    sys.exit(main())
