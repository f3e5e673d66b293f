// `wi exec --trace[=FILE]`: the text trace (one line per executed wasm instruction and per call, return,
// host call, PLT bind, trap and exit) and `--trace-format=chrome` (function spans as Chrome trace-event
// JSON). The formats are specified in docs/trace.md; keep the two in step.
#include <fnmatch.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include "decoder/decoder.h"
#include "decoder/file.h"
#include "fmt/format.h"
#include "host/commands.h"
#include "host/trace_core.h"
#include "host/trace_session.h"
#include "interp/op_profile.h"

namespace po = boost::program_options;

namespace wi {

bool tracing_supported() {
#ifdef WI_NO_TRACING
  return false;
#else
  return true;
#endif
}

Result<std::shared_ptr<const CompiledModule>> load_traced_module(const std::string& path, bool meter_fuel) {
  auto read = read_module_file(path);
  if (!read) return make_error(SIZE_MAX, fmt::format("{}: {}", path, read.error().message));
  std::vector<uint8_t> bytes = std::move(*read);
  CompileOptions co;
  co.file_name = path;
  co.meter_fuel = meter_fuel;
  co.trace = true;
  auto r = compile_module(std::move(bytes), co);
  if (!r) return make_error(SIZE_MAX, format_error(path, r.error()));
  return std::shared_ptr<const CompiledModule>(std::move(r.value()));
}

namespace {

struct TraceFilter {
  std::string funcs;            // glob on function names; empty: all
  uint64_t from = 0;            // first step shown
  uint64_t limit = UINT64_MAX;  // lines written at most
  bool calls_only = false;
};

// Matches function names against --trace-funcs once per function.
class FuncMatcher {
 public:
  explicit FuncMatcher(std::string glob) : glob_(std::move(glob)) {}
  bool operator()(TraceNames& names, const FuncInst* f) {
    if (glob_.empty()) return true;
    if (!f) return false;
    auto [it, fresh] = cache_.try_emplace(f, false);
    if (fresh) it->second = fnmatch(glob_.c_str(), names.func_name(f).c_str(), 0) == 0;
    return it->second;
  }

 private:
  std::string glob_;
  std::unordered_map<const FuncInst*, bool> cache_;  // looked up, never iterated
};

class TextTracer : public TraceCore {
 public:
  TextTracer(FILE* out, TraceFilter f) : out_(out), filter_(std::move(f)), match_(filter_.funcs) {}

 private:
  bool want() const { return step() >= filter_.from && lines_ < filter_.limit; }
  void line(const std::string& s) {
    if (lines_ >= filter_.limit) return;
    std::fwrite(s.data(), 1, s.size(), out_);
    std::fputc('\n', out_);
    ++lines_;
  }
  const FuncInst* caller_of(size_t depth) const {
    return depth > 0 && depth - 1 < frames().size() ? frames()[depth - 1].func : nullptr;
  }
  std::string location(const FuncInst* f, uint32_t offset) {
    return fmt::format("{}+0x{:x} {}", names().module_name(f->instance), offset, names().func_name(f));
  }

  bool on_enter(const TraceEvent& e) override {
    if (!want() || !(match_(names(), e.func) || match_(names(), caller_of(e.depth)))) return true;
    const TraceInfo& ti = e.func->code->trace;
    std::string args = "[";
    for (size_t k = 0; k < e.func->type->params.size(); ++k) {
      if (k) args += ' ';
      args += names().value_text(ti.local_types[k], e.fp + ti.local_slots[k]);
    }
    line(fmt::format("{} call {} {}]", step(), names().qualified(e.func), args));
    return true;
  }
  bool on_instr(const Instr& i) override {
    if (filter_.calls_only || !want() || !match_(names(), i.func)) return true;
    const TraceInfo& ti = i.func->code->trace;
    const TracePoint& p = *i.point;
    std::string s = fmt::format("{} {}: {}", i.step, location(i.func, p.offset),
                                names().instruction_text(*i.func->instance->module, p.offset));
    if (i.is_call) {
      line(s + " " + names().locs_text(ti.in(p), p.n_in, i.fp));
      return true;
    }
    if (p.n_in || p.n_out) s += " " + names().locs_text(ti.in(p), p.n_in, i.fp);
    pending_ = std::move(s);
    return true;
  }
  void on_instr_done(const Instr& i, bool results_valid) override {
    if (pending_.empty()) return;
    const TracePoint& p = *i.point;
    if ((p.n_in || p.n_out) && results_valid)
      pending_ += " -> " + names().locs_text(i.func->code->trace.out(p), p.n_out, i.fp);
    line(pending_);
    pending_.clear();
  }
  bool on_return(const TraceEvent& e) override {
    if (!want() || !(match_(names(), e.func) || match_(names(), caller_of(e.depth)))) return true;
    const TraceInfo& ti = e.func->code->trace;
    line(fmt::format("{} return {} {}", step(), names().qualified(e.func),
                     names().locs_text(ti.in(e.point), e.point.n_in, e.fp)));
    return true;
  }
  void on_host_call(const HostCall& h) override {
    if (!want() || !match_(names(), h.caller)) return;
    const TraceInfo& ti = h.caller->code->trace;
    line(fmt::format("{} host-call {} {}", step(), names().func_name(h.callee),
                     !h.args_text.empty() ? h.args_text
                                          : names().locs_text(ti.in(*h.point), h.point->n_in - (is_indirect(h) ? 1 : 0), h.fp)));
    std::fflush(out_);  // what the host function writes comes after its host-call line
  }
  void on_host_return(const HostCall& h, bool results_valid) override {
    if (!results_valid || !want() || !match_(names(), h.caller)) return;
    const TraceInfo& ti = h.caller->code->trace;
    line(fmt::format("{} host-return {} {}", step(), names().func_name(h.callee),
                     names().locs_text(ti.out(*h.point), h.point->n_out, h.fp)));
  }
  void on_bind(const FuncInst* caller, const std::string& symbol, const FuncInst* target) override {
    if (!want() || !match_(names(), caller)) return;
    line(fmt::format("{} bind {} {} -> {}", step(), names().module_name(caller->instance), escape_name(symbol),
                     target ? names().qualified(target) : "unresolved"));
  }
  void on_finish(const Trap& t) override {
    if (!t) return;
    if (t.kind == TrapKind::Exit) {
      line(fmt::format("{} exit {}", step(), t.exit_code));
      return;
    }
    std::string msg = t.message.empty() ? trap_text(t.kind) : t.message;
    if (t.backtrace.empty()) {
      line(fmt::format("{} trap: {}", step(), msg));
    } else {
      const FrameLocation& l = t.backtrace.front();
      line(fmt::format("{} trap {}+0x{:x} {}: {}", step(), escape_name(l.module_file), l.offset,
                       escape_name(l.function), msg));
    }
  }
  static bool is_indirect(const HostCall& h) {
    return h.caller->instance->module->bytes[h.point->offset] == 0x11;
  }

