// `wi exec MODULE --gdb PORT` (and `wi debug MODULE --gdb PORT`, the same session): the GDB-remote stub
// LLDB's wasm process plugin debugs a wi program through (docs/debugging.md). The stub is the ExecSession of run_exec and the Store's tracer, like
// `wi debug`; it stops inside trace callbacks and serves the debugger's packets there.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include "host/trace_session.h"

namespace wi {

// `args`: the command line (wi exec's, or wi debug's handed over), which replicas of the program run
// again (reverse execution); `command` ("wi exec", "wi debug") names the command in the session's
// messages.
std::unique_ptr<ExecSession> make_gdb_session(const std::vector<std::string>& args, const char* command = "wi exec");

// Whether a command line asks for the stub: --gdb before "--" (after it, the words are the guest's).
bool gdb_requested(const std::vector<std::string>& args);

}  // namespace wi
