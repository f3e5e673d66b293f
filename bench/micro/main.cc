// wi_micro: Google Benchmark micro-benchmarks of the embedding API.
//   translate   decode / validate / translate throughput on a generated 2000-function module
//   instantiate Store creation and instantiation
//   execute     loops of integer, memory, br_table and f64 work (per_op = ns per loop iteration)
//   calls       direct, call_indirect (one / cycling / random targets), host and embedder calls
// The .wasm inputs come from bench/micro/*.wat (wat2wasm at build time); set WI_BENCH_WASM_DIR to run
// the binary against another directory.
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
