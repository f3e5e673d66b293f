// The op counter of `wi exec --profile-ops` (op_profile.h): ops, pairs and runs of three, the
// estimate of the tail executor's dispatches with pairs.def and triples.def, and the report.
#include "interp/op_profile.h"
#include "interp/regop_info.h"
#include <algorithm>
#include <ostream>
#include "fmt/format.h"

namespace wi {

namespace {
uint64_t triple_key(RegOp a, RegOp b, RegOp c, unsigned f1, unsigned f2) {
  static_assert(kRegOpCount <= 0x10000 && kPairForms <= 16, "a run of three's key holds its ops and forms");
  return uint64_t(a) | uint64_t(b) << 16 | uint64_t(c) << 32 | uint64_t(f1) << 48 | uint64_t(f2) << 52;
}
// The ops with a count, most frequent first.
std::vector<std::pair<uint64_t, unsigned>> by_count(const std::vector<uint64_t>& counts) {
  std::vector<std::pair<uint64_t, unsigned>> ops;
  for (unsigned i = 0; i < counts.size(); ++i)
    if (counts[i]) ops.emplace_back(counts[i], i);
  std::sort(ops.begin(), ops.end(), std::greater<>());
  return ops;
}
bool starts_triple(RegOp a, RegOp b) {
  for (const RegOpTriple& t : kRegOpTriples)
    if (t.a == a && t.b == b) return true;
  return false;
}
// What regop.cc asks of a row of triples.def.
bool can_be_triple(RegOp a, RegOp b, RegOp c) {
  return can_head_pair(a) && can_head_pair(b) && fixed_plain_op(c) && !kept_out_of_triples(b) &&
         !kept_out_of_triples(c);
}
}  // namespace

OpProfile::OpProfile()
    : singles_(kRegOpCount), pairs_(size_t(kRegOpCount) * kRegOpCount), alone_(kRegOpCount) {}

void OpProfile::count(const uint32_t* prev, const uint32_t* ip) {
  RegOp b = RegOp(op_of(int32_t(*ip)));
  ++singles_[unsigned(b)];
  bool falls = false;
  if (prev) {
    RegOp a = RegOp(op_of(int32_t(*prev)));
    falls = ip == prev + regop_units(a, prev);
    if (falls) {
      ++pairs_[size_t(a) * kRegOpCount + unsigned(b)];
      const uint32_t* z_code = before_prev_;
      if (z_code && last_ip_ == prev) {
        RegOp z = RegOp(op_of(int32_t(*z_code)));
        if (prev == z_code + regop_units(z, z_code))
          ++triples_[triple_key(z, a, b, pair_form_of(z, z_code, a, prev), pair_form_of(a, prev, b, ip))];
      }
    }
  }
  before_prev_ = prev;
  last_ip_ = ip;
  add_to_run(b, ip, falls);
}

// The tail executor's dispatches, as the translator's last walk would form triples and pairs: a run
// takes the instruction after its head where (head, it) is a pair row or starts a triple row, and a
// third where the three are a triple row. (The walk decides from the code, this from what ran: a
// middle op that branches away counts as run apart when it begins only a triple row.)
void OpProfile::add_to_run(RegOp op, const uint32_t* code, bool falls_through) {
  if (head_.op != RegOp::Count_) {
    if (middle_.op == RegOp::Count_) {
      if (falls_through && (is_pair_row(head_.op, op) || starts_triple(head_.op, op))) {
        middle_ = {op, code};
        middle_pairs_ = is_pair_row(head_.op, op);
        ++merged_;
        return;
      }
    } else {
      const unsigned f1 = pair_form_of(head_.op, head_.code, middle_.op, middle_.code);
      if (falls_through && triple_row(head_.op, middle_.op, op, f1, pair_form_of(middle_.op, middle_.code, op, code)) >= 0) {
        ++merged_;
        head_ = middle_ = {};  // the next instruction starts a run of its own
        return;
      }
      if (!middle_pairs_) {  // no triple and no pair: the head ran alone, the middle op on its own
        --merged_;
        ++alone_[unsigned(head_.op)];
        head_ = middle_;
        middle_ = {};
        add_to_run(op, code, falls_through);
        return;
      }
    }
    close_run();
  }
  head_ = {op, code};
}

void OpProfile::close_run() {
  if (head_.op != RegOp::Count_ && middle_.op == RegOp::Count_) ++alone_[unsigned(head_.op)];
  head_ = middle_ = {};
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

  const auto ops = by_count(singles_);
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
  out << fmt::format("with pairs.def's pairs and triples.def's triples (estimated): {} dispatches, {:.2f}% of "
                     "the ops\n", paired, share(paired));
  // The last run had no successor: a head alone ran alone, and so did a middle op taken in only
  // for a triple that did not come.
  std::vector<uint64_t> alone_counts = alone_;
  if (head_.op != RegOp::Count_ && (middle_.op == RegOp::Count_ || !middle_pairs_)) {
    ++alone_counts[unsigned(head_.op)];
    if (middle_.op != RegOp::Count_) ++alone_counts[unsigned(middle_.op)];
  }
  const auto alone = by_count(alone_counts);
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
    if (!can_head_pair(head)) continue;
    if (shown++ >= top) break;
    out << fmt::format("WI_PAIR({}, {})  // {} {:.2f}%\n", regop_enum_name(head), regop_enum_name(tail), c,
                       share(c));
  }

  std::vector<std::pair<uint64_t, uint64_t>> runs;
  for (auto [key, c] : triples_) runs.emplace_back(c, key);
  std::sort(runs.begin(), runs.end(), std::greater<>());
  out << fmt::format("triple candidates (triples.def lines):\n");
  shown = 0;
  for (auto [c, key] : runs) {
    RegOp a = RegOp(key & 0xffff), b = RegOp(key >> 16 & 0xffff), c3 = RegOp(key >> 32 & 0xffff);
    if (!can_be_triple(a, b, c3)) continue;
    if (shown++ >= top) break;
    out << fmt::format("WI_TRIPLE({}, {}, {}, {}, {})  // {} {:.2f}%\n", regop_enum_name(a), regop_enum_name(b),
                       regop_enum_name(c3), key >> 48 & 0xf, key >> 52 & 0xf, c, share(c));
  }
}

}  // namespace wi
