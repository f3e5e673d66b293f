#!/usr/bin/env python3
"""Generates interp/regop_table.inc, the one list of register ops, from the ISA tables.

Run by meson at build time (interp/meson.build) and by scripts/fuzz.sh:
    gen_isa.py --src interp/ --out BUILD/interp/regop_table.inc

What it owns. The tables say which ops exist, one row each: regops.def (control, memory, tables,
with each op's operand layout and flow), numeric.def, simd.def, fused.def (rows of a family),
acc.def (accumulator rows of single ops), pairs.def and triples.def (fused dispatches). The
*families* below say what one row of a family becomes: its register ops, their enumerators, listing
names and operand layouts, and their accumulator rows. Nothing else spells a family out, so the
enum (regop.h), the names and layouts (regop_info.h), the accumulator lists and the pair and triple
rows cannot disagree about which op is which: every C++ user expands this file.

What it checks, with the table's file and line: every row's macro is one its table has; every
layout token is one of LAYOUT_TOKENS (a variable tail only last); every flow is one of FLOWS; no
enumerator twice; every op a row names exists; an op's accumulator rows stand together; a pair's
head and a triple's first two ops are of fixed length and go on to the next instruction (flow next
or branch: after a jump or a call what follows never runs in the same dispatch). The checks that
need the layouts' slot kinds stay in C++ static_asserts (regop.cc), where the executor's reading of
a layout is.

Output rows, in RegOp order (ops, then accumulator forms, then pairs, then triples):
    WI_ISA_OP(Enum, "listing name", "layout", flow)
    WI_ISA_ACC(Base, Unit, Writes)           WI_ISA_ACC_WRITER(Base)   WI_ISA_ACC_PASSER(Op)
    WI_ISA_PAIR(Head, Tail)                  WI_ISA_TRIPLE(A, B, C, F1, F2)
"""
import argparse
import re
import sys
from pathlib import Path

# How control leaves an op (regops.def explains each).
FLOWS = ("next", "branch", "jump", "call")
# Operand layout tokens (regops.def explains the encoding): slots, immediates, indices and counts,
# and the two variable tails, which only end a layout.
VARIABLE_TAILS = {"rel*(n+1)", "s*n"}
LAYOUT_TOKENS = {
    "d", "s", "a", "b", "c", "v", "val", "i", "init",  # slots
    "i32", "i64", "v128", "k", "offset", "lane", "rel", "n",  # immediates, displacements, counts
    "idx", "base", "table", "type", "tag", "mem", "dst_mem", "src_mem", "elem_idx", "table_idx",
    "dst_idx", "src_idx",  # indices into the instance, and a call's argument base
} | VARIABLE_TAILS

# A row of a family becomes these ops, in this order: (enumerator prefix, listing name, layout).
# `{}` is the row's name. Loads and stores: regops.def's comment above WI_LOAD explains the forms.
LOAD_FORMS = [
    ("L_", "load.{}", "d a offset"),
    ("LI_", "load.{}+imm", "d a i32 offset"),
    ("LR_", "load.{}+add", "d a b offset"),
    ("LA_", "load.{}@", "d i32 offset"),
    ("LS_", "load.{}+shl", "d a b i32 offset"),
]
STORE_FORMS = [
    ("S_", "store.{}", "a s offset"),
    ("SI_", "store.{}+imm", "a i32 s offset"),
    ("SR_", "store.{}+add", "a b s offset"),
    ("SA_", "store.{}@", "i32 s offset"),
    ("SS_", "store.{}+shl", "a b i32 s offset"),
    ("K_", "storek.{}", "a k offset"),
    ("KI_", "storek.{}+imm", "a i32 k offset"),
    ("KR_", "storek.{}+add", "a b k offset"),
    ("KA_", "storek.{}@", "i32 k offset"),
]
# The immediate of an op whose right operand is a constant, by the operand's type.
IMMEDIATE_OF = {"I32": "i32", "F32": "i32", "I64": "i64", "F64": "i64"}

