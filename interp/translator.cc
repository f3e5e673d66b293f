// Wasm stack code -> register code. Invariants the rest of the interpreter relies on:
// - Every operand-stack entry has a home slot fixed by its depth. An entry is Temp (value in its
//   home), Local (value still in a local's slot) or Const (value known at translation time).
// - At every block/loop/if entry all entries are made Temp, so a Local entry was always pushed in
//   the current straight-line region; a local.set then copies any older Local entries of that local
//   to their homes first ("preserve"), which is correct on every path reaching their later use.
// - Branches copy label values into the target's homes in ascending order; sources are locals,
//   constants or homes at or above the destinations, so the copies never clobber a pending source.
#include "interp/translator.h"
#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include "fmt/format.h"
#include "interp/regop.h"

namespace wi {
namespace {

struct Entry {
  enum Kind : uint8_t { Temp, Local, Const } kind = Temp;
  ValType type = ValType::I32;
  uint32_t home = 0;
  uint32_t local = 0;    // Local: the local's slot
  uint32_t local_index = 0;
  uint64_t bits[2] = {0, 0};  // Const
};

struct Patch {
  uint32_t instr;  // instruction start (rel is relative to it)
  uint32_t unit;   // position of the rel unit
};

struct Ctrl {
  Ctrl(Opcode k, std::vector<ValType> p, std::vector<ValType> r, size_t h, uint32_t b)
      : kind(k), params(std::move(p)), results(std::move(r)), height(h), base_slot(b) {}
  Opcode kind;
  std::vector<ValType> params, results;
  size_t height;       // entries below the params
  uint32_t base_slot;  // home of the first param/result
  std::vector<Patch> patches;  // forward branches to this label
  uint32_t loop_start = 0;
  std::optional<Patch> else_patch;
  bool unreachable = false;
  uint32_t skip_depth = 0;  // blocks opened inside unreachable code
  uint32_t try_start = 0;   // TryTable, Try: where its body's code starts
  std::vector<uint32_t> catches;  // TryTable: its clauses (Instruction::targets' layout)
  uint32_t group = 0;       // TryTable, Try: its clauses' CatchHandler::group
  uint32_t body_end = 0;    // Try: where its body's code ended (at its first catch)
  uint32_t exn_slot = 0;    // Catch, CatchAll: the slot holding the caught exception
  uint32_t handler = 0;     // Catch, CatchAll: its clause's index in the handler list
  const std::vector<ValType>& label_types() const { return kind == Opcode::Loop ? params : results; }
};

constexpr RegOp kNoRegOp = RegOp::Count_;

// Map wasm numeric opcodes to their register ops (slot form and immediate form).
struct NumericMap {
  RegOp slot[kOpcodeCount];
  RegOp imm[kOpcodeCount];
  RegOp load[kOpcodeCount], load_imm[kOpcodeCount], load_add[kOpcodeCount], load_abs[kOpcodeCount],
      load_shl[kOpcodeCount];
  RegOp store[kOpcodeCount], store_imm[kOpcodeCount], store_add[kOpcodeCount], store_abs[kOpcodeCount],
      store_shl[kOpcodeCount];
  RegOp branch_true[kOpcodeCount], branch_true_imm[kOpcodeCount];    // fused.def
  RegOp branch_false[kOpcodeCount], branch_false_imm[kOpcodeCount];
  NumericMap() {
    for (unsigned i = 0; i < kOpcodeCount; ++i) {
      slot[i] = imm[i] = load[i] = store[i] = kNoRegOp;
      load_imm[i] = load_add[i] = store_imm[i] = store_add[i] = load_abs[i] = store_abs[i] = kNoRegOp;
      load_shl[i] = store_shl[i] = kNoRegOp;
      branch_true[i] = branch_true_imm[i] = branch_false[i] = branch_false_imm[i] = kNoRegOp;
    }
#define WI_FUSE(name, t)                                          \
  branch_true[unsigned(Opcode::name)] = RegOp::BrT_##name;        \
  branch_true_imm[unsigned(Opcode::name)] = RegOp::BrTI_##name;   \
  branch_false[unsigned(Opcode::name)] = RegOp::BrF_##name;       \
  branch_false_imm[unsigned(Opcode::name)] = RegOp::BrFI_##name;
#include "interp/fused.def"
#undef WI_FUSE
#define WI_UN(name, r, a, e) slot[unsigned(Opcode::name)] = RegOp::N_##name;
#define WI_UN_T(name, r, a, e) WI_UN(name, r, a, e)
#define WI_BIN(name, r, a, e) slot[unsigned(Opcode::name)] = RegOp::N_##name; imm[unsigned(Opcode::name)] = RegOp::NI_##name;
#define WI_BIN_T(name, r, a, e) WI_BIN(name, r, a, e)
#include "interp/numeric.def"
#undef WI_UN
#undef WI_UN_T
#undef WI_BIN
#undef WI_BIN_T
#define WI_REGOP(name, ops)
#define WI_LOAD(name, f, mt, rt) load[unsigned(Opcode::name)] = RegOp::L_##name; \
  load_imm[unsigned(Opcode::name)] = RegOp::LI_##name; load_add[unsigned(Opcode::name)] = RegOp::LR_##name; \
  load_abs[unsigned(Opcode::name)] = RegOp::LA_##name; load_shl[unsigned(Opcode::name)] = RegOp::LS_##name;
#define WI_STORE(name, f, mt) store[unsigned(Opcode::name)] = RegOp::S_##name; \
  store_imm[unsigned(Opcode::name)] = RegOp::SI_##name; store_add[unsigned(Opcode::name)] = RegOp::SR_##name; \
  store_abs[unsigned(Opcode::name)] = RegOp::SA_##name; store_shl[unsigned(Opcode::name)] = RegOp::SS_##name;
#include "interp/regops.def"
#undef WI_REGOP
#undef WI_LOAD
#undef WI_STORE
  }
};
const NumericMap& numeric_map() {
  static const NumericMap m;
  return m;
}

class FunctionTranslator {
 public:
  FunctionTranslator(const Module& m, CompiledFunc& f, const std::vector<ValType>& locals,
                     const FuncType& type, bool meter_fuel, uint32_t code_start, bool trace = false)
      : m_(m), f_(f), locals_(locals), type_(type), handlers_(handler_offsets()),
        wasm_offset_(code_start), meter_(meter_fuel) {
#ifndef WI_NO_TRACING
    trace_ = trace;
#else
    (void)trace;
#endif
    uint32_t slot = 0;
    for (size_t i = 0; i < locals.size(); ++i) {
      if (i == type.params.size()) f_.param_slots = slot;
      local_slot_.push_back(slot);
      slot += slot_count(locals[i]);
    }
    if (locals.size() == type.params.size()) f_.param_slots = slot;
    f_.local_slots = slot;
    max_slots_ = slot;
    for (ValType t : type.results) f_.result_slots += slot_count(t);
    max_slots_ = std::max(max_slots_, f_.result_slots);
    if (trace_) {
      f_.trace.local_types = locals;
      f_.trace.local_slots = local_slot_;
    }
    Ctrl fn{Opcode::End, {}, type.results, 0, 0};
    ctrls_.push_back(std::move(fn));
    start_fuel_block();
  }

