# Turns a module from `wasm-opt -ttf` into a self-contained module that wi and node can both run with
# no imports, and whose every observable effect comes back as integer results. Owned here: the
# binary rewriting only (tests/fuzz/diff_exec.py drives the runs and compares).
#
# Policy:
# - The module's own code is never touched: only whole sections are edited, and function indices are
#   preserved, so what runs is exactly what binaryen generated.
# - binaryen's `fuzzing-support` log imports (log-i32/i64/f32/f64/v128) become defined functions that
#   fold their argument into a running hash global (and a count). A module may import only those
#   functions; anything else is refused (Unsupported), never guessed at.
#   Removing the k imported functions and prepending k defined ones keeps every function index the
#   same (imports come first in the index space), so no call, elem segment or ref.func is rewritten.
# - Every exported function F gets a wrapper export `diff$N` whose parameters and results are only
#   i32/i64 (JavaScript cannot pass or receive v128, and integers print exactly in both engines):
#   f32/f64 travel as their bits, v128 as two i64 lanes, references as ref.null in and ref.is_null out.
#   After F returns the wrapper appends the log hash, the log count and a hash of the state (every
#   mutable global, then all of linear memory, 8 bytes at a time). A second wrapper `difft$N` leaves
#   memory out of the hash: traced runs cost about a microsecond per instruction, and hashing a
#   megabyte of memory is a million of them.
# - NaN payloads are not deterministic in WebAssembly (spec 4.3.3: arithmetic NaNs may carry any
#   payload and sign), so the log functions and the global hash canonicalize NaNs before hashing:
#   scalars by "x != x", v128 lane-wise as f32x4 then f64x2. Memory cannot be canonicalized (its
#   types are unknown); the driver treats a difference seen only in the memory hash accordingly.
import struct

P = 0x100000001B3          # FNV-1a 64 prime: h = (h ^ v) * P per folded word
OFFSET = 0xCBF29CE484222325
I32, I64, F32, F64, V128, FUNCREF, EXTERNREF = 0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F
TYPE_NAMES = {I32: "i32", I64: "i64", F32: "f32", F64: "f64", V128: "v128", FUNCREF: "funcref",
              EXTERNREF: "externref"}
LOG_TAGS = {"log-i32": 1, "log-i64": 2, "log-f32": 3, "log-f64": 4, "log-v128": 5}


class Unsupported(Exception):
    """The module uses something the instrumentation does not handle (reported, not a mismatch)."""


def uleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def sleb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if (n == 0 and not b & 0x40) or (n == -1 and b & 0x40):
            out.append(b)
            return bytes(out)
        out.append(b | 0x80)


def i64const(v):
    v &= (1 << 64) - 1
    return b"\x42" + sleb(v - (1 << 64) if v >= 1 << 63 else v)


class Reader:
    def __init__(self, data, pos=0):
        self.d, self.p = data, pos

    def byte(self):
        b = self.d[self.p]
        self.p += 1
        return b

    def uleb(self):
        n = shift = 0
        while True:
            b = self.byte()
            n |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return n

    def bytes(self, n):
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def name(self):
        return self.bytes(self.uleb()).decode("utf-8")

    def limits(self):
        flags = self.byte()
        self.uleb()
        if flags & 1:
            self.uleb()

    def const_expr(self):
        """Skips a constant expression through its `end` (the opcodes a 2.0 constant may use)."""
        while True:
            op = self.byte()
            if op == 0x0B:
                return
            if op in (0x41, 0x42, 0x23, 0xD2):
                self.uleb()  # the sign does not matter for skipping
            elif op == 0x43:
                self.p += 4
            elif op == 0x44:
                self.p += 8
            elif op == 0xD0:
                self.byte()
            elif op == 0xFD and self.uleb() == 12:
                self.p += 16
            else:
                raise Unsupported(f"constant expression opcode 0x{op:02x}")


def sections(data):
    if data[:8] != b"\0asm\1\0\0\0":
        raise Unsupported("not a wasm 1 binary")
    r = Reader(data, 8)
    out = []
    while r.p < len(data):
        sid = r.byte()
        size = r.uleb()
        out.append((sid, r.bytes(size)))
    return out


def vec(items):
    return uleb(len(items)) + b"".join(items)


def section(sid, body):
    return bytes([sid]) + uleb(len(body)) + body


