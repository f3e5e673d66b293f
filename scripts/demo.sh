#!/usr/bin/env bash
# Installs dependencies, builds a release wi in build/, and runs a small program: factorial of 20.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

if [[ ! -f build/meson-private/coredata.dat ]]; then
  meson setup build --buildtype=release
fi
meson compile -C build

wat2wasm tests/fixtures/wat/fac.wat -o build/fac.wasm
echo "\$ build/host/wi exec build/fac.wasm --invoke fac 20"
build/host/wi exec build/fac.wasm --invoke fac 20