  bool done() const { return ctrls_.empty(); }

  void translate(const Instruction& in) {
    wasm_offset_ = uint32_t(in.offset);
    Ctrl& c = ctrls_.back();
    if (c.unreachable) {
      switch (in.op) {
        case Opcode::Block: case Opcode::Loop: case Opcode::If: case Opcode::TryTable: case Opcode::Try:
          ++c.skip_depth;
          return;
        case Opcode::End:
          if (c.skip_depth) { --c.skip_depth; return; }
          if (trace_) return traced_end();
          return end();
        case Opcode::Delegate:
          if (c.skip_depth) { --c.skip_depth; return; }
          return delegate(in);
        case Opcode::Else:
          if (c.skip_depth) return;
          return else_();
        case Opcode::Catch: case Opcode::CatchAll:
          if (c.skip_depth) return;
          return catch_(in);
        default: return;
      }
    }
    if (meter_) ++fuel_count_;
    if (trace_) return traced_step(in);
    step(in);
  }

  void finish() {
    close_fuel_block();
    f_.frame_slots = max_slots_ + 2;  // room for a Return's v128 staging never needed; keep margin
  }

 private:
  // ---- tracing (CompileOptions::trace, interp/trace.h): a Trace op before each wasm instruction ----
  // The op comes first in the instruction's code, so the recorded operand locations are read before
  // anything of the instruction runs. Emitting it also ends local.set and compare-and-branch fusion
  // (both require the fused instructions to be adjacent), so each wasm instruction keeps its own code.
  uint32_t emit_trace(TracePoint::Kind kind) {
    TraceInfo& ti = f_.trace;
    uint32_t index = uint32_t(ti.points.size());
    TracePoint p;
    p.kind = kind;
    p.offset = wasm_offset_;
    p.first_in = p.first_out = uint32_t(ti.locs.size());
    ti.points.push_back(p);
    op(RegOp::Trace);
    u32(index);
    return index;
  }
  TraceLoc trace_loc(const Entry& e) const {
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
  // The top n entries, bottom first, as the point's operands (in) or results (out).
  void trace_entries(uint32_t point, size_t n, bool results) {
    TraceInfo& ti = f_.trace;
    TracePoint& p = ti.points[point];
    (results ? p.first_out : p.first_in) = uint32_t(ti.locs.size());
    (results ? p.n_out : p.n_in) = uint16_t(n);
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) ti.locs.push_back(trace_loc(stack_[i]));
  }
  // How many operand-stack values a wasm instruction consumes (block parameters stay on the stack;
  // branches do not consume the values they carry).
  size_t consumed(const Instruction& in) const {
    using O = Opcode;
    switch (in.op) {
      case O::Unreachable: case O::Nop: case O::Block: case O::Loop: case O::Else: case O::End:
      case O::Br: case O::Return:
        return 0;
      case O::If: case O::BrIf: case O::BrTable: case O::Drop: case O::LocalSet: case O::LocalTee:
      case O::GlobalSet: case O::MemoryGrow: case O::TableGet: case O::RefIsNull:
      case O::RefAsNonNull: case O::BrOnNull: case O::BrOnNonNull:
        return 1;
      case O::Select: case O::SelectT:
        return 3;
      case O::Throw: return m_.tag_type(in.a).params.size();
      case O::ThrowRef: return 1;
      case O::TryTable: case O::Try: case O::Catch: case O::CatchAll: case O::Delegate: case O::Rethrow:
        return 0;
      case O::Call: case O::ReturnCall: return m_.func_type(in.a).params.size();
      case O::CallIndirect: case O::ReturnCallIndirect: case O::CallRef: case O::ReturnCallRef:
        return m_.types[in.a].params.size() + 1;
      case O::TableSet: case O::TableGrow: return 2;
      case O::TableFill: case O::TableCopy: case O::TableInit: case O::MemoryFill: case O::MemoryCopy:
      case O::MemoryInit:
        return 3;
      case O::LocalGet: case O::GlobalGet: case O::MemorySize: case O::TableSize: case O::DataDrop:
      case O::ElemDrop: case O::RefNull: case O::RefFunc:
        return 0;
      default: return op_info(in.op).nparams;  // fixed signatures: numeric, memory, SIMD, constants
    }
  }
  static bool is_control(Opcode o) {
    using O = Opcode;
    return o == O::Unreachable || o == O::Nop || o == O::Block || o == O::Loop || o == O::If || o == O::Else ||
           o == O::End || o == O::Br || o == O::BrIf || o == O::BrTable || o == O::Return ||
           o == O::ReturnCall || o == O::ReturnCallIndirect || o == O::ReturnCallRef || o == O::BrOnNull ||
           o == O::BrOnNonNull || o == O::TryTable || o == O::Throw || o == O::ThrowRef || o == O::Try ||
           o == O::Catch || o == O::CatchAll || o == O::Delegate || o == O::Rethrow;
  }
  void traced_step(const Instruction& in) {
    if (in.op == Opcode::End) return traced_end();
    uint32_t point = emit_trace(TracePoint::Instr);
    size_t n_in = std::min(consumed(in), stack_.size());
    trace_entries(point, n_in, false);
    size_t base = stack_.size() - n_in;
    step(in);
    if (is_control(in.op) || ctrls_.empty() || ctrls_.back().unreachable) return;
    trace_entries(point, stack_.size() > base ? stack_.size() - base : 0, true);
  }
  // A block's `end` is traced where fall-through and branches to its label meet (after end() has
  // patched them); the function's `end` before its return.
  void traced_end() {
    if (is_function_frame(ctrls_.back())) {
      if (!ctrls_.back().unreachable) emit_trace(TracePoint::Instr);
      return end();
    }
    end();
    emit_trace(TracePoint::Instr);
  }

