// Translated (register) code of a module. A CompiledModule is immutable after compile_module() (lazy
// modules fill in each function once, on its first call, without moving any) and can be instantiated
// any number of times in any number of stores. The code format is described once, in
// regops.def.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include "decoder/module.h"
#include "decoder/result.h"
#include "interp/offset_map.h"
#include "interp/trace.h"

namespace wi {

// A catch clause (Wasm 3.0 exception handling): an exception thrown while the code position is in
// [start, end) — by an instruction there, or by a callee of a call there — whose tag is `tag` (or
// any, for catch_all) continues at `pad` with its values in slots from `slot` on (the exnref after
// them when `ref`). Innermost clauses come first; the clauses of one try_table or legacy try share a
// `group`. A legacy catch also gets the exception in `exn_slot`, for rethrow (`keep`: some rethrow
// names it, so it is never reused). A legacy delegate catches everything and passes it on: the
// search goes on at the same position, past the next `delegate_skip` groups that cover it (all the
// function's, for a delegate to the function's label).
struct CatchHandler {
  static constexpr uint32_t kAnyTag = UINT32_MAX, kNone = UINT32_MAX;
  uint32_t start = 0, end = 0, pad = 0;
  uint32_t tag = kAnyTag;  // module tag index
  uint32_t slot = 0;
  uint32_t group = 0;
  uint32_t exn_slot = kNone;
  uint32_t delegate_skip = kNone;  // kNone: not a delegate; kAll: to the caller
  static constexpr uint32_t kAll = UINT32_MAX - 1;
  bool ref = false, keep = false;
};

struct CompiledFunc {
  uint32_t func_index = 0;    // index in the module's function space
  uint32_t param_slots = 0;   // slots taken by parameters
  uint32_t local_slots = 0;   // params + declared locals
  // Locals zeroed on entry: [param_slots, zero_slots). Untraced code puts the declared locals that
  // are set before anything reads them (found from the entry's straight-line code) last, past
  // zero_slots: a call zeroes only what may be read before it is written.
  uint32_t zero_slots = 0;
  uint32_t frame_slots = 0;   // everything the frame may use: locals + deepest operand stack
  uint32_t result_slots = 0;
  std::vector<uint32_t> code; // register code units (see regops.def)
  // The wasm file offset of every translated wasm instruction's code: traps and backtraces report
  // wasm offsets.
  OffsetMap offsets;
  bool uses_simd = false;
  std::vector<CatchHandler> handlers;  // exception handling, searched in order
  // Lazy compilation: not validated or translated yet (CompiledModule::compile_pending does it on
  // first call).
  bool pending = false;
  // CompileOptions::trace: the trace points the function's Trace ops name (interp/trace.h).
  TraceInfo trace;

  // The wasm offset of the instruction containing code position `pos`.
  uint32_t wasm_offset_at(uint32_t pos) const;
};

struct CompiledModule {
  std::unique_ptr<Module> module;
  std::vector<CompiledFunc> funcs;  // defined functions, in order (index - num_imported_funcs)
  bool uses_simd = false;           // any function uses v128 instructions (information for tools)
  bool metered = false;             // translated with CompileOptions::meter_fuel
  bool lazy = false;                // CompileOptions::lazy: function bodies wait for their first call
  bool traced = false;              // CompileOptions::trace (lazy bodies are traced too)
  // Lazy modules only: validates and translates defined function `defined_index` in place if it is
  // still pending (the error carries the body's file offset). Bound to this object by the compile
  // function that made it: the one way a compiled module changes after compilation, granted by its
  // maker, so that instances sharing it through pointers to const compile each body once, without
  // casting const away. Not thread-safe (a Store runs one thread).
  std::function<Result<void>(uint32_t defined_index)> compile_pending;
};

struct CompileOptions {
  std::string file_name = "<module>";
  // Emit a Fuel op at the head of every basic block charging its wasm instruction count against
  // Store::fuel. Unmetered code contains no fuel ops at all, so metering costs nothing when off.
  bool meter_fuel = false;
  // Validate and translate each function body on its first call instead of at load (every other
  // module-level rule is still checked at load). Start-up then costs what the program runs, not the
  // size of its libraries; an invalid body is reported when first called, as a trap naming it.
  bool lazy = false;
  // Emit a Trace op before every wasm instruction and before every return, calling Store::tracer
  // (interp/trace.h, docs/trace.md). Compare-and-branch and local.set fusion do not apply, so each
  // wasm instruction stays visible. Untraced code contains no Trace ops.
  bool trace = false;
};

// Decodes, validates and translates a module in one pass.
Result<std::shared_ptr<CompiledModule>> compile_module(std::vector<uint8_t> bytes,
                                                       const CompileOptions& options = {});

// The same for a module already decoded with its bodies left alone (a CodeDelegate that accepts every
// body): saves a second decode when the caller had to decode it anyway (the linker reads its custom
// sections, then patches code in place before translation). `m`'s file name is kept.
Result<std::shared_ptr<CompiledModule>> compile_decoded(std::unique_ptr<Module> m, const CompileOptions& options = {});


// Human-readable listing of a function's register code (for `wi inspect --internal` and golden tests).
std::string disassemble_internal(const CompiledModule& m, const CompiledFunc& f);

}  // namespace wi
