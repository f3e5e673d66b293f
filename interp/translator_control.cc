// FunctionTranslator: structured control (blocks, if/else, loops, branches and their label copies),
// calls and returns, exception handling (try_table, and the legacy try/catch/delegate/rethrow), locals.
// The invariants these keep are at the top of interp/translator.cc.
#include "interp/function_translator.h"
#include "fmt/format.h"

namespace wi::lowering {

auto FunctionTranslator::needs_copies(const Ctrl& target) const -> bool {
  const auto& types = target.label_types();
  size_t n = types.size();
  uint32_t dst = target.base_slot;
  for (size_t i = 0; i < n; ++i) {
    const Entry& e = stack_[stack_.size() - n + i];
    if (e.kind != Entry::Temp || e.home != dst) return true;
    dst += slot_count(e.type);
  }
  return false;
}

void FunctionTranslator::emit_label_copies(const Ctrl& target) {
  const auto& types = target.label_types();
  size_t n = types.size();
  uint32_t dst = target.base_slot;
  for (size_t i = 0; i < n; ++i) {
    const Entry& e = stack_[stack_.size() - n + i];
    if (!(e.kind == Entry::Temp && e.home == dst)) emit_move_to(dst, e);
    dst += slot_count(e.type);
  }
}

void FunctionTranslator::emit_jump_to(Ctrl& target) {
  uint32_t at;
  if (!trace_ && last_op_start_ != UINT32_MAX && last_op_start_ + 3 == pos() &&
      code_[last_op_start_] == uint32_t(RegOp::Copy)) {
    // The copy just emitted (a value moved to the label's slot) and the jump: one op.
    at = last_op_start_;
    code_[at] = uint32_t(RegOp::CopyBr);  // "d s rel": the copy's units, then the rel
    last_op_start_ = prev_op_start_ = UINT32_MAX;
    u32(0);
  } else {
    at = emit<RegOp::Br>(0u);
  }
  // The rel unit, the last: known for a loop (backwards), patched at the end of anything else.
  branch_rel(target, at, pos() - 1);
}

void FunctionTranslator::emit_return() {
  size_t n = type_.results.size();
  if (n == 0) {
    if (trace_) emit_trace(TracePoint::Return);
    emit<RegOp::Return0>();
    return;
  }
  if (n == 1 && type_.results[0] != ValType::V128) {
    Entry& e = stack_.back();
    uint32_t s = read_slot(e);
    if (trace_) trace_entries(emit_trace(TracePoint::Return), 1, false);
    emit<RegOp::Return1>(s);
    return;
  }
  std::vector<uint32_t> srcs;
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
    uint32_t s = read_slot(stack_[i]);
    srcs.push_back(s);
    if (stack_[i].type == ValType::V128) srcs.push_back(s + 1);
  }
  if (trace_) trace_entries(emit_trace(TracePoint::Return), n, false);
  op(RegOp::Return);  // "n s*n": a variable length, past what emit<> checks
  u32(uint32_t(srcs.size()));
  for (uint32_t s : srcs) u32(s);
}

void FunctionTranslator::else_() {
  Ctrl& c = ctrls_.back();
  if (!c.unreachable) {
    materialize_results(c);
    emit_jump_to(c);
  }
  patch_to_here(*c.else_patch);
  c.else_patch.reset();
  c.kind = Opcode::Else;
  c.unreachable = false;
  c.skip_depth = 0;
  reset_to_params(c);
  start_fuel_block();
  forget_fusions();
}

void FunctionTranslator::end_try_table() {
  Ctrl& c = ctrls_.back();
  uint32_t body_end = pos();
  std::optional<Patch> skip;
  if (!c.unreachable) {
    materialize_results(c);
    uint32_t at = emit<RegOp::Br>(0u);
    skip = Patch{at, pos() - 1};
  }
  EntryStack saved = stack_;
  bool was_unreachable = c.unreachable;
  std::vector<uint32_t> clauses = c.catches;
  for (size_t i = 0; i < clauses.size(); i += 3) {
    uint32_t kind = clauses[i], tag = clauses[i + 1], depth = clauses[i + 2];
    forget_fusions();
    stack_.resize(c.height);
    CatchHandler h;
    h.start = c.try_start;
    h.end = body_end;
    h.pad = pos();
    h.slot = slot_at(c.height);
    h.ref = kind == kCatchRef || kind == kCatchAllRef;
    h.group = c.group;
    if (kind == kCatch || kind == kCatchRef) {
      h.tag = tag;
      for (ValType t : m_.tag_type(tag).params) push_temp(t);
    }
    if (h.ref) push_temp(ValType::ExnRef);
    f_.handlers.push_back(h);
    ctrls_.back().unreachable = false;
    start_fuel_block();
    branch(depth + 1);  // the label is counted from outside the try_table
  }
  stack_ = std::move(saved);
  ctrls_.back().unreachable = was_unreachable;
  if (skip) patch_to_here(*skip);
}

