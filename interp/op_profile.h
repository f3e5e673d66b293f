// Counts of executed register ops and of adjacent pairs of them (`wi exec --profile-ops`), the data
// fused ops are chosen from (docs/interpreter.md, "Choosing fusions"). Only a build configured with
// -Dprofile_ops=true counts: its executor is the computed-goto one with a counting dispatch, so the
// executors of ordinary builds contain no profiling code at all.
//
// A pair (A, B) is "B dispatched right after A, from the instruction after A's in the code": what a
// pair op (pairs.def) can run in one dispatch. A branch taken, a call or a return starts no pair.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <vector>
#include "interp/regop.h"

namespace wi {

class OpProfile {
 public:
  OpProfile();
  // The executor's dispatch of the instruction at `ip`, after the one at `prev` (null at the start of
  // an activation).
  void count(const uint32_t* prev, const uint32_t* ip) {
    unsigned b = op_of(int32_t(*ip));
    ++singles_[b];
    if (!prev) return;
    RegOp a = RegOp(op_of(int32_t(*prev)));
    if (ip == prev + regop_units(a, prev)) ++pairs_[size_t(a) * kRegOpCount + b];
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
