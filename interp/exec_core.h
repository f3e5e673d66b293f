// What the two executors share: the activation record that lives outside registers, the slow paths
// (host calls, trace hooks, unwinding a trap) and the macros the handler bodies are written against.
// The handler bodies themselves (exec_handlers.inc) are written once and expanded by either executor:
//   exec.cc       every compiler: one function, handlers are labels, dispatch by computed goto;
//   exec_tail.cc  clang (>= 19): every handler a function ending in a guaranteed tail call
//                 ([[clang::musttail]]) with the preserve_none convention, so the interpreter state
//                 travels in registers from handler to handler and there is no dispatch loop.
// Both dispatch on the same code: a handler unit is a 32-bit offset from the executor's base
// (a label, or the first handler function), so translated code does not depend on which one runs.
//
// State a handler body may use (registers in exec_tail.cc, locals in exec.cc):
//   ip    the current instruction (its handler unit);  fp    the frame's slot 0
//   mem   linear memory 0 of `inst`, msize its size;    cf    the next free call-frame record
//   inst  the running function's instance;              func  the running function
//   cx    the Activation (slow-path state)
#pragma once
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include "interp/numeric.h"
#include "interp/regop.h"
#include "interp/simd.h"
#include "interp/store.h"

namespace wi {

using CallFrame = Store::CallFrame;

// Everything of one interpret() call that the fast path never touches.
struct Activation {
  Store* store = nullptr;
  CallFrame* frames = nullptr;     // the store's frame records
  CallFrame* entry_cf = nullptr;   // the sentinel record below the entry function's frame
  CallFrame* frames_end = nullptr;
  Slot* stack_end = nullptr;
  TrapKind trap_kind = TrapKind::None;  // set by TRAP(kind); unwind() turns it into `trap`
  Trap trap;
  const FuncInst* host_callee = nullptr;  // a host call in progress (exec_handlers.inc, call_host)
  Slot* host_args = nullptr;
  ExnInst* exn = nullptr;  // the exception being thrown (Throw, ThrowRef, unwind_exn)
  // Traced code only (interp/snapshot.h): which interpret() call this is (a snapshot resumes only in
  // the one it was taken in), the Trace op being served, and a restored snapshot's registers, which
  // the Trace handler loads instead of going on (resume set by exec_trace, cleared by the handler).
  uint64_t serial = 0;
  const uint32_t* trace_ip = nullptr;
  bool resume = false;
  const uint32_t* resume_ip = nullptr;
  Slot* resume_fp = nullptr;
  CallFrame* resume_cf = nullptr;
  const FuncInst* resume_func = nullptr;
};

// The executors' access to the store's execution stack (Store keeps it private).
struct ExecAccess {
  // Sets up `a` for running `entry` with its arguments at `fp`; false (with a.trap set) when the
  // stack or the frame records are exhausted already. Pushes the sentinel record and zeroes the locals.
  static bool enter(Store& store, const FuncInst* entry, Slot* fp, Activation& a, CallFrame*& cf);
  static void set_frame_top(Activation& a, CallFrame* cf) { a.store->frame_top_ = size_t(cf - a.frames); }
  static Slot*& stack_top(Store& s) { return s.stack_top_; }
  // For snapshots (interp/snapshot.cc): the store's objects and execution stack.
  static Slot* stack_base(Store& s) { return s.stack_.get(); }
  static std::vector<CallFrame>& frames(Store& s) { return s.frames_; }
  static size_t& frame_top(Store& s) { return s.frame_top_; }
  static std::deque<Memory>& memories(Store& s) { return s.memories_; }
  static std::deque<GlobalInst>& globals(Store& s) { return s.globals_; }
  static std::deque<Table>& tables(Store& s) { return s.tables_; }
  static size_t exceptions(const Store& s) { return s.exceptions_.size(); }
  // The activation whose Trace op is serving the tracer now (exec_trace), or null: snapshots are
  // taken and restored through it (interp/snapshot.cc).
  static Activation*& serving_trace(Store& s) { return s.serving_trace_; }
};

// The function call_indirect and return_call_indirect reach through table slot `index`, or the trap
// that stops them (one compare of canonical type ids checks the signature).
inline TrapKind indirect_callee(const Instance* inst, uint32_t table, uint32_t type, uint32_t index,
                                const FuncInst*& callee) {
  const Table* t = inst->tables[table];
  if (index >= t->elems.size()) return TrapKind::UndefinedElement;
  callee = static_cast<const FuncInst*>(t->elems[index]);
  if (!callee) return TrapKind::UninitializedElement;
  if (callee->type_id != inst->type_ids[type]) return TrapKind::IndirectCallTypeMismatch;
  return TrapKind::None;
}

// A call of a host function with its arguments at `args`; false with a.trap_kind set when it failed
// (one that fails without saying why still stops the guest).
bool exec_call_host(Activation& a, Instance* inst, CallFrame* cf, const FuncInst* f, Slot* args);
// A call of a function that is not ready (FuncInst::prepare: lazy compilation, a PLT stub): makes it
// ready and returns the function to call instead, in this activation; null with a.trap_kind set.
const FuncInst* exec_prepare(Activation& a, const FuncInst* f);
// Exception handling (Wasm 3.0). A new exception of `tag` with its values at `payload`.
ExnInst* exec_new_exception(Activation& a, const TagInst* tag, const Slot* payload);
// Finds the catch clause for a.exn from the instruction at `ip` outward through this activation's
// frames; on a match moves the state there (values placed, ip at the clause's pad) and returns true.
// Else leaves the state as it is, with the trap UncaughtException set, and returns false.
bool exec_catch(Activation& a, CallFrame*& cf, const FuncInst*& func, Slot*& fp, Instance*& inst,
                const uint32_t*& ip);
// After a host call failed: true (a.exn set, the trap cleared) when what stopped it was a wasm
// exception a nested activation did not catch, which goes on being thrown here.
bool exec_rethrow_from_host(Activation& a);
// Return n: copies the n slots the instruction at `ip` names to slots [0, n) (they may overlap).
void exec_copy_results(Slot* fp, const uint32_t* ip);
// The Trace op at `ip`: calls the store's tracer; false (a.trap set) when it stops the guest. When the
// tracer restored a snapshot (interp/snapshot.h), returns true with a.resume set.
bool exec_trace(Activation& a, const FuncInst* func, Slot* fp, const uint32_t* ip, CallFrame* cf);
// Ends the activation with the trap a.trap_kind at `ip` in `func`: records where each frame pushed by
// this activation was, pops them, and leaves the result in a.trap.
void exec_unwind(Activation& a, CallFrame* cf, const FuncInst* func, const uint32_t* ip);

// Operand types of numeric.def rows: the Slot field, the C type, the width of an immediate in units.
#define WI_FIELD_I32 i32
#define WI_FIELD_I64 i64
#define WI_FIELD_F32 f32
#define WI_FIELD_F64 f64
#define WI_FIELD(t) WI_FIELD_##t
#define WI_CTYPE_I32 uint32_t
#define WI_CTYPE_I64 uint64_t
#define WI_CTYPE_F32 float
#define WI_CTYPE_F64 double
#define WI_CTYPE(t) WI_CTYPE_##t
#define WI_IMMW_I32 1
#define WI_IMMW_I64 2
#define WI_IMMW_F32 1
#define WI_IMMW_F64 2
#define WI_IMMW(t) WI_IMMW_##t
#define WI_IMM_I32(p) (p)[0]
#define WI_IMM_I64(p) (uint64_t((p)[0]) | (uint64_t((p)[1]) << 32))
#define WI_IMM_F32(p) std::bit_cast<float>((p)[0])
#define WI_IMM_F64(p) std::bit_cast<double>(WI_IMM_I64(p))
#define WI_IMM(t, p) WI_IMM_##t(p)

// Every non-trapping binary op as a function, so fused ops (fused.def) share numeric.def's semantics.
namespace ops {
#define WI_UN(name, R, A, expr)
#define WI_UN_T(name, R, A, stmts)
#define WI_BIN_T(name, R, A, stmts)
#define WI_BIN(name, R, A, expr) \
  static inline WI_CTYPE(R) name(WI_CTYPE(A) a, WI_CTYPE(A) b) { return WI_CTYPE(R)(expr); }
#include "interp/numeric.def"
#undef WI_UN
#undef WI_UN_T
#undef WI_BIN
#undef WI_BIN_T
}  // namespace ops

}  // namespace wi
