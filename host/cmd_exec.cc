// `wi exec MODULE [options] [-- ARGS...]`: run a command module's `_start` with WASI, or call one
// export (`--invoke NAME VALUES...`) and print its results one per line. A module carrying `dyninfo`
// or `dylink.0`, or any --lib/--preload, runs dynamically linked (host/program.h): libraries from
// --lib, --preload and `needed`, searched in --lib-path and WI_LIBRARY_PATH. Exit status: the guest's
// proc_exit code (0 when _start returns), 1 when the module cannot load or link, 2 for bad usage,
// 134 when the guest traps (like an abort; the trap and a backtrace go to stderr).
#include <algorithm>
#include <bit>
#include <charconv>
#include <cmath>
#include <sys/stat.h>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <boost/program_options.hpp>
#include "decoder/decoder.h"
#include "fmt/format.h"
#include "host/commands.h"
#include "host/gdb/stub.h"
#include "interp/code.h"
#include "decoder/dwarf_line.h"
#include "interp/store.h"
#include "host/program.h"
#include "host/replay/session.h"
#include "host/runtime.h"
#include "host/trace_session.h"
#include "linker/linker.h"

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
    std::string source = bt[i].module ? source_position(*bt[i].module, bt[i].offset) : "";
    std::cerr << fmt::format("  at {} ({}+0x{:x}){}{}\n", bt[i].function, bt[i].module_file, bt[i].offset,
                             source.empty() ? std::string() : fmt::format(" {}", source),
                             j - i > 1 ? fmt::format(" x{}", j - i) : "");
    ++lines;
    i = j;
  }
  if (size_t more = bt.size() - i + t.frames_omitted) std::cerr << fmt::format("  ... {} more frames\n", more);
}

}  // namespace

namespace {

// A whole number option in [min, max], digits only: Boost's lexical_cast would take "-1" for an
// unsigned option and wrap it to the largest value (turning --max-memory -1 into "no limit").
// Prints the usage error and returns false when the value is not one.
bool number_option(const po::variables_map& vm, const char* name, uint64_t min, uint64_t max, uint64_t& out) {
  if (!vm.count(name)) return true;
  const std::string& s = vm[name].as<std::string>();
  bool digits = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || !parse_int(s, out) || out < min || out > max) {
    std::cerr << fmt::format("wi exec: --{} {}: expected a whole number from {} to {}\n", name, s, min, max);
    return false;
  }
  return true;
}

// Splits HOST[::GUEST] (wasmtime's --dir syntax); the guest name defaults to the host path.
wasi::Preopen parse_dir(const std::string& spec) {
  auto sep = spec.find("::");
  if (sep == std::string::npos) return {spec, spec};
  return {spec.substr(0, sep), spec.substr(sep + 2)};
}

}  // namespace

namespace {

// A replay that diverged is reported once the run is over (Session::end), not as a trap.
int finish(const Trap& t, const replay::Session* rs) {
  if (!t) return kExitOk;
  if (t.kind == TrapKind::Exit) return t.exit_code;
  if (rs && !rs->divergence().empty()) return kExitFailure;
  print_trap(t);
  return kExitTrap;
}

std::vector<std::string> split_path_list(const char* s) {
  std::vector<std::string> out;
  if (!s) return out;
  std::string cur;
  for (const char* p = s;; ++p) {
    if (*p == ':' || !*p) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      if (!*p) break;
    } else {
      cur.push_back(*p);
    }
  }
  return out;
}

