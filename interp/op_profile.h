// Counts of executed register ops and of adjacent pairs of them (`wi exec --profile-ops`), the data
// fused ops are chosen from (docs/interpreter.md, "Choosing fusions"). Only a build configured with
// -Dprofile_ops=true counts: its executor is the computed-goto one with a counting dispatch, so the
// executors of ordinary builds contain no profiling code at all.
//
// A pair (A, B) is "B dispatched right after A" in one activation: B may be the target of a branch
// A took, so a pair is a candidate for fusion only when B usually follows A by falling through; the
// report gives counts, not that judgement.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <vector>
#include "interp/regop.h"

namespace wi {

class OpProfile {
 public:
  OpProfile();
  static constexpr int32_t kNoPrev = INT32_MIN;  // no dispatch before it in this activation
  // The executor's dispatch of the op whose handler unit is `handler`, after `prev` (a handler unit,
  // or kNoPrev).
  void count(int32_t prev, int32_t handler) {
    unsigned b = op_of(handler);
    ++singles_[b];
    if (prev != kNoPrev) ++pairs_[size_t(op_of(prev)) * kRegOpCount + b];
  }
  uint64_t dispatches() const;
  // The `top` most frequent ops and pairs, each with its count and share of all dispatches, then the
  // most frequent pairs that can be pair ops, as pairs.def lines.
  void report(std::ostream& out, size_t top) const;

 private:
  static unsigned op_of(int32_t handler) {
    RegOp op = regop_from_handler(handler);
    return op == RegOp::Count_ ? unsigned(RegOp::Unreachable) : unsigned(op);
  }
  std::vector<uint64_t> singles_;
  std::vector<uint64_t> pairs_;      // kRegOpCount x kRegOpCount, row: the earlier op
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
