#!/usr/bin/env bash
# Installs dependencies, builds a release wi in build/ (with libc.wasm made from Debian's wasi-libc and
# the C example compiled and wasmified), and runs it dynamically linked: `wi exec hello.wasm --lib libc.wasm`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [[ ! -f build/meson-private/coredata.dat ]]; then
  meson setup build --buildtype=release --native-file scripts/clang-22.ini
fi
meson compile -C build

echo "\$ build/host/wi exec build/examples/hello.wasm --lib build/guest/libc.wasm -- one two"
build/host/wi exec build/examples/hello.wasm --lib build/guest/libc.wasm -- one two
