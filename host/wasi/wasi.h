// Public API of the WASI preview1 host (`wasi_snapshot_preview1`): configure a guest's view of the world
// (arguments, environment, preopened directories, stdio, determinism) and resolve a module's imports to
// host functions. Owns nothing of the interpreter; it only creates host functions in a Store.
// Policy: a guest reaches the host only through this context: files only beneath its preopens, clocks
// and randomness virtualized when `deterministic` is set. Bad guest pointers give EFAULT, never a crash.
// Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "interp/store.h"

namespace wi::wasi {

class FdTable;
struct Ctx;

struct Preopen {
  std::string host_path;   // directory on the host
  std::string guest_path;  // the name the guest sees (fd_prestat_dir_name), e.g. "/sandbox" or "."
};

struct WasiConfig {
  std::vector<std::string> args;  // argv, args[0] included
  std::vector<std::string> env;   // "KEY=VALUE" strings
  std::vector<Preopen> preopens;  // become guest fds 3, 4, ... in order
  // Deterministic mode: clocks are virtual (they start at fixed values and advance a fixed step per
  // read; poll_oneoff advances them instead of sleeping), random_get is a PRNG stream seeded by `seed`,
  // and filestat reports no host inode numbers, devices or timestamps.
  bool deterministic = false;
  uint64_t seed = 0;
  // Host descriptors lent to the guest as its fds 0, 1, 2 (never closed by the context); -1: none.
  int stdin_fd = 0, stdout_fd = 1, stderr_fd = 2;
  // When set, every host function the guest can import passes through it once, when created:
  // interpose("module.name", type, fn) returns the function the guest calls instead (record and
  // replay, host/replay/). Program applies it to its thinthin and dl functions too.
  std::function<HostFunction(std::string_view func, const FuncType& type, HostFunction fn)> interpose;
};

class WasiContext {
 public:
  explicit WasiContext(WasiConfig config);
  ~WasiContext();
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  // Creates host functions for every preview1 import in `store` (lazily, once per store) and returns
  // the one named `name` when `module` is "wasi_snapshot_preview1", else nullptr. The functions refer
  // to this context, which must outlive every call into them.
  FuncInst* resolve(Store& store, std::string_view module, std::string_view name);

  // Preopens that could not be opened (host path missing, not a directory): "host_path: reason".
  // They are skipped, so the guest's fd numbers shift; embedders should report these and stop.
  const std::vector<std::string>& setup_errors() const;

  // The descriptor table every host API shares.
  FdTable& fds();

  static constexpr std::string_view kModuleName = "wasi_snapshot_preview1";

 private:
  std::unique_ptr<Ctx> ctx_;
  std::vector<std::pair<Store*, std::map<std::string, FuncInst*, std::less<>>>> per_store_;
};

}  // namespace wi::wasi
