// Section-by-section decoding and module-level validation (spec 3.4 "Modules", 5.5 "Modules").
// Policy: first error wins; the error's offset is the byte where decoding could not go on.
// https://webassembly.github.io/spec/core/binary/modules.html
#include "decoder/decoder.h"
#include <map>
#include <string_view>
#include <unordered_set>
#include "decoder/dwarf_line.h"
#include "decoder/instruction.h"
#include "decoder/reader.h"
#include "fmt/format.h"

namespace wi {
namespace {

// Position of each known section id in the required order
// (https://webassembly.github.io/spec/core/binary/modules.html#binary-module); 0 marks custom. The
// tag section (13, exception handling) sits between memory and global.
int section_rank(uint8_t id) {
  static const int rank[] = {0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 13, 11, 6};
  return id < 14 ? rank[id] : -1;
}

class Decoder {
 public:
  Decoder(Module& m, CodeDelegate* d) : m_(m), delegate_(d) {}

  Result<void> decode() {
    Reader r(m_.bytes);
    if (m_.bytes.size() < 4 || std::memcmp(m_.bytes.data(), "\0asm", 4) != 0)
      return make_error(0, "magic header not detected");
    r.skip(4);
    if (m_.bytes.size() < 8) return make_error(4, "unexpected end");
    WI_TRY_ASSIGN(uint32_t version, r.fixed32());
    if (version != 1) return make_error(4, "unknown binary version");

    int last_rank = 0;
    while (!r.at_end()) {
      size_t id_at = r.offset();
      WI_TRY_ASSIGN(uint8_t id, r.u8());
      int rank = section_rank(id);
      if (rank < 0) return make_error(id_at, "malformed section id");
      WI_TRY_ASSIGN(uint32_t size, r.u32());
      if (size > r.remaining()) return r.error("length out of bounds");
      size_t start = r.offset();
      Reader s(std::span<const uint8_t>(r.cursor(), size), start);
      r.skip(size);
      if (rank != 0) {
        if (rank <= last_rank) return make_error(id_at, "unexpected content after last section");
        last_rank = rank;
      }
      WI_TRY(section(id, s));
      if (!s.at_end()) return s.error("section size mismatch");
    }
    if (m_.func_types.size() - m_.num_imported_funcs != m_.codes.size() && !saw_code_)
      if (m_.func_types.size() != m_.num_imported_funcs)
        return make_error(m_.bytes.size(), "function and code section have inconsistent lengths");
    if (m_.data_count && *m_.data_count != m_.datas.size())
      return make_error(m_.bytes.size(), "data count and data section have inconsistent lengths");
    return {};
  }

 private:
  Result<void> section(uint8_t id, Reader& s) {
    switch (id) {
      case 0: return custom(s);
      case 1: return types(s);
      case 2: return imports(s);
      case 3: return functions(s);
      case 4: return tables(s);
      case 5: return memories(s);
      case 6: return globals(s);
      case 7: return exports(s);
      case 8: return start(s);
      case 9: return elems(s);
      case 10: return code(s);
      case 11: return data(s);
      case 12: {
        WI_TRY_ASSIGN(uint32_t n, s.u32());
        m_.data_count = n;
        return {};
      }
      case 13: return tags(s);
    }
    return s.error("malformed section id");
  }

  Result<void> custom(Reader& s) {
    WI_TRY_ASSIGN(std::string name, s.name());
    CustomSection c;
    c.name = std::move(name);
    c.offset = s.offset();
    c.payload = std::span<const uint8_t>(s.cursor(), s.remaining());
    s.skip(s.remaining());
    if (c.name == "name") parse_names(c);  // best effort: a bad name section is not an error
    m_.customs.push_back(std::move(c));
    return {};
  }

