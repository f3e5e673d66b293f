// `wi debug`'s Debugger, declared once for the files that implement it, each with one job:
// host/cmd_debug.cc — the entry point and when to stop: the ExecSession and TraceCore hooks, stepping
//   modes, breakpoints hit, what a stop prints;
// host/debug_commands.cc — reading and parsing commands, and setting breakpoints;
// host/debug_inspect.cc — commands that look at the stopped guest (backtrace, locals, print, x, info)
//   and watchpoints;
// host/debug_reverse.cc — reverse commands: snapshots of the live run, and the glue between the
//   debugger and host/rewind.h's replicas.
// Policy: internal to the `wi` executable (only those files include it); the debugger runs on the traced
// translation only (docs/trace.md), never on the untraced path; no exceptions.
#pragma once
#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>
#include "host/commands.h"
#include "interp/snapshot.h"
#include "host/live_snapshots.h"
#include "host/rewind.h"
#include "host/trace_core.h"
#include "host/trace_session.h"
#include "host/watch.h"
#include "linker/linker.h"

namespace wi {

namespace po = boost::program_options;

struct Breakpoint {
  uint32_t id = 0;
  std::string where;  // as the user can give it again: FUNC (a glob), MODULE+0xOFF or FILE:LINE
  bool is_func = false;
  struct Site {
    const Instance* instance;
    uint32_t offset;  // of an instruction
  };
  std::vector<Site> sites;  // else: the instructions it stops before
  // The sites' modules by name: a re-run of the program (reverse commands) has new instances, found
  // again by name (a site's instance is null until its module is loaded in the new run).
  std::vector<std::string> site_modules;
  uint64_t hits = 0;
};

// Identifies a source line for `step line`: the module, the file's entry in its line table, the line.
struct LineKey {
  const Module* module = nullptr;
  const char* file = nullptr;
  uint32_t line = 0;
  bool operator==(const LineKey&) const = default;
};

// A number as the user typed it (decimal, 0x hex, 0 octal); none when it is not one or negative.
std::optional<uint64_t> parse_number(const std::string& s);

class Debugger : public TraceCore, public ExecSession {
 public:
  // ---- ExecSession ----
  void add_options(po::options_description& opts) override;
  int configure(const po::variables_map& vm) override;
  bool active() const override { return true; }
  void attach(Store& store, link::Linker* linker) override;
  Trap done(Trap t) override;
  replay::Session* host_log() override {
    if (replicas_.active()) return replicas_.log();
    return reversible_ ? rewind_.log() : nullptr;
  }
  void set_args(std::vector<std::string> args) { args_ = std::move(args); }

 private:
  enum class Mode { Start, Step, StepLine, Next, Finish, Continue };

  // ---- TraceCore ----
  bool on_enter(const TraceEvent&) override {
    entering_ = true;
    return true;
  }
  bool on_return(const TraceEvent& e) override;
  bool on_instr(const Instr& i) override;
  bool arm_watches(const Instr& i);
  void on_checkpoint(const TraceEvent& e) override;
  void on_finish(const Trap& t) override;

  // Stopping (cmd_debug.cc)
  bool should_stop(const Instr& i);
  Breakpoint* breakpoint_at(const Instr& i, bool entering);

  // ---- output ----
  void say(const std::string& s) { std::cout << s << "\n"; }
  std::string location(const Instr& i);

  // ---- commands ----
  bool read_command(std::string& line);
  // Reads and runs commands until one resumes the guest (true) or quits (false).
  bool command_loop();
  void quit();

  static constexpr int kStay = 0, kResume = 1, kQuit = 2, kRestart = 3;

  int run_command(const std::string& cmd, const std::vector<std::string>& args);

  // ---- reverse execution (host/rewind.h) ----
  int reverse(const std::string& cmd, const std::vector<std::string>& args);
  int run_replicas();
  // Goes back in the live store from a snapshot (the Rewinder has the plan); false when none can
  // serve it (then replicas do).
  // `or_origin`: LiveSnapshots::go_back's.
  bool go_back_in_place(bool or_origin = false);
  // A re-run in place asked for a restart (Rewinder::Action::Restart): the next snapshot back, or
  // back where the command was given for replicas to take over.
  bool restart_in_place();
  // In place, no snapshot went back far enough, and the run is back where the command was given:
  // replicas carry the command out (Rewinder::fall_back_to_origin).
  bool fall_back_to_replicas(const Instr& i);
  void snapshot_info();
  bool leave_replica(bool stop);
  bool abandon_replica();
  void stop_guest(const char* why);
  void stop_debugging_store();
  Trap replica_over();
  void rebind();
  void report_arrival(const std::optional<WatchHit>& hit, const Breakpoint* bp);

  // ---- breakpoints ----
  void add_breakpoint(const std::string& spec);
  bool add_line_sites(Breakpoint& b, const std::string& file, uint32_t line);
  const Instance* find_instance(const std::string& name);
  struct NamedSite {
    uint32_t offset;  // an instruction's
    std::string function;
  };
  std::optional<NamedSite> instruction_at(const Instance& inst, uint32_t offset);
  std::optional<LineKey> line_key(const FuncInst* f, uint32_t offset);

  // ---- inspection ----
  void backtrace();
  void locals();
  void stack();
  Memory* memory();
  std::optional<uint32_t> data_symbol(const std::string& name);
  void print(const std::string& name);
  void examine(const std::string& cmd, const std::vector<std::string>& args);

  // ---- watchpoints ----
  void add_watch(const std::string& cmd, const std::vector<std::string>& args);
  void unwatch(const std::vector<std::string>& args);
  void report_watch(const WatchHit& h);
  void info(const std::vector<std::string>& args);

  Store* store_ = nullptr;
  link::Linker* linker_ = nullptr;
  bool configured_ = false;
  bool reversible_ = true;
  Rewinder rewind_;
  std::vector<std::string> args_;  // wi debug's arguments: each replica runs the same command
  Replicas replicas_;
  WatchCarry carry_;               // watchpoints between the live run's store and the replicas'
  size_t seen_instances_ = 0;      // a replica's instances when breakpoints were last bound
  // Snapshots of the live run (debug_reverse.cc): reverse commands go back in the live store.
  LiveSnapshots snapshots_;
  uint64_t rerun_steps_ = 0;       // instructions re-executed by the last reverse command
  std::string rerun_from_;         // where from: "the start (replica)" or "snapshot at step N"
  std::chrono::steady_clock::time_point rerun_started_;  // when it was given
  double rerun_ms_ = 0;            // how long it took to arrive
  std::ifstream commands_;  // --commands FILE: the commands, leaving stdin to the guest
  bool interactive_ = false;
  bool running_ = true;
  bool quitting_ = false;
  bool entering_ = false;
  Mode mode_ = Mode::Start;
  uint64_t target_step_ = 0;
  size_t depth_ = 0;
  uint64_t repeat_ = 0;
  bool finish_returned_ = false;
  bool next_line_ = false;  // StepLine: like next (calls run to completion)
  LineKey line_start_;      // StepLine: the line being left
  Instr cur_;
  std::vector<Breakpoint> bps_;
  WatchList watches_;
  uint32_t next_bp_id_ = 1;
};

}  // namespace wi