class Module:
    """The parts of a module the instrumentation reads."""

    def __init__(self, data):
        self.secs = sections(data)
        self.types = []           # [(params, results)] as lists of valtype bytes
        self.imports = []         # [(module, field, typeidx)] function imports only
        self.func_types = []      # typeidx of each defined function
        self.globals = []         # [(valtype, mutable)] of defined globals
        self.exports = []         # [(name, kind, index)]
        self.has_memory = False
        for sid, body in self.secs:
            r = Reader(body)
            if sid == 1:
                for _ in range(r.uleb()):
                    if r.byte() != 0x60:
                        raise Unsupported("non-function type")
                    params = list(r.bytes(r.uleb()))
                    results = list(r.bytes(r.uleb()))
                    self.types.append((params, results))
            elif sid == 2:
                for _ in range(r.uleb()):
                    mod, field, kind = r.name(), r.name(), r.byte()
                    if kind != 0 or mod != "fuzzing-support" or field not in LOG_TAGS:
                        raise Unsupported(f"import {mod}.{field} (kind {kind})")
                    self.imports.append((mod, field, r.uleb()))
            elif sid == 3:
                self.func_types = [r.uleb() for _ in range(r.uleb())]
            elif sid == 5:
                self.has_memory = r.uleb() > 0
            elif sid == 6:
                self.global_inits = []  # (start, end) of each init expression in the section body
                for _ in range(r.uleb()):
                    t, mut = r.byte(), r.byte()
                    start = r.p
                    r.const_expr()
                    self.globals.append((t, mut == 1))
                    self.global_inits.append((start, r.p))
            elif sid == 7:
                for _ in range(r.uleb()):
                    name, kind, idx = r.name(), r.byte(), r.uleb()
                    self.exports.append((name, kind, idx))
            elif sid == 10:
                self.bodies = []
                for _ in range(r.uleb()):
                    size = r.uleb()
                    self.bodies.append(r.bytes(size))

    def hang_limit_global(self):
        """The global binaryen's exported hangLimitInitializer sets to 10 (`i32.const 10; global.set G`,
        nothing else), or None."""
        for name, kind, idx in self.exports:
            if name == "hangLimitInitializer" and kind == 0 and idx >= len(self.imports):
                body = self.bodies[idx - len(self.imports)]
                if body[:3] == b"\x00\x41\x0a" and body[3] == 0x24 and body[-1] == 0x0B:
                    g = Reader(body, 4).uleb()
                    start, end = self.global_inits[g]
                    if self.globals[g] == (I32, True):
                        return g
        return None

    def func_type(self, idx):
        if idx < len(self.imports):
            return self.types[self.imports[idx][2]]
        return self.types[self.func_types[idx - len(self.imports)]]


def lowered(t):
    """What a wrapper takes or returns for one value of type t (refs take nothing, return i32)."""
    if t in (I32, FUNCREF, EXTERNREF):
        return [I32]
    if t in (I64,):
        return [I64]
    if t == F32:
        return [I32]
    if t == F64:
        return [I64]
    if t == V128:
        return [I64, I64]
    raise Unsupported(f"value type 0x{t:02x}")


def canon_v128(scratch):
    """v128 on the stack -> the same with every NaN lane (f32x4, then f64x2) made canonical, using the
    v128 local `scratch`."""
    out = bytearray()
    s = uleb(scratch)
    for canon, eq in ((0x7FC00000, 65), (0x7FF8000000000000, 71)):  # f32x4.eq / f64x2.eq
        # bitselect(v, canon, eq(v, v)): lanes equal to themselves keep their bits.
        lanes = struct.pack("<4I", *([canon] * 4)) if canon < 1 << 32 else struct.pack("<2Q", canon, canon)
        out += b"\x21" + s                         # local.set scratch
        out += b"\x20" + s + b"\xfd\x0c" + lanes   # v, canon
        out += b"\x20" + s + b"\x20" + s + b"\xfd" + uleb(eq)  # eq(v, v)
        out += b"\xfd" + uleb(82)                 # v128.bitselect
    return bytes(out)


def fold(value_code):
    """global.set $lh ((lh ^ value) * P), value_code pushing an i64."""
    return b"\x23" + uleb(LH) + value_code + b"\x85" + i64const(P) + b"\x7e" + b"\x24" + uleb(LH)


LH = LC = 0  # indices of the log-hash and log-count globals, set by instrument()


