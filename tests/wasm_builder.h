// Test helper: assembles wasm modules from bytes (the approach of test_decoder.cc's builder, extended
// with imports, tables, memories, globals, exports, element and data segments), and remembers the file
// offset where each function body's first instruction lands, so tests can compute the exact wasm
// offset a trap must report. Plus a few shortcuts to compile, instantiate and call in a wi::Store.
#pragma once
#include <doctest/doctest.h>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>
#include "decoder/decoder.h"
#include "interp/code.h"
#include "interp/store.h"

namespace wb {

using Bytes = std::vector<uint8_t>;

constexpr uint8_t I32 = 0x7f, I64 = 0x7e, F32 = 0x7d, F64 = 0x7c, FUNCREF = 0x70, EXTERNREF = 0x6f;

inline void append(Bytes& out, const Bytes& b) { out.insert(out.end(), b.begin(), b.end()); }

inline Bytes leb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7f;
    v >>= 7;
    out.push_back(v ? b | 0x80 : b);
  } while (v);
  return out;
}

inline Bytes sleb(int64_t v) {
  Bytes out;
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic shift
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    out.push_back(done ? b : b | 0x80);
    if (done) return out;
  }
}

inline Bytes vec(const std::vector<Bytes>& items) {
  Bytes out = leb(items.size());
  for (auto& i : items) append(out, i);
  return out;
}

