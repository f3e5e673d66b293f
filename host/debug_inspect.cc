// `wi debug`'s commands that look at the stopped guest without moving it: backtrace, locals, print,
// x/N, info; and watchpoints (watch/rwatch/awatch, unwatch, how a hit is reported; host/watch.h checks
// them).
// Policy: read-only on the guest's state; a stop inside a host call shows the host frame in the
// backtrace; addresses outside memory are refused, never read.
#include <fnmatch.h>
#include <cctype>
#include <cstring>
#include "fmt/format.h"
#include "host/debugger.h"

namespace wi {

void Debugger::backtrace() {
  if (!running_ || frames().empty()) {
    say("no frames: the program is not running");
    return;
  }
  size_t n = 0;
  const auto& hc = host_calls();
  for (size_t k = frames().size(); k-- > 0;) {
    for (size_t h = hc.size(); h-- > 0;)
      if (hc[h].depth == k) say(fmt::format("#{} host {}", n++, names().func_name(hc[h].callee)));
    const Frame& f = frames()[k];
    if (!f.func) continue;
    std::string src = TraceNames::source_text(*f.func->instance->module, f.offset);
    say(fmt::format("#{} {} ({}+0x{:x}){}", n++, names().func_name(f.func), names().module_name(f.func->instance),
                    f.offset, src.empty() ? std::string() : fmt::format(" {}", src)));
  }
}

void Debugger::locals() {
  if (!running_ || frames().empty() || !frames().back().func) {
    say("no frame: the program is not running");
    return;
  }
  const Frame& f = frames().back();
  const TraceInfo& ti = f.func->code->trace;
  size_t params = f.func->type->params.size();
  if (ti.local_types.empty()) say("no parameters or locals");
  for (size_t k = 0; k < ti.local_types.size(); ++k)
    say(fmt::format("local {} = {}{}", k, names().value_text(ti.local_types[k], f.fp + ti.local_slots[k]),
                    k < params ? " (param)" : ""));
}

// The operand stack before the current instruction, as the trace point recorded it (interp/trace.h):
// numbered as qWasmStackValue and DWARF number it, so the two debuggers agree.
void Debugger::stack() {
  if (!running_ || frames().empty() || !frames().back().func || !frames().back().point) {
    say("no frame: the program is not running");
    return;
  }
  const Frame& f = frames().back();
  const TraceInfo& ti = f.func->code->trace;
  uint32_t n = ti.stack_depth(*f.point);
  if (!n) say("the operand stack is empty");
  for (uint32_t k = 0; k < n; ++k)
    say(fmt::format("stack {} = {}", k, names().loc_text(*ti.stack_entry(*f.point, k), f.fp)));
}

Memory* Debugger::memory() {
  if (running_ && !frames().empty() && frames().back().func) {
    const Instance* inst = frames().back().func->instance;
    if (!inst->memories.empty()) return inst->memories[0];
  }
  if (linker_ && linker_->memory()) return linker_->memory();
  for (const Instance& inst : store_->instances())
    if (!inst.memories.empty()) return inst.memories[0];
  return nullptr;
}

std::optional<uint32_t> Debugger::data_symbol(const std::string& name) {
  if (!linker_ || linker_->find_function(name)) return std::nullopt;
  return linker_->dlsym(name);
}

void Debugger::print(const std::string& name) {
  // Exported globals first, then globals imported under that name (a linked program's
  // __stack_pointer), in load order.
  for (int pass = 0; pass < 2; ++pass) {
    for (const Instance& inst : store_->instances()) {
      const GlobalInst* g = nullptr;
      if (pass == 0) {
        const ExternRef* r = inst.find_export(name);
        if (r && r->kind == ExternKind::Global) g = static_cast<const GlobalInst*>(r->ptr);
      } else {
        uint32_t k = 0;
        for (const Import& im : inst.module->imports) {
          if (im.kind != ExternKind::Global) continue;
          if (im.name == name && k < inst.globals.size()) {
            g = inst.globals[k];
            break;
          }
          ++k;
        }
      }
      if (!g) continue;
      say(fmt::format("{} = {} ({} global)", name, names().value_text(g->type.type, g->value),
                      names().module_name(&inst)));
      return;
    }
  }
  if (linker_) {
    if (FuncInst* f = linker_->find_function(name)) {
      say(fmt::format("{} = function {}", name, names().qualified(f)));
      return;
    }
    if (auto a = data_symbol(name)) {
      Memory* mem = memory();
      if (mem && uint64_t(*a) + 4 <= mem->size) {
        Slot s;
        s.i64 = 0;
        std::memcpy(&s.i32, mem->data + *a, 4);
        say(fmt::format("{} = {} (data at 0x{:x})", name, names().value_text(ValType::I32, &s), *a));
      } else {
        say(fmt::format("{}: data at 0x{:x}, outside memory", name, *a));
      }
      return;
    }
  }
  say(fmt::format("print: no exported global or data symbol named '{}'", name));
}

void Debugger::examine(const std::string& cmd, const std::vector<std::string>& args) {
  uint64_t n = 16;
  if (cmd.size() > 2) {
    std::string count = cmd.substr(2);
    while (!count.empty() && !std::isdigit(static_cast<unsigned char>(count.back()))) count.pop_back();
    auto v = parse_number(count);
    if (!v || !*v) {
      say(fmt::format("x: bad count in '{}'", cmd));
      return;
    }
    n = *v;
  }
  if (args.size() != 1) {
    say("usage: x/N ADDR");
    return;
  }
  std::optional<uint64_t> addr = parse_number(args[0]);
  if (!addr) {
    if (auto a = data_symbol(args[0])) addr = *a;
  }
  if (!addr) {
    say(fmt::format("x: '{}' is neither an address nor a data symbol", args[0]));
    return;
  }
  Memory* mem = memory();
  if (!mem || *addr >= mem->size) {
    say(fmt::format("x: 0x{:x} is outside linear memory", *addr));
    return;
  }
  n = std::min<uint64_t>(n, mem->size - *addr);
  for (uint64_t row = 0; row < n; row += 16) {
    std::string hex, text;
    for (uint64_t k = row; k < std::min<uint64_t>(row + 16, n); ++k) {
      uint8_t b = mem->data[*addr + k];
      hex += fmt::format(" {:02x}", b);
      text += b >= 0x20 && b < 0x7f ? char(b) : '.';
    }
    say(fmt::format("0x{:08x}:{:<48}  |{}|", *addr + row, hex, text));
  }
}

void Debugger::add_watch(const std::string& cmd, const std::vector<std::string>& args) {
  if (args.empty() || args.size() > 2) {
    say(fmt::format("usage: {} ADDR [LEN]", cmd));
    return;
  }
  std::optional<uint64_t> addr = parse_number(args[0]);
  if (!addr) {
    if (auto a = data_symbol(args[0])) addr = *a;
  }
  std::optional<uint64_t> len = args.size() == 2 ? parse_number(args[1]) : std::optional<uint64_t>(4);
  if (!addr || !len) {
    say(!addr ? fmt::format("{}: '{}' is neither an address nor a data symbol", cmd, args[0])
              : fmt::format("{}: '{}' is not a byte count", cmd, args[1]));
    return;
  }
  const WatchKind kind = cmd == "watch" ? WatchKind::Write : cmd == "rwatch" ? WatchKind::Read : WatchKind::Access;
  auto id = watches_.add(memory(), *addr, *len, kind, *addr);
  if (!id) {
    say(fmt::format("{}: {}", cmd, id.error().message));
    return;
  }
  say(fmt::format("watchpoint {}: {} 0x{:x} {} byte{}", *id, watch_kind_name(kind), *addr, *len,
                  *len == 1 ? "" : "s"));
}

void Debugger::unwatch(const std::vector<std::string>& args) {
  if (args.empty()) {
    watches_.clear();
    say("deleted all watchpoints");
    return;
  }
  auto n = parse_number(args[0]);
  if (!n || *n > UINT32_MAX || !watches_.remove(uint32_t(*n))) say(fmt::format("no watchpoint {}", args[0]));
  else say(fmt::format("deleted watchpoint {}", args[0]));
}

// "watchpoint 1: 4 bytes at 0x4f0 written by i32.store at MODULE+0xOFF FUNC (FILE:LINE:COL)", then the
// watched bytes before and after (a read: as they are), with their value when they make an integer.
void Debugger::report_watch(const WatchHit& h) {
  const Watch& w = h.watch;
  const Module& m = *h.func->instance->module;
  std::string src = TraceNames::source_text(m, h.offset);
  say(fmt::format("watchpoint {}: {} byte{} at 0x{:x} {} by {} at {}+0x{:x} {}{}", w.id, w.len, w.len == 1 ? "" : "s",
                  w.addr, h.access.write ? "written" : "read", names().instruction_text(m, h.offset),
                  names().module_name(h.func->instance), h.offset, names().func_name(h.func),
                  src.empty() ? std::string() : fmt::format(" ({})", src)));
  const uint8_t* now = w.mem->data + w.addr;
  if (!h.access.write) {
    say("value " + watch_bytes_text(now, w.len));
    return;
  }
  say("old   " + watch_bytes_text(h.old_bytes.data(), w.len));
  say("new   " + watch_bytes_text(now, w.len));
}

void Debugger::info(const std::vector<std::string>& args) {
  std::string what = args.empty() ? "" : args[0];
  if (what == "modules") {
    for (const Instance& inst : store_->instances()) {
      const Module& m = *inst.module;
      say(fmt::format("{}: {} functions ({} imported), {} globals, {} bytes", names().module_name(&inst),
                      m.func_types.size(), m.num_imported_funcs, m.global_types.size(), m.bytes.size()));
    }
  } else if (what == "symbols") {
    std::string glob = args.size() > 1 ? args[1] : "*";
    for (const Instance& inst : store_->instances()) {
      const Module& m = *inst.module;
      for (uint32_t k = 0; k < m.codes.size(); ++k) {
        const std::string& fn = names().func_name(m, m.num_imported_funcs + k);
        if (fnmatch(glob.c_str(), fn.c_str(), 0) != 0) continue;
        say(fmt::format("{} {} (func {}, code at 0x{:x})", names().module_name(&inst), fn, m.num_imported_funcs + k,
                        m.codes[k].code_start));
      }
    }
  } else if (what == "watchpoints") {
    if (watches_.empty()) say("no watchpoints");
    for (const Watch& w : watches_.watches())
      say(fmt::format("{}: {} 0x{:x} {} byte{} (hit {} time{})", w.id, watch_kind_name(w.kind), w.addr, w.len,
                      w.len == 1 ? "" : "s", w.hits, w.hits == 1 ? "" : "s"));
  } else if (what == "breakpoints") {
    if (bps_.empty()) say("no breakpoints");
    for (const Breakpoint& b : bps_) {
      say(fmt::format("{}: {} (hit {} time{})", b.id, b.where, b.hits, b.hits == 1 ? "" : "s"));
    }
  } else if (what == "reverse") {
    snapshot_info();
  } else {
    say("usage: info modules | info symbols [GLOB] | info breakpoints | info watchpoints | info reverse");
  }
}

}  // namespace wi
