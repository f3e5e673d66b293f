# Runtime adapter for the official WebAssembly/wasi-testsuite runner
# (https://github.com/WebAssembly/wasi-testsuite, test-runner/): turns a test's parameters (wasm file,
# arguments, environment, preopened root) into a `wi exec` command line, modelled on the suite's own
# adapters/wasmtime.py. The runner loads this file as a module; `WI` names the binary (default `wi` on
# PATH), e.g. WI=build/host/wi. wi implements WASI preview1 only, so only wasm32-wasip1 suites run.
import os
import shlex
import subprocess
from typing import Dict, List, Optional, Tuple

WI = shlex.split(os.getenv("WI", "wi"))


def get_name() -> str:
    return "wi"


def get_version() -> str:
    # `wi` has no --version; the binary's identity is what matters in a report, so name its path.
    # Running `wi` with no arguments checks the binary exists (FileNotFoundError marks the adapter
    # unavailable, which is how the runner expects a missing runtime to be reported).
    subprocess.run(WI[0:1], capture_output=True, check=False)
    return os.path.realpath(WI[0]) if os.path.sep in WI[0] else WI[0]


def get_wasi_versions() -> List[str]:
    return ["wasm32-wasip1"]


def get_wasi_worlds() -> List[str]:
    return ["wasi:cli/command"]


def compute_argv(test_path: str,
                 args_env_root: Tuple[List[str], Dict[str, str], Optional[str]],
                 proposals: List[str],
                 wasi_world: str,
                 wasi_version: str) -> List[str]:
    # pylint: disable-msg=unused-argument
    args, env, root = args_env_root
    argv = WI[0:1] + ["exec", test_path] + WI[1:]
    for k, v in env.items():
        argv += ["--env", f"{k}={v}"]
    if root:
        # The tests expect their fixture directory as the guest's "/" (as wasmtime --dir ROOT::/).
        argv += ["--dir", f"{root}::/"]
    argv += ["--"] + args
    return argv
