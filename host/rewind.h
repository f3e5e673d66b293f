// Reverse execution for `wi debug` and the gdb stub (docs/reverse.md). Owns: the plan for going back
// (Rewinder) with the live run's in-memory host-call log, the replicas (Replicas: the program re-run
// from its first instruction in a fresh store while the live run waits inside its trace point, host
// calls answered from the log, no output repeated), and carrying watchpoints between their stores
// (WatchCarry). Rewinder tells the session, at each instruction of a silent replica, whether to go on,
// stop (the target is reached) or start another replica (a scan found the target). A run is
// deterministic under the debugger (virtual clocks, seeded random, the log for everything else), so
// step S of a replica is step S of the live run.
// Policy: replicas are the fallback where `wi debug`'s snapshots cannot serve (host/debug_reverse.cc):
// there a reverse command costs a re-run of the program up to its target, in time proportional to the
// target step, not to N (docs/reverse.md). Nothing here is on the untraced path; no exceptions.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>
#include "host/replay/session.h"
#include "host/watch.h"

namespace wi {

class Rewinder {
 public:
  enum class Kind { Step, Next, Finish, Continue };
  enum class Action { Run, Stop, Restart };

  Rewinder() : log_(replay::Session::in_memory()) {}
  // The host-call log the runs of the program share (ExecSession::host_log).
  replay::Session* log() { return log_.get(); }

  // Plans going back from `here` — the step about to run, or the last step + 1 once the program has
  // ended — whose frame is at `depth`. Step: `n` instructions back (to step 1 at most). Next: the
  // previous instruction at `depth` or shallower. Finish: the previous instruction shallower than
  // `depth` (the call of the current function). Continue: the previous instruction where a
  // breakpoint or watchpoint would have stopped. Then the debugger restarts the program, at step 1
  // (a replica) or at a snapshot before need() (in place, then starting_at()).
  // `to_start`: a scan that finds nothing goes to step 1 (GDB's end of the replay log) rather than
  // back to `here`.
  void plan(Kind k, uint64_t here, size_t depth, uint64_t n, bool to_start = false);
  // A re-run is under way (or about to start): the debugger neither stops nor reports until Stop.
  bool rerunning() const { return phase_ != Phase::Idle; }
  // The latest step the next re-run may start at: a restart (after plan() or Restart) goes back to a
  // snapshot whose first instruction is at or before it, or to the start. One before a Goto's
  // target: a watchpoint hit at the target is the previous instruction's, which must run again.
  uint64_t need() const { return need_; }
  // The re-run goes on from step `first` (a snapshot's; a replica starts at 1, as plan() assumes). A
  // scan then looks at [first, the previous segment's start] (its start again: a watchpoint hit there
  // is seen only when the instruction before it runs) and, finding nothing, asks for the segment
  // before.
  void starting_at(uint64_t first) { seg_start_ = first; }
  // At each instruction of a re-run: `stop_here` says whether a breakpoint or watchpoint hit it.
  Action on_instr(uint64_t step, size_t depth, bool stop_here);
  // The re-run ended before reaching `here` (reverse from the end of the program): Restart, or Run
  // when nothing was planned.
  Action at_end();
  // In place, no snapshot reaches back to need(): go back to where the command was given (a snapshot
  // serves that), and from there re-run the whole program in replicas with the plan as first given
  // (replan() when falling_back() arrives).
  void fall_back_to_origin();
  bool falling_back() const { return fall_back_; }
  void replan() { plan(kind_, origin_, depth_, n_, to_start_); }
  // After Stop: what to tell the user about where the re-run stopped.
  Kind kind() const { return kind_; }
  bool found() const { return found_.has_value(); }  // Next/Finish/Continue: the scan found its step

 private:
  enum class Phase { Idle, Scan, Goto };
  Action end_of_segment();
  void go_to(uint64_t step);

  std::unique_ptr<replay::Session> log_;
  Phase phase_ = Phase::Idle;
  Kind kind_ = Kind::Step;
  uint64_t origin_ = 0;           // the step the command was given at
  uint64_t n_ = 1;
  uint64_t until_ = 0;            // Scan: the end of the segment being scanned (not included)
  uint64_t seg_start_ = 1;        // Scan: the first step of the re-run
  size_t depth_ = 0;
  uint64_t target_ = 0;           // Goto: the step to stop at
  uint64_t need_ = 1;             // see need()
  std::optional<uint64_t> found_; // Scan: the last matching step so far
  bool to_start_ = false;
  bool fall_back_ = false;
};

class ExecSession;

// The live run and its replicas, for a session that debugs (wi debug's Debugger, the gdb stub). The
// live run, waiting inside a trace point, calls run(): each replica is a whole `wi exec` of the same
// command line with the same session as its tracer, its host calls answered from the live run's log.
// The session stops a replica's guest (and makes done() return quietly) when it abandons it for
// another (a new reverse command) or hands over to the live run (the replica reached its step).
class Replicas {
 public:
  enum class Leave { None, Stop, Run };  // how the live run goes on: stopped where it is, or running

  bool active() const { return active_; }  // the guest running now is a replica
  uint64_t frontier() const { return frontier_; }  // the live run's step (UINT64_MAX: it has ended)
  replay::Session* log() { return replica_log_.get(); }  // a replica's host calls (host_log)

  // Runs replicas of `args` until one ends without being abandoned, or `give_up` says so (the
  // user quit, the client killed the program). Returns how the live run goes on (None: it does not
  // matter, the replica ended otherwise). The session saves its own live state before and puts it
  // back after.
  Leave run(const std::vector<std::string>& args, ExecSession& session, const replay::Session& live_log,
            uint64_t frontier, const std::function<bool()>& give_up);
  // In a replica: abandon it for another one; or hand over to the live run. Either way the session
  // stops the replica's guest at once.
  void abandon() { abandoned_ = true; }
  void hand_over(bool stop) { leave_ = stop ? Leave::Stop : Leave::Run; }
  bool over() const { return abandoned_ || leave_ != Leave::None; }

 private:
  bool active_ = false;
  uint64_t frontier_ = 0;
  bool abandoned_ = false;
  Leave leave_ = Leave::None;
  std::unique_ptr<replay::Session> replica_log_;
};

// The store's memories in instance order, each once (a linked program's instances share one): the
// same list, in the same order, in every run of one program at the same step.
std::vector<const Memory*> store_memories(const Store& s);

// Watchpoints carried from one run's store to another's (the live run and its replicas): each
// watchpoint's memory is kept by its place in store_memories.
class WatchCarry {
 public:
  // Takes the watchpoints out of `w` (empty afterwards) while `s`, their store, is still alive; a
  // second take before a give finds `w` empty and does nothing. (One whose memory a replica never
  // found before it was taken again is dropped.)
  void take(WatchList& w, const Store& s);
  // Puts back into `w` those whose memory exists in `s` now, with their hit counts (replacing what `w`
  // holds). Call again when instances were added while pending().
  void give(WatchList& w, const Store& s);
  bool pending() const { return pending_; }

 private:
  std::vector<Watch> saved_;
  std::vector<size_t> index_;  // each one's memory in store_memories (SIZE_MAX: none)
  bool pending_ = false;
};

}  // namespace wi
