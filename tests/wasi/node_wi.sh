#!/bin/sh
# `wi`-compatible wrapper around node's WASI (see node_wi.mjs); usable as the WI argument of run_test.sh.
exec node --no-warnings "$(dirname "$0")/node_wi.mjs" "$@"
