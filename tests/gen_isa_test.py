#!/usr/bin/env python3
"""interp/gen_isa.py against the real tables and against broken copies of them.

usage: gen_isa_test.py SOURCE_ROOT GENERATED_TABLE

The real tables must give exactly the regop_table.inc the build compiled (so the file under test is
the one in use). Each broken copy (one table edited as a developer might get it wrong) must make the
generator exit non-zero with one line naming the table, the row's line and what is wrong, and write
nothing usable.
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TABLES = ["regops.def", "numeric.def", "simd.def", "fused.def", "acc.def", "pairs.def", "triples.def"]

# (what, table, old text, new text, what the error must say)
BROKEN = [
    ("an unknown layout token", "regops.def", 'WI_REGOP(Copy, "d s", next)', 'WI_REGOP(Copy, "d src", next)',
     "regops.def:{line}: unknown operand token 'src'"),
    ("a variable tail in the middle", "regops.def", 'WI_REGOP(Return, "n s*n", jump)',
     'WI_REGOP(Return, "s*n n", jump)', "regops.def:{line}: 's*n' must end the layout"),
    ("an unknown flow", "regops.def", 'WI_REGOP(Br, "rel", jump)', 'WI_REGOP(Br, "rel", goto)',
     "regops.def:{line}: flow 'goto' of Br is not one of next, branch, jump, call"),
    ("a row without its flow", "regops.def", 'WI_REGOP(Copy128, "d s", next)', 'WI_REGOP(Copy128, "d s")',
     "regops.def:{line}: WI_REGOP(Name, \"operands\", flow) takes 3 arguments"),
    ("an op defined twice", "regops.def", 'WI_REGOP(Copy128, "d s", next)',
     'WI_REGOP(Copy128, "d s", next)\nWI_REGOP(Copy128, "d s", next)', "is already defined at regops.def:"),
    ("a pair of an op that does not exist", "pairs.def", "WI_PAIR(NI_I32ShrU, NI_I32And)",
     "WI_PAIR(NI_I32ShrU, NI_I32Andd)", "pairs.def:{line}: pair tail NI_I32Andd is no register op"),
    ("a pair headed by a jump", "pairs.def", "WI_PAIR(NI_I32ShrU, NI_I32And)", "WI_PAIR(Br, NI_I32And)",
     "pairs.def:{line}: pair head Br never goes on to the next instruction"),
    ("a pair headed by a call", "pairs.def", "WI_PAIR(NI_I32ShrU, NI_I32And)", "WI_PAIR(Call, NI_I32And)",
     "pairs.def:{line}: pair head Call never goes on to the next instruction"),
    ("a triple whose middle op returns", "triples.def", "WI_TRIPLE(NI_I32Add, L_I32Load8U, BrIfEqz, 0, 1)",
     "WI_TRIPLE(NI_I32Add, Return1, BrIfEqz, 0, 1)", "triples.def:{line}: triple middle Return1 never goes on"),
    ("a triple form out of range", "triples.def", "WI_TRIPLE(NI_I32Add, L_I32Load8U, BrIfEqz, 0, 1)",
     "WI_TRIPLE(NI_I32Add, L_I32Load8U, BrIfEqz, 0, 4)", "triples.def:{line}: triple form 4 is not 0 to 3"),
    ("an accumulator form of no op", "acc.def", "WI_ACC(Copy, 2, 1)", "WI_ACC(Cpy, 2, 1)",
     "acc.def:{line}: accumulator form of Cpy is no register op"),
    ("accumulator rows of an op apart", "acc.def", "WI_ACC(Select, 4, 1)",
     "WI_ACC(Select, 4, 1)\nWI_ACC(Copy, 3, 1)", "acc.def:{line1}: the accumulator rows of Copy must stand together"),
    ("a numeric row of an unknown type", "numeric.def", "WI_BIN(I32Eq, I32, I32, a == b)",
     "WI_BIN(I32Eq, I32, I31, a == b)", "numeric.def:{line}: operand type I31 is not one of"),
    ("a misspelt row", "regops.def", "WI_LOAD(I32Load8S, i32, int8_t, int32_t)",
     "WI_LAOD(I32Load8S, i32, int8_t, int32_t)", "regops.def:{line}: unknown row WI_LAOD"),
    ("a row that does not close", "fused.def", "WI_FUSE(I32Eq, I32)", "WI_FUSE(I32Eq, I32",
     "fused.def:{line}: WI_FUSE row does not close on its line"),
]


def run(gen, src, out):
    return subprocess.run([sys.executable, str(gen), "--src", str(src), "--out", str(out)], capture_output=True,
                          text=True)


def main():
    root, generated = Path(sys.argv[1]), Path(sys.argv[2])
    gen = root / "interp" / "gen_isa.py"
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out = tmp / "regop_table.inc"
        r = run(gen, root / "interp", out)
        if r.returncode != 0 or out.read_text() != generated.read_text():
            print(f"FAIL the real tables: exit {r.returncode}, {r.stderr.strip()}; output equals the build's: "
                  f"{out.exists() and out.read_text() == generated.read_text()}")
            failures += 1
        else:
            print("ok   the real tables give the build's regop_table.inc")
        for what, table, old, new, expected in BROKEN:
            src = tmp / "src"
            shutil.rmtree(src, ignore_errors=True)
            src.mkdir()
            for t in TABLES:
                shutil.copy(root / "interp" / t, src / t)
            text = (src / table).read_text()
            if text.count(old) != 1:
                print(f"FAIL {what}: '{old}' is not in {table} once (the test needs updating)")
                failures += 1
                continue
            line = text[: text.index(old)].count("\n") + 1
            (src / table).write_text(text.replace(old, new))
            bad_out = tmp / "bad.inc"
            bad_out.unlink(missing_ok=True)
            r = run(gen, src, bad_out)
            message = expected.format(line=line, line1=line + 1)
            lines = r.stderr.strip().splitlines()
            if r.returncode == 0 or len(lines) != 1 or message not in lines[0] or bad_out.exists():
                print(f"FAIL {what}: exit {r.returncode}, stderr {r.stderr.strip()!r}, expected {message!r}")
                failures += 1
            else:
                print(f"ok   {what}: {lines[0]}")
    print(f"gen_isa: {len(BROKEN) + 1 - failures} passed, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