def log_body(field):
    tag = fold(i64const(LOG_TAGS[field]))
    if field == "log-i32":
        val = fold(b"\x20\x00\xad")  # i64.extend_i32_u
        locals_ = b"\x00"
    elif field == "log-i64":
        val = fold(b"\x20\x00")
        locals_ = b"\x00"
    elif field == "log-f32":
        # select(bits, canonical, x == x)
        val = fold(b"\x20\x00\xbc\x41" + sleb(0x7FC00000) + b"\x20\x00\x20\x00\x5b\x1b\xad")
        locals_ = b"\x00"
    elif field == "log-f64":
        val = fold(b"\x20\x00\xbd" + i64const(0x7FF8000000000000) + b"\x20\x00\x20\x00\x61\x1b")
        locals_ = b"\x00"
    else:  # log-v128: the parameter is local 0; canonicalize in place, then fold both lanes
        val = b"\x20\x00" + canon_v128(0) + b"\x21\x00"
        val += fold(b"\x20\x00\xfd" + uleb(29) + b"\x00") + fold(b"\x20\x00\xfd" + uleb(29) + b"\x01")
        locals_ = b"\x00"
    count = b"\x23" + uleb(LC) + b"\x41\x01\x6a\x24" + uleb(LC)
    return locals_ + tag + val + count + b"\x0b"


def state_body(m, first_global, memory=True):
    """() -> i64: every mutable global (NaNs canonical), then (if `memory`) memory 8 bytes at a time."""
    # locals: 0 i32 (address), 1 i32 (end), 2 i64 (hash), 3 v128 (scratch)
    code = bytearray(i64const(OFFSET) + b"\x21\x02")

    def mix(push_i64):
        code.extend(b"\x20\x02" + push_i64 + b"\x85" + i64const(P) + b"\x7e\x21\x02")

    for g, (t, mut) in enumerate(m.globals[:first_global]):
        if not mut:
            continue
        get = b"\x23" + uleb(g)
        if t == I32:
            mix(get + b"\xad")
        elif t == I64:
            mix(get)
        elif t == F32:
            mix(get + b"\xbc\x41" + sleb(0x7FC00000) + get + get + b"\x5b\x1b\xad")
        elif t == F64:
            mix(get + b"\xbd" + i64const(0x7FF8000000000000) + get + get + b"\x61\x1b")
        elif t == V128:
            code.extend(get + canon_v128(3) + b"\x21\x03")
            mix(b"\x20\x03\xfd" + uleb(29) + b"\x00")
            mix(b"\x20\x03\xfd" + uleb(29) + b"\x01")
        else:
            mix(get + b"\xd1\xad")
    if m.has_memory and memory:
        code += b"\x3f\x00\x41\x10\x74\x21\x01"            # end = memory.size << 16
        code += b"\x02\x40\x03\x40"                          # block loop
        code += b"\x20\x00\x20\x01\x4f\x0d\x01"              # br_if 1 (addr >= end)
        mix(b"\x20\x00\x29\x03\x00")                         # i64.load align=8
        code += b"\x20\x00\x41\x08\x6a\x21\x00\x0c\x00"      # addr += 8; br 0
        code += b"\x0b\x0b"
    code += b"\x20\x02\x0b"
    return b"\x03\x02\x7f\x01\x7e\x01\x7b" + bytes(code)


def wrapper_body(m, func_idx, state_idx):
    params, results = m.func_type(func_idx)
    code = bytearray()
    arg = 0
    for t in params:
        if t in (FUNCREF, EXTERNREF):
            code += bytes([0xD0, t])
            continue
        if t == V128:
            code += b"\x20" + uleb(arg) + b"\xfd" + uleb(18)                       # i64x2.splat
            code += b"\x20" + uleb(arg + 1) + b"\xfd" + uleb(30) + b"\x01"         # replace_lane 1
            arg += 2
            continue
        code += b"\x20" + uleb(arg)
        code += {I32: b"", I64: b"", F32: b"\xbe", F64: b"\xbf"}[t]
        arg += 1
    code += b"\x10" + uleb(func_idx)
    # Results land in locals (one per result, declared in its own type), last first.
    nparams = arg
    local_decls = [b"\x01" + bytes([t]) for t in results]
    for i in reversed(range(len(results))):
        code += b"\x21" + uleb(nparams + i)
    for i, t in enumerate(results):
        get = b"\x20" + uleb(nparams + i)
        if t == V128:
            code += get + b"\xfd" + uleb(29) + b"\x00" + get + b"\xfd" + uleb(29) + b"\x01"
        elif t in (FUNCREF, EXTERNREF):
            code += get + b"\xd1"
        else:
            code += get + {I32: b"", I64: b"", F32: b"\xbc", F64: b"\xbd"}[t]
    code += b"\x23" + uleb(LH) + b"\x23" + uleb(LC) + b"\x10" + uleb(state_idx) + b"\x0b"
    return uleb(len(local_decls)) + b"".join(local_decls) + bytes(code)


