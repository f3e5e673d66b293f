// FunctionTranslator: the Trace ops of traced code and the Fuel ops of metered code, emission of
// register ops, the operand stack and its homes, and the compare-and-branch / address fusions
// (interp/fused.def) matched while the instructions they fold are still pending.
#include "interp/function_translator.h"
#include "fmt/format.h"

namespace wi::lowering {

auto FunctionTranslator::emit_trace(TracePoint::Kind kind) -> uint32_t {
  TraceInfo& ti = f_.trace;
  uint32_t index = uint32_t(ti.points.size());
  TracePoint p;
  p.kind = kind;
  p.offset = wasm_offset_;
  p.first_in = p.first_out = uint32_t(ti.locs.size());
  p.stack_top = trace_stack();
  ti.points.push_back(p);
  emit<RegOp::Trace>(index);
  return index;
}

auto FunctionTranslator::trace_loc(const Entry& e) const -> TraceLoc {
  TraceLoc l;
  l.type = e.type;
  switch (e.kind) {
    case Entry::Temp: l.slot = e.home; break;
    case Entry::Local: l.slot = e.local; break;
    case Entry::Const:
      l.is_const = true;
      l.bits[0] = e.bits[0];
      l.bits[1] = e.bits[1];
      break;
  }
  return l;
}

uint32_t FunctionTranslator::trace_stack() {
  TraceInfo& ti = f_.trace;
  // A legacy catch part keeps the caught exception in a stack entry of its own, at the height of the
  // try (for rethrow): the translator's, not the wasm program's, so no debugger sees it.
  std::vector<size_t> hidden;
  for (const Ctrl& c : ctrls_)
    if (c.kind == Opcode::Catch || c.kind == Opcode::CatchAll) hidden.push_back(c.height);
  uint32_t top = TraceStackEntry::kNone, depth = 0;
  for (size_t i = 0; i < stack_.size(); ++i) {
    if (std::find(hidden.begin(), hidden.end(), i) != hidden.end()) continue;
    TraceLoc l = trace_loc(stack_[i]);
    StackKey k{top, l.slot, l.type, l.is_const, l.bits[0], l.bits[1]};
    auto [it, added] = stack_entries_.try_emplace(k, uint32_t(ti.stack.size()));
    if (added) ti.stack.push_back(TraceStackEntry{l, top, depth + 1});
    top = it->second;
    ++depth;
  }
  return top;
}

auto FunctionTranslator::consumed(const Instruction& in) const -> size_t {
  using O = Opcode;
  switch (in.op) {
    // Structured and branch instructions consume only their condition, index or reference: block
    // parameters stay on the stack, and the values a branch carries are not consumed (trace.h).
    case O::Unreachable: case O::Nop: case O::Block: case O::Loop: case O::Else: case O::End:
    case O::Br: case O::Return: case O::TryTable: case O::Try: case O::Catch: case O::CatchAll:
    case O::Delegate: case O::Rethrow:
      return 0;
    case O::If: case O::BrIf: case O::BrTable: case O::BrOnNull: case O::BrOnNonNull:
      return 1;
    // Every other instruction consumes what its typing rule pops, as the validator just did.
    default: return validator_.last_pops();
  }
}

void FunctionTranslator::traced_step(const Instruction& in) {
  if (in.op == Opcode::End) return traced_end();
  uint32_t point = emit_trace(TracePoint::Instr);
  size_t n_in = std::min(consumed(in), stack_.size());
  trace_entries(point, n_in, false);
  size_t base = stack_.size() - n_in;
  step(in);
  if (is_control(in.op) || ctrls_.empty() || ctrls_.back().unreachable) return;
  trace_entries(point, stack_.size() > base ? stack_.size() - base : 0, true);
}

void FunctionTranslator::emit_copy(uint32_t dst, uint32_t src, ValType t) {
  if (dst == src) return;
  // A scalar copy right after another (argument set-up, moves to a label's slots) joins it.
  if (t != ValType::V128 && !trace_ && last_op_start_ != UINT32_MAX && last_op_start_ + 3 == pos() &&
      code_[last_op_start_] == uint32_t(RegOp::Copy)) {
    code_[last_op_start_] = uint32_t(RegOp::Copy2);  // "d s d s": the first copy's units, then these
    u32(dst);
    u32(src);
    return;
  }
  emit_like<RegOp::Copy>(t == ValType::V128 ? RegOp::Copy128 : RegOp::Copy, dst, src);
}

auto FunctionTranslator::take_latch_add(std::initializer_list<uint32_t> operands)
    -> std::optional<std::pair<uint32_t, uint32_t>> {
  Compare c = address_add_;
  if (c.start == UINT32_MAX || !c.imm || c.end != pos() || c.end - c.start != 4) return std::nullopt;
  uint32_t d = code_[c.start + 1], a = code_[c.start + 2], imm = code_[c.start + 3];
  if (d != a || d >= f_.local_slots) return std::nullopt;
  if (std::find(operands.begin(), operands.end(), d) == operands.end()) return std::nullopt;
  address_add_.start = UINT32_MAX;
  drop_code_from(c.start);
  return std::make_pair(d, imm);
}

auto FunctionTranslator::take_operand_load(Opcode bin) -> std::optional<OperandLoad> {
  RegOp fused;
  Opcode load;
  switch (bin) {
    case Opcode::F64Add: fused = RegOp::F64AddLoad; load = Opcode::F64Load; break;
    case Opcode::F64Sub: fused = RegOp::F64SubLoad; load = Opcode::F64Load; break;
    case Opcode::F64Mul: fused = RegOp::F64MulLoad; load = Opcode::F64Load; break;
    case Opcode::I32Add: fused = RegOp::I32AddLoad; load = Opcode::I32Load; break;
    default: return std::nullopt;
  }
  LastLoad l = last_load_;
  const Entry& b = stack_.back();
  if (l.start == UINT32_MAX || l.end != pos() || l.op != load || b.kind != Entry::Temp ||
      code_[l.start + 1] != b.home)
    return std::nullopt;
  OperandLoad out{fused, code_[l.start + 2], code_[l.start + 3], l.wasm_offset};
  last_load_.start = UINT32_MAX;
  drop_code_from(l.start);
  return out;
}

auto FunctionTranslator::take_last(Compare& recorded, const Entry& value)
    -> std::optional<std::pair<Compare, CompareOperands>> {
  Compare c = recorded;
  recorded.start = UINT32_MAX;
  if (c.start == UINT32_MAX || c.end != pos() || value.kind != Entry::Temp ||
      code_[c.start + 1] != value.home)
    return std::nullopt;
  CompareOperands operands(code_.begin() + c.start + 2, code_.end());
  drop_code_from(c.start);
  return std::make_pair(c, std::move(operands));
}

auto FunctionTranslator::emit_fused_branch(const Compare& c, const CompareOperands& operands, bool when_true)
    -> uint32_t {
  const NumericMap& nm = numeric_map();
  RegOp r;
  if (c.op == Opcode::I32Eqz || c.op == Opcode::I64Eqz) {
    bool wide = c.op == Opcode::I64Eqz;
    // br_if (eqz x) branches when x == 0; `if (eqz x)` skips the then-branch when x != 0.
    r = when_true ? (wide ? RegOp::BrIfEqz64 : RegOp::BrIfEqz) : (wide ? RegOp::BrIfNez64 : RegOp::BrIfNez);
  } else {
    unsigned o = unsigned(c.op);
    r = when_true ? (c.imm ? nm.branch_true_imm[o] : nm.branch_true[o])
                  : (c.imm ? nm.branch_false_imm[o] : nm.branch_false[o]);
  }
  if (when_true && !c.imm && c.op == Opcode::I32Ne && operands.size() == 2) {
    if (auto latch = take_latch_add({operands[0], operands[1]})) {
      return emit<RegOp::AddImmBrNe>(latch->first, latch->second, operands[0], operands[1], 0u);
    }
  }
  // The compare's operand units as it emitted them ("a b", "a i32", "a i64" or "c"), moved over
  // unchanged: their number is known only here, so verify_code checks this form, not emit<>.
  uint32_t at = op(r);
  for (uint32_t u : operands) u32(u);
  u32(0);  // rel
  return at;
}

}  // namespace wi::lowering
