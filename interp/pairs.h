// The translator's pair ops (pairs.def).
#pragma once
#include <cstdint>
#include "interp/regop.h"

namespace wi {

// The op an instruction of `op` at `code` runs as when the instruction after it, at `next_code`, is of
// `next` (RegOp::Count_ at the end): the pair op of their row of pairs.def, or `op`. The translator
// asks for each instruction of a function's finished register code, op numbers not yet bound to
// handlers; only op units change: positions, operands, the wasm-offset map and every branch target
// stay as they were. Executors that give a pair its head's handler (exec.cc) form none.
RegOp pair_at(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code);

}  // namespace wi
