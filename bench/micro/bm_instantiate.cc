// Instantiation: an empty Store (allocates the value and frame stacks), and a fresh Store plus one
// instance of a small complete module (imports, memory + data, table + elements, globals, start) or of
// the generated 2000-function module.
#include <benchmark/benchmark.h>
#include "bench/micro/common.h"
#include "bench/micro/module_gen.h"

namespace wi::bench {
namespace {

void BM_Instantiate_StoreOnly(benchmark::State& state) {
  for (auto _ : state) {
    Store store;
    benchmark::DoNotOptimize(&store);
  }
}
BENCHMARK(BM_Instantiate_StoreOnly)->Unit(benchmark::kMicrosecond);

void instantiate_loop(benchmark::State& state, const std::shared_ptr<const CompiledModule>& cm) {
  std::string error;
  for (auto _ : state) {
    Store store;
    std::vector<ExternRef> imports;
    if (!resolve_imports(store, *cm->module, imports, &error)) {
      state.SkipWithError(error.c_str());
      break;
    }
    auto out = store.instantiate(cm, imports);
    if (!out.instance || out.link_error || out.trap) {
      state.SkipWithError("instantiation failed");
      break;
    }
    benchmark::DoNotOptimize(out.instance);
  }
}

void BM_Instantiate_Small(benchmark::State& state) {
  std::string error;
  auto cm = compiled("instantiate.wasm", &error);
  if (!cm) {
    state.SkipWithError(error.c_str());
    return;
  }
  instantiate_loop(state, cm);
}
BENCHMARK(BM_Instantiate_Small)->Unit(benchmark::kMicrosecond);

void BM_Instantiate_Generated(benchmark::State& state) {
  static std::shared_ptr<const CompiledModule> cm = [] {
    auto r = compile_module(generate_module({2000, 1}));
    return r.ok() ? std::shared_ptr<const CompiledModule>(std::move(r.value())) : nullptr;
  }();
  if (!cm) {
    state.SkipWithError("generated module failed to compile");
    return;
  }
  instantiate_loop(state, cm);
}
BENCHMARK(BM_Instantiate_Generated)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wi::bench