// A dynamically linked program: link, then run _start (or one --invoke'd function) after constructors.
int exec_linked(const po::variables_map& vm, const std::string& file, const RuntimeOptions& ro,
                const std::vector<std::string>& values, ExecSession& session, replay::Session* rs) {
  auto finish = [rs](const Trap& t) { return wi::finish(t, rs); };
  ProgramOptions opts;
  opts.runtime = ro;
  auto list = [&](const char* name) {
    return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
  };
  opts.link.libs = list("lib");
  opts.link.preload = list("preload");
  opts.link.lib_path = list("lib-path");
  for (auto& d : split_path_list(std::getenv("WI_LIBRARY_PATH"))) opts.link.lib_path.push_back(d);
  opts.link.bind_now = vm.count("bind-now") > 0;
  // Start-up costs what the program runs, not the size of libc (docs/linking.md).
  opts.link.compile.lazy = vm.count("eager") == 0;
  opts.link.compile.trace = session.active();
  uint64_t stack_size = opts.link.stack_size;
  if (!number_option(vm, "stack-size", 0, UINT32_MAX, stack_size)) return kExitUsage;
  opts.link.stack_size = uint32_t(stack_size);
  Program prog(opts);
  session.attach(prog.store(), &prog.linker());
  if (!prog.wasi().setup_errors().empty()) {
    for (auto& e : prog.wasi().setup_errors()) std::cerr << "wi exec: --dir " << e << "\n";
    return kExitUsage;
  }
  if (auto r = prog.link(file); !r) {
    std::cerr << "wi: " << r.error().message << "\n";
    return kExitFailure;
  }
  if (rs) {
    rs->set_fds(&prog.wasi().fds());
    rs->set_linker(&prog.linker());
    std::vector<std::string> modules;
    for (auto& f : prog.linker().loaded_files())
      if (!f.from_guest) modules.push_back(f.path);
    if (auto r = rs->begin(modules); !r) {
      std::cerr << "wi: " << r.error().message << "\n";
      return kExitFailure;
    }
  }
  if (vm.count("print-bindings")) {
    for (auto& b : prog.linker().bindings())
      std::cout << fmt::format("{}: {} {} -> {}\n", b.module, b.kind, b.symbol, b.target);
    return kExitOk;
  }
  if (!vm.count("invoke")) return finish(session.done(prog.run()));

  std::string entry = vm["invoke"].as<std::string>();
  FuncInst* f = prog.linker().find_function(entry);
  if (!f) {
    std::cerr << fmt::format("wi: no function \"{}\" in the linked program\n", entry);
    return kExitUsage;
  }
  const FuncType& type = *f->type;
  if (values.size() != type.params.size()) {
    std::cerr << fmt::format("wi: \"{}\" takes {} argument(s) {}, got {}\n", entry, type.params.size(),
                             to_string(type), values.size());
    return kExitUsage;
  }
  std::vector<Value> args, results;
  for (size_t i = 0; i < values.size(); ++i) {
    auto v = parse_arg(values[i], type.params[i]);
    if (!v) {
      std::cerr << fmt::format("wi: argument {} of \"{}\": '{}' is not a valid {}\n", i + 1, entry, values[i],
                               to_string(type.params[i]));
      return kExitUsage;
    }
    args.push_back(*v);
  }
  Trap t = prog.linker().run_constructors();
  if (!t) t = prog.store().call(f, args, results);
  if ((t = session.done(std::move(t)))) return finish(t);
  for (const Value& v : results) std::cout << format_result(v) << "\n";
  return kExitOk;
}

}  // namespace

namespace {
int run_configured(const po::variables_map& vm, const std::string& file, const std::vector<std::string>& values,
                   const RuntimeOptions& ro, ExecSession& session, replay::Session* rs);
}  // namespace

int cmd_exec(const std::vector<std::string>& all_args) {
  // --gdb PORT makes the run a debugging session (host/gdb/stub.h) instead of a traced one; the
  // guest's own arguments (after "--") do not count.
  auto session = gdb_requested(all_args) ? make_gdb_session(all_args) : make_trace_session();
  return run_exec(all_args, *session);
}

