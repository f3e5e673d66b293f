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
//   Stack         every point (Instr and Return) also records the whole wasm operand stack of the frame
//                 as it is when the point is reached (`in` being its top entries), for debuggers
//                 (qWasmStackValue, DW_OP_WASM_location 2). Entries are not always in a slot of their
//                 own there: a local.get or a constant stays virtual until something needs it in a
//                 slot, so each entry has a TraceLoc. A frame stopped at a call (a caller) still has
//                 the entries below the call's `in`: the callee's frame lies above them.
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

// One entry of an operand stack layout. Layouts are stored as a tree: an entry names the entry
// below it, so the layouts of a function's points share their common bottoms (stacks mostly grow and
// shrink at the top) and a point needs only the index of its top entry.
struct TraceStackEntry {
  static constexpr uint32_t kNone = UINT32_MAX;
  TraceLoc loc;
  uint32_t below = kNone;  // index in TraceInfo::stack of the entry under this one; kNone: the bottom
  uint32_t depth = 1;      // entries from the bottom up to this one, itself included
};

struct TracePoint {
  enum Kind : uint8_t { Instr, Return };
  Kind kind = Instr;
  uint32_t offset = 0;                    // wasm file offset of the instruction
  uint32_t first_in = 0, first_out = 0;   // indices into TraceInfo::locs
  uint16_t n_in = 0, n_out = 0;
  uint32_t stack_top = TraceStackEntry::kNone;  // the operand stack's top entry in TraceInfo::stack
};

// A traced function's trace points (indexed by the Trace op's operand) and its locals' layout.
struct TraceInfo {
  std::vector<TracePoint> points;
  std::vector<TraceLoc> locs;
  std::vector<ValType> local_types;  // params then declared locals
  std::vector<uint32_t> local_slots; // frame slot of each local
  std::vector<TraceStackEntry> stack;  // the points' operand stack layouts (TracePoint::stack_top)
  const TraceLoc* in(const TracePoint& p) const { return locs.data() + p.first_in; }
  const TraceLoc* out(const TracePoint& p) const { return locs.data() + p.first_out; }
  // How many values are on the operand stack at `p`.
  uint32_t stack_depth(const TracePoint& p) const {
    return p.stack_top == TraceStackEntry::kNone ? 0 : stack[p.stack_top].depth;
  }
  // Where operand stack entry `index` is at `p`, counted from the bottom of the frame's stack (0, as
  // LLVM's DW_OP_WASM_location 2 counts); null past the top.
  const TraceLoc* stack_entry(const TracePoint& p, uint32_t index) const {
    uint32_t at = p.stack_top;
    while (at != TraceStackEntry::kNone && stack[at].depth > index + 1) at = stack[at].below;
    return at != TraceStackEntry::kNone && stack[at].depth == index + 1 ? &stack[at].loc : nullptr;
  }
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
