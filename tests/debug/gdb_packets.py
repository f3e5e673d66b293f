#!/usr/bin/env python3
"""Packet-level test of `wi exec --gdb` and `wi debug --gdb` (host/gdb/): hostile and malformed input gets an error or the
empty reply and leaves the stub serving; stepping, breakpoints, wasm locals and globals, memory
reads and writes, operand stack values (an innermost frame's and a caller's), interrupting a running guest and killing it behave as LLDB's wasm plugin expects.

usage: gdb_packets.py WI SPIN_WASM [DLOPEN_MAIN LIBC_WASM]
  SPIN_WASM: gdb_spin.wat built; its export spin never returns. DLOPEN_MAIN (dlopen_main.c, its plugin
  beside it) run with LIBC_WASM: the library stop of a dlopen, at the packet level.
"""
import os
import random
import re
import socket
import struct
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402

TIMEOUT = 20
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def checksum(body):
    return "%02x" % (sum(body) & 0xFF)


class Client:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)
        self.buf = b""
        self.ack = True

    def raw(self, data):
        self.s.sendall(data)

    def read_byte(self):
        while not self.buf:
            chunk = self.s.recv(65536)
            if not chunk:
                raise EOFError("stub closed the connection")
            self.buf += chunk
        b, self.buf = self.buf[:1], self.buf[1:]
        return b

    def read_reply(self):
        """The next packet body; acks before it are skipped (and counted)."""
        self.acks = b""
        while True:
            b = self.read_byte()
            if b == b"$":
                break
            self.acks += b
        body = b""
        while True:
            b = self.read_byte()
            if b == b"#":
                break
            body += b
        cs = self.read_byte() + self.read_byte()
        check(cs.decode() == checksum(body), "reply checksum of %r" % body[:40])
        if self.ack:
            self.raw(b"+")
        return body.decode("latin-1")

    def send(self, body):
        data = body.encode("latin-1")
        self.raw(b"$" + data + b"#" + checksum(data).encode())

    def ask(self, body):
        self.send(body)
        return self.read_reply()


def le(hexstr):
    return int.from_bytes(bytes.fromhex(hexstr), "little")