  // ---- fuel metering: one Fuel op per basic block, its count patched when the block ends ----
  void close_fuel_block() {
    if (fuel_unit_ != UINT32_MAX) f_.code[fuel_unit_] = fuel_count_;
    fuel_unit_ = UINT32_MAX;
  }
  void start_fuel_block() {
    if (!meter_) return;
    close_fuel_block();
    op(RegOp::Fuel);
    fuel_unit_ = pos();
    fuel_count_ = 0;
    u32(0);
  }

  // ---- emission ----
  uint32_t pos() const { return uint32_t(f_.code.size()); }
  uint32_t op(RegOp r) {
    uint32_t at = pos();
    prev_op_start_ = last_op_start_;
    last_op_start_ = at;
    if (f_.offsets.empty() || f_.offsets.back().second != wasm_offset_) f_.offsets.emplace_back(at, wasm_offset_);
    f_.code.push_back(uint32_t(handlers_[unsigned(r)]));
    fusable_dst_ = UINT32_MAX;
    return at;
  }
  void u32(uint32_t v) { f_.code.push_back(v); }
  void u64(uint64_t v) { u32(uint32_t(v)); u32(uint32_t(v >> 32)); }
  void patch_to_here(const Patch& p) { f_.code[p.unit] = pos() - p.instr; }

  // ---- operand stack ----
  uint32_t slot_at(size_t height) const {
    if (height == 0) return f_.local_slots;
    const Entry& e = stack_[height - 1];
    return e.home + slot_count(e.type);
  }
  uint32_t top_slot() const { return slot_at(stack_.size()); }
  Entry& push(ValType t) {
    Entry e;
    e.type = t;
    e.home = top_slot();
    stack_.push_back(e);
    max_slots_ = std::max(max_slots_, e.home + slot_count(t));
    return stack_.back();
  }
  void push_temp(ValType t) { push(t); }
  Entry pop() {
    Entry e = stack_.back();
    stack_.pop_back();
    return e;
  }

  void emit_const_to(uint32_t dst, const Entry& e) {
    if (e.type == ValType::V128) {
      op(RegOp::Const128); u32(dst); u64(e.bits[0]); u64(e.bits[1]);
    } else if (e.type == ValType::I32 || e.type == ValType::F32) {
      op(RegOp::Const32); u32(dst); u32(uint32_t(e.bits[0]));
    } else {
      op(RegOp::Const64); u32(dst); u64(e.bits[0]);
    }
  }
  void emit_copy(uint32_t dst, uint32_t src, ValType t) {
    if (dst == src) return;
    // A scalar copy right after another (argument set-up, moves to a label's slots) joins it.
    if (t != ValType::V128 && !trace_ && last_op_start_ != UINT32_MAX && last_op_start_ + 3 == pos() &&
        f_.code[last_op_start_] == uint32_t(handlers_[unsigned(RegOp::Copy)])) {
      f_.code[last_op_start_] = uint32_t(handlers_[unsigned(RegOp::Copy2)]);
      u32(dst);
      u32(src);
      return;
    }
    op(t == ValType::V128 ? RegOp::Copy128 : RegOp::Copy);
    u32(dst);
    u32(src);
  }
  void emit_move_to(uint32_t dst, const Entry& e) {
    switch (e.kind) {
      case Entry::Temp: emit_copy(dst, e.home, e.type); break;
      case Entry::Local: emit_copy(dst, e.local, e.type); break;
      case Entry::Const: emit_const_to(dst, e); break;
    }
  }
  void materialize(Entry& e) {
    if (e.kind == Entry::Temp) return;
    emit_move_to(e.home, e);
    e.kind = Entry::Temp;
  }
  void materialize_all() {
    for (auto& e : stack_) materialize(e);
  }
  // The slot an instruction reads the entry from; constants get a slot first.
  uint32_t read_slot(Entry& e) {
    if (e.kind == Entry::Local) return e.local;
    materialize(e);
    return e.home;
  }
  uint32_t pop_slot() {
    Entry& e = stack_.back();
    uint32_t s = read_slot(e);
    stack_.pop_back();
    return s;
  }
  // Before local `index` changes, entries still reading it must take their own copy.
  void preserve_local(uint32_t index, size_t upto) {
    for (size_t i = 0; i < upto; ++i)
      if (stack_[i].kind == Entry::Local && stack_[i].local_index == index) materialize(stack_[i]);
  }
  // Emit an op with destination = the home of a new entry of type t; remember d for local.set fusion.
  uint32_t emit_result_op(RegOp r, ValType t) {
    Entry& e = push(t);
    uint32_t at = op(r);
    fusable_dst_ = pos();
    fusable_height_ = stack_.size();
    u32(e.home);
    return at;
  }

  // A label (block start, loop header, else, end) may be a branch target: nothing emitted before it
  // may be retargeted (local.set fusion) or folded into an instruction after it (compare and address
  // fusion), which would move code a branch lands on.
  void forget_fusions() {
    fusable_dst_ = UINT32_MAX;
    last_load_.start = UINT32_MAX;
    last_op_start_ = prev_op_start_ = UINT32_MAX;
    compare_.start = UINT32_MAX;
    address_add_.start = UINT32_MAX;
  }

