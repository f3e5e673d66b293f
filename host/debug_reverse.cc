// `wi debug`'s reverse commands (reverse-step, -next, -finish, -continue): the glue between the
// Debugger, its snapshots of the live run (host/live_snapshots.h) and host/rewind.h's replicas. A
// reverse command goes back in the live store itself: it restores the latest snapshot before its
// target (reverse-step) or before where it was given (the others, which scan forward from there for
// their last matching step, a snapshot further back each time a segment has none) and runs silently
// to the target: about an interval of re-execution per segment. Replicas (the program re-run from its
// start) serve what snapshots cannot: a target before the first good snapshot, the program ended,
// no snapshots (--snapshot-interval 0). This file also saves and restores the debugger's view of the
// live run around replicas, carries breakpoints and watchpoints between stores (rebind,
// stop_debugging_store), and says where a re-run arrived.
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
  rerun_started_ = std::chrono::steady_clock::now();
  if (kind == Rewinder::Kind::Finish && depth >= 1 && depth < frames().size() && frames()[depth - 1].func &&
      !frames()[depth - 1].returned && frames()[depth].entered > 1) {
    // Called from wasm: the previous step shallower than this frame is its call, the step before
    // its first instruction (every step since ran in this frame or deeper). Known, so no scan: a
    // reverse-step there. (Entered from the host, the step before may be deeper: a scan decides.)
    kind = Rewinder::Kind::Step;
    n = here - (frames()[depth].entered - 1);
  }
  rewind_.plan(kind, here, depth, n);
  if (go_back_in_place()) return kResume;
  rerun_from_ = "the start (replica)";
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

// Before each trace point from checkpoint_at_ on: a snapshot of the live run, where it is safe.
void Debugger::on_checkpoint(const TraceEvent& e) {
  if (replicas_.active()) {
    checkpoint_at_ = UINT64_MAX;  // not in replicas (run_replicas puts the live run's value back)
    return;
  }
  if (!store_) return;
  checkpoint_at_ = snapshots_.on_checkpoint(*store_, e, *this, *rewind_.log(), watches_);
}

bool Debugger::go_back_in_place(bool or_origin) {
  if (!running_ || replicas_.active()) return false;
  auto r = snapshots_.go_back(*store_, rewind_, watches_, or_origin);
  if (!r) return false;
  go_back_to(std::move(r->run));
  rerun_from_ = fmt::format("snapshot at step {}", r->first_step - 1);
  return true;
}

bool Debugger::restart_in_place() {
  if (go_back_in_place(true)) return true;
  // The snapshot that started this re-run serves the way back to where the command was given.
  say("reverse: the snapshots cannot serve any more; stopping the program");
  quit();
  return false;
}

bool Debugger::fall_back_to_replicas(const Instr& i) {
  rewind_.replan();
  rerun_from_ = "the start (replica)";
  int r = run_replicas();
  if (r == kQuit) return false;
  if (r == kStay && !command_loop()) return false;
  return arm_watches(i);
}

// `info reverse`: the snapshots kept, and what the last reverse command re-executed.
void Debugger::snapshot_info() {
  say(fmt::format("snapshots: {} every {} steps, {} bytes", snapshots_.size(), snapshots_.interval(),
                  snapshots_.counted_bytes()));
  if (snapshots_.thinned())
    say(fmt::format("thinned: {} dropped to stay within {} bytes", snapshots_.thinned(), snapshots_.budget()));
  if (rerun_from_.empty()) say("last reverse command: re-executed 0 steps from nowhere (none yet)");
  else say(fmt::format("last reverse command: re-executed {} steps from {} in {:.1f} ms", rerun_steps_, rerun_from_,
                       rerun_ms_));
}

}  // namespace wi
