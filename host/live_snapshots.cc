// LiveSnapshots: taking snapshots of the live run and restoring them (host/live_snapshots.h).
#include "host/live_snapshots.h"
#include <algorithm>

namespace wi {

uint64_t LiveSnapshots::on_checkpoint(Store& store, const TraceEvent& e, const TraceCore& core,
                                      const replay::Session& log, bool quiet) {
  if (!interval_) return UINT64_MAX;
  const uint64_t step = core.step();
  // Due every interval, and at once in a call from the host that has none yet (a snapshot serves only
  // the call it was taken in: the program's start after its constructors' calls).
  const uint64_t activation = ExecSnapshot::serving_activation(store);
  if (step < next_ && activation == last_activation_) return next_;
  if (e.point.kind != TracePoint::Instr || !quiet) return step;  // try again at the next trace point
  next_ = step + interval_;
  last_activation_ = activation;
  if (!snaps_.empty() && snaps_.back().step >= step) return next_;  // gone back: there is one here already
  auto s = ExecSnapshot::take(store, e, snaps_.empty() ? nullptr : &snaps_.back().exec);
  if (s) snaps_.push_back(Snapshot{step, std::move(*s), core.run_state(), log.cursor(), log.passthrough_calls()});
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

size_t LiveSnapshots::bytes() const {
  size_t n = 0;
  for (const Snapshot& s : snaps_) n += s.exec.own_bytes();
  return n;
}

}  // namespace wi