def watchpoints(c):
    """Z2/Z3/Z4 on the guest's memory: spin stores i at 0x9000 and loads 0x9004 on every iteration."""
    check(c.ask("qWatchpointSupportInfo:") == "num:64;", "qWatchpointSupportInfo says 64")
    # Hostile and malformed: errors, never a crash or a hang.
    for p in ["Z2,9000,0", "Z2,9000,100000", "Z2,9000,1001", "Z2,9000,ffffffffffffffff", "Z2,fffe,4",
              "Z2,ffffffffffffffff,4", "Z2,4000000000009000,4", "Z2,8000000000009000,4", "Z2,0500000000009000,4",
              "Z2,zz,4", "Z2,9000", "Z2,9000,4,1", "Z2,9000,4;X1,0", "Z2,,", "Z2", "Z29000,4",
              "Z2,11111111111111111,4", "z2,9000,4", "z3,1234,4", "z2,zz,4"]:
        r = c.ask(p)
        check(r.startswith("E"), "%r gets an error, not %r" % (p, r))
    # At most 64 at once; removing them all leaves none (the 65th is refused, one more fits after a z2).
    for k in range(64):
        check(c.ask("Z2,%x,1" % (0x100 + k)) == "OK", "watchpoint %d of 64" % (k + 1))
    check(c.ask("Z2,200,1").startswith("E"), "a 65th watchpoint is refused")
    for k in range(64):
        check(c.ask("z2,%x,1" % (0x100 + k)) == "OK", "remove watchpoint %d" % (k + 1))
    check(c.ask("z2,100,1").startswith("E"), "a removed watchpoint is gone")
    # Seeded random Z/z packets: each gets OK or an error; the ones set are removed again.
    rng = random.Random(15)
    kept = []
    for _ in range(400):
        kind = rng.choice("234")
        addr = rng.choice([rng.getrandbits(64), rng.getrandbits(17), rng.getrandbits(34)])
        length = rng.choice([0, 1, 4, rng.getrandbits(13), rng.getrandbits(64)])
        p = "%s%s,%x,%x" % (rng.choice("Zz"), kind, addr, length)
        r = c.ask(p)
        check(r == "OK" or (r.startswith("E") and len(r) == 3), "%r gets OK or an error: %r" % (p, r))
        if r == "OK" and p[0] == "Z":
            kept.append(p[1:])
    for p in kept:
        check(c.ask("z" + p) == "OK", "remove z%s" % p)
    check(c.ask("qC") == "QC1", "alive after random watchpoint packets")

    # A write watchpoint stops after the store, with the new value in memory, and again each iteration.
    check(c.ask("Z2,9000,4") == "OK", "set a write watchpoint")
    for k in range(2):
        r = c.ask("c")
        check(r.startswith("T05") and "watch:9000;" in r and "reason:" not in r,
              "continue stops with watch:9000: %r" % r)
        i = le(c.ask("qWasmLocal:0;1"))
        check(le(c.ask("m9000,4")) == i, "the store has run: memory holds i = %d" % i)
    # One covering the middle of the stored word: the hit names the first watched byte written.
    check(c.ask("z2,9000,4") == "OK", "remove the write watchpoint")
    check(c.ask("Z2,9002,1") == "OK", "set a one-byte write watchpoint")
    r = c.ask("c")
    check("watch:9002;" in r, "a store over a one-byte watchpoint hits it: %r" % r)
    check(c.ask("z2,9002,1") == "OK", "remove it")
    # Read and access watchpoints: the load at 0x9004 (offset=4), the store at 0x9000.
    check(c.ask("Z3,9004,4") == "OK", "set a read watchpoint")
    r = c.ask("c")
    check(r.startswith("T05") and "rwatch:9004;" in r, "a load hits the read watchpoint: %r" % r)
    check(c.ask("z3,9004,4") == "OK", "remove the read watchpoint")
    check(c.ask("Z3,9000,4") == "OK" and c.ask("Z4,9004,4") == "OK", "read watch on the store, access on the load")
    r = c.ask("c")
    check("awatch:9004;" in r, "the read watchpoint ignores the store, the access one sees the load: %r" % r)
    check(c.ask("z3,9000,4") == "OK" and c.ask("z4,9004,4") == "OK", "remove both")
    # A step over a store with a watchpoint on it reports the watchpoint.
    check(c.ask("Z2,9000,4") == "OK", "set the write watchpoint again")
    r = ""
    for _ in range(16):  # an iteration is 13 instructions
        r = c.ask("vCont;s:1")
        if "watch" in r:
            break
    check("watch:9000;" in r, "stepping over the store reports the watchpoint: %r" % r)
    check(c.ask("z2,9000,4") == "OK", "remove it")


def values_at_two_stops(c, mark, what, query):
    """Continues twice, checking that each stop's reply carries `mark` (a stop at `what`); returns the
    value `query` reads at each stop, so that going back can be checked against them."""
    values = []
    for _ in range(2):
        r = c.ask("c")
        check(mark in r, "continue stops at the %s: %r" % (what, r))
        values.append(le(c.ask(query)))
    return values