# Accumulator rows of a family's ops (acc.def explains them): (prefix, unit, writes) for each
# WI_ACC row, prefixes for writers and passers. The order of the WI_ACC rows is the enum's.
LOAD_ACC = [("L_", 2, 1), ("LI_", 2, 1), ("LR_", 2, 1), ("LR_", 3, 1), ("LS_", 2, 1), ("LS_", 3, 1)]
LOAD_WRITERS = ["LA_"]  # a constant address reads no slot
# A store reads its value, or its address; a store of a constant (K_, KI_) its address.
STORE_ACC = [("S_", 2, 0), ("S_", 1, 0), ("SI_", 3, 0), ("SI_", 1, 0), ("SA_", 2, 0), ("K_", 1, 0), ("KI_", 1, 0)]
STORE_PASSERS = ["S_", "SI_", "SR_", "SA_", "SS_", "K_", "KI_", "KR_", "KA_"]
NUMERIC_UN_ACC = [("N_", 2, 1)]
NUMERIC_BIN_ACC = [("N_", 2, 1), ("N_", 3, 1), ("NI_", 2, 1)]
FUSE_ACC = [("BrT_", 1, 0), ("BrT_", 2, 0), ("BrTI_", 1, 0), ("BrF_", 1, 0), ("BrF_", 2, 0), ("BrFI_", 1, 0)]
FUSE_PASSERS = ["BrT_", "BrTI_", "BrF_", "BrFI_"]

PAIR_FORMS = 4  # regop.h's kPairForms


class TableError(Exception):
    pass


class Row:
    def __init__(self, macro, args, where):
        self.macro, self.args, self.where = macro, args, where


def split_args(text):
    """The top-level comma-separated arguments of a macro call's text (inside its parentheses)."""
    args, depth, cur, quote = [], 0, "", False
    for ch in text:
        if ch == '"':
            quote = not quote
        elif not quote and ch in "([{":
            depth += 1
        elif not quote and ch in ")]}":
            depth -= 1
        if ch == "," and depth == 0 and not quote:
            args.append(cur.strip())
            cur = ""
        else:
            cur += ch
    args.append(cur.strip())
    return args


ROW_START = re.compile(r"^(WI_[A-Z0-9_]+)\(")


def read_rows(path, macros):
    """The rows of `path`, each with its arguments and where it is: a row starts a line with one of
    `macros` (preprocessor lines and comments are skipped; a line starting with another WI_ macro
    call is an error)."""
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        m = ROW_START.match(line)
        if not m:
            continue
        if m.group(1) not in macros:
            # A misspelt row would otherwise vanish from the ISA without a word.
            raise TableError(f"{path.name}:{number}: unknown row {m.group(1)} (this table has "
                             f"{', '.join(sorted(macros))})")
        # The call's text up to its closing parenthesis (rows are one line each).
        depth, end = 0, None
        for i in range(m.end() - 1, len(line)):
            if line[i] == "(":
                depth += 1
            elif line[i] == ")":
                depth -= 1
                if depth == 0:
                    end = i
                    break
        where = f"{path.name}:{number}"
        if end is None:
            raise TableError(f"{where}: {m.group(1)} row does not close on its line")
        rows.append(Row(m.group(1), split_args(line[m.end():end]), where))
    return rows


def unquote(text, where):
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise TableError(f"{where}: expected a quoted operand layout, found {text}")
    return text[1:-1]


def check_layout(layout, where):
    tokens = layout.split()
    for i, tok in enumerate(tokens):
        if tok not in LAYOUT_TOKENS:
            raise TableError(f"{where}: unknown operand token '{tok}' in layout \"{layout}\" "
                             f"(known: {' '.join(sorted(LAYOUT_TOKENS))})")
        if tok in VARIABLE_TAILS and i != len(tokens) - 1:
            raise TableError(f"{where}: '{tok}' must end the layout \"{layout}\"")
        if tokens.count(tok) > 1 and tok not in {"d", "s"}:  # Copy2 "d s d s" repeats its pair
            raise TableError(f"{where}: operand '{tok}' twice in layout \"{layout}\"")


def fixed_length(layout):
    return not any(tok in VARIABLE_TAILS for tok in layout.split())


class Isa:
    def __init__(self):
        self.ops = []  # (enum, listing, layout, flow, where)
        self.index = {}
        self.acc = []  # (base, unit, writes, where)
        self.writers = []  # (op, where)
        self.passers = []
        self.pairs = []  # (head, tail, where)
        self.triples = []  # (a, b, c, f1, f2, where)

    def add_op(self, enum, listing, layout, flow, where):
        check_layout(layout, where)
        if flow not in FLOWS:
            raise TableError(f"{where}: flow '{flow}' of {enum} is not one of {', '.join(FLOWS)}")
        if enum in self.index:
            raise TableError(f"{where}: {enum} is already defined at {self.ops[self.index[enum]][4]}")
        self.index[enum] = len(self.ops)
        self.ops.append((enum, listing, layout, flow, where))

    def op(self, name, where, what):
        if name not in self.index:
            raise TableError(f"{where}: {what} {name} is no register op")
        return self.ops[self.index[name]]