  // ---- compare-and-branch fusion (fused.def) ----
  // The comparison just emitted, if its only use turns out to be a branch condition.
  struct Compare {
    Opcode op;
    bool imm;
    uint32_t start = UINT32_MAX, end = 0;
    uint32_t before = UINT32_MAX;  // start of the instruction emitted just before it, if known
  };
  // Removes everything emitted from `start` on: an instruction about to be folded into the next.
  void drop_code_from(uint32_t start) {
    f_.code.resize(start);
    while (!f_.offsets.empty() && f_.offsets.back().first >= start) f_.offsets.pop_back();
    last_op_start_ = prev_op_start_ = UINT32_MAX;
  }
  void note_compare(Opcode o, bool imm, uint32_t start) {
    const NumericMap& nm = numeric_map();
    if (o == Opcode::I32Eqz || o == Opcode::I64Eqz || nm.branch_true[unsigned(o)] != kNoRegOp)
      compare_ = Compare{o, imm, start, pos()};
    // An i32.add is kept in mind too: a load or store right after it may use the sum as its address,
    // or, adding a constant to a local, a br_if right after it may test the local (a loop latch).
    if (o == Opcode::I32Add && !trace_) address_add_ = Compare{o, imm, start, pos(), prev_op_start_};
  }
  // The `x += i32` emitted last, if it updates local slot `x` in place (local.set fusion made its
  // destination the local) and `x` is one of `operands`: removed, returning x and the immediate.
  std::optional<std::pair<uint32_t, uint32_t>> take_latch_add(std::initializer_list<uint32_t> operands) {
    Compare c = address_add_;
    if (c.start == UINT32_MAX || !c.imm || c.end != pos() || c.end - c.start != 4) return std::nullopt;
    uint32_t d = f_.code[c.start + 1], a = f_.code[c.start + 2], imm = f_.code[c.start + 3];
    if (d != a || d >= f_.local_slots) return std::nullopt;
    if (std::find(operands.begin(), operands.end(), d) == operands.end()) return std::nullopt;
    address_add_.start = UINT32_MAX;
    drop_code_from(c.start);
    return std::make_pair(d, imm);
  }
  // Removes the comparison producing `cond` when it is the last thing emitted, returning it with its
  // operand units (everything after its destination).
  std::optional<std::pair<Compare, std::vector<uint32_t>>> take_compare(const Entry& cond) {
    return take_last(compare_, cond);
  }
  // The same for an i32.add whose sum is a load's or store's address (LI_/LR_/SI_/SR_ in regops.def).
  std::optional<std::pair<Compare, std::vector<uint32_t>>> take_address_add(const Entry& addr) {
    return take_last(address_add_, addr);
  }
  // A binary op whose right operand is the value the plain load emitted last produced (and nothing
  // else reads: it is the top stack entry, a temporary): the load removed, the fused op to emit.
  struct OperandLoad {
    RegOp op;
    uint32_t addr, offset, wasm_offset;
  };
  std::optional<OperandLoad> take_operand_load(Opcode bin) {
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
        f_.code[l.start + 1] != b.home)
      return std::nullopt;
    OperandLoad out{fused, f_.code[l.start + 2], f_.code[l.start + 3], l.wasm_offset};
    last_load_.start = UINT32_MAX;
    drop_code_from(l.start);
    return out;
  }

