// The executors' slow paths (interp/exec_core.h): entering an activation, host calls, Return of
// many values, trace hooks and unwinding a trap. Out of line so that the handlers calling them keep
// their registers; none of this runs on the fast path.
#include <vector>
#include "interp/exec_core.h"

namespace wi {

bool ExecAccess::enter(Store& store, const FuncInst* entry, Slot* fp, Activation& a, CallFrame*& cf) {
  a.store = &store;
  a.serial = ++store.activations_entered_;
  a.frames = store.frames_.data();
  a.frames_end = a.frames + store.frames_.size();
  a.entry_cf = a.frames + store.frame_top_;
  a.stack_end = store.stack_end_;
  // Entry frame: stack space and zeroed locals, like any call.
  if (fp + entry->code->frame_slots > a.stack_end || a.entry_cf >= a.frames_end) {
    a.trap.kind = TrapKind::CallStackExhausted;
    a.trap.message = trap_text(a.trap.kind);
    return false;
  }
  std::memset(fp + entry->code->param_slots, 0,
              (entry->code->local_slots - entry->code->param_slots) * sizeof(Slot));
  // The sentinel record: the entry function (or whatever it tail-calls) returns to the Leave op.
  static const uint32_t leave_code[1] = {uint32_t(handler_offsets()[unsigned(RegOp::Leave)])};
  cf = a.entry_cf;
  *cf++ = CallFrame{leave_code, fp, entry->instance, entry};
  return true;
}

bool exec_call_host(Activation& a, Instance* inst, CallFrame* cf, const FuncInst* f, Slot* args) {
  Slot*& top = ExecAccess::stack_top(*a.store);
  Slot* saved_top = top;
  // Room for the host's results beyond its arguments, and a base for re-entrant calls.
  top = args + std::max(f->type->params.size(), f->type->results.size()) * 2 + 2;
  HostCall hc{*a.store, inst, args, &a.trap};
  ExecAccess::set_frame_top(a, cf);
  bool ok = f->host(hc);
  top = saved_top;
  if (!ok) a.trap_kind = a.trap.kind == TrapKind::None ? TrapKind::Host : a.trap.kind;
  return ok;
}

const FuncInst* exec_prepare(Activation& a, const FuncInst* f) {
  const FuncInst* ready = f->prepare(*a.store, a.trap);
  if (!ready) a.trap_kind = a.trap.kind == TrapKind::None ? TrapKind::Host : a.trap.kind;
  return ready;
}

ExnInst* exec_new_exception(Activation& a, const TagInst* tag, const Slot* payload) {
  size_t slots = 0;
  for (ValType t : tag->type->params) slots += slot_count(t);
  return a.store->new_exception(tag, payload, slots);
}

// https://webassembly.github.io/spec/core/exec/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-throw-ref
bool exec_catch(Activation& a, CallFrame*& cf, const FuncInst*& func, Slot*& fp, Instance*& inst,
                const uint32_t*& ip) {
  ExnInst* e = a.exn;
  CallFrame* at_cf = cf;
  const FuncInst* at_func = func;
  Slot* at_fp = fp;
  Instance* at_inst = inst;
  const uint32_t* at_ip = ip;
  for (;;) {
    const CompiledFunc* code = at_func->code;
    uint32_t pos = uint32_t(at_ip - code->code.data());
    uint32_t to_skip = 0, skipped_group = CatchHandler::kNone;
    for (const CatchHandler& h : code->handlers) {
      if (pos < h.start || pos >= h.end) continue;
      if (h.group == skipped_group) continue;
      if (to_skip) {  // passing the groups a delegate jumps over
        skipped_group = h.group;
        --to_skip;
        continue;
      }
      if (h.delegate_skip == CatchHandler::kAll) break;  // delegate to the function's label: the caller
      if (h.delegate_skip != CatchHandler::kNone) {
        to_skip = h.delegate_skip;
        skipped_group = h.group;
        continue;
      }
      if (h.tag != CatchHandler::kAnyTag && at_inst->tags[h.tag] != e->tag) continue;
      if (h.exn_slot != CatchHandler::kNone) {
        at_fp[h.exn_slot].ref = e;
        if (h.keep) e->exposed = true;
      }
      Slot* dst = at_fp + h.slot;
      if (h.tag != CatchHandler::kAnyTag) {
        std::copy(e->payload.begin(), e->payload.end(), dst);
        dst += e->payload.size();
      }
      if (h.ref) {
        e->exposed = true;
        dst->ref = e;
      } else if (!h.keep) {
        a.store->release_exception(e);
      }
      cf = at_cf;
      func = at_func;
      fp = at_fp;
      inst = at_inst;
      ip = code->code.data() + h.pad;
      a.exn = nullptr;
      return true;
    }
    if (at_cf <= a.entry_cf + 1) break;  // the frame below is the host's
    --at_cf;
    at_ip = at_cf->ret_ip - 1;  // inside the call instruction
    at_fp = at_cf->fp;
    at_inst = at_cf->inst;
    at_func = at_cf->func;
  }
  a.trap_kind = TrapKind::UncaughtException;  // exec_unwind makes it a.trap.kind
  a.trap.exception = e;
  a.trap.message = "uncaught exception (tag " + e->tag->debug_name + ")";
  a.exn = nullptr;
  return false;
}

bool exec_rethrow_from_host(Activation& a) {
  if (a.trap_kind != TrapKind::UncaughtException || !a.trap.exception) return false;
  a.exn = static_cast<ExnInst*>(a.trap.exception);
  a.trap = Trap{};
  a.trap_kind = TrapKind::None;
  return true;
}

void exec_copy_results(Slot* fp, const uint32_t* ip) {
  uint32_t n = ip[1];
  Slot buf[32];
  std::vector<Slot> big;
  Slot* tmp = buf;
  if (n > 32) {
    big.resize(n);
    tmp = big.data();
  }
  for (uint32_t k = 0; k < n; ++k) tmp[k] = fp[ip[2 + k]];
  std::memcpy(fp, tmp, n * sizeof(Slot));
}

bool exec_trace(Activation& a, const FuncInst* func, Slot* fp, const uint32_t* ip, CallFrame* cf) {
#ifndef WI_NO_TRACING
  Store& store = *a.store;
  if (!store.tracer) return true;
  ExecAccess::set_frame_top(a, cf);
  const TracePoint& p = func->code->trace.points[ip[1]];
  a.trace_ip = ip;
  Activation*& serving = ExecAccess::serving_trace(store);
  Activation* outer = serving;
  serving = &a;  // for snapshots taken or restored by the tracer
  bool go_on = store.tracer->on_trace(TraceEvent{store, func, fp, p, size_t(cf - a.frames)}, a.trap);
  serving = outer;
  if (go_on) return true;
  a.trap_kind = a.trap.kind == TrapKind::None ? TrapKind::Host : a.trap.kind;
  return false;
#else
  (void)a, (void)func, (void)fp, (void)ip, (void)cf;
  return true;
#endif
}

void exec_unwind(Activation& a, CallFrame* cf, const FuncInst* func, const uint32_t* ip) {
  Trap& trap = a.trap;
  trap.kind = a.trap_kind;
  if (trap.message.empty()) trap.message = trap_text(a.trap_kind);
  auto locate = [&](const FuncInst* f, const uint32_t* at) {
    FrameLocation loc;
    const Module& m = *f->instance->module;
    loc.module_file = m.file_name;
    loc.func_index = f->code->func_index;
    loc.function = m.function_display_name(loc.func_index);
    loc.offset = f->code->wasm_offset_at(uint32_t(at - f->code->code.data()));
    loc.module = &m;
    trap.backtrace.push_back(std::move(loc));
  };
  locate(func, ip);
  constexpr size_t kMaxBacktrace = 64;  // deep recursion would otherwise print thousands of lines
  ExecAccess::set_frame_top(a, cf);
  while (cf > a.entry_cf + 1) {
    --cf;
    ExecAccess::set_frame_top(a, cf);
    if (trap.backtrace.size() < kMaxBacktrace) locate(cf->func, cf->ret_ip - 1);
    else ++trap.frames_omitted;
  }
  ExecAccess::set_frame_top(a, a.entry_cf);
}

}  // namespace wi
