// The function translator's internals, shared by the files that implement it (interp/translator*.cc);
// the rest of wi uses interp/translator.h. One FunctionTranslator turns one function's validated wasm
// instructions into register code (interp/regops.def); its invariants are stated at the top of
// interp/translator.cc. Which file holds what:
//   translator.cc          instruction dispatch, the entry points, the opcode -> register-op map
//   translator_emit.cc     tracing and fuel ops, emission, the operand stack, compare-branch fusion
//   translator_control.cc  blocks, branches, calls, returns, exception handling, locals
//   translator_ops.cc      every other instruction: numeric, memory (incl. 64-bit/multi-memory), SIMD
// Small helpers stay inline here: they run for every instruction translated.
#pragma once
#include <algorithm>
#include <array>
#include <cassert>
#include <cstring>
#include <map>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>
#include <boost/container/small_vector.hpp>
#include <boost/container/vector.hpp>
#include "interp/append_buffer.h"
#include "interp/emit_check.h"
#include "interp/regop.h"
#include "interp/translator.h"

namespace wi::lowering {
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
  Ctrl(Opcode k, TypeList p, TypeList r, size_t h, uint32_t b)
      : kind(k), params(p), results(r), height(h), base_slot(b) {}
  Opcode kind;
  TypeList params, results;  // the validator's (decoder/validator.h)
  size_t height;       // entries below the params
  uint32_t base_slot;  // home of the first param/result
  // Forward branches to this label. Inline room for a few: most blocks have one to three, and a heap
  // buffer per block was a visible share of translation time.
  boost::container::small_vector<Patch, 4> patches;
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
  const TypeList& label_types() const { return kind == Opcode::Loop ? params : results; }
};

constexpr RegOp kNoRegOp = RegOp::Count_;

// Map wasm numeric opcodes to their register ops (slot form and immediate form).
struct NumericMap {
  RegOp slot[kOpcodeCount];
  RegOp imm[kOpcodeCount];
  RegOp load[kOpcodeCount], load_imm[kOpcodeCount], load_add[kOpcodeCount], load_abs[kOpcodeCount],
      load_shl[kOpcodeCount];
  RegOp store[kOpcodeCount], store_imm[kOpcodeCount], store_add[kOpcodeCount], store_abs[kOpcodeCount],
      store_shl[kOpcodeCount], store_k[kOpcodeCount], store_k_imm[kOpcodeCount], store_k_add[kOpcodeCount],
      store_k_abs[kOpcodeCount];
  RegOp branch_true[kOpcodeCount], branch_true_imm[kOpcodeCount];    // fused.def
  RegOp branch_false[kOpcodeCount], branch_false_imm[kOpcodeCount];
  constexpr NumericMap();  // from the .def tables (translator.cc)
};
// Built at compile time: the lowering asks for it for nearly every instruction, and a function-local
// static paid its guard each time.
extern const NumericMap kNumericMap;
inline const NumericMap& numeric_map() { return kNumericMap; }

// The lowering's operand stack. Boost's vector, not std's: its emplace_back grows out of line, so
// push() inlines without saving registers for a reallocation (std's cost push 44 host instructions,
// 15 of them saving and restoring; callgrind, libc.wasm's compile).
using EntryStack = boost::container::vector<Entry>;

// The vectors a FunctionTranslator works in, lent to it by its Translator and left behind for the
// next function: their memory is allocated once per module, not once per function (libc.wasm has
// about 1,700 functions, most of them small).
struct TranslatorBuffers {
  AppendBuffer<uint32_t> code;  // the function's register code until finish() hands it to CompiledFunc
  std::vector<uint32_t> local_slot;
  EntryStack stack;
  std::vector<Ctrl> ctrls;
  // Every position a branch of the function lands on, as the lowering writes the displacement (the
  // accumulator pass needs them; repeats allowed), and the pass's own marks.
  std::vector<uint32_t> branch_targets;
  std::vector<uint8_t> arrivals;
  // FunctionTranslator::locals_set_first's result and its scan's br_table targets.
  std::vector<uint8_t> first_use;
  std::vector<uint32_t> scan_targets;
};

class FunctionTranslator {
  // tests/emit_layout_probe.cc: proves that an emit<> call that differs from its op's layout does not
  // compile.
  friend struct EmitLayoutProbe;

