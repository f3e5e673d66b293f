// Pair formation (pairs.h): the pair op of an instruction and the one after it.
#include "interp/pairs.h"
#include <array>
#include "interp/regop.h"

namespace wi {
namespace {

// For each head op, its rows as (tail, row); most heads have none, a few have several.
struct PairIndex {
  std::array<std::vector<std::pair<RegOp, unsigned>>, kRegOpCount> by_head;
  bool any = false;  // some pair op has a handler of its own in this executor
  PairIndex() {
    const int32_t* h = handler_offsets();
    for (unsigned row = 0; row < kRegOpPairCount; ++row) {
      const RegOpPair& p = kRegOpPairs[row];
      by_head[unsigned(p.head)].emplace_back(p.tail, row);
      if (h[unsigned(pair_op(row, 0))] != h[unsigned(p.head)]) any = true;
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

RegOp pair_at(RegOp op, const uint32_t* code, RegOp next, const uint32_t* next_code) {
  const PairIndex& index = pair_index();
  if (!index.any) return op;
  for (auto [tail, row] : index.by_head[unsigned(op)])
    if (tail == next) return pair_op(row, pair_form_at(op, code, tail, next_code));
  return op;
}

}  // namespace wi
