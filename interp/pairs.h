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

// The triple op (triples.def) an instruction of `op` at `code` runs as when the two after it are of
// `next` and `last` at `next_code` and `last_code`, with the row's forms; RegOp::Count_ if none. Asked
// by the translator's last walk before pair_at, with `next` as it will run and `last` as translated;
// `after_code` is the instruction after the three (null at the end of the code). Executors that give
// a triple its head's handler (exec.cc) form none.
// A triple is formed only where the third instruction would otherwise run alone (it heads no pair
// with the one after it), so that it saves a dispatch without moving the boundaries of the ones
// after, and not where the instruction after the three reads a slot that the head or the middle op
// writes: that value would come from memory right after its store, where a pair leaves it two
// dispatches behind (docs/interpreter.md, "Triple ops").
RegOp triple_at(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code, RegOp last,
                const uint32_t* last_code, const uint32_t* after_code);
// Whether some row of triples.def starts with `op` (known when wi is compiled).
inline bool heads_triple(RegOp op);
// The form of an instruction of `tail` at `tail_code` after one of `head` at `head_code`: the first
// of the tail's source operand units 1..kPairForms-1 that names the slot the head writes through its
// unit 1, or 0. A pair op's form and a triple's forms are this.
unsigned pair_form_of(RegOp head, const uint32_t* head_code, RegOp tail, const uint32_t* tail_code);
// The row of triples.def (A, B, C, f1, f2), or -1: the op profile asks it for the runs it counts.
int triple_row(RegOp a, RegOp b, RegOp c, unsigned f1, unsigned f2);

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

inline constexpr auto kTripleHeads = [] {
  std::array<bool, kRegOpCount> heads{};
  for (const RegOpTriple& t : kRegOpTriples) heads[unsigned(t.a)] = true;
  return heads;
}();
inline bool heads_triple(RegOp op) { return kTripleHeads[unsigned(op)]; }

inline RegOp pair_at(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code) {
  const uint64_t tails = pairs_detail::kTailFilter[unsigned(op)];
  if (!(tails >> (unsigned(next) % 64) & 1) || next == RegOp::Count_) return op;
  return pairs_detail::pair_at_head(op, code, next, next_code);
}

}  // namespace wi
