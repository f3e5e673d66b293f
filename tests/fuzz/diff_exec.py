#!/usr/bin/env python3
"""Differential execution fuzzer: random valid modules from binaryen, run under wi and under node (V8).

Usage:
  python3 tests/fuzz/diff_exec.py --wi build/host/wi --count N --seed S     # seeds S..S+N-1
  python3 tests/fuzz/diff_exec.py --wi build/host/wi --seed 1 --minutes 10  # as many as fit
  python3 tests/fuzz/diff_exec.py --wi build/host/wi --seed 1234 --count 1 --verbose   # replay one
  python3 tests/fuzz/diff_exec.py --wi build/host/wi --check M.wasm         # for wasm-reduce (below)
Needs wasm-opt (Debian's binaryen, version 108) and node; exits 77 (meson's "skipped") without them.
Exit status: 0 when nothing differed, 1 on any mismatch, 2 for bad usage.

What one seed does (everything derives from the seed, so a seed is a reproduction):
  1. `wasm-opt -ttf BYTES` turns seeded random bytes into a valid module. Features: the 2.0 core
     that both engines share, chosen per seed (sign-ext, mutable globals, nontrapping float-to-int
     and bulk memory always; SIMD and multi-value usually). Reference types are NOT enabled for
     execution: binaryen 108's fuzzer then types ref.func as `(ref $sig)` and treats funcref as a
     subtype of anyref (typed function references, which wi and node 20 both reject), so such
     modules are only used to compare accept/reject between the two decoders (about 1 seed in 8).
     Half the seeds also get `--denan` (binaryen rewrites every scalar float result that is a NaN
     to 0), some get an optimization level, for differently shaped code.
  2. Imports: -ttf modules import only `fuzzing-support.log-{i32,i64,f32,f64,v128}`. Rather than
     giving each engine its own host functions (wi exec provides only WASI to a plain module),
     diff_instrument.py rewrites the module so the logs become wasm functions folding their argument
     into a hash global; both engines then run the very same bytes with no imports, and the log
     values are compared exactly, not through two hosts' printing. See diff_instrument.py.
  3. Each exported function is called through an i32/i64-only wrapper (floats as bits, v128 as two
     i64 lanes) that appends the log hash, the log count and a hash of the mutable globals and all
     of memory. Each call gets a fresh instance (one `wi exec --invoke` process per call; node
     instantiates again per call), twice: all-zero arguments (as binaryen's own harness does) and
     seeded interesting/random arguments.
  4. wi runs each call with `--fuel` (instructions); node with a per-call timeout. wi also runs each
     call with `--trace=/dev/null` and without, through a wrapper that leaves memory out of the hash
     (a traced run costs ~1 us per instruction): tracing is a different translation and must not
     change results, traps or globals.
Comparison policy:
  - Results compare by bits, except NaNs: every NaN of an f32/f64 result (or a v128 result lane,
    read as f32x4 and as f64x2) is canonical before comparing, since WebAssembly lets arithmetic
    NaNs carry any payload and sign. The log and global hashes are canonicalized in wasm. Memory
    cannot be in wasm (its types are unknown): when only the memory hash differs, the driver reads
    both memories (node's export; wi's through `wi debug`, x/N after the run) and accepts the call
    when every differing byte lies in a 4- or 8-byte window that is a NaN in both (counted as
    "memory differing only in NaN payloads"); otherwise it is a mismatch of kind "memory".
  - Traps compare by kind: V8's messages and wi's are mapped to the spec's trap classes below.
  - Not compared (counted as skipped): wi running out of fuel, node timing out, and stack overflow
    in either engine (their depth limits are implementation limits that legitimately differ).
  - A mismatch this driver cannot explain away, though the spec allows it: a SIMD float op that
    makes a NaN (wi's canonical NaN is 0x7fc00000, V8's on x86 0xffc00000: both canonical), whose
    bytes a shuffle, swizzle or replace_lane then moves into lanes that are no longer NaNs, so no
    canonicalization can see them. Seed 701147 (log hash, func_7) reduced to f32x4.max of NaN
    inputs followed by i8x16.shuffle. A log or memory mismatch on a seed with SIMD enabled is worth
    a wasm-reduce before it is called a bug.
  - (Fixed.) Seed 881536 once gave a `trace` mismatch: f64.add of two NaNs with different
    payloads kept b's payload untraced (an accumulator handler) and a's traced (the plain one), as
    the compiler had ordered the operands of each handler's `a + b`. interp/numeric.h now pins the
    first operand's NaN, so a `trace` mismatch is a bug again.
On a mismatch the seed's files go to FINDINGS/seed-S/ (not committed) with repro.txt. To minimize:
  cd FINDINGS/seed-S && wasm-reduce raw.wasm --command="python3 PATH/diff_exec.py --wi WI --check t.wasm" \
     -t t.wasm -w reduced.wasm -to 20 -b /usr/bin --mvp-features FEATURES...
(-to: one check takes about a second, past wasm-reduce's default limit; -b: where wasm-opt is.)
(--check prints the kinds of mismatch a module shows, so wasm-reduce keeps candidates that show the
same ones; FEATURES are in repro.txt.)
"""
import argparse
import json
import os
import random
import selectors
import shutil
import struct
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import diff_instrument  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
NODE_SCRIPT = os.path.join(HERE, "diff_exec_node.mjs")
BASE_FEATURES = ["--mvp-features", "--enable-sign-ext", "--enable-mutable-globals",
                 "--enable-nontrapping-float-to-int", "--enable-bulk-memory"]

