# The scaffolding the reverse_*.py tests share, and nothing they check: one `wi debug MODULE --commands
# FILE` session run to its end, its commands written to a temporary file, wi's failure ending the test.
# Each test keeps its own commands and reads the transcript itself.
import contextlib
import os
import subprocess
import sys
import tempfile


def wi_debug(wi, module, commands, args=(), stdin_path=None, timeout=300):
    """wi's stdout from `wi debug MODULE --commands FILE ARGS...`, FILE holding `commands` one a line, with
    stdin from `stdin_path` (without one, the test's own stdin). A session that exits non-zero or writes
    to stderr ends the test (sys.exit with wi's stderr): no transcript of it could be compared."""
    with tempfile.NamedTemporaryFile("w", suffix=".commands", delete=False) as f:
        f.write("\n".join(commands) + "\n")
        name = f.name
    try:
        with open(stdin_path, "rb") if stdin_path else contextlib.nullcontext() as stdin:
            r = subprocess.run([wi, "debug", module, "--commands", name, *args], stdin=stdin,
                               capture_output=True, text=True, timeout=timeout)
    finally:
        os.unlink(name)
    if r.returncode != 0 or r.stderr:
        sys.exit(f"wi debug failed ({r.returncode}): {r.stderr}")
    return r.stdout