  FILE* out_;
  TraceFilter filter_;
  FuncMatcher match_;
  uint64_t lines_ = 0;
  std::string pending_;
};

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

// Function-level spans (and host calls) as Chrome trace-event JSON; ts is the step count, so one
// "microsecond" is one wasm instruction.
class ChromeTracer : public TraceCore {
 public:
  ChromeTracer(FILE* out, TraceFilter f) : out_(out), match_(f.funcs) {
    std::fputs("{\"displayTimeUnit\":\"ns\",\"otherData\":{\"clock\":\"wasm instructions executed\"},\n"
               "\"traceEvents\":[\n"
               "{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":1,\"tid\":1,\"args\":{\"name\":\"wi\"}}",
               out_);
  }

 private:
  void begin(const std::string& name, const std::string& cat, bool shown) {
    open_.push_back(shown);
    if (!shown) return;
    std::fputs(fmt::format(",\n{{\"name\":{},\"cat\":{},\"ph\":\"B\",\"ts\":{},\"pid\":1,\"tid\":1}}", json_string(name),
                           json_string(cat), step())
                   .c_str(),
               out_);
  }
  void end() {
    if (open_.empty()) return;
    bool shown = open_.back();
    open_.pop_back();
    if (shown) std::fputs(fmt::format(",\n{{\"ph\":\"E\",\"ts\":{},\"pid\":1,\"tid\":1}}", step()).c_str(), out_);
  }
  bool on_enter(const TraceEvent& e) override {
    begin(names().func_name(e.func), names().module_name(e.func->instance), match_(names(), e.func));
    return true;
  }
  bool on_return(const TraceEvent&) override {
    end();
    return true;
  }
  void on_unwind(const Frame&, size_t) override { end(); }
  void on_host_call(const HostCall& h) override {
    begin(names().func_name(h.callee), "host", match_(names(), h.caller));
  }
  void on_host_return(const HostCall&, bool) override { end(); }
  void on_finish(const Trap&) override {
    while (!open_.empty()) end();
    std::fputs("\n]}\n", out_);
  }

  FILE* out_;
  FuncMatcher match_;
  std::vector<bool> open_;  // spans begun, innermost last; false when filtered out
};

class TraceSession : public ExecSession {
 public:
  ~TraceSession() override { close(); }

  void add_options(po::options_description& opts) override {
    opts.add_options()
        ("trace", po::value<std::string>()->implicit_value(""),
         "trace every executed wasm instruction, call and return to FILE (--trace alone: stderr; "
         "--trace=-: stdout); implies --deterministic unless --record/--replay")
        ("trace-format", po::value<std::string>(), "text (default), or chrome: function spans as Chrome trace-event JSON")
        ("trace-funcs", po::value<std::string>(), "trace only functions whose name matches GLOB (calls and returns: either side)")
        ("trace-from", po::value<uint64_t>(), "trace from step STEP on (steps count executed wasm instructions from 1)")
        ("trace-limit", po::value<uint64_t>(), "write at most N trace lines")
        ("trace-calls-only", "trace only calls, returns, host calls, binds, traps and exits")
        ("profile-ops", po::value<std::string>()->implicit_value(""),
         "count executed register ops and adjacent pairs, report the most frequent to FILE (alone: "
         "stderr); needs a wi built with -Dprofile_ops=true")
        ("profile-top", po::value<uint64_t>(), "how many ops and pairs --profile-ops reports (default 60)")
        // Listed here for --help; cmd_exec runs the debugging session (host/gdb/stub.h) when it is given.
        ("gdb", po::value<std::string>(),
         "serve a GDB-remote debugger (lldb) on 127.0.0.1:PORT, stopped before the first instruction "
         "(0: any free port, printed on stderr; docs/debugging.md)");
  }