int run_exec(const std::vector<std::string>& all_args, ExecSession& session) {
  // Everything after "--" belongs to the guest, even words that look like options.
  std::vector<std::string> args, guest_args;
  auto dashdash = std::find(all_args.begin(), all_args.end(), "--");
  args.assign(all_args.begin(), dashdash);
  if (dashdash != all_args.end()) guest_args.assign(dashdash + 1, all_args.end());

  po::options_description opts("wi exec MODULE [options] [-- ARGS...]");
  opts.add_options()
      ("help,h", "show this help")
      ("invoke", po::value<std::string>(), "call this export (after _initialize, if any) and print its results")
      ("dir", po::value<std::vector<std::string>>(), "preopen HOST[::GUEST] directory (repeatable)")
      ("env", po::value<std::vector<std::string>>(), "set NAME=VALUE in the guest environment (repeatable)")
      ("max-memory", po::value<std::string>(), "cap each linear memory at BYTES")
      ("max-call-depth", po::value<std::string>(), "cap interpreter frames (default 10000, at most 1000000)")
      ("fuel", po::value<std::string>(), "budget in wasm instructions; running out is the trap \"fuel exhausted\"")
      ("deterministic", "virtual clocks, seeded randomness, no host timestamps or inode numbers")
      ("seed", po::value<std::string>(), "seed of random_get in --deterministic mode (default 0)")
      ("lib", po::value<std::vector<std::string>>(), "load this shared library (repeatable)")
      ("preload", po::value<std::vector<std::string>>(), "load this library first, to interpose on the others (repeatable)")
      ("lib-path", po::value<std::vector<std::string>>(), "search DIR for needed libraries (repeatable; then WI_LIBRARY_PATH)")
      ("bind-now", "bind every cross-module call at load; an unresolved symbol fails the load")
      ("print-bindings", "print where every symbol each module uses is bound, and exit")
      ("stack-size", po::value<std::string>(), "bytes of shadow stack for linked programs (default 1 MiB)")
      ("eager", "linked programs: validate and translate every function at load, not on its first call")
      ("record", po::value<std::string>(), "write everything the guest receives from the host to FILE (docs/record-replay.md)")
      ("replay", po::value<std::string>(), "rerun a recorded run from FILE, without the host's files, stdin, clocks or randomness")
      ("module", po::value<std::string>(), "the .wasm file")
      ("values", po::value<std::vector<std::string>>(), "arguments of --invoke");
  session.add_options(opts);
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
  const std::string file = vm["module"].as<std::string>();
  std::vector<std::string> values;
  if (vm.count("values")) values = vm["values"].as<std::vector<std::string>>();
  if (!vm.count("invoke") && !values.empty()) {
    std::cerr << "wi exec: guest arguments go after \"--\" (or use --invoke NAME VALUES...)\n";
    return kExitUsage;
  }

  // A module that is not there is bad usage (exit 2), like a misspelt option; one that cannot be
  // loaded is a load error (exit 1).
  if (struct stat st; ::stat(file.c_str(), &st) != 0) {
    std::string why = std::strerror(errno);
    why[0] = char(std::tolower(static_cast<unsigned char>(why[0])));
    std::cerr << fmt::format("wi exec: {}: {}\n", file, why);
    return kExitUsage;
  }

  RuntimeOptions ro;
  uint64_t max_memory = UINT64_MAX, call_depth = ro.limits.max_call_depth, fuel = 0, seed = 0;
  // Frames beyond a million cannot be used anyway (the value stack holds 2^20 slots) and would cost
  // their bookkeeping up front.
  constexpr uint64_t kMaxCallDepth = 1'000'000;
  if (!number_option(vm, "max-memory", 0, UINT64_MAX, max_memory) ||
      !number_option(vm, "max-call-depth", 1, kMaxCallDepth, call_depth) ||
      !number_option(vm, "fuel", 0, INT64_MAX, fuel) || !number_option(vm, "seed", 0, UINT64_MAX, seed))
    return kExitUsage;
  if (vm.count("max-memory")) ro.limits.max_memory_pages = max_memory / kPageSize;
  ro.limits.max_call_depth = uint32_t(call_depth);
  if (vm.count("fuel")) ro.fuel = int64_t(fuel);
  if (int status = session.configure(vm); status >= 0) return status;
  if (vm.count("record") && vm.count("replay")) {
    std::cerr << "wi exec: --record and --replay exclude each other\n";
    return kExitUsage;
  }
  const bool recording = vm.count("record") > 0, replaying = vm.count("replay") > 0;
  // Traces are reproducible: a traced run gets virtual clocks, unless a recording makes it so.
  ro.wasi.deterministic = vm.count("deterministic") > 0 || (session.active() && !recording && !replaying);
  if (vm.count("seed")) ro.wasi.seed = seed;
  ro.wasi.args.push_back(file);
  ro.wasi.args.insert(ro.wasi.args.end(), guest_args.begin(), guest_args.end());
  if (vm.count("env")) {
    for (auto& e : vm["env"].as<std::vector<std::string>>()) {
      // The name is not empty and holds no '=' (POSIX environment names); the value may hold anything.
      if (e.find('=') == std::string::npos || e.front() == '=') {
        std::cerr << fmt::format("wi exec: --env {}: expected NAME=VALUE\n", e);
        return kExitUsage;
      }
      ro.wasi.env.push_back(e);
    }
  }
  // A replay opens no directory: every WASI call is answered from the recording.
  if (vm.count("dir") && !replaying)
    for (auto& d : vm["dir"].as<std::vector<std::string>>()) ro.wasi.preopens.push_back(parse_dir(d));

  std::unique_ptr<replay::Session> rs;
  if (recording || replaying) {
    // What changes the guest's behaviour; a replay must be given the same (docs/record-replay.md).
    auto opt = [&](const char* name) { return vm.count(name) ? vm[name].as<std::string>() : std::string(); };
    auto flag = [&](const char* name) { return std::string(vm.count(name) ? "yes" : ""); };
    auto joined = [](const std::vector<std::string>& v) {
      std::string out;
      for (size_t i = 0; i < v.size(); ++i) out += (i ? std::string(1, '\0') : std::string()) + v[i];
      return out;
    };
    replay::Settings settings = {
        {"invoke", opt("invoke")}, {"values", joined(values)}, {"fuel", opt("fuel")},
        {"max-memory", opt("max-memory")}, {"max-call-depth", opt("max-call-depth")},
        {"deterministic", flag("deterministic")}, {"seed", opt("seed")}, {"stack-size", opt("stack-size")},
        {"bind-now", flag("bind-now")}, {"guest-args", joined(guest_args)}, {"env", joined(ro.wasi.env)}};
    auto made = recording ? replay::Session::record(vm["record"].as<std::string>(), settings,
                                                    replay::ArgsEnv{ro.wasi.args, ro.wasi.env})
                          : replay::Session::replay(vm["replay"].as<std::string>(), settings);
    if (!made) {
      std::cerr << "wi: " << made.error().message << "\n";
      return recording ? kExitUsage : kExitFailure;
    }
    rs = std::move(made.value());
    ro.wasi.interpose = [s = rs.get()](std::string_view func, const FuncType& type, HostFunction fn) {
      return s->interpose(func, type, std::move(fn));
    };
  }
  replay::Session* log = rs.get();
  if (!log && (log = session.host_log())) {
    // The session's own log (wi debug): every run of the same command goes through it.
    log->set_args_env(replay::ArgsEnv{ro.wasi.args, ro.wasi.env});
    ro.wasi.interpose = [log](std::string_view func, const FuncType& type, HostFunction fn) {
      return log->interpose(func, type, std::move(fn));
    };
  }
  int status = run_configured(vm, file, values, ro, session, log);
  if (log) {
    if (auto r = log->end(status); !r) {
      std::cerr << "wi: " << r.error().message << "\n";
      return kExitFailure;
    }
  }
  return status;
}

