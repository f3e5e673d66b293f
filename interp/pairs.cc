// Pair formation (pairs.h): one walk over a function's code, instruction by instruction.
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

void form_pairs(std::vector<uint32_t>& code) {
  const PairIndex& index = pair_index();
  if (!index.any) return;
  size_t pos = 0;
  RegOp op = code.empty() ? RegOp::Count_ : RegOp(code[0]);
  while (op != RegOp::Count_) {
    size_t next = pos + regop_units(op, code.data() + pos);
    RegOp next_op = next < code.size() ? RegOp(code[next]) : RegOp::Count_;
    for (auto [tail, row] : index.by_head[unsigned(op)]) {
      if (tail == next_op) {
        unsigned form = pair_form_at(op, code.data() + pos, tail, code.data() + next);
        code[pos] = uint32_t(pair_op(row, form));
        break;
      }
    }
    pos = next;
    op = next_op;
  }
}

}  // namespace wi
