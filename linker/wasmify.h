// wasmify: one relocatable wasm object (clang -c, or wasm-ld -r of several objects and archives) in,
// one loadable module out: valid WebAssembly that imports its memory, table and bases from "env" and
// carries a `dyninfo` section telling the runtime linker what to place and patch (docs/dyninfo.md).
// Policy: everything the object says is honoured or refused. A relocation type this linker does not
// implement is an error naming the type, the section and the offset; nothing is dropped silently
// except, by default, debug sections (whole, with their relocations). The output is validated before
// it is returned: an object whose code or relocations are malformed is an error here, not at load.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "decoder/result.h"
#include "linker/dyninfo.h"

namespace wi::link {

struct WasmifyOptions {
  bool shared = false;               // a library: no entry point
  std::vector<std::string> exports;  // empty: every non-local symbol is dynamic (hidden ones too)
  std::vector<std::string> needed;   // recorded in dyninfo `needed`
  bool keep_debug = false;           // keep .debug_* sections (relocated for the link layout)
  std::string entry = "_start";      // programs only
  std::string file_name = "<object>";  // for messages
};

struct WasmifyStats {
  uint32_t functions = 0, imports = 0, redirected_calls = 0, code_sites = 0, data_sites = 0;
  uint32_t data_image = 0;  // bytes of initialized data written (the rest of data_end is zero)
};

struct WasmifyOutput {
  std::vector<uint8_t> bytes;  // the module, dyninfo included
  DynInfo info;
  WasmifyStats stats;
};

Result<WasmifyOutput> wasmify(std::vector<uint8_t> object, const WasmifyOptions& options);

}  // namespace wi::link
