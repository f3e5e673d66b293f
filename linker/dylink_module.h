// dylink.0 modules in the runtime linker: what load does with a module carrying the standard `dylink.0`
// section instead of wi's `dyninfo` (docs/dylink0.md says how such modules are linked). Used by load.cc
// only; the later phases see the dyninfo view this builds (loaded_module.h).
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "decoder/module.h"
#include "decoder/result.h"
#include "linker/loaded_module.h"

namespace wi::link {

// Reads `dm`'s dylink.0 section into `m` (format, dylink, runpath, weak_names) and builds its dyninfo
// view in `m.info`; then rewrites `m.bytes` so the module imports the shared memory and table instead of
// defining its own (a main linked without --import-memory). Errors name the module.
Result<void> load_dylink0(Linker::Module& m, const wi::Module& dm);

// The module bytes with its one defined memory (and, with `table`, its one defined table) replaced by
// the imports `env.memory` and `env.__indirect_function_table`: what wasm-ld's --import-memory
// (--import-table) would have written. Indices stay: the module imports no memory (table) of its own.
Result<std::vector<uint8_t>> import_shared_memory(const std::vector<uint8_t>& bytes, bool memory, bool table);

// Functions and globals every dylink.0 module defines for itself (its relocation appliers, its own
// bases): never offered to the global scope. `__wasm_call_ctors` is called per module by the linker.
bool is_module_private_symbol(const std::string& name);

}  // namespace wi::link
