// The translator's last pass after pair formation: accumulator forms (interp/acc_list.inc).
#pragma once
#include <cstdint>
#include <span>
#include <vector>
#include "interp/code.h"
#include "interp/regop.h"

namespace wi {

struct AccIndex;  // what the forms need of each op, worked out once (accumulator.cc)

// Gives an instruction of a function's finished register code (pairs formed, op numbers not yet
// bound to handlers) an accumulator form (acc_list.inc) where the value it reads through that form's
// unit is the one the instruction just before it left in the accumulator: that instruction is a
// writer of acc_list.inc whose result slot (its destination; a call's base) is the one the unit
// names, and nothing else can run in between (this instruction is no branch target and no catch
// pad). A pair op whose head qualifies, through the unit of the head's first form, gets its HeadAcc
// variant. (An instruction that a pair runs inline as its tail ignores its own handler unit: the pair
// hands it the head's value by its form.) Only op units change, as with pairs; executors that give
// accumulator forms their base's handler (exec.cc) form none.
class AccumulatorForms {
 public:
  // Finds where control can arrive other than by falling through: branch targets and the catch
  // pads of `handlers`. `code` holds op numbers.
  AccumulatorForms(const std::vector<uint32_t>& code, std::span<const CatchHandler> handlers);
  // The op the instruction of `op` at `pos` runs as, given the one before it at `prev` (SIZE_MAX:
  // none), which runs as `prev_op` (its pair or accumulator form included).
  RegOp form_at(const uint32_t* code, size_t pos, RegOp op, size_t prev, RegOp prev_op) const;

 private:
  const AccIndex& index_;
  std::vector<bool> arrivals_;
};

}  // namespace wi