def functype(params, results):
    return b"\x60" + vec([bytes([t]) for t in params]) + vec([bytes([t]) for t in results])


def instrument(data, hang_limit=None):
    """Returns (module bytes, [wrapper]) where each wrapper is a dict: export (the wrapper's name),
    name (the original export), params (original param type names), results (original result type
    names). Raises Unsupported for modules it cannot make self-contained.
    hang_limit: the initial value of binaryen's hang-limit global (binaryen's is 10: each loop
    iteration and call decrements it and the code bails out at 0), to let calls run longer."""
    global LH, LC
    m = Module(data)
    nimp = len(m.imports)
    ndef = len(m.func_types)
    first_global = len(m.globals)
    LH, LC = first_global, first_global + 1
    types = list(m.types)

    def type_index(params, results):
        if (params, results) not in types:
            types.append((params, results))
        return types.index((params, results))

    # Function index space: the former imports 0..k-1 are now the first defined functions.
    new_funcs_front = [imp[2] for imp in m.imports]
    front_bodies = [log_body(imp[1]) for imp in m.imports]
    state_idx = nimp + ndef
    back_types = [type_index([], [I64])] * 2
    back_bodies = [state_body(m, first_global), state_body(m, first_global, memory=False)]
    wrappers = []
    new_exports = []
    for name, kind, idx in m.exports:
        if kind != 0:
            continue
        params, results = m.func_type(idx)
        lp = [x for t in params if t not in (FUNCREF, EXTERNREF) for x in lowered(t)]
        lr = [x for t in results for x in lowered(t)] + [I64, I32, I64]
        names = []
        for prefix, state in (("diff$", state_idx), ("difft$", state_idx + 1)):
            back_types.append(type_index(lp, lr))
            back_bodies.append(wrapper_body(m, idx, state))
            names.append(f"{prefix}{len(wrappers)}")
            new_exports.append(uleb(len(names[-1])) + names[-1].encode() + b"\x00" +
                               uleb(state_idx + len(back_bodies) - 1))
        wrappers.append({"export": names[0], "light_export": names[1], "name": name, "params": [TYPE_NAMES[t] for t in params],
                         "results": [TYPE_NAMES[t] for t in results]})

    out = bytearray(b"\0asm\1\0\0\0")
    seen = set()
    for sid, body in m.secs:
        seen.add(sid)
        r = Reader(body)
        if sid == 1:
            continue  # written before the import section position below
        if sid == 2:
            continue  # every import became a defined function
        if sid == 3:
            out += section(3, vec([uleb(t) for t in new_funcs_front + m.func_types + back_types]))
            continue
        if sid == 6:
            g = m.hang_limit_global() if hang_limit is not None else None
            if g is not None:
                start, end = m.global_inits[g]
                body = body[:start] + b"\x41" + sleb(hang_limit) + b"\x0b" + body[end:]
            n = r.uleb()
            rest = body[r.p:]
            body = uleb(n + 2) + rest + b"\x7e\x01" + i64const(OFFSET) + b"\x0b" + b"\x7f\x01\x41\x00\x0b"
        elif sid == 7:
            n = r.uleb()
            body = uleb(n + len(new_exports)) + body[r.p:] + b"".join(new_exports)
        elif sid == 10:
            n = r.uleb()
            codes = [uleb(len(b)) + b for b in front_bodies]
            tail = [uleb(len(b)) + b for b in back_bodies]
            body = uleb(n + len(codes) + len(tail)) + b"".join(codes) + body[r.p:] + b"".join(tail)
        elif sid == 0:
            continue  # custom sections (names) could describe the removed imports: dropped
        out += section(sid, body)
    if 3 not in seen or 10 not in seen or 7 not in seen or 6 not in seen:
        raise Unsupported("module lacks a function, global, export or code section")
    # The type section goes first: rebuild the output with it in front.
    type_sec = section(1, vec([functype(p, r) for p, r in types]))
    return bytes(out[:8]) + type_sec + bytes(out[8:]), wrappers