  void parse_names(const CustomSection& c) {
    Reader r(c.payload, c.offset);
    while (!r.at_end()) {
      auto id = r.u8();
      auto size = r.u32();
      if (!id.ok() || !size.ok() || *size > r.remaining()) return;
      Reader sub(std::span<const uint8_t>(r.cursor(), *size), r.offset());
      r.skip(*size);
      if (*id != 1) continue;
      auto n = sub.u32();
      if (!n.ok()) return;
      for (uint32_t i = 0; i < *n; ++i) {
        auto idx = sub.u32();
        if (!idx.ok()) return;
        auto nm = sub.name();
        if (!nm.ok()) return;
        // Producers list names by index: the hint makes each insertion constant time.
        m_.func_names.insert_or_assign(m_.func_names.end(), *idx, std::move(*nm));
      }
    }
  }

  Result<uint32_t> count(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, s.u32());
    // Every element takes at least one byte: a larger count cannot be honest.
    if (n > s.remaining()) return s.error("length out of bounds");
    return n;
  }

  // A value or reference type, with a type index in it checked and made canonical (module.h).
  Result<ValType> decode_value_type(Reader& s) {
    size_t at = s.offset();
    WI_TRY_ASSIGN(ValType t, read_value_type(s));
    return m_.canonical(t, at);
  }
  Result<ValType> decode_ref_type(Reader& s) {
    size_t at = s.offset();
    WI_TRY_ASSIGN(ValType t, read_ref_type(s));
    return m_.canonical(t, at);
  }

  // https://webassembly.github.io/spec/core/binary/modules.html#type-section. Without GC's `rec`,
  // every function type is a recursion group of its own: it may name itself and earlier types.
  // Types are equivalent when their structure is, a reference to itself counting as the same in
  // both (https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling);
  // each index maps to the first equivalent one (Module::type_canon), and an equivalent later type
  // is stored as a copy of it, so the validator compares types by value.
  Result<void> types(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    std::map<std::vector<uint32_t>, uint32_t> seen;
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = s.offset();
      WI_TRY_ASSIGN(uint8_t form, s.u8());
      if (form != 0x60) return make_error(at, "malformed function type");
      uint32_t self = uint32_t(m_.types.size());
      m_.type_canon.push_back(self);  // provisional: lets the type name itself
      FuncType t;
      WI_TRY_ASSIGN(uint32_t np, count(s));
      for (uint32_t j = 0; j < np; ++j) {
        WI_TRY_ASSIGN(ValType v, decode_value_type(s));
        t.params.push_back(v);
      }
      WI_TRY_ASSIGN(uint32_t nr, count(s));
      for (uint32_t j = 0; j < nr; ++j) {
        WI_TRY_ASSIGN(ValType v, decode_value_type(s));
        t.results.push_back(v);
      }
      std::vector<uint32_t> key{uint32_t(t.params.size())};
      auto add = [&](ValType v) { key.push_back(uint32_t(type_index_of(v) == self ? self_marker(v) : v)); };
      for (ValType v : t.params) add(v);
      for (ValType v : t.results) add(v);
      auto [it, fresh] = seen.emplace(std::move(key), self);
      if (!fresh) {
        m_.type_canon[self] = it->second;
        t = m_.types[it->second];
      }
      m_.types.push_back(std::move(t));
    }
    return {};
  }

  // https://webassembly.github.io/spec/core/binary/types.html#limits: flag bit 0 says a maximum
  // follows, bit 2 that the table or memory is 64-bit (its limits then u64). Bit 1 (shared) is the
  // threads proposal's, not 3.0's.
  Result<Limits> limits(Reader& s, uint64_t max_allowed, uint64_t max_allowed64, const char* what, bool& is64) {
    size_t at = s.offset();
    WI_TRY_ASSIGN(uint8_t flag, s.u8());
    if (flag & ~0x05) return make_error(at, "integer too large");
    is64 = flag & 4;
    if (is64) max_allowed = max_allowed64;
    Limits l;
    if (is64) {
      WI_TRY_ASSIGN(l.min, s.u64());
    } else {
      WI_TRY_ASSIGN(l.min, s.u32());
    }
    if (flag & 1) {
      if (is64) {
        WI_TRY_ASSIGN(uint64_t mx, s.u64());
        l.max = mx;
      } else {
        WI_TRY_ASSIGN(uint32_t mx, s.u32());
        l.max = mx;
      }
    }
    if (l.min > max_allowed || (l.max && *l.max > max_allowed))
      return make_error(at, fmt::format("{} size must be at most {}", what, max_allowed));
    if (l.max && l.min > *l.max)
      return make_error(at, "size minimum must not be greater than maximum");
    return l;
  }

