// Translated (register) code of a module. A CompiledModule is immutable after compile_module() and can
// be instantiated any number of times in any number of stores. The code format is described once, in
// regops.def.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "decoder/module.h"
#include "decoder/result.h"

namespace wi {

struct CompiledFunc {
  uint32_t func_index = 0;    // index in the module's function space
  uint32_t param_slots = 0;   // slots taken by parameters
  uint32_t local_slots = 0;   // params + declared locals (locals are zeroed on entry)
  uint32_t frame_slots = 0;   // everything the frame may use: locals + deepest operand stack
  uint32_t result_slots = 0;
  std::vector<uint32_t> code; // register code units (see regops.def)
  // (code position, wasm file offset) for every translated wasm instruction, ascending by position:
  // traps and backtraces report wasm offsets.
  std::vector<std::pair<uint32_t, uint32_t>> offsets;
  bool uses_simd = false;

  // The wasm offset of the instruction containing code position `pos`.
  uint32_t wasm_offset_at(uint32_t pos) const;
};

struct CompiledModule {
  std::unique_ptr<Module> module;
  std::vector<CompiledFunc> funcs;  // defined functions, in order (index - num_imported_funcs)
  bool uses_simd = false;           // any function uses v128 instructions (information for tools)
  bool metered = false;             // translated with CompileOptions::meter_fuel
};

struct CompileOptions {
  std::string file_name = "<module>";
  // Emit a Fuel op at the head of every basic block charging its wasm instruction count against
  // Store::fuel. Unmetered code contains no fuel ops at all, so metering costs nothing when off.
  bool meter_fuel = false;
};

// Decodes, validates and translates a module in one pass.
Result<std::shared_ptr<CompiledModule>> compile_module(std::vector<uint8_t> bytes,
                                                       const CompileOptions& options = {});

// Human-readable listing of a function's register code (for `wi inspect --internal` and golden tests).
std::string disassemble_internal(const CompiledModule& m, const CompiledFunc& f);

}  // namespace wi
