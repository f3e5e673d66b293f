// Reader of relocatable wasm objects (clang -c, wasm-ld -r): the decoded module plus its `linking`
// section (version 2: symbol table, segment info, init functions, comdats) and its `reloc.*` sections,
// per tool-conventions Linking.md as implemented by LLVM 14.
// Policy: the object must be a valid module (decode_module validates it first); any malformed or
// unknown linking metadata is an error with the file offset where it was found. This file only reads;
// deciding what a relocation means for the output is wasmify's job.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "decoder/module.h"
#include "decoder/result.h"

namespace wi::link {

enum class SymKind : uint8_t { Function = 0, Data = 1, Global = 2, Section = 3, Tag = 4, Table = 5 };
const char* to_string(SymKind k);

// WASM_SYM_* flags of the symbol table.
enum : uint32_t {
  kSymWeak = 0x1,           // WASM_SYM_BINDING_WEAK
  kSymLocal = 0x2,          // WASM_SYM_BINDING_LOCAL
  kSymHidden = 0x4,         // WASM_SYM_VISIBILITY_HIDDEN
  kSymUndefined = 0x10,     // WASM_SYM_UNDEFINED
  kSymExported = 0x20,      // WASM_SYM_EXPORTED
  kSymExplicitName = 0x40,  // WASM_SYM_EXPLICIT_NAME
  kSymNoStrip = 0x80,       // WASM_SYM_NO_STRIP
  kSymTls = 0x100,          // WASM_SYM_TLS
};

// WASM_SEG_FLAG_* of segment info.
enum : uint32_t { kSegStrings = 0x1, kSegTls = 0x2 };

struct Symbol {
  SymKind kind = SymKind::Function;
  uint32_t flags = 0;
  std::string name;
  // Function/Global/Tag/Table: the wasm index (an import iff undefined). Section: the section index.
  uint32_t index = 0;
  // Data symbols that are defined: segment, offset in it, size.
  uint32_t segment = 0, offset = 0, size = 0;

  bool weak() const { return flags & kSymWeak; }
  bool local() const { return flags & kSymLocal; }
  bool hidden() const { return flags & kSymHidden; }
  bool undefined() const { return flags & kSymUndefined; }
  bool defined() const { return !undefined(); }
};

struct SegmentInfo {
  std::string name;
  uint32_t p2align = 0;  // alignment as a power of two
  uint32_t flags = 0;    // kSegStrings, kSegTls
};

struct InitFunc {
  uint32_t priority = 0;
  uint32_t symbol = 0;  // symbol table index of a function symbol
};

struct Comdat {
  std::string name;
  // (kind, index): kind 0 data segment, 1 function, 2 global, 3 tag, 4 table, 5 section.
  std::vector<std::pair<uint8_t, uint32_t>> members;
};

// R_WASM_* relocation types of LLVM 14 (llvm/BinaryFormat/WasmRelocs.def).
enum RelocType : uint8_t {
  R_WASM_FUNCTION_INDEX_LEB = 0,
  R_WASM_TABLE_INDEX_SLEB = 1,
  R_WASM_TABLE_INDEX_I32 = 2,
  R_WASM_MEMORY_ADDR_LEB = 3,
  R_WASM_MEMORY_ADDR_SLEB = 4,
  R_WASM_MEMORY_ADDR_I32 = 5,
  R_WASM_TYPE_INDEX_LEB = 6,
  R_WASM_GLOBAL_INDEX_LEB = 7,
  R_WASM_FUNCTION_OFFSET_I32 = 8,
  R_WASM_SECTION_OFFSET_I32 = 9,
  R_WASM_TAG_INDEX_LEB = 10,
  R_WASM_MEMORY_ADDR_REL_SLEB = 11,
  R_WASM_TABLE_INDEX_REL_SLEB = 12,
  R_WASM_GLOBAL_INDEX_I32 = 13,
  R_WASM_MEMORY_ADDR_LEB64 = 14,
  R_WASM_MEMORY_ADDR_SLEB64 = 15,
  R_WASM_MEMORY_ADDR_I64 = 16,
  R_WASM_MEMORY_ADDR_REL_SLEB64 = 17,
  R_WASM_TABLE_INDEX_SLEB64 = 18,
  R_WASM_TABLE_INDEX_I64 = 19,
  R_WASM_TABLE_NUMBER_LEB = 20,
  R_WASM_MEMORY_ADDR_TLS_SLEB = 21,
  R_WASM_FUNCTION_OFFSET_I64 = 22,
  R_WASM_MEMORY_ADDR_LOCREL_I32 = 23,
  R_WASM_TABLE_INDEX_REL_SLEB64 = 24,
  R_WASM_MEMORY_ADDR_TLS_SLEB64 = 25,
};
constexpr uint32_t kMaxRelocType = 25;
const char* reloc_type_name(uint32_t type);  // "R_WASM_..." or "unknown"
bool reloc_has_addend(uint32_t type);

struct Reloc {
  uint8_t type = 0;
  uint32_t offset = 0;  // relative to the target section's payload
  uint32_t index = 0;   // symbol index (type index for R_WASM_TYPE_INDEX_LEB)
  int32_t addend = 0;
  size_t file_offset = 0;  // where the entry is in the object, for messages
};

// One section of the object as laid out in the file; relocations name sections by position.
struct SectionRef {
  uint8_t id = 0;
  std::string name;        // custom sections only
  size_t offset = 0;       // file offset of the payload (after a custom section's name)
  size_t start = 0;        // file offset of the payload including a custom section's name
  size_t size = 0;         // bytes from `offset` to the end of the section
};

struct RelocSection {
  std::string name;  // "reloc.CODE" ...
  uint32_t target = 0;  // index into ObjectFile::sections
  std::vector<Reloc> relocs;
};

struct ObjectFile {
  std::unique_ptr<Module> module;  // owns the bytes
  std::vector<SectionRef> sections;
  uint32_t linking_version = 0;
  std::vector<Symbol> symbols;
  std::vector<SegmentInfo> segments;  // one per data segment (may be empty: no segment info)
  std::vector<InitFunc> init_funcs;
  std::vector<Comdat> comdats;
  std::vector<RelocSection> relocs;

  // The first section with this id (for custom sections: name), or null.
  const SectionRef* find_section(uint8_t id, std::string_view name = {}) const;
  int section_index(uint8_t id) const;  // -1 when absent (non-custom ids only)
};

// Decodes, validates and reads the linking metadata. An input without a `linking` section is not an
// object and is an error.
Result<ObjectFile> read_object(std::vector<uint8_t> bytes, const std::string& file_name);

}  // namespace wi::link