# Trap classes: (class, substrings of wi's message, substrings of V8's). The spec's undefined element
# (index outside the table) is V8's "table index is out of bounds"; V8 reports a null entry and a
# signature mismatch with one message, so those two spec traps share a class.
TRAP_CLASSES = [
    ("unreachable", ["unreachable"], ["unreachable"]),
    ("memory", ["out of bounds memory access"], ["memory access out of bounds", "data segment",
                                                  "out of bounds memory"]),
    ("table", ["out of bounds table access", "undefined element"],
     ["table index is out of bounds", "table access out of bounds", "element segment",
      "table initializer is out of bounds", "out of bounds table"]),
    ("indirect", ["uninitialized element", "indirect call type mismatch"],
     ["null function or function signature mismatch", "function signature mismatch",
      "null function"]),
    ("div0", ["integer divide by zero"], ["divide by zero", "remainder by zero"]),
    ("overflow", ["integer overflow"], ["divide result unrepresentable"]),
    ("conversion", ["invalid conversion to integer"], []),
    ("float-to-int", [], ["float unrepresentable in integer range"]),
    ("stack", ["call stack exhausted"], ["Maximum call stack size exceeded"]),
]
# The spec's trunc traps are "integer overflow" (out of range) and "invalid conversion to integer"
# (NaN); V8 reports both as one message, which therefore agrees with either of wi's. (wi's overflow of
# i32.div_s INT_MIN/-1 still needs V8's "divide result unrepresentable".)
TRAP_COMPATIBLE = {("overflow", "float-to-int"), ("conversion", "float-to-int")}


def trap_class(message, engine):
    for name, wi_texts, v8_texts in TRAP_CLASSES:
        if any(t in message for t in (wi_texts if engine == "wi" else v8_texts)):
            return name
    return "other(" + message + ")"


# ---- arguments ----

I32_SPECIAL = [0, 1, 2, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000, 0x80000001, 0xFFFFFFFE, 31, 32, 33, 64,
               0xFF, 0x100, 0xFFFF, 0x10000, 65535 * 16, 0x7FFF, 0x8000]
I64_SPECIAL = [0, 1, 0xFFFFFFFFFFFFFFFF, 0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFF,
               0x100000000, 63, 64, 65]