 public:
  // `validator` has begun the same function and steps each instruction before translate() sees it:
  // the local types and a block's label types come from it (one derivation). `first_use`: per
  // local, what the body's entry does with it first (locals_set_first; empty: nothing known);
  // untraced code gives the declared locals set first the slots past zero_slots.
  FunctionTranslator(const Module& m, CompiledFunc& f, TranslatorBuffers& buffers,
                     AppendBuffer<OffsetMap::Entry>& offsets, const FunctionValidator& validator,
                     const FuncType& type, bool meter_fuel, uint32_t code_start, bool trace = false,
                     std::span<const uint8_t> first_use = {})
      : m_(m), f_(f), offsets_(offsets), validator_(validator), locals_(validator.locals()), type_(type),
        code_(buffers.code), local_slot_(buffers.local_slot), stack_(buffers.stack), ctrls_(buffers.ctrls),
        branch_targets_(buffers.branch_targets),
        wasm_offset_(code_start), meter_(meter_fuel) {
    code_.clear();
    stack_.clear();
    ctrls_.clear();
    branch_targets_.clear();
    const std::vector<ValType>& locals = locals_;
#ifndef WI_NO_TRACING
    trace_ = trace;
#else
    (void)trace;
#endif
    // Slots: the parameters, the declared locals that must start at zero, then those set first.
    const size_t n_params = type.params.size();
    auto first_set = [&](size_t i) {
      return !trace_ && i >= n_params && i < first_use.size() && first_use[i] == kSetFirst;
    };
    uint32_t slot = 0;
    local_slot_.resize(locals.size());
    for (int pass = 0; pass < 3; ++pass) {
      if (pass == 1) f_.param_slots = slot;
      if (pass == 2) f_.zero_slots = slot;
      for (size_t i = 0; i < locals.size(); ++i) {
        int group = i < n_params ? 0 : first_set(i) ? 2 : 1;
        if (group != pass) continue;
        local_slot_[i] = slot;
        slot += slot_count(locals[i]);
      }
    }
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

  // For the constructor's `first_use`: of `n_locals` locals (the first `n_params` of them
  // parameters), the declared ones that straight-line code from the body's entry sets before
  // anything reads them are kSetFirst in `first_use` (left empty when there are none to scan).
  // `targets`: a buffer for the scan.
  static constexpr uint8_t kUnknown = 0, kSetFirst = 1, kReadFirst = 2;
  static void locals_set_first(const Module& m, const FunctionBody& body, size_t n_params, size_t n_locals,
                               std::vector<uint8_t>& first_use, std::vector<uint32_t>& targets);

  void translate(const Instruction& in);

  // ---- one dispatch per instruction (Translator::translate) ----
  // The driver tells the commonest instructions apart once and calls their lowering below directly,
  // skipping translate()'s switches, while direct() holds: reachable code, untraced (a trace record
  // precedes each instruction; translate() writes it). begin_direct() does what translate() does
  // before lowering any instruction.
  bool direct() const { return !trace_ && !ctrls_.back().unreachable; }
  void begin_direct(size_t offset) {
    wasm_offset_ = uint32_t(offset);
    if (meter_) ++fuel_count_;
  }
  void local_get(uint32_t index) {
    Entry& e = push(locals_[index]);
    e.kind = Entry::Local;
    e.local = local_slot_[index];
    e.local_index = index;
  }
  void local_set(uint32_t index, bool tee);
  void push_const(ValType t, uint64_t lo, uint64_t hi = 0) {
    Entry& e = push(t);
    e.kind = Entry::Const;
    e.bits[0] = lo;
    e.bits[1] = hi;
  }
  void numeric(const Instruction& in, const OpInfo& info);
  // drop, select (untyped), global.get, global.set: none is a wide instruction (step()).
  void parametric_or_global(const Instruction& in) { step_data(in, op_info(in.op)); }
  void structured(const Instruction& in);  // block, loop, if
  void end();
  void br(uint32_t depth) {
    branch(depth);
    mark_unreachable();
  }
  void br_if(const Instruction& in);
  void call(uint32_t func) { call_common(m_.func_type(func), std::nullopt, RegOp::Call, func, 0); }
  void call_indirect(const Instruction& in) { step(in); }  // a 64-bit table's index is narrowed there
  void memory_access(const Instruction& in, const OpInfo& info) {  // a load or store
    if (wide_module_ && is_wide(in)) return step_wide(in);
    if (numeric_map().load[unsigned(in.op)] != kNoRegOp) return load(in, info);
    store(in);
  }

  void finish() {
    close_fuel_block();
    f_.code.assign(code_.begin(), code_.end());  // exactly its size: compiled code stays for the run
    f_.frame_slots = max_slots_ + 2;  // room for a Return's v128 staging never needed; keep margin
  }

 private:
  // ---- tracing (CompileOptions::trace, interp/trace.h): a Trace op before each wasm instruction ----
  // The op comes first in the instruction's code, so the recorded operand locations are read before
  // anything of the instruction runs. Emitting it also ends local.set and compare-and-branch fusion
  // (both require the fused instructions to be adjacent), so each wasm instruction keeps its own code.
  uint32_t emit_trace(TracePoint::Kind kind);
  TraceLoc trace_loc(const Entry& e) const;
  // The operand stack as it is now, as an entry of TraceInfo::stack (its top; kNone when empty),
  // adding the entries no earlier layout of this function shares.
  uint32_t trace_stack();
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
  size_t consumed(const Instruction& in) const;
  static bool is_control(Opcode o) {
    using O = Opcode;
    return o == O::Unreachable || o == O::Nop || o == O::Block || o == O::Loop || o == O::If || o == O::Else ||
           o == O::End || o == O::Br || o == O::BrIf || o == O::BrTable || o == O::Return ||
           o == O::ReturnCall || o == O::ReturnCallIndirect || o == O::ReturnCallRef || o == O::BrOnNull ||
           o == O::BrOnNonNull || o == O::TryTable || o == O::Throw || o == O::ThrowRef || o == O::Try ||
           o == O::Catch || o == O::CatchAll || o == O::Delegate || o == O::Rethrow;
  }
  void traced_step(const Instruction& in);
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
    if (fuel_unit_ != UINT32_MAX) code_[fuel_unit_] = fuel_count_;
    fuel_unit_ = UINT32_MAX;
  }
  void start_fuel_block() {
    if (!meter_) return;
    close_fuel_block();
    emit<RegOp::Fuel>(0u);
    fuel_unit_ = pos() - 1;  // the count, set when the block closes
    fuel_count_ = 0;
  }

