#include "bench/micro/common.h"
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <mutex>
#include "decoder/decoder.h"

#ifndef WI_BENCH_WASM_DIR
#define WI_BENCH_WASM_DIR "."
#endif

namespace wi::bench {

std::string wasm_dir() {
  if (const char* env = std::getenv("WI_BENCH_WASM_DIR"); env && *env) return env;
  return WI_BENCH_WASM_DIR;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<uint8_t> read_wasm(const std::string& name) { return read_file(wasm_dir() + "/" + name); }

std::shared_ptr<const CompiledModule> compiled(const std::string& name, std::string* error) {
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<const CompiledModule>> cache;
  std::lock_guard lock(mu);
  if (auto it = cache.find(name); it != cache.end()) return it->second;
  std::vector<uint8_t> bytes = read_wasm(name);
  if (bytes.empty()) {
    *error = "cannot read " + wasm_dir() + "/" + name + " (set WI_BENCH_WASM_DIR)";
    return nullptr;
  }
  CompileOptions opts;
  opts.file_name = name;
  auto r = compile_module(std::move(bytes), opts);
  if (!r.ok()) {
    *error = format_error(name, r.error());
    return nullptr;
  }
  std::shared_ptr<const CompiledModule> cm = std::move(r.value());
  cache.emplace(name, cm);
  return cm;
}

bool resolve_imports(Store& store, const Module& m, std::vector<ExternRef>& out, std::string* error) {
  out.clear();
  for (const auto& im : m.imports) {
    if (im.module == "env" && im.name == "host_inc" && im.kind == ExternKind::Func) {
      FuncType t{{ValType::I32}, {ValType::I32}};
      FuncInst* f = store.create_host_function(
          t,
          [](HostCall& c) {
            c.args[0].i64 = uint64_t(c.args[0].i32 + 1u);
            return true;
          },
          "host_inc");
      out.push_back(ExternRef{ExternKind::Func, f});
    } else if (im.module == "env" && im.name == "g" && im.kind == ExternKind::Global) {
      GlobalType gt;
      gt.type = ValType::I32;
      gt.mut = false;
      out.push_back(ExternRef{ExternKind::Global, store.create_global(gt, Value::make_i32(41))});
    } else {
      *error = "unexpected import " + im.module + "." + im.name;
      return false;
    }
  }
  return true;
}

FuncInst* Loaded::func(const char* export_name) const {
  const ExternRef* r = instance ? instance->find_export(export_name) : nullptr;
  return r && r->kind == ExternKind::Func ? static_cast<FuncInst*>(r->ptr) : nullptr;
}

Loaded load(const std::string& name) {
  Loaded l;
  auto cm = compiled(name, &l.error);
  if (!cm) return l;
  l.store = std::make_unique<Store>();
  std::vector<ExternRef> imports;
  if (!resolve_imports(*l.store, *cm->module, imports, &l.error)) return l;
  auto out = l.store->instantiate(cm, imports);
  if (out.link_error) {
    l.error = format_error(name, *out.link_error);
  } else if (out.trap) {
    l.error = name + ": trap during instantiation: " + out.trap.message;
  } else {
    l.instance = out.instance;
  }
  return l;
}

void report_code_size(benchmark::State& state, const CompiledModule& cm) {
  double bodies = 0, code = 0, maps = 0;
  for (const FunctionBody& b : cm.module->codes) bodies += double(b.end - b.code_start);
  for (const CompiledFunc& f : cm.funcs) {
    code += double(f.code.size() * sizeof(uint32_t));
    maps += double(f.offsets.byte_size() + f.handlers.size() * sizeof(CatchHandler));
  }
  if (bodies == 0) return;
  state.counters["code_x"] = code / bodies;
  state.counters["code_map_x"] = (code + maps) / bodies;
  // Throughput over the function bodies alone: bytes_per_second counts the whole module, whose
  // data, names and debug sections (most of CoreMark's file) cost next to nothing.
  state.counters["body_bytes_per_second"] =
      benchmark::Counter(bodies * double(state.iterations()), benchmark::Counter::kIsRate,
                         benchmark::Counter::OneK::kIs1024);  // as bytes_per_second
}

void compile_each_iteration(benchmark::State& state, const std::vector<uint8_t>& bytes, const char* what) {
  std::shared_ptr<CompiledModule> last;
  for (auto _ : state) {
    auto r = compile_module(bytes);
    if (!r.ok()) {
      state.SkipWithError(format_error(what, r.error()).c_str());
      return;
    }
    last = std::move(r.value());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(bytes.size()));
  report_code_size(state, *last);
}

}  // namespace wi::bench
