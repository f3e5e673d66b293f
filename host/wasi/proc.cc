// proc_exit, proc_raise, sched_yield: the guest's control over its own process. Policy: proc_exit never
// exits the host process — it ends the guest with TrapKind::Exit carrying the status, and the embedder
// decides what that means (`wi exec` makes it its own exit status). Signals are not virtualized, so
// proc_raise is ENOSYS (as in wasmtime; the function is gone from later WASI versions).
#include <sched.h>
#include "host/wasi/context.h"

namespace wi::wasi {
namespace {

// Spec (proc_exit): "Terminate the process normally. An exit code of 0 indicates successful
// termination of the program." The function has no result: it does not return to the guest.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-proc_exitrval-exitcode
Ret proc_exit(Call& c) {
  c.hc.trap->exit_code = int(c.u32(0));
  c.hc.fail(TrapKind::Exit);
  return kTrapped;
}

// Spec (proc_raise): "Send a signal to the process of the calling thread." Not supported: delivering a
// host signal would act on the interpreter, and there is no guest signal model to emulate.
Ret proc_raise(Call&) { return abi::kNoSys; }

// Spec (sched_yield): "Temporarily yield execution of the calling thread."
Ret sched_yield(Call&) {
  ::sched_yield();
  return abi::kSuccess;
}

}  // namespace

void add_proc(std::vector<FuncSpec>& out) {
  out.push_back({"proc_exit", "i", false, proc_exit});
  out.push_back({"proc_raise", "i", true, proc_raise});
  out.push_back({"sched_yield", "", true, sched_yield});
}

}  // namespace wi::wasi
