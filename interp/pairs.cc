// Pair formation (pairs.h): one walk over a function's code, instruction by instruction.
#include "interp/pairs.h"
#include <array>
#include "interp/regop.h"

namespace wi {
namespace {

// For each head op, its rows as (tail, pair op); most heads have none, a few have several.
struct PairIndex {
  std::array<std::vector<std::pair<RegOp, RegOp>>, kRegOpCount> by_head;
  bool any = false;  // some pair op has a handler of its own in this executor
  PairIndex() {
    const int32_t* h = handler_offsets();
    for (unsigned i = 0; i < kRegOpPairCount; ++i) {
      const RegOpPair& p = kRegOpPairs[i];
      RegOp pair = RegOp(kFirstPairOp + i);
      by_head[unsigned(p.head)].emplace_back(p.tail, pair);
      if (h[unsigned(pair)] != h[unsigned(p.head)]) any = true;
    }
  }
};

const PairIndex& pair_index() {
  static const PairIndex index;
  return index;
}

}  // namespace

void form_pairs(std::vector<uint32_t>& code) {
  const PairIndex& index = pair_index();
  if (!index.any) return;
  const int32_t* handlers = handler_offsets();
  size_t pos = 0;
  RegOp op = code.empty() ? RegOp::Count_ : regop_from_handler(int32_t(code[0]));
  while (op != RegOp::Count_) {
    size_t next = pos + regop_units(op, code.data() + pos);
    RegOp next_op = next < code.size() ? regop_from_handler(int32_t(code[next])) : RegOp::Count_;
    for (auto [tail, pair] : index.by_head[unsigned(op)]) {
      if (tail == next_op) {
        code[pos] = uint32_t(handlers[unsigned(pair)]);
        break;
      }
    }
    pos = next;
    op = next_op;
  }
}

}  // namespace wi
