// The standard `dylink.0` custom section: its data model and reader. This file owns decoding the
// section (the loader decides what to do with it). Specification: tool-conventions DynamicLinking.md,
// https://github.com/WebAssembly/tool-conventions/blob/main/DynamicLinking.md
// What wasm-ld 14 actually emits around it: tests/linker/dylink/README.md.
// Policy: unknown subsection types are skipped; a known subsection must be well formed and its fields
// must fill it exactly, else the error names the subsection and the field expected, at its file offset.
#pragma once
#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>
#include "decoder/module.h"
#include "decoder/result.h"

namespace wi::link {

constexpr std::string_view kDylink0Section = "dylink.0";

// Subsection types.
constexpr uint8_t kDylinkMemInfo = 1;     // WASM_DYLINK_MEM_INFO
constexpr uint8_t kDylinkNeeded = 2;      // WASM_DYLINK_NEEDED
constexpr uint8_t kDylinkExportInfo = 3;  // WASM_DYLINK_EXPORT_INFO
constexpr uint8_t kDylinkImportInfo = 4;  // WASM_DYLINK_IMPORT_INFO
constexpr uint8_t kDylinkRuntimePath = 5; // WASM_DYLINK_RUNTIME_PATH

// Symbol flags of EXPORT_INFO/IMPORT_INFO entries (the same as tool-conventions Linking.md's).
constexpr uint32_t kSymBindingWeak = 0x1;       // WASM_SYMBOL_BINDING_WEAK
constexpr uint32_t kSymBindingLocal = 0x2;      // WASM_SYMBOL_BINDING_LOCAL
constexpr uint32_t kSymVisibilityHidden = 0x4;  // WASM_SYMBOL_VISIBILITY_HIDDEN
constexpr uint32_t kSymUndefined = 0x10;        // WASM_SYMBOL_UNDEFINED
constexpr uint32_t kSymExported = 0x20;         // WASM_SYMBOL_EXPORTED
constexpr uint32_t kSymExplicitName = 0x40;     // WASM_SYMBOL_EXPLICIT_NAME
constexpr uint32_t kSymNoStrip = 0x80;          // WASM_SYMBOL_NO_STRIP
constexpr uint32_t kSymTls = 0x100;             // WASM_SYMBOL_TLS
constexpr uint32_t kSymAbsolute = 0x200;        // WASM_SYMBOL_ABSOLUTE

struct DylinkInfo {
  // MEM_INFO (all 0 when the subsection is absent). Alignments are log2: 2 means 4 bytes / slots.
  uint32_t memory_size = 0;   // bytes to reserve (zeroed) at env.__memory_base
  uint32_t memory_align = 0;  // log2 of the alignment __memory_base must have
  uint32_t table_size = 0;    // table slots to reserve at env.__table_base
  uint32_t table_align = 0;   // log2 of the alignment __table_base must have
  std::vector<std::string> needed;                                   // NEEDED: libraries to load first
  std::map<std::string, uint32_t> export_info;                       // EXPORT_INFO: export name -> flags
  std::map<std::pair<std::string, std::string>, uint32_t> import_info;  // IMPORT_INFO: (module, field) -> flags
  std::vector<std::string> runtime_path;                             // RUNTIME_PATH, e.g. "$ORIGIN/lib"

  bool weak_import(const std::string& module, const std::string& field) const {
    auto it = import_info.find({module, field});
    return it != import_info.end() && (it->second & kSymBindingWeak);
  }
  bool operator==(const DylinkInfo&) const = default;
};

bool has_dylink0(const Module& m);

// The module's `dylink.0` section decoded; an error when it is missing, repeated or malformed.
Result<DylinkInfo> read_dylink0(const Module& m);

// The section's payload decoded; `base_offset` is the payload's file offset (for error offsets).
Result<DylinkInfo> parse_dylink0(std::span<const uint8_t> payload, size_t base_offset = 0);

}  // namespace wi::link
