// The RegOp enumeration, generated from regops.def, numeric.def and simd.def (see regops.def for the encoding).
#pragma once
#include <cstdint>

namespace wi {

enum class RegOp : uint16_t {
#define WI_OP_NAME(name) name,
#include "interp/regop_list.inc"
  Count_
};
constexpr unsigned kRegOpCount = static_cast<unsigned>(RegOp::Count_);

const char* regop_name(RegOp op);
const char* regop_operands(RegOp op);  // the operand layout string of regops.def ("d a b" etc.)

// Handler offsets of the executor (filled on first use); the translator writes these into code.
const int32_t* handler_offsets();
// Reverse lookup for the disassembler.
RegOp regop_from_handler(int32_t offset);

}  // namespace wi
