// Pair formation (pairs.h): the pair op of an instruction and the one after it.
#include "interp/pairs.h"
#include <array>
#include "interp/regop.h"
#include "interp/regop_info.h"

namespace wi {
namespace {

// The rows by (head, tail): an open-addressed hash table, since a head may have up to 18 tails (a
// per-head list cost the translator's last walk about 60 host instructions per register
// instruction). pairs.h's kTailFilter passes over most pairs that are no row before this is asked.
struct PairIndex {
  static constexpr unsigned kBits = 9;  // 512 cells for pairs.def's rows: at most half full
  static_assert(kRegOpPairCount * 2 <= (1u << kBits), "pairs.def outgrew PairIndex's table");
  static_assert(kRegOpCount <= 0x10000, "a (head, tail) key holds 16-bit op numbers");
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Cell {
    uint32_t key = kEmpty;  // head << 16 | tail
    uint16_t row = 0;
    // Bit k set: the tail's unit k (1..kPairForms-1) is a source slot and the head writes a slot
    // through its unit 1, so the pair takes form k when that unit names the head's slot.
    uint16_t form_units = 0;
  };
  std::array<Cell, 1u << kBits> cells{};
  bool any = false;  // some pair op has a handler of its own in this executor

  static uint32_t key(RegOp head, RegOp tail) { return uint32_t(head) << 16 | uint32_t(tail); }
  static unsigned hash(uint32_t k) { return (k * 0x9e3779b1u) >> (32 - kBits); }
  PairIndex() {
    const int32_t* h = handler_offsets();
    for (unsigned row = 0; row < kRegOpPairCount; ++row) {
      const RegOpPair& p = kRegOpPairs[row];
      uint32_t k = key(p.head, p.tail);
      unsigned i = hash(k);
      while (cells[i].key != kEmpty && cells[i].key != k) i = (i + 1) & (cells.size() - 1);
      // A repeated row: the first one counts.
      if (cells[i].key == kEmpty) cells[i] = {k, uint16_t(row), form_units(p.head, p.tail)};
      if (h[unsigned(pair_op(row, 0))] != h[unsigned(p.head)]) any = true;
    }
  }
  static uint16_t form_units(RegOp head, RegOp tail) {
    if (regop_unit_kind(head, 1) != UnitKind::DestSlot) return 0;
    uint16_t units = 0;
    for (unsigned k = 1; k < kPairForms; ++k)
      if (regop_unit_kind(tail, k) == UnitKind::SourceSlot) units |= uint16_t(1u << k);
    return units;
  }
  // The cell of (head, tail), or nullptr.
  const Cell* find(RegOp head, RegOp tail) const {
    uint32_t k = key(head, tail);
    for (unsigned i = hash(k);; i = (i + 1) & (cells.size() - 1)) {
      if (cells[i].key == k) return &cells[i];
      if (cells[i].key == kEmpty) return nullptr;
    }
  }
};
static_assert(kRegOpPairCount <= UINT16_MAX && kPairForms <= 16,
              "PairIndex::Cell holds a row and a unit mask in 16 bits each");

// The form of a pair at `head` (regop.h): the first of the tail's source operands among units
// 1..kPairForms-1 (the bits of `form_units`, PairIndex::form_units) that names the slot the head
// writes through its unit 1, or 0.
unsigned form_from_units(uint16_t form_units, const uint32_t* head_code, const uint32_t* tail_code) {
  for (unsigned k = 1; k < kPairForms; ++k)
    if ((form_units >> k & 1) && tail_code[k] == head_code[1]) return k;
  return 0;
}
unsigned pair_form_at(const PairIndex::Cell& cell, const uint32_t* head_code, const uint32_t* tail_code) {
  return form_from_units(cell.form_units, head_code, tail_code);
}

const PairIndex& pair_index() {
  static const PairIndex index;
  return index;
}

}  // namespace

unsigned pair_form_of(RegOp head, const uint32_t* head_code, RegOp tail, const uint32_t* tail_code) {
  return form_from_units(PairIndex::form_units(head, tail), head_code, tail_code);
}

int triple_row(RegOp a, RegOp b, RegOp c, unsigned f1, unsigned f2) {
  // A head starts a few rows at most: a scan over them all is asked only after heads_triple(a).
  for (unsigned row = 0; row < kRegOpTripleCount; ++row) {
    const RegOpTriple& t = kRegOpTriples[row];
    if (t.a == a && t.b == b && t.c == c && t.f1 == f1 && t.f2 == f2) return int(row);
  }
  return -1;
}

RegOp triple_at(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code, RegOp last,
                const uint32_t* last_code, const uint32_t* after_code) {
  if (!heads_triple(op) || next == RegOp::Count_ || last == RegOp::Count_) return RegOp::Count_;
  static const bool any = [] {
    const int32_t* h = handler_offsets();
    return kRegOpTripleCount != 0 && h[unsigned(triple_op(0, false))] != h[unsigned(kRegOpTriples[0].a)];
  }();
  if (!any) return RegOp::Count_;
  int row = triple_row(op, next, last, pair_form_of(op, code, next, next_code),
                       pair_form_of(next, next_code, last, last_code));
  if (row < 0) return RegOp::Count_;
  if (after_code) {
    RegOp after = RegOp(*after_code);
    // Only where the third would otherwise run alone: a triple then saves a dispatch and moves no
    // later dispatch boundary. Taking the head of a pair instead shifts every boundary after it.
    if (is_pair_row(last, after)) return RegOp::Count_;
    for (unsigned k = 1; k < kUnitKindsKnown; ++k) {
      if (regop_unit_kind(after, k) != UnitKind::SourceSlot) continue;
      if ((regop_unit_kind(op, 1) == UnitKind::DestSlot && after_code[k] == code[1]) ||
          (regop_unit_kind(next, 1) == UnitKind::DestSlot && after_code[k] == next_code[1]))
        return RegOp::Count_;
    }
  }
  return triple_op(unsigned(row), false);
}

bool is_pair_row(RegOp head, RegOp tail) { return pair_index().find(head, tail) != nullptr; }

RegOp pairs_detail::pair_at_head(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code) {
  const PairIndex& index = pair_index();
  if (!index.any) return op;
  const PairIndex::Cell* cell = index.find(op, next);
  return cell ? pair_op(cell->row, pair_form_at(*cell, code, next_code)) : op;
}

}  // namespace wi