def reverse(c, bp, pc0):
    """bs and bc (docs/reverse.md): the stub re-runs the program in a replica to the previous step or
    breakpoint hit; running forward from there reaches the live run again, which goes on."""
    check("ReverseStep+;ReverseContinue+" in c.ask("qSupported:multiprocess+"), "qSupported offers bs and bc")
    check(c.ask("Z0,%x,1" % bp) == "OK", "set breakpoint")
    hits = values_at_two_stops(c, "reason:breakpoint", "breakpoint", "qWasmLocal:0;1")
    r = c.ask("bc")
    check(r.startswith("T05") and "reason:breakpoint" in r, "bc stops at the previous hit: %r" % r)
    check(le(c.ask("p0")) == bp, "bc: at the breakpoint's pc")
    check(le(c.ask("qWasmLocal:0;1")) == hits[0], "bc: i is the previous hit's %d" % hits[0])
    r = c.ask("bs")
    check(r.startswith("T05") and "reason:trace" in r, "bs stops with reason trace: %r" % r)
    before = le(c.ask("p0"))
    check(before != bp, "bs: one instruction before the breakpoint")
    r = c.ask("vCont;s:1")
    check(le(c.ask("p0")) == bp, "a step after bs is back at the breakpoint")
    r = c.ask("c")
    check("reason:breakpoint" in r and le(c.ask("qWasmLocal:0;1")) == hits[1],
          "continue from the replica reaches the live run's hit (i = %d): %r" % (hits[1], r))
    r = c.ask("c")
    check("reason:breakpoint" in r and le(c.ask("qWasmLocal:0;1")) == hits[1] + 1,
          "the live run goes on: i = %d" % (hits[1] + 1))
    check(c.ask("z0,%x,1" % bp) == "OK", "remove breakpoint")
    r = c.ask("bc")
    check("replaylog:begin;" in r, "bc with nothing to stop at reaches the beginning: %r" % r)
    check(le(c.ask("p0")) == pc0, "at the first instruction")
    check(le(c.ask("qWasmLocal:0;1")) == 0, "i is 0 again")
    check("replaylog:begin;" in c.ask("bs"), "bs at the first instruction: the beginning")
    # Forward again with the breakpoint: each hit is one iteration, through the replica into the live run.
    check(c.ask("Z0,%x,1" % bp) == "OK", "set breakpoint again")
    for k in range(3):
        c.ask("c")
    i3 = le(c.ask("qWasmLocal:0;1"))
    check(i3 == 2, "three hits from the start (before the increment: i = 0, 1, 2): i = 2, not %d" % i3)
    check(c.ask("z0,%x,1" % bp) == "OK", "remove breakpoint")
    # A watchpoint hit going back: bc stops after the previous store, with its value in memory.
    check(c.ask("Z2,9000,4") == "OK", "set a write watchpoint")
    stored = values_at_two_stops(c, "watch:9000;", "watchpoint", "m9000,4")
    r = c.ask("bc")
    check("watch:9000;" in r, "bc stops at the previous watchpoint hit: %r" % r)
    check(le(c.ask("m9000,4")) == stored[0], "memory as it was then: %d" % stored[0])
    check(c.ask("z2,9000,4") == "OK", "remove the watchpoint (in the replica)")
    c.send("c")  # no breakpoint or watchpoint: the replica reaches the live run, which runs on
    time.sleep(0.3)
    c.raw(b"\x03")
    r = c.read_reply()
    check(r.startswith("T02") and le(c.ask("m9000,4")) > stored[1], "the live run went on: %r" % r)


def frame_stacks(c, frames):
    """Each frame's operand stack through qWasmStackValue, bottom first, as hex (its width shows the type)."""
    out = []
    for f in range(frames):
        vals = []
        for i in range(16):
            r = c.ask("qWasmStackValue:%d;%d" % (f, i))
            if r.startswith("E"):
                check(r == "E03", "past the top of frame %d's stack: E03, not %r" % (f, r))
                break
            vals.append(r)
        out.append(vals)
    return out


def h32(v):
    return struct.pack("<I", v).hex()


def h64(v):
    return struct.pack("<Q", v).hex()


def stack_values(wi, wasm):
    """qWasmStackValue at every instruction of probe(5): the innermost frame's whole stack (constants and
    locals the translator never copied included) and, inside the call, the caller's stack below the call's
    argument; hostile indices and frames get errors. Run by `wi debug --gdb`."""
    # Through `wi debug --gdb`, which is the same session as `wi exec --gdb`.
    try:
        with lldb_batch.start_wi(wi, ["debug", wasm, "--invoke", "probe", "5"], timeout=TIMEOUT) as (proc, port):
            c = Client(port)
            check(c.ask("?").startswith("T05"), "stopped at probe's first instruction")
            for p in ["qWasmStackValue:0;0", "qWasmStackValue:1;0", "qWasmStackValue:0;4294967295",
                      "qWasmStackValue:0;99999999999", "qWasmStackValue:99999999999;0", "qWasmStackValue:0",
                      "qWasmStackValue:", "qWasmStackValue:x;y", "qWasmStackValue:0;-1", "qWasmStackValue:-1;0",
                      "qWasmStackValue:;", "qWasmStackValue:0;0;0", "qWasmStackValue:0;" + "9" * 5000]:
                r = c.ask(p)
                check(r.startswith("E") and len(r) == 3, "%r gets an error: %r" % (p, r))
            seen = []
            r = "T05"
            while r.startswith("T05") and len(seen) < 40:
                frames = len(c.ask("qWasmCallStack")) // 16
                seen.append(frame_stacks(c, frames))
                check(c.ask("qWasmStackValue:%d;0" % frames).startswith("E"), "no frame %d" % frames)
                r = c.ask("vCont;s:1")
            check(r == "W00", "probe runs to its end: %r" % r)
            k, n = h64(0x1122334455667788), h32(5)
            want = [
                [[]], [[k]], [[k, n]], [[k, h64(5)]], [[h64(0x112233445566778D)]],  # drop(i64.add(k, extend(n)))
                [[]], [[n]], [[n, h32(3)]],                                        # n * 3
                [[h32(15)]], [[h32(15), n]], [[h32(15), n, h32(1)]], [[h32(15), h32(6)]],  # call twice(n + 1)
                [[], [h32(15)]], [[h32(6)], [h32(15)]], [[h32(6), h32(6)], [h32(15)]], [[h32(12)], [h32(15)]],
                [[h32(15), h32(12)]], [[h32(27)]],                                 # the sum, end
            ]
            check(seen == want, "operand stacks at each step:\n got %s\nwant %s" % (seen, want))
            check(proc.wait(timeout=TIMEOUT) == 0, "wi exits 0")
            check(proc.stdout.read() == "i32:27\n", "probe's result is printed as by wi exec")
    except (OSError, EOFError, AttributeError, subprocess.TimeoutExpired, lldb_batch.Failed) as e:
        failures.append(repr(e))
        print("FAIL:", repr(e))


