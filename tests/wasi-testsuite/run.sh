#!/bin/bash
# Runs the official WebAssembly/wasi-testsuite (C, Rust and AssemblyScript wasm32-wasip1 suites) against
# `wi` with tests/wasi-testsuite/wi.py as the runtime adapter, through the suite's own runner.
#   tests/wasi-testsuite/run.sh TESTSUITE_CHECKOUT WI_BINARY [runner options...]
# TESTSUITE_CHECKOUT is a checkout of https://github.com/WebAssembly/wasi-testsuite holding the prebuilt
# binaries (branch prod/testsuite-base: tests/{c,rust,assemblyscript}/testsuite/wasm32-wasip1/*.wasm
# with their .json specs). Not part of CI or `meson test`: the prebuilt binaries are not in this
# repository (they are fetched code), so this is run by hand.
# The runner needs python >= 3.12 (it tests `str in EnumClass`, a TypeError before 3.12): set PYTHON,
# or python3.13/python3.12/python3 is taken from PATH (pyenv's `PYENV_VERSION=3.12.1` works). Its one
# third-party import that CLI tests reach is colorama (console colours); where it is not installed (no
# PyPI here) a stand-in module with the same names and empty colour codes is put on PYTHONPATH.
# The runner mutates the fixture directories (fs-tests.dir) while it runs, and cleans what it creates
# (*.cleanup): use a scratch checkout, not one you care about.
set -eu
if [ $# -lt 2 ]; then
  echo "usage: $0 TESTSUITE_CHECKOUT WI_BINARY [runner options...]" >&2
  exit 2
fi
suite=$(cd "$1" && pwd)
wi=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
shift 2
here=$(cd "$(dirname "$0")" && pwd)
[ -x "$wi" ] || { echo "$0: $wi is not executable" >&2; exit 2; }
[ -f "$suite/test-runner/wasi_test_runner.py" ] || { echo "$0: no test-runner in $suite" >&2; exit 2; }
suites=()
for lang in c rust assemblyscript; do
  d=$suite/tests/$lang/testsuite/wasm32-wasip1
  [ -d "$d" ] && suites+=("$d")
done
[ ${#suites[@]} -gt 0 ] || { echo "$0: no tests/*/testsuite/wasm32-wasip1 in $suite" >&2; exit 2; }
py=${PYTHON:-}
if [ -z "$py" ]; then
  for cand in python3.13 python3.12 python3; do
    if "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then py=$cand; break; fi
  done
fi
if [ -z "$py" ] || ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
  echo "$0: no python >= 3.12 found${py:+ ($py is older or missing)} (set PYTHON)" >&2
  exit 2
fi
if ! "$py" -c 'import colorama' 2>/dev/null; then
  shim=$(mktemp -d)
  trap 'rm -rf "$shim"' EXIT
  cat > "$shim/colorama.py" <<'PY'
# Stand-in for colorama (not installable here): the names the runner's console reporter uses, no colours.
class _Codes:
    def __getattr__(self, name):
        return ""
Fore = _Codes()
Style = _Codes()
def init(*args, **kwargs):
    pass
PY
  export PYTHONPATH=$shim${PYTHONPATH:+:$PYTHONPATH}
fi
# Each test's "root" (its preopen, mapped to the guest's "/") is resolved beside its .json spec.
WI=$wi "$py" "$suite/test-runner/wasi_test_runner.py" -r "$here/wi.py" -t "${suites[@]}" "$@"
