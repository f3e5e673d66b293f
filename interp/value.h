// Values as the embedder sees them, frame slots as the interpreter sees them, and traps.
// Policy: traps are plain values returned up the call chain; nothing here throws.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include "decoder/types.h"

namespace wi {

// One frame slot: 8 bytes. i32 lives in the low half; a v128 occupies two consecutive slots.
union Slot {
  uint32_t i32;
  uint64_t i64;
  float f32;
  double f64;
  void* ref;
};
static_assert(sizeof(Slot) == 8);

struct Value {
  ValType type = ValType::I32;
  union {
    uint32_t i32;
    uint64_t i64;
    float f32;
    double f64;
    void* ref;  // funcref: FuncInst*; externref: an opaque host pointer; null: nullptr
    uint8_t v128[16];
  };
  Value() : v128{} {}
  static Value make_i32(uint32_t v) { Value x; x.type = ValType::I32; x.i32 = v; return x; }
  static Value make_i64(uint64_t v) { Value x; x.type = ValType::I64; x.i64 = v; return x; }
  static Value make_f32_bits(uint32_t v) { Value x; x.type = ValType::F32; x.i32 = v; return x; }
  static Value make_f64_bits(uint64_t v) { Value x; x.type = ValType::F64; x.i64 = v; return x; }
  static Value make_ref(ValType t, void* r) { Value x; x.type = t; x.ref = r; return x; }
};

// Every trap the spec defines, plus the host's own reasons to stop a guest.
#define WI_TRAP_KINDS(X)                                              \
  X(Unreachable, "unreachable")                                       \
  X(MemoryOutOfBounds, "out of bounds memory access")                 \
  X(TableOutOfBounds, "out of bounds table access")                   \
  X(UndefinedElement, "undefined element")                            \
  X(UninitializedElement, "uninitialized element")                    \
  X(IndirectCallTypeMismatch, "indirect call type mismatch")          \
  X(NullFunctionReference, "null function reference")                \
  X(NullReference, "null reference")                                  \
  X(NullExceptionReference, "null exception reference")              \
  X(UncaughtException, "uncaught exception")                          \
  X(IntegerDivideByZero, "integer divide by zero")                    \
  X(IntegerOverflow, "integer overflow")                              \
  X(InvalidConversion, "invalid conversion to integer")               \
  X(CallStackExhausted, "call stack exhausted")                       \
  X(FuelExhausted, "fuel exhausted")                                  \
  X(Host, "host error")                                               \
  X(Exit, "exit")

enum class TrapKind : uint8_t {
  None,
#define WI_X(name, text) name,
  WI_TRAP_KINDS(WI_X)
#undef WI_X
};
const char* trap_text(TrapKind k);

// Where a frame was when a trap unwound it.
struct Module;

// Where a frame was when a trap stopped it: values only. The executor neither reads DWARF nor formats
// anything; whoever prints a backtrace turns `module` and `offset` into a source position
// (source_position, decoder/dwarf_line.h).
struct FrameLocation {
  std::string module_file;
  std::string function;
  uint32_t func_index = 0;
  size_t offset = 0;  // wasm byte offset in the module file
  const Module* module = nullptr;  // the frame's module; lives as long as the store that ran it
};

struct Trap {
  TrapKind kind = TrapKind::None;
  std::string message;             // the spec's text, or the host's
  int exit_code = 0;               // Exit: the guest's exit status
  std::vector<FrameLocation> backtrace;  // innermost first
  size_t frames_omitted = 0;             // outer frames beyond the recorded ones
  // UncaughtException: the exception (an ExnInst of the store), so that a host function between two
  // wasm frames passes it on to the outer activation (interp/exec_common.cc, exec_rethrow_from_host).
  void* exception = nullptr;
  explicit operator bool() const { return kind != TrapKind::None; }
};

}  // namespace wi