  Result<TableType> table_type(Reader& s) {
    TableType t;
    WI_TRY_ASSIGN(t.elem, decode_ref_type(s));
    WI_TRY_ASSIGN(t.limits, limits(s, 0xffffffffull, ~uint64_t(0), "table", t.is64));
    return t;
  }

  Result<MemoryType> memory_type(Reader& s) {
    MemoryType t;
    WI_TRY_ASSIGN(t.limits, limits(s, kMaxPages, kMaxPages64, "memory", t.is64));
    return t;
  }

  Result<GlobalType> global_type(Reader& s) {
    GlobalType g;
    WI_TRY_ASSIGN(g.type, decode_value_type(s));
    size_t at = s.offset();
    WI_TRY_ASSIGN(uint8_t mut, s.u8());
    if (mut > 1) return make_error(at, "malformed mutability");
    g.mut = mut == 1;
    return g;
  }

  // https://webassembly.github.io/spec/core/binary/types.html#tag-types: attribute 0 (an
  // exception) and a function type, whose results must be empty.
  Result<uint32_t> tag_type(Reader& s) {
    size_t at = s.offset();
    WI_TRY_ASSIGN(uint8_t attribute, s.u8());
    if (attribute != 0) return make_error(at, "malformed tag attribute");
    size_t tat = s.offset();
    WI_TRY_ASSIGN(uint32_t type_index, s.u32());
    if (type_index >= m_.types.size()) return make_error(tat, fmt::format("unknown type {}", type_index));
    if (!m_.types[type_index].results.empty()) return make_error(tat, "non-empty tag result type");
    return type_index;
  }