def read_simd_shapes(path):
    """simd.def's row shapes and their layouts, from its own `#define WI_V_X(...) WI_SIMD(name, "...")`
    lines (the one place they are written)."""
    shapes = {}
    pattern = re.compile(r'^#define (WI_V_[A-Z_]+)\(.*\) WI_SIMD\(name, "([^"]*)"\)')
    for line in path.read_text().splitlines():
        m = pattern.match(line)
        if m:
            shapes[m.group(1)] = m.group(2)
    if not shapes:
        raise TableError(f"{path.name}: no `#define WI_V_...(...) WI_SIMD(name, \"...\")` shape lines")
    return shapes


def build(src):
    isa = Isa()
    # Ops, in enum order: regops.def, numeric.def, simd.def, fused.def.
    regops = read_rows(src / "regops.def", {"WI_REGOP", "WI_LOAD", "WI_STORE"})
    for row in regops:
        name = row.args[0]
        if row.macro == "WI_REGOP":
            if len(row.args) != 3:
                raise TableError(f"{row.where}: WI_REGOP(Name, \"operands\", flow) takes 3 arguments")
            isa.add_op(name, name, unquote(row.args[1], row.where), row.args[2], row.where)
        else:
            for prefix, listing, layout in LOAD_FORMS if row.macro == "WI_LOAD" else STORE_FORMS:
                isa.add_op(prefix + name, listing.format(name), layout, "next", row.where)
    numeric = read_rows(src / "numeric.def", {"WI_UN", "WI_UN_T", "WI_BIN", "WI_BIN_T"})
    for row in numeric:
        name, operand = row.args[0], row.args[2]
        if operand not in IMMEDIATE_OF:
            raise TableError(f"{row.where}: operand type {operand} is not one of {', '.join(IMMEDIATE_OF)}")
        if row.macro.startswith("WI_UN"):
            isa.add_op("N_" + name, name, "d a", "next", row.where)
        else:
            isa.add_op("N_" + name, name, "d a b", "next", row.where)
            isa.add_op("NI_" + name, name + "_imm", "d a " + IMMEDIATE_OF[operand], "next", row.where)
    shapes = read_simd_shapes(src / "simd.def")
    for row in read_rows(src / "simd.def", set(shapes)):
        isa.add_op("V_" + row.args[0], row.args[0], shapes[row.macro], "next", row.where)
    fused = read_rows(src / "fused.def", {"WI_FUSE"})
    for row in fused:
        name, operand = row.args
        if operand not in IMMEDIATE_OF:
            raise TableError(f"{row.where}: operand type {operand} is not one of {', '.join(IMMEDIATE_OF)}")
        imm = f"a {IMMEDIATE_OF[operand]} rel"
        for prefix, layout in (("BrT_", "a b rel"), ("BrTI_", imm), ("BrF_", "a b rel"), ("BrFI_", imm)):
            isa.add_op(prefix + name, prefix + name, layout, "branch", row.where)

    # Accumulator rows: acc.def's own, then the families' (regops.def, numeric.def, fused.def).
    def acc(base, unit, writes, where):
        isa.op(base, where, "accumulator form of")
        isa.acc.append((base, unit, writes, where))

    for row in read_rows(src / "acc.def", {"WI_ACC", "WI_ACC_WRITER", "WI_ACC_PASSER"}):
        if row.macro == "WI_ACC":
            acc(row.args[0], int(row.args[1]), int(row.args[2]), row.where)
        else:
            isa.op(row.args[0], row.where, "listed op")
            (isa.writers if row.macro == "WI_ACC_WRITER" else isa.passers).append(row.args[0])
    for row in regops:
        name = row.args[0]
        if row.macro == "WI_REGOP":
            continue
        if row.macro == "WI_LOAD":
            isa.writers += [p + name for p in LOAD_WRITERS]
            for prefix, unit, writes in LOAD_ACC:
                acc(prefix + name, unit, writes, row.where)
        else:
            for prefix, unit, writes in STORE_ACC:
                acc(prefix + name, unit, writes, row.where)
            isa.passers += [p + name for p in STORE_PASSERS]
    for row in numeric:
        for prefix, unit, writes in NUMERIC_UN_ACC if row.macro.startswith("WI_UN") else NUMERIC_BIN_ACC:
            acc(prefix + row.args[0], unit, writes, row.where)
    for row in fused:
        for prefix, unit, writes in FUSE_ACC:
            acc(prefix + row.args[0], unit, writes, row.where)
        isa.passers += [p + row.args[0] for p in FUSE_PASSERS]

    # An op's accumulator rows stand together (accumulator.cc counts them as one run).
    seen = {}
    for i, (base, _, _, where) in enumerate(isa.acc):
        if base in seen and seen[base] != i - 1:
            raise TableError(f"{where}: the accumulator rows of {base} must stand together "
                             f"(another is at {isa.acc[seen[base]][3]})")
        seen[base] = i

    # Pairs and triples: their heads, and a triple's middle op, must go on to the next instruction.
    def head(name, where, what):
        enum, _, layout, flow, _ = isa.op(name, where, what)
        if not fixed_length(layout):
            raise TableError(f"{where}: {what} {enum} has operands of variable length")
        if flow not in ("next", "branch"):
            raise TableError(f"{where}: {what} {enum} never goes on to the next instruction in the same "
                             f"dispatch (flow {flow}), so what follows it would never run fused")

    for row in read_rows(src / "pairs.def", {"WI_PAIR"}):
        a, b = row.args
        head(a, row.where, "pair head")
        isa.op(b, row.where, "pair tail")
        isa.pairs.append((a, b, row.where))
    for row in read_rows(src / "triples.def", {"WI_TRIPLE"}):
        a, b, c, f1, f2 = row.args
        head(a, row.where, "triple head")
        head(b, row.where, "triple middle")
        isa.op(c, row.where, "triple tail")
        for f in (f1, f2):
            if not f.isdigit() or int(f) >= PAIR_FORMS:
                raise TableError(f"{row.where}: triple form {f} is not 0 to {PAIR_FORMS - 1}")
        isa.triples.append((a, b, c, int(f1), int(f2), row.where))
    return isa


