# The scaffolding the gdb_lldb*.py tests share, and nothing they check: their main (finding lldb-22 or
# skipping with 77, a session that could not run failing the test), running `wi ... --gdb 0` and reading its
# port from its stderr, a batch `lldb-22 -b` session connected to it, bounded waits on both, wi always
# reaped, and matching LLDB's output against (regex, description) expectations, session by session.
# Each test keeps its own commands, expectations and program-output checks. gdb_packets.py and
# dap_session.py, which speak to the stub or to lldb-dap-22 themselves, use only start_wi.
import contextlib
import re
import select
import shutil
import subprocess
import sys

TIMEOUT = 60


class Failed(Exception):
    """The session could not be run to its end: no port from wi, or a wait that timed out."""


def lldb_or_skip():
    """lldb-22's path; without it, exits 77 (meson's skip)."""
    lldb = shutil.which("lldb-22")
    if not lldb:
        print("lldb-22 is not installed: skipped")
        sys.exit(77)
    return lldb


@contextlib.contextmanager
def start_wi(wi, args, after=(), timeout=TIMEOUT):
    """Runs `wi ARGS... --gdb 0 AFTER...` with its stdout and stderr piped, waits (at most `timeout` s) for
    the line on its stderr that names its port, and yields (process, port). Raises Failed when wi names
    no port. The process is killed and reaped on the way out if it is still running."""
    proc = subprocess.Popen([wi, *args, "--gdb", "0", *after], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        # A wi that never listens must not hang the test.
        ready, _, _ = select.select([proc.stderr], [], [], timeout)
        line = proc.stderr.readline() if ready else "(nothing within %d s)" % timeout
        m = re.search(r"127\.0\.0\.1:(\d+)", line)
        if not m:
            raise Failed("no port in: " + line)
        yield proc, int(m.group(1))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def run_lldb(lldb, port, commands, timeout=TIMEOUT):
    """lldb-22's stdout from a batch session that connects to the stub on `port`, then runs `commands`."""
    args = [lldb, "-b", "--no-lldbinit", "-o", "process connect --plugin wasm connect://127.0.0.1:%d" % port]
    for c in commands:
        args += ["-o", c]
    try:
        return subprocess.run(args, capture_output=True, text=True, timeout=timeout).stdout
    except subprocess.TimeoutExpired:
        raise Failed("timed out")


def session(lldb, wi, args, commands, after=(), timeout=TIMEOUT):
    """One whole session: start_wi, run_lldb, then wi's exit. Returns (lldb's output, wi's status, wi's
    stdout); raises Failed as they do, or when wi does not exit within `timeout`."""
    with start_wi(wi, args, after, timeout) as (proc, port):
        out = run_lldb(lldb, port, commands, timeout)
        try:
            status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failed("timed out")
        return out, status, proc.stdout.read()


def ran_to_end(status, guest_out, text):
    """[] when wi exited 0 and the program printed `text`, else the one failure to report."""
    if status != 0 or text not in guest_out:
        return ["the program did not run to its end: status %d, output %r" % (status, guest_out)]
    return []


def missing(out, expect, flags=0):
    """The descriptions of the (regex, description[, flags]) expectations that `out` does not match."""
    return [e[1] for e in expect if not re.search(e[0], out, e[2] if len(e) > 2 else flags)]


def check_all(out, expect, flags=0, also=()):
    """Prints `out`, then a FAIL line for each expectation it misses (as `missing`) and for each further
    failure in `also`; returns the exit code, 1 on any failure, else 0."""
    print(out)
    bad = missing(out, expect, flags) + list(also)
    for what in bad:
        print("FAIL:", what)
    return 1 if bad else 0


class Sessions:
    """For a test of several sessions of one `wi ARGS...` (each run to its end): `check` runs one and
    checks it at once (as check_all), that the program ran to its end printing `text` (ran_to_end)
    included, so a failed session does not hide the ones after it; `status` is 1 after any failure."""

    def __init__(self, lldb, wi, args, text):
        self.lldb, self.wi, self.args, self.text = lldb, wi, args, text
        self.status = 0

    def check(self, commands, expect, after=()):
        out, status, guest_out = session(self.lldb, self.wi, self.args, commands, after)
        self.status |= check_all(out, expect, also=ran_to_end(status, guest_out, self.text))


def main(test):
    """A gdb_lldb*.py test's main: exits with `test(lldb, *ARGS)`, given lldb-22's path and the script's
    command-line arguments (1 on any failure, else 0). Without lldb-22, exits 77 (skip); a session that
    could not run to its end (Failed) is printed and fails the test."""
    lldb = lldb_or_skip()
    try:
        status = test(lldb, *sys.argv[1:])
    except Failed as e:
        print(e)
        status = 1
    sys.exit(status)
