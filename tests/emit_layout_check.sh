#!/bin/sh
# Typed emission (interp/emit_check.h) must reject a call whose operands differ from the op's layout:
# tests/emit_layout_probe.cc compiles with the matching call and must not compile with the short one,
# failing on emit's static_assert (not on anything else).
# usage: emit_layout_check.sh SOURCE_ROOT BUILD_ROOT PROBE COMPILER [ARGS...]
# (BUILD_ROOT holds the generated interp/regop_table.inc.)
set -u
root=$1 build=$2 probe=$3
shift 3
out=$("$@" -std=c++20 -fsyntax-only -I"$root" -I"$build" -DWI_PROBE_MATCHES "$probe" 2>&1) || {
  echo "emit-layout: the matching emit<> does not compile:"; echo "$out"; exit 1; }
if out=$("$@" -std=c++20 -fsyntax-only -I"$root" -I"$build" "$probe" 2>&1); then
  echo "emit-layout: emit<RegOp::Copy> with one operand compiled; Copy's layout is \"d s\""; exit 1
fi
case $out in
  *"emit<Op>: the arguments differ"*) echo "emit-layout: mismatched operands rejected at compile time"; exit 0 ;;
  *) echo "emit-layout: the probe failed for another reason:"; echo "$out"; exit 1 ;;
esac
