// TraceCore: trace points -> events (host/trace_core.h), and the text of names, instructions and values.
#include "host/trace_core.h"
#include <bit>
#include <cmath>
#include <cstring>
#include "decoder/dwarf_line.h"
#include "decoder/instruction.h"
#include "fmt/format.h"

namespace wi {

std::string escape_name(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f || c == '\\') out += fmt::format("\\x{:02x}", c);
    else out += char(c);
  }
  return out.empty() ? "\"\"" : out;
}

const std::string& TraceNames::module_name(const Instance* inst) {
  std::string& s = modules_[inst->module];
  if (s.empty()) s = escape_name(inst->module->file_name);
  return s;
}

uint32_t TraceNames::func_index(const FuncInst* f) {
  if (f->code) return f->code->func_index;
  if (f->instance)
    for (size_t i = 0; i < f->instance->funcs.size(); ++i)
      if (f->instance->funcs[i] == f) return uint32_t(i);
  return 0;
}

const std::string& TraceNames::func_name(const Module& m, uint32_t index) {
  auto& v = names_[&m];
  if (v.empty()) v.resize(m.func_types.size());
  if (index >= v.size()) v.resize(index + 1);
  if (v[index].empty()) v[index] = escape_name(m.function_display_name(index));
  return v[index];
}

std::string TraceNames::func_name(const FuncInst* f) {
  if (f->instance) return func_name(*f->instance->module, func_index(f));
  return escape_name(f->debug_name);
}

std::string TraceNames::qualified(const FuncInst* f) {
  if (!f->instance) return "host " + func_name(f);
  return (module_name(f->instance)) + " " + func_name(f);
}

namespace {

std::string float_text(double v, bool is_f32, uint64_t bits) {
  if (std::isnan(v)) {
    bool neg = is_f32 ? (bits >> 31) & 1 : bits >> 63;
    uint64_t payload = is_f32 ? bits & 0x7fffff : bits & 0xfffffffffffffull;
    uint64_t canonical = is_f32 ? 0x400000 : 0x8000000000000ull;
    std::string s = neg ? "-nan" : "nan";
    if (payload != canonical) s += fmt::format(":0x{:x}", payload);
    return s;
  }
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  return is_f32 ? fmt::format("{}", float(v)) : fmt::format("{}", v);
}

}  // namespace

std::string TraceNames::value_text(ValType t, const Slot* s) {
  switch (t) {
    case ValType::I32: return fmt::format("i32:{}", int32_t(s->i32));
    case ValType::I64: return fmt::format("i64:{}", int64_t(s->i64));
    case ValType::F32: return "f32:" + float_text(s->f32, true, s->i32);
    case ValType::F64: return "f64:" + float_text(s->f64, false, s->i64);
    case ValType::V128: return fmt::format("v128:0x{:016x}{:016x}", s[1].i64, s[0].i64);
    case ValType::FuncRef: {
      if (!s->ref) return "funcref:null";
      auto* f = static_cast<const FuncInst*>(s->ref);
      if (!f->instance) return "funcref:" + func_name(f);
      return fmt::format("funcref:{}:{}", (module_name(f->instance)), func_name(f));
    }
    case ValType::ExternRef: return s->ref ? "externref:<opaque>" : "externref:null";
    default: return "?";
  }
}

std::string TraceNames::loc_text(const TraceLoc& l, const Slot* fp) {
  if (l.is_const) {
    Slot s[2];
    s[0].i64 = l.bits[0];
    s[1].i64 = l.bits[1];
    if (is_ref(l.type)) s[0].ref = nullptr;  // ref.null is the only reference constant
    return value_text(l.type, s);
  }
  return value_text(l.type, fp + l.slot);
}

std::string TraceNames::locs_text(const TraceLoc* l, size_t n, const Slot* fp) {
  std::string s = "[";
  for (size_t i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += loc_text(l[i], fp);
  }
  return s + "]";
}

std::string TraceNames::source_text(const Module& m, uint32_t offset) {
  const LineTable* lines = line_table(m);
  if (!lines) return "";
  auto pos = lines->at(offset);
  return pos ? escape_name(to_string(*pos)) : "";
}

