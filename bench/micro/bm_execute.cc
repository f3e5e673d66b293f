// Execution: each benchmark iteration is one Store::call of an exec.wasm loop running `n` iterations;
// per_op is the time per loop iteration (Execute_Baseline is the bare counted loop).
#include <benchmark/benchmark.h>
#include "bench/micro/common.h"

namespace wi::bench {
namespace {

constexpr int64_t kLoopIterations = 1 << 16;

void run_loop(benchmark::State& state, const char* module, const char* export_name) {
  Loaded l = load(module);
  FuncInst* f = l.func(export_name);
  if (!f) {
    state.SkipWithError(l.ok() ? "missing export" : l.error.c_str());
    return;
  }
  int64_t n = state.range(0);
  std::vector<Value> args{Value::make_i32(uint32_t(n))}, results;
  for (auto _ : state) {
    Trap t = l.store->call(f, args, results);
    if (t) {
      state.SkipWithError(t.message.c_str());
      break;
    }
    benchmark::DoNotOptimize(results.data());
  }
  count_ops(state, n);
}

#define WI_EXEC_BENCH(name, export_name)                                                   \
  void BM_Execute_##name(benchmark::State& state) { run_loop(state, "exec.wasm", export_name); } \
  BENCHMARK(BM_Execute_##name)->Arg(kLoopIterations)->Unit(benchmark::kMicrosecond)

WI_EXEC_BENCH(Baseline, "baseline");
WI_EXEC_BENCH(IntLoop, "int_loop");
WI_EXEC_BENCH(MemLoop, "mem_loop");
WI_EXEC_BENCH(BrTable, "br_table");
WI_EXEC_BENCH(F64Loop, "f64_loop");

}  // namespace

// Shared with bm_calls.cc.
void run_call_loop(benchmark::State& state, const char* export_name) { run_loop(state, "calls.wasm", export_name); }

}  // namespace wi::bench
