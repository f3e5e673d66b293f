#!/usr/bin/env python3
"""VS Code's debug adapter, lldb-dap-22, attached to `wi exec PROG --gdb 0` (docs/debugging.md, "VS Code"):
this script is the IDE. It speaks the Debug Adapter Protocol (JSON messages framed by a Content-Length
header) to lldb-dap-22 over its stdin and stdout, with the launch.json attach configuration the docs
give, and checks what an IDE would show: the breakpoint resolved, the stop, the call stack with names
and source lines, variables (a struct through a pointer, expanded), stepping, and the program's exit
code in the `exited` event.

usage: dap_session.py static|library WI SRC_DIR COMP_DIR PROG_WASM [wi exec options...]
  static   PROG_WASM is prog.c built -g -O0 (prog_g.wasm)
  library  PROG_WASM is shapes.c, run with --lib libgeom.wasm (geom.c, with DWARF) --lib libc.wasm
SRC_DIR is tests/debug; COMP_DIR the directory the DWARF names the sources in (the build root: the
meson targets map the source directory away), mapped back to SRC_DIR by the attach's sourceMap.
Exit 77 (skip) when lldb-dap-22 is not installed.
"""
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lldb_batch  # noqa: E402

# The whole session, lldb-dap's start-up included, must end within this; each wait is bounded by it,
# so a stub or adapter that stops answering fails the test instead of hanging it.
SESSION_SECONDS = 60


class Failure(Exception):
    pass


