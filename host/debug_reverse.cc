// `wi debug`'s reverse commands (reverse-step, -next, -finish, -continue): the glue between the
// Debugger, its snapshots (interp/snapshot.h) and host/rewind.h's replicas. The live run takes a
// snapshot every --snapshot-interval steps where one is safe (on_checkpoint); `reverse-step` restores
// the latest one before its target in the live store itself, rewinds the host-call log to it and runs
// silently to the target (go_back_in_place): at most about one interval of re-execution. Everything
// else — reverse-next/-finish/-continue, a target before any usable snapshot, a watchpoint set, the
// program ended — plans the target with the Rewinder and runs replicas (run_replicas); this file also
// saves and restores the debugger's view of the live run around them, carries breakpoints and
// watchpoints between stores (rebind, stop_debugging_store), and says where a re-run arrived.
// Policy: going back never changes the host: a restored live run answers host calls from the log
// until it catches up with it, and a replica hands over to the live run at the live step;
// --record/--replay runs do not go back (their own log is the record).
#include <algorithm>
#include "fmt/format.h"
#include "host/debugger.h"

namespace wi {

int Debugger::reverse(const std::string& cmd, const std::vector<std::string>& args) {
  if (!reversible_) {
    say(fmt::format("{}: not with --record or --replay (re-run the recording's replay in wi debug instead)", cmd));
    return kStay;
  }
  // Where the command is given: the instruction about to run, or past the last one at the end.
  const uint64_t here = running_ ? cur_.step : step() + 1;
  const size_t depth = running_ ? cur_.depth : 0;
  Rewinder::Kind kind;
  uint64_t n = 1;
  if (cmd == "reverse-step" || cmd == "rs") {
    kind = Rewinder::Kind::Step;
    if (!args.empty()) {
      auto v = parse_number(args[0]);
      if (!v || !*v) {
        say(fmt::format("{}: '{}' is not a positive count", cmd, args[0]));
        return kStay;
      }
      n = *v;
    }
  } else if (cmd == "reverse-next" || cmd == "rn") {
    kind = running_ ? Rewinder::Kind::Next : Rewinder::Kind::Step;  // at the end: the last instruction
  } else if (cmd == "reverse-finish") {
    kind = running_ ? Rewinder::Kind::Finish : Rewinder::Kind::Step;
  } else if (cmd == "reverse-continue" || cmd == "rc") {
    kind = Rewinder::Kind::Continue;
  } else {
    say(fmt::format("unknown command '{}' (try help)", cmd));
    return kStay;
  }
  if (here <= 1) {
    say("at the first instruction: there is nothing before it");
    return kStay;
  }
  rerun_steps_ = 0;
  if (kind == Rewinder::Kind::Step && go_back_in_place(here, depth, n)) return kResume;
  rerun_from_ = "the start (replica)";
  rewind_.plan(kind, here, depth, n);
  if (replicas_.active()) return kRestart;  // this replica is abandoned; Replicas::run starts another
  return run_replicas();
}

// In the live run, waiting at a trace point (or at its end): runs replicas of the program until one
// gets back here (or the user quits). Returns what the live run does next, as a command would.
int Debugger::run_replicas() {
  // The live run's view of itself, put back when a replica hands over.
  TraceCore core = *this;
  Store* store = store_;
  link::Linker* linker = linker_;
  Instr cur = cur_;
  bool running = running_;
  stop_debugging_store();
  Replicas::Leave leave = replicas_.run(args_, *this, *rewind_.log(), running ? cur.step : UINT64_MAX,
                                        [this] { return quitting_; });
  static_cast<TraceCore&>(*this) = core;
  store_ = store;
  linker_ = linker;
  cur_ = cur;
  running_ = running;
  seen_instances_ = 0;
  rebind();
  if (quitting_) {
    quit();  // the live run stops too (quit set halt_ in the replica's TraceCore state)
    return kQuit;
  }
  if (leave == Replicas::Leave::Run) return kResume;
  if (leave == Replicas::Leave::Stop) say(location(cur_));
  return kStay;
}

// A replica reached the live run's step: hand over to it, stopped there (the command that brought
// the replica here stops at this step) or running on.
bool Debugger::leave_replica(bool stop) {
  replicas_.hand_over(stop);
  stop_guest("handed over to the live run");
  return false;
}

// Abandons this replica (the guest stops at once, without a report) for another one.
bool Debugger::abandon_replica() {
  replicas_.abandon();
  stop_guest("restarted by the debugger");
  return false;
}

void Debugger::stop_guest(const char* why) {
  halt_ = true;
  stop_trap_ = Trap();
  stop_trap_.kind = TrapKind::Host;
  stop_trap_.message = why;
  stop_debugging_store();
}

// Before this store goes away (or stops being debugged): keeps breakpoints and watchpoints by what
// survives in another run's store: module names, and the memory's place among the store's memories.
void Debugger::stop_debugging_store() {
  carry_.take(watches_, *store_);
  for (Breakpoint& b : bps_)
    for (Breakpoint::Site& site : b.sites) site.instance = nullptr;
}

Trap Debugger::replica_over() {
  stop_debugging_store();
  store_->tracer = nullptr;
  std::cout.flush();
  Trap t;  // a silent end for run_exec (exit status 0, nothing printed)
  t.kind = TrapKind::Exit;
  return t;
}

// In another run's store, whenever instances were added: finds breakpoint sites and watched
// memories again.
void Debugger::rebind() {
  seen_instances_ = store_->instances().size();
  for (Breakpoint& b : bps_)
    for (size_t k = 0; k < b.sites.size(); ++k)
      if (!b.sites[k].instance) b.sites[k].instance = find_instance(b.site_modules[k]);
  if (carry_.pending()) carry_.give(watches_, *store_);
}

// The re-run reached its step: says why a reverse-continue stopped here, or that a scan found nothing.
void Debugger::report_arrival(const std::optional<WatchHit>& hit, const Breakpoint* bp) {
  switch (rewind_.kind()) {
    case Rewinder::Kind::Step: return;
    case Rewinder::Kind::Next: if (!rewind_.found()) say("no earlier instruction in this function or its callers"); return;
    case Rewinder::Kind::Finish: if (!rewind_.found()) say("no caller: the current function was entered from the host"); return;
    case Rewinder::Kind::Continue:
      if (!rewind_.found()) {
        say("no earlier breakpoint or watchpoint hit: back where the command was given");
        return;
      }
      if (hit) report_watch(*hit);
      if (bp) say(fmt::format("breakpoint {}", bp->id));
      return;
  }
}

// Before each trace point from checkpoint_at_ on: a snapshot of the live run, where one can go back to
// it (an instruction, no host call in progress, no watchpoint armed across it, the live store).
void Debugger::on_checkpoint(const TraceEvent& e) {
  if (replicas_.active()) {
    checkpoint_at_ = UINT64_MAX;  // not in replicas (run_replicas puts the live run's value back)
    return;
  }
  if (!store_ || e.point.kind != TracePoint::Instr || !host_calls().empty() || !watches_.empty())
    return;  // try again at the next trace point
  checkpoint_at_ = step() + snapshot_interval_;
  if (!snapshots_.empty() && snapshots_.back().step >= step()) return;  // re-running: it has one here
  auto s = ExecSnapshot::take(*store_, e, snapshots_.empty() ? nullptr : &snapshots_.back().exec);
  if (!s) return;
  snapshots_.push_back(Snapshot{step(), std::move(*s), run_state(), rewind_.log()->cursor(),
                                rewind_.log()->passthrough_calls()});
}

bool Debugger::go_back_in_place(uint64_t here, size_t depth, uint64_t n) {
  if (!running_ || replicas_.active() || !watches_.empty()) return false;
  const uint64_t target = here > n ? here - n : 1;
  // The latest snapshot whose instruction (step + 1) is at or before the target.
  auto it = std::upper_bound(snapshots_.begin(), snapshots_.end(), target,
                             [](uint64_t t, const Snapshot& s) { return t < s.step + 1; });
  if (it == snapshots_.begin()) return false;
  const Snapshot& s = *--it;
  // Host calls that ran for real since (brk, mmap, dlsym) would run again on a host that has moved on.
  if (s.passthrough != rewind_.log()->passthrough_calls() || !s.exec.restorable(*store_)) return false;
  if (!s.exec.restore(*store_)) return false;
  // Snapshots after the target stay good: the run is deterministic and goes through them again.
  go_back_to(s.run);
  rewind_.log()->rewind_to(s.cursor);
  rewind_.plan(Rewinder::Kind::Step, here, depth, n);
  rerun_from_ = fmt::format("snapshot at step {}", s.step);
  return true;
}

// `info reverse`: the snapshots kept, and what the last reverse command re-executed.
void Debugger::snapshot_info() {
  size_t bytes = 0;
  for (const Snapshot& s : snapshots_) bytes += s.exec.own_bytes();
  say(fmt::format("snapshots: {} every {} steps, {} bytes", snapshots_.size(), snapshot_interval_, bytes));
  say(fmt::format("last reverse command: re-executed {} steps from {}", rerun_steps_,
                  rerun_from_.empty() ? "nowhere (none yet)" : rerun_from_));
}

}  // namespace wi
