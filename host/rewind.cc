// Rewinder: planning reverse commands as re-runs (rewind.h, docs/reverse.md).
#include "host/rewind.h"
#include <algorithm>
#include "host/trace_session.h"

namespace wi {

void Rewinder::plan(Kind k, uint64_t here, size_t depth, uint64_t n, bool to_start) {
  kind_ = k;
  to_start_ = to_start;
  depth_ = depth;
  origin_ = here;
  n_ = n;
  until_ = here;
  seg_start_ = 1;
  found_.reset();
  fall_back_ = false;
  if (k == Kind::Step) {
    go_to(here > n ? here - n : 1);
    return;
  }
  phase_ = Phase::Scan;
  need_ = here - 1;
}

void Rewinder::go_to(uint64_t step) {
  phase_ = Phase::Goto;
  target_ = step;
  need_ = step > 1 ? step - 1 : 1;
}

Rewinder::Action Rewinder::on_instr(uint64_t step, size_t depth, bool stop_here) {
  switch (phase_) {
    case Phase::Idle: return Action::Run;
    case Phase::Goto:
      if (step < target_) return Action::Run;
      phase_ = Phase::Idle;
      return Action::Stop;
    case Phase::Scan: {
      if (step >= until_) return end_of_segment();
      bool match = kind_ == Kind::Next     ? depth <= depth_
                   : kind_ == Kind::Finish ? depth < depth_
                                           : stop_here;
      if (match) found_ = step;
      return Action::Run;
    }
  }
  return Action::Run;
}

Rewinder::Action Rewinder::at_end() {
  if (phase_ == Phase::Scan) return end_of_segment();
  // A Goto past the end cannot happen (its target is an executed step); stop being silent anyway.
  phase_ = Phase::Idle;
  return Action::Run;
}

// The scan has seen [seg_start_, until_): go to its last match; else scan the segment before it
// (a re-run from an earlier snapshot); else, having seen everything since step 1, back where the
// command was given (the debugger says so), or to step 1.
Rewinder::Action Rewinder::end_of_segment() {
  if (!found_ && seg_start_ > 1) {
    until_ = seg_start_ + 1;
    need_ = seg_start_ - 1;
    return Action::Restart;
  }
  go_to(found_ ? *found_ : to_start_ ? 1 : origin_);
  return Action::Restart;
}

void Rewinder::fall_back_to_origin() {
  go_to(origin_);
  fall_back_ = true;
}

Replicas::Leave Replicas::run(const std::vector<std::string>& args, ExecSession& session,
                              const replay::Session& live_log, uint64_t frontier,
                              const std::function<bool()>& give_up) {
  active_ = true;
  frontier_ = frontier;
  leave_ = Leave::None;
  do {
    abandoned_ = false;
    replica_log_ = replay::Session::replica_of(live_log);
    run_exec(args, session);  // its exit status is the replica's, never reported
  } while (abandoned_ && !give_up());
  active_ = false;
  abandoned_ = false;
  replica_log_.reset();
  Leave l = leave_;
  leave_ = Leave::None;
  return l;
}

std::vector<const Memory*> store_memories(const Store& s) {
  std::vector<const Memory*> out;
  for (const Instance& inst : s.instances())
    for (const Memory* m : inst.memories)
      if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(m);
  return out;
}

void WatchCarry::take(WatchList& w, const Store& s) {
  if (w.watches().empty()) return;  // none, or taken already
  std::vector<const Memory*> mems = store_memories(s);
  saved_ = w.watches();
  index_.clear();
  for (Watch& x : saved_) {
    auto it = std::find(mems.begin(), mems.end(), x.mem);
    index_.push_back(it == mems.end() ? SIZE_MAX : size_t(it - mems.begin()));
    x.mem = nullptr;
  }
  pending_ = true;
  w.replace({});
}

void WatchCarry::give(WatchList& w, const Store& s) {
  if (!pending_) return;
  std::vector<const Memory*> mems = store_memories(s);
  std::vector<Watch> ws;
  pending_ = false;
  for (size_t k = 0; k < saved_.size(); ++k) {
    Watch x = saved_[k];
    if (index_[k] < mems.size()) x.mem = mems[index_[k]];
    if (x.mem) ws.push_back(x);
    else pending_ = true;
  }
  w.replace(std::move(ws));
}

}  // namespace wi
