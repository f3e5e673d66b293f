// Snapshots of a debugged program's live run, and going back to them in place (docs/reverse.md): the
// one implementation behind `wi debug`'s reverse commands and the gdb stub's `bs`/`bc`. Owns the
// snapshots (interp/snapshot.h's ExecSnapshot of the store, with the tracer's run state and the
// place in the live host-call log) and when one is taken: at the first trace point from the
// interval's next step on where it is safe, and at the start of each call from the host into wasm.
// Policy: a snapshot is taken only at an instruction's trace point with no host call in progress and
// no watchpoint hit waiting to be reported (it would be lost on going back); it serves a restore only
// while it is still good: the same call from the host into wasm, no store objects added, and no
// passthrough host call (brk, mmap, dlsym: they act on the host again) run since it was taken.
// Snapshots after a restore stay good: the run is deterministic and goes through them again.
// Memory is bounded by a budget: over it, snapshots are thinned, dense near the present and sparse
// further back (going back far then re-executes more), never the first one of a call from the host
// (scans back to it stay in place) nor the latest.
#pragma once
#include <boost/program_options.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "host/replay/session.h"
#include "host/rewind.h"
#include "host/trace_core.h"
#include "host/watch.h"
#include "interp/snapshot.h"

namespace wi {

class LiveSnapshots {
 public:
  static constexpr uint64_t kDefaultInterval = 1'000'000;
  static constexpr uint64_t kDefaultBudget = uint64_t(256) << 20;  // bytes

  // --snapshot-interval and --snapshot-memory, for the commands that debug (`for_what`: their reverse
  // commands); configure() takes them, or says in one line why it cannot.
  static void add_options(boost::program_options::options_description& opts, const std::string& for_what);
  Result<void> configure(const boost::program_options::variables_map& vm);
  // Steps between snapshots; 0: none (every reverse command re-runs the program in a replica).
  uint64_t interval() const { return interval_; }
  // The first value for TraceCore::checkpoint_at_: the first trace point, or never.
  uint64_t first_checkpoint() const { return interval_ ? 0 : UINT64_MAX; }

  // At a trace point of the live run, `core`'s state before the event `e` is processed (from
  // TraceCore::on_checkpoint), `watches` the debugger's: takes a snapshot if it is safe here.
  // Returns the step of the next try (TraceCore::checkpoint_at_): this one's + the interval after a
  // snapshot (or where one cannot be taken at all), else the next trace point.
  uint64_t on_checkpoint(Store& store, const TraceEvent& e, const TraceCore& core, const replay::Session& log,
                         const WatchList& watches);

  // Restores `store` from the latest good snapshot whose first instruction (step + 1) is at or
  // before step `first` and rewinds `log` to it; returns the tracer's run state to go back to
  // (TraceCore::go_back_to), or none when no snapshot can serve (nothing changed then).
  struct Restored {
    TraceCore::RunState run;
    uint64_t first_step = 0;  // the step the run goes on with
  };
  std::optional<Restored> restore(Store& store, uint64_t first, replay::Session& log) const;
  // Carries out a step of `rewind`'s plan in place, for wi debug and the stub alike: restores the
  // snapshot for rewind.need() (`or_origin`: if none reaches back that far, falls back to where the
  // command was given, Rewinder::fall_back_to_origin), drops the watchpoint hit armed by the
  // instruction that will not run now, and tells the Rewinder where the run goes on. None: nothing
  // changed. The caller hands the run state to TraceCore::go_back_to.
  std::optional<Restored> go_back(Store& store, Rewinder& rewind, WatchList& watches, bool or_origin) const;

  size_t size() const { return snaps_.size(); }
  // The bytes the snapshots hold, a shared memory chunk counted once, by walking every snapshot's
  // chunks (`info reverse`): the running count the budget uses must agree with it.
  size_t counted_bytes() const {
    return ExecSnapshot::held_bytes(snaps_, [](const Snapshot& s) -> const ExecSnapshot& { return s.exec; });
  }
  uint64_t thinned() const { return thinned_; }  // snapshots dropped to stay within the budget
  uint64_t budget() const { return budget_; }

 private:
  struct Snapshot {
    uint64_t step = 0;  // steps run before its trace point
    ExecSnapshot exec;
    TraceCore::RunState run;
    size_t cursor = 0;         // in the host-call log
    uint64_t passthrough = 0;  // passthrough calls run before it
  };
  // Drops the snapshot whose loss widens the gaps least for its age; false when none may go.
  bool thin_one();

  uint64_t interval_ = kDefaultInterval;
  uint64_t budget_ = kDefaultBudget;
  size_t bytes_ = 0;  // held by the snapshots: the running count of own_bytes and forget
  uint64_t thinned_ = 0;
  uint64_t next_ = 0;             // the step the next snapshot is due at
  uint64_t last_activation_ = 0;  // the call from the host the last one was due in
  std::vector<Snapshot> snaps_;   // in step order
};

}  // namespace wi
