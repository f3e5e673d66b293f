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

#if !defined(__clang__) || !__has_attribute(preserve_none) || !__has_cpp_attribute(clang::musttail)
#error "exec_tail.cc needs clang's musttail and preserve_none (build with -Dcore=goto otherwise)"
#endif

namespace wi {
namespace {

#define WI_HARGS                                                                              \
  const uint32_t *ip, Slot *fp, uint8_t *mem, uint64_t msize, Activation *cx, CallFrame *cf, \
      Instance *inst, const FuncInst *func
#define WI_HPASS ip, fp, mem, msize, cx, cf, inst, func
using Handler = __attribute__((preserve_none)) void (*)(WI_HARGS);

#define WI_OP(name) __attribute__((preserve_none, noinline)) void h_##name(WI_HARGS)
WI_OP(Unreachable);
WI_OP(trap);
WI_OP(call_host);
WI_OP(tail_call_host);
WI_OP(unwind_exn);

// The handler a handler unit names.
inline Handler handler_at(const uint32_t* ip) {
  return reinterpret_cast<Handler>(reinterpret_cast<uintptr_t>(&h_Unreachable) + intptr_t(int32_t(*ip)));
}
#define NEXT() [[clang::musttail]] return handler_at(ip)(WI_HPASS)
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
#define LEAVE()                         \
  do {                                  \
    ExecAccess::set_frame_top(*cx, cf); \
    return;                             \
  } while (0)

#include "interp/exec_handlers.inc"

// Unwinds the trap cx->trap_kind at ip; the chain ends here.
WI_OP(trap) {
  (void)mem, (void)msize, (void)fp, (void)inst;
  exec_unwind(*cx, cf, func, ip);
}

#undef NEXT
#undef TRAP
#undef TRAP_PENDING
#undef LEAVE
#undef JUMP

const int32_t* make_handler_table() {
  static int32_t offsets[kRegOpCount];
  const uintptr_t base = reinterpret_cast<uintptr_t>(&h_Unreachable);
  unsigned i = 0;
#define WI_OP_NAME(name) offsets[i++] = int32_t(reinterpret_cast<uintptr_t>(&h_##name) - base);
#include "interp/regop_list.inc"
  return offsets;
}

}  // namespace

Trap interpret(Store& store, const FuncInst* f, Slot* fp) {
  Activation a;
  CallFrame* cf = nullptr;
  if (!ExecAccess::enter(store, f, fp, a, cf)) return a.trap;
  Instance* inst = f->instance;
  Memory* m0 = inst->memories.empty() ? nullptr : inst->memories[0];
  const uint32_t* ip = f->code->code.data();
  handler_at(ip)(ip, fp, m0 ? m0->data : nullptr, m0 ? m0->size : 0, &a, cf, inst, f);
  return a.trap;
}

const int32_t* handler_offsets() {
  static const int32_t* table = make_handler_table();
  return table;
}

}  // namespace wi
