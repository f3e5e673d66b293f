// The RegOp enumeration, generated from regops.def, numeric.def, simd.def, fused.def, acc_list.inc
// and pairs.def (see regops.def for the encoding), and what the translator and tools ask of an op.
#pragma once
#include <cstddef>
#include <array>
#include <cstdint>
#include <iterator>
#include <string>
#include <vector>

namespace wi {

enum class RegOp : uint16_t {
#define WI_OP_NAME(name) name,
#include "interp/regop_list.inc"
  Count_
};
constexpr unsigned kRegOpCount = static_cast<unsigned>(RegOp::Count_);

// Pair ops (pairs.def): one dispatch runs `head`, then `tail`, the instruction after it in the code.
// Each row comes in kPairVariants variants: kPairForms forms, each with the head reading its operand
// unit 2 from the slot or from the accumulator (acc_list.inc). Form F > 0 says the tail's operand
// unit F names the slot the head's result went to (unit 1 of the head), so the executor can hand the
// value over in a register; form 0 says nothing.
struct RegOpPair {
  RegOp head, tail;
};
constexpr unsigned kPairForms = 4;
constexpr unsigned kPairVariants = kPairForms * 2;
inline constexpr RegOpPair kRegOpPairs[] = {
#define WI_PAIR(a, b) {RegOp::a, RegOp::b},
#include "interp/pairs.def"
#undef WI_PAIR
};
constexpr unsigned kRegOpPairCount = unsigned(std::size(kRegOpPairs));

// Triple ops (triples.def): one dispatch runs `a`, then `b` and `c`, the two instructions after it,
// each only where the one before went on to it. A row fixes its forms: f1 is the form of (a, b) as a
// pair's, f2 that of (b, c); an instruction and the two after it run as the row only when their units
// give exactly those forms. Each row comes in kTripleVariants variants: `a` reading its first
// accumulator form's unit from its slot or from the accumulator.
struct RegOpTriple {
  RegOp a, b, c;
  uint8_t f1, f2;
};
constexpr unsigned kTripleVariants = 2;
constexpr unsigned kRegOpTripleCount = 0
#define WI_TRIPLE(a, b, c, f1, f2) +1
#include "interp/triples.def"
#undef WI_TRIPLE
    ;
inline constexpr std::array<RegOpTriple, kRegOpTripleCount> kRegOpTriples = {{
#define WI_TRIPLE(a, b, c, f1, f2) {RegOp::a, RegOp::b, RegOp::c, f1, f2},
#include "interp/triples.def"
#undef WI_TRIPLE
}};
// Triple ops are listed last (regop_list.inc), pair ops just before them, each row's variants in order.
constexpr unsigned kFirstTripleOp = kRegOpCount - kRegOpTripleCount * kTripleVariants;
constexpr bool is_triple_op(RegOp op) { return unsigned(op) >= kFirstTripleOp && op != RegOp::Count_; }
constexpr const RegOpTriple& triple_parts(RegOp op) {
  return kRegOpTriples[(unsigned(op) - kFirstTripleOp) / kTripleVariants];
}
// Ops that are never a triple's middle or tail: the translator's last walk may still turn a Copy into
// a Move after the triple is formed, and keeps a call_indirect that reads its index from the
// accumulator apart from the instruction before it.
constexpr bool kept_out_of_triples(RegOp op) {
  return op == RegOp::Copy || op == RegOp::Move || op == RegOp::CallIndirect;
}
constexpr bool triple_head_acc(RegOp op) { return (unsigned(op) - kFirstTripleOp) % kTripleVariants != 0; }
constexpr RegOp triple_op(unsigned row, bool head_acc) {
  return RegOp(kFirstTripleOp + row * kTripleVariants + (head_acc ? 1 : 0));
}

constexpr unsigned kFirstPairOp = kFirstTripleOp - kRegOpPairCount * kPairVariants;
constexpr bool is_pair_op(RegOp op) { return unsigned(op) >= kFirstPairOp && unsigned(op) < kFirstTripleOp; }
constexpr const RegOpPair& pair_parts(RegOp op) {
  return kRegOpPairs[(unsigned(op) - kFirstPairOp) / kPairVariants];
}
constexpr unsigned pair_form(RegOp op) { return (unsigned(op) - kFirstPairOp) % kPairForms; }
constexpr bool pair_head_acc(RegOp op) { return (unsigned(op) - kFirstPairOp) % kPairVariants >= kPairForms; }
constexpr RegOp pair_op(unsigned row, unsigned form, bool head_acc = false) {
  return RegOp(kFirstPairOp + row * kPairVariants + (head_acc ? kPairForms : 0) + form);
}

// Accumulator forms (acc_list.inc): Acc<Unit>_<Base> runs Base with its operand unit Unit taken
// from the accumulator; listed just before the pair ops, in kAccForms order.
struct AccForm {
  RegOp base;
  uint8_t unit;
  bool writes;  // Base leaves its result in the accumulator too
};
inline constexpr AccForm kAccForms[] = {
#define WI_ACC(base, unit, writes) {RegOp::base, unit, writes != 0},
#include "interp/acc_list.inc"
};
constexpr unsigned kAccCount = unsigned(std::size(kAccForms));
// Ops that leave their result in the accumulator without having an accumulator form.
inline constexpr RegOp kAccWriters[] = {
#define WI_ACC(base, unit, writes)
#define WI_ACC_WRITER(base) RegOp::base,
#include "interp/acc_list.inc"
};
constexpr unsigned kFirstAccOp = kFirstPairOp - kAccCount;
constexpr bool is_acc_op(RegOp op) { return unsigned(op) >= kFirstAccOp && unsigned(op) < kFirstPairOp; }
constexpr const AccForm& acc_parts(RegOp op) { return kAccForms[unsigned(op) - kFirstAccOp]; }
constexpr RegOp acc_base(RegOp op) { return acc_parts(op).base; }
// The first accumulator form of `op` (the unit a pair headed by op reads from the accumulator), or
// RegOp::Count_ when op has none.
constexpr RegOp first_acc_form(RegOp op) {
  for (unsigned i = 0; i < kAccCount; ++i)
    if (kAccForms[i].base == op) return RegOp(kFirstAccOp + i);
  return RegOp::Count_;
}
// Whether an instruction of this op (an accumulator form runs its base) leaves its result in the
// accumulator: the rows of acc_list.inc with Writes = 1 and its WI_ACC_WRITER rows (their handler
// bodies set it).
constexpr bool writes_acc(RegOp op) {
  if (is_acc_op(op)) return acc_parts(op).writes;
  for (RegOp w : kAccWriters)
    if (w == op) return true;
  RegOp first = is_pair_op(op) || is_triple_op(op) || op == RegOp::Count_ ? RegOp::Count_ : first_acc_form(op);
  return first != RegOp::Count_ && acc_parts(first).writes;
}

// Ops that fall through with the accumulator as they found it (acc_list.inc's WI_ACC_PASSER rows),
// and the units naming the slots they write: the accumulator still stands for the value of its slot
// after them when they write another (accumulator.h). Argument moves stand between the computation
// of a call_indirect's index and the call; stores and conditional branches between a value's
// writer and its next use.
inline constexpr RegOp kAccPassers[] = {
#define WI_ACC(base, unit, writes)
#define WI_ACC_PASSER(op) RegOp::op,
#include "interp/acc_list.inc"
};
constexpr bool passes_acc(RegOp op) {
  for (RegOp p : kAccPassers)
    if (p == op) return true;
  return false;
}
struct SlotUnits {
  unsigned count = 0;
  std::array<unsigned, 2> units{};
  constexpr const unsigned* begin() const { return units.data(); }
  constexpr const unsigned* end() const { return units.data() + count; }
};
constexpr SlotUnits passes_acc_writes(RegOp op) {
  if (op == RegOp::Copy2) return {2, {1, 3}};  // "d s d s"
  if (op == RegOp::Move) return {1, {1, 0}};   // "d s"
  return {};
}

const char* regop_name(RegOp op);       // as listings show it ("I32Add_imm", "load.I32Load+add")
const char* regop_enum_name(RegOp op);  // the enumerator ("NI_I32Add", "LR_I32Load"), as pairs.def names ops
const char* regop_operands(RegOp op);   // the operand layout string of regops.def ("d a b" etc.)
// The layout tokens of op's operand units, one per unit from unit 1 ("i64" fills two, "v128" four;
// BrTable's and Return's repeated tails left out); pair and accumulator ops have their layout op's.
const std::vector<std::string>& regop_unit_tokens(RegOp op);
// Whether the op may head a pair op (pairs.def): any op of fixed length that is not a pair, but Move.
bool regop_can_head_pair(RegOp op);
// What operand unit k (1 <= k) of an op's layout is: a slot the op reads or writes (d s a b c), or
// something else (an immediate, a branch displacement, an index) or past the layout's end.
enum class UnitKind : uint8_t { Other, DestSlot, SourceSlot };
UnitKind regop_unit_kind(RegOp op, unsigned k);
// Units of the instruction starting at `code` (handler unit included) whose op is `op`. Inline for
// the fixed-length ops, since the translator's last walk asks for every instruction: their lengths
// are a table worked out at compile time (regop.cc), 0 for the two of variable length.
extern const std::array<uint8_t, kRegOpCount> kRegOpFixedUnits;
size_t regop_variable_units(RegOp op, const uint32_t* code);
inline size_t regop_units(RegOp op, const uint32_t* code) {
  if (unsigned n = kRegOpFixedUnits[unsigned(op)]) return n;
  return regop_variable_units(op, code);
}

// Handler offsets of the executor (filled on first use). The translator and its passes write op
// numbers into each instruction's handler unit; bind_handlers then replaces them with these.
const int32_t* handler_offsets();
// One walk over a translated function's code: each instruction's op number becomes its handler unit.
void bind_handlers(std::vector<uint32_t>& code);
// Reverse lookup for the disassembler and the code checker; RegOp::Count_ for no handler. Handlers
// that share code map to the op listed first.
RegOp regop_from_handler(int32_t offset);

}  // namespace wi