def render(isa, sources):
    out = [
        "// Generated by interp/gen_isa.py from " + ", ".join(sources) + ": do not edit.",
        "// Every register op in RegOp order (ops, accumulator forms, pairs, triples); the includer",
        "// defines the row macros it uses, the others expand to nothing, and all are undefined at the end.",
    ]
    macros = {
        "WI_ISA_OP": "(e, name, layout, flow)",
        "WI_ISA_ACC": "(base, unit, writes)",
        "WI_ISA_ACC_WRITER": "(base)",
        "WI_ISA_ACC_PASSER": "(op)",
        "WI_ISA_PAIR": "(head, tail)",
        "WI_ISA_TRIPLE": "(a, b, c, f1, f2)",
    }
    for macro, params in macros.items():
        out += [f"#ifndef {macro}", f"#define {macro}{params}", "#endif"]
    out += [f'WI_ISA_OP({e}, "{listing}", "{layout}", {flow})' for e, listing, layout, flow, _ in isa.ops]
    out += [f"WI_ISA_ACC({b}, {u}, {w})" for b, u, w, _ in isa.acc]
    out += [f"WI_ISA_ACC_WRITER({w})" for w in isa.writers]
    out += [f"WI_ISA_ACC_PASSER({p})" for p in isa.passers]
    out += [f"WI_ISA_PAIR({a}, {b})" for a, b, _ in isa.pairs]
    out += [f"WI_ISA_TRIPLE({a}, {b}, {c}, {f1}, {f2})" for a, b, c, f1, f2, _ in isa.triples]
    out += [f"#undef {macro}" for macro in macros]
    return "\n".join(out) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", required=True, type=Path, help="the directory holding the tables (interp/)")
    parser.add_argument("--out", required=True, type=Path, help="the file to write")
    args = parser.parse_args()
    try:
        isa = build(args.src)
    except TableError as e:
        print(f"gen_isa: {e}", file=sys.stderr)
        return 1
    text = render(isa, ["regops.def", "numeric.def", "simd.def", "fused.def", "acc.def", "pairs.def",
                        "triples.def"])
    args.out.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
