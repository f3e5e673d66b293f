#!/usr/bin/env bash
# Installs everything wi needs to build and test on Debian 12 (run as root, or with sudo available).
# Idempotent: when every package is already installed it touches nothing and returns at once.
set -euo pipefail

packages=(
  meson ninja-build g++ pkg-config
  # Debian 12 has no libboost-json-dev; the versioned 1.81 packages are the ones that carry Boost.JSON.
  libboost1.81-dev libboost-program-options1.81-dev libboost-json1.81-dev libboost-container1.81-dev
  doctest-dev libbenchmark-dev libfmt-dev libedit-dev
  # The static archives a static wi links (libedit's own dependencies; glibc's and libstdc++'s come
  # with g++).
  libbsd-dev libmd-dev libncurses-dev
  # Building C to wasm32-wasi for test programs.
  clang lld wasi-libc libclang-rt-14-dev libclang-rt-14-dev-wasm32
  # Debian 12's security updates carry clang-22/lld-22: guest/wi-cc prefers them (tail calls, wasm EH),
  # and wi builds with them (scripts/clang-22.ini: their musttail and preserve_none give the tail-calling
  # executor, docs/interpreter.md).
  clang-22 lld-22
  wabt nodejs python3
  # GNU time: bench/run_programs.py reads each runtime's peak RSS from it.
  time
  # binaryen (wasm-opt -ttf) generates the modules of the differential fuzzer, tests/fuzz/diff_exec.py.
  binaryen
  # llvm-dwarfdump: tests compare wi's reading of DWARF line tables with LLVM's.
  llvm
  # The debugger the `wi exec --gdb` tests drive (its wasm process plugin; Debian 12 ships it from
  # bookworm-security). The tests skip without it. It also carries lldb-dap-22, the debug adapter VS
  # Code's LLDB DAP extension runs (tests/debug/dap_session.py; `dpkg -S /usr/bin/lldb-dap-22`): there
  # is no separate lldb-dap package to add.
  lldb-22
)

missing=()
for p in "${packages[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo=()
if [[ "$(id -u)" != 0 ]]; then
  if ! command -v sudo >/dev/null; then
    echo "install-deps: missing packages and not root (no sudo either): ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi
"${sudo[@]}" apt-get update
"${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
