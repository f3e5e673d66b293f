// `wi debug PROG.wasm [exec options] [-- ARGS...]`: a line-oriented debugger on the traced translation
// (docs/trace.md). The guest runs in this thread under `wi exec` with the debugger as its tracer; at
// every trace point the debugger decides whether to stop, and when it stops it reads commands right
// there, inside the Trace op, until one resumes the guest. Stepping counts executed wasm instructions
// exactly as `wi exec --trace` numbers them, so `step N` and `run-to N` always land on the same
// instruction. Commands come from libedit when stdin is a terminal, else one per line (each echoed
// after the prompt, so a transcript over a pipe reads like a session), or from `--commands FILE`,
// which leaves stdin to the guest. Watchpoints (`watch`) are host/watch.h's: checked at trace points
// only while one is set, reported at the instruction after the access. `reverse-step` goes back in the
// live store to its latest snapshot before the target and re-runs from there (docs/reverse.md); the
// other reverse commands, and reverse-step where no snapshot serves, leave the live run waiting where it
// is and re-run the program from its start in a second store, a *replica*, silently, to the step they
// go back to (host/rewind.h); host calls re-executed either way are answered from the live run's
// in-memory log. The user then debugs the replica; when it gets back to the live run's step, the live
// run takes over.
// This file owns the entry point and the decision to stop: the ExecSession hooks (options, attaching to
// a run's store, the end of a run), the trace hooks (on_instr decides, per instruction, whether a
// stepping mode, a breakpoint or a watchpoint stops here, and where a replica hands over to the live
// run), and what a stop prints. The Debugger's other jobs are in the files host/debugger.h lists.
// Policy: nothing is checked unless the debugger is the tracer (the untraced path never sees it).
#include <fnmatch.h>
#include "decoder/dwarf_line.h"
#include "fmt/format.h"
#include "host/debugger.h"
#include "host/gdb/stub.h"

namespace wi {

void Debugger::add_options(po::options_description& opts) {
  opts.add_options()("commands,x", po::value<std::string>(),
                     "read debugger commands from FILE instead of stdin (which the guest then has)");
  LiveSnapshots::add_options(opts, "the reverse commands");
}

int Debugger::configure(const po::variables_map& vm) {
  if (configured_) return -1;  // a re-run: the commands file reads on where it was
  configured_ = true;
  // Those runs are reproducible through their file; the in-memory log would be a second recorder.
  reversible_ = !vm.count("record") && !vm.count("replay");
  if (!tracing_supported()) {
    std::cerr << "wi debug: this wi was built without tracing support (meson -Dtracing=false)\n";
    return kExitUsage;
  }
  if (auto r = snapshots_.configure(vm); !r) {
    std::cerr << "wi debug: " << r.error().message << "\n";
    return kExitUsage;
  }
  if (reversible_) checkpoint_at_ = snapshots_.first_checkpoint();
  if (vm.count("commands")) {
    const std::string& file = vm["commands"].as<std::string>();
    commands_.open(file);
    if (!commands_) {
      std::cerr << "wi debug: cannot read commands from '" << file << "'\n";
      return kExitUsage;
    }
    return -1;
  }
  interactive_ = isatty(0) && isatty(1);
  return -1;
}

void Debugger::attach(Store& store, link::Linker* linker) {
  store_ = &store;
  linker_ = linker;
  store.tracer = this;
  if (replicas_.active()) {
    reset();
    running_ = true;
    entering_ = false;
    seen_instances_ = 0;
    carry_.give(watches_, store);  // none found yet (no instances): on_instr finds them
  }
}

Trap Debugger::done(Trap t) {
  if (!store_) return t;
  watches_.drop_hit();  // armed by an access that trapped: it never happened
  // A re-run that went past its scan (reverse from the end of the program) restarts once more.
  if (!replicas_.over() && rewind_.rerunning()) {
    if (rewind_.at_end() == Rewinder::Action::Restart) replicas_.abandon();
    else report_arrival({}, nullptr);  // going back to the end: the scan found nothing
  }
  if (replicas_.over()) return replica_over();
  finish(t);
  store_->tracer = nullptr;
  if (quitting_) return replicas_.active() ? replica_over() : Trap();  // the outcome does not matter
  running_ = false;
  command_loop();  // post-mortem, until quit or the end of the commands
  // The live run reports the program's outcome; a replica's end was said by on_finish already.
  if (replicas_.active()) return replica_over();
  return t;
}

bool Debugger::on_return(const TraceEvent& e) {
  if (rewind_.rerunning()) return true;
  if (mode_ == Mode::Finish && e.depth == depth_ && !finish_returned_) {
    finish_returned_ = true;
    const TraceInfo& ti = e.func->code->trace;
    say(fmt::format("return {} {}", names().qualified(e.func), names().locs_text(ti.in(e.point), e.point.n_in, e.fp)));
  }
  return true;
}

bool Debugger::on_instr(const Instr& i) {
  bool entering = entering_;
  entering_ = false;
  if (replicas_.active() && store_->instances().size() != seen_instances_) rebind();
  // A watchpoint hit by the previous instruction, which has run now: stop here, after it.
  std::optional<WatchHit> hit;
  if (!watches_.empty()) hit = watches_.take_hit(!rewind_.rerunning());
  Breakpoint* bp = breakpoint_at(i, entering);
  // A replica at the live run's step: the live run takes over from here (it has not run this
  // instruction yet; the replica must not, its host calls are not in the log).
  const bool frontier = replicas_.active() && i.step >= replicas_.frontier();
  if (rewind_.rerunning()) {
    ++rerun_steps_;
    switch (rewind_.on_instr(i.step, i.depth, hit || bp)) {
      case Rewinder::Action::Run: return arm_watches(i);
      case Rewinder::Action::Restart: return replicas_.active() ? abandon_replica() : restart_in_place();
      case Rewinder::Action::Stop: break;
    }
    cur_ = i;
    rerun_ms_ = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - rerun_started_).count();
    if (rewind_.falling_back()) return fall_back_to_replicas(i);
    report_arrival(hit, bp);
    if (frontier) return leave_replica(true);
  } else {
    bool stop = hit || bp || should_stop(i);
    if (!stop && !frontier) return arm_watches(i);
    cur_ = i;
    if (frontier) {
      if (hit) report_watch(*hit);
      if (bp) {
        ++bp->hits;
        say(fmt::format("breakpoint {}", bp->id));
      }
      return leave_replica(stop);
    }
    if (hit) report_watch(*hit);
    if (bp) {
      ++bp->hits;
      say(fmt::format("breakpoint {}", bp->id));
    }
  }
  say(location(i));
  if (!command_loop()) return false;
  return arm_watches(i);
}

