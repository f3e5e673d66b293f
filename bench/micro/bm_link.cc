// The dynamic linker's costs. Link: reaching _start for hello.wasm + libc.wasm (load, decode, patch,
// translate, instantiate, write data words), and the whole run of hello with its output discarded;
// translate: libc.wasm's decode+validate and full compile. PLT: ns per cross-module call through a
// bound PLT slot against call_indirect and a direct call in one module, and the cost of a lazy bind.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>
#include "bench/micro/common.h"
#include "decoder/decoder.h"
#include "host/program.h"

#ifndef WI_BENCH_HELLO
#error "WI_BENCH_HELLO, WI_BENCH_LIBC: paths of the built hello.wasm and libc.wasm (bench/meson.build)"
#endif

namespace wi::bench {
namespace {

ProgramOptions hello_options(int null_fd, bool lazy) {
  ProgramOptions o;
  o.runtime.wasi.args = {"hello.wasm", "one"};
  o.runtime.wasi.stdout_fd = null_fd;
  o.link.libs = {WI_BENCH_LIBC};
  o.link.compile.lazy = lazy;
  return o;
}

// Links hello.wasm + libc.wasm per iteration, then (with `run`) runs it to exit with output discarded.
void link_hello(benchmark::State& state, bool run) {
  int null_fd = ::open("/dev/null", O_WRONLY);
  for (auto _ : state) {
    Program p(hello_options(null_fd, state.range(0)));
    if (auto r = p.link(WI_BENCH_HELLO); !r) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
    if (Trap t = run ? p.run() : Trap{}; t && t.kind != TrapKind::Exit) {
      state.SkipWithError(t.message.c_str());
      break;
    }
  }
  ::close(null_fd);
}

void BM_Link_HelloLibc(benchmark::State& state) { link_hello(state, false); }
// Arg 1: lazy compilation (wi exec's default for linked programs); 0: everything at load (--eager).
BENCHMARK(BM_Link_HelloLibc)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

// Start-up to exit: link, constructors, main (printf, qsort, malloc), destructors.
void BM_Link_HelloLibcRun(benchmark::State& state) { link_hello(state, true); }
BENCHMARK(BM_Link_HelloLibcRun)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

void BM_Translate_LibcDecodeValidate(benchmark::State& state) {
  auto bytes = read_file(WI_BENCH_LIBC);
  for (auto _ : state) {
    auto r = decode_module(bytes, nullptr);
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      break;
    }
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
}
BENCHMARK(BM_Translate_LibcDecodeValidate)->Unit(benchmark::kMillisecond);

void BM_Translate_LibcCompile(benchmark::State& state) {
  compile_each_iteration(state, read_file(WI_BENCH_LIBC), "libc.wasm");
}
BENCHMARK(BM_Translate_LibcCompile)->Unit(benchmark::kMillisecond);

struct PltPair {
  std::unique_ptr<Program> program;
  bool ok = false;
  explicit PltPair(bool bind_now) {
    ProgramOptions o;
    o.link.libs = {wasm_dir() + "/plt_lib.wasm"};
    o.link.bind_now = bind_now;
    program = std::make_unique<Program>(o);
    ok = program->link(wasm_dir() + "/plt_main.wasm").ok();
  }
};

constexpr int64_t kCalls = 1 << 16;

void run_loop(benchmark::State& state, const char* fn, bool bind_now) {
  PltPair pair(bind_now);
  FuncInst* f = pair.ok ? pair.program->linker().find_function(fn) : nullptr;
  if (!f) {
    state.SkipWithError("plt_main.wasm/plt_lib.wasm did not link");
    return;
  }
  std::vector<Value> args{Value::make_i32(uint32_t(state.range(0)))}, results;
  for (auto _ : state) {
    if (Trap t = pair.program->store().call(f, args, results)) {
      state.SkipWithError(t.message.c_str());
      break;
    }
  }
  count_ops(state, state.range(0));
}

void BM_Calls_PltBound(benchmark::State& state) { run_loop(state, "loop_plt", true); }
void BM_Calls_PltLazyAfterFirst(benchmark::State& state) { run_loop(state, "loop_plt", false); }
void BM_Calls_SameModuleIndirect(benchmark::State& state) { run_loop(state, "loop_indirect", true); }
void BM_Calls_SameModuleDirect(benchmark::State& state) { run_loop(state, "loop_direct", true); }
BENCHMARK(BM_Calls_PltBound)->Arg(kCalls)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Calls_PltLazyAfterFirst)->Arg(kCalls)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Calls_SameModuleIndirect)->Arg(kCalls)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Calls_SameModuleDirect)->Arg(kCalls)->Unit(benchmark::kMicrosecond);

// A lazy bind: link the pair and make one cross-module call (the stub resolves, binds and forwards),
// minus BM_Link_PltPair's link alone.
void BM_Link_PltPair(benchmark::State& state) {
  for (auto _ : state) {
    PltPair pair(false);
    if (!pair.ok) state.SkipWithError("link failed");
  }
}
void BM_Link_PltPairFirstCall(benchmark::State& state) {
  std::vector<Value> args{Value::make_i32(1)}, results;
  for (auto _ : state) {
    PltPair pair(false);
    FuncInst* f = pair.ok ? pair.program->linker().find_function("loop_plt") : nullptr;
    if (!f || pair.program->store().call(f, args, results)) {
      state.SkipWithError("link or call failed");
      break;
    }
  }
}
BENCHMARK(BM_Link_PltPair)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Link_PltPairFirstCall)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace wi::bench
