// The translator's last pass after pair formation: accumulator forms (interp/acc_list.inc).
#pragma once
#include <cstdint>
#include <span>
#include <vector>
#include "interp/code.h"

namespace wi {

// Gives each instruction of `code` (a function's finished register code, pairs formed, op numbers
// not yet bound to handlers) an accumulator form (acc_list.inc) where the value it reads through
// that form's unit is the one the instruction just before it left in the accumulator: that
// instruction is a writer of acc_list.inc whose destination is the slot the unit names, and nothing
// else can run in between (this instruction is no branch target and no catch pad of `handlers`). A
// pair op whose head qualifies, through the unit of the head's first form, gets its HeadAcc variant.
// (An instruction that a pair runs inline as its tail ignores its own handler unit: the pair hands
// it the head's value by its form.) Only op units change, as with form_pairs; executors that give
// accumulator forms their base's handler (exec.cc) see no change.
void form_accumulator_uses(std::vector<uint32_t>& code, std::span<const CatchHandler> handlers);

}  // namespace wi
