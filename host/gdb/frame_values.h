// The values of a stopped wasm frame as the stub's qWasm* packets reply them (docs/debugging.md):
// little-endian hex of 4, 8 or 16 bytes by type, for a frame slot or a constant the translator never
// put in a slot, and which operand stack entry a qWasmStackValue index names at a trace point.
// Policy: indices come from the client; anything that names no value gets E03, never a read outside the
// frame's recorded layout.
#pragma once
#include <cstdint>
#include <string>
#include "interp/trace.h"

namespace wi::gdb {

// The value of type `t` in slot `s` (a v128: this slot and the next); E03 for references, which have
// no bytes to show.
std::string value_hex(ValType t, const Slot* s);

// qWasmStackValue's reply for operand stack entry `index` (0: the bottom of the frame's stack, as
// LLVM numbers DW_OP_WASM_location 2) of a frame at trace point `p` with frame pointer `fp`. A caller
// (stopped at its call, `caller` true) has only the entries below the call's operands: the call took
// those, and the callee's frame overlays their slots.
std::string stack_value(const TraceInfo& ti, const TracePoint& p, const Slot* fp, bool caller, uint64_t index);

}  // namespace wi::gdb
