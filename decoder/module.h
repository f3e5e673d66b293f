// The decoded form of one module file: everything but function bodies' instructions, which the decoder
// hands to a CodeDelegate as it meets them (validate-and-translate in one pass). Later layers read custom
// sections (`name`, `dyninfo`, `dylink.0`, `linking`, `reloc.*`) from `customs`.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>
#include "decoder/result.h"
#include "decoder/types.h"

namespace wi {

struct Import {
  std::string module, name;
  ExternKind kind = ExternKind::Func;
  uint32_t type_index = 0;  // Func, Tag
  TableType table;          // Table
  MemoryType memory;        // Memory
  GlobalType global;        // Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;
};

// One instruction of a constant expression: a constant, ref.null, ref.func, global.get, or one of
// the extended-const operators i32/i64 add, sub, mul (which use neither bits nor index).
struct ConstOp {
  enum class Kind : uint8_t { Value, RefNull, RefFunc, GlobalGet, I32Add, I32Sub, I32Mul, I64Add, I64Sub, I64Mul };
  Kind kind = Kind::Value;
  ValType type = ValType::I32;  // Value, RefNull: the pushed type
  uint64_t bits[2] = {0, 0};    // Value: the constant's bit pattern (v128: both halves)
  uint32_t index = 0;           // RefFunc: function index; GlobalGet: global index
};

// A validated constant expression (https://webassembly.github.io/spec/core/valid/instructions.html#constant-expressions).
// The common case, one instruction then `end`, is held inline (kind, bits, index), so the linker can
// read a segment offset or an exported address without evaluating anything; a longer expression
// (Wasm 3.0 extended constants: `global.get $base  i32.const 16  i32.add`) is kind Expr and its
// instructions, in order, are in `ops`.
struct ConstExpr {
  enum class Kind : uint8_t { Value, RefNull, RefFunc, GlobalGet, Expr } kind = Kind::Value;
  ValType type = ValType::I32;  // the type of the result
  uint64_t bits[2] = {0, 0};    // Value: the constant's bit pattern (v128: both halves)
  uint32_t index = 0;           // RefFunc: function index; GlobalGet: global index
  std::vector<ConstOp> ops;     // Expr only
};
static_assert(uint8_t(ConstOp::Kind::GlobalGet) == uint8_t(ConstExpr::Kind::GlobalGet),
              "a one-instruction expression's kind is its instruction's kind");

struct Global {
  GlobalType type;
  ConstExpr init;
};

struct ElemSegment {
  enum class Mode : uint8_t { Passive, Active, Declarative } mode = Mode::Active;
  uint32_t table = 0;
  ConstExpr offset;
  ValType type = ValType::FuncRef;
  std::vector<ConstExpr> inits;
};

struct DataSegment {
  enum class Mode : uint8_t { Passive, Active } mode = Mode::Active;
  uint32_t memory = 0;
  ConstExpr offset;
  size_t file_offset = 0;  // where the bytes start in Module::bytes
  uint32_t size = 0;
};

struct LocalDecl {
  uint32_t count;
  ValType type;
};

struct FunctionBody {
  size_t offset = 0;      // file offset of the body's size field
  size_t code_start = 0;  // file offset of the first instruction
  size_t end = 0;         // file offset one past the final `end`
  std::vector<LocalDecl> locals;
  uint64_t num_locals = 0;  // declared locals, params excluded
};

struct CustomSection {
  std::string name;
  size_t offset = 0;  // file offset of the payload (after the name)
  std::span<const uint8_t> payload;
};

struct LineTableCache;  // decoder/dwarf_line.h

struct Module {
  std::string file_name;  // for error messages and backtraces
  std::vector<uint8_t> bytes;

  std::vector<FuncType> types;       // an equivalent later type is a copy of the first (decoder.cc)
  std::vector<uint32_t> type_canon;  // each type index's canonical index: the first equivalent type
  std::vector<Import> imports;
  std::vector<uint32_t> func_types;  // type index of every function, imports first
  uint32_t num_imported_funcs = 0, num_imported_tables = 0, num_imported_memories = 0,
           num_imported_globals = 0, num_imported_tags = 0;
  std::vector<TableType> tables;      // imports first
  std::vector<ConstExpr> table_inits;  // defined tables only: every element's initial value
  std::vector<MemoryType> memories;   // imports first
  std::vector<GlobalType> global_types;  // imports first
  std::vector<Global> globals;        // defined globals only
  std::vector<uint32_t> tag_types;    // exception tags' type indices, imports first
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;
  std::vector<FunctionBody> codes;  // defined functions only
  size_t code_section_start = 0;    // file offset of the Code section payload (DWARF addresses count from it)
  size_t code_section_size = 0;
  std::vector<CustomSection> customs;
  std::map<uint32_t, std::string> func_names;  // from the `name` section
  std::vector<bool> declared_refs;  // C.refs: functions that ref.func may name
  std::shared_ptr<LineTableCache> line_cache;  // see line_table() in decoder/dwarf_line.h

  const FuncType& func_type(uint32_t func_index) const { return types[func_types[func_index]]; }
  const FuncType& tag_type(uint32_t tag_index) const { return types[tag_types[tag_index]]; }
  // What ref.func f pushes: (ref $t), $t being f's type
  // (https://webassembly.github.io/spec/core/valid/instructions.html#xref-syntax-instructions-syntax-instr-ref-mathsf-ref-func-x).
  ValType func_ref_type(uint32_t f) const { return ref_type(false, kHeapTypeIndex + type_canon[func_types[f]]); }
  // `t` with a type index in it replaced by its canonical one; "unknown type N" at `offset` when the
  // index is not (yet) defined. Other types come back unchanged.
  Result<ValType> canonical(ValType t, size_t offset) const;
  const CustomSection* custom(std::string_view name) const {
    for (auto& c : customs)
      if (c.name == name) return &c;
    return nullptr;
  }
  // Name for messages: the name section's, else an export's, else "func[N]".
  std::string function_display_name(uint32_t func_index) const;
};

}  // namespace wi
