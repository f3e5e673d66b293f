// LiveSnapshots: taking snapshots of the live run and restoring them (host/live_snapshots.h).
#include "host/live_snapshots.h"
#include <algorithm>
#include "fmt/format.h"

namespace wi {

namespace po = boost::program_options;

void LiveSnapshots::add_options(po::options_description& opts, const std::string& for_what) {
  opts.add_options()("snapshot-interval", po::value<uint64_t>(),
                     ("steps between snapshots for " + for_what +
                      " (default 1000000; 0: none, re-run the program from the start instead)")
                         .c_str())("snapshot-memory", po::value<double>(),
                                   "MiB the snapshots may hold before older ones are thinned (default 256)");
}

Result<void> LiveSnapshots::configure(const po::variables_map& vm) {
  if (vm.count("snapshot-interval")) interval_ = vm["snapshot-interval"].as<uint64_t>();
  if (vm.count("snapshot-memory")) {
    double mib = vm["snapshot-memory"].as<double>();
    if (!(mib >= 0 && mib <= double(uint64_t(1) << 40)))
      return make_error(SIZE_MAX, fmt::format("--snapshot-memory {}: expected a number of MiB from 0", mib));
    budget_ = uint64_t(mib * 1048576.0);
  }
  return {};
}

uint64_t LiveSnapshots::on_checkpoint(Store& store, const TraceEvent& e, const TraceCore& core,
                                      const replay::Session& log, const WatchList& watches) {
  if (!interval_) return UINT64_MAX;
  const uint64_t step = core.step();
  // Due every interval, and at once in a call from the host that has none yet (a snapshot serves only
  // the call it was taken in: the program's start after its constructors' calls).
  const uint64_t activation = ExecSnapshot::serving_activation(store);
  if (step < next_ && activation == last_activation_) return next_;
  // Not inside a host call, nor with a watchpoint hit waiting to be reported: try the next point.
  if (e.point.kind != TracePoint::Instr || !core.host_calls().empty() || watches.armed()) return step;
  next_ = step + interval_;
  last_activation_ = activation;
  if (!snaps_.empty() && snaps_.back().step >= step) return next_;  // gone back: there is one here already
  auto s = ExecSnapshot::take(store, e, snaps_.empty() ? nullptr : &snaps_.back().exec);
  if (!s) return next_;
  bytes_ += s->own_bytes();
  snaps_.push_back(Snapshot{step, std::move(*s), core.run_state(), log.cursor(), log.passthrough_calls()});
  while (bytes_ > budget_ && thin_one()) {
  }
  return next_;
}

std::optional<LiveSnapshots::Restored> LiveSnapshots::restore(Store& store, uint64_t first,
                                                             replay::Session& log) const {
  auto it = std::upper_bound(snaps_.begin(), snaps_.end(), first,
                             [](uint64_t t, const Snapshot& s) { return t < s.step + 1; });
  if (it == snaps_.begin()) return std::nullopt;
  const Snapshot& s = *--it;
  if (s.passthrough != log.passthrough_calls() || !s.exec.restorable(store) || !s.exec.restore(store))
    return std::nullopt;
  log.rewind_to(s.cursor);
  return Restored{s.run, s.step + 1};
}

std::optional<LiveSnapshots::Restored> LiveSnapshots::go_back(Store& store, Rewinder& rewind, WatchList& watches,
                                                              bool or_origin) const {
  auto r = restore(store, rewind.need(), *rewind.log());
  if (!r && or_origin) {
    rewind.fall_back_to_origin();
    r = restore(store, rewind.need(), *rewind.log());
  }
  if (!r) return std::nullopt;
  watches.drop_hit();
  rewind.starting_at(r->first_step);
  return r;
}

bool LiveSnapshots::thin_one() {
  // Losing snapshot k leaves a gap from k-1 to k+1; a gap far back matters less (going back that far
  // is rarer, and costs more anyway): the victim has the smallest gap / age.
  const uint64_t now = snaps_.back().step;
  size_t victim = 0;
  double best = 0;
  for (size_t k = 1; k + 1 < snaps_.size(); ++k) {
    if (snaps_[k].exec.activation() != snaps_[k - 1].exec.activation()) continue;  // a call's first
    double score = double(snaps_[k + 1].step - snaps_[k - 1].step) / double(now - snaps_[k].step + 1);
    if (!victim || score < best) victim = k, best = score;
  }
  if (!victim) return false;
  bytes_ -= ExecSnapshot::forget(&snaps_[victim - 1].exec, snaps_[victim].exec, &snaps_[victim + 1].exec);
  snaps_.erase(snaps_.begin() + ptrdiff_t(victim));
  ++thinned_;
  return true;
}

}  // namespace wi
