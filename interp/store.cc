// Store objects and module instantiation (spec 4.5.4): import matching, allocation, segment
// initialization in order (elements, then data; a failing segment traps and earlier writes stay),
// and the start function.
// https://webassembly.github.io/spec/core/exec/modules.html#instantiation
#include "interp/store.h"
#include <sys/mman.h>
#include <algorithm>
#include <cstring>
#include "fmt/format.h"
#include "interp/regop.h"

namespace wi {

const char* trap_text(TrapKind k) {
  switch (k) {
    case TrapKind::None: return "none";
#define WI_X(name, text) case TrapKind::name: return text;
    WI_TRAP_KINDS(WI_X)
#undef WI_X
  }
  return "?";
}

// ---- Memory ----

Memory::~Memory() {
  if (data) munmap(data, reserved);
}

int64_t Memory::grow(uint64_t delta_pages) {
  uint64_t old = pages();
  if (delta_pages > max_pages || old + delta_pages > max_pages) return -1;
  uint64_t new_size = (old + delta_pages) * kPageSize;
  if (new_size > size && mprotect(data, new_size, PROT_READ | PROT_WRITE) != 0) return -1;
  size = new_size;
  return int64_t(old);
}

// ---- Table ----

int64_t Table::grow(uint64_t delta, void* init) {
  uint64_t old = elems.size();
  uint64_t max = type.limits.max ? *type.limits.max : 0xffffffffull;
  // Beyond the host cap the guest sees a failed grow (-1), as for any table at its maximum.
  if (delta > kMaxTableElements || old + delta > max || old + delta > kMaxTableElements) return -1;
  elems.resize(old + delta, init);
  return int64_t(old);
}

// ---- Store ----

Store::Store(StoreLimits limits) : limits_(limits) {
  // Not zero-filled: every frame zeroes its own locals, and touching 8 MiB would dominate start-up.
  stack_ = std::make_unique_for_overwrite<Slot[]>(limits_.value_stack_slots);
  stack_end_ = stack_.get() + limits_.value_stack_slots;
  stack_top_ = stack_.get();
  frames_.resize(size_t(limits_.max_call_depth) + 64);
}

Store::~Store() = default;

uint32_t Store::canonical_type_id(const FuncType& t) {
  auto key = std::make_pair(t.params, t.results);
  auto it = type_ids_.find(key);
  if (it != type_ids_.end()) return it->second;
  uint32_t id = uint32_t(types_.size());
  types_.push_back(std::make_unique<FuncType>(t));
  type_ids_.emplace(std::move(key), id);
  return id;
}

ExnInst* Store::new_exception(const TagInst* tag, const Slot* payload, size_t slots) {
  ExnInst* e;
  if (!free_exceptions_.empty()) {
    e = free_exceptions_.back();
    free_exceptions_.pop_back();
  } else {
    e = &exceptions_.emplace_back();
  }
  e->tag = tag;
  e->payload.assign(payload, payload + slots);
  e->exposed = false;
  return e;
}

void Store::release_exception(ExnInst* e) {
  if (!e->exposed) free_exceptions_.push_back(e);
}

ValType Store::store_type(ValType t, const std::vector<uint32_t>& ids) {
  std::optional<uint32_t> index = type_index_of(t);
  return index ? with_type_index(t, ids[*index]) : t;
}

std::vector<uint32_t> Store::module_type_ids(const Module& m) {
  std::vector<uint32_t> ids;
  ids.reserve(m.types.size());
  for (uint32_t i = 0; i < m.types.size(); ++i) {
    if (m.type_canon[i] != i) {  // a copy of an earlier, equivalent type (decoder.cc)
      ids.push_back(ids[m.type_canon[i]]);
      continue;
    }
    auto key_of = [&](ValType v) { return type_index_of(v) == i ? self_marker(v) : store_type(v, ids); };
    FuncType key;
    for (ValType v : m.types[i].params) key.params.push_back(key_of(v));
    for (ValType v : m.types[i].results) key.results.push_back(key_of(v));
    ids.push_back(canonical_type_id(key));
  }
  return ids;
}

FuncInst* Store::create_host_function(const FuncType& type, HostFunction fn, std::string name) {
  FuncInst& f = funcs_.emplace_back();
  f.type_id = canonical_type_id(type);
  f.type = types_[f.type_id].get();
  f.host = std::move(fn);
  f.debug_name = std::move(name);
  return &f;
}

Table* Store::create_table(const TableType& type, void* init) {
  if (type.limits.min > kMaxTableElements) return nullptr;
  Table& t = tables_.emplace_back();
  t.type = type;
  t.elems.assign(type.limits.min, init);
  return &t;
}

namespace {

// "640 KiB", "4 GiB": limits read best in the largest whole unit.
std::string byte_size(uint64_t bytes) {
  if (bytes >= (uint64_t(1) << 30) && bytes % (uint64_t(1) << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
  if (bytes >= (uint64_t(1) << 20) && bytes % (uint64_t(1) << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes % 1024 == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} bytes", bytes);
}

}  // namespace

std::string Store::table_limit_error(const TableType& type, uint32_t index) const {
  if (type.limits.min <= kMaxTableElements) return {};
  return fmt::format("table {} needs {} elements, over the limit of {}", index, type.limits.min, kMaxTableElements);
}

// A 64-bit memory is held below 4 GiB (65535 pages): then every in-bounds address fits 32 bits,
// and the executor narrows i64 addresses and lengths to 32 bits, saturating, with exact results
// (a saturated value is out of bounds of any memory it could index; Narrow64 in regops.def).
uint64_t Store::page_cap(const MemoryType& type) const {
  return std::min<uint64_t>(limits_.max_memory_pages, type.is64 ? kMaxPages - 1 : kMaxPages);
}

std::string Store::memory_limit_error(const MemoryType& type, uint32_t index) const {
  uint64_t cap = page_cap(type);
  if (type.limits.min <= cap) return {};
  auto pages = [](uint64_t n) { return fmt::format("{} page{}", n, n == 1 ? "" : "s"); };
  return fmt::format("memory {} needs {} ({}), over the limit of {} ({})", index, byte_size(type.limits.min * kPageSize),
                     pages(type.limits.min), byte_size(cap * kPageSize), pages(cap));
}

Memory* Store::create_memory(const MemoryType& type) {
  Memory& m = memories_.emplace_back();
  m.type = type;
  uint64_t cap = page_cap(type);
  m.max_pages = type.limits.max ? std::min<uint64_t>(*type.limits.max, cap) : cap;
  // Reserve the whole range now so the base never moves; commit pages as the memory grows.
  m.reserved = std::max<uint64_t>(m.max_pages * kPageSize, kPageSize);
  void* p = mmap(nullptr, m.reserved, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) {
    m.reserved = 0;
    return nullptr;
  }
  m.data = static_cast<uint8_t*>(p);
  if (type.limits.min > m.max_pages || m.grow(type.limits.min) < 0) return nullptr;
  return &m;
}

TagInst* Store::create_tag(uint32_t type_id, std::string debug_name) {
  TagInst& t = tags_.emplace_back();
  t.type_id = type_id;
  t.type = types_[type_id].get();
  t.debug_name = std::move(debug_name);
  return &t;
}

GlobalInst* Store::create_global(const GlobalType& type, Value init) {
  GlobalInst& g = globals_.emplace_back();
  g.type = type;
  write_global(g, init);
  return &g;
}

Value Store::read_global(const GlobalInst& g) {
  Value v;
  v.type = g.type.type;
  if (v.type == ValType::V128) {
    std::memcpy(v.v128, g.value, 16);
  } else {
    v.i64 = g.value[0].i64;
  }
  return v;
}

void Store::write_global(GlobalInst& g, const Value& v) {
  if (g.type.type == ValType::V128) std::memcpy(g.value, v.v128, 16);
  else g.value[0].i64 = v.i64;
  if (g.type.type == ValType::I32 || g.type.type == ValType::F32) g.value[0].i64 = v.i32;
  if (is_ref(g.type.type)) g.value[0].ref = v.ref;
}

namespace {

bool limits_match(uint64_t actual_min, std::optional<uint64_t> actual_max, const Limits& want) {
  if (actual_min < want.min) return false;
  if (want.max) {
    if (!actual_max || *actual_max > *want.max) return false;
  }
  return true;
}

Value eval_const_op(const ConstOp& op, const Instance& inst) {
  switch (op.kind) {
    case ConstOp::Kind::Value: {
      Value v;
      v.type = op.type;
      std::memcpy(v.v128, op.bits, 16);
      return v;
    }
    case ConstOp::Kind::RefNull: return Value::make_ref(op.type, nullptr);
    case ConstOp::Kind::RefFunc: return Value::make_ref(ValType::FuncRef, inst.funcs[op.index]);
    case ConstOp::Kind::GlobalGet: return Store::read_global(*inst.globals[op.index]);
    default: return {};
  }
}

// Extended constants (Wasm 3.0): i32/i64 add, sub and mul wrap like the instructions.
Value eval_const(const ConstExpr& e, const Instance& inst) {
  if (e.kind != ConstExpr::Kind::Expr) {
    ConstOp only;
    only.kind = ConstOp::Kind(uint8_t(e.kind));
    only.type = e.type;
    std::memcpy(only.bits, e.bits, sizeof only.bits);
    only.index = e.index;
    return eval_const_op(only, inst);
  }
  std::vector<Value> stack;
  for (const ConstOp& op : e.ops) {
    if (op.kind < ConstOp::Kind::I32Add) {
      stack.push_back(eval_const_op(op, inst));
      continue;
    }
    Value b = stack.back();
    stack.pop_back();
    Value& a = stack.back();
    switch (op.kind) {
      case ConstOp::Kind::I32Add: a.i32 = uint32_t(a.i32) + uint32_t(b.i32); break;
      case ConstOp::Kind::I32Sub: a.i32 = uint32_t(a.i32) - uint32_t(b.i32); break;
      case ConstOp::Kind::I32Mul: a.i32 = uint32_t(a.i32) * uint32_t(b.i32); break;
      case ConstOp::Kind::I64Add: a.i64 = uint64_t(a.i64) + uint64_t(b.i64); break;
      case ConstOp::Kind::I64Sub: a.i64 = uint64_t(a.i64) - uint64_t(b.i64); break;
      case ConstOp::Kind::I64Mul: a.i64 = uint64_t(a.i64) * uint64_t(b.i64); break;
      default: break;
    }
  }
  return stack.back();
}

}  // namespace

InstantiateOutcome Store::instantiate(std::shared_ptr<const CompiledModule> compiled,
                                      const std::vector<ExternRef>& imports) {
  InstantiateOutcome out;
  const Module& m = *compiled->module;
  auto link_error = [&](std::string msg) {
    out.link_error = make_error(SIZE_MAX, std::move(msg));
    return out;
  };
  if (imports.size() != m.imports.size())
    return link_error(fmt::format("expected {} imports, got {}", m.imports.size(), imports.size()));

  // Import matching (https://webassembly.github.io/spec/core/valid/matching.html#external-types):
  // a function's type must be the same (no declared subtypes without GC); an immutable global's
  // type may be a subtype, a mutable global's and a table's element type must be equal.
  std::vector<uint32_t> type_ids = module_type_ids(m);
  for (size_t i = 0; i < imports.size(); ++i) {
    const Import& im = m.imports[i];
    const ExternRef& x = imports[i];
    std::string what = fmt::format("import {}.{}", im.module, im.name);
    if (x.kind != im.kind || !x.ptr) return link_error("incompatible import type for " + what);
    switch (im.kind) {
      case ExternKind::Func: {
        auto* f = static_cast<FuncInst*>(x.ptr);
        if (f->type_id != type_ids[im.type_index])
          return link_error("incompatible import type for " + what);
        break;
      }
      case ExternKind::Table: {
        auto* t = static_cast<Table*>(x.ptr);
        if (t->type.elem != store_type(im.table.elem, type_ids) || t->type.is64 != im.table.is64 ||
            !limits_match(t->elems.size(), t->type.limits.max, im.table.limits))
          return link_error("incompatible import type for " + what);
        break;
      }
      case ExternKind::Memory: {
        auto* mem = static_cast<Memory*>(x.ptr);
        if (mem->type.is64 != im.memory.is64 || !limits_match(mem->pages(), mem->type.limits.max, im.memory.limits))
          return link_error("incompatible import type for " + what);
        break;
      }
      case ExternKind::Global: {
        auto* g = static_cast<GlobalInst*>(x.ptr);
        ValType want = store_type(im.global.type, type_ids);
        if (g->type.mut != im.global.mut || (g->type.mut ? g->type.type != want : !matches(g->type.type, want)))
          return link_error("incompatible import type for " + what);
        break;
      }
      case ExternKind::Tag:
        if (static_cast<TagInst*>(x.ptr)->type_id != type_ids[im.type_index])
          return link_error("incompatible import type for " + what);
        break;
    }
  }

  Instance& inst = instances_.emplace_back();
  inst.compiled = compiled;
  inst.module = &m;
  inst.type_ids = std::move(type_ids);
  for (size_t i = 0; i < imports.size(); ++i) {
    void* p = imports[i].ptr;
    switch (m.imports[i].kind) {
      case ExternKind::Func: inst.funcs.push_back(static_cast<FuncInst*>(p)); break;
      case ExternKind::Table: inst.tables.push_back(static_cast<Table*>(p)); break;
      case ExternKind::Memory: inst.memories.push_back(static_cast<Memory*>(p)); break;
      case ExternKind::Global: inst.globals.push_back(static_cast<GlobalInst*>(p)); break;
      case ExternKind::Tag: inst.tags.push_back(static_cast<TagInst*>(p)); break;
    }
  }
  for (size_t i = 0; i < compiled->funcs.size(); ++i) {
    FuncInst& f = funcs_.emplace_back();
    uint32_t index = m.num_imported_funcs + uint32_t(i);
    f.type_id = inst.type_ids[m.func_types[index]];
    f.type = types_[f.type_id].get();
    f.instance = &inst;
    inst.funcs.push_back(&f);
    if (!compiled->funcs[i].pending) {
      f.set_code(&compiled->funcs[i]);
      continue;
    }
    // Lazy: its first call compiles it and installs the code (calls find `entry` set from then on),
    // then goes on into it in the same activation (FuncInst::prepare). The compiled module is shared;
    // compile_pending fills each body only once.
    f.debug_name = m.function_display_name(index);
    f.prepare = [fi = &f, cm = compiled.get(), i](Store&, Trap& trap) -> const FuncInst* {
      if (auto r = cm->compile_pending(uint32_t(i)); !r) {
        trap.kind = TrapKind::Host;
        trap.message = fmt::format("{}: 0x{:x}: {} (in function {}, compiled on its first call)",
                                   cm->module->file_name, r.error().offset, r.error().message, fi->debug_name);
        return nullptr;
      }
      fi->set_code(&cm->funcs[i]);  // `prepare` stays: calls look at `entry` first
      return fi;
    };
  }
  for (size_t i = m.num_imported_tables; i < m.tables.size(); ++i) {
    if (std::string why = table_limit_error(m.tables[i], uint32_t(i)); !why.empty()) return link_error(why);
    // Tables and globals hold their types in the store's form (store_type), for import matching.
    TableType type{store_type(m.tables[i].elem, inst.type_ids), m.tables[i].limits, m.tables[i].is64};
    size_t k = i - m.num_imported_tables;
    void* init = k < m.table_inits.size() ? eval_const(m.table_inits[k], inst).ref : nullptr;
    inst.tables.push_back(create_table(type, init));
  }
  for (size_t i = m.num_imported_memories; i < m.memories.size(); ++i) {
    if (std::string why = memory_limit_error(m.memories[i], uint32_t(i)); !why.empty()) return link_error(why);
    Memory* mem = create_memory(m.memories[i]);
    if (!mem) return link_error(fmt::format("memory {}: the host cannot reserve address space for it", i));
    inst.memories.push_back(mem);
  }
  inst.memory0 = inst.memories.empty() ? nullptr : inst.memories[0];
  for (auto& g : m.globals)
    inst.globals.push_back(create_global(GlobalType{store_type(g.type.type, inst.type_ids), g.type.mut},
                                         eval_const(g.init, inst)));
  for (size_t i = m.num_imported_tags; i < m.tag_types.size(); ++i) {
    TagInst& t = tags_.emplace_back();
    t.type_id = inst.type_ids[m.tag_types[i]];
    t.type = types_[t.type_id].get();
    t.debug_name = fmt::format("{}:tag[{}]", m.file_name, i);
    for (const Export& e : m.exports)
      if (e.kind == ExternKind::Tag && e.index == i) {
        t.debug_name = e.name;
        break;
      }
    inst.tags.push_back(&t);
  }
  for (auto& e : m.exports) {
    void* p = nullptr;
    switch (e.kind) {
      case ExternKind::Func: p = inst.funcs[e.index]; break;
      case ExternKind::Table: p = inst.tables[e.index]; break;
      case ExternKind::Memory: p = inst.memories[e.index]; break;
      case ExternKind::Global: p = inst.globals[e.index]; break;
      case ExternKind::Tag: p = inst.tags[e.index]; break;
    }
    inst.exports.emplace(e.name, ExternRef{e.kind, p});
  }
  for (auto& seg : m.elems) {
    ElemInst& ei = inst.elems.emplace_back();
    for (auto& c : seg.inits) ei.refs.push_back(eval_const(c, inst).ref);
  }
  for (auto& seg : m.datas)
    inst.datas.push_back(DataInst{std::span<const uint8_t>(m.bytes.data() + seg.file_offset, seg.size)});
  out.instance = &inst;

  auto trap = [&](TrapKind k) {
    out.trap.kind = k;
    out.trap.message = trap_text(k);
    return out;
  };
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    if (seg.mode == ElemSegment::Mode::Active) {
      Table* t = inst.tables[seg.table];
      Value v = eval_const(seg.offset, inst);
      uint64_t off = t->type.is64 ? v.i64 : v.i32;  // table64: an i64 offset, compared without overflow
      auto& refs = inst.elems[i].refs;
      if (off > t->elems.size() || refs.size() > t->elems.size() - off) return trap(TrapKind::TableOutOfBounds);
      std::copy(refs.begin(), refs.end(), t->elems.begin() + off);
    }
    if (seg.mode != ElemSegment::Mode::Passive) inst.elems[i].refs.clear();
  }
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != DataSegment::Mode::Active) continue;
    Memory* mem = inst.memories[seg.memory];
    Value v = eval_const(seg.offset, inst);
    uint64_t off = mem->type.is64 ? v.i64 : v.i32;
    if (off > mem->size || seg.size > mem->size - off) return trap(TrapKind::MemoryOutOfBounds);
    if (seg.size) std::memcpy(mem->data + off, inst.datas[i].bytes.data(), seg.size);
    inst.datas[i].bytes = {};
  }
  if (m.start) {
    std::vector<Value> results;
    Trap t = call(inst.funcs[*m.start], {}, results);
    if (t) out.trap = std::move(t);
  }
  return out;
}

Trap Store::call(FuncInst* callee, std::span<const Value> args, std::vector<Value>& results) {
  const FuncType& type = *callee->type;
  Trap trap;
  const FuncInst* f = callee;
  while (!f->entry && f->prepare) {  // not ready to run: compile it, or bind the PLT slot (FuncInst::prepare)
    f = f->prepare(*this, trap);
    if (!f) {
      if (!trap) trap.kind = TrapKind::Host;
      return trap;
    }
  }
  if (args.size() != type.params.size()) {
    trap.kind = TrapKind::Host;
    trap.message = fmt::format("expected {} arguments, got {}", type.params.size(), args.size());
    return trap;
  }
  Slot* fp = stack_top_;
  size_t need = 2 * (type.params.size() + type.results.size()) + 2;
  if (fp + need > stack_end_) {
    trap.kind = TrapKind::CallStackExhausted;
    trap.message = trap_text(trap.kind);
    return trap;
  }
  Slot* p = fp;
  for (size_t i = 0; i < args.size(); ++i) {
    if (type.params[i] == ValType::V128) {
      std::memcpy(p, args[i].v128, 16);
      p += 2;
    } else {
      p->i64 = args[i].i64;
      if (type.params[i] == ValType::I32 || type.params[i] == ValType::F32) p->i64 = args[i].i32;
      ++p;
    }
  }
  if (f->code) {
    trap = interpret(*this, f, fp);
  } else {
    Slot* saved = stack_top_;
    stack_top_ = fp + need;
    HostCall hc{*this, nullptr, fp, &trap};
    bool ok = f->host(hc);
    stack_top_ = saved;
    if (!ok && !trap) trap.kind = TrapKind::Host;
  }
  if (trap) return trap;
  results.clear();
  p = fp;
  for (ValType t : type.results) {
    Value v;
    v.type = t;
    if (t == ValType::V128) {
      std::memcpy(v.v128, p, 16);
      p += 2;
    } else {
      v.i64 = (t == ValType::I32 || t == ValType::F32) ? p->i32 : p->i64;
      ++p;
    }
    results.push_back(v);
  }
  return trap;
}

}  // namespace wi
