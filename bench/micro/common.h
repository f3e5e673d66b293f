// Helpers shared by the micro-benchmarks: locating the .wasm files built from bench/micro/*.wat,
// compiling and instantiating them with the host imports they use, and per-operation counters.
#pragma once
#include <benchmark/benchmark.h>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "interp/code.h"
#include "interp/store.h"

namespace wi::bench {

// Directory of the .wasm files: $WI_BENCH_WASM_DIR, else the build directory meson compiled in
// (WI_BENCH_WASM_DIR), else the current directory.
std::string wasm_dir();

// Reads `<wasm_dir>/<name>`; empty when missing (callers skip with an error).
std::vector<uint8_t> read_wasm(const std::string& name);
// The bytes of the file at `path`; empty when it cannot be read.
std::vector<uint8_t> read_file(const std::string& path);

// Compiles a module from bench/micro once per process; null (and a message in `error`) on failure.
std::shared_ptr<const CompiledModule> compiled(const std::string& name, std::string* error);

// The host imports the micro modules may ask for: env.host_inc (i32) -> i32 returning x + 1, and the
// immutable global env.g = 41. False (with `error`) for any other import.
bool resolve_imports(Store& store, const Module& m, std::vector<ExternRef>& out, std::string* error);

// A store holding one instance of `name`. `ok()` is false (with `error`) when anything failed.
struct Loaded {
  std::unique_ptr<Store> store;
  Instance* instance = nullptr;
  std::string error;
  bool ok() const { return instance != nullptr; }
  FuncInst* func(const char* export_name) const;
};
Loaded load(const std::string& name);

// Reports `ops_per_iteration` operations per benchmark iteration as items/s and as time per operation
// (the counter "per_op", printed like "2.51ns").
inline void count_ops(benchmark::State& state, int64_t ops_per_iteration) {
  int64_t ops = int64_t(state.iterations()) * ops_per_iteration;
  state.SetItemsProcessed(ops);
  state.counters["per_op"] =
      benchmark::Counter(double(ops), benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Reports the size of the translated code against the function bodies it came from (issue 13's
// "translated code <= 4x the size of the function bodies"): counter "code_x" is the register code's
// bytes over the bodies' bytes, "code_map_x" the same with the wasm-offset map
// (interp/offset_map.h) and the catch handlers added.
void report_code_size(benchmark::State& state, const CompiledModule& cm);

// compile_module of `bytes` once per iteration (a failure ends the benchmark with an error naming
// `what`); the bytes processed and the code size of the last compile are reported.
void compile_each_iteration(benchmark::State& state, const std::vector<uint8_t>& bytes, const char* what);

}  // namespace wi::bench
