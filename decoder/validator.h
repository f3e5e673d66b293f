// The operand-stack type checker of spec appendix A.3, one instruction at a time. It is reusable: the
// decoder drives it alone to validate, and interp/'s translator calls step() before emitting code for
// the same instruction (validate, then emit).
// https://webassembly.github.io/spec/core/appendix/algorithm.html
#pragma once
#include <algorithm>
#include <span>
#include <vector>
#include <boost/container/vector.hpp>
#include "decoder/instruction.h"
#include "decoder/module.h"

namespace wi {

// A block's parameter or result types: none, one value type, or a list of the module's types (a
// function type's, a tag's: https://webassembly.github.io/spec/core/binary/instructions.html#binary-blocktype).
// Without a heap buffer: a view of the module's list, which outlives every validation and
// translation of its code, or the one value type held inline. Every block's frame in the validator
// and in the translator holds two, and vectors there were an allocation and a free per block with a
// result, and a move and destruction for every block.
class TypeList {
 public:
  TypeList() = default;
  explicit TypeList(ValType one) : one_(one), size_(1) {}
  TypeList(const std::vector<ValType>& module_types) : data_(module_types.data()), size_(uint32_t(module_types.size())) {}
  TypeList(std::vector<ValType>&&) = delete;  // would dangle
  const ValType* begin() const { return data_ ? data_ : &one_; }
  const ValType* end() const { return begin() + size_; }
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ValType operator[](size_t i) const { return begin()[i]; }
  operator std::span<const ValType>() const { return {begin(), size_}; }

 private:
  const ValType* data_ = nullptr;  // null: the list is one_ (size 1) or empty
  ValType one_ = ValType::Void;
  uint32_t size_ = 0;
};

// The parameter and result types of a block type immediate.
struct BlockSig {
  TypeList params, results;
};
// A block's signature into `sig` (empty on entry). Into an argument, not a returned Result<BlockSig>:
// a block's frame took the signature through three moves of that Result's storage.
Result<void> block_signature(const Module& m, const Instruction& block, BlockSig& sig);
// Each of `sub` matches the type at its place in `super` (and there are as many).
bool all_match(std::span<const ValType> sub, std::span<const ValType> super);

// Host limit on nested blocks (block, loop, if) in one function body (docs/security.md).
constexpr size_t kMaxNesting = 100'000;

class FunctionValidator {
 public:
  struct Frame {
    // A constructor, not aggregate initialization: frames are built in place (emplace_back), and
    // parenthesized aggregate initialization needs clang 16 (the fuzz build uses Debian's clang 14).
    Frame(Opcode k, BlockSig s, size_t h, bool u, size_t fs)
        : kind(k), sig(std::move(s)), height(h), unreachable(u), first_set(fs) {}
    Opcode kind;  // Block, Loop, If, Else, or End for the function body
    BlockSig sig;
    size_t height;  // operand-stack height at entry, params excluded
    bool unreachable = false;
    size_t first_set = 0;  // sets_in_blocks_ size at entry: the local.sets this block undoes at its end
    const TypeList& label_types() const { return kind == Opcode::Loop ? sig.params : sig.results; }
  };

  void begin(const Module& m, uint32_t func_index, const FunctionBody& body);
  Result<void> step(const Instruction& in);
  // Parts of step() that a caller which has already told the instructions apart (the translator's
  // one dispatch per instruction, interp/translator.cc) calls directly; step() calls them too.
  // step_signature types an instruction by its signature (OpInfo::fixed_sig) once its immediates
  // are checked. Its commonest case, and local_get's, local_set's and memory_access's, are inline,
  // since the translator's driver runs them for most instructions and a call returning a Result
  // cost more than the check: operands of exactly the types asked for, a local in range and set.
  // The rest, errors included, is out of line.
  [[gnu::always_inline]] Result<void> step_signature(const Instruction& in, const OpInfo& info) {
    const size_t n = info.nparams, size = stack_.size();
    bool access = info.imm == Imm::MemArg || info.imm == Imm::MemArgLane;  // typed by the memory
    if (n <= 2 && !access && size >= frames_.back().height + n &&
        (n == 0 || (stack_[size - 1] == info.params[n - 1] && (n == 1 || stack_[size - 2] == info.params[0])))) {
      pops_ = n;
      replace_top(n, info.result);
      return {};
    }
    return step_signature_slow(in, info);
  }
  // A load or store. Inline, its commonest case: memory 0 with 32-bit addresses, alignment and offset
  // in range, an i32 address and a store's value of exactly its type on the stack.
  [[gnu::always_inline]] Result<void> memory_access(const Instruction& in, const OpInfo& info) {
    const size_t n = info.nparams, size = stack_.size();
    if (in.memory == 0 && memory0_is32_ && info.imm == Imm::MemArg && in.align <= info.aux &&
        in.mem_offset <= 0xffffffffu && n <= 2 && size >= frames_.back().height + n &&
        stack_[size - n] == ValType::I32 && (n == 1 || stack_[size - 1] == info.params[1])) {
      pops_ = n;
      replace_top(n, info.result);
      return {};
    }
    WI_TRY(memarg(in));
    return step_signature_slow(in, info);
  }
  Result<void> local_get(const Instruction& in) {
    if (in.a < locals_.size() && local_set_[in.a]) {
      pops_ = 0;
      stack_.push_back(locals_[in.a]);
      return {};
    }
    return local_get_slow(in);
  }
  // drop, select (untyped), global.get, global.set: step_data's typing, called directly.
  Result<void> parametric_or_global(const Instruction& in) {
    pops_ = 0;
    return step_data(in);
  }
  Result<void> block(const Instruction& in);  // block, loop, if, try_table, try
  Result<void> end(const Instruction& in);
  Result<void> br(const Instruction& in);
  Result<void> br_if(const Instruction& in);
  Result<void> call(const Instruction& in);
  Result<void> call_indirect(const Instruction& in) {
    pops_ = 0;
    return step_call(in);
  }
  Result<void> local_set(const Instruction& in, bool tee) {  // local.set and local.tee
    const size_t size = stack_.size();
    if (in.a < locals_.size() && local_set_[in.a] && size > frames_.back().height &&
        stack_[size - 1] == locals_[in.a]) {  // a set local, a value of exactly its type
      pops_ = 1;  // what a tracer records as the instruction's operand (tee pops and pushes it back)
      if (!tee) stack_.pop_back();
      return {};
    }
    return local_set_slow(in, tee);
  }
  // After the final `end`: true once the function's outermost frame has closed.
  bool done() const { return frames_.empty(); }

