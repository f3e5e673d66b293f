// Translation throughput (bytes of module per second) at three depths: decode only (bodies skipped by a
// no-op delegate), decode + validate (null delegate), and the full compile_module (validate + translate).
// The generated module is dense synthetic code (nearly every instruction one or two bytes); CoreMark
// (../shared/peers, with its static wasi-libc) is compiled C, as libc.wasm is in bm_link.cc.
#include <benchmark/benchmark.h>
#include <map>
#include "bench/micro/common.h"
#include "bench/micro/module_gen.h"
#include "decoder/decoder.h"

namespace wi::bench {
namespace {

const std::vector<uint8_t>& generated(uint32_t functions) {
  static std::map<uint32_t, std::vector<uint8_t>> cache;
  auto it = cache.find(functions);
  if (it == cache.end()) it = cache.emplace(functions, generate_module({functions, 1})).first;
  return it->second;
}

struct SkipBodies : CodeDelegate {
  Result<void> on_function(const Module&, uint32_t, const FunctionBody&) override { return {}; }
};

void report(benchmark::State& state, const std::vector<uint8_t>& bytes, uint32_t functions) {
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
  state.counters["module_KiB"] = double(bytes.size()) / 1024.0;
  state.counters["per_func"] = benchmark::Counter(double(state.iterations()) * functions,
                                                  benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_Translate_DecodeOnly(benchmark::State& state) {
  uint32_t n = uint32_t(state.range(0));
  const auto& bytes = generated(n);
  SkipBodies skip;
  for (auto _ : state) {
    auto r = decode_module(bytes, &skip);
    if (!r.ok()) {
      state.SkipWithError(format_error("generated", r.error()).c_str());
      break;
    }
    benchmark::DoNotOptimize(r.value());
  }
  report(state, bytes, n);
}
BENCHMARK(BM_Translate_DecodeOnly)->Arg(2000)->Unit(benchmark::kMillisecond);

void BM_Translate_DecodeValidate(benchmark::State& state) {
  uint32_t n = uint32_t(state.range(0));
  const auto& bytes = generated(n);
  for (auto _ : state) {
    auto r = decode_module(bytes, nullptr);
    if (!r.ok()) {
      state.SkipWithError(format_error("generated", r.error()).c_str());
      break;
    }
    benchmark::DoNotOptimize(r.value());
  }
  report(state, bytes, n);
}
BENCHMARK(BM_Translate_DecodeValidate)->Arg(2000)->Unit(benchmark::kMillisecond);

// The byte vector is copied into compile_module each iteration (it takes ownership); the copy is a
// small part of the time and is what an embedder that keeps its bytes pays too.
void BM_Translate_Compile(benchmark::State& state) {
  uint32_t n = uint32_t(state.range(0));
  const auto& bytes = generated(n);
  compile_each_iteration(state, bytes, "generated");
  report(state, bytes, n);
}
BENCHMARK(BM_Translate_Compile)->Arg(100)->Arg(2000)->Unit(benchmark::kMillisecond);

#ifdef WI_BENCH_COREMARK
void BM_Translate_CoreMarkCompile(benchmark::State& state) {
  std::vector<uint8_t> bytes = read_file(WI_BENCH_COREMARK);
  if (bytes.empty()) {
    state.SkipWithError("no " WI_BENCH_COREMARK " (../shared/peers): skipped");
    return;
  }
  compile_each_iteration(state, bytes, "coremark.wasm");
}
BENCHMARK(BM_Translate_CoreMarkCompile)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
}  // namespace wi::bench
