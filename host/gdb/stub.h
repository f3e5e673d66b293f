// `wi exec MODULE --gdb PORT`: the GDB-remote stub LLDB's wasm process plugin debugs a wi program
// through (docs/debugging.md). The stub is the ExecSession of run_exec and the Store's tracer, like
// `wi debug`; it stops inside trace callbacks and serves the debugger's packets there.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include "host/trace_session.h"

namespace wi {

// `args`: wi exec's command line, which replicas of the program run again (reverse execution).
std::unique_ptr<ExecSession> make_gdb_session(const std::vector<std::string>& args);

}  // namespace wi
