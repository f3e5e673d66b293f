// The name and operand layout of every register op, as a table the compiler can read: the
// disassembler, the pair pass and the executors take an op's name, layout and length from here.
// (regops.def explains the encoding; layouts are the strings of its rows.)
#pragma once
#include <array>
#include <iterator>
#include <string_view>
#include "interp/regop.h"

namespace wi {

struct RegOpInfo {
  const char* name;
  const char* operands;
};

#define WI_IMM_LAYOUT_I32 "d a i32"
#define WI_IMM_LAYOUT_F32 "d a i32"
#define WI_IMM_LAYOUT_I64 "d a i64"
#define WI_IMM_LAYOUT_F64 "d a i64"

inline constexpr RegOpInfo kRegOpInfo[] = {
#define WI_REGOP(name, ops) {#name, ops},
#define WI_LOAD(name, f, mt, rt) {"load." #name, "d a offset"}, {"load." #name "+imm", "d a i32 offset"}, \
                                 {"load." #name "+add", "d a b offset"}, {"load." #name "@", "d i32 offset"}, \
                                 {"load." #name "+shl", "d a b i32 offset"},
#define WI_STORE(name, f, mt) {"store." #name, "a s offset"}, {"store." #name "+imm", "a i32 s offset"}, \
                              {"store." #name "+add", "a b s offset"}, {"store." #name "@", "i32 s offset"}, \
                              {"store." #name "+shl", "a b i32 s offset"},                          \
                              {"storek." #name, "a k offset"}, {"storek." #name "+imm", "a i32 k offset"}, \
                              {"storek." #name "+add", "a b k offset"}, {"storek." #name "@", "i32 k offset"},
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
// An accumulator form's name and operands are its base's, a pair op's its head's (regop.cc names
// both).
#define WI_ACC(base, unit, writes) {nullptr, nullptr},
#include "interp/acc_list.inc"
#define WI_PAIR(a, b) {nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr}, \
                      {nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr},
#include "interp/pairs.def"
#undef WI_PAIR
#define WI_TRIPLE(a, b, c, f1, f2) {nullptr, nullptr}, {nullptr, nullptr},
#include "interp/triples.def"
#undef WI_TRIPLE
};
static_assert(std::size(kRegOpInfo) == kRegOpCount);

// Token i of a layout ("d a i32" has "d", "a", "i32"), or "" past its end.
constexpr std::string_view layout_token(std::string_view layout, unsigned i) {
  while (!layout.empty()) {
    size_t sp = layout.find(' ');
    if (i == 0) return layout.substr(0, sp);
    --i;
    layout = sp == std::string_view::npos ? std::string_view() : layout.substr(sp + 1);
  }
  return {};
}
constexpr unsigned layout_token_count(std::string_view layout) {
  unsigned n = 0;
  while (!layout_token(layout, n).empty()) ++n;
  return n;
}

// Units of an instruction of fixed length with this layout (handler unit included); 0 for the
// variable ones (BrTable's targets, Return's slots).
constexpr unsigned layout_units(std::string_view layout) {
  unsigned n = 1;
  while (!layout.empty()) {
    size_t sp = layout.find(' ');
    std::string_view tok = layout.substr(0, sp);
    if (tok == "rel*(n+1)" || tok == "s*n") return 0;
    n += tok == "i64" ? 2 : tok == "v128" ? 4 : 1;
    layout = sp == std::string_view::npos ? std::string_view() : layout.substr(sp + 1);
  }
  return n;
}
// What the first units of an instruction with this layout hold (index k: unit k, 1 the first after
// the handler unit): a destination slot ("d"), a source slot ("s", "a", "b", "c"), or anything else
// (immediates, offsets, past the end). Wide immediates take their units ("i64" two, "v128" four).
constexpr unsigned kUnitKindsKnown = 8;
constexpr std::array<UnitKind, kUnitKindsKnown> layout_unit_kinds(std::string_view layout) {
  std::array<UnitKind, kUnitKindsKnown> kinds{};  // UnitKind::Other
  unsigned at = 1;
  while (!layout.empty() && at < kUnitKindsKnown) {
    size_t sp = layout.find(' ');
    std::string_view tok = layout.substr(0, sp);
    if (tok.size() == 1 && tok[0] == 'd') kinds[at] = UnitKind::DestSlot;
    else if (tok.size() == 1 && (tok[0] == 's' || tok[0] == 'a' || tok[0] == 'b' || tok[0] == 'c'))
      kinds[at] = UnitKind::SourceSlot;
    at += tok == "i64" ? 2 : tok == "v128" ? 4 : 1;
    layout = sp == std::string_view::npos ? std::string_view() : layout.substr(sp + 1);
  }
  return kinds;
}
static_assert(layout_unit_kinds("d a i64")[1] == UnitKind::DestSlot &&
              layout_unit_kinds("d a i64")[2] == UnitKind::SourceSlot &&
              layout_unit_kinds("d a i64")[3] == UnitKind::Other &&
              layout_unit_kinds("a i32 s offset")[3] == UnitKind::SourceSlot);

// The op whose name and operands `op` has: a pair's or triple's head, an accumulator form's base, or
// op itself.
constexpr RegOp layout_op(RegOp op) {
  if (is_pair_op(op)) op = pair_parts(op).head;
  if (is_triple_op(op)) op = triple_parts(op).a;
  return is_acc_op(op) ? acc_base(op) : op;
}
// The unit that names the slot a writer of acc_list.inc leaves in the accumulator: unit 1 ("d") for
// all but calls, whose first result comes back in their `base` slot.
constexpr unsigned acc_result_unit(RegOp op) {
  RegOp shape = layout_op(op);
  if (shape != RegOp::Call && shape != RegOp::CallIndirect && shape != RegOp::CallRef) return 1;
  std::string_view layout = kRegOpInfo[unsigned(shape)].operands;
  for (unsigned i = 0; i < layout_token_count(layout); ++i)
    if (layout_token(layout, i) == "base") return i + 1;  // every token before it is one unit
  return 0;
}
static_assert(acc_result_unit(RegOp::Call) == 2 && acc_result_unit(RegOp::CallIndirect) == 4 &&
              acc_result_unit(RegOp::CallRef) == 2 && acc_result_unit(RegOp::N_I32Add) == 1);

// The fixed length of op `op` (pair ops: their head's, as they are listed under it); 0: variable.
constexpr unsigned fixed_units(RegOp op) { return layout_units(kRegOpInfo[unsigned(layout_op(op))].operands); }

}  // namespace wi
