// The RegOp enumeration, generated from regops.def, numeric.def and simd.def (see regops.def for the encoding).
#pragma once
#include <cstdint>

namespace wi {

enum class RegOp : uint16_t {
#define WI_REGOP(name, ops) name,
#define WI_LOAD(name, f, mt, rt) L_##name, LI_##name, LR_##name, LA_##name, LS_##name,
#define WI_STORE(name, f, mt) S_##name, SI_##name, SR_##name, SA_##name, SS_##name,
#include "interp/regops.def"
#undef WI_REGOP
#undef WI_LOAD
#undef WI_STORE
#define WI_UN(name, r, a, e) N_##name,
#define WI_UN_T(name, r, a, e) N_##name,
#define WI_BIN(name, r, a, e) N_##name, NI_##name,
#define WI_BIN_T(name, r, a, e) N_##name, NI_##name,
#include "interp/numeric.def"
#undef WI_UN
#undef WI_UN_T
#undef WI_BIN
#undef WI_BIN_T
#define WI_SIMD(name, ops) V_##name,
#include "interp/simd.def"
#undef WI_SIMD
#define WI_FUSE(name, t) BrT_##name, BrTI_##name, BrF_##name, BrFI_##name,
#include "interp/fused.def"
#undef WI_FUSE
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