def library_stop(wi, prog, libc):
    """A dlopen while running: a stop with no signal and no reason that carries `library:;`, at the first
    instruction of the new module (its constructor, before it runs); the library list then has it."""
    try:
        with lldb_batch.start_wi(wi, ["exec", prog, "--lib", libc], timeout=TIMEOUT) as (proc, port):
            c = Client(port)
            stop = c.ask("?")
            check(stop.startswith("T05") and "library" not in stop, "the first stop announces nothing: %r" % stop)
            before = c.ask("qXfer:libraries:read::0,ffff")
            check(before.count("<library ") == 2 and "dlopen_plugin" not in before, "before the dlopen: %r" % before)
            r = c.ask("c")
            check(re.fullmatch(r"T00thread:1;00:[0-9a-f]{16};library:;", r) is not None,
                  "the dlopen stops with T00 and library, no reason: %r" % r)
            check(le(c.ask("p0")) >> 32 == 0x40000002, "stopped in the new module (id 2), before its constructor")
            after = c.ask("qXfer:libraries:read::0,ffff")
            check(after.count("<library ") == 3 and re.search(
                r'dlopen_plugin\.wasm"><section address="0x4000000200000000"/>', after) is not None,
                  "the library list has the plugin at id 2: %r" % after)
            check(c.ask("m4000000200000000,4") == "0061736d", "the plugin's bytes at its code address")
            # Nothing else is loaded: the next stop is the end, and it announces nothing more.
            r = c.ask("c")
            check(r == "W00", "then the program runs to its end: %r" % r)
            check(proc.wait(timeout=TIMEOUT) == 0, "wi exits 0")
    except (OSError, EOFError, AttributeError, subprocess.TimeoutExpired, lldb_batch.Failed) as e:
        failures.append(repr(e))
        print("FAIL:", repr(e))


def linked_reverse(wi, prog, libc):
    """bc across calls from the host: a linked program's constructors run in calls of their own before
    _start's, and a snapshot serves only the call it was taken in. 200 steps in, past the constructors,
    bc with nothing to stop at scans back in place to the start of _start's call, then falls back to a
    replica that sees the whole run and reaches the beginning; stepping forward again from there hands
    over to the live run at the same place."""
    try:
        with lldb_batch.start_wi(wi, ["exec", prog, "--lib", libc, "--snapshot-interval", "50"],
                                 timeout=TIMEOUT) as (proc, port):
            c = Client(port)
            check(c.ask("QStartNoAckMode") == "OK", "QStartNoAckMode")
            c.ack = False
            pc0 = le(c.ask("p0"))
            pcs = []
            for _ in range(200):
                c.ask("vCont;s:1")
                pcs.append(le(c.ask("p0")))
            r = c.ask("bc")
            check("replaylog:begin;" in r and le(c.ask("p0")) == pc0,
                  "linked program: bc with nothing to stop at reaches the first instruction: %r" % r)
            forward = []
            for _ in range(200):
                c.ask("vCont;s:1")
                forward.append(le(c.ask("p0")))
            check(forward == pcs, "forward again: the same 200 steps, into the live run")
            r = c.ask("bs")
            check(r.startswith("T05") and le(c.ask("p0")) == pcs[-2], "and one step back from there: %r" % r)
            c.send("k")
    except (OSError, EOFError, AttributeError, subprocess.TimeoutExpired, lldb_batch.Failed) as e:
        failures.append(repr(e))
        print("FAIL (linked reverse):", repr(e))


