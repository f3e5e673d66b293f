// Names and operand layouts of register ops (for the disassembler and tests), from the same tables.
#include "interp/regop.h"
#include <map>

namespace wi {
namespace {

struct RegOpInfo {
  const char* name;
  const char* operands;
};

#define WI_IMM_LAYOUT_I32 "d a i32"
#define WI_IMM_LAYOUT_F32 "d a i32"
#define WI_IMM_LAYOUT_I64 "d a i64"
#define WI_IMM_LAYOUT_F64 "d a i64"

const RegOpInfo kInfo[] = {
#define WI_REGOP(name, ops) {#name, ops},
#define WI_LOAD(name, f, mt, rt) {"load." #name, "d a offset"}, {"load." #name "+imm", "d a i32 offset"}, \
                                 {"load." #name "+add", "d a b offset"}, {"load." #name "@", "d i32 offset"}, \
                                 {"load." #name "+shl", "d a b i32 offset"},
#define WI_STORE(name, f, mt) {"store." #name, "a s offset"}, {"store." #name "+imm", "a i32 s offset"}, \
                              {"store." #name "+add", "a b s offset"}, {"store." #name "@", "i32 s offset"}, \
                              {"store." #name "+shl", "a b i32 s offset"},
#include "interp/regops.def"
#undef WI_REGOP
#undef WI_LOAD
#undef WI_STORE
#define WI_UN(name, r, a, e) {#name, "d a"},
#define WI_UN_T(name, r, a, e) WI_UN(name, r, a, e)
#define WI_BIN(name, r, a, e) {#name, "d a b"}, {#name "_imm", WI_IMM_LAYOUT_##a},
#define WI_BIN_T(name, r, a, e) WI_BIN(name, r, a, e)
#include "interp/numeric.def"
#undef WI_UN
#undef WI_UN_T
#undef WI_BIN
#undef WI_BIN_T
#define WI_SIMD(name, ops) {#name, ops},
#include "interp/simd.def"
#undef WI_SIMD
#define WI_FUSE(name, t) {"BrT_" #name, "a b rel"}, {"BrTI_" #name, WI_FUSE_IMM_##t}, \
                         {"BrF_" #name, "a b rel"}, {"BrFI_" #name, WI_FUSE_IMM_##t},
#define WI_FUSE_IMM_I32 "a i32 rel"
#define WI_FUSE_IMM_F32 "a i32 rel"
#define WI_FUSE_IMM_I64 "a i64 rel"
#define WI_FUSE_IMM_F64 "a i64 rel"
#include "interp/fused.def"
#undef WI_FUSE
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == kRegOpCount);

}  // namespace

const char* regop_name(RegOp op) { return kInfo[unsigned(op)].name; }
const char* regop_operands(RegOp op) { return kInfo[unsigned(op)].operands; }

RegOp regop_from_handler(int32_t offset) {
  static const std::map<int32_t, RegOp> by_offset = [] {
    std::map<int32_t, RegOp> m;
    const int32_t* h = handler_offsets();
    // Handlers that share code (none today) would map to the first op listed.
    for (unsigned i = kRegOpCount; i-- > 0;) m[h[i]] = RegOp(i);
    return m;
  }();
  auto it = by_offset.find(offset);
  return it == by_offset.end() ? RegOp::Count_ : it->second;
}

}  // namespace wi
