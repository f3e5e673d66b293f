// The `dyninfo` custom section: the data model of what a loadable wi module tells the runtime linker
// (its data and table needs, the symbols it defines, and every place that must receive an address
// once the module's bases are known), and its JSON encoding. docs/dyninfo.md is the specification;
// this file and it must agree.
// Policy: writing is deterministic (members in a fixed order, entries in the producer's order);
// reading is strict about shapes and types (an error names the member and entry) but ignores members
// it does not know, so version 1 may gain optional members.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>
#include "decoder/module.h"
#include "decoder/result.h"

namespace wi::link {

constexpr uint32_t kDynInfoVersion = 1;
constexpr std::string_view kDynInfoSection = "dyninfo";

// How a relocation site in code is encoded: a 5-byte padded LEB128 that is
//   MemLeb:    unsigned, a load/store offset (memarg)            "mem_leb"
//   MemSleb:   signed, an i32.const operand holding an address    "mem_sleb"
//   TableSleb: signed, an i32.const operand holding a table index  "table_sleb"
enum class SiteKind : uint8_t { MemLeb, MemSleb, TableSleb };
const char* to_string(SiteKind k);
std::optional<SiteKind> site_kind_from_string(std::string_view s);

struct DynInfo {
  uint32_t version = kDynInfoVersion;
  bool shared = false;                // a library (true) or a program
  std::optional<std::string> entry;   // programs: the symbol to call ("_start")
  std::vector<std::string> needed;    // libraries to load first (file names)
  uint32_t data = 0;                  // link address of the data block (wasmify: 0)
  uint32_t data_end = 0;              // one past its last byte (bss included)
  uint32_t data_align = 1;            // alignment (bytes) __memory_base must have
  uint32_t table_size = 0;            // table slots the module's element segment fills from __table_base

  // Entries; `where` of the data members is a link address in the data block, `func` a function index
  // of this module, `target` a link address. See docs/dyninfo.md for each member's JSON shape.
  struct Def {  // data symbol defined here
    std::string name;
    uint32_t addr = 0, size = 0;
    bool operator==(const Def&) const = default;
  };
  struct DefFun {  // function defined here
    std::string name;
    uint32_t func = 0;
    bool operator==(const DefFun&) const = default;
  };
  struct Ref {  // data word <- address of `name` + addend
    std::string name;
    uint32_t where = 0;
    int32_t addend = 0;
    bool operator==(const Ref&) const = default;
  };
  struct RefFun {  // data word <- table index of function `name`
    std::string name;
    uint32_t where = 0;
    bool operator==(const RefFun&) const = default;
  };
  struct Fixup {  // data word <- target relocated by this module's data base
    uint32_t where = 0, target = 0;
    bool operator==(const Fixup&) const = default;
  };
  struct FixupFun {  // data word <- table index of local function `func`
    uint32_t where = 0, func = 0;
    bool operator==(const FixupFun&) const = default;
  };
  struct CodeFixup {  // code site <- target relocated (mem_*) or table index of local function (table_sleb)
    uint32_t where = 0;
    SiteKind kind = SiteKind::MemSleb;
    uint32_t target = 0;
    bool operator==(const CodeFixup&) const = default;
  };
  struct CodeRef {  // code site <- address (mem_*) or table index (table_sleb) of `name`, + addend
    uint32_t where = 0;
    SiteKind kind = SiteKind::MemSleb;
    std::string name;
    int32_t addend = 0;
    bool operator==(const CodeRef&) const = default;
  };
  struct CustomFixup {  // word in a custom section (kept DWARF) <- target relocated by this module's data base
    uint32_t where = 0, target = 0;
    bool operator==(const CustomFixup&) const = default;
  };
  struct Init {  // constructor
    uint32_t priority = 0, func = 0;
    bool operator==(const Init&) const = default;
  };

  std::vector<Def> def;
  std::vector<DefFun> defun;
  std::vector<Ref> ref;
  std::vector<RefFun> refun;
  std::vector<Fixup> fixup;
  std::vector<FixupFun> fixupfun;
  std::vector<CodeFixup> code_fixup;  // `where` is a file offset in the module
  std::vector<CodeRef> code_ref;      // `where` is a file offset in the module
  std::vector<Init> init;             // sorted by priority, then object order
  std::vector<std::string> weak;      // weak symbols: defined ones may be overridden, undefined may stay so
  // Exception tags this module defines. wasmify makes every tag an `env` import, so that one tag of a
  // name is shared program-wide (symbols.h rule 8); this says a definition of the name exists.
  std::vector<std::string> deftag;
  // Data addresses in the custom sections wasmify kept (DWARF's DW_OP_addr operands, .debug_addr): a
  // debugger reads them from the module, so the loader moves them where the data landed. `where` is a
  // file offset in the module.
  std::vector<CustomFixup> custom_fixup;

  bool operator==(const DynInfo&) const = default;
};

// Compact JSON (what the section holds), or one entry per line for people.
std::string to_json(const DynInfo& info, bool pretty = false);
Result<DynInfo> parse_dyninfo(std::string_view json);

// The module's `dyninfo` section parsed; an error when it is missing or malformed.
Result<DynInfo> read_dyninfo(const Module& m);

}  // namespace wi::link
