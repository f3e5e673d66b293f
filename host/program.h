// A dynamically linked program with its host: one Store, one WASI context, the runtime linker, and
// the host APIs guests reach through imports (WASI preview1, `thinthin`, POSIX <dlfcn.h>). What
// `wi exec prog.wasm --lib libc.wasm` runs, and what an embedder uses for the same.
//
//   wi::Program p({.runtime = {.wasi = {.args = {"prog"}}}, .link = {.libs = {"libc.wasm"}}});
//   if (auto r = p.link("prog.wasm"); !r) ...;   // one-line error naming the module
//   wi::Trap t = p.run();                         // constructors, _start, destructors
//
// Policy: host/ owns every ABI the guest sees; the linker (linker/) knows only modules and symbols
// and asks this class for any function it does not define itself.
#pragma once
#include <memory>
#include <string>
#include "host/runtime.h"
#include "linker/linker.h"

namespace wi {

struct ProgramOptions {
  RuntimeOptions runtime;
  link::LinkOptions link;
};

// State the dl host APIs share: the last error dlerror() reports.
struct DlState;

class Program {
 public:
  explicit Program(ProgramOptions options);
  ~Program();

  Result<void> link(const std::string& main_path);
  // Constructors (dependencies first), the entry, then destructors. An Exit trap carries the code.
  Trap run();

  link::Linker& linker() { return *linker_; }
  wasi::WasiContext& wasi() { return wasi_; }
  Store& store() { return store_; }

  // For host APIs: a guest path opened through the WASI preopens (the sandbox) with open(2) `flags`,
  // as a host descriptor the caller owns, or why it cannot be opened (`err` gets the WASI errno).
  Result<int> open_guest_path(const std::string& guest_path, int flags = 0, unsigned mode = 0,
                              uint16_t* err = nullptr);

 private:
  FuncInst* host_import(std::string_view module, std::string_view name, const FuncType& type);

  ProgramOptions options_;
  Store store_;
  wasi::WasiContext wasi_;
  std::unique_ptr<DlState> dl_;
  std::unique_ptr<link::Linker> linker_;
  std::map<std::string, FuncInst*, std::less<>> host_funcs_;
};

}  // namespace wi
