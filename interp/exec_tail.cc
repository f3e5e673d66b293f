// The tail-calling executor (clang >= 19): every handler of exec_handlers.inc is its own function and
// ends in a guaranteed tail call ([[clang::musttail]]) to the next instruction's handler. All handlers
// share one signature with the preserve_none convention, so the interpreter state of exec_core.h
// (ip, fp, mem, msize, cx, cf, inst, func) stays in registers across the whole chain, a leaf handler
// has no prologue or epilogue, and each handler ends in its own indirect jump (one per exit, which
// the branch predictor learns separately). There is no dispatch loop: the chain returns to
// interpret() only when the entry function returns or a trap unwinds.
// A handler unit is the handler's offset from h_Unreachable's address, as in exec.cc, so the
// translator and disassembler work on either executor's code alike.
#include "interp/exec_core.h"
#include "interp/regop_info.h"

#if !defined(__clang__) || !__has_attribute(preserve_none) || !__has_cpp_attribute(clang::musttail)
#error "exec_tail.cc needs clang's musttail and preserve_none (build with -Dcore=goto otherwise)"
#endif

namespace wi {
namespace {

#define WI_HARGS                                                                              \
  const uint32_t *ip, Slot *fp, uint8_t *mem, uint64_t msize, Activation *cx, CallFrame *cf, \
      Instance *inst, const FuncInst *func, Slot acc
#define WI_HPASS ip, fp, mem, msize, cx, cf, inst, func, acc
using Handler = __attribute__((preserve_none)) void (*)(WI_HARGS);

// Every handler starts on a 64-byte line. Without it a handler's place depends on the size of
// everything linked before it, and so did the speed of a tight loop: a change to translator code
// alone, with the register code unchanged, made simd_dot_scalar 9 to 11 % slower. Aligned (about
// 45 KB more code), the A/B against that build gave simd_dot_scalar 0.85, nbody 0.97, matmul 0.98,
// others within 1 %, CoreMark +2 %.
#define WI_HANDLER __attribute__((preserve_none, noinline, aligned(64)))
#define WI_OP(name) WI_HANDLER void h_##name(WI_HARGS)
// The first handler, the base of every handler unit, starts a 4 KiB page, and with it this file's
// code: where each handler sits within a page (what branch predictors index by) then no longer
// moves with the size of unrelated code linked before the executor. It did: this session's
// translator changes, with this file and the register code unchanged, moved the executor by 11 KiB
// and three A/B rounds gave fib 1.04 to 1.11 and vcalls 0.94 to 1.09 of the time; the same two
// sources built with this alignment (identical handler offsets) gave fib 1.02 and 0.97, vcalls 0.98
// and 0.94, on a machine noisy enough that +-3 % was noise.
__attribute__((aligned(4096))) WI_OP(Unreachable);
WI_OP(trap);
WI_OP(call_host);
WI_OP(tail_call_host);
WI_OP(unwind_exn);

// The handler a handler unit names. (Units as absolute addresses, a load and a jump in a non-PIE
// binary, were measured: no faster than this add, which is off the critical path.)
inline Handler handler_of(int32_t unit) {
  return reinterpret_cast<Handler>(reinterpret_cast<uintptr_t>(&h_Unreachable) + intptr_t(unit));
}
inline Handler handler_at(const uint32_t* ip) { return handler_of(int32_t(*ip)); }
#define NEXT() [[clang::musttail]] return handler_at(ip)(WI_HPASS)
// Dispatch of the instruction at ip when its handler unit is known already (a callee's entry_unit).
#define NEXT_UNIT(unit) [[clang::musttail]] return handler_of(int32_t(unit))(WI_HPASS)
#define TRAP(k)                                  \
  do {                                           \
    cx->trap_kind = (k);                         \
    [[clang::musttail]] return h_trap(WI_HPASS); \
  } while (0)
#define TRAP_PENDING()                           \
  do {                                           \
    [[clang::musttail]] return h_trap(WI_HPASS); \
  } while (0)
#define JUMP(name) [[clang::musttail]] return h_##name(WI_HPASS)
// The accumulator (exec_handlers.inc, WI_RESULT), set whole with its other bytes zero: a 32-bit result
// then costs one zero-extending move, where setting the member alone would keep the old upper bits.
#define WI_SET_ACC(field, value) \
  do {                           \
    Slot a_;                     \
    a_.i64 = 0;                  \
    a_.field = (value);          \
    acc = a_;                    \
  } while (0)
#define WI_SET_ACC_SLOT(slot) (acc = (slot))
#define LEAVE()                         \
  do {                                  \
    ExecAccess::set_frame_top(*cx, cf); \
    return;                             \
  } while (0)

#include "interp/exec_handlers.inc"

// Pair ops (pairs.def): the head's body, whose dispatch of the instruction right after it becomes a
// jump to the tail's body in the same handler, which then dispatches as usual. Both bodies come from
// exec_handlers.inc again, each handler guarded by `if constexpr` on the op it implements, so one
// template serves every row and the compiler keeps the two bodies whose guards hold. The tail's own
// handler unit and operands are still in the code where the head leaves ip. A head that branches,
// calls or returns dispatches as usual wherever it went; for a head that always goes on to the next
// instruction the test `ip == next` is known true at compile time and costs nothing.
// Form F > 0: the tail's operand unit F holds the same slot index as the head's unit 1 (the
// translator checked, interp/pairs.cc), so the tail reads that slot through the head's index: the
// same address to the compiler, which then takes the value from the register the head computed it
// in rather than storing and reloading it (the store still happens).
namespace op_id {
#define WI_OP_NAME(name) [[maybe_unused]] constexpr RegOp name = RegOp::name;
#include "interp/regop_list.inc"
// Internal handlers of exec_handlers.inc are never a pair's part.
[[maybe_unused]] constexpr RegOp call_host = RegOp::Count_;
[[maybe_unused]] constexpr RegOp tail_call_host = RegOp::Count_;
[[maybe_unused]] constexpr RegOp unwind_exn = RegOp::Count_;
}  // namespace op_id

// HeadAcc: the head reads an operand from the accumulator, the unit of its first accumulator form.
template <RegOp Head, RegOp Tail, unsigned Form, bool HeadAcc>
WI_HANDLER void h_pair(WI_HARGS) {
  constexpr unsigned kHeadAccUnit =
      HeadAcc && first_acc_form(Head) != RegOp::Count_ ? acc_parts(first_acc_form(Head)).unit : 0;
  constexpr unsigned kHeadUnits = fixed_units(Head);  // evaluated here, never at run time
  static_assert(kHeadUnits != 0, "a pair's head has a fixed length");
  const uint32_t* const next = ip + kHeadUnits;
  const uint32_t head_unit1 = ip[1];
#undef WI_OP
#undef NEXT
#define WI_OP(name) if constexpr (Head == op_id::name)
#define NEXT()                                       \
  do {                                               \
    if (ip == next) goto tail;                       \
    [[clang::musttail]] return handler_at(ip)(WI_HPASS); \
  } while (0)
#define WI_SLOT_OPERAND(i) (*((i) == kHeadAccUnit ? &acc : &fp[ip[i]]))
#include "interp/exec_handlers.inc"
#undef WI_SLOT_OPERAND
  __builtin_unreachable();
tail:
#undef WI_OP
#undef NEXT
#define WI_OP(name) if constexpr (Tail == op_id::name)
#define NEXT() [[clang::musttail]] return handler_at(ip)(WI_HPASS)
#define WI_SLOT_OPERAND(i) fp[(Form != 0 && (i) == Form) ? head_unit1 : ip[i]]
#include "interp/exec_handlers.inc"
#undef WI_SLOT_OPERAND
  (void)head_unit1;
  __builtin_unreachable();
}

// Triple ops (triples.def): h_pair with one more body between. The head goes on to the middle op,
// the middle op to the tail, each only where it would have gone on to the next instruction; F1 and
// F2 hand the head's result to the middle op and the middle op's to the tail as a pair's form does.
template <RegOp A, RegOp B, RegOp C, unsigned F1, unsigned F2, bool HeadAcc>
WI_HANDLER void h_triple(WI_HARGS) {
  constexpr unsigned kHeadAccUnit =
      HeadAcc && first_acc_form(A) != RegOp::Count_ ? acc_parts(first_acc_form(A)).unit : 0;
  constexpr unsigned kHeadUnits = fixed_units(A), kMiddleUnits = fixed_units(B);  // never at run time
  static_assert(kHeadUnits != 0 && kMiddleUnits != 0, "a triple's head and middle have fixed lengths");
  const uint32_t* const next = ip + kHeadUnits;
  const uint32_t* const last = next + kMiddleUnits;
  const uint32_t head_unit1 = ip[1];
  uint32_t middle_unit1;
#undef WI_OP
#undef NEXT
#define WI_OP(name) if constexpr (A == op_id::name)
#define NEXT()                                           \
  do {                                                   \
    if (ip == next) goto middle;                         \
    [[clang::musttail]] return handler_at(ip)(WI_HPASS); \
  } while (0)
#define WI_SLOT_OPERAND(i) (*((i) == kHeadAccUnit ? &acc : &fp[ip[i]]))
#include "interp/exec_handlers.inc"
#undef WI_SLOT_OPERAND
  __builtin_unreachable();
middle:
  middle_unit1 = ip[1];
#undef WI_OP
#undef NEXT
#define WI_OP(name) if constexpr (B == op_id::name)
#define NEXT()                                           \
  do {                                                   \
    if (ip == last) goto tail;                           \
    [[clang::musttail]] return handler_at(ip)(WI_HPASS); \
  } while (0)
#define WI_SLOT_OPERAND(i) fp[(F1 != 0 && (i) == F1) ? head_unit1 : ip[i]]
#include "interp/exec_handlers.inc"
#undef WI_SLOT_OPERAND
  __builtin_unreachable();
tail:
#undef WI_OP
#undef NEXT
#define WI_OP(name) if constexpr (C == op_id::name)
#define NEXT() [[clang::musttail]] return handler_at(ip)(WI_HPASS)
#define WI_SLOT_OPERAND(i) fp[(F2 != 0 && (i) == F2) ? middle_unit1 : ip[i]]
#include "interp/exec_handlers.inc"
#undef WI_SLOT_OPERAND
  (void)head_unit1, (void)middle_unit1;
  __builtin_unreachable();
}

// Accumulator forms (acc.def): Base's body with its operand unit Unit read from the accumulator,
// where the instruction before it left the value (interp/accumulator.h).
template <RegOp Base, unsigned Unit>
WI_HANDLER void h_acc(WI_HARGS) {
#undef WI_OP
#define WI_OP(name) if constexpr (Base == op_id::name)
#define WI_SLOT_OPERAND(i) (*((i) == Unit ? &acc : &fp[ip[i]]))
#include "interp/exec_handlers.inc"
#undef WI_SLOT_OPERAND
  __builtin_unreachable();
}
// The variants the passes can never ask for share another's handler, so they cost no code: a HeadAcc
// variant whose head has no accumulator form, and a form F whose tail's unit F is no source slot (or
// whose head writes no slot through unit 1) run as form 0 (interp/pairs.cc, pair_form_at).
template <RegOp Head, RegOp Tail, unsigned Form, bool HeadAcc>
constexpr Handler pair_handler() {
  constexpr bool kHeadAcc = HeadAcc && first_acc_form(Head) != RegOp::Count_;
  constexpr bool kFormUsable =
      Form != 0 && layout_unit_kinds(kRegOpInfo[unsigned(Head)].operands)[1] == UnitKind::DestSlot &&
      layout_unit_kinds(kRegOpInfo[unsigned(Tail)].operands)[Form] == UnitKind::SourceSlot;
  return &h_pair<Head, Tail, kFormUsable ? Form : 0, kHeadAcc>;
}
#undef WI_OP
#define WI_OP(name) WI_HANDLER void h_##name(WI_HARGS)

// Unwinds the trap cx->trap_kind at ip; the chain ends here.
WI_OP(trap) {
  (void)mem, (void)msize, (void)fp, (void)inst, (void)acc;
  exec_unwind(*cx, cf, func, ip);
}

#undef NEXT
#undef NEXT_UNIT
#undef TRAP
#undef TRAP_PENDING
#undef LEAVE
#undef JUMP
#undef WI_SET_ACC
#undef WI_SET_ACC_SLOT

const int32_t* make_handler_table() {
  static int32_t offsets[kRegOpCount];
  const uintptr_t base = reinterpret_cast<uintptr_t>(&h_Unreachable);
  unsigned i = 0;
#define WI_OP_NAME(name) offsets[i++] = int32_t(reinterpret_cast<uintptr_t>(&h_##name) - base);
#define WI_ACC_OP_NAME(b, u) offsets[i++] = int32_t(reinterpret_cast<uintptr_t>(&h_acc<RegOp::b, u>) - base);
#define WI_PAIR_NAME(a, b, f, h) \
  offsets[i++] = int32_t(reinterpret_cast<uintptr_t>(pair_handler<RegOp::a, RegOp::b, f, h>()) - base);
#define WI_TRIPLE_NAME(a, b, c, f1, f2, h)                                                                   \
  offsets[i++] = int32_t(                                                                                     \
      reinterpret_cast<uintptr_t>(                                                                            \
          &h_triple<RegOp::a, RegOp::b, RegOp::c, f1, f2, h && first_acc_form(RegOp::a) != RegOp::Count_>) - \
      base);
#include "interp/regop_list.inc"
  return offsets;
}

}  // namespace

Trap interpret(Store& store, const FuncInst* f, Slot* fp) {
  Activation a;
  CallFrame* cf = nullptr;
  if (!ExecAccess::enter(store, f, fp, a, cf)) return a.trap;
  Instance* inst = f->instance;
  Memory* m0 = inst->memory0;
  const uint32_t* ip = f->code->code.data();
  handler_at(ip)(ip, fp, m0 ? m0->data : nullptr, m0 ? m0->size : 0, &a, cf, inst, f, Slot{});
  return a.trap;
}

const int32_t* handler_offsets() {
  static const int32_t* table = make_handler_table();
  return table;
}

}  // namespace wi
