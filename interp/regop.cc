// Names and operand layouts of register ops (for the disassembler and tests), from the same tables.
#include "interp/regop.h"
#include <algorithm>
#include <array>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

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
// A pair op's operands are its head's; its name is made from both (pair_names below).
#define WI_PAIR(a, b) {nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr}, {nullptr, nullptr},
#include "interp/pairs.def"
#undef WI_PAIR
};
static_assert(sizeof(kInfo) / sizeof(kInfo[0]) == kRegOpCount);

constexpr std::string_view kEnumNames[] = {
#define WI_OP_NAME(name) #name,
#include "interp/regop_list.inc"
};

// The ops that always go on with the next instruction, by the enumerator's family: numeric ops,
// loads and stores in every addressing form, copies, constants, select and globals.
constexpr bool falls_through(RegOp op) {
  std::string_view n = kEnumNames[unsigned(op)];
  for (std::string_view family : {"N_", "NI_", "L_", "LI_", "LR_", "LA_", "LS_", "S_", "SI_", "SR_", "SA_", "SS_"})
    if (n.starts_with(family)) return true;
  for (std::string_view name : {"Copy", "Copy2", "Copy128", "Const32", "Const64", "Const128", "Select",
                                "Select128", "GlobalGet", "GlobalSet", "GlobalGet128", "GlobalSet128"})
    if (n == name) return true;
  return false;
}
// A pair runs its head's body and then its tail's: the tail must be the instruction after the head.
static_assert(std::all_of(std::begin(kRegOpPairs), std::end(kRegOpPairs),
                          [](const RegOpPair& p) { return falls_through(p.head); }),
              "pairs.def: a pair's head must fall through to the next instruction");

// The layout tokens of each op, one per operand unit from unit 1 (an i64 or v128 token fills 2 or 4
// units; BrTable's and Return's repeated tokens are left out).
const std::vector<std::vector<std::string>>& unit_tokens() {
  static const std::vector<std::vector<std::string>> tokens = [] {
    std::vector<std::vector<std::string>> all(kRegOpCount);
    for (unsigned i = 0; i < kFirstPairOp; ++i) {
      std::istringstream layout(kInfo[i].operands);
      std::string tok;
      while (layout >> tok) {
        if (tok == "rel*(n+1)" || tok == "s*n") break;
        size_t units = tok == "i64" ? 2 : tok == "v128" ? 4 : 1;
        for (size_t k = 0; k < units; ++k) all[i].push_back(tok);
      }
    }
    return all;
  }();
  return tokens;
}

// "head>tail" for form 0, "head>tail[a]" for a form that forwards to the tail's operand `a`.
const std::vector<std::string>& pair_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for (const RegOpPair& p : kRegOpPairs) {
      std::string both = std::string(kInfo[unsigned(p.head)].name) + ">" + kInfo[unsigned(p.tail)].name;
      const auto& tail_units = unit_tokens()[unsigned(p.tail)];
      for (unsigned f = 0; f < kPairForms; ++f)
        v.push_back(f == 0 || f > tail_units.size() ? both : both + "[" + tail_units[f - 1] + "]");
    }
    return v;
  }();
  return names;
}

// Units of each op's fixed-size layout; 0 for the variable ones (BrTable, Return).
const std::array<uint8_t, kRegOpCount>& fixed_units() {
  static const std::array<uint8_t, kRegOpCount> units = [] {
    std::array<uint8_t, kRegOpCount> u{};
    for (unsigned i = 0; i < kRegOpCount; ++i) {
      if (is_pair_op(RegOp(i))) {
        u[i] = u[unsigned(pair_parts(RegOp(i)).head)];  // heads come before pairs in the enum
        continue;
      }
      std::istringstream layout(regop_operands(RegOp(i)));
      unsigned n = 1;
      std::string tok;
      while (layout >> tok) {
        if (tok == "rel*(n+1)" || tok == "s*n") n = 0;
        if (n == 0) break;
        n += tok == "i64" ? 2 : tok == "v128" ? 4 : 1;
      }
      u[i] = uint8_t(n);
    }
    return u;
  }();
  return units;
}

}  // namespace

const char* regop_name(RegOp op) {
  return is_pair_op(op) ? pair_names()[unsigned(op) - kFirstPairOp].c_str() : kInfo[unsigned(op)].name;
}
const char* regop_enum_name(RegOp op) { return kEnumNames[unsigned(op)].data(); }
const char* regop_operands(RegOp op) {
  return kInfo[unsigned(is_pair_op(op) ? pair_parts(op).head : op)].operands;
}
bool regop_falls_through(RegOp op) { return falls_through(op); }

UnitKind regop_unit_kind(RegOp op, unsigned k) {
  const auto& units = unit_tokens()[unsigned(is_pair_op(op) ? pair_parts(op).head : op)];
  if (k == 0 || k > units.size()) return UnitKind::Other;
  const std::string& t = units[k - 1];
  if (t == "d") return UnitKind::DestSlot;
  if (t == "s" || t == "a" || t == "b" || t == "c") return UnitKind::SourceSlot;
  return UnitKind::Other;
}

size_t regop_units(RegOp op, const uint32_t* code) {
  if (uint8_t n = fixed_units()[unsigned(op)]) return n;
  if (op == RegOp::BrTable) return 3 + size_t(code[2]) + 1;  // c n rel*(n+1)
  return 2 + size_t(code[1]);                                 // Return: n s*n
}

RegOp regop_from_handler(int32_t offset) {
  // Handler units are byte offsets of handlers from the executor's base: a dense table over their
  // range (tens of KiB) makes the lookup one index.
  struct ByOffset {
    int64_t min = 0;
    std::vector<uint16_t> ops;
  };
  static const ByOffset table = [] {
    ByOffset t;
    const int32_t* h = handler_offsets();
    auto [lo, hi] = std::minmax_element(h, h + kRegOpCount);
    t.min = *lo;
    t.ops.assign(size_t(int64_t(*hi) - t.min) + 1, uint16_t(kRegOpCount));
    for (unsigned i = kRegOpCount; i-- > 0;) t.ops[size_t(int64_t(h[i]) - t.min)] = uint16_t(i);
    return t;
  }();
  size_t k = size_t(int64_t(offset) - table.min);
  return k < table.ops.size() ? RegOp(table.ops[k]) : RegOp::Count_;
}

}  // namespace wi
