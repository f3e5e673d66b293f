// Tracing support in the interpreter (docs/trace.md). A traced translation (CompileOptions::trace)
// puts a Trace op before every wasm instruction and before every return; the op names a TracePoint of
// its function, which says where the instruction's operands and results live in the frame. The Trace
// handler calls the Store's Tracer. Untraced translations contain no Trace ops, so code that is not
// traced runs exactly as if tracing did not exist (no flag is tested anywhere in the hot loop).
//
// What the translator records (a value's location is valid at the trace point that lists it):
//   Instr point   before the code of one wasm instruction. `in` lists the values it consumes (top of
//                 the operand stack, bottom first); `out` lists where the values it produces are once
//                 it has run, valid at the next trace point of the same frame. Control instructions
//                 (block ... return) list no results; `br`/`br_table`/`return` list no operands either
//                 (the values a branch carries are not consumed).
//   Return point  just before the function returns to its caller, whatever wasm instruction made it
//                 return (`end`, `return`, a branch to the function's label); `in` lists the results.
// Loops: a branch to a loop jumps past the loop's own Instr point, so `loop` counts once. Blocks: the
// Instr point of `end` is where fall-through and branches to the block's label meet, so it counts
// whenever control reaches the end of the block (docs/trace.md).
#pragma once
#include <cstdint>
#include <vector>
#include "decoder/types.h"
#include "interp/value.h"

namespace wi {

class Store;
struct FuncInst;

// Where a traced value is: a frame slot (a v128 takes this slot and the next) or a constant.
struct TraceLoc {
  ValType type = ValType::I32;
  bool is_const = false;
  uint32_t slot = 0;
  uint64_t bits[2] = {0, 0};  // is_const: the value's bits
};

struct TracePoint {
  enum Kind : uint8_t { Instr, Return };
  Kind kind = Instr;
  uint32_t offset = 0;                    // wasm file offset of the instruction
  uint32_t first_in = 0, first_out = 0;   // indices into TraceInfo::locs
  uint16_t n_in = 0, n_out = 0;
};

// A traced function's trace points (indexed by the Trace op's operand) and its locals' layout.
struct TraceInfo {
  std::vector<TracePoint> points;
  std::vector<TraceLoc> locs;
  std::vector<ValType> local_types;  // params then declared locals
  std::vector<uint32_t> local_slots; // frame slot of each local
  const TraceLoc* in(const TracePoint& p) const { return locs.data() + p.first_in; }
  const TraceLoc* out(const TracePoint& p) const { return locs.data() + p.first_out; }
};

struct TraceEvent {
  Store& store;
  const FuncInst* func;  // the running function; func->code->trace holds `point`
  Slot* fp;              // its frame
  const TracePoint& point;
  // Frames on the store's call stack: one more for each wasm call and for each entry from the host
  // (a host function calling back into wasm), so a callee always runs one deeper than its caller.
  size_t depth;
};

// Receives every trace point of traced code run by a Store (Store::tracer). Returning false stops the
// guest with `trap` (the tracer sets its kind and message), unwinding like any trap.
class Tracer {
 public:
  virtual ~Tracer() = default;
  virtual bool on_trace(const TraceEvent& e, Trap& trap) = 0;
};

}  // namespace wi