namespace {

int run_configured(const po::variables_map& vm, const std::string& file, const std::vector<std::string>& values,
                   const RuntimeOptions& ro, ExecSession& session, replay::Session* rs) {
  auto finish = [rs](const Trap& t) { return wi::finish(t, rs); };
  bool linked = vm.count("lib") || vm.count("preload") || vm.count("lib-path") || vm.count("bind-now") ||
                vm.count("print-bindings") || link::is_linkable_module(file);
  if (linked) return exec_linked(vm, file, ro, values, session, rs);

  Runtime rt(ro);
  if (!rt.wasi().setup_errors().empty()) {
    for (auto& e : rt.wasi().setup_errors()) std::cerr << "wi exec: --dir " << e << "\n";
    return kExitUsage;
  }
  auto loaded = session.active() ? load_traced_module(file, ro.fuel.has_value()) : rt.load(file);
  if (!loaded) {
    std::cerr << "wi: " << loaded.error().message << "\n";
    return kExitFailure;
  }
  std::shared_ptr<const CompiledModule> cm = loaded.value();
  const Module& m = *cm->module;
  if (rs) {
    rs->set_fds(&rt.wasi().fds());
    if (auto r = rs->begin({file}); !r) {
      std::cerr << "wi: " << r.error().message << "\n";
      return kExitFailure;
    }
  }

  // Check the export and the arguments before running anything (the start function included).
  std::vector<Value> call_args;
  std::string entry = "_start";
  if (vm.count("invoke")) {
    entry = vm["invoke"].as<std::string>();
    const Export* ex = nullptr;
    for (auto& e : m.exports)
      if (e.name == entry) ex = &e;
    if (!ex || ex->kind != ExternKind::Func) {
      std::cerr << fmt::format("wi: {}: no exported function \"{}\"\n", file, entry);
      return kExitUsage;
    }
    const FuncType& type = m.func_type(ex->index);
    if (values.size() != type.params.size()) {
      std::cerr << fmt::format("wi: \"{}\" takes {} argument(s) {}, got {}\n", entry, type.params.size(),
                               to_string(type), values.size());
      return kExitUsage;
    }
    for (size_t i = 0; i < values.size(); ++i) {
      auto v = parse_arg(values[i], type.params[i]);
      if (!v) {
        std::cerr << fmt::format("wi: argument {} of \"{}\": '{}' is not a valid {}\n", i + 1, entry,
                                 values[i], to_string(type.params[i]));
        return kExitUsage;
      }
      call_args.push_back(*v);
    }
  }

  session.attach(rt.store(), nullptr);
  InstantiateOutcome inst = rt.instantiate(cm);
  if (inst.link_error) {
    std::cerr << "wi: " << inst.link_error->message << "\n";
    return kExitFailure;
  }
  if (inst.trap) return finish(session.done(inst.trap));

  std::vector<Value> results;
  if (vm.count("invoke")) {
    // A reactor is initialized before any of its exports is called.
    if (inst.instance->find_export("_initialize")) {
      if (Trap t = rt.call(inst.instance, "_initialize", {}, results)) return finish(session.done(t));
    }
    if (Trap t = rt.call(inst.instance, entry, call_args, results)) return finish(session.done(t));
    // The session may still end it otherwise (wi debug's replicas end quietly, with exit status 0).
    if (Trap t = session.done({})) return finish(t);
    for (const Value& v : results) std::cout << format_result(v) << "\n";
    return kExitOk;
  }
  if (!inst.instance->find_export("_start")) {
    std::cerr << fmt::format("wi: {}: no _start export to run (use --invoke NAME)\n", file);
    return kExitUsage;
  }
  if (Trap t = rt.call(inst.instance, "_start", {}, results)) return finish(session.done(t));
  return finish(session.done({}));
}

}  // namespace

}  // namespace wi