std::string TraceNames::instruction_text(const Module& m, uint32_t offset) {
  Reader r(std::span<const uint8_t>(m.bytes).subspan(offset), offset);
  Instruction in;
  std::vector<uint32_t> targets;
  if (!read_instruction(r, in, targets).ok()) return "<undecodable>";
  const OpInfo& info = op_info(in.op);
  std::string s = info.text;
  auto memarg = [&] {
    if (in.memory) s += fmt::format(" {}", in.memory);  // multi-memory: the memory, as in the text format
    if (in.mem_offset) s += fmt::format(" offset={}", in.mem_offset);
    if (in.align != info.aux) s += fmt::format(" align={}", uint64_t(1) << std::min<uint32_t>(in.align, 63));
  };
  switch (info.imm) {
    case Imm::None: break;
    case Imm::Mem:
      if (in.memory) s += fmt::format(" {}", in.memory);
      break;
    case Imm::MemCopy:
      if (in.memory || in.memory_src) s += fmt::format(" {} {}", in.memory, in.memory_src);
      break;
    case Imm::Tag: s += fmt::format(" {}", in.a); break;
    case Imm::TryTable:
    case Imm::Block:
      if (in.block_type >= 0) s += fmt::format(" (type {})", in.block_type);
      else if (in.block_type != kBlockVoid) s += fmt::format(" (result {})", to_string(in.type));
      if (info.imm == Imm::TryTable) {
        static const char* const kClause[] = {"catch", "catch_ref", "catch_all", "catch_all_ref"};
        const std::vector<uint32_t>& c = *in.targets;
        for (size_t i = 0; i < c.size(); i += 3) {
          s += fmt::format(" ({}", kClause[c[i] & 3]);
          if (c[i] == kCatch || c[i] == kCatchRef) s += fmt::format(" {}", c[i + 1]);
          s += fmt::format(" {})", c[i + 2]);
        }
      }
      break;
    case Imm::MemInit:
      if (in.memory) s += fmt::format(" {}", in.memory);
      s += fmt::format(" {}", in.a);
      break;
    case Imm::Label: case Imm::Local: case Imm::Global: case Imm::Table: case Imm::Data: case Imm::Elem:
    case Imm::Lane:
      s += fmt::format(" {}", in.a);
      break;
    case Imm::BrTable:
      for (uint32_t t : *in.targets) s += fmt::format(" {}", t);
      break;
    case Imm::Func:
      s += fmt::format(" {} <{}>", in.a, in.a < m.func_types.size() ? func_name(m, in.a) : "?");
      break;
    case Imm::Type: s += fmt::format(" (type {})", in.a); break;
    case Imm::CallIndirect:
      if (in.b) s += fmt::format(" {}", in.b);
      s += fmt::format(" (type {})", in.a);
      break;
    case Imm::TableInit:
      if (in.b) s += fmt::format(" {}", in.b);
      s += fmt::format(" {}", in.a);
      break;
    case Imm::TableCopy:
      if (in.a || in.b) s += fmt::format(" {} {}", in.a, in.b);
      break;
    case Imm::MemArg: memarg(); break;
    case Imm::MemArgLane: memarg(); s += fmt::format(" {}", in.a); break;
    case Imm::I32: s += fmt::format(" {}", int32_t(uint32_t(in.bits))); break;
    case Imm::I64: s += fmt::format(" {}", int64_t(in.bits)); break;
    case Imm::F32: s += " " + float_text(std::bit_cast<float>(uint32_t(in.bits)), true, in.bits); break;
    case Imm::F64: s += " " + float_text(std::bit_cast<double>(in.bits), false, in.bits); break;
    case Imm::V128: {
      uint32_t w[4];
      std::memcpy(w, in.v128, 16);
      s += fmt::format(" i32x4 0x{:08x} 0x{:08x} 0x{:08x} 0x{:08x}", w[0], w[1], w[2], w[3]);
      break;
    }
    case Imm::Shuffle:
      for (uint8_t lane : in.v128) s += fmt::format(" {}", lane);
      break;
    case Imm::SelectT: s += fmt::format(" (result {})", to_string(in.type)); break;
    case Imm::RefType:  // ref.null's heap type: "func", "extern", a type index, ...
      s += ' ';
      s += heap_type_name(ref_heap(in.type));
      break;
  }
  return s;
}