F32_SPECIAL = [0x00000000, 0x80000000, 0x3F800000, 0xBF800000, 0x7F800000, 0xFF800000, 0x7FC00000,
               0xFFC00000, 0x7FA00001, 0x00000001, 0x7F7FFFFF, 0x4F000000, 0xCF000000, 0x4EFFFFFF,
               0x5F000000, 0xDF000001, 0x3F000000, 0x3FC00000, 0x4F800000, 0xBF7FFFFF]
F64_SPECIAL = [0, 0x8000000000000000, 0x3FF0000000000000, 0xBFF0000000000000, 0x7FF0000000000000,
               0xFFF0000000000000, 0x7FF8000000000000, 0xFFF8000000000000, 0x7FF4000000000001, 1,
               0x7FEFFFFFFFFFFFFF, 0x41E0000000000000, 0xC1E0000000000000, 0x41DFFFFFFFC00000,
               0x43E0000000000000, 0xC3E0000000000000, 0x41EFFFFFFFE00000, 0x3FE0000000000000,
               0xC1E0000000200000, 0x4330000000000000]


def gen_value(rng, t):
    """Argument text(s) of the wrapper for one original parameter of type t."""
    pick = rng.random() < 0.6
    if t == "i32":
        return [str(rng.choice(I32_SPECIAL) if pick else rng.getrandbits(32))]
    if t == "i64":
        return [str(rng.choice(I64_SPECIAL) if pick else rng.getrandbits(64))]
    if t == "f32":
        return [str(rng.choice(F32_SPECIAL) if pick else rng.getrandbits(32))]
    if t == "f64":
        return [str(rng.choice(F64_SPECIAL) if pick else rng.getrandbits(64))]
    if t == "v128":
        return [str(rng.getrandbits(64)), str(rng.getrandbits(64))]
    return []  # references: the wrapper passes ref.null


def wrapper_types(types):
    out = []
    for t in types:
        if t in ("i32", "f32", "funcref", "externref"):
            out.append("i32")
        elif t in ("i64", "f64"):
            out.append("i64")
        elif t == "v128":
            out += ["i64", "i64"]
    return out


def make_calls(rng, wrappers):
    calls = []
    for w in wrappers:
        params = [p for p in w["params"] if p not in ("funcref", "externref")]
        argsets = [[a for p in params for a in (["0", "0"] if p == "v128" else ["0"])]]
        if params:
            argsets.append([a for p in params for a in gen_value(rng, p)])
        for args in argsets:
            calls.append({"export": w["export"], "light_export": w["light_export"], "name": w["name"],
                          "args": args,
                          "params": wrapper_types(params), "orig_results": w["results"],
                          "results": wrapper_types(w["results"]) + ["i64", "i32", "i64"]})
    return calls


# ---- NaN canonicalization of results ----

def canon_f32(bits):
    return 0x7FC00000 if (bits & 0x7F800000) == 0x7F800000 and bits & 0x7FFFFF else bits


def canon_f64(bits):
    nan = (bits & 0x7FF0000000000000) == 0x7FF0000000000000 and bits & 0xFFFFFFFFFFFFF
    return 0x7FF8000000000000 if nan else bits


def canon_v128(lo, hi):
    """The same rule as diff_instrument.canon_v128: f32x4 lanes first, then f64x2 lanes."""
    lanes = [canon_f32(x) for x in struct.unpack("<4I", struct.pack("<QQ", lo, hi))]
    lo, hi = struct.unpack("<QQ", struct.pack("<4I", *lanes))
    return canon_f64(lo), canon_f64(hi)


def canonical(call, values):
    """values: the wrapper's results as ints -> (original results canonical, log hash, log count, state)."""
    vals, i = [], 0
    for t in call["orig_results"]:
        if t == "v128":
            vals += list(canon_v128(values[i] % 2**64, values[i + 1] % 2**64))
            i += 2
            continue
        v = values[i]
        i += 1
        if t == "f32":
            v = canon_f32(v % 2**32)
        elif t == "f64":
            v = canon_f64(v % 2**64)
        vals.append(v)
    return vals, values[i], values[i + 1], values[i + 2]


