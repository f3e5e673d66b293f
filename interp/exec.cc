// The executor: direct-threaded dispatch over register code (regops.def) with g++'s computed goto.
// Guest calls never recurse on the C++ stack: frames live in Store::frames_ and the value stack.
// Hot state (ip, fp, memory base and size, instance) stays in locals the compiler keeps in registers.
// Traps leave the loop as values; nothing here throws.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include "decoder/dwarf_line.h"
#include "interp/numeric.h"
#include "interp/regop.h"
#include "interp/simd.h"
#include "interp/store.h"

namespace wi {

namespace {
struct HandlerTable {
  const int32_t* offsets = nullptr;
};
HandlerTable g_table_probe;  // filled once by interpret(query mode); immutable afterwards
}  // namespace

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

#ifndef WI_NO_TRACING
// The Trace op's work, out of line so the dispatch loop's registers are not disturbed by it.
[[gnu::noinline]] static bool trace_hook(Store& store, const FuncInst* func, Slot* fp, uint32_t point,
                                         size_t depth, Trap& trap) {
  if (!store.tracer) return true;
  const TracePoint& p = func->code->trace.points[point];
  return store.tracer->on_trace(TraceEvent{store, func, fp, p, depth}, trap);
}
#endif

// The function call_indirect and return_call_indirect reach through table slot `index`, or the trap
// that stops them (one compare of canonical type ids checks the signature).
static inline TrapKind indirect_callee(const Instance* inst, uint32_t table, uint32_t type, uint32_t index,
                                       const FuncInst*& callee) {
  const Table* t = inst->tables[table];
  if (index >= t->elems.size()) return TrapKind::UndefinedElement;
  callee = static_cast<const FuncInst*>(t->elems[index]);
  if (!callee) return TrapKind::UninitializedElement;
  if (callee->type_id != inst->type_ids[type]) return TrapKind::IndirectCallTypeMismatch;
  return TrapKind::None;
}

// `query` mode (null store) only publishes the handler table; computed-goto labels are visible only
// inside this function.
Trap exec_run(Store* store_ptr, const FuncInst* entry, Slot* fp) {
  static const int32_t kOffsets[] = {
#define WI_REGOP(name, ops) int32_t((char*)&&L_##name - (char*)&&L_base),
#define WI_LOAD(name, f, mt, rt) int32_t((char*)&&L_L_##name - (char*)&&L_base), \
    int32_t((char*)&&L_LI_##name - (char*)&&L_base), int32_t((char*)&&L_LR_##name - (char*)&&L_base), \
    int32_t((char*)&&L_LA_##name - (char*)&&L_base), int32_t((char*)&&L_LS_##name - (char*)&&L_base),
#define WI_STORE(name, f, mt) int32_t((char*)&&L_S_##name - (char*)&&L_base), \
    int32_t((char*)&&L_SI_##name - (char*)&&L_base), int32_t((char*)&&L_SR_##name - (char*)&&L_base), \
    int32_t((char*)&&L_SA_##name - (char*)&&L_base), int32_t((char*)&&L_SS_##name - (char*)&&L_base),
#include "interp/regops.def"
#undef WI_REGOP
#undef WI_LOAD
#undef WI_STORE
#define WI_UN(name, r, a, e) int32_t((char*)&&L_N_##name - (char*)&&L_base),
#define WI_UN_T(name, r, a, e) WI_UN(name, r, a, e)
#define WI_BIN(name, r, a, e) int32_t((char*)&&L_N_##name - (char*)&&L_base), int32_t((char*)&&L_NI_##name - (char*)&&L_base),
#define WI_BIN_T(name, r, a, e) WI_BIN(name, r, a, e)
#include "interp/numeric.def"
#undef WI_UN
#undef WI_UN_T
#undef WI_BIN
#undef WI_BIN_T
#define WI_SIMD(name, ops) int32_t((char*)&&L_V_##name - (char*)&&L_base),
#include "interp/simd.def"
#undef WI_SIMD
#define WI_FUSE(name, t) int32_t((char*)&&L_BrT_##name - (char*)&&L_base), int32_t((char*)&&L_BrTI_##name - (char*)&&L_base), \
                         int32_t((char*)&&L_BrF_##name - (char*)&&L_base), int32_t((char*)&&L_BrFI_##name - (char*)&&L_base),
#include "interp/fused.def"
#undef WI_FUSE
  };
  static_assert(sizeof(kOffsets) / sizeof(kOffsets[0]) == kRegOpCount);
  if (!store_ptr) {
    g_table_probe.offsets = kOffsets;
    return {};
  }
  Store& store = *store_ptr;

  const char* const base = (const char*)&&L_base;
  const size_t entry_frame = store.frame_top_;
  // The call-stack height lives in a register while this activation runs; store.frame_top_ is
  // written back wherever something else may look at it: host calls (which may re-enter), trace
  // hooks, traps and the final return.
  size_t ftop = entry_frame;
  Store::CallFrame* const frames = store.frames_.data();
  const size_t max_frames = store.frames_.size();
  Slot* const stack_end = store.stack_end_;

  const FuncInst* func = entry;
  Instance* inst = entry->instance;
  const uint32_t* ip = entry->code->code.data();
  Memory* memobj = nullptr;
  uint8_t* mem = nullptr;
  uint64_t msize = 0;
  TrapKind trap_kind = TrapKind::None;
  Trap trap;
  const FuncInst* callee = nullptr;
  Slot* nfp = nullptr;
  // A call of a host function (or of a stub that compiles or binds its target and runs it) with its
  // arguments at `args`; false with trap_kind set when it failed (one that fails without saying why
  // still stops the guest).
  auto call_host = [&](const FuncInst* f, Slot* args) {
    Slot* saved_top = store.stack_top_;
    // Room for the host's results beyond its arguments, and a base for re-entrant calls.
    store.stack_top_ = args + std::max(f->type->params.size(), f->type->results.size()) * 2 + 2;
    HostCall hc{store, inst, args, &trap};
    store.frame_top_ = ftop;
    bool ok = f->host(hc);
    store.stack_top_ = saved_top;
    if (!ok) trap_kind = trap.kind == TrapKind::None ? TrapKind::Host : trap.kind;
    return ok;
  };

#define RELOAD_MEM()                                          \
  do {                                                        \
    memobj = inst->memories.empty() ? nullptr : inst->memories[0]; \
    mem = memobj ? memobj->data : nullptr;                    \
    msize = memobj ? memobj->size : 0;                        \
  } while (0)
#define NEXT() goto *(const void*)(base + int32_t(*ip))
#define TRAP(k)            \
  do {                     \
    trap_kind = (k);       \
    goto L_trap;           \
  } while (0)
#define WI_TRAP(k) TRAP(k)
#define S(i) fp[ip[i]]

  // Entry frame: stack space and zeroed locals, like any call.
  if (fp + entry->code->frame_slots > stack_end || ftop >= max_frames) {
    trap.kind = TrapKind::CallStackExhausted;
    trap.message = trap_text(trap.kind);
    return trap;
  }
  std::memset(fp + entry->code->param_slots, 0,
              (entry->code->local_slots - entry->code->param_slots) * sizeof(Slot));
  frames[ftop++] = Store::CallFrame{nullptr, nullptr, nullptr, nullptr};
  RELOAD_MEM();
  NEXT();

L_base:
L_Unreachable:
  TRAP(TrapKind::Unreachable);
L_Fuel:
  store.fuel -= ip[1];
  if (store.fuel < 0) {
    store.fuel = 0;
    TRAP(TrapKind::FuelExhausted);
  }
  ip += 2;
  NEXT();
L_Copy:
  S(1) = S(2);
  ip += 3;
  NEXT();
L_Copy2:
  S(1) = S(2);
  S(3) = S(4);
  ip += 5;
  NEXT();
L_CopyBr:
  S(1) = S(2);
  ip += int32_t(ip[3]);
  NEXT();
L_Copy128:
  fp[ip[1]] = fp[ip[2]];
  fp[ip[1] + 1] = fp[ip[2] + 1];
  ip += 3;
  NEXT();
L_Const32:
  S(1).i32 = ip[2];
  ip += 3;
  NEXT();
L_Const64:
  S(1).i64 = WI_IMM_I64(ip + 2);
  ip += 4;
  NEXT();
L_Const128:
  fp[ip[1]].i64 = WI_IMM_I64(ip + 2);
  fp[ip[1] + 1].i64 = WI_IMM_I64(ip + 4);
  ip += 6;
  NEXT();
L_Br:
  ip += int32_t(ip[1]);
  NEXT();
#define WI_OP_LOAD(label, field, T, expr)                    \
  label : {                                                 \
    uint64_t ea = uint64_t(S(3).i32) + ip[4];               \
    if (ea + sizeof(T) > msize) TRAP(TrapKind::MemoryOutOfBounds); \
    T b;                                                    \
    std::memcpy(&b, mem + ea, sizeof(T));                   \
    T a = S(2).field;                                       \
    S(1).field = expr;                                      \
    ip += 5;                                                \
    NEXT();                                                 \
  }
  WI_OP_LOAD(L_F64AddLoad, f64, double, a + b)
  WI_OP_LOAD(L_F64SubLoad, f64, double, a - b)
  WI_OP_LOAD(L_F64MulLoad, f64, double, a * b)
  WI_OP_LOAD(L_I32AddLoad, i32, uint32_t, a + b)
#undef WI_OP_LOAD
L_AddImmBrIfNez: {
  uint32_t v = S(1).i32 + ip[2];
  S(1).i32 = v;
  if (v) {
    ip += int32_t(ip[3]);
    NEXT();
  }
  ip += 4;
  NEXT();
}
L_AddImmBrNe:
  S(1).i32 += ip[2];
  if (S(3).i32 != S(4).i32) {
    ip += int32_t(ip[5]);
    NEXT();
  }
  ip += 6;
  NEXT();
L_BrIfNez:
  if (S(1).i32) {
    ip += int32_t(ip[2]);
    NEXT();
  }
  ip += 3;
  NEXT();
L_BrIfEqz:
  if (!S(1).i32) {
    ip += int32_t(ip[2]);
    NEXT();
  }
  ip += 3;
  NEXT();
L_BrIfNez64:
  if (S(1).i64) {
    ip += int32_t(ip[2]);
    NEXT();
  }
  ip += 3;
  NEXT();
L_BrIfEqz64:
  if (!S(1).i64) {
    ip += int32_t(ip[2]);
    NEXT();
  }
  ip += 3;
  NEXT();

  // Fused compare-and-branch (fused.def). Each keeps its two exits as separate jumps.
#define WI_FUSE(name, T)                                                   \
  L_BrT_##name:                                                            \
  if (ops::name(S(1).WI_FIELD(T), S(2).WI_FIELD(T))) {                     \
    ip += int32_t(ip[3]);                                                  \
    NEXT();                                                                \
  }                                                                        \
  ip += 4;                                                                 \
  NEXT();                                                                  \
  L_BrTI_##name:                                                           \
  if (ops::name(S(1).WI_FIELD(T), WI_IMM(T, ip + 2))) {                    \
    ip += int32_t(ip[2 + WI_IMMW(T)]);                                     \
    NEXT();                                                                \
  }                                                                        \
  ip += 3 + WI_IMMW(T);                                                    \
  NEXT();                                                                  \
  L_BrF_##name:                                                            \
  if (!ops::name(S(1).WI_FIELD(T), S(2).WI_FIELD(T))) {                    \
    ip += int32_t(ip[3]);                                                  \
    NEXT();                                                                \
  }                                                                        \
  ip += 4;                                                                 \
  NEXT();                                                                  \
  L_BrFI_##name:                                                           \
  if (!ops::name(S(1).WI_FIELD(T), WI_IMM(T, ip + 2))) {                   \
    ip += int32_t(ip[2 + WI_IMMW(T)]);                                     \
    NEXT();                                                                \
  }                                                                        \
  ip += 3 + WI_IMMW(T);                                                    \
  NEXT();
#include "interp/fused.def"
#undef WI_FUSE

L_BrTable: {
  uint32_t i = S(1).i32, n = ip[2];
  ip += int32_t(ip[3 + std::min(i, n)]);
  NEXT();
}
L_Return: {
  uint32_t n = ip[1];
  Slot buf[32];
  if (n <= 32) {
    for (uint32_t k = 0; k < n; ++k) buf[k] = fp[ip[2 + k]];
    std::memcpy(fp, buf, n * sizeof(Slot));
  } else {
    std::vector<Slot> big(n);
    for (uint32_t k = 0; k < n; ++k) big[k] = fp[ip[2 + k]];
    std::memcpy(fp, big.data(), n * sizeof(Slot));
  }
  goto L_do_return;
}
L_Return1:
  fp[0] = S(1);
  goto L_do_return;
L_Return0:
L_do_return: {
  Store::CallFrame& cf = frames[--ftop];
  if (ftop == entry_frame) {
    store.frame_top_ = ftop;
    return trap;
  }
  ip = cf.ret_ip;
  fp = cf.fp;
  func = cf.func;
  // mem/msize are this activation's view of the current instance's memory, kept current by
  // memory.grow and after host calls, whichever frame did them; only a change of instance moves it.
  if (cf.inst != inst) {
    inst = cf.inst;
    RELOAD_MEM();
  }
  NEXT();
}
L_Call:
  callee = inst->funcs[ip[1]];
  nfp = fp + ip[2];
  ip += 3;
  goto L_do_call;
L_CallIndirect: {
  if (TrapKind k = indirect_callee(inst, ip[1], ip[2], S(3).i32, callee); k != TrapKind::None) TRAP(k);
  nfp = fp + ip[4];
  ip += 5;
  goto L_do_call;
}
// Tail calls (Wasm 3.0): the callee takes this frame's place. Its arguments move down to slot 0; the
// frame record below (the caller's return address, frame and instance) is left as it is, so the
// callee's return goes straight to our caller and the call stack does not grow.
L_ReturnCall:
  callee = inst->funcs[ip[1]];
  nfp = fp + ip[2];
  ip += 3;
  goto L_do_tail_call;
L_ReturnCallIndirect: {
  if (TrapKind k = indirect_callee(inst, ip[1], ip[2], S(3).i32, callee); k != TrapKind::None) TRAP(k);
  nfp = fp + ip[4];
  ip += 5;
  goto L_do_tail_call;
}
L_do_tail_call:
  if (callee->code) {
    const CompiledFunc* code = callee->code;
    if (fp + code->frame_slots > stack_end) {
      ip -= 1;
      TRAP(TrapKind::CallStackExhausted);
    }
    std::memmove(fp, nfp, code->param_slots * sizeof(Slot));  // nfp is above fp: the ranges may overlap
    for (uint32_t k = code->param_slots; k < code->local_slots; ++k) fp[k].i64 = 0;
    func = callee;
    ip = code->code.data();
    if (callee->instance != inst) {
      inst = callee->instance;
      RELOAD_MEM();
    }
    NEXT();
  } else {
    // A host function (or a stub that compiles or binds its target and runs it): call it as usual,
    // then return its results from this frame.
    if (!call_host(callee, nfp)) {
      ip -= 1;
      goto L_trap;
    }
    size_t result_slots = 0;
    for (ValType t : callee->type->results) result_slots += t == ValType::V128 ? 2 : 1;
    std::memmove(fp, nfp, result_slots * sizeof(Slot));
    RELOAD_MEM();
    goto L_do_return;
  }
L_do_call:
  if (callee->code) {
    const CompiledFunc* code = callee->code;
    if (ftop >= max_frames || nfp + code->frame_slots > stack_end) {
      ip -= 1;  // inside the call instruction: the trap is reported at the call site
      TRAP(TrapKind::CallStackExhausted);
    }
    frames[ftop++] = Store::CallFrame{ip, fp, inst, func};
    fp = nfp;
    // Inline: most functions have a handful of locals, and a memset call costs more than the stores.
    for (uint32_t k = code->param_slots; k < code->local_slots; ++k) fp[k].i64 = 0;
    func = callee;
    ip = code->code.data();
    if (callee->instance != inst) {
      inst = callee->instance;
      RELOAD_MEM();
    }
    NEXT();
  } else {
    if (!call_host(callee, nfp)) {
      ip -= 1;  // reported at the call
      goto L_trap;
    }
    RELOAD_MEM();
    NEXT();
  }
L_Select:
  S(1) = S(2).i32 ? S(3) : S(4);
  ip += 5;
  NEXT();
L_Select128: {
  uint32_t src = S(2).i32 ? ip[3] : ip[4];
  Slot lo = fp[src], hi = fp[src + 1];
  fp[ip[1]] = lo;
  fp[ip[1] + 1] = hi;
  ip += 5;
  NEXT();
}
L_GlobalGet:
  S(1) = inst->globals[ip[2]]->value[0];
  ip += 3;
  NEXT();
L_GlobalSet:
  inst->globals[ip[2]]->value[0] = S(1);
  ip += 3;
  NEXT();
L_GlobalGet128: {
  GlobalInst* g = inst->globals[ip[2]];
  fp[ip[1]] = g->value[0];
  fp[ip[1] + 1] = g->value[1];
  ip += 3;
  NEXT();
}
L_GlobalSet128: {
  GlobalInst* g = inst->globals[ip[2]];
  g->value[0] = fp[ip[1]];
  g->value[1] = fp[ip[1] + 1];
  ip += 3;
  NEXT();
}
L_MemorySize:
  S(1).i32 = uint32_t(msize / kPageSize);
  ip += 2;
  NEXT();
L_MemoryGrow: {
  int64_t r = memobj->grow(S(2).i32);
  S(1).i32 = uint32_t(r);
  RELOAD_MEM();
  ip += 3;
  NEXT();
}
L_MemoryFill: {
  uint64_t d = S(1).i32, n = S(3).i32;
  if (d + n > msize) TRAP(TrapKind::MemoryOutOfBounds);
  std::memset(mem + d, int(S(2).i32 & 0xff), n);
  ip += 4;
  NEXT();
}
L_MemoryCopy: {
  uint64_t d = S(1).i32, s = S(2).i32, n = S(3).i32;
  if (d + n > msize || s + n > msize) TRAP(TrapKind::MemoryOutOfBounds);
  std::memmove(mem + d, mem + s, n);
  ip += 4;
  NEXT();
}
L_MemoryInit: {
  const DataInst& seg = inst->datas[ip[1]];
  uint64_t d = S(2).i32, s = S(3).i32, n = S(4).i32;
  if (s + n > seg.bytes.size() || d + n > msize) TRAP(TrapKind::MemoryOutOfBounds);
  if (n) std::memcpy(mem + d, seg.bytes.data() + s, n);
  ip += 5;
  NEXT();
}
L_DataDrop:
  inst->datas[ip[1]].bytes = {};
  ip += 2;
  NEXT();
L_TableGet: {
  Table* t = inst->tables[ip[2]];
  uint32_t i = S(3).i32;
  if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  S(1).ref = t->elems[i];
  ip += 4;
  NEXT();
}
L_TableSet: {
  Table* t = inst->tables[ip[1]];
  uint32_t i = S(2).i32;
  if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  t->elems[i] = S(3).ref;
  ip += 4;
  NEXT();
}
L_TableSize:
  S(1).i32 = uint32_t(inst->tables[ip[2]]->elems.size());
  ip += 3;
  NEXT();
L_TableGrow: {
  int64_t r = inst->tables[ip[2]]->grow(S(4).i32, S(3).ref);
  S(1).i32 = uint32_t(r);
  ip += 5;
  NEXT();
}
L_TableFill: {
  Table* t = inst->tables[ip[1]];
  uint64_t i = S(2).i32, n = S(4).i32;
  if (i + n > t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  std::fill_n(t->elems.begin() + i, n, S(3).ref);
  ip += 5;
  NEXT();
}
L_TableCopy: {
  Table* dt = inst->tables[ip[1]];
  Table* st = inst->tables[ip[2]];
  uint64_t d = S(3).i32, s = S(4).i32, n = S(5).i32;
  if (d + n > dt->elems.size() || s + n > st->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  if (n) std::memmove(dt->elems.data() + d, st->elems.data() + s, n * sizeof(void*));
  ip += 6;
  NEXT();
}
L_TableInit: {
  const ElemInst& seg = inst->elems[ip[1]];
  Table* t = inst->tables[ip[2]];
  uint64_t d = S(3).i32, s = S(4).i32, n = S(5).i32;
  if (s + n > seg.refs.size() || d + n > t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
  std::copy_n(seg.refs.begin() + s, n, t->elems.begin() + d);
  ip += 6;
  NEXT();
}
L_ElemDrop:
  inst->elems[ip[1]].refs.clear();
  inst->elems[ip[1]].refs.shrink_to_fit();
  ip += 2;
  NEXT();
L_RefIsNull:
  S(1).i32 = S(2).ref == nullptr;
  ip += 3;
  NEXT();
L_RefFunc:
  S(1).ref = inst->funcs[ip[2]];
  ip += 3;
  NEXT();
L_Trace:
#ifndef WI_NO_TRACING
  // Traced translations only (interp/trace.h). The tracer may stop the guest: a trap at this
  // instruction. It may read the frame but runs no guest code, so the cached memory stays valid.
  store.frame_top_ = ftop;
  if (!trace_hook(store, func, fp, ip[1], ftop, trap)) {
    trap_kind = trap.kind == TrapKind::None ? TrapKind::Host : trap.kind;
    goto L_trap;
  }
  ip += 2;
  NEXT();
#else
  TRAP(TrapKind::Unreachable);  // built without tracing: the translator never emits Trace
#endif

  // Loads and stores: the effective address is computed in 64 bits, so addr + offset cannot wrap.
  // The LI_/LR_/SI_/SR_ forms first add an immediate or a second slot to the address in 32 bits
  // (the folded i32.add wraps), then the offset in 64 (regops.def).
#define WI_REGOP(name, ops)
#define WI_LOAD_AT(label, field, mt, rt, base32, width)       \
  label : {                                                   \
    uint64_t ea = uint64_t(uint32_t(base32)) + ip[width - 1]; \
    if (ea + sizeof(mt) > msize) TRAP(TrapKind::MemoryOutOfBounds); \
    mt v;                                                     \
    std::memcpy(&v, mem + ea, sizeof(mt));                    \
    S(1).field = rt(v);                                       \
    ip += width;                                              \
    NEXT();                                                   \
  }
#define WI_LOAD(name, field, mt, rt)                                        \
  WI_LOAD_AT(L_L_##name, field, mt, rt, S(2).i32, 4)                        \
  WI_LOAD_AT(L_LI_##name, field, mt, rt, S(2).i32 + ip[3], 5)               \
  WI_LOAD_AT(L_LR_##name, field, mt, rt, S(2).i32 + S(3).i32, 5)           \
  WI_LOAD_AT(L_LA_##name, field, mt, rt, ip[2], 4)                          \
  WI_LOAD_AT(L_LS_##name, field, mt, rt, S(2).i32 + (S(3).i32 << ip[4]), 6)
#define WI_STORE_AT(label, field, mt, base32, width)          \
  label : {                                                   \
    uint64_t ea = uint64_t(uint32_t(base32)) + ip[width - 1]; \
    if (ea + sizeof(mt) > msize) TRAP(TrapKind::MemoryOutOfBounds); \
    mt v = mt(S(width - 2).field);                            \
    std::memcpy(mem + ea, &v, sizeof(mt));                    \
    ip += width;                                              \
    NEXT();                                                   \
  }
#define WI_STORE(name, field, mt)                                           \
  WI_STORE_AT(L_S_##name, field, mt, S(1).i32, 4)                           \
  WI_STORE_AT(L_SI_##name, field, mt, S(1).i32 + ip[2], 5)                  \
  WI_STORE_AT(L_SR_##name, field, mt, S(1).i32 + S(2).i32, 5)              \
  WI_STORE_AT(L_SA_##name, field, mt, ip[1], 4)                             \
  WI_STORE_AT(L_SS_##name, field, mt, S(1).i32 + (S(2).i32 << ip[3]), 6)
#include "interp/regops.def"
#undef WI_REGOP
#undef WI_LOAD
#undef WI_STORE
#undef WI_LOAD_AT
#undef WI_STORE_AT

  // Numeric ops from numeric.def: slot forms and immediate-right forms.
#define WI_UN(name, R, A, expr)                           \
  L_N_##name : {                                          \
    WI_CTYPE(A) a = S(2).WI_FIELD(A);                     \
    S(1).WI_FIELD(R) = WI_CTYPE(R)(expr);                 \
    ip += 3;                                              \
    NEXT();                                               \
  }
#define WI_UN_T(name, R, A, stmts)                        \
  L_N_##name : {                                          \
    WI_CTYPE(A) a = S(2).WI_FIELD(A);                     \
    WI_CTYPE(R) r;                                        \
    stmts                                                 \
    S(1).WI_FIELD(R) = r;                                 \
    ip += 3;                                              \
    NEXT();                                               \
  }
#define WI_BIN(name, R, A, expr)                          \
  L_N_##name : {                                          \
    WI_CTYPE(A) a = S(2).WI_FIELD(A);                     \
    WI_CTYPE(A) b = S(3).WI_FIELD(A);                     \
    S(1).WI_FIELD(R) = WI_CTYPE(R)(expr);                 \
    ip += 4;                                              \
    NEXT();                                               \
  }                                                       \
  L_NI_##name : {                                         \
    WI_CTYPE(A) a = S(2).WI_FIELD(A);                     \
    WI_CTYPE(A) b = WI_IMM(A, ip + 3);                    \
    S(1).WI_FIELD(R) = WI_CTYPE(R)(expr);                 \
    ip += 3 + WI_IMMW(A);                                 \
    NEXT();                                               \
  }
#define WI_BIN_T(name, R, A, stmts)                       \
  L_N_##name : {                                          \
    WI_CTYPE(A) a = S(2).WI_FIELD(A);                     \
    WI_CTYPE(A) b = S(3).WI_FIELD(A);                     \
    WI_CTYPE(R) r;                                        \
    stmts                                                 \
    S(1).WI_FIELD(R) = r;                                 \
    ip += 4;                                              \
    NEXT();                                               \
  }                                                       \
  L_NI_##name : {                                         \
    WI_CTYPE(A) a = S(2).WI_FIELD(A);                     \
    WI_CTYPE(A) b = WI_IMM(A, ip + 3);                    \
    WI_CTYPE(R) r;                                        \
    stmts                                                 \
    S(1).WI_FIELD(R) = r;                                 \
    ip += 3 + WI_IMMW(A);                                 \
    NEXT();                                               \
  }
#include "interp/numeric.def"
#undef WI_UN
#undef WI_UN_T
#undef WI_BIN
#undef WI_BIN_T

#include "interp/exec_simd.inc"

L_trap: {
  // Unwind every frame this activation pushed, recording where each one was.
  trap.kind = trap_kind;
  if (trap.message.empty()) trap.message = trap_text(trap_kind);
  auto locate = [&](const FuncInst* f, const uint32_t* at) {
    FrameLocation loc;
    const Module& m = *f->instance->module;
    loc.module_file = m.file_name;
    loc.func_index = f->code->func_index;
    loc.function = m.function_display_name(loc.func_index);
    loc.offset = f->code->wasm_offset_at(uint32_t(at - f->code->code.data()));
    // An exit is not an error: it needs no source positions (and so never parses DWARF).
    if (trap_kind != TrapKind::Exit)
      if (const LineTable* lines = line_table(m))
        if (auto pos = lines->at(uint32_t(loc.offset))) loc.source = to_string(*pos);
    trap.backtrace.push_back(std::move(loc));
  };
  locate(func, ip);
  constexpr size_t kMaxBacktrace = 64;  // deep recursion would otherwise print thousands of lines
  store.frame_top_ = ftop;
  while (store.frame_top_ > entry_frame + 1) {
    Store::CallFrame& cf = frames[--store.frame_top_];
    if (trap.backtrace.size() < kMaxBacktrace) locate(cf.func, cf.ret_ip - 1);
    else ++trap.frames_omitted;
  }
  store.frame_top_ = entry_frame;
  return trap;
}
#undef S
#undef NEXT
#undef TRAP
#undef RELOAD_MEM
}

Trap interpret(Store& store, const FuncInst* f, Slot* fp) { return exec_run(&store, f, fp); }

const int32_t* handler_offsets() {
  static const int32_t* table = [] {
    (void)exec_run(nullptr, nullptr, nullptr);
    return g_table_probe.offsets;
  }();
  return table;
}

}  // namespace wi