class Dap:
    """One lldb-dap process: requests out, responses and events in, every message logged."""

    def __init__(self, exe, deadline):
        self.deadline = deadline
        self.log = []
        self.errfile = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([exe, "--no-lldbinit"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=self.errfile)
        self.seq = 0
        self.inbox = queue.Queue()
        # Messages read while waiting for another one: events often come before the response that
        # caused them, and the response to `attach` only after configurationDone.
        self.backlog = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        out = self.proc.stdout
        try:
            while True:
                header = b""
                while not header.endswith(b"\r\n\r\n"):
                    c = out.read(1)
                    if not c:
                        return
                    header += c
                m = re.search(rb"Content-Length: (\d+)", header)
                if not m:
                    self.inbox.put({"type": "garbage", "header": header.decode(errors="replace")})
                    return
                self.inbox.put(json.loads(out.read(int(m.group(1)))))
        finally:
            self.inbox.put(None)  # end of stream

    def send(self, command, arguments=None):
        self.seq += 1
        msg = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            msg["arguments"] = arguments
        body = json.dumps(msg).encode()
        self.log.append(">> " + body.decode())
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return self.seq

    def wait(self, match, what):
        for i, msg in enumerate(self.backlog):
            if match(msg):
                return self.backlog.pop(i)
        while True:
            left = self.deadline - time.monotonic()
            try:
                msg = self.inbox.get(timeout=max(left, 0.01))
            except queue.Empty:
                raise Failure("timed out waiting for " + what)
            if msg is None:
                self.inbox.put(None)  # for any later wait
                raise Failure("lldb-dap ended while waiting for " + what)
            self.log.append("<< " + json.dumps(msg)[:1000])
            if msg.get("type") == "garbage":
                raise Failure("not a DAP header: %r" % msg["header"])
            if match(msg):
                return msg
            self.backlog.append(msg)

    def response(self, seq, command):
        msg = self.wait(lambda m: m.get("type") == "response" and m.get("request_seq") == seq,
                        "the response to " + command)
        if not msg.get("success"):
            raise Failure("%s failed: %s" % (command, msg.get("message") or msg.get("body")))
        return msg.get("body", {})

    def request(self, command, arguments=None):
        return self.response(self.send(command, arguments), command)

    def event(self, name):
        msg = self.wait(lambda m: m.get("type") == "event" and m.get("event") == name, "the %s event" % name)
        return msg.get("body", {})

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        self.errfile.seek(0)
        return self.errfile.read().decode(errors="replace")


class Session:
    """The checks of one scenario over a Dap: each records a failure and goes on, so one run shows all."""

    def __init__(self, dap, src_dir):
        self.dap = dap
        self.src_dir = src_dir
        self.bad = []

    def check(self, ok, what, got=None):
        print(("ok:   " if ok else "FAIL: ") + what + ("" if ok or got is None else "  (got %r)" % (got,)))
        if not ok:
            self.bad.append(what)

    def source(self, name):
        return {"name": name, "path": os.path.join(self.src_dir, name)}

    def marker_line(self, name, marker):
        """The line of SRC_DIR/NAME holding `// dap: MARKER`, so that editing the source moves no test."""
        with open(os.path.join(self.src_dir, name)) as f:
            for n, text in enumerate(f, 1):
                if "// dap: " + marker in text:
                    return n
        raise Failure("no '// dap: %s' in %s" % (marker, name))

    def set_breakpoints(self, name, lines):
        body = self.dap.request("setBreakpoints",
                                {"source": self.source(name), "breakpoints": [{"line": n} for n in lines]})
        return body.get("breakpoints", [])

    def stopped(self, reason):
        body = self.dap.event("stopped")
        self.check(body.get("reason") == reason, "stopped, reason %s" % reason, body.get("reason"))
        return body

    def frames(self, thread):
        return self.dap.request("stackTrace", {"threadId": thread, "startFrame": 0, "levels": 20})["stackFrames"]

    def check_frame(self, frame, name, source, line, what):
        got = (frame.get("name"), os.path.realpath(frame.get("source", {}).get("path", "")), frame.get("line"))
        want = (name, os.path.realpath(os.path.join(self.src_dir, source)), line)
        self.check(got == want, "%s: %s at %s:%d" % (what, name, source, line), got)

    def locals(self, frame):
        scopes = self.dap.request("scopes", {"frameId": frame["id"]})["scopes"]
        ref = next((s["variablesReference"] for s in scopes if s.get("presentationHint") == "locals"), None)
        if ref is None:
            raise Failure("no locals scope in %r" % scopes)
        return self.children(ref)

    def children(self, ref):
        """name -> variable, of a scope or of an expandable value (a struct, a pointer to one)."""
        return {v["name"]: v for v in self.dap.request("variables", {"variablesReference": ref})["variables"]}

    def value(self, variables, name):
        return variables.get(name, {}).get("value")


def attach(dap, wi_port, src_dir, comp_dir):
    """initialize, then attach as docs/debugging.md's launch.json does; returns the attach's seq, whose
    response comes only after configurationDone. No "program": LLDB takes every module from the
    stub's library list (given one, it would open the modules beside it by name, files whose DWARF
    the loader did not move)."""
    dap.request("initialize", {"clientID": "wi-test", "adapterID": "lldb-dap", "linesStartAt1": True,
                               "columnsStartAt1": True, "pathFormat": "path"})
    seq = dap.send("attach", {
        # The wasm process plugin: lldb-dap's own "gdb-remote-port" connects with the generic
        # gdb-remote plugin, which does not know wasm's address spaces or its call stack packet.
        "attachCommands": ["process connect --plugin wasm connect://127.0.0.1:%d" % wi_port],
        "sourceMap": [[comp_dir, src_dir]],
    })
    dap.event("initialized")
    return seq


def configured(dap, attach_seq):
    dap.request("configurationDone")
    dap.response(attach_seq, "attach")


def static(s, attach_seq):
    """prog.c: break in square (line 11), its parameter on two hits, `next` back to main, then run out."""
    bps = s.set_breakpoints("prog.c", [11])
    s.check(len(bps) == 1 and bps[0].get("verified") and bps[0].get("line") == 11,
            "breakpoint at prog.c:11 verified", bps)
    configured(s.dap, attach_seq)
    thread = s.stopped("breakpoint")["threadId"]
    threads = s.dap.request("threads")["threads"]
    s.check([t["id"] for t in threads] == [thread], "one thread, the stopped one", threads)
    frames = s.frames(thread)
    s.check_frame(frames[0], "square", "prog.c", 11, "frame 0")
    s.check_frame(frames[1], "main", "prog.c", 18, "frame 1")
    x = s.value(s.locals(frames[0]), "x")
    s.check(x == "1", "first hit: x = 1", x)

    s.dap.request("continue", {"threadId": thread})
    s.stopped("breakpoint")
    frames = s.frames(thread)
    x = s.value(s.locals(frames[0]), "x")
    s.check(x == "2", "second hit: x = 2", x)

    s.dap.request("next", {"threadId": thread})
    s.stopped("step")
    s.check_frame(s.frames(thread)[0], "main", "prog.c", 18, "next returns to")

    s.set_breakpoints("prog.c", [])
    s.dap.request("continue", {"threadId": thread})
    return 0, "total 14 fib 5 counter 3 stepped\n"


def library(s, attach_seq):
    """shapes.c calls area(&box) in libgeom.wasm: break in the library, expand *r, step in and out, next."""
    brk, nxt = s.marker_line("geom.c", "break"), s.marker_line("geom.c", "next")
    call = s.marker_line("shapes.c", "call")
    width_line = s.marker_line("geom.c", "width")
    bps = s.set_breakpoints("geom.c", [brk])
    s.check(len(bps) == 1 and bps[0].get("verified") and bps[0].get("line") == brk,
            "breakpoint at geom.c:%d (in libgeom.wasm) verified" % brk, bps)
    configured(s.dap, attach_seq)
    thread = s.stopped("breakpoint")["threadId"]
    frames = s.frames(thread)
    s.check_frame(frames[0], "area", "geom.c", brk, "frame 0")
    s.check_frame(frames[1], "main", "shapes.c", call, "frame 1")
    # A global of the program, evaluated in main's frame: its DWARF address moved by the loader (no
    # "program" in the attach, so LLDB reads the module from the stub, not from its file).
    built = s.dap.request("evaluate", {"expression": "shapes_built", "frameId": frames[1]["id"],
                                       "context": "watch"}).get("result")
    s.check(built == "3", "shapes_built = 3, a global of the program", built)

    local = s.locals(frames[0])
    s.check(sorted(local) == ["h", "r", "w"], "area's locals: r, w, h", sorted(local))
    r = local.get("r", {})
    s.check(r.get("type") == "const rect *" and r.get("variablesReference", 0) > 0,
            "r: a const rect *, expandable", (r.get("type"), r.get("variablesReference")))
    if r.get("variablesReference", 0) > 0:
        rect = s.children(r["variablesReference"])
        s.check(sorted(rect) == ["max", "min", "name"], "*r: min, max, name", sorted(rect))
        name = s.value(rect, "name") or ""
        s.check(name.endswith('"box"'), 'r->name: "box"', name)
        corners = {}
        for corner in ("min", "max"):
            ref = rect.get(corner, {}).get("variablesReference", 0)
            fields = s.children(ref) if ref else {}
            corners[corner] = (s.value(fields, "x"), s.value(fields, "y"))
        s.check(corners == {"min": ("1", "2"), "max": ("7", "9")}, "r->min = {1, 2}, r->max = {7, 9}", corners)

    s.dap.request("stepIn", {"threadId": thread})
    s.stopped("step")
    frames = s.frames(thread)
    s.check_frame(frames[0], "width", "geom.c", width_line, "stepIn enters")
    s.check_frame(frames[1], "area", "geom.c", brk, "its caller")

    s.dap.request("stepOut", {"threadId": thread})
    s.stopped("step")
    s.check_frame(s.frames(thread)[0], "area", "geom.c", brk, "stepOut returns to")

    s.dap.request("next", {"threadId": thread})
    s.stopped("step")
    frames = s.frames(thread)
    s.check_frame(frames[0], "area", "geom.c", nxt, "next")
    w = s.value(s.locals(frames[0]), "w")
    s.check(w == "6", "w = width(r) = 6", w)

    # Back in time from the DEBUG CONSOLE (lldb-dap has no stepBack request): LLDB's reverse continue
    # sends bc, and the stub goes back to the breakpoint's hit, where w has not been assigned yet.
    s.dap.request("evaluate", {"expression": "`process continue -R", "context": "repl"})
    s.stopped("breakpoint")
    frames = s.frames(thread)
    s.check_frame(frames[0], "area", "geom.c", brk, "reverse continue goes back to the breakpoint")
    w = s.value(s.locals(frames[0]), "w")
    s.check(w == "0", "w as it was before line %d ran: 0" % brk, w)

    # Forward again: LLDB keeps going backwards (continue, next...) until `process continue -F`. area
    # runs once: the breakpoint, still set, is not hit again, and the program runs to its end.
    s.dap.request("evaluate", {"expression": "`process continue -F", "context": "repl"})
    return 42, "box 42\n"


def main():
    exe = shutil.which("lldb-dap-22")
    if not exe:
        print("lldb-dap-22 is not installed: skipped")
        return 77
    scenario, wi, src_dir, comp_dir, prog, extra = (sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4],
                                                   sys.argv[5], sys.argv[6:])
    run = {"static": static, "library": library}[scenario]
    deadline = time.monotonic() + SESSION_SECONDS
    dap = None
    bad = []
    try:
        # wi prints its port once it listens; a wi that never does must not hang the test either.
        with lldb_batch.start_wi(wi, ["exec", prog, *extra], timeout=SESSION_SECONDS) as (proc, port):
            dap = Dap(exe, deadline)
            s = Session(dap, src_dir)
            try:
                attach_seq = attach(dap, port, src_dir, comp_dir)
                status, output = run(s, attach_seq)
                code = dap.event("exited").get("exitCode")
                s.check(code == status, "exited event: exit code %d" % status, code)
                dap.event("terminated")
                dap.request("disconnect", {})
                got = proc.wait(timeout=max(deadline - time.monotonic(), 0.01))
                s.check(got == status, "wi's exit status %d" % status, got)
                guest = proc.stdout.read()
                s.check(guest == output, "the program's output %r" % output, guest)
            except (Failure, subprocess.TimeoutExpired) as e:
                s.check(False, str(e))
            except Exception:  # a reply without a field the checks read: show it with the traffic
                s.check(False, traceback.format_exc())
            bad = s.bad
    except lldb_batch.Failed as e:
        print(e)
        return 1
    finally:
        if dap:
            err = dap.close()
            if bad:
                print("--- DAP traffic")
                print("\n".join(dap.log))
                if err:
                    print("--- lldb-dap stderr\n" + err)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
