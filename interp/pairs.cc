// Pair formation (pairs.h): the pair op of an instruction and the one after it.
#include "interp/pairs.h"
#include <array>
#include "interp/regop.h"

namespace wi {
namespace {

// The rows by (head, tail): an open-addressed hash table, since a head may have up to 18 tails (a
// per-head list cost the translator's last walk about 60 host instructions per register
// instruction). Which ops head a row at all is pairs.h's kHeads.
struct PairIndex {
  static constexpr unsigned kBits = 9;  // 512 cells for pairs.def's rows: at most half full
  static_assert(kRegOpPairCount * 2 <= (1u << kBits), "pairs.def outgrew PairIndex's table");
  static_assert(kRegOpCount <= 0x10000, "a (head, tail) key holds 16-bit op numbers");
  static constexpr uint32_t kEmpty = UINT32_MAX;
  struct Cell {
    uint32_t key = kEmpty;  // head << 16 | tail
    uint32_t row = 0;
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
      if (cells[i].key == kEmpty) cells[i] = {k, row};  // a repeated row: the first one counts
      if (h[unsigned(pair_op(row, 0))] != h[unsigned(p.head)]) any = true;
    }
  }
  // The row of (head, tail), or kRegOpPairCount.
  unsigned row_of(RegOp head, RegOp tail) const {
    uint32_t k = key(head, tail);
    for (unsigned i = hash(k);; i = (i + 1) & (cells.size() - 1)) {
      if (cells[i].key == k) return cells[i].row;
      if (cells[i].key == kEmpty) return kRegOpPairCount;
    }
  }
};

// The form of a pair at `head` (regop.h): the first of the tail's source operands among units
// 1..kPairForms-1 that names the slot the head writes through its unit 1, or 0.
unsigned pair_form_at(RegOp head, const uint32_t* head_code, RegOp tail, const uint32_t* tail_code) {
  if (regop_unit_kind(head, 1) != UnitKind::DestSlot) return 0;
  for (unsigned k = 1; k < kPairForms; ++k)
    if (regop_unit_kind(tail, k) == UnitKind::SourceSlot && tail_code[k] == head_code[1]) return k;
  return 0;
}

const PairIndex& pair_index() {
  static const PairIndex index;
  return index;
}

}  // namespace

RegOp pairs_detail::pair_at_head(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code) {
  const PairIndex& index = pair_index();
  if (!index.any) return op;
  unsigned row = index.row_of(op, next);
  return row == kRegOpPairCount ? op : pair_op(row, pair_form_at(op, code, next, next_code));
}

}  // namespace wi
