// `wi exec --record FILE` and `--replay FILE`: one Session per run, sitting between the guest and
// every host function it imports (WasiConfig::interpose). Recording runs each call for real and
// writes an event with what came back; replaying checks each call against the next event and
// answers it from the recording without touching the host, except that it writes the recorded
// output to stdout/stderr again and runs dlopen (loading modules). Owns the run-level checks: the
// settings and module hashes of the header, the end of the run, and the divergence report.
// Two more modes serve `wi debug`'s reverse execution (docs/reverse.md), without files: the live run
// logs its calls in memory as it goes (in_memory), and each re-execution of the program's beginning
// answers its calls from that log (replica_of) without touching the host and without writing the
// output again: the live run printed it. A replica never goes past the log: the debugger hands the
// guest back to the live run, whose host state (clocks, fds, stdin) is where the log ends.
// Policy: nothing here is on the interpreter's hot path (only host calls pass through); errors are
// Result values and one-line messages, never exceptions.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "decoder/result.h"
#include "host/replay/effects.h"
#include "host/replay/recording.h"
#include "interp/store.h"

namespace wi {
namespace link {
class Linker;
}
namespace wasi {
class FdTable;
}

namespace replay {

using Settings = std::vector<std::pair<std::string, std::string>>;

class Session {
 public:
  // Record: opens (truncates) `path`. Replay: reads and checks the whole recording, then compares
  // `settings` with the recorded ones. Errors are one line, without the "wi: " prefix.
  static Result<std::unique_ptr<Session>> record(const std::string& path, Settings settings, ArgsEnv ae);
  static Result<std::unique_ptr<Session>> replay(const std::string& path, const Settings& settings);
  // The in-memory log of `wi debug`'s live run (no file, no header checks), and a replay of it for
  // one re-run (`log` must outlive it; it may grow meanwhile): see the top of this file.
  static std::unique_ptr<Session> in_memory();
  static std::unique_ptr<Session> replica_of(const Session& log);
  ~Session();

  bool replaying() const { return replaying_; }
  bool is_in_memory() const { return in_memory_; }
  // In memory: the guest's argv and environment for this run (args_get and environ_get write them).
  void set_args_env(ArgsEnv ae) { ae_ = std::move(ae); }
  // In memory: events logged so far (a replica: in its log).
  size_t logged() const { return events().size(); }
  // The live in-memory log (wi debug's snapshots, docs/reverse.md): how far the run has got in the log,
  // and going back to such a point: the calls after it are answered from the log, without touching
  // the host, until the run reaches the log's end, where it calls the host again (whose state is where
  // the log ends). Passthrough calls run for real either way: a snapshot is good only while none ran
  // since it was taken (passthrough_calls()).
  size_t cursor() const { return replaying_ ? next_ : events().size(); }
  void rewind_to(size_t cursor) {
    replaying_ = cursor < rec_.events.size();
    next_ = cursor;
  }
  uint64_t passthrough_calls() const { return passthrough_; }
  // Replay: the guest's argv and environment as recorded (the guest sees these, whatever is given).
  const ArgsEnv& recorded_args_env() const { return ae_; }

  // Wraps the host function `func` ("module.name") of type `type`.
  HostFunction interpose(std::string_view func, const FuncType& type, HostFunction real);

  // Where guest fds lead (record: whether a write went to stdout or stderr) and what a dlopen loaded.
  void set_fds(wasi::FdTable* fds) { fds_ = fds; }
  void set_linker(link::Linker* linker) { linker_ = linker; }

  // After the modules are loaded, before any guest code runs: hashes them; recording writes the
  // header, replaying compares (an error names the first module that differs).
  Result<void> begin(const std::vector<std::string>& module_files);
  // The run is over with exit status `status`: recording writes the end record; replaying checks
  // that the guest made every recorded call and ended the same way. Errors are ready to print.
  Result<void> end(int status);
  // Replay: the divergence that stopped the guest ("replay diverged at event N: ..."), or "".
  const std::string& divergence() const { return divergence_; }

 private:
  Session() = default;
  bool call(const std::string& func, const FuncType& type, const HostFunction& real, HostCall& hc);
  bool record_call(const std::string& func, const FuncType& type, const HostFunction& real, HostCall& hc,
                   std::vector<uint64_t> args, CallKind kind);
  bool replay_call(const std::string& func, const FuncType& type, const HostFunction& real, HostCall& hc,
                   const std::vector<uint64_t>& args, CallKind kind);
  bool diverge(HostCall& hc, std::string what);
  bool diverge_at(HostCall& hc, size_t index, std::string what);
  void emit(Event e);
  std::vector<ModuleHash> modules_loaded_since(size_t first) const;
  size_t modules_loaded() const;

  bool replaying_ = false;
  bool in_memory_ = false;
  const Recording* source_ = nullptr;  // replica_of: the live run's log
  const std::vector<Event>& events() const { return source_ ? source_->events : rec_.events; }
  std::string path_;
  ArgsEnv ae_;
  wasi::FdTable* fds_ = nullptr;
  link::Linker* linker_ = nullptr;
  bool begun_ = false;
  // Record
  Writer writer_;
  Settings settings_;
  std::vector<std::vector<Event>> nested_;  // events of calls made inside running dlopens
  // Replay (in memory: rec_.events is the log, next_ the cursor of this run)
  Recording rec_;
  size_t next_ = 0;
  std::string divergence_;
  uint64_t passthrough_ = 0;
};

// FNV-1a of a file's bytes; an error names the file.
Result<uint64_t> hash_file(const std::string& path);

}  // namespace replay
}  // namespace wi