// Armed after the commands: they may have changed the watchpoints or memory.
bool Debugger::arm_watches(const Instr& i) {
  if (going_back()) return true;  // `i` does not run: the run goes on from a snapshot
  if (!watches_.empty()) watches_.check(i.func, i.fp, *i.point);
  return true;
}

void Debugger::on_finish(const Trap& t) {
  if (quitting_) return;
  if (!t) {
    say(fmt::format("program finished after {} steps", step()));
  } else if (t.kind == TrapKind::Exit) {
    say(fmt::format("program exited with code {} after {} steps", t.exit_code, step()));
  } else {
    say(fmt::format("program trapped after {} steps: {}", step(), t.message.empty() ? trap_text(t.kind) : t.message));
    for (auto& l : t.backtrace) {
      std::string source = l.module ? source_position(*l.module, l.offset) : "";
      say(fmt::format("  at {} ({}+0x{:x}){}", escape_name(l.function), escape_name(l.module_file), l.offset,
                      source.empty() ? std::string() : fmt::format(" {}", escape_name(source))));
    }
    if (t.frames_omitted) say(fmt::format("  ... {} more frames", t.frames_omitted));
  }
}

bool Debugger::should_stop(const Instr& i) {
  switch (mode_) {
    case Mode::Start: return true;
    case Mode::Step: return i.step >= target_step_;
    case Mode::StepLine: {
      if (next_line_ && i.depth > depth_) return false;
      std::optional<LineKey> k = line_key(i.func, i.point->offset);
      return k && *k != line_start_;
    }
    case Mode::Next:
      if (i.depth > depth_) return false;
      if (--repeat_ > 0) {
        depth_ = i.depth;
        return false;
      }
      return true;
    case Mode::Finish: return finish_returned_ && i.depth <= depth_;
    case Mode::Continue: return target_step_ && i.step >= target_step_;
  }
  return false;
}

Breakpoint* Debugger::breakpoint_at(const Instr& i, bool entering) {
  for (Breakpoint& b : bps_) {
    if (b.is_func) {
      if (entering && fnmatch(b.where.c_str(), names().func_name(i.func).c_str(), 0) == 0) return &b;
      continue;
    }
    for (const Breakpoint::Site& site : b.sites)
      if (site.offset == i.point->offset && site.instance == i.func->instance) return &b;
  }
  return nullptr;
}

std::string Debugger::location(const Instr& i) {
  const TracePoint& p = *i.point;
  const Module& m = *i.func->instance->module;
  std::string src = TraceNames::source_text(m, p.offset);
  std::string s = fmt::format("#{} {}+0x{:x} {}{}: {}", i.step, names().module_name(i.func->instance), p.offset,
                              names().func_name(i.func), src.empty() ? std::string() : fmt::format(" ({})", src),
                              names().instruction_text(m, p.offset));
  if (p.n_in) {
    s += ' ';
    s += names().locs_text(i.func->code->trace.in(p), p.n_in, i.fp);
  }
  return s;
}

int cmd_debug(const std::vector<std::string>& args) {
  // `wi debug PROG --gdb PORT` hands the run to LLDB instead of the line debugger: the same GDB-remote
  // session as `wi exec --gdb` (the issue asked for both spellings), so there is one stub to keep right.
  if (gdb_requested(args)) return run_exec(args, *make_gdb_session(args, "wi debug"));
  Debugger d;
  d.set_args(args);
  return run_exec(args, d);
}

}  // namespace wi