  int configure(const po::variables_map& vm) override {
    if (int status = configure_profile(vm); status >= 0) return status;
    for (const char* o : {"trace-format", "trace-funcs", "trace-from", "trace-limit", "trace-calls-only"}) {
      if (vm.count(o) && !vm.count("trace")) {
        std::cerr << "wi exec: --" << o << " needs --trace\n";
        return kExitUsage;
      }
    }
    if (!vm.count("trace")) return -1;
    if (!tracing_supported()) {
      std::cerr << "wi exec: --trace: this wi was built without tracing support (meson -Dtracing=false)\n";
      return kExitUsage;
    }
    TraceFilter f;
    if (vm.count("trace-funcs")) f.funcs = vm["trace-funcs"].as<std::string>();
    if (vm.count("trace-from")) f.from = vm["trace-from"].as<uint64_t>();
    if (vm.count("trace-limit")) f.limit = vm["trace-limit"].as<uint64_t>();
    f.calls_only = vm.count("trace-calls-only") > 0;
    std::string format = vm.count("trace-format") ? vm["trace-format"].as<std::string>() : "text";
    if (format != "text" && format != "chrome") {
      std::cerr << "wi exec: --trace-format: '" << format << "' is neither text nor chrome\n";
      return kExitUsage;
    }
    std::string path = vm["trace"].as<std::string>();
    if (path.empty()) {
      out_ = stderr;
    } else if (path == "-") {
      out_ = stdout;
    } else {
      out_ = std::fopen(path.c_str(), "w");
      if (!out_) {
        std::cerr << "wi exec: --trace " << path << ": " << std::strerror(errno) << "\n";
        return kExitUsage;
      }
      owned_ = true;
    }
    if (out_ != stdout) std::setvbuf(out_, nullptr, _IOFBF, 1 << 16);
    if (format == "chrome") tracer_ = std::make_unique<ChromeTracer>(out_, f);
    else tracer_ = std::make_unique<TextTracer>(out_, f);
    return -1;
  }

  bool active() const override { return tracer_ != nullptr; }

  void attach(Store& store, link::Linker*) override {
    if (profile_) store.op_profile = profile_.get();
    if (!tracer_) return;
    store_ = &store;
    store.tracer = tracer_.get();
  }

  Trap done(Trap t) override {
    report_profile();
    if (tracer_ && store_) {
      tracer_->finish(t);
      store_->tracer = nullptr;
      store_ = nullptr;
    }
    close();
    return t;
  }

 private:
  void close() {
    if (!out_) return;
    std::fflush(out_);
    if (owned_) std::fclose(out_);
    out_ = nullptr;
  }

  // --profile-ops: counts the untraced run's dispatches (traced code has no fused ops to judge).
  int configure_profile(const po::variables_map& vm) {
    if (vm.count("profile-top") && !vm.count("profile-ops")) {
      std::cerr << "wi exec: --profile-top needs --profile-ops\n";
      return kExitUsage;
    }
    if (!vm.count("profile-ops")) return -1;
    if (!op_profile_built()) {
      std::cerr << "wi exec: --profile-ops: this wi was built without op counting (meson -Dprofile_ops=true)\n";
      return kExitUsage;
    }
    if (vm.count("trace") || vm.count("gdb")) {
      std::cerr << "wi exec: --profile-ops counts untraced code: it cannot go with --trace or --gdb\n";
      return kExitUsage;
    }
    profile_path_ = vm["profile-ops"].as<std::string>();
    if (vm.count("profile-top")) profile_top_ = vm["profile-top"].as<uint64_t>();
    profile_ = std::make_unique<OpProfile>();
    return -1;
  }
  void report_profile() {
    if (!profile_) return;
    if (profile_path_.empty()) {
      profile_->report(std::cerr, profile_top_);
    } else if (std::ofstream f(profile_path_); f) {
      profile_->report(f, profile_top_);
    } else {
      std::cerr << "wi exec: --profile-ops " << profile_path_ << ": " << std::strerror(errno) << "\n";
    }
    profile_.reset();
  }

  std::unique_ptr<OpProfile> profile_;
  std::string profile_path_;
  uint64_t profile_top_ = 60;
  std::unique_ptr<TraceCore> tracer_;
  Store* store_ = nullptr;
  FILE* out_ = nullptr;
  bool owned_ = false;
};

}  // namespace

std::unique_ptr<ExecSession> make_trace_session() { return std::make_unique<TraceSession>(); }

}  // namespace wi
