// The embedding API: what the `wi` command is built on, and what an embedder uses to run wasm.
//
//   wi::Runtime rt({.wasi = {.args = {"prog"}}});
//   auto mod = rt.load("prog.wasm");                 // read, decode, validate, translate
//   rt.define_host("env", "log", type, fn);          // host functions importable by name
//   auto inst = rt.instantiate(*mod);                // imports: host defs, WASI, registered modules
//   wi::Trap t = rt.call(inst.instance, "add", args, results);
//
// Policy: nothing throws; load and link problems come back as Error values with the module's file
// name in the message, guest traps as Trap values (with a backtrace). One Runtime is one store: any
// number may coexist in a process.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>
#include "decoder/result.h"
#include "host/wasi/wasi.h"
#include "interp/code.h"
#include "interp/store.h"

namespace wi {

struct RuntimeOptions {
  StoreLimits limits;
  // Translate every module with fuel metering and give the store this budget (wasm instructions).
  std::optional<int64_t> fuel;
  // WASI preview1 for modules importing wasi_snapshot_preview1.
  wasi::WasiConfig wasi;
};

class Runtime {
 public:
  explicit Runtime(RuntimeOptions options = {});
  ~Runtime();

  Store& store() { return store_; }
  wasi::WasiContext& wasi() { return wasi_; }

  // Reads and compiles a module; errors read "<file>: 0x<offset>: <message>".
  Result<std::shared_ptr<const CompiledModule>> load(const std::string& path);
  Result<std::shared_ptr<const CompiledModule>> load_bytes(std::vector<uint8_t> bytes, const std::string& name);

  // Makes `fn` importable as module.name by modules instantiated afterwards.
  void define_host(const std::string& module, const std::string& name, const FuncType& type, HostFunction fn);
  // Makes an instance's exports importable under `module_name`.
  void register_instance(const std::string& module_name, Instance* inst);

  // Resolves every import (host definitions, registered instances, then WASI) and instantiates.
  // An unresolved import is a link error naming it.
  InstantiateOutcome instantiate(std::shared_ptr<const CompiledModule> module);

  // Calls an exported function by name; a missing export or wrong arguments is a Host trap.
  Trap call(Instance* inst, std::string_view export_name, std::span<const Value> args,
            std::vector<Value>& results);

 private:
  RuntimeOptions options_;
  Store store_;
  wasi::WasiContext wasi_;
  std::map<std::pair<std::string, std::string>, ExternRef> defined_;
};

}  // namespace wi
