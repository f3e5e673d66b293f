// FunctionTranslator: the instructions that are not control: numeric, parametric, memory and table
// ops (with the multi-memory / 64-bit scheme of regops.def at UseMemory), references, SIMD.
#include "interp/function_translator.h"
#include "fmt/format.h"

namespace wi::lowering {

auto FunctionTranslator::is_wide(const Instruction& in) const -> bool {
  const OpInfo& info = op_info(in.op);
  switch (info.imm) {
    case Imm::MemArg: case Imm::MemArgLane: case Imm::Mem: case Imm::MemInit:
      return in.memory != 0 || mem64(in.memory);
    case Imm::MemCopy: return in.memory != 0 || in.memory_src != 0 || mem64(in.memory) || mem64(in.memory_src);
    case Imm::Table: return table64(in.a);
    case Imm::TableCopy: return table64(in.a) || table64(in.b);
    case Imm::TableInit: return table64(in.b);
    case Imm::CallIndirect: return table64(in.b);
    default: return false;
  }
}

void FunctionTranslator::step_wide(const Instruction& in) {
  using O = Opcode;
  const OpInfo& info = op_info(in.op);
  Instruction narrow_in = in;
  narrow_in.memory = narrow_in.memory_src = 0;
  // The 32-bit, memory-0 form, run on memory in.memory.
  auto in_memory = [&] {
    if (in.memory != 0) use_memory(in.memory);
    step_core(narrow_in);
    if (in.memory != 0) use_memory(0);
  };
  if (info.imm == Imm::MemArg || info.imm == Imm::MemArgLane) {
    if (mem64(in.memory)) {  // the address (first operand) plus the offset, narrowed
      Entry& a = stack_[stack_.size() - info.nparams];
      materialize(a);
      emit<RegOp::Addr64>(a.home, a.home, uint64_t(in.mem_offset));
      a.type = ValType::I32;
      narrow_in.mem_offset = 0;
    }
    return in_memory();
  }
  switch (in.op) {
    case O::MemorySize:
      in_memory();
      if (mem64(in.memory)) widen_result();
      return;
    case O::MemoryGrow:  // names its memory itself
      narrow(0);
      step_core(in);
      if (mem64(in.memory)) widen_result();
      return;
    case O::MemoryFill:
      narrow(0), narrow(1), narrow(2);
      return in_memory();
    case O::MemoryInit:
      narrow(2);
      return in_memory();
    case O::MemoryCopy: {
      narrow(0), narrow(1), narrow(2);
      uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
      emit<RegOp::MemoryCopyBetween>(d, s, n, in.memory, in.memory_src);
      return;
    }
    case O::TableGet: narrow(0); return step_core(in);
    case O::TableSet: narrow(1); return step_core(in);
    case O::TableSize: step_core(in); return widen_result();
    case O::TableGrow: narrow(0); step_core(in); return widen_result();
    case O::TableFill: narrow(0), narrow(2); return step_core(in);
    case O::TableCopy: case O::TableInit: narrow(0), narrow(1), narrow(2); return step_core(in);
    case O::CallIndirect: case O::ReturnCallIndirect: narrow(0); return step_core(in);
    default: return step_core(in);
  }
}

void FunctionTranslator::step_core(const Instruction& in) {
  using O = Opcode;
  const OpInfo& info = op_info(in.op);
  if (is_simd(in.op)) return simd(in, info);
  switch (in.op) {
    case O::Unreachable: emit<RegOp::Unreachable>(); return mark_unreachable();
    case O::Nop: return;
    case O::Block: case O::Loop: case O::If: return structured(in);
    case O::Else: return else_();
    case O::End: return end();
    case O::Br: return br(in.a);
    case O::BrIf: return br_if(in);
    case O::BrTable: return br_table(in);
    case O::Return: emit_return(); return mark_unreachable();
    case O::Call: return call(in.a);
    case O::CallIndirect: {
      uint32_t idx = pop_slot();
      return call_common(m_.types[in.a], idx, RegOp::CallIndirect, in.b, in.a);
    }
    // A tail call is a call whose frame replaces this one: arguments are placed like a call's, the
    // executor moves them to the frame's base (ReturnCall in regops.def); nothing follows it.
    case O::ReturnCall:
      call_common(m_.func_type(in.a), std::nullopt, RegOp::ReturnCall, in.a, 0);
      return mark_unreachable();
    case O::ReturnCallIndirect: {
      uint32_t idx = pop_slot();
      call_common(m_.types[in.a], idx, RegOp::ReturnCallIndirect, in.b, in.a);
      return mark_unreachable();
    }
    case O::TryTable: case O::Try: {
      enter_block(in.op, validator_.frame_at_depth(0).sig);  // the validator entered it
      ctrls_.back().try_start = pos();
      ctrls_.back().group = next_group_++;
      if (in.op == O::TryTable) ctrls_.back().catches = *in.targets;
      return;
    }
    case O::Catch: case O::CatchAll: return catch_(in);
    case O::Delegate: return delegate(in);
    case O::Rethrow: return rethrow(in);
    case O::Throw: {
      size_t n = m_.tag_type(in.a).params.size();
      for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(stack_[i]);
      uint32_t base = slot_at(stack_.size() - n);
      emit<RegOp::Throw>(in.a, base);
      return mark_unreachable();
    }
    case O::ThrowRef: {
      uint32_t s = pop_slot();
      emit<RegOp::ThrowRef>(s);
      return mark_unreachable();
    }
    case O::CallRef: {
      uint32_t ref = pop_slot();
      return call_common(m_.types[in.a], ref, RegOp::CallRef, 0, 0);
    }
    case O::ReturnCallRef: {
      uint32_t ref = pop_slot();
      call_common(m_.types[in.a], ref, RegOp::ReturnCallRef, 0, 0);
      return mark_unreachable();
    }
    case O::RefAsNonNull: {
      uint32_t s = read_slot(stack_.back());
      emit<RegOp::RefAsNonNull>(s);
      return;
    }
    case O::BrOnNull: case O::BrOnNonNull: return br_on_null(in);
    default: return step_data(in, info);
  }
}

// block, loop and if: a new label; `if` branches over its then-part on the condition (fused with
// the compare that made it when that is still pending).
void FunctionTranslator::structured(const Instruction& in) {
  using O = Opcode;
  const BlockSig& sig = validator_.frame_at_depth(0).sig;  // the validator entered the block
  if (in.op == O::If) {
    if (auto fused = take_compare(stack_.back())) {
      stack_.pop_back();
      enter_block(O::If, sig);
      uint32_t at = emit_fused_branch(fused->first, fused->second, false);
      ctrls_.back().else_patch = Patch{at, pos() - 1};
      start_fuel_block();
      return;
    }
    uint32_t cond = pop_slot();
    enter_block(O::If, sig);
    uint32_t at = emit<RegOp::BrIfEqz>(cond, 0u);
    ctrls_.back().else_patch = Patch{at, pos() - 1};
    start_fuel_block();
    return;
  }
  enter_block(in.op, sig);
  if (in.op == O::Loop) {
    ctrls_.back().loop_start = pos();
    start_fuel_block();
  }
}

// br_if: straight to a label whose values are already in place (fused with a pending compare or
// loop-counter add), else over the copies the label needs.
void FunctionTranslator::br_if(const Instruction& in) {
  Ctrl& target = ctrls_[ctrls_.size() - 1 - in.a];
  Entry cond_entry = stack_.back();
  stack_.pop_back();
  bool direct = !is_function_frame(target) && !needs_copies(target);
  stack_.push_back(cond_entry);
  if (direct) {
    if (auto fused = take_compare(cond_entry)) {
      stack_.pop_back();
      uint32_t at = emit_fused_branch(fused->first, fused->second, true);
      uint32_t unit = pos() - 1;
      branch_rel(target, at, unit);
      start_fuel_block();
      return;
    }
  }
  uint32_t cond = pop_slot();
  if (direct) {
    if (auto latch = take_latch_add({cond})) {
      uint32_t at = emit<RegOp::AddImmBrIfNez>(cond, latch->second, 0u);
      uint32_t unit = pos() - 1;
      branch_rel(target, at, unit);
      start_fuel_block();
      return;
    }
    uint32_t at = emit<RegOp::BrIfNez>(cond, 0u);
    uint32_t unit = pos() - 1;
    branch_rel(target, at, unit);
    start_fuel_block();
    return;
  }
  uint32_t at = emit<RegOp::BrIfEqz>(cond, 0u);
  Patch skip{at, pos() - 1};
  // Materializations inside the taken path must not change entry kinds on the fall-through.
  EntryStack saved = stack_;
  branch(in.a);
  stack_ = std::move(saved);
  patch_to_here(skip);
  start_fuel_block();
  forget_fusions();
}

// The instructions that are neither control nor numeric: parametric, variable, memory and table
// management, references.
void FunctionTranslator::step_data(const Instruction& in, const OpInfo& info) {
  using O = Opcode;
  switch (in.op) {
    case O::Drop: stack_.pop_back(); return;
    case O::Select: case O::SelectT: {
      uint32_t c = pop_slot();
      Entry b = stack_.back();
      uint32_t bs = read_slot(stack_.back());
      stack_.pop_back();
      uint32_t as = read_slot(stack_.back());
      ValType t = b.type;
      stack_.pop_back();
      emit_result_like<RegOp::Select>(t == ValType::V128 ? RegOp::Select128 : RegOp::Select, t, c, as, bs);
      return;
    }
    case O::LocalGet: return local_get(in.a);
    case O::LocalSet: return local_set(in.a, false);
    case O::LocalTee: return local_set(in.a, true);
    case O::GlobalGet: {
      ValType t = m_.global_types[in.a].type;
      emit_result_like<RegOp::GlobalGet>(t == ValType::V128 ? RegOp::GlobalGet128 : RegOp::GlobalGet, t, in.a);
      return;
    }
    case O::GlobalSet: {
      ValType t = m_.global_types[in.a].type;
      uint32_t s = pop_slot();
      emit_like<RegOp::GlobalSet>(t == ValType::V128 ? RegOp::GlobalSet128 : RegOp::GlobalSet, s, in.a);
      return;
    }
    case O::I32Const: return push_const(ValType::I32, in.bits);
    case O::I64Const: return push_const(ValType::I64, in.bits);
    case O::F32Const: return push_const(ValType::F32, in.bits);
    case O::F64Const: return push_const(ValType::F64, in.bits);
    case O::MemorySize: emit_result<RegOp::MemorySize>(ValType::I32); return;
    case O::MemoryGrow: {
      uint32_t s = pop_slot();
      emit_result<RegOp::MemoryGrow>(ValType::I32, s, in.memory);
      return;
    }
    case O::MemoryFill: case O::MemoryCopy: {
      uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
      if (in.op == O::MemoryFill) emit<RegOp::MemoryFill>(d, s, n);
      else emit<RegOp::MemoryCopy>(d, s, n);
      return;
    }
    case O::MemoryInit: {
      uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
      emit<RegOp::MemoryInit>(in.a, d, s, n);
      return;
    }
    case O::DataDrop: emit<RegOp::DataDrop>(in.a); return;
    case O::TableGet: {
      uint32_t i = pop_slot();
      emit_result<RegOp::TableGet>(m_.tables[in.a].elem, in.a, i);
      return;
    }
    case O::TableSet: {
      uint32_t v = pop_slot(), i = pop_slot();
      emit<RegOp::TableSet>(in.a, i, v);
      return;
    }
    case O::TableSize: emit_result<RegOp::TableSize>(ValType::I32, in.a); return;
    case O::TableGrow: {
      uint32_t n = pop_slot(), init = pop_slot();
      emit_result<RegOp::TableGrow>(ValType::I32, in.a, init, n);
      return;
    }
    case O::TableFill: {
      uint32_t n = pop_slot(), v = pop_slot(), i = pop_slot();
      emit<RegOp::TableFill>(in.a, i, v, n);
      return;
    }
    case O::TableCopy: {
      uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
      emit<RegOp::TableCopy>(in.a, in.b, d, s, n);
      return;
    }
    case O::TableInit: {
      uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
      emit<RegOp::TableInit>(in.a, in.b, d, s, n);
      return;
    }
    case O::ElemDrop: emit<RegOp::ElemDrop>(in.a); return;
    case O::RefNull: return push_const(in.type, 0);
    case O::RefIsNull: {
      uint32_t s = pop_slot();
      emit_result<RegOp::RefIsNull>(ValType::I32, s);
      return;
    }
    case O::RefFunc: emit_result<RegOp::RefFunc>(ValType::FuncRef, in.a); return;
    default: break;
  }
  if (info.imm != Imm::MemArg) return numeric(in, info);
  if (numeric_map().load[unsigned(in.op)] != kNoRegOp) return load(in, info);
  store(in);
}

// A load: its address folded from a pending add (and shift) or a constant where it can be.
void FunctionTranslator::load(const Instruction& in, const OpInfo& info) {
  const NumericMap& nm = numeric_map();
  unsigned o = unsigned(in.op);
  if (auto add = take_address_add(stack_.back())) {  // operands: "a b" or "a i32"
    stack_.pop_back();
    if (!add->first.imm) {
      if (auto scaled = take_scaled_index(add->first, add->second[0], add->second[1])) {
        auto [base, index, shift] = *scaled;  // base + (index << shift)
        emit_result_like<RegOp::LS_I32Load>(nm.load_shl[o], info.result, base, index, shift,
                                            uint32_t(in.mem_offset));
        return;
      }
    }
    const CompareOperands& ab = add->second;  // "a b" or "a i32"
    if (add->first.imm)
      emit_result_like<RegOp::LI_I32Load>(nm.load_imm[o], info.result, ab[0], ab[1], uint32_t(in.mem_offset));
    else
      emit_result_like<RegOp::LR_I32Load>(nm.load_add[o], info.result, ab[0], ab[1], uint32_t(in.mem_offset));
    return;
  }
  if (stack_.back().kind == Entry::Const && !trace_) {
    uint32_t addr = uint32_t(stack_.back().bits[0]);
    stack_.pop_back();
    emit_result_like<RegOp::LA_I32Load>(nm.load_abs[o], info.result, addr, uint32_t(in.mem_offset));
    return;
  }
  uint32_t addr = pop_slot();
  uint32_t at = emit_result_like<RegOp::L_I32Load>(nm.load[o], info.result, addr, uint32_t(in.mem_offset));
  if (!trace_) last_load_ = LastLoad{at, pos(), in.op, wasm_offset_};
}

// A store: its address folded like a load's.
void FunctionTranslator::store(const Instruction& in) {
  const NumericMap& nm = numeric_map();
  unsigned o = unsigned(in.op);
  Entry& value = stack_.back();
  if (auto k = store_immediate(value)) {  // most constants: the store carries the value
    store_constant(in, *k);
    return;
  }
  // To fold the address, the stored value must already sit in a slot (a local's, or the add's
  // operands would no longer be the last thing emitted once a constant is materialized). A
  // constant that is no immediate (a wide one) is written to a spare slot above the operand stack
  // once the add (and a shift before it) are folded: its own home may be where the add read its
  // index.
  if (value.kind == Entry::Local || (value.kind == Entry::Const && value.type != ValType::V128)) {
    if (auto add = take_address_add(stack_[stack_.size() - 2])) {
      std::optional<std::array<uint32_t, 3>> scaled;
      if (!add->first.imm) scaled = take_scaled_index(add->first, add->second[0], add->second[1]);
      uint32_t v;
      if (value.kind == Entry::Const) {
        v = value.home + slot_count(value.type);
        max_slots_ = std::max(max_slots_, v + slot_count(value.type));
        emit_const_to(v, value);
        stack_.pop_back();
      } else {
        v = pop_slot();
      }
      stack_.pop_back();
      uint32_t offset = uint32_t(in.mem_offset);
      if (scaled) {
        auto [base, index, shift] = *scaled;  // base + (index << shift)
        emit_like<RegOp::SS_I32Store>(nm.store_shl[o], base, index, shift, v, offset);
      } else {
        const CompareOperands& ab = add->second;  // "a b" or "a i32"
        if (add->first.imm) emit_like<RegOp::SI_I32Store>(nm.store_imm[o], ab[0], ab[1], v, offset);
        else emit_like<RegOp::SR_I32Store>(nm.store_add[o], ab[0], ab[1], v, offset);
      }
      return;
    }
  }
  if (stack_[stack_.size() - 2].kind == Entry::Const && !trace_) {
    uint32_t v = pop_slot();  // may materialize a constant value; the address stays unemitted
    uint32_t addr = uint32_t(stack_.back().bits[0]);
    stack_.pop_back();
    emit_like<RegOp::SA_I32Store>(nm.store_abs[o], addr, v, uint32_t(in.mem_offset));
    return;
  }
  uint32_t v = pop_slot(), addr = pop_slot();
  emit_like<RegOp::S_I32Store>(nm.store[o], addr, v, uint32_t(in.mem_offset));
}

// The immediate k of a K_ store of this value (regops.def): a constant whose bits are k
// sign-extended, in untraced code (as SA_'s constant address: a traced translation keeps the
// constant's own instruction).
std::optional<uint32_t> FunctionTranslator::store_immediate(const Entry& value) const {
  if (value.kind != Entry::Const || value.type == ValType::V128 || trace_) return std::nullopt;
  uint64_t bits = value.bits[0];
  bool wide = value.type == ValType::I64 || value.type == ValType::F64;
  if (wide && int64_t(bits) != int64_t(int32_t(uint32_t(bits)))) return std::nullopt;
  return uint32_t(bits);
}

// A store of a constant: no slot holds the value, the instruction carries it (K_ forms); the
// address is folded as a store's.
void FunctionTranslator::store_constant(const Instruction& in, uint32_t k) {
  const NumericMap& nm = numeric_map();
  unsigned o = unsigned(in.op);
  uint32_t offset = uint32_t(in.mem_offset);
  stack_.pop_back();  // the constant: nothing was emitted for it
  if (auto add = take_address_add(stack_.back())) {
    stack_.pop_back();
    const CompareOperands& ab = add->second;  // "a b" or "a i32"
    if (add->first.imm) emit_like<RegOp::KI_I32Store>(nm.store_k_imm[o], ab[0], ab[1], k, offset);
    else emit_like<RegOp::KR_I32Store>(nm.store_k_add[o], ab[0], ab[1], k, offset);
    return;
  }
  if (stack_.back().kind == Entry::Const) {
    uint32_t addr = uint32_t(stack_.back().bits[0]);
    stack_.pop_back();
    emit_like<RegOp::KA_I32Store>(nm.store_k_abs[o], addr, k, offset);
    return;
  }
  uint32_t addr = pop_slot();
  emit_like<RegOp::K_I32Store>(nm.store_k[o], addr, k, offset);
}

// Unary and binary numeric ops: a constant right operand folded into the instruction, a pending
// load folded into the few ops that have a form for it.
void FunctionTranslator::numeric(const Instruction& in, const OpInfo& info) {
  const NumericMap& nm = numeric_map();
  unsigned o = unsigned(in.op);
  if (info.nparams == 1) {
    uint32_t a = pop_slot();
    uint32_t at = emit_result_like<RegOp::N_I32Eqz>(nm.slot[o], info.result, a);
    note_compare(in.op, false, at);
    return;
  }
  // Binary: fold a constant right operand into the instruction.
  Entry& rb = stack_.back();
  if (rb.kind == Entry::Const && nm.imm[o] != kNoRegOp) {
    uint64_t imm = rb.bits[0];
    bool wide = rb.type == ValType::I64 || rb.type == ValType::F64;
    stack_.pop_back();
    uint32_t a = pop_slot();
    uint32_t at = wide ? emit_result_like<RegOp::NI_I64Add>(nm.imm[o], info.result, a, imm)
                       : emit_result_like<RegOp::NI_I32Add>(nm.imm[o], info.result, a, uint32_t(imm));
    note_compare(in.op, true, at);
    return;
  }
  if (auto fused = take_operand_load(in.op)) {
    stack_.pop_back();
    uint32_t a = pop_slot();
    uint32_t keep = wasm_offset_;
    wasm_offset_ = fused->wasm_offset;  // a trap in it is the load's
    emit_result_like<RegOp::F64AddLoad>(fused->op, info.result, a, fused->addr, fused->offset);
    wasm_offset_ = keep;
    return;
  }
  uint32_t b = pop_slot();
  uint32_t a = pop_slot();
  uint32_t at = emit_result_like<RegOp::N_I32Add>(nm.slot[o], info.result, a, b);
  note_compare(in.op, false, at);
}

void FunctionTranslator::br_on_null(const Instruction& in) {
  bool on_null = in.op == Opcode::BrOnNull;
  uint32_t ref = read_slot(stack_.back());
  // A null reference is 0.
  uint32_t at = emit_like<RegOp::BrIfNez64>(on_null ? RegOp::BrIfNez64 : RegOp::BrIfEqz64, ref, 0u);
  Patch skip{at, pos() - 1};
  EntryStack saved = stack_;
  if (on_null) stack_.pop_back();
  branch(in.a);
  stack_ = std::move(saved);
  if (!on_null) stack_.pop_back();
  patch_to_here(skip);
  start_fuel_block();
  forget_fusions();
}

void FunctionTranslator::br_table(const Instruction& in) {
  uint32_t c = pop_slot();
  const auto& targets = *in.targets;
  uint32_t n = uint32_t(targets.size() - 1);
  uint32_t at = op(RegOp::BrTable);
  u32(c);
  u32(n);
  uint32_t first = pos();
  for (size_t i = 0; i < targets.size(); ++i) u32(0);
  std::map<uint32_t, uint32_t> stubs;  // depth -> stub position
  for (size_t i = 0; i < targets.size(); ++i) {
    uint32_t depth = targets[i];
    Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
    uint32_t unit = first + uint32_t(i);
    if (!is_function_frame(target) && !needs_copies(target)) {
      branch_rel(target, at, unit);
      continue;
    }
    auto it = stubs.find(depth);
    if (it == stubs.end()) {
      uint32_t stub = pos();
      stubs[depth] = stub;
      EntryStack saved = stack_;
      branch(depth);
      stack_ = std::move(saved);
      set_rel(unit, at, stub);
    } else {
      set_rel(unit, at, it->second);
    }
  }
  mark_unreachable();
}

void FunctionTranslator::simd(const Instruction& in, const OpInfo& info) {
  f_.uses_simd = true;
  if (in.op == Opcode::V128Const) {
    uint64_t lo, hi;
    std::memcpy(&lo, in.v128, 8);
    std::memcpy(&hi, in.v128 + 8, 8);
    return push_const(ValType::V128, lo, hi);
  }
  // Opcode -> V_<Name> register op, from interp/simd.def (operand layouts documented there).
  static const std::vector<RegOp> kSimdOps = [] {
    std::vector<RegOp> m(kOpcodeCount, kNoRegOp);
#define WI_SIMD(name, ops) m[unsigned(Opcode::name)] = RegOp::V_##name;
#include "interp/simd.def"
#undef WI_SIMD
    return m;
  }();
  RegOp r = kSimdOps[unsigned(in.op)];
  const bool has_result = info.result != ValType::Void;
  switch (info.imm) {
    case Imm::MemArg: {  // loads "d a offset", stores "a s offset"
      uint32_t v = has_result ? 0 : pop_slot();
      uint32_t addr = pop_slot();
      if (has_result) emit_result_op(r, info.result);
      else op(r);
      u32(addr);
      if (!has_result) u32(v);
      u32(uint32_t(in.mem_offset));
      return;
    }
    case Imm::MemArgLane: {  // loads "d a v offset lane", stores "a s offset lane"
      uint32_t v = pop_slot(), addr = pop_slot();
      if (has_result) emit_result_op(r, info.result);
      else op(r);
      u32(addr); u32(v); u32(uint32_t(in.mem_offset)); u32(in.a);
      return;
    }
    case Imm::Shuffle: {  // "d a b v128": the 16 lane indices
      uint32_t b = pop_slot(), a = pop_slot();
      emit_result_op(r, info.result);
      u32(a); u32(b);
      uint32_t lanes[4];
      std::memcpy(lanes, in.v128, 16);
      for (uint32_t w : lanes) u32(w);
      return;
    }
    default: {  // "d a [b [c]]", then the lane index for extract/replace_lane
      uint32_t s[3];
      for (int i = info.nparams; i-- > 0;) s[i] = pop_slot();
      emit_result_op(r, info.result);
      for (int i = 0; i < info.nparams; ++i) u32(s[i]);
      if (info.imm == Imm::Lane) u32(in.a);
      return;
    }
  }
}

}  // namespace wi::lowering