std::optional<CodeSite> instruction_at(const Module& m, uint32_t offset) {
  for (uint32_t k = 0; k < m.codes.size(); ++k) {
    const FunctionBody& body = m.codes[k];
    if (offset < body.offset || offset >= body.end) continue;
    Reader r(std::span<const uint8_t>(m.bytes).subspan(body.code_start, body.end - body.code_start), body.code_start);
    Instruction in;
    std::vector<uint32_t> targets;
    while (!r.at_end()) {
      if (r.offset() >= offset) return CodeSite{uint32_t(r.offset()), m.num_imported_funcs + k};
      if (!read_instruction(r, in, targets).ok()) break;
    }
    return std::nullopt;
  }
  return std::nullopt;
}

uint32_t instruction_end(const Module& m, uint32_t offset) {
  if (offset >= m.bytes.size()) return offset;
  Reader r(std::span<const uint8_t>(m.bytes).subspan(offset), offset);
  Instruction in;
  std::vector<uint32_t> targets;
  if (!read_instruction(r, in, targets).ok()) return offset;
  return uint32_t(r.offset());
}

// ---- TraceCore ----

void TraceCore::complete_pending(const TraceEvent* e) {
  if (!has_pending_) return;
  has_pending_ = false;
  on_instr_done(pending_, e && e->depth == pending_.depth && e->fp == pending_.fp);
}

void TraceCore::pop_host_calls(size_t depth, const TraceEvent* e) {
  while (!host_calls_.empty() && host_calls_.back().depth >= depth) {
    HostCall h = host_calls_.back();
    host_calls_.pop_back();
    on_host_return(h, e && h.depth == e->depth && h.fp == e->fp);
  }
}

void TraceCore::unwind_above(size_t depth, const TraceEvent* e) {
  for (size_t k = frames_.size(); k-- > depth + 1;) {
    pop_host_calls(k, nullptr);
    if (frames_[k].func && !frames_[k].returned) on_unwind(frames_[k], k);
  }
  if (frames_.size() > depth + 1) frames_.resize(depth + 1);
  pop_host_calls(depth, e);
}

void TraceCore::resolve_call(const TraceEvent& e, Instr& i) {
  const Module& m = *e.func->instance->module;
  Reader r(std::span<const uint8_t>(m.bytes).subspan(e.point.offset), e.point.offset);
  Instruction in;
  std::vector<uint32_t> targets;
  if (!read_instruction(r, in, targets).ok()) return;
  Instance* inst = e.func->instance;
  i.is_call = true;
  const Table* table = nullptr;
  uint32_t elem = 0;
  if (in.op == Opcode::Call) {
    i.callee = inst->funcs[in.a];
  } else {
    const TraceInfo& ti = e.func->code->trace;
    if (!e.point.n_in) return;
    const TraceLoc& l = ti.in(e.point)[e.point.n_in - 1];
    uint32_t index = l.is_const ? uint32_t(l.bits[0]) : e.fp[l.slot].i32;
    const Table* t = inst->tables[in.b];
    if (index >= t->elems.size()) return;
    auto* f = static_cast<const FuncInst*>(t->elems[index]);
    if (f && f->type_id == inst->type_ids[in.a]) i.callee = f;  // else the call traps
    table = t;
    elem = index;
  }
  if (i.callee && !i.callee->instance && i.callee->debug_name.ends_with("@plt")) {
    const std::string& n = i.callee->debug_name;
    const bool direct = in.op == Opcode::Call;
    const TraceInfo& ti = e.func->code->trace;
    binds_.push_back(Bind{e.func, inst, in.a, direct, direct ? nullptr : table, elem, n.substr(0, n.size() - 4),
                          i.depth, e.fp, &e.point,
                          names().locs_text(ti.in(e.point), e.point.n_in - (direct ? 0 : 1), e.fp)});
  }
}

