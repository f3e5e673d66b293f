// The translator's last pass: pair ops (pairs.def).
#pragma once
#include <cstdint>
#include <vector>

namespace wi {

// Gives each instruction of `code` (a function's finished register code, op numbers not yet bound to
// handlers) whose op and the next instruction's op form a row of pairs.def that row's pair op. Only
// the op units of heads change:
// positions, operands, the wasm-offset map and every branch target stay as they were. Executors
// that give a pair its head's handler (exec.cc) see no change.
void form_pairs(std::vector<uint32_t>& code);

}  // namespace wi