  Result<void> tags(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      WI_TRY_ASSIGN(uint32_t t, tag_type(s));
      m_.tag_types.push_back(t);
    }
    return {};
  }

  Result<void> imports(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      Import im;
      WI_TRY_ASSIGN(im.module, s.name());
      WI_TRY_ASSIGN(im.name, s.name());
      size_t at = s.offset();
      WI_TRY_ASSIGN(uint8_t kind, s.u8());
      switch (kind) {
        case 0: {
          WI_TRY_ASSIGN(im.type_index, s.u32());
          if (im.type_index >= m_.types.size())
            return make_error(at + 1, fmt::format("unknown type {}", im.type_index));
          m_.func_types.push_back(im.type_index);
          ++m_.num_imported_funcs;
          break;
        }
        case 1: {
          WI_TRY_ASSIGN(im.table, table_type(s));
          m_.tables.push_back(im.table);
          ++m_.num_imported_tables;
          break;
        }
        case 2: {
          WI_TRY_ASSIGN(im.memory, memory_type(s));
          m_.memories.push_back(im.memory);
          ++m_.num_imported_memories;
          break;
        }
        case 3: {
          WI_TRY_ASSIGN(im.global, global_type(s));
          m_.global_types.push_back(im.global);
          ++m_.num_imported_globals;
          break;
        }
        case 4: {
          WI_TRY_ASSIGN(im.type_index, tag_type(s));
          m_.tag_types.push_back(im.type_index);
          ++m_.num_imported_tags;
          break;
        }
        default:
          return make_error(at, "malformed import kind");
      }
      im.kind = ExternKind(kind);
      m_.imports.push_back(std::move(im));
    }
    return {};
  }

  Result<void> functions(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      size_t at = s.offset();
      WI_TRY_ASSIGN(uint32_t t, s.u32());
      if (t >= m_.types.size()) return make_error(at, fmt::format("unknown type {}", t));
      m_.func_types.push_back(t);
    }
    return {};
  }

  Result<void> tables(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      // https://webassembly.github.io/spec/core/binary/modules.html#table-section: a table is its
      // type, or 0x40 0x00, its type and an initializer (which a table of a non-nullable type needs).
      size_t at = s.offset();
      ConstExpr init;
      init.kind = ConstExpr::Kind::RefNull;
      TableType t;
      if (s.remaining() >= 2 && s.cursor()[0] == 0x40 && s.cursor()[1] == 0x00) {
        s.skip(2);
        WI_TRY_ASSIGN(t, table_type(s));
        WI_TRY_ASSIGN(init, const_expr(s, t.elem));
      } else {
        WI_TRY_ASSIGN(t, table_type(s));
        if (!ref_nullable(t.elem)) return make_error(at, "type mismatch");
        init.type = t.elem;
      }
      m_.tables.push_back(t);
      m_.table_inits.push_back(std::move(init));
    }
    return {};
  }

  Result<void> memories(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      WI_TRY_ASSIGN(MemoryType t, memory_type(s));
      m_.memories.push_back(t);
    }
    return {};
  }

  // Constant expressions (https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions):
  // constants, ref.null, ref.func, global.get of an immutable global, and (Wasm 3.0 extended
  // constants) i32/i64 add, sub and mul, checked on a type stack; the expression must leave exactly
  // one value of the expected type. A global's initializer sees the imported globals and the ones
  // defined before it: global_types holds exactly those while the global section is read, and all of
  // them afterwards.
  Result<ConstExpr> const_expr(Reader& s, ValType expected) {
    Instruction in;
    std::vector<uint32_t> tb;
    std::vector<ValType> stack;
    std::vector<ConstOp> ops;
    size_t first_at = s.offset();
    for (;;) {
      WI_TRY(read_instruction(s, in, tb));
      size_t at = in.offset;
      if (in.op == Opcode::End) break;
      ConstOp op;
      auto binary = [&](ConstOp::Kind k, ValType t) -> Result<void> {
        if (stack.size() < 2 || stack[stack.size() - 1] != t || stack[stack.size() - 2] != t)
          return make_error(at, "type mismatch");
        stack.pop_back();
        op.kind = k;
        op.type = t;
        return {};
      };
      switch (in.op) {
        case Opcode::I32Const: op.type = ValType::I32; op.bits[0] = in.bits; break;
        case Opcode::I64Const: op.type = ValType::I64; op.bits[0] = in.bits; break;
        case Opcode::F32Const: op.type = ValType::F32; op.bits[0] = in.bits; break;
        case Opcode::F64Const: op.type = ValType::F64; op.bits[0] = in.bits; break;
        case Opcode::V128Const:
          op.type = ValType::V128;
          std::memcpy(op.bits, in.v128, 16);
          break;
        case Opcode::RefNull: {
          WI_TRY_ASSIGN(op.type, m_.canonical(in.type, at));
          op.kind = ConstOp::Kind::RefNull;
          break;
        }
        case Opcode::RefFunc:
          if (in.a >= m_.func_types.size()) return make_error(at, fmt::format("unknown function {}", in.a));
          op.type = m_.func_ref_type(in.a);
          op.kind = ConstOp::Kind::RefFunc;
          op.index = in.a;
          mark_ref(in.a);
          break;
        case Opcode::GlobalGet:
          if (in.a >= m_.global_types.size()) return make_error(at, fmt::format("unknown global {}", in.a));
          if (m_.global_types[in.a].mut) return make_error(at, "constant expression required");
          op.type = m_.global_types[in.a].type;
          op.kind = ConstOp::Kind::GlobalGet;
          op.index = in.a;
          break;
        case Opcode::I32Add: WI_TRY(binary(ConstOp::Kind::I32Add, ValType::I32)); break;
        case Opcode::I32Sub: WI_TRY(binary(ConstOp::Kind::I32Sub, ValType::I32)); break;
        case Opcode::I32Mul: WI_TRY(binary(ConstOp::Kind::I32Mul, ValType::I32)); break;
        case Opcode::I64Add: WI_TRY(binary(ConstOp::Kind::I64Add, ValType::I64)); break;
        case Opcode::I64Sub: WI_TRY(binary(ConstOp::Kind::I64Sub, ValType::I64)); break;
        case Opcode::I64Mul: WI_TRY(binary(ConstOp::Kind::I64Mul, ValType::I64)); break;
        default: return make_error(at, "constant expression required");
      }
      if (op.kind < ConstOp::Kind::I32Add) stack.push_back(op.type);
      ops.push_back(op);
    }
    if (stack.size() != 1 || !matches(stack[0], expected)) return make_error(first_at, "type mismatch");
    ConstExpr e;
    e.type = expected;
    if (ops.size() == 1) {
      const ConstOp& only = ops[0];
      e.kind = ConstExpr::Kind(uint8_t(only.kind));  // the first four kinds coincide
      std::memcpy(e.bits, only.bits, sizeof e.bits);
      e.index = only.index;
    } else {
      e.kind = ConstExpr::Kind::Expr;
      e.ops = std::move(ops);
    }
    return e;
  }

  void mark_ref(uint32_t f) {
    if (m_.declared_refs.size() < m_.func_types.size()) m_.declared_refs.resize(m_.func_types.size());
    if (f < m_.declared_refs.size()) m_.declared_refs[f] = true;
  }

  Result<void> globals(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      Global g;
      WI_TRY_ASSIGN(g.type, global_type(s));
      WI_TRY_ASSIGN(g.init, const_expr(s, g.type.type));
      m_.global_types.push_back(g.type);
      m_.globals.push_back(g);
    }
    return {};
  }

  Result<void> exports(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    // Names are compared where they sit in the module's bytes (a library exports thousands).
    std::unordered_set<std::string_view> seen;
    seen.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      Export e;
      WI_TRY_ASSIGN(e.name, s.name());
      const std::string_view raw(reinterpret_cast<const char*>(s.cursor()) - e.name.size(), e.name.size());
      size_t at = s.offset();
      WI_TRY_ASSIGN(uint8_t kind, s.u8());
      if (kind > 4) return make_error(at, "malformed export kind");
      e.kind = ExternKind(kind);
      WI_TRY_ASSIGN(e.index, s.u32());
      size_t limit = kind == 0 ? m_.func_types.size()
                     : kind == 1 ? m_.tables.size()
                     : kind == 2 ? m_.memories.size()
                     : kind == 3 ? m_.global_types.size()
                                 : m_.tag_types.size();
      if (e.index >= limit)
        return make_error(at, fmt::format("unknown {} {}", to_string(e.kind), e.index));
      if (kind == 0) mark_ref(e.index);
      if (!seen.insert(raw).second) return make_error(at, "duplicate export name");
      m_.exports.push_back(std::move(e));
    }
    return {};
  }

  Result<void> start(Reader& s) {
    size_t at = s.offset();
    WI_TRY_ASSIGN(uint32_t f, s.u32());
    if (f >= m_.func_types.size()) return make_error(at, fmt::format("unknown function {}", f));
    const FuncType& t = m_.func_type(f);
    if (!t.params.empty() || !t.results.empty()) return make_error(at, "start function");
    m_.start = f;
    return {};
  }

  Result<void> table_index(size_t at, uint32_t t) {
    if (t >= m_.tables.size()) return make_error(at, fmt::format("unknown table {}", t));
    return {};
  }

  // Element segments: the eight encodings of spec 5.5.12.
  Result<void> elems(Reader& s) {
    WI_TRY_ASSIGN(uint32_t n, count(s));
    for (uint32_t i = 0; i < n; ++i) {
      ElemSegment e;
      size_t at = s.offset();
      WI_TRY_ASSIGN(uint32_t flags, s.u32());
      if (flags > 7) return make_error(at, "malformed elements segment kind");
      bool passive_or_decl = flags & 1, explicit_table = flags & 2, exprs = flags & 4;
      if (!passive_or_decl) {
        e.mode = ElemSegment::Mode::Active;
        if (explicit_table) {
          size_t tat = s.offset();
          WI_TRY_ASSIGN(e.table, s.u32());
          WI_TRY(table_index(tat, e.table));
        } else {
          WI_TRY(table_index(at, 0));
        }
        WI_TRY_ASSIGN(e.offset, const_expr(s, address_type(m_.tables[e.table].is64)));
      } else {
        e.mode = explicit_table ? ElemSegment::Mode::Declarative : ElemSegment::Mode::Passive;
      }
      // Flags 1-3 and 5-7 carry an elemkind/reftype byte; 0 and 4 imply funcref.
      if (flags & 3) {
        size_t kat = s.offset();
        if (exprs) {
          WI_TRY_ASSIGN(e.type, decode_ref_type(s));
        } else {
          WI_TRY_ASSIGN(uint8_t kind, s.u8());
          if (kind != 0) return make_error(kat, "malformed element kind");
        }
      }
      // A vector of function indices is a segment of (ref func) (3.0; funcref in 2.0, which the
      // subtyping keeps compatible).
      if (!exprs) e.type = ref_type(false, kHeapFunc);
      WI_TRY_ASSIGN(uint32_t m, count(s));
      for (uint32_t j = 0; j < m; ++j) {
        if (exprs) {
          WI_TRY_ASSIGN(ConstExpr c, const_expr(s, e.type));
          e.inits.push_back(c);
        } else {
          size_t fat = s.offset();
          WI_TRY_ASSIGN(uint32_t f, s.u32());
          if (f >= m_.func_types.size()) return make_error(fat, fmt::format("unknown function {}", f));
          mark_ref(f);
          ConstExpr c;
          c.kind = ConstExpr::Kind::RefFunc;
          c.type = m_.func_ref_type(f);
          c.index = f;
          e.inits.push_back(c);
        }
      }
      if (e.mode == ElemSegment::Mode::Active && !matches(e.type, m_.tables[e.table].elem))
        return make_error(at, "type mismatch");
      m_.elems.push_back(std::move(e));
    }
    return {};
  }

  Result<void> code(Reader& s) {
    saw_code_ = true;
    size_t at = s.offset();
    m_.code_section_start = at;
    m_.code_section_size = s.remaining();
    WI_TRY_ASSIGN(uint32_t n, count(s));
    if (n != m_.func_types.size() - m_.num_imported_funcs)
      return make_error(at, "function and code section have inconsistent lengths");
    m_.declared_refs.resize(m_.func_types.size());
    m_.codes.reserve(n);
    for (uint32_t i = 0; i < n; ++i) {
      FunctionBody b;
      b.offset = s.offset();
      WI_TRY_ASSIGN(uint32_t size, s.u32());
      if (size > s.remaining()) return s.error("unexpected end of section or function");
      Reader body(std::span<const uint8_t>(s.cursor(), size), s.offset());
      s.skip(size);
      WI_TRY_ASSIGN(uint32_t ngroups, body.u32());
      if (ngroups > body.remaining()) return body.error("unexpected end");
      for (uint32_t g = 0; g < ngroups; ++g) {
        WI_TRY_ASSIGN(uint32_t cnt, body.u32());
        b.num_locals += cnt;
        if (b.num_locals > 50000) return body.error("too many locals");
        WI_TRY_ASSIGN(ValType t, decode_value_type(body));
        if (cnt) b.locals.push_back({cnt, t});
      }
      b.code_start = body.offset();
      b.end = body.offset() + body.remaining();
      m_.codes.push_back(std::move(b));
      uint32_t func_index = m_.num_imported_funcs + i;
      if (delegate_) WI_TRY(delegate_->on_function(m_, func_index, m_.codes.back()));
      else WI_TRY(validate_function(m_, func_index, m_.codes.back()));
    }
    return {};
  }

  Result<void> data(Reader& s) {
    size_t at = s.offset();
    WI_TRY_ASSIGN(uint32_t n, count(s));
    if (m_.data_count && *m_.data_count != n)
      return make_error(at, "data count and data section have inconsistent lengths");
    for (uint32_t i = 0; i < n; ++i) {
      DataSegment d;
      size_t fat = s.offset();
      WI_TRY_ASSIGN(uint32_t flags, s.u32());
      if (flags > 2) return make_error(fat, "malformed data segment kind");
      if (flags == 1) {
        d.mode = DataSegment::Mode::Passive;
      } else {
        if (flags == 2) {
          WI_TRY_ASSIGN(d.memory, s.u32());
        }
        if (d.memory >= m_.memories.size())
          return make_error(fat, fmt::format("unknown memory {}", d.memory));
        WI_TRY_ASSIGN(d.offset, const_expr(s, address_type(m_.memories[d.memory].is64)));
      }
      WI_TRY_ASSIGN(d.size, s.u32());
      d.file_offset = s.offset();
      WI_TRY(s.bytes(d.size));
      m_.datas.push_back(d);
    }
    return {};
  }

  Module& m_;
  CodeDelegate* delegate_;
  bool saw_code_ = false;
};

}  // namespace

