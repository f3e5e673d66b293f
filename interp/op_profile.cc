// The op-pair counter of `wi exec --profile-ops` (op_profile.h) and its report.
#include "interp/op_profile.h"
#include <algorithm>
#include <ostream>
#include "fmt/format.h"

namespace wi {

OpProfile::OpProfile() : singles_(kRegOpCount), pairs_(size_t(kRegOpCount) * kRegOpCount) {
  const int32_t* h = handler_offsets();
  auto [lo, hi] = std::minmax_element(h, h + kRegOpCount);
  min_offset_ = *lo;
  by_offset_.assign(size_t(int64_t(*hi) - min_offset_) + 1, uint16_t(kRegOpCount - 1));
  // Handlers that share code would map to the first op listed, as in the disassembler.
  for (unsigned i = kRegOpCount; i-- > 0;) by_offset_[size_t(int64_t(h[i]) - min_offset_)] = uint16_t(i);
}

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
}

}  // namespace wi
