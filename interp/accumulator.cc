// Accumulator forms (accumulator.h): one walk finds where control can arrive other than by falling
// through; form_at then decides for one instruction, asked by the translator's last walk.
#include "interp/accumulator.h"
#include <array>
#include "interp/regop.h"
#include "interp/regop_info.h"

namespace wi {
namespace {

// A base's rows are adjacent in acc_list.inc (each comes from one macro), at most kMaxUses of them.
constexpr unsigned longest_run_of_rows() {
  unsigned longest = 0, run = 0;
  for (unsigned i = 0; i < kAccCount; ++i) {
    run = i > 0 && kAccForms[i].base == kAccForms[i - 1].base ? run + 1 : 1;
    longest = run > longest ? run : longest;
  }
  return longest;
}

}  // namespace

// Whether an instruction of the op leaves its result in the accumulator (writes_acc in regop.h),
// for every op at once and at compile time: start-up builds no table for it.
constexpr std::array<bool, kRegOpCount> kWritesAcc = [] {
  std::array<bool, kRegOpCount> writes{};
  for (unsigned i = 0; i < kRegOpCount; ++i) writes[i] = writes_acc(RegOp(i));
  return writes;
}();
// The unit naming the slot a writer leaves in the accumulator (acc_result_unit in regop_info.h).
constexpr std::array<uint8_t, kRegOpCount> kResultUnit = [] {
  std::array<uint8_t, kRegOpCount> units{};
  for (unsigned i = 0; i < kRegOpCount; ++i) units[i] = uint8_t(acc_result_unit(RegOp(i)));
  return units;
}();
// Whether the op passes the accumulator on (passes_acc in regop.h), for every op at once.
constexpr std::array<bool, kRegOpCount> kPassesAcc = [] {
  std::array<bool, kRegOpCount> passes{};
  for (RegOp p : kAccPassers) passes[unsigned(p)] = true;
  return passes;
}();
// Per op, the accumulator forms an instruction of it may take, as (unit read from the accumulator,
// op): a plain op's rows of acc_list.inc in order, a pair op's HeadAcc variant.
struct AccIndex {
  struct Use {
    uint8_t unit = 0;
    RegOp op = RegOp::Count_;
  };
  static constexpr unsigned kMaxUses = 4;
  static_assert(longest_run_of_rows() <= kMaxUses, "acc_list.inc: more rows for one op than AccIndex holds");
  std::array<std::array<Use, kMaxUses>, kRegOpCount> uses{};
  const std::array<bool, kRegOpCount>& writes = kWritesAcc;
  bool any = false;  // some accumulator form has a handler of its own in this executor
  AccIndex() {
    const int32_t* h = handler_offsets();
    for (unsigned i = 0; i < kAccCount; ++i) {
      RegOp acc = RegOp(kFirstAccOp + i);
      const AccForm& a = kAccForms[i];
      for (Use& u : uses[unsigned(a.base)])
        if (u.op == RegOp::Count_) {
          u = {a.unit, acc};
          break;
        }
      if (h[unsigned(acc)] != h[unsigned(a.base)]) any = true;
    }
    for (unsigned row = 0; row < kRegOpPairCount; ++row) {
      RegOp head_acc = first_acc_form(kRegOpPairs[row].head);
      if (head_acc == RegOp::Count_) continue;
      for (unsigned form = 0; form < kPairForms; ++form)
        uses[unsigned(pair_op(row, form))][0] = {acc_parts(head_acc).unit, pair_op(row, form, true)};
    }
  }
};

static const AccIndex& acc_index() {
  static const AccIndex index;
  return index;
}

AccumulatorForms::AccumulatorForms(size_t code_units, std::span<const uint32_t> branch_targets,
                                   std::span<const CatchHandler> handlers, std::vector<uint8_t>& arrivals)
    : index_(acc_index()), size_(code_units), arrivals_(arrivals) {
  // Also without forms of its own (a counting build): Moves are chosen alike, so its counts of op
  // pairs are of the code the other builds run.
  arrivals_.assign(code_units + 1, 0);
  for (const CatchHandler& c : handlers)
    if (c.pad < arrivals_.size()) arrivals_[c.pad] = 1;
  for (uint32_t target : branch_targets) arrivals_[target] = 1;
}

RegOp AccumulatorForms::form_at(const uint32_t* code, size_t pos, RegOp op, RegOp own) {
  uint32_t held = held_at(pos);
  held_ = held_after(code, pos, own);
  if (!index_.any || held == kNothing) return op;
  for (const AccIndex::Use& use : index_.uses[unsigned(op)]) {
    if (use.op == RegOp::Count_) break;
    if (code[pos + use.unit] == held) return use.op;
  }
  return op;
}

uint32_t AccumulatorForms::held_after(const uint32_t* code, size_t pos, RegOp own) const {
  if (index_.writes[unsigned(own)]) return code[pos + kResultUnit[unsigned(own)]];
  uint32_t held = held_at(pos);
  if (held == kNothing || !kPassesAcc[unsigned(own)]) return kNothing;
  for (unsigned unit : passes_acc_writes(own))
    if (code[pos + unit] == held) return kNothing;
  return held;
}

bool AccumulatorForms::reads_through(const uint32_t* code, size_t pos, RegOp own, size_t next,
                                     RegOp next_own) const {
  if (!index_.any || !kPassesAcc[unsigned(own)] || arrivals_[next]) return false;
  uint32_t held = held_after(code, pos, own);
  if (held == kNothing) return false;
  for (const AccIndex::Use& use : index_.uses[unsigned(next_own)]) {
    if (use.op == RegOp::Count_) break;
    if (code[next + use.unit] == held) return true;
  }
  return false;
}

RegOp AccumulatorForms::copy_form(const uint32_t* code, size_t pos, RegOp own, size_t next) const {
  constexpr unsigned kIndexUnit = acc_parts(first_acc_form(RegOp::CallIndirect)).unit;
  constexpr unsigned kCopyUnits = fixed_units(RegOp::Copy);  // at compile time: it parses the layout
  size_t after = next + kCopyUnits;
  if (after >= size_ || RegOp(code[after]) != RegOp::CallIndirect || arrivals_[next] || arrivals_[after])
    return RegOp::Copy;
  uint32_t held = held_after(code, pos, own);
  if (held == kNothing || code[next + 1] == held) return RegOp::Copy;  // a Move writing its slot ends it
  return code[after + kIndexUnit] == held ? RegOp::Move : RegOp::Copy;
}

}  // namespace wi
