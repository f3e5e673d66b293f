// Tracing and debugging attached to a `wi exec` run. cmd_exec.cc asks an ExecSession for its extra
// options, whether to translate with CompileOptions::trace, and hands it the Store before any guest
// code runs and the outcome when the guest is done. `wi exec --trace` uses the trace session of
// trace_exec.cc; `wi debug` (cmd_debug.cc) runs the same command with its debugger as the session.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include <boost/program_options.hpp>
#include "decoder/result.h"
#include "interp/code.h"
#include "interp/store.h"

namespace wi {
namespace link {
class Linker;
}
namespace replay {
class Session;
}

class ExecSession {
 public:
  virtual ~ExecSession() = default;
  virtual void add_options(boost::program_options::options_description& opts) = 0;
  // After option parsing: -1 to go on, else the exit status to stop with (a usage error, reported).
  virtual int configure(const boost::program_options::variables_map& vm) = 0;
  // Whether modules are translated with CompileOptions::trace (the run is then --deterministic).
  virtual bool active() const = 0;
  // Before any guest code runs; `linker` is null for a module run without the dynamic linker.
  virtual void attach(Store& store, link::Linker* linker) = 0;
  // The guest is done (`t` empty: it returned). Returns the outcome wi exec reports.
  virtual Trap done(Trap t) = 0;
  // A log of host calls the session keeps across runs (Session::in_memory, for wi debug's reverse
  // execution), used when neither --record nor --replay is given; null: none.
  virtual replay::Session* host_log() { return nullptr; }
};

// `--trace[=FILE]`, `--trace-format`, `--trace-funcs`, `--trace-from`, `--trace-limit`,
// `--trace-calls-only` (docs/trace.md).
std::unique_ptr<ExecSession> make_trace_session();

// `wi exec ARGS` with `session` (wi exec itself passes make_trace_session()'s).
int run_exec(const std::vector<std::string>& args, ExecSession& session);

// Reads and compiles a module for a traced run of a single module (Runtime::load compiles untraced).
Result<std::shared_ptr<const CompiledModule>> load_traced_module(const std::string& path, bool meter_fuel);

// Whether this wi was built with tracing support (meson option `tracing`).
bool tracing_supported();

}  // namespace wi
