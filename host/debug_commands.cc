// `wi debug`'s command line: reading commands (libedit on a terminal, else one per line, echoed, from
// stdin or --commands FILE), parsing them into stepping modes or actions (run_command), and setting
// breakpoints (by function glob, MODULE+0xOFF or FILE:LINE through DWARF line info).
// Policy: a command that cannot run says why and leaves the guest where it is (kStay); only stepping
// and continuing commands resume it. Bad input never throws: numbers go through parse_number.
#include <fnmatch.h>
#include <unistd.h>
#include <cstdlib>
#include <sstream>
#include "decoder/dwarf_line.h"
#include "decoder/instruction.h"
#include "fmt/format.h"
#include "host/debugger.h"
#ifdef WI_HAVE_LIBEDIT
#include <editline/readline.h>
#endif

namespace wi {

namespace {

const char* kHelp =
    "step [N]              run N wasm instructions (default 1), into calls\n"
    "next [N]              like step, but run calls to completion\n"
    "step line             run to the next source line (DWARF line info), into calls\n"
    "next line             run to the next source line of this function or its callers\n"
    "finish                run until the current function returns\n"
    "continue              run until a breakpoint or the end\n"
    "run-to STEP           run until instruction number STEP is next\n"
    "reverse-step [N]      go back N wasm instructions (default 1), to where step would have been\n"
    "reverse-next          go back to the previous instruction of this function (over calls)\n"
    "reverse-finish        go back to the call of the current function\n"
    "reverse-continue      go back to the previous breakpoint or watchpoint hit (else stay)\n"
    "break FUNC            stop when a function whose name matches FUNC (a glob) is entered\n"
    "break MODULE+0xOFF    stop before the instruction at that wasm offset of that module\n"
    "break FILE:LINE       stop where source line LINE of FILE begins (DWARF line info)\n"
    "delete [N]            delete breakpoint N (all without N)\n"
    "backtrace             the call stack, innermost first\n"
    "locals                the current function's parameters and locals\n"
    "stack                 the current function's operand stack, bottom (0) first\n"
    "print NAME            an exported global, or a linked program's data symbol (its first 4 bytes)\n"
    "x/N ADDR              N bytes of linear memory from ADDR (a number or a data symbol; N default 16)\n"
    "watch ADDR [LEN]      stop after a wasm instruction writes memory in [ADDR, ADDR+LEN) (LEN default 4)\n"
    "rwatch|awatch ADDR [LEN]  the same for reads, for reads and writes\n"
    "unwatch [N]           delete watchpoint N (all without N)\n"
    "info modules|symbols [GLOB]|breakpoints|watchpoints|reverse\n"
    "quit                  stop the program and leave\n";

}  // namespace

std::optional<uint64_t> parse_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  uint64_t v = std::strtoull(s.c_str(), &end, 0);
  if (errno || *end || s[0] == '-') return std::nullopt;
  return v;
}

bool Debugger::read_command(std::string& line) {
  std::cout.flush();
#ifdef WI_HAVE_LIBEDIT
  if (interactive_) {
    char* l = readline("(wi) ");
    if (!l) return false;
    line = l;
    std::free(l);
    if (!line.empty()) add_history(line.c_str());
    return true;
  }
#endif
  if (interactive_) std::cout << "(wi) " << std::flush;
  if (!std::getline(commands_.is_open() ? commands_ : std::cin, line)) return false;
  if (!interactive_) std::cout << "(wi) " << line << "\n";
  return true;
}

// Reads and runs commands until one resumes the guest (true) or quits (false).
bool Debugger::command_loop() {
  std::string line;
  while (true) {
    if (!read_command(line)) {
      quit();
      return false;
    }
    std::istringstream in(line);
    std::string cmd;
    if (!(in >> cmd)) continue;
    std::vector<std::string> args;
    for (std::string a; in >> a;) args.push_back(a);
    int r = run_command(cmd, args);
    if (r == kResume) {
      if (running_) {
        std::cout.flush();
        return true;
      }
      say("the program is not running");
    } else if (r == kQuit) {
      quit();
      return false;
    } else if (r == kRestart) {  // only in a replica (reverse())
      return abandon_replica();
    }
  }
}

void Debugger::quit() {
  quitting_ = true;
  halt_ = true;
  stop_trap_.kind = TrapKind::Host;
  stop_trap_.message = "stopped by the debugger";
  std::cout.flush();
}

