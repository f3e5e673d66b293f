// The translator's last pass after pair formation: accumulator forms (interp/acc.def).
#pragma once
#include <cstdint>
#include <span>
#include <vector>
#include "interp/code.h"
#include "interp/regop.h"
#include "interp/regop_info.h"

namespace wi {

// What the forms need of each op, worked out once: here, so that the translator's last walk has
// form_at inline.

// Whether an instruction of the op leaves its result in the accumulator (writes_acc in regop.h),
// for every op at once and at compile time: start-up builds no table for it.
inline constexpr std::array<bool, kRegOpCount> kWritesAcc = [] {
  std::array<bool, kRegOpCount> writes{};
  for (unsigned i = 0; i < kRegOpCount; ++i) writes[i] = writes_acc(RegOp(i));
  return writes;
}();
// The unit naming the slot a writer leaves in the accumulator (acc_result_unit in regop_info.h).
inline constexpr std::array<uint8_t, kRegOpCount> kResultUnit = [] {
  std::array<uint8_t, kRegOpCount> units{};
  for (unsigned i = 0; i < kRegOpCount; ++i) units[i] = uint8_t(acc_result_unit(RegOp(i)));
  return units;
}();
// Whether the op passes the accumulator on (passes_acc in regop.h), for every op at once.
inline constexpr std::array<bool, kRegOpCount> kPassesAcc = [] {
  std::array<bool, kRegOpCount> passes{};
  for (RegOp p : kAccPassers) passes[unsigned(p)] = true;
  return passes;
}();
// Per op, the accumulator forms an instruction of it may take, as (unit read from the accumulator,
// op): a plain op's rows of acc.def in order, a pair op's HeadAcc variant.
struct AccIndex {
  struct Use {
    uint8_t unit = 0;
    RegOp op = RegOp::Count_;
  };
  static constexpr unsigned kMaxUses = 4;
  std::array<std::array<Use, kMaxUses>, kRegOpCount> uses{};
  bool any = false;  // some accumulator form has a handler of its own in this executor
  AccIndex();  // accumulator.cc
};
const AccIndex& acc_index();


// Gives an instruction of a function's finished register code (pairs formed, op numbers not yet
// bound to handlers) an accumulator form (acc.def) where the value it reads through that form's
// unit is the one the accumulator holds when control falls into it: the last writer of acc.def
// before it left its result slot (its destination; a call's base) there, the unit names that slot,
// and nothing else can run in between (no branch target or catch pad since that writer). Between
// the writer and the reader may stand instructions that pass the accumulator on (acc.def's
// WI_ACC_PASSER rows: argument moves, stores, conditional branches) and write no slot the
// accumulator stands for. A pair op whose head
// qualifies, through the unit of the head's first form, gets its HeadAcc variant. (An instruction
// that a pair runs inline as its tail ignores its own handler unit: the pair hands it the head's
// value by its form.) Only op units change, as with pairs; executors that give accumulator forms
// their base's handler (exec.cc) form none.
//
// The translator's last walk asks it about each instruction in code order: next_form (of the one
// after it), then form_at, which also moves past it.
class AccumulatorForms {
 public:
  // Where control can arrive other than by falling through: `branch_targets` (every position a
  // branch of the code lands on, as the translator wrote their displacements; repeats allowed) and
  // the catch pads of `handlers`, marked in `arrivals` (a buffer kept from function to function) for
  // code of `code_units` units.
  AccumulatorForms(size_t code_units, std::span<const uint32_t> branch_targets,
                   std::span<const CatchHandler> handlers, std::vector<uint8_t>& arrivals);
  // The op the instruction at `pos`, of base op `own` (as translated), runs as, given that it runs as
  // `op` (its pair op, or own); then moves past it (what the accumulator holds after it).
  [[gnu::always_inline]] RegOp form_at(const uint32_t* code, size_t pos, RegOp op, RegOp own) {
    uint32_t held = held_at(pos);
    held_ = held_after(code, pos, own);
    if (!index_.any || held == kNothing) return op;
    for (const AccIndex::Use& use : index_.uses[unsigned(op)]) {
      if (use.op == RegOp::Count_) break;
      if (code[pos + use.unit] == held) return use.op;
    }
    return op;
  }
  // Whether the instruction at `next` (of base op `next_own`) would read the accumulator that the
  // instruction at `pos` passes on to it. A pair's tail reads its operands from their slots (or the
  // head's result): the translator's walk keeps a call_indirect that can read its index this way
  // out of a pair (the index ends the chain a mispredicted call waits on); any other tail pairs.
  bool reads_through(const uint32_t* code, size_t pos, RegOp own, size_t next, RegOp next_own) const;
  // The op the instruction at `next` (of base op `next_own`) runs as, given the one at `pos` before
  // it, so that the instruction after it can read the accumulator through it: an argument `Copy`
  // right before a call_indirect whose index the accumulator holds becomes a `Move`, which passes
  // it on (the call overwrites the accumulator anyway). Asked before `pos` pairs with `next`: a
  // pair runs its tail's op as it was when the pair formed.
  RegOp next_form(const uint32_t* code, size_t pos, RegOp own, size_t next, RegOp next_own) const {
    return next_own == RegOp::Copy ? copy_form(code, pos, own, next) : next_own;  // the common case inline
  }

 private:
  static constexpr uint32_t kNothing = UINT32_MAX;
  uint32_t held_after(const uint32_t* code, size_t pos, RegOp own) const {
    if (kWritesAcc[unsigned(own)]) return code[pos + kResultUnit[unsigned(own)]];
    uint32_t held = held_at(pos);
    if (held == kNothing || !kPassesAcc[unsigned(own)]) return kNothing;
    for (unsigned unit : passes_acc_writes(own))
      if (code[pos + unit] == held) return kNothing;
    return held;
  }
  RegOp copy_form(const uint32_t* code, size_t pos, RegOp own, size_t next) const;
  uint32_t held_at(size_t pos) const { return arrivals_[pos] ? kNothing : held_; }

  const AccIndex& index_;
  size_t size_;  // of the code, in units
  std::vector<uint8_t>& arrivals_;  // bytes, not bits: read for every instruction of the walk
  uint32_t held_ = kNothing;  // the slot whose value the accumulator holds, falling into the next instruction
};

}  // namespace wi