  // ---- emission ----
  uint32_t pos() const { return uint32_t(code_.size()); }
  // Starts an instruction of op `r`, with room made for `operand_units` more that the caller writes
  // by put(); operands written by u32() or u64() need none.
  uint32_t op(RegOp r, size_t operand_units = 0) {
    uint32_t at = pos();
    prev_op_start_ = last_op_start_;
    last_op_start_ = at;
    if (wasm_offset_ != mapped_offset_) {
      offsets_.emplace_back(at, wasm_offset_);
      mapped_offset_ = wasm_offset_;
    }
    code_.reserve_more(1 + operand_units);
    code_.push_unchecked(uint32_t(r));  // bound to its handler by the translator's last walk
    fusable_dst_ = UINT32_MAX;
    return at;
  }
  void u32(uint32_t v) { code_.push_back(v); }
  void u64(uint64_t v) { u32(uint32_t(v)); u32(uint32_t(v >> 32)); }
  // An operand unit in room op() made.
  void put(uint32_t v) { code_.push_unchecked(v); }
  void put(uint64_t v) { put(uint32_t(v)); put(uint32_t(v >> 32)); }
  template <class U>
  static constexpr size_t units_of = sizeof(U) / sizeof(uint32_t);

  // Typed emission (interp/emit_check.h). emit<Op>(units...) writes an instruction of Op with one
  // argument per token of its layout in regops.def (uint64_t for an "i64", uint32_t for the rest, a
  // branch's "rel" as 0 to patch); arguments that differ from the layout in number or width do not
  // compile. emit_result<Op>(type, units...) is the same for an op whose first token is its
  // destination, the home of a new stack entry of `type`. The _like forms emit an op chosen at run
  // time (a row of numeric.def, a load or store form) checked at compile time against `Like`, an op
  // of that family, and in builds with assertions against the chosen op's own layout.
  template <RegOp Like, class... U>
  uint32_t emit_like(RegOp r, U... units) {
    static_assert(emit_check::units_match<U...>(emit_check::layout_of(Like), 0),
                  "emit<Op>: the arguments differ from Op's operand layout in regops.def");
    assert(emit_check::layout_of(r) == emit_check::layout_of(Like));
    uint32_t at = op(r, (units_of<U> + ... + 0));
    (put(units), ...);
    return at;
  }
  template <RegOp Like, class... U>
  uint32_t emit_result_like(RegOp r, ValType t, U... units) {
    static_assert(layout_token(emit_check::layout_of(Like), 0) == "d" &&
                      emit_check::units_match<U...>(emit_check::layout_of(Like), 1),
                  "emit_result_like<Like>: Like has no destination first, or the arguments differ from its layout");
    assert(emit_check::layout_of(r) == emit_check::layout_of(Like));
    uint32_t at = emit_result_op(r, t, (units_of<U> + ... + 0));
    (put(units), ...);
    return at;
  }
  template <RegOp Op, class... U>
  uint32_t emit(U... units) {
    return emit_like<Op>(Op, units...);
  }
  template <RegOp Op, class... U>
  uint32_t emit_result(ValType t, U... units) {
    return emit_result_like<Op>(Op, t, units...);
  }
  // A branch's displacement: from its instruction `instr` to `target`, written to its rel unit.
  // Every displacement is written here, so that branch_targets_ lists where control can arrive other
  // than by falling through.
  void set_rel(uint32_t unit, uint32_t instr, uint32_t target) {
    code_[unit] = target - instr;
    branch_targets_.push_back(target);
  }
  void patch_to_here(const Patch& p) { set_rel(p.unit, p.instr, pos()); }

