#!/usr/bin/env bash
# Installs dependencies, builds a release wi in build/ (with the C example compiled to wasm32-wasi by
# clang and wasi-libc), and runs it: `wi exec hello.wasm -- ...`. With the dynamic linker this becomes
# `wi exec hello.wasm --lib libc.wasm`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [[ ! -f build/meson-private/coredata.dat ]]; then
  meson setup build --buildtype=release
fi
meson compile -C build

echo "\$ build/host/wi exec build/examples/hello.wasm -- one two"
build/host/wi exec build/examples/hello.wasm -- one two
