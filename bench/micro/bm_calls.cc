// Call overhead: calls.wasm loops making `n` calls of a one-instruction callee (per_op = time per call
// including the loop; Calls_Baseline does the callee's work inline), plus the embedder's entry cost:
// one Store::call from C++ per iteration.
#include <benchmark/benchmark.h>
#include "bench/micro/common.h"

namespace wi::bench {

void run_call_loop(benchmark::State& state, const char* export_name);  // bm_execute.cc

namespace {

constexpr int64_t kCalls = 1 << 16;

#define WI_CALL_BENCH(name, export_name)                                                \
  void BM_Calls_##name(benchmark::State& state) { run_call_loop(state, export_name); } \
  BENCHMARK(BM_Calls_##name)->Arg(kCalls)->Unit(benchmark::kMicrosecond)

WI_CALL_BENCH(Baseline, "baseline");
WI_CALL_BENCH(Direct, "direct");
WI_CALL_BENCH(Direct4Args, "direct_4args");
WI_CALL_BENCH(IndirectMono, "indirect_mono");
WI_CALL_BENCH(IndirectCycle4, "indirect_cycle4");
WI_CALL_BENCH(IndirectRandom8, "indirect_random8");
WI_CALL_BENCH(Host, "host");

// Store::call from the embedder into a wasm function (argument marshalling, frame setup, results).
void BM_Calls_FromEmbedder(benchmark::State& state) {
  Loaded l = load("calls.wasm");
  FuncInst* f = l.func("leaf");
  if (!f) {
    state.SkipWithError(l.ok() ? "missing export" : l.error.c_str());
    return;
  }
  std::vector<Value> args{Value::make_i32(1)}, results;
  for (auto _ : state) {
    Trap t = l.store->call(f, args, results);
    if (t) {
      state.SkipWithError(t.message.c_str());
      break;
    }
    benchmark::DoNotOptimize(results.data());
  }
  count_ops(state, 1);
}
BENCHMARK(BM_Calls_FromEmbedder);

}  // namespace
}  // namespace wi::bench