  // ---- operand stack ----
  uint32_t slot_at(size_t height) const {
    if (height == 0) return f_.local_slots;
    const Entry& e = stack_[height - 1];
    return e.home + slot_count(e.type);
  }
  uint32_t top_slot() const { return slot_at(stack_.size()); }
  Entry& push(ValType t) {
    uint32_t home = top_slot();
    // Built in place: a local Entry copied in was read back, partly overlapping its own zeroing
    // stores, and the failed store forwarding took half of push's time.
    Entry& e = stack_.emplace_back();
    e.type = t;
    e.home = home;
    max_slots_ = std::max(max_slots_, home + slot_count(t));
    return e;
  }
  void push_temp(ValType t) { push(t); }
  Entry pop() {
    Entry e = stack_.back();
    stack_.pop_back();
    return e;
  }

  void emit_const_to(uint32_t dst, const Entry& e) {
    if (e.type == ValType::V128) {
      op(RegOp::Const128); u32(dst); u64(e.bits[0]); u64(e.bits[1]);  // "d v128", past what emit<> checks
    } else if (e.type == ValType::I32 || e.type == ValType::F32) {
      emit<RegOp::Const32>(dst, uint32_t(e.bits[0]));
    } else {
      emit<RegOp::Const64>(dst, uint64_t(e.bits[0]));
    }
  }
  void emit_copy(uint32_t dst, uint32_t src, ValType t);
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
  // Room is made for `operand_units` more after the destination, written by put().
  uint32_t emit_result_op(RegOp r, ValType t, size_t operand_units = 0) {
    Entry& e = push(t);
    uint32_t at = op(r, 1 + operand_units);
    fusable_dst_ = pos();
    fusable_height_ = stack_.size();
    put(e.home);
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
  // A recorded instruction's operand units after its destination ("a b", "a i32", "a i64", "c"...).
  // At most three (an i64 immediate is two units); held inline, since every fused compare and folded
  // address makes one (a small_vector's assign cost about 40 host instructions each).
  struct CompareOperands {
    std::array<uint32_t, 4> units{};
    uint32_t n = 0;
    CompareOperands(const uint32_t* first, const uint32_t* last) : n(uint32_t(last - first)) {
      assert(n <= units.size());
      std::copy(first, last, units.begin());
    }
    const uint32_t* begin() const { return units.data(); }
    const uint32_t* end() const { return units.data() + n; }
    size_t size() const { return n; }
    uint32_t operator[](size_t i) const { return units[i]; }
  };
  // Removes everything emitted from `start` on: an instruction about to be folded into the next.
  void drop_code_from(uint32_t start) {
    code_.shrink_to(start);
    while (!offsets_.empty() && offsets_.back().first >= start) offsets_.pop_back();
    mapped_offset_ = offsets_.empty() ? kNoOffset : offsets_.back().second;
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
  std::optional<std::pair<uint32_t, uint32_t>> take_latch_add(std::initializer_list<uint32_t> operands);
  // Removes the comparison producing `cond` when it is the last thing emitted, returning it with its
  // operand units (everything after its destination).
  std::optional<std::pair<Compare, CompareOperands>> take_compare(const Entry& cond) {
    return take_last(compare_, cond);
  }
  // The same for an i32.add whose sum is a load's or store's address (LI_/LR_/SI_/SR_ in regops.def).
  std::optional<std::pair<Compare, CompareOperands>> take_address_add(const Entry& addr) {
    return take_last(address_add_, addr);
  }
  // A binary op whose right operand is the value the plain load emitted last produced (and nothing
  // else reads: it is the top stack entry, a temporary): the load removed, the fused op to emit.
  struct OperandLoad {
    RegOp op;
    uint32_t addr, offset, wasm_offset;
  };
  std::optional<OperandLoad> take_operand_load(Opcode bin);

  // After take_address_add removed `a + b` (`add`): if the op before it was `t = x << k` into a
  // temporary that is one of the two operands, removes it too and returns {the other operand, x, k}.
  std::optional<std::array<uint32_t, 3>> take_scaled_index(const Compare& add, uint32_t a, uint32_t b) {
    uint32_t s = add.before;
    if (s == UINT32_MAX || s + 4 != add.start) return std::nullopt;
    if (code_[s] != uint32_t(RegOp::NI_I32Shl)) return std::nullopt;
    uint32_t t = code_[s + 1], x = code_[s + 2], k = code_[s + 3] & 31;
    if (t < f_.local_slots || (t != a && t != b) || a == b) return std::nullopt;
    drop_code_from(s);
    return std::array<uint32_t, 3>{t == a ? b : a, x, k};
  }
  std::optional<std::pair<Compare, CompareOperands>> take_last(Compare& recorded, const Entry& value);
  // Emits the fused branch, its rel unit (the last) 0 to patch; returns the instruction start.
  uint32_t emit_fused_branch(const Compare& c, const CompareOperands& operands, bool when_true);

  // ---- control ----
  void enter_block(Opcode kind, const BlockSig& sig) {
    materialize_all();
    // A block boundary may be a branch target (a loop header always is): never retarget an
    // instruction emitted before it.
    forget_fusions();
    // Built in its place (a Ctrl moved in cost a second construction and a destruction).
    Ctrl& c = ctrls_.emplace_back(kind, sig.params, sig.results, stack_.size() - sig.params.size(), 0);
    c.base_slot = slot_at(c.height);
  }

  void reset_to_params(Ctrl& c) {
    stack_.resize(c.height);
    for (ValType t : c.params) push_temp(t);
  }

  bool needs_copies(const Ctrl& target) const;
  void emit_label_copies(const Ctrl& target);
  bool is_function_frame(const Ctrl& c) const { return &c == &ctrls_.front(); }

  void emit_jump_to(Ctrl& target);
  void branch_rel(Ctrl& target, uint32_t instr, uint32_t unit) {
    if (target.kind == Opcode::Loop) set_rel(unit, instr, target.loop_start);
    else target.patches.push_back({instr, unit});
  }

  void emit_return();

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

  void else_();

  // The end of a try_table: its body's range and, out of line after a jump over them, one landing
  // pad per catch clause. The unwinder (exec_catch) puts the clause's values in the slots just above
  // the block's base and continues at the pad, which is an ordinary branch to the clause's label.
  void end_try_table();

  // ---- legacy exception handling ----
  // A catch part is laid out like an `else` of the try: the try body's results jump to the end;
  // the part starts at its pad with, from the try's base slot up, the caught exception (a hidden
  // stack entry, for rethrow; calls in the part place their frames above it) and the tag's values.
  // Its results are copied down to the base slot at its end, where the try body's results are.
  void catch_(const Instruction& in);
  // `delegate l` ends a try without catches: its body's exceptions are thrown on from the block l
  // labels (counted from outside the try), past the try constructs in between.
  void delegate(const Instruction& in);
  void rethrow(const Instruction& in) {
    Ctrl& target = ctrls_[ctrls_.size() - 1 - in.a];
    f_.handlers[target.handler].keep = true;
    emit<RegOp::ThrowRef>(target.exn_slot);
    mark_unreachable();
  }

  void call_common(const FuncType& t, std::optional<uint32_t> index_slot, RegOp r, uint32_t a,
                   uint32_t b);

  Entry make_const(ValType t, uint64_t lo, uint64_t hi = 0) {
    Entry e;
    e.kind = Entry::Const;
    e.type = t;
    e.bits[0] = lo;
    e.bits[1] = hi;
    return e;
  }
  void step(const Instruction& in) {
    if (wide_module_ && is_wide(in)) return step_wide(in);
    step_core(in);
  }

  // ---- Wasm 3.0 multi-memory, memory64, table64 (the scheme is in regops.def, at UseMemory) ----
  // An instruction on a memory other than 0 or on a 64-bit memory or table is translated as its
  // 32-bit, memory-0 form with UseMemory around it and its 64-bit operands narrowed, so the handlers
  // of the common case stay as they are and pay nothing.
  bool mem64(uint32_t memory) const { return m_.memories[memory].is64; }
  bool table64(uint32_t table) const { return m_.tables[table].is64; }
  bool is_wide(const Instruction& in) const;
  // Whether any instruction of the module can be wide: it has a second memory, or a 64-bit memory
  // or table. Most have neither, and skip is_wide's switch (translation speed).
  static bool module_may_be_wide(const Module& m) {
    if (m.memories.size() > 1) return true;
    for (const auto& mem : m.memories)
      if (mem.is64) return true;
    for (const auto& t : m.tables)
      if (t.is64) return true;
    return false;
  }
  // The operand `depth` entries below the top: if it is an i64, narrowed in its own slot to the i32
  // the 32-bit op reads.
  void narrow(size_t depth) {
    Entry& e = stack_[stack_.size() - 1 - depth];
    if (e.type != ValType::I64) return;
    materialize(e);
    emit<RegOp::Narrow64>(e.home, e.home);
    e.type = ValType::I32;
  }
  // The i32 result on top widened back to the i64 of a 64-bit table or memory (sizes and grow's -1).
  void widen_result() {
    Entry& e = stack_.back();
    materialize(e);
    emit<RegOp::N_I64ExtendI32S>(e.home, e.home);
    e.type = ValType::I64;
  }
  void use_memory(uint32_t memory) {
    emit<RegOp::UseMemory>(memory);
  }
  void step_wide(const Instruction& in);

  void step_core(const Instruction& in);
  void step_data(const Instruction& in, const OpInfo& info);
  void load(const Instruction& in, const OpInfo& info);
  void store(const Instruction& in);
  std::optional<uint32_t> store_immediate(const Entry& value) const;
  void store_constant(const Instruction& in, uint32_t k);

  // br_on_null / br_on_non_null: a conditional branch on the reference at the top of the stack,
  // which the branch drops (br_on_null) or carries (br_on_non_null) and the fall-through keeps
  // (br_on_null, now known non-null) or drops. Like a br_if whose label needs copies: skip over the
  // branch's copies and jump when the condition does not hold.
  void br_on_null(const Instruction& in);

  void br_table(const Instruction& in);

  void simd(const Instruction& in, const OpInfo& info);

  const Module& m_;
  const bool wide_module_ = module_may_be_wide(m_);  // after m_: initialized from it
  CompiledFunc& f_;
  AppendBuffer<OffsetMap::Entry>& offsets_;  // (code position, wasm offset), encoded into f_ at the end
  const FunctionValidator& validator_;
  const std::vector<ValType>& locals_;
  const FuncType& type_;
  AppendBuffer<uint32_t>& code_;  // these five: TranslatorBuffers
  std::vector<uint32_t>& local_slot_;
  EntryStack& stack_;
  std::vector<Ctrl>& ctrls_;
  std::vector<uint32_t>& branch_targets_;
  uint32_t max_slots_ = 0;
  uint32_t next_group_ = 0;  // CatchHandler::group of the next try_table or try
  uint32_t wasm_offset_ = 0;
  // The wasm offset of offsets_'s last entry, kNoOffset while it has none: a member compared per
  // instruction, not the buffer's last element.
  static constexpr uint32_t kNoOffset = UINT32_MAX;
  uint32_t mapped_offset_ = kNoOffset;
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
  // trace_stack's index of the layout entries recorded so far: (entry below, location) -> entry.
  struct StackKey {
    uint32_t below, slot;
    ValType type;
    bool is_const;
    uint64_t bits0, bits1;
    bool operator==(const StackKey&) const = default;
  };
  struct StackKeyHash {
    size_t operator()(const StackKey& k) const {
      uint64_t h = (uint64_t(k.below) << 32 | k.slot) * 0x9e3779b97f4a7c15ull;
      h ^= (uint64_t(k.type) << 1 | k.is_const) + k.bits0 * 0xff51afd7ed558ccdull + (h << 6) + (h >> 2);
      return size_t(h ^ k.bits1);
    }
  };
  std::unordered_map<StackKey, uint32_t, StackKeyHash> stack_entries_;  // looked up, never iterated
};

}  // namespace wi::lowering
