#!/usr/bin/env python3
"""Checks `wi exec --trace` against `wasm-objdump -d`: every instruction line the trace has for MODULE
names an offset where objdump lists an instruction, in the same function, with the same mnemonic; and
where both print an immediate the same way (locals, globals, branch labels, call indices; with
--consts also i32/i64.const values, which a linked module's relocations change) the immediates agree.
Also checks that each traced function's first instruction was traced (the trace sees function entry).

usage: check_objdump.py [--consts] WI OBJDUMP MODULE [wi exec arguments...]
(the wi exec arguments include --trace=FILE; the trace is read from FILE.)"""
import re
import subprocess
import sys

args = sys.argv[1:]
consts = False
if args and args[0] == "--consts":
    consts = True
    args = args[1:]
wi, objdump, module, *exec_args = args
trace_file = next(a.split("=", 1)[1] for a in exec_args if a.startswith("--trace="))
module_name = module.rsplit("/", 1)[-1]

# objdump: "00002d func[0] <fac>:" then " 00002e: 20 00    | local.get 0"; long instructions continue
# on lines with no text.
listing = {}  # offset -> (function, text)
first = {}  # function -> offset of its first instruction
func = None
out = subprocess.run([objdump, "-d", module], check=True, capture_output=True, text=True).stdout
for line in out.splitlines():
    m = re.match(r"^[0-9a-f]+ func\[(\d+)\](?: <(.*)>)?:$", line)
    if m:
        func = m.group(2) or "func[%s]" % m.group(1)
        continue
    m = re.match(r"^ ([0-9a-f]+):[0-9a-f ]*\|(.*)$", line)
    if not m or func is None:
        continue
    text = m.group(2).strip()
    if not text or text.startswith("local["):
        continue
    off = int(m.group(1), 16)
    listing[off] = (func, text)
    first.setdefault(func, off)
if not listing:
    sys.exit("no instructions in wasm-objdump -d %s" % module)

run = subprocess.run([wi, "exec", *exec_args], capture_output=True, text=True)
if run.returncode not in (0, 134):
    sys.exit("wi exec failed (%d): %s" % (run.returncode, run.stderr))

IMMEDIATE = {"local.get", "local.set", "local.tee", "global.get", "global.set", "br", "br_if", "call"}
errors = []
checked = 0
seen = set()
traced_funcs = set()
line_re = re.compile(r"^(\d+) (\S+)\+0x([0-9a-f]+) (\S+): (.*)$")
with open(trace_file) as f:
    for line in f:
        m = line_re.match(line.rstrip("\n"))
        # A module run alone is named by the path wi exec was given; a linked one by its file name.
        if not m or m.group(2) not in (module, module_name):
            continue
        off = int(m.group(3), 16)
        fn = m.group(4)
        words = m.group(5).split(" [")[0].split()
        checked += 1
        seen.add(off)
        traced_funcs.add(fn)
        if off not in listing:
            errors.append("0x%x (%s %s): not an instruction offset in objdump" % (off, fn, words[0]))
            continue
        ofn, otext = listing[off]
        owords = otext.split()
        if ofn != fn or owords[0] != words[0]:
            errors.append("0x%x: trace says %s %s, objdump %s %s" % (off, fn, words[0], ofn, owords[0]))
            continue
        op = words[0]
        if op in IMMEDIATE and words[1:2] != owords[1:2]:
            errors.append("0x%x: %s immediate %s, objdump %s" % (off, op, words[1:2], owords[1:2]))
        if consts and op in ("i32.const", "i64.const"):
            bits = 32 if op == "i32.const" else 64
            if int(words[1]) % (1 << bits) != int(owords[1]) % (1 << bits):
                errors.append("0x%x: %s %s, objdump %s" % (off, op, words[1], owords[1]))

for fn in sorted(traced_funcs):
    if fn in first and first[fn] not in seen:
        errors.append("%s: its first instruction (0x%x) was never traced" % (fn, first[fn]))
if checked == 0:
    errors.append("no trace lines for %s" % module_name)
for e in errors[:20]:
    print(e)
print("%s: %d traced instructions in %d functions checked against wasm-objdump -d (%d distinct offsets), %d errors"
      % (module_name, checked, len(traced_funcs), len(seen), len(errors)))
sys.exit(1 if errors else 0)
