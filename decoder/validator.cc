// Instruction typing rules (spec 3.3). Fixed-signature instructions are typed from opcodes.def; the
// rest (control, variables, references, tables, calls, bulk memory) are typed here by hand.
#include "decoder/validator.h"
#include "fmt/format.h"

namespace wi {

Result<void> block_signature(const Module& m, const Instruction& in, BlockSig& s) {
  int64_t bt = in.block_type;
  size_t offset = in.offset;
  if (bt == kBlockVoid) return {};
  if (bt == kBlockValue) {
    WI_TRY_ASSIGN(ValType t, m.canonical(in.type, offset));
    s.results = TypeList(t);
    return {};
  }
  if (uint64_t(bt) >= m.types.size()) return make_error(offset, fmt::format("unknown type {}", bt));
  s.params = m.types[bt].params;
  s.results = m.types[bt].results;
  return {};
}

void FunctionValidator::begin(const Module& m, uint32_t func_index, const FunctionBody& body) {
  m_ = &m;
  memory0_is32_ = !m.memories.empty() && !m.memories[0].is64;
  const FuncType& t = m.func_type(func_index);
  locals_ = t.params;
  for (auto& d : body.locals) locals_.insert(locals_.end(), d.count, d.type);
  // https://webassembly.github.io/spec/core/valid/instructions.html#local-instructions: a local of
  // a non-nullable reference type has no default value and must be set before it is read; a set
  // inside a block counts until the block ends.
  local_set_.assign(locals_.size(), true);
  for (size_t i = t.params.size(); i < locals_.size(); ++i)
    if (is_ref(locals_[i]) && !ref_nullable(locals_[i])) local_set_[i] = false;
  sets_in_blocks_.clear();
  results_ = t.results;
  stack_.clear();
  frames_.clear();
  push_frame(Opcode::End, BlockSig{{}, t.results});
}

Result<ValType> FunctionValidator::pop(const Instruction& in) {
  Frame& f = frames_.back();
  if (stack_.size() == f.height) {
    if (f.unreachable) return ValType::Unknown;
    return err(in, "type mismatch");
  }
  ValType t = stack_.back();
  stack_.pop_back();
  ++pops_;
  return t;
}

Result<ValType> FunctionValidator::pop_expect(const Instruction& in, ValType expect) {
  WI_TRY_ASSIGN(ValType t, pop(in));
  if (expect != ValType::Unknown && !matches(t, expect)) return err(in, "type mismatch");
  return t == ValType::Unknown ? expect : t;
}

Result<void> FunctionValidator::pop_all_slow(const Instruction& in, std::span<const ValType> types) {
  for (size_t i = types.size(); i-- > 0;) WI_TRY(pop_expect(in, types[i]));
  return {};
}

Result<ValType> FunctionValidator::pop_ref(const Instruction& in) {
  WI_TRY_ASSIGN(ValType t, pop(in));
  if (t != ValType::Unknown && !is_ref(t)) return err(in, "type mismatch");
  return t;
}

void FunctionValidator::mark_set(uint32_t local) {
  if (local_set_[local]) return;
  local_set_[local] = true;
  sets_in_blocks_.push_back(local);
}

bool all_match(std::span<const ValType> sub, std::span<const ValType> super) {
  if (sub.size() != super.size()) return false;
  for (size_t i = 0; i < sub.size(); ++i)
    if (!matches(sub[i], super[i])) return false;
  return true;
}

Result<FunctionValidator::Frame> FunctionValidator::pop_frame(const Instruction& in) {
  if (frames_.empty()) return err(in, "unexpected end");
  WI_TRY(pop_all(in, frames_.back().sig.results));
  if (stack_.size() != frames_.back().height) return err(in, "type mismatch");
  Frame f = std::move(frames_.back());
  frames_.pop_back();
  undo_sets(f.first_set);
  return f;
}

void FunctionValidator::undo_sets(size_t first_set) {
  for (size_t i = first_set; i < sets_in_blocks_.size(); ++i) local_set_[sets_in_blocks_[i]] = false;
  sets_in_blocks_.resize(first_set);
}

void FunctionValidator::set_unreachable() {
  stack_.resize(frames_.back().height);
  frames_.back().unreachable = true;
}

Result<void> FunctionValidator::label(const Instruction& in, uint32_t depth) {
  if (depth >= frames_.size()) return err(in, fmt::format("unknown label {}", depth));
  return {};
}

Result<void> FunctionValidator::need_memory(const Instruction& in, uint32_t memory) {
  if (memory >= m_->memories.size()) return err(in, fmt::format("unknown memory {}", memory));
  return {};
}

ValType FunctionValidator::memory_address(uint32_t memory) const {
  return address_type(m_->memories[memory].is64);
}
ValType FunctionValidator::table_address(uint32_t table) const { return address_type(m_->tables[table].is64); }

// https://webassembly.github.io/spec/core/valid/instructions.html#memory-instructions: the offset
// must fit the memory's address type.
Result<void> FunctionValidator::memarg(const Instruction& in) {
  WI_TRY(need_memory(in, in.memory));
  if (in.align > op_info(in.op).aux) return err(in, "alignment must not be larger than natural");
  if (!m_->memories[in.memory].is64 && in.mem_offset > 0xffffffffu) return err(in, "offset out of range");
  return {};
}

Result<void> FunctionValidator::need_tag(const Instruction& in, uint32_t tag) {
  if (tag >= m_->tag_types.size()) return err(in, fmt::format("unknown tag {}", tag));
  return {};
}

// A try_table's clauses: each label must take what its clause delivers.
Result<void> FunctionValidator::catch_clauses(const Instruction& in) {
  const std::vector<uint32_t>& c = *in.targets;
  for (size_t i = 0; i < c.size(); i += 3) {
    uint32_t kind = c[i], tag = c[i + 1], depth = c[i + 2];
    std::vector<ValType> values;
    if (kind == kCatch || kind == kCatchRef) {
      WI_TRY(need_tag(in, tag));
      values = m_->tag_type(tag).params;
    }
    if (kind == kCatchRef || kind == kCatchAllRef) values.push_back(ref_type(false, kHeapExn));
    WI_TRY(label(in, depth));
    if (!all_match(values, frame_at_depth(depth).label_types())) return err(in, "type mismatch");
  }
  return {};
}

// A copy between two tables or memories: its length is an i64 only when both sides are 64-bit.
static ValType copy_length_type(ValType dst, ValType src) {
  return dst == ValType::I64 && src == ValType::I64 ? ValType::I64 : ValType::I32;
}

Result<void> FunctionValidator::need_table(const Instruction& in, uint32_t t) {
  if (t >= m_->tables.size()) return err(in, fmt::format("unknown table {}", t));
  return {};
}

Result<void> FunctionValidator::step(const Instruction& in) {
  if (frames_.empty()) return err(in, "operators remaining after end of function");
  pops_ = 0;
  const OpInfo& info = op_info(in.op);
  if (!info.fixed_sig) return step_special(in);
  switch (info.imm) {
    case Imm::MemArg: WI_TRY(memarg(in)); break;
    case Imm::MemArgLane:
      WI_TRY(memarg(in));
      if (in.a >= 16u >> info.aux) return err(in, "invalid lane index");
      break;
    case Imm::Lane:
      if (in.a >= info.aux) return err(in, "invalid lane index");
      break;
    case Imm::Shuffle:
      for (uint8_t l : in.v128)
        if (l >= 32) return err(in, "invalid lane index");
      break;
    default: break;
  }
  return step_signature(in, info);
}

Result<void> FunctionValidator::step_signature_slow(const Instruction& in, const OpInfo& info) {
  pops_ = 0;
  // A memory access's first operand is its address, of the memory's address type.
  bool access = info.imm == Imm::MemArg || info.imm == Imm::MemArgLane;
  for (int i = info.nparams; i-- > 0;)
    WI_TRY(pop_expect(in, access && i == 0 ? memory_address(in.memory) : info.params[i]));
  if (info.result != ValType::Void) push(info.result);
  return {};
}

Result<void> FunctionValidator::local_get_slow(const Instruction& in) {
  pops_ = 0;
  if (in.a >= locals_.size()) return err(in, fmt::format("unknown local {}", in.a));
  if (!local_set_[in.a]) return err(in, "uninitialized local");
  push(locals_[in.a]);
  return {};
}

Result<void> FunctionValidator::local_set_slow(const Instruction& in, bool tee) {
  pops_ = 0;
  if (in.a >= locals_.size()) return err(in, fmt::format("unknown local {}", in.a));
  WI_TRY(pop_expect(in, locals_[in.a]));
  mark_set(in.a);
  if (tee) push(locals_[in.a]);
  return {};
}

// An instruction that reached a step function whose switch has no case for it (a table out of step
// with the decoder): an error naming it, never a silent pass.
Result<void> FunctionValidator::no_typing_rule(const Instruction& in) {
  return err(in, fmt::format("no typing rule for {}", op_name(in.op)));
}

Result<void> FunctionValidator::block(const Instruction& in) {
  using O = Opcode;
  pops_ = 0;
  BlockSig sig;
  if (in.block_type != kBlockVoid) WI_TRY(block_signature(*m_, in, sig));  // most blocks are void
  if (in.op == O::TryTable) WI_TRY(catch_clauses(in));
  if (in.op == O::If) WI_TRY(pop_expect(in, ValType::I32));
  WI_TRY(pop_all(in, sig.params));
  // A host limit, not a spec rule: each level costs the validator and translator a frame, so a
  // body of nothing but `block` would otherwise cost hundreds of bytes of host memory per byte.
  if (frames_.size() > kMaxNesting)
    return err(in, fmt::format("blocks nested deeper than the limit of {}", kMaxNesting));
  push_frame(in.op, std::move(sig));
  return {};
}

Result<void> FunctionValidator::end(const Instruction& in) {
  pops_ = 0;
  // pop_frame's checks, on the frame in place: it is not moved out only to be dropped.
  if (frames_.empty()) return err(in, "unexpected end");
  const Frame& f = frames_.back();
  WI_TRY(pop_all(in, f.sig.results));
  if (stack_.size() != f.height) return err(in, "type mismatch");
  // An `if` without `else` must have matching params and results (the implicit else is empty).
  if (f.kind == Opcode::If && !all_match(f.sig.params, f.sig.results)) return err(in, "type mismatch");
  undo_sets(f.first_set);
  if (frames_.size() == 1) stack_.clear();
  else push_all(f.sig.results);
  frames_.pop_back();
  return {};
}

Result<void> FunctionValidator::br(const Instruction& in) {
  pops_ = 0;
  WI_TRY(label(in, in.a));
  WI_TRY(pop_all(in, frame_at_depth(in.a).label_types()));
  set_unreachable();
  return {};
}

Result<void> FunctionValidator::br_if(const Instruction& in) {
  pops_ = 0;
  WI_TRY(label(in, in.a));
  WI_TRY(pop_expect(in, ValType::I32));
  // The label's types by reference: popping and pushing operands leaves the frames as they are.
  const TypeList& types = frame_at_depth(in.a).label_types();
  WI_TRY(pop_all(in, types));
  push_all(types);
  return {};
}

Result<void> FunctionValidator::call(const Instruction& in) {
  pops_ = 0;
  if (in.a >= m_->func_types.size()) return err(in, fmt::format("unknown function {}", in.a));
  const FuncType& t = m_->func_type(in.a);
  WI_TRY(pop_all(in, t.params));
  push_all(t.results);
  return {};
}

// The instructions without a fixed signature: control here; exceptions, calls and the rest of the
// instructions in their own functions.
Result<void> FunctionValidator::step_special(const Instruction& in) {
  using O = Opcode;
  switch (in.op) {
    case O::Unreachable:
      set_unreachable();
      return {};
    // try_table and the legacy try are blocks too (exception handling: a try_table's catch clauses
    // branch, from outside the block, to labels that take the tag's values, and the exnref for the
    // _ref forms; https://webassembly.github.io/spec/core/valid/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-try-table-xref-syntax-instructions-syntax-blocktype-mathit-blocktype-xref-syntax-instructions-syntax-catch-mathit-catch-ast-xref-syntax-instructions-syntax-instr-mathit-instr-ast-xref-syntax-instructions-syntax-instr-control-mathsf-end).
    case O::Block:
    case O::Loop:
    case O::If:
    case O::TryTable:
    case O::Try:
      return block(in);
    case O::Else: {
      if (frames_.back().kind != O::If) return err(in, "else without if");
      // pop_frame's checks and push_frame's state on the frame in place (no moves of its types).
      Frame& f = frames_.back();
      WI_TRY(pop_all(in, f.sig.results));
      if (stack_.size() != f.height) return err(in, "type mismatch");
      undo_sets(f.first_set);
      f.kind = O::Else;
      f.unreachable = false;
      push_all(f.sig.params);
      return {};
    }
    case O::End: return end(in);
    case O::Br: return br(in);
    case O::BrIf: return br_if(in);
    case O::BrTable: {
      WI_TRY(pop_expect(in, ValType::I32));
      uint32_t def = in.targets->back();
      WI_TRY(label(in, def));
      size_t arity = frame_at_depth(def).label_types().size();
      for (uint32_t t : *in.targets) {
        WI_TRY(label(in, t));
        const auto& types = frame_at_depth(t).label_types();
        if (types.size() != arity) return err(in, "type mismatch");
        // Check each target against the stack without consuming it (unreachable-aware). Exactly
        // its types on top need no trial pops (counted as pops, as the trial counts them); else the
        // stack is tried on and put back, into buffers that keep their capacity (a stack moved back
        // from a copy had none to spare, and every push after each br_table reallocated).
        if (on_top(types)) {
          pops_ += types.size();
          continue;
        }
        saved_stack_.assign(stack_.begin(), stack_.end());
        WI_TRY(pop_all(in, types));
        stack_.assign(saved_stack_.begin(), saved_stack_.end());
      }
      WI_TRY(pop_all(in, frame_at_depth(def).label_types()));
      set_unreachable();
      return {};
    }
    case O::Return:
      WI_TRY(pop_all(in, results_));
      set_unreachable();
      return {};
    case O::BrOnNull: {  // [t* (ref null ht)] -> [t* (ref ht)], the label's type being [t*]
      WI_TRY(label(in, in.a));
      WI_TRY_ASSIGN(ValType t, pop_ref(in));
      auto types = frame_at_depth(in.a).label_types();
      WI_TRY(pop_all(in, types));
      push_all(types);
      push(t == ValType::Unknown ? t : ref_type(false, ref_heap(t)));
      return {};
    }
    case O::BrOnNonNull: {  // [t* (ref null ht)] -> [t*], the label's type being [t* (ref ht)]
      WI_TRY(label(in, in.a));
      const TypeList label_types = frame_at_depth(in.a).label_types();  // a copy: may hold its type inline
      std::span<const ValType> types = label_types;
      if (types.empty() || !is_ref(types.back())) return err(in, "type mismatch");
      WI_TRY_ASSIGN(ValType t, pop_ref(in));
      if (t != ValType::Unknown && !matches(ref_type(false, ref_heap(t)), types.back()))
        return err(in, "type mismatch");
      types = types.first(types.size() - 1);
      WI_TRY(pop_all(in, types));
      push_all(types);
      return {};
    }
    case O::Catch: case O::CatchAll: case O::Delegate: case O::Rethrow: case O::Throw: case O::ThrowRef:
      return step_exception(in);
    case O::Call: case O::CallIndirect: case O::ReturnCall: case O::ReturnCallIndirect: case O::CallRef:
    case O::ReturnCallRef:
      return step_call(in);
    default:
      return step_data(in);
  }
}

// Exception handling (Wasm 3.0): catch clauses of the legacy try, delegate, rethrow, throw.
Result<void> FunctionValidator::step_exception(const Instruction& in) {
  using O = Opcode;
  switch (in.op) {
    // Legacy exception handling: each catch (catch_all) ends the part before it, as `else` does,
    // and starts one with the tag's values (none); delegate ends a try without clauses, naming a
    // label outside it; rethrow names an enclosing catch part.
    case O::Catch:
    case O::CatchAll: {
      Opcode k = frames_.back().kind;
      if (k != O::Try && k != O::Catch) return err(in, in.op == O::Catch ? "catch without try" : "catch_all without try");
      TypeList values;
      if (in.op == O::Catch) {
        WI_TRY(need_tag(in, in.a));
        values = m_->tag_type(in.a).params;
      }
      WI_TRY_ASSIGN(Frame f, pop_frame(in));
      push_frame(in.op, BlockSig{values, f.sig.results});
      return {};
    }
    case O::Delegate: {
      if (frames_.back().kind != O::Try) return err(in, "delegate without try");
      WI_TRY_ASSIGN(Frame f, pop_frame(in));
      WI_TRY(label(in, in.a));
      push_all(f.sig.results);
      return {};
    }
    case O::Rethrow: {
      WI_TRY(label(in, in.a));
      Opcode k = frame_at_depth(in.a).kind;
      if (k != O::Catch && k != O::CatchAll) return err(in, "invalid rethrow label");
      set_unreachable();
      return {};
    }
    case O::Throw: {
      WI_TRY(need_tag(in, in.a));
      WI_TRY(pop_all(in, m_->tag_type(in.a).params));
      set_unreachable();
      return {};
    }
    case O::ThrowRef:
      WI_TRY(pop_expect(in, ValType::ExnRef));
      set_unreachable();
      return {};
    default:
      return no_typing_rule(in);
  }
}

// Calls: direct, through a table, through a reference, and their tail-call forms.
Result<void> FunctionValidator::step_call(const Instruction& in) {
  using O = Opcode;
  switch (in.op) {
    case O::Call: return call(in);
    case O::CallIndirect: {
      WI_TRY(need_table(in, in.b));
      if (!matches(m_->tables[in.b].elem, ValType::FuncRef)) return err(in, "type mismatch");
      if (in.a >= m_->types.size()) return err(in, fmt::format("unknown type {}", in.a));
      WI_TRY(pop_expect(in, table_address(in.b)));
      const FuncType& t = m_->types[in.a];
      WI_TRY(pop_all(in, t.params));
      push_all(t.results);
      return {};
    }
    // https://webassembly.github.io/spec/core/valid/instructions.html#xref-syntax-instructions-syntax-instr-control-mathsf-return-call-x
    // The callee's results must match the caller's (each a subtype of the one in its place); then, like
    // `return`, the rest of the block is unreachable.
    case O::ReturnCall: {
      if (in.a >= m_->func_types.size()) return err(in, fmt::format("unknown function {}", in.a));
      const FuncType& t = m_->func_type(in.a);
      if (!all_match(t.results, results_)) return err(in, "type mismatch");
      WI_TRY(pop_all(in, t.params));
      set_unreachable();
      return {};
    }
    case O::ReturnCallIndirect: {
      WI_TRY(need_table(in, in.b));
      if (!matches(m_->tables[in.b].elem, ValType::FuncRef)) return err(in, "type mismatch");
      if (in.a >= m_->types.size()) return err(in, fmt::format("unknown type {}", in.a));
      const FuncType& t = m_->types[in.a];
      if (!all_match(t.results, results_)) return err(in, "type mismatch");
      WI_TRY(pop_expect(in, table_address(in.b)));
      WI_TRY(pop_all(in, t.params));
      set_unreachable();
      return {};
    }
    case O::CallRef:
    case O::ReturnCallRef: {
      if (in.a >= m_->types.size()) return err(in, fmt::format("unknown type {}", in.a));
      const FuncType& t = m_->types[in.a];
      WI_TRY(pop_expect(in, ref_type(true, kHeapTypeIndex + m_->type_canon[in.a])));
      WI_TRY(pop_all(in, t.params));
      if (in.op == O::CallRef) {
        push_all(t.results);
      } else {
        if (!all_match(t.results, results_)) return err(in, "type mismatch");
        set_unreachable();
      }
      return {};
    }
    default:
      return no_typing_rule(in);
  }
}

// Parametric, variable and reference instructions; tables and memories in step_table_memory.
Result<void> FunctionValidator::step_data(const Instruction& in) {
  using O = Opcode;
  switch (in.op) {
    case O::Drop:
      WI_TRY(pop(in));
      return {};
    case O::Select: {
      WI_TRY(pop_expect(in, ValType::I32));
      WI_TRY_ASSIGN(ValType a, pop(in));
      WI_TRY_ASSIGN(ValType b, pop(in));
      if (is_ref(a) || is_ref(b)) return err(in, "type mismatch");
      if (a != b && a != ValType::Unknown && b != ValType::Unknown) return err(in, "type mismatch");
      push(a == ValType::Unknown ? b : a);
      return {};
    }
    case O::SelectT: {
      WI_TRY_ASSIGN(ValType t, m_->canonical(in.type, in.offset));
      WI_TRY(pop_expect(in, ValType::I32));
      WI_TRY(pop_expect(in, t));
      WI_TRY(pop_expect(in, t));
      push(t);
      return {};
    }
    case O::LocalGet: return local_get(in);
    case O::LocalSet: return local_set(in, false);
    case O::LocalTee: return local_set(in, true);
    case O::GlobalGet:
      if (in.a >= m_->global_types.size()) return err(in, fmt::format("unknown global {}", in.a));
      push(m_->global_types[in.a].type);
      return {};
    case O::GlobalSet:
      if (in.a >= m_->global_types.size()) return err(in, fmt::format("unknown global {}", in.a));
      if (!m_->global_types[in.a].mut) return err(in, "global is immutable");
      WI_TRY(pop_expect(in, m_->global_types[in.a].type));
      return {};
    case O::RefNull: {
      WI_TRY_ASSIGN(ValType t, m_->canonical(in.type, in.offset));
      push(t);
      return {};
    }
    case O::RefIsNull: {
      WI_TRY_ASSIGN(ValType t, pop(in));
      if (t != ValType::Unknown && !is_ref(t)) return err(in, "type mismatch");
      push(ValType::I32);
      return {};
    }
    case O::RefFunc:
      if (in.a >= m_->func_types.size()) return err(in, fmt::format("unknown function {}", in.a));
      if (in.a >= m_->declared_refs.size() || !m_->declared_refs[in.a])
        return err(in, "undeclared function reference");
      push(m_->func_ref_type(in.a));
      return {};
    // Typed function references (Wasm 3.0):
    // https://webassembly.github.io/spec/core/valid/instructions.html#reference-instructions
    case O::RefAsNonNull: {
      WI_TRY_ASSIGN(ValType t, pop_ref(in));
      push(t == ValType::Unknown ? t : ref_type(false, ref_heap(t)));
      return {};
    }
    case O::DataDrop: case O::ElemDrop: case O::MemoryCopy: case O::MemoryFill: case O::MemoryGrow:
    case O::MemoryInit: case O::MemorySize: case O::TableCopy: case O::TableFill: case O::TableGet:
    case O::TableGrow: case O::TableInit: case O::TableSet: case O::TableSize:
      return step_table_memory(in);
    default:
      return no_typing_rule(in);
  }
}

// Table and memory instructions: access, size and growth, bulk operations, segment drops.
Result<void> FunctionValidator::step_table_memory(const Instruction& in) {
  using O = Opcode;
  switch (in.op) {
    // Tables and memories indexed by i64 (table64, memory64) take i64 indices, addresses and sizes
    // (https://webassembly.github.io/spec/core/valid/instructions.html#table-instructions).
    case O::TableGet:
      WI_TRY(need_table(in, in.a));
      WI_TRY(pop_expect(in, table_address(in.a)));
      push(m_->tables[in.a].elem);
      return {};
    case O::TableSet:
      WI_TRY(need_table(in, in.a));
      WI_TRY(pop_expect(in, m_->tables[in.a].elem));
      WI_TRY(pop_expect(in, table_address(in.a)));
      return {};
    case O::TableSize:
      WI_TRY(need_table(in, in.a));
      push(table_address(in.a));
      return {};
    case O::TableGrow:
      WI_TRY(need_table(in, in.a));
      WI_TRY(pop_expect(in, table_address(in.a)));
      WI_TRY(pop_expect(in, m_->tables[in.a].elem));
      push(table_address(in.a));
      return {};
    case O::TableFill:
      WI_TRY(need_table(in, in.a));
      WI_TRY(pop_expect(in, table_address(in.a)));
      WI_TRY(pop_expect(in, m_->tables[in.a].elem));
      WI_TRY(pop_expect(in, table_address(in.a)));
      return {};
    case O::TableCopy: {
      WI_TRY(need_table(in, in.a));
      WI_TRY(need_table(in, in.b));
      if (!matches(m_->tables[in.b].elem, m_->tables[in.a].elem)) return err(in, "type mismatch");
      ValType d = table_address(in.a), s = table_address(in.b);
      WI_TRY(pop_expect(in, copy_length_type(d, s)));
      WI_TRY(pop_expect(in, s));
      WI_TRY(pop_expect(in, d));
      return {};
    }
    case O::TableInit:
      WI_TRY(need_table(in, in.b));
      if (in.a >= m_->elems.size()) return err(in, fmt::format("unknown elem segment {}", in.a));
      if (!matches(m_->elems[in.a].type, m_->tables[in.b].elem)) return err(in, "type mismatch");
      WI_TRY(pop_expect(in, ValType::I32));
      WI_TRY(pop_expect(in, ValType::I32));
      WI_TRY(pop_expect(in, table_address(in.b)));
      return {};
    case O::ElemDrop:
      if (in.a >= m_->elems.size()) return err(in, fmt::format("unknown elem segment {}", in.a));
      return {};
    case O::MemorySize:
      WI_TRY(need_memory(in, in.memory));
      push(memory_address(in.memory));
      return {};
    case O::MemoryGrow:
      WI_TRY(need_memory(in, in.memory));
      WI_TRY(pop_expect(in, memory_address(in.memory)));
      push(memory_address(in.memory));
      return {};
    case O::MemoryFill:
      WI_TRY(need_memory(in, in.memory));
      WI_TRY(pop_expect(in, memory_address(in.memory)));
      WI_TRY(pop_expect(in, ValType::I32));
      WI_TRY(pop_expect(in, memory_address(in.memory)));
      return {};
    case O::MemoryCopy: {
      WI_TRY(need_memory(in, in.memory));
      WI_TRY(need_memory(in, in.memory_src));
      ValType d = memory_address(in.memory), s = memory_address(in.memory_src);
      WI_TRY(pop_expect(in, copy_length_type(d, s)));
      WI_TRY(pop_expect(in, s));
      WI_TRY(pop_expect(in, d));
      return {};
    }
    case O::MemoryInit:
      WI_TRY(need_memory(in, in.memory));
      if (!m_->data_count) return err(in, "data count section required");
      if (in.a >= *m_->data_count) return err(in, fmt::format("unknown data segment {}", in.a));
      WI_TRY(pop_expect(in, ValType::I32));
      WI_TRY(pop_expect(in, ValType::I32));
      WI_TRY(pop_expect(in, memory_address(in.memory)));
      return {};
    case O::DataDrop:
      if (!m_->data_count) return err(in, "data count section required");
      if (in.a >= *m_->data_count) return err(in, fmt::format("unknown data segment {}", in.a));
      return {};
    default:
      return no_typing_rule(in);
  }
}
Result<void> validate_function(const Module& m, uint32_t func_index, const FunctionBody& body) {
  FunctionValidator v;
  v.begin(m, func_index, body);
  Reader r(std::span<const uint8_t>(m.bytes.data() + body.code_start, body.end - body.code_start),
           body.code_start);
  Instruction in;
  std::vector<uint32_t> targets;
  while (!v.done()) {
    if (r.at_end()) return r.error("unexpected end of section or function");
    WI_TRY(read_instruction(r, in, targets));
    WI_TRY(v.step(in));
  }
  if (!r.at_end()) return r.error("section size mismatch");
  return {};
}

}  // namespace wi