def reverse_with_interval(wi, wasm, interval):
    """bs and bc again with --snapshot-interval: 0 (replicas only: the program re-run from its start)
    and a small one (bc's scan goes back over many snapshots); the session above used the default."""
    try:
        with lldb_batch.start_wi(wi, ["exec", wasm, "--invoke", "spin", "5", "--snapshot-interval", str(interval)],
                                 timeout=TIMEOUT) as (proc, port):
            c = Client(port)
            check(c.ask("QStartNoAckMode") == "OK", "QStartNoAckMode")
            c.ack = False
            pc0 = le(c.ask("p0"))
            for _ in range(2):
                c.ask("vCont;s:1")
            bp = le(c.ask("p0"))  # as in main(): the third instruction of the loop body
            for _ in range(2):
                check(c.ask("Z0,%x,1" % bp) == "OK", "set breakpoint")
                c.ask("c")
                check(c.ask("z0,%x,1" % bp) == "OK", "remove breakpoint")
            reverse(c, bp, pc0)
            c.send("k")
    except (OSError, EOFError, AttributeError, subprocess.TimeoutExpired, lldb_batch.Failed) as e:
        failures.append(repr(e))
        print("FAIL (--snapshot-interval %d):" % interval, repr(e))


def main():
    wi, wasm = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 4:
        library_stop(wi, sys.argv[3], sys.argv[4])
        linked_reverse(wi, sys.argv[3], sys.argv[4])
    stack_values(wi, wasm)
    for interval in (0, 3):
        reverse_with_interval(wi, wasm, interval)
    try:
        with lldb_batch.start_wi(wi, ["exec", wasm, "--invoke", "spin", "5"], timeout=TIMEOUT) as (proc, port):
            c = Client(port)

            # Ack mode: a good packet is acknowledged, a bad checksum gets '-' and no reply.
            c.raw(b"$?#00")
            check(c.read_byte() == b"-", "bad checksum gets '-'")
            stop = c.ask("?")
            check(c.acks == b"+", "a good packet is acked with '+'")
            check(stop.startswith("T05thread:1;"), "initial stop is T05: %r" % stop)
            # Garbage between packets and a packet cut short by a new '$' are dropped.
            c.raw(b"garbage\xff\x00 $m0,4")
            check(c.ask("qC") == "QC1", "garbage and a truncated packet are dropped")
            check(c.ask("QStartNoAckMode") == "OK", "QStartNoAckMode")
            c.ack = False

            # Oversized (over 64 KiB) is read to its end and refused; the stub stays in step.
            c.raw(b"$" + b"m" * 70000 + b"#00")
            check(c.read_reply().startswith("E"), "oversized packet gets an error")
            check(c.ask("qC") == "QC1", "alive after an oversized packet")
            # Unknown packets: the empty reply.
            for p in ["qFooBar", "vMustReplyEmpty", "X0,0:", "jThreadsInfo", "Q", "\x01\x02"]:
                check(c.ask(p) == "", "unknown %r gets the empty reply" % p)

            # The library list names the module and puts it at code address 0x4000000000000000.
            libs = c.ask("qXfer:libraries:read::0,ffff")
            check(libs.startswith("l<library-list>") and "spin" in libs and 'address="0x4000000000000000"' in libs,
                  "library list: %r" % libs)
            part = c.ask("qXfer:libraries:read::0,5")
            check(part == "m" + libs[1:6], "library list in parts: %r" % part)
            check(c.ask("qXfer:libraries:read::ffffff,10").startswith("E"), "library list past its end")

            # Memory: reads past the end, at huge addresses and of 4 GiB are errors or clipped.
            for p in ["mffffffffffffffff,100000000", "m10000,4", "m4000000500000000,10", "m8000000000000000,4",
                      "mzz,4", "m0", "m,", "m11111111111111111,4", "m0,11111111111111111", "m0,-1",
                      "m4000000000001000,4"]:
                r = c.ask(p)
                check(r.startswith("E"), "%r gets an error, not %r" % (p, r[:40]))
            big = c.ask("m0,100000000")  # 4 GiB from 0: clipped to what fits in a reply
            check(0 < len(big) <= 65536 and set(big) == {"0"}, "4 GiB read is clipped: %d hex digits" % len(big))
            check(c.ask("mfffc,100") == "00" * 4, "a read running past the end returns what there is")
            check(c.ask("M10,4:2a2b2c2d") == "OK", "write memory")
            check(c.ask("m10,4") == "2a2b2c2d", "read back what was written")
            for p in ["Mfffe,4:00000000", "M4000000000000000,1:00", "M10,4:00", "M10,2:zzzz", "M10"]:
                check(c.ask(p).startswith("E"), "%r is refused" % p)
            module = c.ask("m4000000000000000,4")
            check(module == "0061736d", "the module's bytes at its code address: %r" % module)

            # Registers and frames at the first instruction of spin.
            pc0 = le(c.ask("p0"))
            check(pc0 >> 32 == 0x40000000, "pc is a code address of module 0: %x" % pc0)
            check(c.ask("p1").startswith("E"), "no register 1")
            stack = c.ask("qWasmCallStack:1")
            check(len(stack) == 16 and le(stack) == pc0, "call stack of one frame at the pc: %r" % stack)
            check(le(c.ask("qWasmLocal:0;0")) == 5, "param n is 5")
            check(le(c.ask("qWasmLocal:0;1")) == 0, "local i starts at 0")
            check(le(c.ask("qWasmGlobal:0;0")) == 42, "global g is 42")
            for p in ["qWasmLocal:1;0", "qWasmLocal:0;2", "qWasmLocal:0", "qWasmLocal:x;y", "qWasmGlobal:0;7",
                      "qWasmLocal:99999999999;0", "qWasmStackValue:0;0"]:  # spin's stack is empty here
                check(c.ask(p).startswith("E"), "%r gets an error" % p)

            # Single steps move the pc forward through the loop body; i counts the iterations.
            pcs = [pc0]
            for _ in range(4):
                r = c.ask("vCont;s:1")
                check(r.startswith("T05") and "reason:trace" in r, "step stops with reason trace: %r" % r)
                pcs.append(le(c.ask("p0")))
            check(all(a < b for a, b in zip(pcs, pcs[1:])), "steps advance: %s" % [hex(p) for p in pcs])
            i_before = le(c.ask("qWasmLocal:0;1"))
            # A breakpoint on an instruction of the body is hit once per iteration.
            bp = pcs[2]
            for p in ["Z0,zz,1", "Z0,4000000000000000", "Z0,8000000000000000,1", "Z0,4000000500000000,1",
                      "Z0,40000000ffffffff,1", "Z1,0,1"]:
                r = c.ask(p)
                check(r.startswith("E") or r == "", "%r is refused: %r" % (p, r))
            check(c.ask("Z0,%x,1" % bp) == "OK", "set breakpoint")
            for k in range(2):
                r = c.ask("c")
                check(r.startswith("T05") and "reason:breakpoint" in r, "continue stops at the breakpoint: %r" % r)
                check(le(c.ask("p0")) == bp, "stopped at the breakpoint's pc")
                check(le(c.ask("qWasmLocal:0;1")) == i_before + k + 1, "one iteration per hit")
            check(c.ask("z0,%x,1" % bp) == "OK", "remove breakpoint")

            reverse(c, bp, pc0)
            watchpoints(c)

            # Running with no breakpoint: the interrupt byte stops it.
            c.send("vCont;c")
            time.sleep(0.3)
            c.raw(b"\x03")
            r = c.read_reply()
            check(r.startswith("T02"), "interrupt stops the guest with SIGINT: %r" % r)
            check(le(c.ask("qWasmLocal:0;1")) > i_before + 2, "the guest ran before the interrupt")
            check(c.ask("qC") == "QC1", "alive after everything")

            c.send("k")
            status = proc.wait(timeout=TIMEOUT)
            check(status == 137, "k kills the guest: wi exits %d" % status)
    except (OSError, EOFError, subprocess.TimeoutExpired, lldb_batch.Failed) as e:
        failures.append(repr(e))
        print("FAIL:", repr(e))
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