bool valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    uint8_t c = s[i];
    if (c < 0x80) { ++i; continue; }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) { len = 2; cp = c & 0x1f; }
    else if ((c & 0xf0) == 0xe0) { len = 3; cp = c & 0x0f; }
    else if ((c & 0xf8) == 0xf0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > n) return false;
    for (size_t k = 1; k < len; ++k) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000)) return false;
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

Result<std::string> Reader::name() {
  WI_TRY_ASSIGN(uint32_t n, u32());
  if (n > remaining()) return error("unexpected end");
  std::span<const uint8_t> s(data_ + pos_, n);
  if (!valid_utf8(s)) return error("malformed UTF-8 encoding");
  pos_ += n;
  return std::string(reinterpret_cast<const char*>(s.data()), n);
}

Result<std::unique_ptr<Module>> decode_module(std::vector<uint8_t> bytes, CodeDelegate* delegate,
                                              const DecodeOptions& options) {
  auto m = std::make_unique<Module>();
  m->file_name = options.file_name;
  m->bytes = std::move(bytes);
  m->line_cache = std::make_shared<LineTableCache>();
  Decoder d(*m, delegate);
  WI_TRY(d.decode());
  return m;
}

std::string format_error(const std::string& file, const Error& e) {
  if (e.offset == SIZE_MAX) return fmt::format("{}: {}", file, e.message);
  return fmt::format("{}: 0x{:x}: {}", file, e.offset, e.message);
}

Result<ValType> Module::canonical(ValType t, size_t offset) const {
  std::optional<uint32_t> index = type_index_of(t);
  if (!index) return t;
  if (*index >= type_canon.size()) return make_error(offset, fmt::format("unknown type {}", *index));
  return with_type_index(t, type_canon[*index]);
}

std::string Module::function_display_name(uint32_t func_index) const {
  if (auto it = func_names.find(func_index); it != func_names.end()) return it->second;
  for (auto& e : exports)
    if (e.kind == ExternKind::Func && e.index == func_index) return e.name;
  if (func_index < num_imported_funcs) {
    uint32_t k = 0;
    for (auto& im : imports)
      if (im.kind == ExternKind::Func && k++ == func_index) return im.module + "." + im.name;
  }
  return fmt::format("func[{}]", func_index);
}

}  // namespace wi
