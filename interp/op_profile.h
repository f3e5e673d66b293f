// Counts of executed register ops, of adjacent pairs and runs of three of them (`wi exec
// --profile-ops`), the data pair and triple ops are chosen from (docs/interpreter.md, "Choosing
// pairs"). Only a build configured with -Dprofile_ops=true counts: its executor is the computed-goto
// one with a counting dispatch, so the executors of ordinary builds contain no profiling code at all.
//
// A pair (A, B) is "B dispatched right after A, from the instruction after A's in the code": what a
// pair op (pairs.def) can run in one dispatch. A branch taken, a call or a return starts no pair. A
// run of three (A, B, C) is two such pairs in a row, counted with their forms (pairs.h, pair_form_of):
// what a triple op (triples.def) can run.
//
// The profiling build forms no pair ops, so its dispatches are the ops one by one. What the tail
// executor dispatches is estimated beside them: a dispatch of B right after A as above, where (A, B)
// is a row of pairs.def and A's own dispatch was not already a pair's tail, would have run inside A's
// pair op, and C after them inside a triple op where (A, B, C) is a row of triples.def. (An estimate:
// the translator's last walk also keeps a few pairs apart, around call_indirect, and forms a triple
// only where its two rules allow (pairs.h, triple_at), which this does not ask: for triples it is a
// bound, the dispatches if every matching row formed.)
// The ops that stay dispatched alone are what a fusion or a new row could still save; an op that
// only ever runs inside pairs saves no dispatch by being fused with its partner.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <unordered_map>
#include <vector>
#include "interp/pairs.h"
#include "interp/regop.h"

namespace wi {

class OpProfile {
 public:
  OpProfile();
  // The executor's dispatch of the instruction at `ip`, after the one at `prev` (null at the start of
  // an activation).
  void count(const uint32_t* prev, const uint32_t* ip);
  uint64_t dispatches() const;
  // Of those, the estimated dispatches of the tail executor: the ops less those run inside a pair or
  // triple op after its head.
  uint64_t paired_dispatches() const { return dispatches() - merged_; }
  // The `top` most frequent ops and pairs, each with its count and share of all dispatches, the
  // estimate, then the most frequent pairs and runs of three that can be pair and triple ops, as
  // pairs.def and triples.def lines.
  void report(std::ostream& out, size_t top) const;

 private:
  static unsigned op_of(int32_t handler) {
    RegOp op = regop_from_handler(handler);
    return op == RegOp::Count_ ? unsigned(RegOp::Unreachable) : unsigned(op);
  }
  // One instruction of the run the tail executor's current dispatch would run.
  struct RunPart {
    RegOp op = RegOp::Count_;
    const uint32_t* code = nullptr;
  };
  void close_run();
  void add_to_run(RegOp op, const uint32_t* code, bool falls_through);

  std::vector<uint64_t> singles_;
  std::vector<uint64_t> pairs_;      // kRegOpCount x kRegOpCount, row: the earlier op
  std::unordered_map<uint64_t, uint64_t> triples_;  // runs of three, by triple_key
  std::vector<uint64_t> alone_;      // per op: dispatches of the tail executor that ran it alone
  uint64_t merged_ = 0;              // dispatches that would have run inside a pair or triple op
  const uint32_t* before_prev_ = nullptr;  // the dispatch before `prev` (runs of three)
  // The instruction counted last: a nested activation (a host function calling back into wasm)
  // counts with a `prev` of its own, so `before_prev_` precedes `prev` only when this is `prev`.
  const uint32_t* last_ip_ = nullptr;
  RunPart head_, middle_;            // the run so far: its head, and its second instruction if any
  bool middle_pairs_ = false;        // (head, middle) is a row of pairs.def
};

// Whether this build counts (meson option profile_ops).
constexpr bool op_profile_built() {
#ifdef WI_PROFILE_OPS
  return true;
#else
  return false;
#endif
}

}  // namespace wi
