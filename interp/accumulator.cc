// Accumulator forms (accumulator.h): the per-op index of forms, and where control can arrive other
// than by falling through (the branch targets the lowering listed, the catch pads); form_at
// (inline in the header) then decides for one instruction, asked by the translator's last walk.
#include "interp/accumulator.h"
#include <array>
#include "interp/regop.h"
#include "interp/regop_info.h"

namespace wi {
namespace {

// A base's rows are adjacent in kAccForms (gen_isa.py checks it), at most kMaxUses of them.
constexpr unsigned longest_run_of_rows() {
  unsigned longest = 0, run = 0;
  for (unsigned i = 0; i < kAccCount; ++i) {
    run = i > 0 && kAccForms[i].base == kAccForms[i - 1].base ? run + 1 : 1;
    longest = run > longest ? run : longest;
  }
  return longest;
}

}  // namespace

static_assert(longest_run_of_rows() <= AccIndex::kMaxUses,
              "acc.def: more rows for one op than AccIndex holds");

AccIndex::AccIndex() {
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
  for (unsigned row = 0; row < kRegOpTripleCount; ++row) {
    RegOp head_acc = first_acc_form(kRegOpTriples[row].a);
    if (head_acc != RegOp::Count_)
      uses[unsigned(triple_op(row, false))][0] = {acc_parts(head_acc).unit, triple_op(row, true)};
  }
}

const AccIndex& acc_index() {
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
  for (uint32_t target : branch_targets)
    if (target < arrivals_.size()) arrivals_[target] = 1;  // in the code or at its end; checked as pads are
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
