// The portable executor: every handler of exec_handlers.inc is a label in one function and dispatch
// is direct threading with computed goto (g++ and clang). Guest calls never recurse on the C++ stack:
// frames live in the store's frame records and value stack. The hot state (interp/exec_core.h) is
// locals the compiler keeps in registers as far as it can. Built where the tail-calling executor
// (exec_tail.cc) is not: `-Dcore=goto`, or a compiler without musttail and preserve_none.
#include "interp/exec_core.h"
#ifdef WI_PROFILE_OPS
#include "interp/op_profile.h"
#endif

namespace wi {

namespace {

// Runs `entry`, or with a null store only reports the handler table through `table` (label addresses
// are visible only inside this function).
Trap exec_run(Store* store, const FuncInst* entry, Slot* fp, const int32_t** table) {
  static const int32_t kOffsets[] = {
#define WI_OP_NAME(name) int32_t((char*)&&L_##name - (char*)&&L_Unreachable),
// A pair op (pairs.def) is a label that goes on to its head, which dispatches the tail as usual: the
// same code as exec_tail.cc runs, without the saving. With -Dprofile_ops a pair is its head itself,
// so the translator forms no pairs (interp/pairs.cc) and the counts are of ops one by one.
// An accumulator form likewise goes on to its base (this executor keeps no accumulator: the base
// reads the slot, which holds the same value); with -Dprofile_ops it is its base, and none is formed.
#ifdef WI_PROFILE_OPS
#define WI_PAIR_NAME(a, b, f, h) int32_t((char*)&&L_##a - (char*)&&L_Unreachable),
#define WI_TRIPLE_NAME(a, b, c, f1, f2, h) int32_t((char*)&&L_##a - (char*)&&L_Unreachable),
#define WI_ACC_OP_NAME(b, u) int32_t((char*)&&L_##b - (char*)&&L_Unreachable),
#else
#define WI_PAIR_NAME(a, b, f, h) int32_t((char*)&&L_Pair_##a##_then_##b##_##f##_##h - (char*)&&L_Unreachable),
#define WI_TRIPLE_NAME(a, b, c, f1, f2, h) \
  int32_t((char*)&&L_Triple_##a##_##b##_##c##_##f1##f2##_##h - (char*)&&L_Unreachable),
#define WI_ACC_OP_NAME(b, u) int32_t((char*)&&L_Acc##u##_##b - (char*)&&L_Unreachable),
#endif
#include "interp/regop_list.inc"
  };
  static_assert(sizeof(kOffsets) / sizeof(kOffsets[0]) == kRegOpCount);
  if (!store) {
    *table = kOffsets;
    return {};
  }
  const char* const base = (const char*)&&L_Unreachable;
  Activation activation;
  Activation* const cx = &activation;
  CallFrame* cf = nullptr;
  if (!ExecAccess::enter(*store, entry, fp, activation, cf)) return activation.trap;
  const FuncInst* func = entry;
  Instance* inst = entry->instance;
  const uint32_t* ip = entry->code->code.data();
  uint8_t* mem = nullptr;
  uint64_t msize = 0;
  // No accumulator here: accumulator forms run their base ops, which read the slot, so the writers'
  // WI_SET_ACC is nothing (a local per write would also grow this one function's frame, which every
  // nested activation, host -> wasm -> host, puts on the native stack). `acc` only keeps the handler
  // bodies' `(void)acc` valid.
  [[maybe_unused]] const bool acc = false;
#define WI_SET_ACC(field, value) ((void)0)
#define WI_SET_ACC_SLOT(slot) ((void)0)

#define WI_OP(name) L_##name:
#ifdef WI_PROFILE_OPS
  // -Dprofile_ops=true: count each dispatch and the one before it (op_profile.h).
  OpProfile* const profile = store->op_profile;
  const uint32_t* profile_prev = nullptr;
#define NEXT()                                \
  do {                                        \
    if (profile) {                            \
      profile->count(profile_prev, ip);       \
      profile_prev = ip;                      \
    }                                         \
    goto *(const void*)(base + int32_t(*ip)); \
  } while (0)
#define NEXT_UNIT(unit) NEXT()
#else
#define NEXT() goto *(const void*)(base + int32_t(*ip))
// Dispatch of the instruction at ip when its handler unit is known already (a callee's entry_unit).
#define NEXT_UNIT(unit) goto *(const void*)(base + int32_t(unit))
#endif
#define TRAP(k)              \
  do {                       \
    cx->trap_kind = (k);     \
    goto L_trap;             \
  } while (0)
#define TRAP_PENDING() goto L_trap
#define JUMP(name) goto L_##name
#define LEAVE()                         \
  do {                                  \
    ExecAccess::set_frame_top(*cx, cf); \
    return activation.trap;             \
  } while (0)
#define RELOAD_MEM_ENTRY()                                                          \
  Memory* m0 = inst->memory0;                                                       \
  mem = m0 ? m0->data : nullptr;                                                    \
  msize = m0 ? m0->size : 0;
  {
    RELOAD_MEM_ENTRY()
  }
#undef RELOAD_MEM_ENTRY
  NEXT();

#include "interp/exec_handlers.inc"

#ifndef WI_PROFILE_OPS
#define WI_OP_NAME(name)
// The asm, a nop different for each pair, keeps the label from getting its head's address or another
// pair's: a block holding only a jump is merged into its target (or laid out to fall into it, with
// no bytes of its own), and identical blocks into one. Pairs must stay ops of their own, or the
// translator would form none and listings would depend on the executor.
#define WI_PAIR_NAME(a, b, f, h)                                                          \
  L_Pair_##a##_then_##b##_##f##_##h:                                                     \
  __asm__ volatile("nop" ::"i"(unsigned(RegOp::Pair_##a##_then_##b##_##f##_##h)));      \
  goto L_##a;
#define WI_TRIPLE_NAME(a, b, c, f1, f2, h)                                                  \
  L_Triple_##a##_##b##_##c##_##f1##f2##_##h:                                               \
  __asm__ volatile("nop" ::"i"(unsigned(RegOp::Triple_##a##_##b##_##c##_##f1##f2##_##h))); \
  goto L_##a;
#define WI_ACC_OP_NAME(b, u)                                     \
  L_Acc##u##_##b:                                                \
  __asm__ volatile("nop" ::"i"(unsigned(RegOp::Acc##u##_##b))); \
  goto L_##b;
#include "interp/regop_list.inc"
#endif

L_trap:
  exec_unwind(activation, cf, func, ip);
  return activation.trap;
#undef WI_OP
#undef NEXT
#undef NEXT_UNIT
#undef TRAP
#undef TRAP_PENDING
#undef LEAVE
#undef JUMP
#undef WI_SET_ACC
#undef WI_SET_ACC_SLOT
}

}  // namespace

Trap interpret(Store& store, const FuncInst* f, Slot* fp) { return exec_run(&store, f, fp, nullptr); }

const int32_t* handler_offsets() {
  static const int32_t* table = [] {
    const int32_t* t = nullptr;
    (void)exec_run(nullptr, nullptr, nullptr, &t);
    return t;
  }();
  return table;
}

}  // namespace wi
