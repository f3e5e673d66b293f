// The op-pair counter of `wi exec --profile-ops` (op_profile.h) and its report.
#include "interp/op_profile.h"
#include <algorithm>
#include <ostream>
#include "fmt/format.h"

namespace wi {

OpProfile::OpProfile()
    : singles_(kRegOpCount), pairs_(size_t(kRegOpCount) * kRegOpCount), alone_(kRegOpCount) {}

uint64_t OpProfile::dispatches() const {
  uint64_t n = 0;
  for (uint64_t c : singles_) n += c;
  return n;
}

void OpProfile::report(std::ostream& out, size_t top) const {
  const uint64_t total = dispatches();
  auto share = [&](uint64_t c) { return total ? 100.0 * double(c) / double(total) : 0.0; };
  out << fmt::format("op-profile: {} dispatches\n", total);

  std::vector<std::pair<uint64_t, unsigned>> ops;
  for (unsigned i = 0; i < kRegOpCount; ++i)
    if (singles_[i]) ops.emplace_back(singles_[i], i);
  std::sort(ops.begin(), ops.end(), std::greater<>());
  out << fmt::format("top ops:\n");
  for (size_t k = 0; k < ops.size() && k < top; ++k)
    out << fmt::format("{:14} {:6.2f}%  {}\n", ops[k].first, share(ops[k].first), regop_name(RegOp(ops[k].second)));

  std::vector<std::pair<uint64_t, size_t>> pairs;
  for (size_t i = 0; i < pairs_.size(); ++i)
    if (pairs_[i]) pairs.emplace_back(pairs_[i], i);
  std::sort(pairs.begin(), pairs.end(), std::greater<>());
  out << fmt::format("top pairs:\n");
  for (size_t k = 0; k < pairs.size() && k < top; ++k) {
    auto [c, i] = pairs[k];
    out << fmt::format("{:14} {:6.2f}%  {} -> {}\n", c, share(c), regop_name(RegOp(i / kRegOpCount)),
                       regop_name(RegOp(i % kRegOpCount)));
  }

  const uint64_t paired = paired_dispatches();
  out << fmt::format("with pairs.def's pairs (estimated): {} dispatches, {:.2f}% of the ops\n", paired,
                     share(paired));
  std::vector<uint64_t> alone_counts = alone_;
  if (pending_ != kNone) ++alone_counts[pending_];  // the last dispatch had no successor to pair with
  std::vector<std::pair<uint64_t, unsigned>> alone;
  for (unsigned i = 0; i < kRegOpCount; ++i)
    if (alone_counts[i]) alone.emplace_back(alone_counts[i], i);
  std::sort(alone.begin(), alone.end(), std::greater<>());
  out << fmt::format("top ops dispatched alone (% of the dispatches with pairs):\n");
  for (size_t k = 0; k < alone.size() && k < top; ++k)
    out << fmt::format("{:14} {:6.2f}%  {}\n", alone[k].first,
                       paired ? 100.0 * double(alone[k].first) / double(paired) : 0.0,
                       regop_name(RegOp(alone[k].second)));

  // In a build with pair ops, a pair's head is counted as the op it runs first (the goto executor
  // gives a pair its head's handler), so these are the pairs of the code as the translator fuses it.
  out << fmt::format("pair candidates (pairs.def lines; heads of fixed length):\n");
  size_t shown = 0;
  for (auto [c, i] : pairs) {
    RegOp head = RegOp(i / kRegOpCount), tail = RegOp(i % kRegOpCount);
    if (!regop_can_head_pair(head)) continue;
    if (shown++ >= top) break;
    out << fmt::format("WI_PAIR({}, {})  // {} {:.2f}%\n", regop_enum_name(head), regop_enum_name(tail), c,
                       share(c));
  }
}

}  // namespace wi
