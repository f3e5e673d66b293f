// Values of stopped frames for the stub's qWasm* packets (host/gdb/frame_values.h).
#include "host/gdb/frame_values.h"
#include <algorithm>
#include "host/gdb/packet.h"

namespace wi::gdb {

std::string value_hex(ValType t, const Slot* s) {
  switch (t) {
    case ValType::I32: case ValType::F32: return hex_le(s->i32, 4);
    case ValType::I64: case ValType::F64: return hex_le(s->i64, 8);
    case ValType::V128: return hex_le(s[0].i64, 8) + hex_le(s[1].i64, 8);
    default: return "E03";  // references have no bytes to show
  }
}

std::string stack_value(const TraceInfo& ti, const TracePoint& p, const Slot* fp, bool caller, uint64_t index) {
  uint32_t depth = ti.stack_depth(p);
  // A caller's point is its call instruction: the call consumed its `in` entries (the arguments and a
  // call_indirect's table index), which now are the callee's locals.
  if (caller) depth -= std::min<uint32_t>(depth, p.n_in);
  if (index >= depth) return "E03";
  const TraceLoc* l = ti.stack_entry(p, uint32_t(index));
  if (!l) return "E03";
  if (!l->is_const) return value_hex(l->type, fp + l->slot);
  // A constant the translator kept out of the frame (it is an immediate of the code that uses it).
  Slot s[2];
  s[0].i64 = l->bits[0];
  s[1].i64 = l->bits[1];
  return value_hex(l->type, s);
}

}  // namespace wi::gdb