int Debugger::run_command(const std::string& cmd, const std::vector<std::string>& args) {
  auto count_arg = [&](uint64_t& n) {
    n = 1;
    if (args.empty()) return true;
    auto v = parse_number(args[0]);
    if (!v || *v == 0) {
      say(fmt::format("{}: '{}' is not a positive count", cmd, args[0]));
      return false;
    }
    n = *v;
    return true;
  };
  if ((cmd == "step" || cmd == "s" || cmd == "next" || cmd == "n") && args.size() == 1 && args[0] == "line") {
    if (!running_) return kResume;  // says the program is not running
    std::optional<LineKey> k = line_key(cur_.func, cur_.point->offset);
    if (!k) {
      say(fmt::format("{} line: no line info here (build with clang -g); step by instruction instead", cmd));
      return kStay;
    }
    mode_ = Mode::StepLine;
    next_line_ = cmd[0] == 'n';
    depth_ = cur_.depth;
    line_start_ = *k;
    return kResume;
  }
  if (cmd == "step" || cmd == "s") {
    uint64_t n;
    if (!count_arg(n)) return kStay;
    mode_ = Mode::Step;
    target_step_ = cur_.step + n;
    return kResume;
  }
  if (cmd == "next" || cmd == "n") {
    uint64_t n;
    if (!count_arg(n)) return kStay;
    mode_ = Mode::Next;
    depth_ = cur_.depth;
    repeat_ = n;
    return kResume;
  }
  if (cmd == "finish") {
    mode_ = Mode::Finish;
    depth_ = cur_.depth;
    finish_returned_ = false;
    return kResume;
  }
  if (cmd == "continue" || cmd == "c") {
    mode_ = Mode::Continue;
    target_step_ = 0;
    return kResume;
  }
  if (cmd == "run-to") {
    std::optional<uint64_t> n = args.size() == 1 ? parse_number(args[0]) : std::nullopt;
    if (!n) {
      say("usage: run-to STEP");
      return kStay;
    }
    if (running_ && *n <= cur_.step) {
      say(fmt::format("step {} is not ahead (this is step {}; runs are deterministic: start again to get there)",
                      *n, cur_.step));
      return kStay;
    }
    mode_ = Mode::Continue;
    target_step_ = *n;
    return kResume;
  }
  if (cmd.starts_with("reverse-") || cmd == "rs" || cmd == "rn" || cmd == "rc") return reverse(cmd, args);
  if (cmd == "break" || cmd == "b") {
    if (args.size() != 1) say("usage: break FUNC | break MODULE+0xOFFSET | break FILE:LINE");
    else add_breakpoint(args[0]);
    return kStay;
  }
  if (cmd == "delete" || cmd == "d") {
    if (args.empty()) {
      bps_.clear();
      say("deleted all breakpoints");
      return kStay;
    }
    auto n = parse_number(args[0]);
    auto it = std::find_if(bps_.begin(), bps_.end(), [&](const Breakpoint& b) { return n && b.id == *n; });
    if (it == bps_.end()) {
      say(fmt::format("no breakpoint {}", args[0]));
    } else {
      bps_.erase(it);
      say(fmt::format("deleted breakpoint {}", args[0]));
    }
    return kStay;
  }
  if (cmd == "backtrace" || cmd == "bt") {
    backtrace();
    return kStay;
  }
  if (cmd == "locals") {
    locals();
    return kStay;
  }
  if (cmd == "stack") {
    stack();
    return kStay;
  }
  if (cmd == "print" || cmd == "p") {
    if (args.size() != 1) say("usage: print NAME");
    else print(args[0]);
    return kStay;
  }
  if (cmd == "x" || cmd.starts_with("x/")) {
    examine(cmd, args);
    return kStay;
  }
  if (cmd == "watch" || cmd == "rwatch" || cmd == "awatch") {
    add_watch(cmd, args);
    return kStay;
  }
  if (cmd == "unwatch") {
    unwatch(args);
    return kStay;
  }
  if (cmd == "info") {
    info(args);
    return kStay;
  }
  if (cmd == "help" || cmd == "h") {
    std::cout << kHelp;
    return kStay;
  }
  if (cmd == "quit" || cmd == "q") return kQuit;
  say(fmt::format("unknown command '{}' (try help)", cmd));
  return kStay;
}