void TraceCore::reset() {
  // Modules of the old run are gone: names cached under their addresses could alias new ones.
  names_ = TraceNames();
  step_ = 0;
  frames_.clear();
  pending_ = Instr();
  has_pending_ = false;
  host_calls_.clear();
  binds_.clear();
  stop_trap_ = Trap();
  halt_ = false;
  go_back_.reset();
}

bool TraceCore::on_trace(const TraceEvent& e, Trap& trap) {
  auto stop = [&] {
    trap = stop_trap_;
    if (!trap) trap.kind = TrapKind::Host;
    return false;
  };
  if (halt_) return stop();
  // Also at every point of an outermost function: a new call from the host gets a snapshot at once.
  if ((step_ >= checkpoint_at_ || (e.depth == 1 && checkpoint_at_ != UINT64_MAX)) && binds_.empty())
    on_checkpoint(e);
  const size_t d = e.depth;
  complete_pending(&e);
  // A PLT stub has bound its slot before anything after it runs (its target, or the caller again).
  for (Bind& b : binds_) {
    const FuncInst* target = b.direct ? b.inst->funcs[b.index]
                             : b.elem < b.table->elems.size() ? static_cast<const FuncInst*>(b.table->elems[b.elem])
                                                              : nullptr;
    if (target && !target->instance && target->debug_name == b.symbol + "@plt") target = nullptr;
    on_bind(b.caller, b.symbol, target);
    // Bound to a host function, the stub has called it already: report that call now (its return
    // comes with the next event at the caller's level, as for any host call).
    if (target && !target->instance) {
      host_calls_.push_back(HostCall{b.depth, b.caller, target, b.fp, b.point, std::move(b.args_text)});
      on_host_call(host_calls_.back());
    }
  }
  binds_.clear();
  unwind_above(d, &e);
  if (frames_.size() <= d) frames_.resize(d + 1);
  Frame& f = frames_[d];
  if (f.func != e.func || f.fp != e.fp || f.returned) {
    if (f.func && !f.returned) on_unwind(f, d);
    f = Frame{e.func, e.fp, e.point.offset, false, nullptr, step_ + 1};
    if (!on_enter(e)) return stop();
  }
  f.offset = e.point.offset;
  f.point = &e.point;
  if (e.point.kind == TracePoint::Return) {
    frames_[d].returned = true;
    return on_return(e) ? true : stop();
  }
  Instr i;
  i.step = ++step_;
  i.depth = d;
  i.func = e.func;
  i.fp = e.fp;
  i.point = &e.point;
  uint8_t opcode = e.func->instance->module->bytes[e.point.offset];
  if (opcode == 0x10 || opcode == 0x11) resolve_call(e, i);
  if (!on_instr(i)) {
    binds_.clear();
    return stop();
  }
  if (go_back_) {
    step_ = go_back_->step;
    frames_ = std::move(go_back_->frames);
    pending_ = go_back_->pending;
    has_pending_ = go_back_->has_pending;
    host_calls_ = std::move(go_back_->host_calls);
    binds_.clear();
    go_back_.reset();
    return true;
  }
  if (!i.is_call) {
    pending_ = i;
    has_pending_ = true;
  } else if (i.callee && !i.callee->instance && !i.callee->debug_name.ends_with("@plt")) {
    HostCall h{d, e.func, i.callee, e.fp, &e.point, {}};
    host_calls_.push_back(h);
    on_host_call(host_calls_.back());
  }
  return true;
}

void TraceCore::finish(const Trap& t) {
  complete_pending(nullptr);
  binds_.clear();
  for (size_t k = frames_.size(); k-- > 0;) {
    pop_host_calls(k, nullptr);
    if (frames_[k].func && !frames_[k].returned) on_unwind(frames_[k], k);
  }
  pop_host_calls(0, nullptr);
  frames_.clear();
  on_finish(t);
}

}  // namespace wi
