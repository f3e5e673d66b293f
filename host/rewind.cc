// Rewinder: planning reverse commands as re-runs (rewind.h, docs/reverse.md).
#include "host/rewind.h"

namespace wi {

void Rewinder::plan(Kind k, uint64_t here, size_t depth, uint64_t n) {
  kind_ = k;
  depth_ = depth;
  until_ = here;
  found_.reset();
  ++restarts_;
  if (k == Kind::Step) {
    phase_ = Phase::Goto;
    target_ = here > n ? here - n : 1;
    return;
  }
  phase_ = Phase::Scan;
}

Rewinder::Action Rewinder::on_instr(uint64_t step, size_t depth, bool stop_here) {
  switch (phase_) {
    case Phase::Idle: return Action::Run;
    case Phase::Goto:
      if (step < target_) return Action::Run;
      phase_ = Phase::Idle;
      return Action::Stop;
    case Phase::Scan: {
      if (step >= until_) return restart_to_found();
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
  if (phase_ == Phase::Scan) return restart_to_found();
  // A Goto past the end cannot happen (its target is an executed step); stop being silent anyway.
  phase_ = Phase::Idle;
  return Action::Run;
}

// The scan has seen everything before `until_`: go to the last match, or back where the command was
// given when there was none (the debugger says so).
Rewinder::Action Rewinder::restart_to_found() {
  phase_ = Phase::Goto;
  target_ = found_ ? *found_ : until_;
  ++restarts_;
  return Action::Restart;
}

}  // namespace wi