  const std::vector<ValType>& locals() const { return locals_; }  // params then declared locals
  const Frame& frame_at_depth(uint32_t depth) const { return frames_[frames_.size() - 1 - depth]; }
  size_t frame_count() const { return frames_.size(); }
  size_t stack_height() const { return stack_.size(); }
  // How many operands the last step() popped, block parameters and a branch's values included (the
  // translator's traces count an instruction's inputs from it).
  size_t last_pops() const { return pops_; }

 private:
  Error err(const Instruction& in, std::string msg) const { return make_error(in.offset, std::move(msg)); }
  void push(ValType t) { stack_.push_back(t); }
  // The inline typings' last step: the top n (at most 2, known present) operand types replaced by
  // `result` (nothing for Void). Shrinking by pop_back, not resize: resize carries its growing path.
  [[gnu::always_inline]] void replace_top(size_t n, ValType result) {
    if (result == ValType::Void) {
      for (size_t i = 0; i < n; ++i) stack_.pop_back();
      return;
    }
    if (n == 0) return stack_.push_back(result);
    stack_[stack_.size() - n] = result;
    if (n == 2) stack_.pop_back();
  }
  Result<ValType> pop(const Instruction& in);
  Result<ValType> pop_expect(const Instruction& in, ValType expect);
  // Pops `types`, the last one on top. Inline, its commonest case: exactly those types above the
  // frame's height (branch values, call arguments, block results).
  Result<void> pop_all(const Instruction& in, std::span<const ValType> types) {
    const size_t n = types.size();
    if (on_top(types)) {
      for (size_t i = 0; i < n; ++i) stack_.pop_back();
      pops_ += n;  // as pop() counts them
      return {};
    }
    return pop_all_slow(in, types);
  }
  Result<void> pop_all_slow(const Instruction& in, std::span<const ValType> types);
  // Whether exactly `types` (the last one on top) are on the stack above the current frame's height.
  bool on_top(std::span<const ValType> types) const {
    const size_t n = types.size();
    return stack_.size() >= frames_.back().height + n && std::equal(types.begin(), types.end(), stack_.end() - n);
  }
  // A frame's end undoes the local.sets made inside it (non-defaultable locals set first there).
  void undo_sets(size_t first_set);
  Result<ValType> pop_ref(const Instruction& in);  // any reference type, or Unknown
  void mark_set(uint32_t local);
  void push_all(std::span<const ValType> types) { stack_.insert(stack_.end(), types.begin(), types.end()); }
  // Inline, and the frame built in its place: each block pays for it.
  void push_frame(Opcode kind, BlockSig sig) {
    Frame& f = frames_.emplace_back(kind, sig, stack_.size(), false, sets_in_blocks_.size());
    push_all(f.sig.params);
  }
  Result<Frame> pop_frame(const Instruction& in);
  void set_unreachable();
  Result<void> label(const Instruction& in, uint32_t depth);
  Result<void> memarg(const Instruction& in);
  Result<void> need_memory(const Instruction& in, uint32_t memory);
  ValType memory_address(uint32_t memory) const;  // i32, or i64 for a 64-bit memory
  ValType table_address(uint32_t table) const;
  Result<void> need_table(const Instruction& in, uint32_t t);
  Result<void> need_tag(const Instruction& in, uint32_t tag);
  Result<void> catch_clauses(const Instruction& in);
  Result<void> step_special(const Instruction& in);
  Result<void> step_exception(const Instruction& in);
  Result<void> step_call(const Instruction& in);
  Result<void> step_data(const Instruction& in);
  Result<void> step_table_memory(const Instruction& in);
  Result<void> no_typing_rule(const Instruction& in);
  Result<void> step_signature_slow(const Instruction& in, const OpInfo& info);
  Result<void> local_get_slow(const Instruction& in);
  Result<void> local_set_slow(const Instruction& in, bool tee);

  const Module* m_ = nullptr;
  bool memory0_is32_ = false;  // the module has a memory 0 and it has 32-bit addresses
  std::vector<ValType> locals_;
  std::vector<uint8_t> local_set_;         // per local: may be read (set, or has a default value)
  std::vector<uint32_t> sets_in_blocks_;   // locals that became set, in order, for block ends to undo
  std::vector<ValType> results_;
  // Boost's vector, not std's: its push_back grows out of line, so the inline typing above does not
  // carry a reallocation path (and the registers it needs) into the translator's driver.
  boost::container::vector<ValType> stack_;
  boost::container::vector<ValType> saved_stack_;  // br_table's trial pops put the stack back from here
  boost::container::vector<Frame> frames_;  // as stack_: growth out of line
  size_t pops_ = 0;  // by the current step
};

}  // namespace wi