void Debugger::add_breakpoint(const std::string& spec) {
  Breakpoint b;
  b.id = next_bp_id_;
  b.where = spec;
  auto colon = spec.rfind(':');
  bool source_line = colon != std::string::npos && colon > 0 && colon + 1 < spec.size() &&
                     spec.find_first_not_of("0123456789", colon + 1) == std::string::npos;
  if (auto plus = spec.rfind("+0x"); plus != std::string::npos && plus > 0) {
    std::string module = spec.substr(0, plus);
    auto off = parse_number(spec.substr(plus + 1));
    const Instance* inst = find_instance(module);
    if (!off || !inst) {
      say(fmt::format("break: no module named '{}' (see info modules)", module));
      return;
    }
    auto at = instruction_at(*inst, uint32_t(*off));
    if (!at || at->offset != *off) {
      say(fmt::format("break: no instruction of {} starts at 0x{:x}", module, *off));
      return;
    }
    b.sites.push_back({inst, at->offset});
    b.site_modules.push_back(module);
    say(fmt::format("breakpoint {} at {}+0x{:x} ({})", b.id, module, at->offset, at->function));
  } else if (source_line) {
    if (!add_line_sites(b, spec.substr(0, colon), uint32_t(std::stoul(spec.substr(colon + 1))))) return;
  } else {
    b.is_func = true;
    size_t n = 0;
    for (const Instance& inst : store_->instances()) {
      const Module& m = *inst.module;
      for (uint32_t k = 0; k < m.codes.size(); ++k)
        if (fnmatch(spec.c_str(), names().func_name(m, m.num_imported_funcs + k).c_str(), 0) == 0) ++n;
    }
    if (!n) {
      say(fmt::format("break: no function matches '{}' (see info symbols)", spec));
      return;
    }
    say(fmt::format("breakpoint {} at {} ({} function{})", b.id, spec, n, n == 1 ? "" : "s"));
  }
  ++next_bp_id_;
  bps_.push_back(b);
}

// FILE:LINE in every loaded module whose DWARF line table knows FILE. When LINE has no code, the next
// line that has some (the same one in every module: the nearest).
bool Debugger::add_line_sites(Breakpoint& b, const std::string& file, uint32_t line) {
  bool any_table = false;
  std::vector<std::pair<const Instance*, LineBreakpoint>> found;
  uint32_t best = 0;
  for (const Instance& inst : store_->instances()) {
    const LineTable* lines = line_table(*inst.module);
    if (!lines) continue;
    any_table = true;
    LineBreakpoint lb = lines->breakpoint(file, line);
    if (lb.offsets.empty()) continue;
    if (!best || lb.line < best) best = lb.line;
    found.emplace_back(&inst, std::move(lb));
  }
  std::string first_function;
  for (auto& [inst, lb] : found) {
    if (lb.line != best) continue;
    for (uint32_t off : lb.offsets) {
      // A function's first row points at its locals, before the first instruction.
      auto at = instruction_at(*inst, off);
      if (!at) continue;
      if (b.sites.empty()) first_function = at->function;
      b.sites.push_back({inst, at->offset});
      b.site_modules.push_back(names().module_name(inst));
    }
  }
  if (b.sites.empty()) {
    say(any_table ? fmt::format("break: no code at or after {}:{} in any module's line info", file, line)
                  : "break: no module has DWARF line info (build with clang -g)");
    return false;
  }
  b.where = fmt::format("{}:{}", file, best);
  if (b.sites.size() == 1) {
    say(fmt::format("breakpoint {} at {} ({}+0x{:x} {})", b.id, b.where, names().module_name(b.sites[0].instance),
                    b.sites[0].offset, first_function));
  } else {
    say(fmt::format("breakpoint {} at {} ({} locations)", b.id, b.where, b.sites.size()));
  }
  return true;
}

const Instance* Debugger::find_instance(const std::string& name) {
  for (const Instance& inst : store_->instances())
    if (names().module_name(&inst) == name) return &inst;
  return nullptr;
}

std::optional<Debugger::NamedSite> Debugger::instruction_at(const Instance& inst, uint32_t offset) {
  const Module& m = *inst.module;
  auto at = wi::instruction_at(m, offset);
  if (!at) return std::nullopt;
  return NamedSite{at->offset, names().func_name(m, at->func_index)};
}

std::optional<LineKey> Debugger::line_key(const FuncInst* f, uint32_t offset) {
  const Module& m = *f->instance->module;
  const LineTable* lines = line_table(m);
  if (!lines) return std::nullopt;
  auto pos = lines->at(offset);
  if (!pos) return std::nullopt;
  return LineKey{&m, pos->file.data(), pos->line};
}

}  // namespace wi