# ---- running ----

def parse_values(lines):
    return [int(s.split(":", 1)[1]) for s in lines]


def run_wi(opts, module, call, trace=False, light=False):
    export = call["light_export" if light else "export"]
    cmd = [opts.wi, "exec", module, "--invoke", export, *call["args"], "--fuel", str(opts.fuel)]
    if trace:
        cmd.append("--trace=/dev/null")
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=opts.wi_timeout)
    except subprocess.TimeoutExpired:
        return ("hang",)
    if p.returncode == 0:
        try:
            return ("ok", parse_values(p.stdout.split()))
        except (ValueError, IndexError):
            return ("error", "unparsable output: " + p.stdout[:200])
    first = p.stderr.split("\n", 1)[0]
    if p.returncode == 134 and first.startswith("wi: trap: "):
        msg = first[len("wi: trap: "):]
        if msg == "fuel exhausted":
            return ("fuel",)
        return ("trap", trap_class(msg, "wi"), msg)
    return ("error", f"exit {p.returncode}: {p.stderr.strip()[:300]}")


def run_node(opts, module, calls, workdir):
    """Outcome per call; a call that does not finish within the timeout is ("timeout",)."""
    path = os.path.join(workdir, "calls.json")
    with open(path, "w") as f:
        json.dump(calls, f)
    outcomes = {}
    first = 0
    while True:  # at least once: with no calls, node still reports whether it compiles the module
        p = subprocess.Popen(["node", NODE_SCRIPT, module, path, str(first)], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        sel = selectors.DefaultSelector()
        sel.register(p.stdout, selectors.EVENT_READ)
        buf, current, lines = b"", None, []
        deadline = time.monotonic() + opts.node_timeout + 2  # start-up included
        done = False
        while not done:
            left = deadline - time.monotonic()
            if left <= 0 or not sel.select(left):
                break
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                done = True
                break
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                line = line.decode()
                if line.startswith("compile-error: "):
                    p.wait()
                    return {"compile-error": line}
                if line.startswith("call "):
                    current, lines = int(line[5:]), []
                elif line == "end":
                    outcomes[current] = node_outcome(lines)
                    first = current + 1
                    current = None
                    deadline = time.monotonic() + opts.node_timeout
                else:
                    lines.append(line)
        sel.close()
        if p.poll() is None:
            p.kill()
        p.wait()
        err = p.stderr.read().decode(errors="replace")
        p.stdout.close()
        p.stderr.close()
        if first < len(calls):
            # Killed by the deadline: that call hangs. Ended by itself: node died in (or before) it.
            outcomes[first] = ("error", "node died: " + err.strip()[-300:]) if done else ("timeout",)
            first += 1
        if first >= len(calls):
            return outcomes


def node_outcome(lines):
    if lines and lines[-1].startswith("memory "):
        return node_outcome(lines[:-1]) + (bytes.fromhex(lines[-1][7:]),)
    if len(lines) == 1 and lines[0].startswith("trap: "):
        msg = lines[0][6:]
        return ("trap", trap_class(msg, "v8"), msg)
    if len(lines) == 1 and lines[0].startswith("error: "):
        return ("error", lines[0])
    return ("ok", parse_values(lines))


def compare(call, a, b):
    """None when outcomes a (wi) and b agree, else the kind of mismatch."""
    if a[0] == "ok" and b[0] == "ok":
        ca, cb = canonical(call, a[1]), canonical(call, b[1])
        if ca[0] != cb[0]:
            return "result"
        if ca[1:3] != cb[1:3]:
            return "log"
        if ca[3] != cb[3]:
            return "memory"
        return None
    if a[0] == "trap" and b[0] == "trap":
        return None if a[1] == b[1] or (a[1], b[1]) in TRAP_COMPATIBLE else f"trap-kind({a[1]}/{b[1]})"
    return f"outcome({a[0]}/{b[0]})"


def wi_memory(opts, module, call, size):
    """wi's memory after the call, read with `wi debug` (x/N after the run ends), or None."""
    cmd = [opts.wi, "debug", module, "--invoke", call["light_export"], *call["args"], "--fuel", str(opts.fuel)]
    p = subprocess.run(cmd, input=f"continue\nx/{size} 0\n", capture_output=True, text=True,
                       timeout=opts.wi_timeout * 4)
    out = bytearray()
    for line in p.stdout.splitlines():
        # 0x00000000: 0d 80 ae 00 ... 00  |................|
        if line.startswith("0x") and ": " in line and int(line[:10], 16) == len(out):
            out += bytes.fromhex(line.split(": ", 1)[1].split("  |")[0])
    return bytes(out) if len(out) == size else None


def is_nan(b):
    if len(b) == 4:
        bits = struct.unpack("<I", b)[0]
        return (bits & 0x7F800000) == 0x7F800000 and bits & 0x7FFFFF
    bits = struct.unpack("<Q", b)[0]
    return (bits & 0x7FF0000000000000) == 0x7FF0000000000000 and bits & 0xFFFFFFFFFFFFF


def nan_explained(a, b):
    """Whether every byte where memories a and b differ lies in a 4- or 8-byte window that holds a NaN
    (f32 or f64) in both: a NaN payload that differs, which the spec allows. Greedy cover, left to
    right, taking at each uncovered byte the window reaching furthest. -> (explained, first unexplained)"""
    covered = -1
    for i in range(len(a)):
        if a[i] == b[i] or i <= covered:
            continue
        best = -1
        for width in (4, 8):
            for w in range(max(0, i - width + 1), i + 1):
                if w + width <= len(a) and is_nan(a[w:w + width]) and is_nan(b[w:w + width]):
                    best = max(best, w + width - 1)
        if best < 0:
            return False, i
        covered = best
    return True, None


def diagnose_memory(opts, module, call, workdir):
    """For a call whose memory hashes differ: None when only NaN payloads differ, else a description."""
    node = run_node(opts, module, [dict(call, export=call["light_export"], dump=True)], workdir).get(0)
    if not node or len(node) < 3:
        return "memory not compared (no exported memory, or node did not finish)"
    mine = wi_memory(opts, module, call, len(node[2]))
    if mine is None:
        return "memory not compared (wi debug did not dump it)"
    ok, at = nan_explained(mine, node[2])
    if ok:
        return None
    return f"first difference at 0x{at:x}: wi {mine[at:at + 8].hex()} node {node[2][at:at + 8].hex()}"


def skip_reason(a, b):
    for o in (a, b):
        if o[0] in ("fuel", "timeout"):
            return o[0]
        if o[0] == "trap" and o[1] == "stack":
            return "stack"
    return None


# ---- one seed ----

def generate(seed, workdir):
    """Seeded module generation -> (raw module path, wasm-opt flags, mode) or None if wasm-opt fails."""
    rng = random.Random(seed)
    data = rng.randbytes(rng.choice([rng.randrange(100, 2000), rng.randrange(2000, 30000)]))
    flags = list(BASE_FEATURES)
    mode = "exec"
    if rng.random() < 0.125:
        flags.append("--enable-reference-types")
        mode = "validity"
    if rng.random() < 0.75:
        flags.append("--enable-simd")
    if rng.random() < 0.75:
        flags.append("--enable-multivalue")
    if rng.random() < 0.5:
        flags.append("--denan")
    opt = rng.choice([None, None, None, "-O1", "-O2", "-O3", "-Os", "-Oz"])
    if opt:
        flags.append(opt)
    bin_path = os.path.join(workdir, "input.bin")
    raw = os.path.join(workdir, "raw.wasm")
    with open(bin_path, "wb") as f:
        f.write(data)
    p = subprocess.run(["wasm-opt", "-ttf", bin_path, *flags, "-o", raw], capture_output=True)
    if p.returncode != 0:
        return None
    return raw, flags, mode, rng


def wi_accepts(opts, module):
    p = subprocess.run([opts.wi, "exec", module, "--invoke", "diff$no-such-export"], capture_output=True,
                       text=True, timeout=opts.wi_timeout)
    # Exit 2 ("no exported function") comes after decoding and validation succeeded; 1 is a load error.
    if p.returncode not in (1, 2):
        return None, p.stderr
    return p.returncode == 2, p.stderr.strip()


def check_module(opts, raw, rng, workdir, stats):
    """Runs every comparison on one raw module -> list of (kind, detail)."""
    found = []
    try:
        # binaryen's hang limit (10) ends most calls after ten loop iterations or calls; a larger one,
        # per seed, runs more of the generated code (fuel and the timeout still bound every call).
        hang_limit = rng.choice([10, 100, 1000])
        data, wrappers = diff_instrument.instrument(open(raw, "rb").read(), hang_limit)
    except diff_instrument.Unsupported as e:
        # Not runnable as-is: the two decoders must at least agree on whether it is valid.
        stats["decode-only"] += 1
        wi_ok, wi_err = wi_accepts(opts, raw)
        node = run_node(opts, raw, [], workdir)
        node_ok = "compile-error" not in node
        stats["both-reject"] += not wi_ok and not node_ok
        if wi_ok is None:
            found.append(("wi-error", wi_err))
        elif wi_ok != node_ok:
            found.append(("validity", f"wi {'accepts' if wi_ok else 'rejects: ' + wi_err}; node "
                          f"{'accepts' if node_ok else 'rejects: ' + node.get('compile-error', '')}"
                          f" (not instrumented: {e})"))
        return found
    module = os.path.join(workdir, "instrumented.wasm")
    with open(module, "wb") as f:
        f.write(data)
    calls = make_calls(rng, wrappers)
    stats["modules"] += 1
    node = run_node(opts, module, calls, workdir)
    if "compile-error" in node:
        wi_ok, wi_err = wi_accepts(opts, module)
        if wi_ok:
            found.append(("validity", "node rejects what wi runs: " + node["compile-error"]))
        else:
            stats["both-reject"] += 1
        return found
    for n, call in enumerate(calls):
        stats["calls"] += 1
        a = run_wi(opts, module, call)
        label = f"{call['name']}({', '.join(call['args'])})"
        if a[0] in ("hang", "error"):
            found.append((f"wi-{a[0]}", label + ": " + (a[1] if len(a) > 1 else "")))
            continue
        if opts.trace and a[0] != "fuel":
            # Against the untraced run of the same (memory-less) wrapper; the traced translation has
            # other blocks, so fuel may run out at another point and fuel exhaustion is not compared.
            u = run_wi(opts, module, call, light=True)
            t = run_wi(opts, module, call, trace=True, light=True)
            if t[0] != "fuel" and u[0] != "fuel" and t != u:
                found.append(("trace", f"{label}: untraced {u}, traced {t}"))
        b = node.get(n, ("timeout",))
        why = skip_reason(a, b)
        if why:
            stats["skip-" + why] += 1
            continue
        if b[0] == "error":
            found.append(("node-error", f"{label}: {b[1]}"))
            continue
        kind = compare(call, a, b)
        if kind == "memory":
            why = diagnose_memory(opts, module, call, workdir)
            if why is None:
                stats["memory-nan"] += 1
                kind = None
            else:
                b = b + (why,)
        if kind:
            found.append((kind, f"{label}: wi {a}, node {b}"))
        else:
            stats["agree"] += 1
            if a[0] == "trap":
                stats["agree-trap"] += 1
            elif canonical(call, a[1])[2] > 0:
                stats["agree-logged"] += 1
    return found


def save_finding(opts, seed, workdir, flags, found):
    dest = os.path.join(opts.findings, f"seed-{seed}")
    if os.path.exists(dest):
        shutil.rmtree(dest)
    shutil.copytree(workdir, dest)
    with open(os.path.join(dest, "repro.txt"), "w") as f:
        f.write(f"python3 {os.path.abspath(__file__)} --wi {opts.wi} --seed {seed} --count 1 --verbose\n")
        f.write("wasm-opt flags: " + " ".join(flags) + "\n")
        for kind, detail in found:
            f.write(f"{kind}: {detail}\n")
    return dest


def check_only(opts):
    """--check: the mismatch kinds one module shows, one per line (stable output for wasm-reduce)."""
    stats = Stats()
    with tempfile.TemporaryDirectory() as workdir:
        found = check_module(opts, opts.check, random.Random(0), workdir, stats)
    kinds = sorted({k.split("(")[0] for k, _ in found})
    print("\n".join(kinds) if kinds else "agree")
    return 1 if kinds else 0


class Stats(dict):
    def __missing__(self, key):
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--wi", required=True, help="the wi binary")
    ap.add_argument("--seed", type=int, default=1, help="first seed")
    ap.add_argument("--count", type=int, default=20, help="number of seeds (modules)")
    ap.add_argument("--minutes", type=float, help="instead of --count: run seeds until this much time passed")
    ap.add_argument("--fuel", type=int, default=20_000_000, help="wi --fuel per call")
    ap.add_argument("--node-timeout", type=float, default=20.0, help="seconds per call under node")
    ap.add_argument("--wi-timeout", type=float, default=60.0, help="seconds after which wi is hung")
    ap.add_argument("--no-trace", dest="trace", action="store_false", help="skip the traced wi runs")
    ap.add_argument("--findings", default="diff-findings", help="where mismatching seeds are saved")
    ap.add_argument("--check", help="check this one module and print its mismatch kinds")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    for tool in ("wasm-opt", "node"):
        if not shutil.which(tool):
            print(f"diff_exec: {tool} not found: skipped", file=sys.stderr)
            return 77
    if not os.access(opts.wi, os.X_OK):
        print(f"diff_exec: --wi {opts.wi}: not an executable", file=sys.stderr)
        return 2
    opts.wi = os.path.abspath(opts.wi)
    if opts.check:
        return check_only(opts)

    stats, mismatches = Stats(), 0
    start = time.monotonic()
    seed = opts.seed
    while (time.monotonic() - start < opts.minutes * 60) if opts.minutes else seed < opts.seed + opts.count:
        with tempfile.TemporaryDirectory(prefix="diff-exec-") as workdir:
            gen = generate(seed, workdir)
            if gen is None:
                stats["gen-failed"] += 1
                seed += 1
                continue
            raw, flags, mode, rng = gen
            found = check_module(opts, raw, rng, workdir, stats)
            if opts.verbose:
                print(f"seed {seed}: {' '.join(flags[len(BASE_FEATURES):])}: "
                      f"{len(found)} mismatch(es)", flush=True)
            if found:
                mismatches += 1
                dest = save_finding(opts, seed, workdir, flags, found)
                print(f"MISMATCH seed {seed} ({dest}):", flush=True)
                for kind, detail in found[:10]:
                    print(f"  {kind}: {detail[:400]}", flush=True)
        seed += 1
    elapsed = time.monotonic() - start
    print(f"diff_exec: seeds {opts.seed}..{seed - 1} in {elapsed:.0f}s: {stats['modules']} modules run, "
          f"{stats['calls']} calls, {stats['agree']} agreed ({stats['agree-trap']} traps, "
          f"{stats['agree-logged']} returns that logged values, {stats['memory-nan']} with memory "
          f"differing only in NaN payloads), "
          f"skipped: fuel {stats['skip-fuel']}, timeout {stats['skip-timeout']}, stack "
          f"{stats['skip-stack']}; {stats['decode-only']} decode-only modules, {stats['both-reject']} "
          f"rejected by both, {stats['gen-failed']} not generated; {mismatches} mismatching seed(s)")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