inline Bytes name(const std::string& s) {
  Bytes out = leb(s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Concatenates instruction pieces: integers are single bytes, Bytes are appended.
inline void cat_one(Bytes& out, const Bytes& b) { append(out, b); }
template <class T, class = std::enable_if_t<std::is_integral_v<T>>>
void cat_one(Bytes& out, T v) { out.push_back(uint8_t(v)); }
template <class... A>
Bytes code(const A&... a) {
  Bytes out;
  (cat_one(out, a), ...);
  return out;
}

// ---- instructions ----
namespace op {
constexpr uint8_t unreachable = 0x00, nop = 0x01, block = 0x02, loop = 0x03, if_ = 0x04, else_ = 0x05,
                  end = 0x0b, br = 0x0c, br_if = 0x0d, br_table = 0x0e, return_ = 0x0f, call = 0x10,
                  call_indirect = 0x11, drop = 0x1a, select = 0x1b, select_t = 0x1c;
constexpr uint8_t local_get = 0x20, local_set = 0x21, local_tee = 0x22, global_get = 0x23,
                  global_set = 0x24, table_get = 0x25, table_set = 0x26;
constexpr uint8_t i32_load = 0x28, i64_load = 0x29, f32_load = 0x2a, f64_load = 0x2b,
                  i32_load8_u = 0x2d, i32_store = 0x36, i64_store = 0x37, f64_store = 0x39,
                  f32_store = 0x38, i32_store8 = 0x3a, i32_store16 = 0x3b, i64_store8 = 0x3c,
                  memory_size = 0x3f, memory_grow = 0x40;
constexpr uint8_t i32_eqz = 0x45, i32_eq = 0x46, i32_ne = 0x47, i32_lt_s = 0x48, i32_lt_u = 0x49,
                  i32_gt_s = 0x4a, i32_le_s = 0x4c, i32_ge_s = 0x4e, i64_eqz = 0x50;
constexpr uint8_t i32_add = 0x6a, i32_sub = 0x6b, i32_mul = 0x6c, i32_div_s = 0x6d, i32_div_u = 0x6e,
                  i32_rem_s = 0x6f, i32_rem_u = 0x70, i32_and = 0x71, i32_or = 0x72, i32_xor = 0x73,
                  i32_shl = 0x74, i32_shr_s = 0x75, i32_shr_u = 0x76;
constexpr uint8_t i64_add = 0x7c, i64_sub = 0x7d, i64_mul = 0x7e, i64_div_s = 0x7f, i64_div_u = 0x80,
                  i64_rem_s = 0x81, i64_rem_u = 0x82;
constexpr uint8_t f64_add = 0xa0, f64_sub = 0xa1, f64_mul = 0xa2;
constexpr uint8_t i32_trunc_f32_s = 0xa8, i32_trunc_f32_u = 0xa9, i32_trunc_f64_s = 0xaa,
                  i32_trunc_f64_u = 0xab, i32_wrap_i64 = 0xa7, i64_extend_i32_s = 0xac,
                  i64_extend_i32_u = 0xad, i64_trunc_f32_s = 0xae, i64_trunc_f64_s = 0xb0,
                  i64_trunc_f64_u = 0xb1, f64_convert_i32_s = 0xb7;
constexpr uint8_t ref_null = 0xd0, ref_is_null = 0xd1, ref_func = 0xd2;
}  // namespace op

inline Bytes i32_const(int32_t v) { return code(0x41, sleb(v)); }
inline Bytes i64_const(int64_t v) { return code(0x42, sleb(v)); }
inline Bytes f32_const(float v) {
  uint8_t b[4];
  std::memcpy(b, &v, 4);
  return {0x43, b[0], b[1], b[2], b[3]};
}
inline Bytes f64_const(double v) {
  Bytes out{0x44};
  uint8_t b[8];
  std::memcpy(b, &v, 8);
  out.insert(out.end(), b, b + 8);
  return out;
}
inline Bytes local_get(uint32_t i) { return code(op::local_get, leb(i)); }
inline Bytes local_set(uint32_t i) { return code(op::local_set, leb(i)); }
inline Bytes local_tee(uint32_t i) { return code(op::local_tee, leb(i)); }
inline Bytes global_get(uint32_t i) { return code(op::global_get, leb(i)); }
inline Bytes global_set(uint32_t i) { return code(op::global_set, leb(i)); }
inline Bytes call(uint32_t f) { return code(op::call, leb(f)); }
inline Bytes i32_wrap() { return {op::i32_wrap_i64}; }
inline Bytes call_indirect(uint32_t type, uint32_t table = 0) {
  return code(op::call_indirect, leb(type), leb(table));
}
inline Bytes br(uint32_t d) { return code(op::br, leb(d)); }
inline Bytes br_if(uint32_t d) { return code(op::br_if, leb(d)); }
inline Bytes br_table(std::vector<uint32_t> targets, uint32_t dflt) {
  Bytes out{op::br_table};
  append(out, leb(targets.size()));
  for (uint32_t t : targets) append(out, leb(t));
  append(out, leb(dflt));
  return out;
}
// Block types: empty, one value type, or a type index (multi-value / params).
inline Bytes blocktype() { return {0x40}; }
inline Bytes blocktype_val(uint8_t t) { return {t}; }
inline Bytes blocktype_idx(uint32_t type_index) { return sleb(int64_t(type_index)); }
// Memory access: alignment log2 and offset.
inline Bytes mem(uint8_t opcode, uint32_t offset = 0, uint32_t align = 0) {
  return code(opcode, leb(align), leb(offset));
}
// Multi-memory access: the memory index follows the alignment field (flag bit 6); u64 offset.
inline Bytes mem_in(uint8_t opcode, uint32_t memory, uint64_t offset = 0, uint32_t align = 0) {
  return code(opcode, leb(align | 0x40), leb(memory), leb(offset));
}
inline Bytes fc(uint32_t sub) { return code(0xfc, leb(sub)); }
inline Bytes memory_fill() { return code(fc(11), 0x00); }
inline Bytes memory_copy() { return code(fc(10), 0x00, 0x00); }
inline Bytes memory_init(uint32_t seg) { return code(fc(8), leb(seg), 0x00); }
inline Bytes data_drop(uint32_t seg) { return code(fc(9), leb(seg)); }
inline Bytes table_get(uint32_t t) { return code(op::table_get, leb(t)); }
inline Bytes table_set(uint32_t t) { return code(op::table_set, leb(t)); }
inline Bytes table_init(uint32_t seg, uint32_t t = 0) { return code(fc(12), leb(seg), leb(t)); }
inline Bytes table_copy(uint32_t dst = 0, uint32_t src = 0) { return code(fc(14), leb(dst), leb(src)); }
inline Bytes table_fill(uint32_t t = 0) { return code(fc(17), leb(t)); }
inline Bytes ref_func(uint32_t f) { return code(op::ref_func, leb(f)); }
inline Bytes ref_null(uint8_t t = FUNCREF) { return {op::ref_null, t}; }

inline Bytes header() { return {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}; }

inline Bytes section(uint8_t id, const Bytes& payload) {
  Bytes out{id};
  append(out, leb(payload.size()));
  append(out, payload);
  return out;
}

inline Bytes limits(uint32_t min, std::optional<uint32_t> max) {
  return max ? code(0x01, leb(min), leb(*max)) : code(0x00, leb(min));
}

// Assembles a module. Index-returning methods return the index in the relevant index space (imports
// first, as in the binary format: add imports before definitions of the same kind).
class ModuleBuilder {
 public:
  uint32_t type(Bytes params, Bytes results) {
    types_.push_back(code(0x60, leb(params.size()), params, leb(results.size()), results));
    return uint32_t(types_.size() - 1);
  }
  // The same with each type spelled out in bytes (reference types take two or more).
  uint32_t type_typed(const std::vector<Bytes>& params, const std::vector<Bytes>& results) {
    types_.push_back(code(0x60, vec(params), vec(results)));
    return uint32_t(types_.size() - 1);
  }

  uint32_t import_func(const std::string& mod, const std::string& nm, uint32_t type_index) {
    imports_.push_back(code(name(mod), name(nm), 0x00, leb(type_index)));
    return num_func_imports_++;
  }
  uint32_t import_table(const std::string& mod, const std::string& nm, uint8_t elem, uint32_t min,
                        std::optional<uint32_t> max = {}) {
    imports_.push_back(code(name(mod), name(nm), 0x01, elem, limits(min, max)));
    return num_table_imports_++;
  }
  uint32_t import_memory(const std::string& mod, const std::string& nm, uint32_t min,
                         std::optional<uint32_t> max = {}) {
    imports_.push_back(code(name(mod), name(nm), 0x02, limits(min, max)));
    return num_mem_imports_++;
  }
  uint32_t import_tag(const std::string& mod, const std::string& nm, uint32_t type_index) {
    imports_.push_back(code(name(mod), name(nm), 0x04, 0x00, leb(type_index)));
    return num_tag_imports_++;
  }
  // An exception tag (section 13) of function type `type_index` (its results empty).
  uint32_t tag(uint32_t type_index) {
    tags_.push_back(code(0x00, leb(type_index)));
    return num_tag_imports_ + uint32_t(tags_.size() - 1);
  }
  uint32_t import_global(const std::string& mod, const std::string& nm, uint8_t t, bool mut) {
    imports_.push_back(code(name(mod), name(nm), 0x03, t, uint8_t(mut ? 1 : 0)));
    return num_global_imports_++;
  }

  // `body` is the instructions including the final end; `locals` lists one value type per local.
  uint32_t func(uint32_t type_index, Bytes body, Bytes locals = {}) {
    std::vector<Bytes> types;
    for (uint8_t t : locals) types.push_back({t});
    return func_typed_locals(type_index, std::move(body), std::move(types));
  }
  // The same, with each local's type spelled out in bytes (a reference type such as {0x64, 0x70}).
  uint32_t func_typed_locals(uint32_t type_index, Bytes body, std::vector<Bytes> locals) {
    funcs_.push_back({type_index, std::move(body), std::move(locals)});
    return num_func_imports_ + uint32_t(funcs_.size() - 1);
  }
  uint32_t table(uint8_t elem, uint32_t min, std::optional<uint32_t> max = {}) {
    tables_.push_back(code(elem, limits(min, max)));
    return num_table_imports_ + uint32_t(tables_.size() - 1);
  }
  uint32_t memory(uint32_t min, std::optional<uint32_t> max = {}) { return memory_typed(limits(min, max)); }
  // A memory type spelled out in bytes (memory64: flag 0x04, u64 limits).
  uint32_t memory_typed(Bytes type) {
    memories_.push_back(std::move(type));
    return num_mem_imports_ + uint32_t(memories_.size() - 1);
  }
  uint32_t table_typed(Bytes type) {
    tables_.push_back(std::move(type));
    return num_table_imports_ + uint32_t(tables_.size() - 1);
  }
  // `init` is a constant expression including its end.
  uint32_t global(uint8_t t, bool mut, Bytes init) { return global_typed(Bytes{t}, mut, std::move(init)); }
  uint32_t global_typed(Bytes t, bool mut, Bytes init) {
    globals_.push_back(code(t, uint8_t(mut ? 1 : 0), init));
    return num_global_imports_ + uint32_t(globals_.size() - 1);
  }
  ModuleBuilder& export_(const std::string& nm, uint8_t kind, uint32_t index) {
    exports_.push_back(code(name(nm), kind, leb(index)));
    return *this;
  }
  ModuleBuilder& export_func(const std::string& nm, uint32_t f) { return export_(nm, 0, f); }
  ModuleBuilder& export_table(const std::string& nm, uint32_t t) { return export_(nm, 1, t); }
  ModuleBuilder& export_memory(const std::string& nm, uint32_t m) { return export_(nm, 2, m); }
  ModuleBuilder& export_global(const std::string& nm, uint32_t g) { return export_(nm, 3, g); }
  ModuleBuilder& export_tag(const std::string& nm, uint32_t t) { return export_(nm, 4, t); }
  ModuleBuilder& start(uint32_t f) {
    start_ = f;
    return *this;
  }
  // Active segment for table 0 (flags 0) at a constant offset, listing function indices.
  ModuleBuilder& elem(int32_t offset, std::vector<uint32_t> funcs) {
    Bytes e = code(0x00, i32_const(offset), op::end, leb(funcs.size()));
    for (uint32_t f : funcs) append(e, leb(f));
    elems_.push_back(e);
    return *this;
  }
  // An element segment spelled out in bytes (flags first).
  ModuleBuilder& elem_raw(Bytes segment) {
    elems_.push_back(std::move(segment));
    return *this;
  }
  // Passive funcref segment (flags 1, elemkind 0).
  ModuleBuilder& elem_passive(std::vector<uint32_t> funcs) {
    Bytes e = code(0x01, 0x00, leb(funcs.size()));
    for (uint32_t f : funcs) append(e, leb(f));
    elems_.push_back(e);
    return *this;
  }
  // Declarative funcref segment (flags 3): lets ref.func name these functions.
  ModuleBuilder& elem_declare(std::vector<uint32_t> funcs) {
    Bytes e = code(0x03, 0x00, leb(funcs.size()));
    for (uint32_t f : funcs) append(e, leb(f));
    elems_.push_back(e);
    return *this;
  }
  ModuleBuilder& data(int32_t offset, Bytes bytes) {
    datas_.push_back(code(0x00, i32_const(offset), op::end, leb(bytes.size()), bytes));
    return *this;
  }
  // Active segment for memory 0 whose offset is the constant expression `offset` (with its end).
  ModuleBuilder& data_at(Bytes offset, Bytes bytes) {
    datas_.push_back(code(0x00, offset, leb(bytes.size()), bytes));
    return *this;
  }
  ModuleBuilder& data_passive(Bytes bytes) {
    datas_.push_back(code(0x01, leb(bytes.size()), bytes));
    return *this;
  }
  // A custom section, placed after every other section (so it moves no code offsets).
  ModuleBuilder& custom(const std::string& nm, const Bytes& payload) {
    customs_.push_back(code(name(nm), payload));
    return *this;
  }

  Bytes build() {
    Bytes out = header();
    auto add = [&](uint8_t id, const std::vector<Bytes>& items) {
      if (!items.empty()) append(out, section(id, vec(items)));
    };
    add(1, types_);
    add(2, imports_);
    std::vector<Bytes> fidx;
    for (auto& f : funcs_) fidx.push_back(leb(f.type));
    add(3, fidx);
    add(4, tables_);
    add(5, memories_);
    add(13, tags_);
    add(6, globals_);
    add(7, exports_);
    if (start_) append(out, section(8, leb(*start_)));
    add(9, elems_);
    if (!datas_.empty()) append(out, section(12, leb(datas_.size())));
    if (!funcs_.empty()) {
      std::vector<Bytes> bodies;
      std::vector<size_t> code_in_body;
      for (auto& f : funcs_) {
        Bytes body = leb(f.locals.size());
        for (const Bytes& t : f.locals) append(body, code(0x01, t));
        size_t at = body.size();
        append(body, f.body);
        Bytes sized = leb(body.size());
        code_in_body.push_back(at + sized.size());
        append(sized, body);
        bodies.push_back(sized);
      }
      Bytes payload = vec(bodies);
      size_t at = out.size() + 1 + leb(payload.size()).size() + leb(funcs_.size()).size();
      for (size_t i = 0; i < funcs_.size(); ++i) {
        funcs_[i].code_offset = at + code_in_body[i];
        at += bodies[i].size();
      }
      append(out, section(10, payload));
    }
    add(11, datas_);
    for (auto& c : customs_) append(out, section(0, c));
    return out;
  }

  // File offset of the first instruction of function `index` (function index space; valid after build()).
  size_t code_offset(uint32_t index) const { return funcs_.at(index - num_func_imports_).code_offset; }

 private:
  struct Func {
    uint32_t type;
    Bytes body;
    std::vector<Bytes> locals;
    size_t code_offset = 0;
  };
  std::vector<Bytes> types_, imports_, tables_, memories_, tags_, globals_, exports_, elems_, datas_, customs_;
  std::vector<Func> funcs_;
  std::optional<uint32_t> start_;
  uint32_t num_func_imports_ = 0, num_table_imports_ = 0, num_mem_imports_ = 0, num_global_imports_ = 0,
           num_tag_imports_ = 0;
};

// ---- running ----

inline std::shared_ptr<wi::CompiledModule> compile(const Bytes& b, const std::string& file = "test.wasm") {
  auto r = wi::compile_module(b, wi::CompileOptions{file});
  if (!r.ok()) FAIL("compile: ", wi::format_error(file, r.error()));
  return r.value();
}

inline wi::Instance* instantiate(wi::Store& s, const Bytes& b, const std::vector<wi::ExternRef>& imports = {},
                                 const std::string& file = "test.wasm") {
  auto o = s.instantiate(compile(b, file), imports);
  if (o.link_error) FAIL("link error: ", o.link_error->message);
  if (o.trap) FAIL("trap while instantiating: ", o.trap.message);
  return o.instance;
}

inline wi::FuncInst* func_export(wi::Instance* inst, const std::string& nm) {
  const wi::ExternRef* e = inst->find_export(nm);
  REQUIRE(e);
  REQUIRE(e->kind == wi::ExternKind::Func);
  return static_cast<wi::FuncInst*>(e->ptr);
}

template <class T = void>
T* export_ptr(wi::Instance* inst, const std::string& nm, wi::ExternKind kind) {
  const wi::ExternRef* e = inst->find_export(nm);
  REQUIRE(e);
  REQUIRE(e->kind == kind);
  return static_cast<T*>(e->ptr);
}

inline wi::ExternRef ext(wi::FuncInst* f) { return {wi::ExternKind::Func, f}; }
inline wi::ExternRef ext(wi::Table* t) { return {wi::ExternKind::Table, t}; }
inline wi::ExternRef ext(wi::Memory* m) { return {wi::ExternKind::Memory, m}; }
inline wi::ExternRef ext(wi::GlobalInst* g) { return {wi::ExternKind::Global, g}; }

inline wi::Value vi32(int32_t v) { return wi::Value::make_i32(uint32_t(v)); }
inline wi::Value vi64(int64_t v) { return wi::Value::make_i64(uint64_t(v)); }
inline wi::Value vf32(float v) {
  uint32_t b;
  std::memcpy(&b, &v, 4);
  return wi::Value::make_f32_bits(b);
}
inline wi::Value vf64(double v) {
  uint64_t b;
  std::memcpy(&b, &v, 8);
  return wi::Value::make_f64_bits(b);
}

// Calls `f`; a trap fails the test. Returns the results.
inline std::vector<wi::Value> run(wi::Store& s, wi::FuncInst* f, std::vector<wi::Value> args = {}) {
  std::vector<wi::Value> results;
  wi::Trap t = s.call(f, args, results);
  if (t) FAIL("unexpected trap: ", t.message);
  return results;
}
inline std::vector<wi::Value> run(wi::Store& s, wi::Instance* inst, const std::string& nm,
                                  std::vector<wi::Value> args = {}) {
  return run(s, func_export(inst, nm), std::move(args));
}
// Calls `f` expecting a single i32 result.
inline int32_t run_i32(wi::Store& s, wi::Instance* inst, const std::string& nm, std::vector<wi::Value> args = {}) {
  auto r = run(s, inst, nm, std::move(args));
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].type == wi::ValType::I32);
  return int32_t(r[0].i32);
}
inline int64_t run_i64(wi::Store& s, wi::Instance* inst, const std::string& nm, std::vector<wi::Value> args = {}) {
  auto r = run(s, inst, nm, std::move(args));
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].type == wi::ValType::I64);
  return int64_t(r[0].i64);
}
inline double run_f64(wi::Store& s, wi::Instance* inst, const std::string& nm, std::vector<wi::Value> args = {}) {
  auto r = run(s, inst, nm, std::move(args));
  REQUIRE(r.size() == 1);
  REQUIRE(r[0].type == wi::ValType::F64);
  return r[0].f64;
}
// Calls `f` expecting a trap, which it returns.
inline wi::Trap run_trap(wi::Store& s, wi::Instance* inst, const std::string& nm, std::vector<wi::Value> args = {}) {
  std::vector<wi::Value> results;
  wi::Trap t = s.call(func_export(inst, nm), args, results);
  CHECK(t);
  return t;
}

}  // namespace wb
