// `wi exec MODULE --invoke NAME [VALUES...]`: instantiate a module that needs no imports, call one
// export with arguments parsed from the command line, print the results one per line.
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <boost/program_options.hpp>
#include "decoder/decoder.h"
#include "fmt/format.h"
#include "host/commands.h"
#include "interp/code.h"
#include "interp/store.h"

namespace po = boost::program_options;

namespace wi {
namespace {

// Program_options would read "-5" or "-inf" as an option; make such tokens positional values.
std::vector<po::option> negative_numbers(std::vector<std::string>& args) {
  std::vector<po::option> out;
  const std::string& a = args.front();
  bool numeric = a.size() > 1 && a[0] == '-' &&
                 (std::isdigit(static_cast<unsigned char>(a[1])) || a[1] == '.' || a.starts_with("-inf") ||
                  a.starts_with("-nan") || a.starts_with("-INF") || a.starts_with("-NAN"));
  if (!numeric) return out;
  po::option o;
  o.value.push_back(a);
  o.original_tokens.push_back(a);
  out.push_back(std::move(o));
  args.erase(args.begin());
  return out;
}

template <class T>
bool parse_int(const std::string& s, T& out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && !s.empty();
}

// Integers accept both the signed and the unsigned range of their width.
std::optional<Value> parse_arg(const std::string& s, ValType t) {
  switch (t) {
    case ValType::I32:
    case ValType::I64: {
      uint64_t bits;
      if (s[0] == '-') {
        int64_t v;
        if (!parse_int(s, v) || (t == ValType::I32 && v < INT32_MIN)) return std::nullopt;
        bits = uint64_t(v);
      } else if (!parse_int(s, bits) || (t == ValType::I32 && bits > UINT32_MAX)) {
        return std::nullopt;
      }
      return t == ValType::I32 ? Value::make_i32(uint32_t(bits)) : Value::make_i64(bits);
    }
    case ValType::F32: {
      char* end = nullptr;
      float f = std::strtof(s.c_str(), &end);
      if (s.empty() || *end) return std::nullopt;
      return Value::make_f32_bits(std::bit_cast<uint32_t>(f));
    }
    case ValType::F64: {
      char* end = nullptr;
      double d = std::strtod(s.c_str(), &end);
      if (s.empty() || *end) return std::nullopt;
      return Value::make_f64_bits(std::bit_cast<uint64_t>(d));
    }
    default:
      return std::nullopt;
  }
}

std::string format_result(const Value& v) {
  switch (v.type) {
    case ValType::I32: return fmt::format("i32:{}", int32_t(v.i32));
    case ValType::I64: return fmt::format("i64:{}", int64_t(v.i64));
    case ValType::F32: return fmt::format("f32:{}", v.f32);
    case ValType::F64: return fmt::format("f64:{}", v.f64);
    case ValType::V128: {
      std::string s = "v128:0x";
      for (int i = 15; i >= 0; --i) s += fmt::format("{:02x}", v.v128[i]);
      return s;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (!v.ref) return fmt::format("{}:null", to_string(v.type));
      return fmt::format("{}:{}", to_string(v.type), v.ref);
    default: return to_string(v.type);
  }
}

// Deep recursion gives thousands of identical frames: print runs once with a count, and cap the rest.
void print_trap(const Trap& t) {
  std::cerr << "wi: trap: " << (t.message.empty() ? trap_text(t.kind) : t.message) << "\n";
  constexpr size_t kMaxLines = 20;
  size_t lines = 0, i = 0;
  const auto& bt = t.backtrace;
  while (i < bt.size() && lines < kMaxLines) {
    size_t j = i + 1;
    while (j < bt.size() && bt[j].function == bt[i].function && bt[j].offset == bt[i].offset &&
           bt[j].module_file == bt[i].module_file)
      ++j;
    std::cerr << fmt::format("  at {} ({}:0x{:x}){}\n", bt[i].function, bt[i].module_file, bt[i].offset,
                             j - i > 1 ? fmt::format(" x{}", j - i) : "");
    ++lines;
    i = j;
  }
  if (i < bt.size()) std::cerr << fmt::format("  ... {} more frames\n", bt.size() - i);
}

}  // namespace

int cmd_exec(const std::vector<std::string>& args) {
  po::options_description opts("wi exec MODULE --invoke NAME [VALUES...]");
  opts.add_options()
      ("help,h", "show this help")
      ("invoke", po::value<std::string>(), "exported function to call")
      ("module", po::value<std::string>(), "the .wasm file")
      ("values", po::value<std::vector<std::string>>(), "arguments: integers in decimal, floats as strtod reads them");
  po::positional_options_description pos;
  pos.add("module", 1).add("values", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(opts).positional(pos).extra_style_parser(negative_numbers).run(), vm);
  if (vm.count("help")) {
    std::cout << opts;
    return kExitOk;
  }
  if (!vm.count("module")) {
    std::cerr << "wi exec: missing MODULE\n";
    return kExitUsage;
  }
  if (!vm.count("invoke")) {
    std::cerr << "wi exec: missing --invoke NAME (running _start comes with WASI)\n";
    return kExitUsage;
  }
  const std::string file = vm["module"].as<std::string>();
  const std::string name = vm["invoke"].as<std::string>();
  std::vector<std::string> values;
  if (vm.count("values")) values = vm["values"].as<std::vector<std::string>>();

  std::vector<uint8_t> bytes;
  if (!read_file(file, bytes)) return kExitUsage;
  auto compiled = compile_module(std::move(bytes), CompileOptions{file});
  if (!compiled.ok()) {
    std::cerr << "wi: " << format_error(file, compiled.error()) << "\n";
    return kExitFailure;
  }
  std::shared_ptr<CompiledModule> cm = std::move(compiled.value());
  const Module& m = *cm->module;
  if (!m.imports.empty()) {
    std::cerr << fmt::format("wi: unresolved import {}.{} (WASI comes later)\n", m.imports[0].module,
                             m.imports[0].name);
    return kExitFailure;
  }
  // Check the export and the arguments before running anything (the start function included).
  const Export* ex = nullptr;
  for (auto& e : m.exports)
    if (e.name == name) ex = &e;
  if (!ex || ex->kind != ExternKind::Func) {
    std::cerr << fmt::format("wi: {}: no exported function \"{}\"\n", file, name);
    return kExitUsage;
  }
  const FuncType& type = m.func_type(ex->index);
  if (values.size() != type.params.size()) {
    std::cerr << fmt::format("wi: \"{}\" takes {} argument(s) {}, got {}\n", name, type.params.size(),
                             to_string(type), values.size());
    return kExitUsage;
  }
  std::vector<Value> call_args;
  for (size_t i = 0; i < values.size(); ++i) {
    auto v = parse_arg(values[i], type.params[i]);
    if (!v) {
      std::cerr << fmt::format("wi: argument {} of \"{}\": '{}' is not a valid {}\n", i + 1, name,
                               values[i], to_string(type.params[i]));
      return kExitUsage;
    }
    call_args.push_back(*v);
  }

  Store store;
  InstantiateOutcome inst = store.instantiate(cm, {});
  if (inst.link_error) {
    std::cerr << "wi: " << format_error(file, *inst.link_error) << "\n";
    return kExitFailure;
  }
  if (inst.trap) {
    if (inst.trap.kind == TrapKind::Exit) return inst.trap.exit_code;
    print_trap(inst.trap);
    return kExitFailure;
  }
  const ExternRef* ref = inst.instance->find_export(name);
  std::vector<Value> results;
  Trap trap = store.call(static_cast<FuncInst*>(ref->ptr), call_args, results);
  if (trap) {
    if (trap.kind == TrapKind::Exit) return trap.exit_code;
    print_trap(trap);
    return kExitFailure;
  }
  for (const Value& v : results) std::cout << format_result(v) << "\n";
  return kExitOk;
}

}  // namespace wi
