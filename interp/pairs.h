// The translator's pair ops (pairs.def).
#pragma once
#include <array>
#include <cstdint>
#include "interp/regop.h"

namespace wi {

// The op an instruction of `op` at `code` runs as when the instruction after it, at `next_code`, is of
// `next` (RegOp::Count_ at the end): the pair op of their row of pairs.def, or `op`. The translator
// asks for each instruction of a function's finished register code, op numbers not yet bound to
// handlers; only op units change: positions, operands, the wasm-offset map and every branch target
// stay as they were. Executors that give a pair its head's handler (exec.cc) form none.
inline RegOp pair_at(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code);

// Whether (head, tail) is a row of pairs.def, in any build: the op profile (op_profile.h) counts with
// it what the tail executor's pairs would save in the profiling build, whose executor forms none.
bool is_pair_row(RegOp head, RegOp tail);

namespace pairs_detail {
// Per op, a filter of the tails it heads a row of pairs.def with: bit (tail mod 64) set for each.
// Known when wi is compiled, so the translator's last walk passes over the (head, next) pairs that
// are no row (most of them: a head has 1 to 18 tails) without a call or a hash lookup.
inline constexpr auto kTailFilter = [] {
  std::array<uint64_t, kRegOpCount> filter{};
  for (const RegOpPair& p : kRegOpPairs) filter[unsigned(p.head)] |= uint64_t(1) << (unsigned(p.tail) % 64);
  return filter;
}();
RegOp pair_at_head(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code);
}  // namespace pairs_detail

inline RegOp pair_at(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code) {
  const uint64_t tails = pairs_detail::kTailFilter[unsigned(op)];
  if (!(tails >> (unsigned(next) % 64) & 1) || next == RegOp::Count_) return op;
  return pairs_detail::pair_at_head(op, code, next, next_code);
}

}  // namespace wi