void FunctionTranslator::catch_(const Instruction& in) {
  Ctrl& c = ctrls_.back();
  if (c.kind == Opcode::Try) c.body_end = pos();
  if (!c.unreachable) {
    if (c.kind == Opcode::Try) materialize_results(c);
    else emit_label_copies(c);
    emit_jump_to(c);
  }
  forget_fusions();
  stack_.resize(c.height);
  CatchHandler h;
  h.start = c.try_start;
  h.end = c.body_end;
  h.pad = pos();
  h.group = c.group;
  h.exn_slot = slot_at(c.height);
  push_temp(ValType::ExnRef);
  h.slot = slot_at(stack_.size());
  if (in.op == Opcode::Catch) {
    h.tag = in.a;
    for (ValType t : m_.tag_type(in.a).params) push_temp(t);
  }
  c.exn_slot = h.exn_slot;
  c.handler = uint32_t(f_.handlers.size());
  f_.handlers.push_back(h);
  c.kind = in.op;
  c.unreachable = false;
  c.skip_depth = 0;
  start_fuel_block();
}

void FunctionTranslator::delegate(const Instruction& in) {
  Ctrl& c = ctrls_.back();
  CatchHandler h;
  h.start = c.try_start;
  h.end = pos();
  h.group = c.group;
  size_t target = ctrls_.size() - 2 - in.a;  // index in ctrls_ of the label
  if (target == 0) {
    h.delegate_skip = CatchHandler::kAll;
  } else {
    h.delegate_skip = 0;
    for (size_t k = ctrls_.size() - 2; k > target; --k) {
      const Ctrl& between = ctrls_[k];
      if (between.kind == Opcode::Try || (between.kind == Opcode::TryTable && !between.catches.empty()))
        ++h.delegate_skip;
    }
  }
  f_.handlers.push_back(h);
  end();
}

void FunctionTranslator::end() {
  Ctrl& c = ctrls_.back();
  if (c.kind == Opcode::TryTable && !c.catches.empty()) end_try_table();
  if ((c.kind == Opcode::Catch || c.kind == Opcode::CatchAll) && !c.unreachable) emit_label_copies(c);
  if (is_function_frame(c)) {
    if (!c.unreachable) emit_return();
    ctrls_.pop_back();
    return;
  }
  if (!c.unreachable)
    materialize_results(c);
  for (auto& p : c.patches) patch_to_here(p);
  if (c.else_patch) patch_to_here(*c.else_patch);
  stack_.resize(c.height);
  TypeList results = c.results;  // a copy: it may hold its one type inline
  ctrls_.pop_back();
  for (ValType t : results) push_temp(t);
  start_fuel_block();
  forget_fusions();
}

void FunctionTranslator::call_common(const FuncType& t, std::optional<uint32_t> index_slot, RegOp r, uint32_t a,
                                     uint32_t b) {
  size_t n = t.params.size();
  for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(stack_[i]);
  uint32_t base = slot_at(stack_.size() - n);
  stack_.resize(stack_.size() - n);
  if (r == RegOp::CallRef || r == RegOp::ReturnCallRef)
    emit_like<RegOp::CallRef>(r, *index_slot, base);
  else if (r == RegOp::CallIndirect || r == RegOp::ReturnCallIndirect)
    emit_like<RegOp::CallIndirect>(r, a, b, *index_slot, base);
  else
    emit_like<RegOp::Call>(r, a, base);
  for (ValType rt : t.results) push_temp(rt);
  uint32_t need = 0;
  for (ValType pt : t.params) need += slot_count(pt);
  max_slots_ = std::max(max_slots_, base + need);
}

void FunctionTranslator::local_set(uint32_t index, bool tee) {
  uint32_t slot = local_slot_[index];
  Entry v = stack_.back();
  bool others_read_it = false;
  for (size_t i = 0; i + 1 < stack_.size(); ++i)
    if (stack_[i].kind == Entry::Local && stack_[i].local_index == index) others_read_it = true;
  if (fusable_dst_ != UINT32_MAX && fusable_height_ == stack_.size() && v.kind == Entry::Temp &&
      code_[fusable_dst_] == v.home && !others_read_it) {
    code_[fusable_dst_] = slot;  // the producing op writes the local directly
    fusable_dst_ = UINT32_MAX;
    if (tee) {
      Entry& top = stack_.back();
      top.kind = Entry::Local;
      top.local = slot;
      top.local_index = index;
    } else {
      stack_.pop_back();
    }
    return;
  }
  preserve_local(index, stack_.size() - 1);
  if (!(v.kind == Entry::Local && v.local_index == index)) emit_move_to(slot, v);
  if (!tee) stack_.pop_back();
}

}  // namespace wi::lowering