  // After take_address_add removed `a + b` (`add`): if the op before it was `t = x << k` into a
  // temporary that is one of the two operands, removes it too and returns {the other operand, x, k}.
  std::optional<std::array<uint32_t, 3>> take_scaled_index(const Compare& add, uint32_t a, uint32_t b) {
    uint32_t s = add.before;
    if (s == UINT32_MAX || s + 4 != add.start) return std::nullopt;
    if (f_.code[s] != uint32_t(handlers_[unsigned(RegOp::NI_I32Shl)])) return std::nullopt;
    uint32_t t = f_.code[s + 1], x = f_.code[s + 2], k = f_.code[s + 3] & 31;
    if (t < f_.local_slots || (t != a && t != b) || a == b) return std::nullopt;
    drop_code_from(s);
    return std::array<uint32_t, 3>{t == a ? b : a, x, k};
  }
  std::optional<std::pair<Compare, std::vector<uint32_t>>> take_last(Compare& recorded, const Entry& value) {
    Compare c = recorded;
    recorded.start = UINT32_MAX;
    if (c.start == UINT32_MAX || c.end != pos() || value.kind != Entry::Temp ||
        f_.code[c.start + 1] != value.home)
      return std::nullopt;
    std::vector<uint32_t> operands(f_.code.begin() + c.start + 2, f_.code.end());
    drop_code_from(c.start);
    return std::make_pair(c, std::move(operands));
  }
  // Emits the fused branch (without its rel unit); returns the instruction start.
  uint32_t emit_fused_branch(const Compare& c, const std::vector<uint32_t>& operands, bool when_true) {
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
        uint32_t at = op(RegOp::AddImmBrNe);
        u32(latch->first); u32(latch->second); u32(operands[0]); u32(operands[1]);
        return at;
      }
    }
    uint32_t at = op(r);
    for (uint32_t u : operands) u32(u);
    return at;
  }

  // ---- control ----
  void enter_block(Opcode kind, const BlockSig& sig) {
    materialize_all();
    // A block boundary may be a branch target (a loop header always is): never retarget an
    // instruction emitted before it.
    forget_fusions();
    Ctrl c{kind, sig.params, sig.results, stack_.size() - sig.params.size(), 0};
    c.base_slot = slot_at(c.height);
    ctrls_.push_back(std::move(c));
  }

  void reset_to_params(Ctrl& c) {
    stack_.resize(c.height);
    for (ValType t : c.params) push_temp(t);
  }

  bool needs_copies(const Ctrl& target) const {
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
  void emit_label_copies(const Ctrl& target) {
    const auto& types = target.label_types();
    size_t n = types.size();
    uint32_t dst = target.base_slot;
    for (size_t i = 0; i < n; ++i) {
      const Entry& e = stack_[stack_.size() - n + i];
      if (!(e.kind == Entry::Temp && e.home == dst)) emit_move_to(dst, e);
      dst += slot_count(e.type);
    }
  }
  bool is_function_frame(const Ctrl& c) const { return &c == &ctrls_.front(); }

  void emit_jump_to(Ctrl& target) {
    uint32_t at;
    if (!trace_ && last_op_start_ != UINT32_MAX && last_op_start_ + 3 == pos() &&
        f_.code[last_op_start_] == uint32_t(handlers_[unsigned(RegOp::Copy)])) {
      // The copy just emitted (a value moved to the label's slot) and the jump: one op.
      at = last_op_start_;
      f_.code[at] = uint32_t(handlers_[unsigned(RegOp::CopyBr)]);
      last_op_start_ = prev_op_start_ = UINT32_MAX;
    } else {
      at = op(RegOp::Br);
    }
    if (target.kind == Opcode::Loop) {
      u32(target.loop_start - at);
    } else {
      target.patches.push_back({at, pos()});
      u32(0);
    }
  }
  void branch_rel(Ctrl& target, uint32_t instr, uint32_t unit) {
    if (target.kind == Opcode::Loop) f_.code[unit] = target.loop_start - instr;
    else target.patches.push_back({instr, unit});
  }

  void emit_return() {
    size_t n = type_.results.size();
    if (n == 0) {
      if (trace_) emit_trace(TracePoint::Return);
      op(RegOp::Return0);
      return;
    }
    if (n == 1 && type_.results[0] != ValType::V128) {
      Entry& e = stack_.back();
      uint32_t s = read_slot(e);
      if (trace_) trace_entries(emit_trace(TracePoint::Return), 1, false);
      op(RegOp::Return1);
      u32(s);
      return;
    }
    std::vector<uint32_t> srcs;
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) {
      uint32_t s = read_slot(stack_[i]);
      srcs.push_back(s);
      if (stack_[i].type == ValType::V128) srcs.push_back(s + 1);
    }
    if (trace_) trace_entries(emit_trace(TracePoint::Return), n, false);
    op(RegOp::Return);
    u32(uint32_t(srcs.size()));
    for (uint32_t s : srcs) u32(s);
  }

  void branch(uint32_t depth) {
    Ctrl& target = ctrls_[ctrls_.size() - 1 - depth];
    if (is_function_frame(target)) return emit_return();
    emit_label_copies(target);
    emit_jump_to(target);
  }

  // A block's results, at the end of one of its parts, into their homes (the slots they leave in).
  void materialize_results(const Ctrl& c) {
    for (size_t i = stack_.size() - c.results.size(); i < stack_.size(); ++i) materialize(stack_[i]);
  }

  void mark_unreachable() {
    Ctrl& c = ctrls_.back();
    stack_.resize(c.height);
    c.unreachable = true;
    forget_fusions();
  }

  void else_() {
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

  // The end of a try_table: its body's range and, out of line after a jump over them, one landing
  // pad per catch clause. The unwinder (exec_catch) puts the clause's values in the slots just above
  // the block's base and continues at the pad, which is an ordinary branch to the clause's label.
  void end_try_table() {
    Ctrl& c = ctrls_.back();
    uint32_t body_end = pos();
    std::optional<Patch> skip;
    if (!c.unreachable) {
      materialize_results(c);
      uint32_t at = op(RegOp::Br);
      skip = Patch{at, pos()};
      u32(0);
    }
    std::vector<Entry> saved = stack_;
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

  // ---- legacy exception handling ----
  // A catch part is laid out like an `else` of the try: the try body's results jump to the end;
  // the part starts at its pad with, from the try's base slot up, the caught exception (a hidden
  // stack entry, for rethrow; calls in the part place their frames above it) and the tag's values.
  // Its results are copied down to the base slot at its end, where the try body's results are.
  void catch_(const Instruction& in) {
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
  // `delegate l` ends a try without catches: its body's exceptions are thrown on from the block l
  // labels (counted from outside the try), past the try constructs in between.
  void delegate(const Instruction& in) {
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
  void rethrow(const Instruction& in) {
    Ctrl& target = ctrls_[ctrls_.size() - 1 - in.a];
    f_.handlers[target.handler].keep = true;
    op(RegOp::ThrowRef);
    u32(target.exn_slot);
    mark_unreachable();
  }

  void end() {
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
    std::vector<ValType> results = std::move(c.results);
    ctrls_.pop_back();
    for (ValType t : results) push_temp(t);
    start_fuel_block();
    forget_fusions();
  }

  void call_common(const FuncType& t, std::optional<uint32_t> index_slot, RegOp r, uint32_t a,
                   uint32_t b) {
    size_t n = t.params.size();
    for (size_t i = stack_.size() - n; i < stack_.size(); ++i) materialize(stack_[i]);
    uint32_t base = slot_at(stack_.size() - n);
    stack_.resize(stack_.size() - n);
    op(r);
    if (r == RegOp::CallRef || r == RegOp::ReturnCallRef) {
      u32(*index_slot);
    } else {
      u32(a);
      if (r == RegOp::CallIndirect || r == RegOp::ReturnCallIndirect) { u32(b); u32(*index_slot); }
    }
    u32(base);
    for (ValType rt : t.results) push_temp(rt);
    uint32_t need = 0;
    for (ValType pt : t.params) need += slot_count(pt);
    max_slots_ = std::max(max_slots_, base + need);
  }

  Entry make_const(ValType t, uint64_t lo, uint64_t hi = 0) {
    Entry e;
    e.kind = Entry::Const;
    e.type = t;
    e.bits[0] = lo;
    e.bits[1] = hi;
    return e;
  }
  void push_const(ValType t, uint64_t lo, uint64_t hi = 0) {
    Entry& e = push(t);
    e.kind = Entry::Const;
    e.bits[0] = lo;
    e.bits[1] = hi;
  }

  void local_set(uint32_t index, bool tee) {
    uint32_t slot = local_slot_[index];
    Entry v = stack_.back();
    bool others_read_it = false;
    for (size_t i = 0; i + 1 < stack_.size(); ++i)
      if (stack_[i].kind == Entry::Local && stack_[i].local_index == index) others_read_it = true;
    if (fusable_dst_ != UINT32_MAX && fusable_height_ == stack_.size() && v.kind == Entry::Temp &&
        f_.code[fusable_dst_] == v.home && !others_read_it) {
      f_.code[fusable_dst_] = slot;  // the producing op writes the local directly
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

  void step(const Instruction& in) {
    if (is_wide(in)) return step_wide(in);
    step_core(in);
  }

  // ---- Wasm 3.0 multi-memory, memory64, table64 (the scheme is in regops.def, at UseMemory) ----
  // An instruction on a memory other than 0 or on a 64-bit memory or table is translated as its
  // 32-bit, memory-0 form with UseMemory around it and its 64-bit operands narrowed, so the handlers
  // of the common case stay as they are and pay nothing.
  bool mem64(uint32_t memory) const { return m_.memories[memory].is64; }
  bool table64(uint32_t table) const { return m_.tables[table].is64; }
  bool is_wide(const Instruction& in) const {
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
  // The operand `depth` entries below the top: if it is an i64, narrowed in its own slot to the i32
  // the 32-bit op reads.
  void narrow(size_t depth) {
    Entry& e = stack_[stack_.size() - 1 - depth];
    if (e.type != ValType::I64) return;
    materialize(e);
    op(RegOp::Narrow64);
    u32(e.home);
    u32(e.home);
    e.type = ValType::I32;
  }
  // The i32 result on top widened back to the i64 of a 64-bit table or memory (sizes and grow's -1).
  void widen_result() {
    Entry& e = stack_.back();
    materialize(e);
    op(RegOp::N_I64ExtendI32S);
    u32(e.home);
    u32(e.home);
    e.type = ValType::I64;
  }
  void use_memory(uint32_t memory) {
    op(RegOp::UseMemory);
    u32(memory);
  }
  void step_wide(const Instruction& in) {
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
        op(RegOp::Addr64);
        u32(a.home);
        u32(a.home);
        u64(in.mem_offset);
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
        op(RegOp::MemoryCopyBetween);
        u32(d); u32(s); u32(n); u32(in.memory); u32(in.memory_src);
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

  void step_core(const Instruction& in) {
    using O = Opcode;
    const OpInfo& info = op_info(in.op);
    if (is_simd(in.op)) return simd(in, info);
    switch (in.op) {
      case O::Unreachable: op(RegOp::Unreachable); return mark_unreachable();
      case O::Nop: return;
      case O::Block: case O::Loop: case O::If: {
        BlockSig sig = block_signature(m_, in).value();
        if (in.op == O::If) {
          if (auto fused = take_compare(stack_.back())) {
            stack_.pop_back();
            enter_block(O::If, sig);
            uint32_t at = emit_fused_branch(fused->first, fused->second, false);
            ctrls_.back().else_patch = Patch{at, pos()};
            u32(0);
            start_fuel_block();
            return;
          }
          uint32_t cond = pop_slot();
          enter_block(O::If, sig);
          uint32_t at = op(RegOp::BrIfEqz);
          u32(cond);
          ctrls_.back().else_patch = Patch{at, pos()};
          u32(0);
          start_fuel_block();
          return;
        }
        enter_block(in.op, sig);
        if (in.op == O::Loop) {
          ctrls_.back().loop_start = pos();
          start_fuel_block();
        }
        return;
      }
      case O::Else: return else_();
      case O::End: return end();
      case O::Br: branch(in.a); return mark_unreachable();
      case O::BrIf: {
        Ctrl& target = ctrls_[ctrls_.size() - 1 - in.a];
        Entry cond_entry = stack_.back();
        stack_.pop_back();
        bool direct = !is_function_frame(target) && !needs_copies(target);
        stack_.push_back(cond_entry);
        if (direct) {
          if (auto fused = take_compare(cond_entry)) {
            stack_.pop_back();
            uint32_t at = emit_fused_branch(fused->first, fused->second, true);
            uint32_t unit = pos();
            u32(0);
            branch_rel(target, at, unit);
            start_fuel_block();
            return;
          }
        }
        uint32_t cond = pop_slot();
        if (direct) {
          if (auto latch = take_latch_add({cond})) {
            uint32_t at = op(RegOp::AddImmBrIfNez);
            u32(cond); u32(latch->second);
            uint32_t unit = pos();
            u32(0);
            branch_rel(target, at, unit);
            start_fuel_block();
            return;
          }
          uint32_t at = op(RegOp::BrIfNez);
          u32(cond);
          uint32_t unit = pos();
          u32(0);
          branch_rel(target, at, unit);
          start_fuel_block();
          return;
        }
        uint32_t at = op(RegOp::BrIfEqz);
        u32(cond);
        Patch skip{at, pos()};
        u32(0);
        // Materializations inside the taken path must not change entry kinds on the fall-through.
        std::vector<Entry> saved = stack_;
        branch(in.a);
        stack_ = std::move(saved);
        patch_to_here(skip);
        start_fuel_block();
        forget_fusions();
        return;
      }
      case O::BrTable: return br_table(in);
      case O::Return: emit_return(); return mark_unreachable();
      case O::Call: {
        const FuncType& t = m_.func_type(in.a);
        return call_common(t, std::nullopt, RegOp::Call, in.a, 0);
      }
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
        enter_block(in.op, block_signature(m_, in).value());
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
        op(RegOp::Throw);
        u32(in.a);
        u32(base);
        return mark_unreachable();
      }
      case O::ThrowRef: {
        uint32_t s = pop_slot();
        op(RegOp::ThrowRef);
        u32(s);
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
        op(RegOp::RefAsNonNull);
        u32(s);
        return;
      }
      case O::BrOnNull: case O::BrOnNonNull: return br_on_null(in);
      case O::Drop: stack_.pop_back(); return;
      case O::Select: case O::SelectT: {
        uint32_t c = pop_slot();
        Entry b = stack_.back();
        uint32_t bs = read_slot(stack_.back());
        stack_.pop_back();
        uint32_t as = read_slot(stack_.back());
        ValType t = b.type;
        stack_.pop_back();
        emit_result_op(t == ValType::V128 ? RegOp::Select128 : RegOp::Select, t);
        u32(c); u32(as); u32(bs);
        return;
      }
      case O::LocalGet: {
        Entry& e = push(locals_[in.a]);
        e.kind = Entry::Local;
        e.local = local_slot_[in.a];
        e.local_index = in.a;
        return;
      }
      case O::LocalSet: return local_set(in.a, false);
      case O::LocalTee: return local_set(in.a, true);
      case O::GlobalGet: {
        ValType t = m_.global_types[in.a].type;
        emit_result_op(t == ValType::V128 ? RegOp::GlobalGet128 : RegOp::GlobalGet, t);
        u32(in.a);
        return;
      }
      case O::GlobalSet: {
        ValType t = m_.global_types[in.a].type;
        uint32_t s = pop_slot();
        op(t == ValType::V128 ? RegOp::GlobalSet128 : RegOp::GlobalSet);
        u32(s); u32(in.a);
        return;
      }
      case O::I32Const: return push_const(ValType::I32, in.bits);
      case O::I64Const: return push_const(ValType::I64, in.bits);
      case O::F32Const: return push_const(ValType::F32, in.bits);
      case O::F64Const: return push_const(ValType::F64, in.bits);
      case O::MemorySize: emit_result_op(RegOp::MemorySize, ValType::I32); return;
      case O::MemoryGrow: {
        uint32_t s = pop_slot();
        emit_result_op(RegOp::MemoryGrow, ValType::I32);
        u32(s);
        u32(in.memory);
        return;
      }
      case O::MemoryFill: case O::MemoryCopy: {
        uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
        op(in.op == O::MemoryFill ? RegOp::MemoryFill : RegOp::MemoryCopy);
        u32(d); u32(s); u32(n);
        return;
      }
      case O::MemoryInit: {
        uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
        op(RegOp::MemoryInit);
        u32(in.a); u32(d); u32(s); u32(n);
        return;
      }
      case O::DataDrop: op(RegOp::DataDrop); u32(in.a); return;
      case O::TableGet: {
        uint32_t i = pop_slot();
        emit_result_op(RegOp::TableGet, m_.tables[in.a].elem);
        u32(in.a); u32(i);
        return;
      }
      case O::TableSet: {
        uint32_t v = pop_slot(), i = pop_slot();
        op(RegOp::TableSet);
        u32(in.a); u32(i); u32(v);
        return;
      }
      case O::TableSize: emit_result_op(RegOp::TableSize, ValType::I32); u32(in.a); return;
      case O::TableGrow: {
        uint32_t n = pop_slot(), init = pop_slot();
        emit_result_op(RegOp::TableGrow, ValType::I32);
        u32(in.a); u32(init); u32(n);
        return;
      }
      case O::TableFill: {
        uint32_t n = pop_slot(), v = pop_slot(), i = pop_slot();
        op(RegOp::TableFill);
        u32(in.a); u32(i); u32(v); u32(n);
        return;
      }
      case O::TableCopy: {
        uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
        op(RegOp::TableCopy);
        u32(in.a); u32(in.b); u32(d); u32(s); u32(n);
        return;
      }
      case O::TableInit: {
        uint32_t n = pop_slot(), s = pop_slot(), d = pop_slot();
        op(RegOp::TableInit);
        u32(in.a); u32(in.b); u32(d); u32(s); u32(n);
        return;
      }
      case O::ElemDrop: op(RegOp::ElemDrop); u32(in.a); return;
      case O::RefNull: return push_const(in.type, 0);
      case O::RefIsNull: {
        uint32_t s = pop_slot();
        emit_result_op(RegOp::RefIsNull, ValType::I32);
        u32(s);
        return;
      }
      case O::RefFunc: emit_result_op(RegOp::RefFunc, ValType::FuncRef); u32(in.a); return;
      default: break;
    }
    const NumericMap& nm = numeric_map();
    unsigned o = unsigned(in.op);
    if (info.imm == Imm::MemArg) {
      if (nm.load[o] != kNoRegOp) {
        if (auto add = take_address_add(stack_.back())) {  // operands: "a b" or "a i32"
          stack_.pop_back();
          if (!add->first.imm) {
            if (auto scaled = take_scaled_index(add->first, add->second[0], add->second[1])) {
              emit_result_op(nm.load_shl[o], info.result);
              for (uint32_t u : *scaled) u32(u);
              u32(uint32_t(in.mem_offset));
              return;
            }
          }
          emit_result_op(add->first.imm ? nm.load_imm[o] : nm.load_add[o], info.result);
          for (uint32_t u : add->second) u32(u);
          u32(uint32_t(in.mem_offset));
          return;
        }
        if (stack_.back().kind == Entry::Const && !trace_) {
          uint32_t addr = uint32_t(stack_.back().bits[0]);
          stack_.pop_back();
          emit_result_op(nm.load_abs[o], info.result);
          u32(addr); u32(uint32_t(in.mem_offset));
          return;
        }
        uint32_t addr = pop_slot();
        uint32_t at = emit_result_op(nm.load[o], info.result);
        u32(addr); u32(uint32_t(in.mem_offset));
        if (!trace_) last_load_ = LastLoad{at, pos(), in.op, wasm_offset_};
      } else {
        // The stored value must already sit in a slot (a local's, or the add's operands would no
        // longer be the last thing emitted once a constant is materialized).
        // A constant value is written to a spare slot above the operand stack once the add (and a
        // shift before it) are folded: its own home may be where the add read its index.
        Entry& value = stack_.back();
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
            if (scaled) {
              op(nm.store_shl[o]);
              for (uint32_t u : *scaled) u32(u);
            } else {
              op(add->first.imm ? nm.store_imm[o] : nm.store_add[o]);
              for (uint32_t u : add->second) u32(u);
            }
            u32(v); u32(uint32_t(in.mem_offset));
            return;
          }
        }
        if (stack_[stack_.size() - 2].kind == Entry::Const && !trace_) {
          uint32_t v = pop_slot();  // may materialize a constant value; the address stays unemitted
          uint32_t addr = uint32_t(stack_.back().bits[0]);
          stack_.pop_back();
          op(nm.store_abs[o]);
          u32(addr); u32(v); u32(uint32_t(in.mem_offset));
          return;
        }
        uint32_t v = pop_slot(), addr = pop_slot();
        op(nm.store[o]);
        u32(addr); u32(v); u32(uint32_t(in.mem_offset));
      }
      return;
    }
    if (info.nparams == 1) {
      uint32_t a = pop_slot();
      uint32_t at = emit_result_op(nm.slot[o], info.result);
      u32(a);
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
      uint32_t at = emit_result_op(nm.imm[o], info.result);
      u32(a);
      if (wide) u64(imm); else u32(uint32_t(imm));
      note_compare(in.op, true, at);
      return;
    }
    if (auto fused = take_operand_load(in.op)) {
      stack_.pop_back();
      uint32_t a = pop_slot();
      uint32_t keep = wasm_offset_;
      wasm_offset_ = fused->wasm_offset;  // a trap in it is the load's
      emit_result_op(fused->op, info.result);
      wasm_offset_ = keep;
      u32(a); u32(fused->addr); u32(fused->offset);
      return;
    }
    uint32_t b = pop_slot();
    uint32_t a = pop_slot();
    uint32_t at = emit_result_op(nm.slot[o], info.result);
    u32(a); u32(b);
    note_compare(in.op, false, at);
  }

  // br_on_null / br_on_non_null: a conditional branch on the reference at the top of the stack,
  // which the branch drops (br_on_null) or carries (br_on_non_null) and the fall-through keeps
  // (br_on_null, now known non-null) or drops. Like a br_if whose label needs copies: skip over the
  // branch's copies and jump when the condition does not hold.
  void br_on_null(const Instruction& in) {
    bool on_null = in.op == Opcode::BrOnNull;
    uint32_t ref = read_slot(stack_.back());
    uint32_t at = op(on_null ? RegOp::BrIfNez64 : RegOp::BrIfEqz64);  // a null reference is 0
    u32(ref);
    Patch skip{at, pos()};
    u32(0);
    std::vector<Entry> saved = stack_;
    if (on_null) stack_.pop_back();
    branch(in.a);
    stack_ = std::move(saved);
    if (!on_null) stack_.pop_back();
    patch_to_here(skip);
    start_fuel_block();
    forget_fusions();
  }

  void br_table(const Instruction& in) {
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
        std::vector<Entry> saved = stack_;
        branch(depth);
        stack_ = std::move(saved);
        f_.code[unit] = stub - at;
      } else {
        f_.code[unit] = it->second - at;
      }
    }
    mark_unreachable();
  }

  void simd(const Instruction& in, const OpInfo& info) {
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

  const Module& m_;
  CompiledFunc& f_;
  const std::vector<ValType>& locals_;
  const FuncType& type_;
  const int32_t* handlers_;
  std::vector<uint32_t> local_slot_;
  std::vector<Entry> stack_;
  std::vector<Ctrl> ctrls_;
  uint32_t max_slots_ = 0;
  uint32_t next_group_ = 0;  // CatchHandler::group of the next try_table or try
  uint32_t wasm_offset_ = 0;
  uint32_t fusable_dst_ = UINT32_MAX;
  size_t fusable_height_ = 0;
  Compare compare_;
  Compare address_add_;
  uint32_t last_op_start_ = UINT32_MAX, prev_op_start_ = UINT32_MAX;  // for folding an i32.shl
  struct LastLoad {
    uint32_t start = UINT32_MAX, end = 0;
    Opcode op = Opcode::Unreachable;
    uint32_t wasm_offset = 0;
  } last_load_;
  bool meter_;
  uint32_t fuel_unit_ = UINT32_MAX;  // the open Fuel op's count unit
  uint32_t fuel_count_ = 0;
  bool trace_ = false;
};

}  // namespace

Result<void> Translator::on_function(const Module& m, uint32_t func_index, const FunctionBody& body) {
  CompiledFunc& f = out_.funcs.emplace_back();
  f.func_index = func_index;
  if (lazy_) {
    f.pending = true;
    return {};
  }
  return translate(m, func_index, body, f);
}

Result<void> Translator::translate(const Module& m, uint32_t func_index, const FunctionBody& body,
                                   CompiledFunc& f) {
  validator_.begin(m, func_index, body);
  FunctionTranslator t(m, f, validator_.locals(), m.func_type(func_index), meter_fuel_,
                       uint32_t(body.code_start), out_.traced);
  Reader r(std::span<const uint8_t>(m.bytes.data() + body.code_start, body.end - body.code_start),
           body.code_start);
  Instruction in;
  std::vector<uint32_t> targets;
  while (!validator_.done()) {
    if (r.at_end()) return r.error("unexpected end of section or function");
    WI_TRY(read_instruction(r, in, targets));
    WI_TRY(validator_.step(in));
    t.translate(in);
  }
  if (!r.at_end()) return r.error("section size mismatch");
  t.finish();
  if (f.uses_simd) out_.uses_simd = true;
  f.pending = false;
  return {};
}

Result<void> compile_function(CompiledModule& cm, uint32_t defined_index) {
  CompiledFunc& f = cm.funcs[defined_index];
  if (!f.pending) return {};
  const Module& m = *cm.module;
  uint32_t func_index = f.func_index;
  f = CompiledFunc{};  // a failed attempt may have left half a body
  f.func_index = func_index;
  f.pending = true;
  Translator t(cm, cm.metered);
  return t.translate(m, func_index, m.codes[defined_index], f);
}

uint32_t CompiledFunc::wasm_offset_at(uint32_t p) const {
  auto it = std::upper_bound(offsets.begin(), offsets.end(), std::make_pair(p, UINT32_MAX));
  if (it == offsets.begin()) return offsets.empty() ? 0 : offsets.front().second;
  return std::prev(it)->second;
}

Result<std::shared_ptr<CompiledModule>> compile_decoded(std::unique_ptr<Module> m, const CompileOptions& options) {
  auto cm = std::make_shared<CompiledModule>();
  cm->metered = options.meter_fuel;
  cm->lazy = options.lazy;
  cm->traced = options.trace;
  cm->module = std::move(m);
  const Module& mod = *cm->module;
  Translator t(*cm, options.meter_fuel, options.lazy);
  cm->funcs.reserve(mod.codes.size());
  for (uint32_t i = 0; i < mod.codes.size(); ++i) WI_TRY(t.on_function(mod, mod.num_imported_funcs + i, mod.codes[i]));
  return cm;
}

Result<std::shared_ptr<CompiledModule>> compile_module(std::vector<uint8_t> bytes,
                                                       const CompileOptions& options) {
  auto cm = std::make_shared<CompiledModule>();
  cm->metered = options.meter_fuel;
  cm->lazy = options.lazy;
  cm->traced = options.trace;
  Translator t(*cm, options.meter_fuel, options.lazy);
  DecodeOptions dopts;
  dopts.file_name = options.file_name;
  WI_TRY_ASSIGN(cm->module, decode_module(std::move(bytes), &t, dopts));
  return cm;
}

}  // namespace wi
