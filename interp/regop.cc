// Names and operand layouts of register ops (for the disassembler and tests), from the same tables.
#include "interp/regop.h"
#include "interp/regop_info.h"
#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>

namespace wi {
namespace {

constexpr const RegOpInfo* kInfo = kRegOpInfo;

constexpr std::string_view kEnumNames[] = {
#define WI_OP_NAME(name) #name,
#include "interp/regop_list.inc"
};

// Every accumulator form reads a source slot of its base's layout, and a base either writes the
// accumulator in all its rows or in none.
static_assert(std::all_of(std::begin(kAccForms), std::end(kAccForms),
                          [](const AccForm& a) {
                            return a.unit >= 1 && a.unit < kUnitKindsKnown &&
                                   layout_unit_kinds(kRegOpInfo[unsigned(a.base)].operands)[a.unit] ==
                                       UnitKind::SourceSlot &&
                                   acc_parts(first_acc_form(a.base)).writes == a.writes;
                          }),
              "acc.def: a row's unit must be a source slot of its base, Writes the same in all its rows");
// A writer's result unit (acc_result_unit) is its destination, unit 1, or a call's `base`.
constexpr bool result_unit_fits(RegOp w) {
  unsigned unit = acc_result_unit(w);
  return unit == 1 ? layout_unit_kinds(kRegOpInfo[unsigned(w)].operands)[1] == UnitKind::DestSlot
                   : layout_token(kRegOpInfo[unsigned(w)].operands, unit - 1) == "base";
}
static_assert(std::all_of(std::begin(kAccForms), std::end(kAccForms),
                          [](const AccForm& a) { return !a.writes || result_unit_fits(a.base); }),
              "acc.def: a writer's result is its unit 1, or a call's base");
static_assert(std::all_of(std::begin(kAccWriters), std::end(kAccWriters), result_unit_fits),
              "acc.def: a writer's result is its unit 1, or a call's base");

// A pair's head: the pair's handler runs the tail only when the head went on to the next
// instruction (exec_tail.cc), so a conditional branch may head one, but no jump or call.
static_assert(std::all_of(std::begin(kRegOpPairs), std::end(kRegOpPairs),
                          [](const RegOpPair& p) { return can_head_pair(p.head); }),
              "pairs.def: a pair's head must be an op of fixed length that may go on to the next instruction");

// A triple's head likewise, and its middle op, which goes on to the tail; its tail is of fixed
// length too. Neither of the last two is an op whose form the translator's last walk may still change
// or keep apart from the one before (a Copy may become a Move; a call_indirect reads its index from
// the accumulator). Its forms name a source slot of the op they forward to, after an op that writes
// its unit 1.
constexpr bool triple_row_ok(const RegOpTriple& t) {
  auto form_ok = [](RegOp from, RegOp to, unsigned f) {
    return f == 0 || (f < kPairForms && layout_unit_kinds(kRegOpInfo[unsigned(from)].operands)[1] == UnitKind::DestSlot &&
                      layout_unit_kinds(kRegOpInfo[unsigned(to)].operands)[f] == UnitKind::SourceSlot);
  };
  return can_head_pair(t.a) && can_head_pair(t.b) && fixed_plain_op(t.c) && !kept_out_of_triples(t.b) &&
         !kept_out_of_triples(t.c) && form_ok(t.a, t.b, t.f1) && form_ok(t.b, t.c, t.f2);
}
static_assert(std::all_of(kRegOpTriples.begin(), kRegOpTriples.end(), triple_row_ok),
              "triples.def: a row's ops must be of fixed length, A and B go on, B and C no Copy, Move or CallIndirect, "
              "and its forms name a source slot after a destination");

// The layout tokens of each op, one per operand unit from unit 1 (an i64 or v128 token fills 2 or 4
// units; BrTable's and Return's repeated tokens are left out).
const std::vector<std::vector<std::string>>& unit_tokens() {
  static const std::vector<std::vector<std::string>> tokens = [] {
    std::vector<std::vector<std::string>> all(kRegOpCount);
    for (unsigned i = 0; i < kFirstAccOp; ++i) {
      std::string_view layout = kInfo[i].operands;
      for (unsigned t = 0; t < layout_token_count(layout); ++t) {
        std::string_view tok = layout_token(layout, t);
        if (tok == "rel*(n+1)" || tok == "s*n") break;
        for (unsigned k = 0; k < token_units(tok); ++k) all[i].emplace_back(tok);
      }
    }
    return all;
  }();
  return tokens;
}

// Names of accumulator forms, pair and triple ops, from kAccCount on: "acc>base" for an accumulator form;
// "head>tail" for a pair, "head>tail[a]" for a form that forwards to the tail's operand `a`, with
// "acc>" in front when the head reads the accumulator.
const std::vector<std::string>& derived_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    // "acc(b)>": the operand the form reads from the accumulator, by its layout token.
    auto from_acc = [](RegOp acc_op) {
      const AccForm& a = acc_parts(acc_op);
      return "acc(" + unit_tokens()[unsigned(a.base)].at(a.unit - 1) + ")>";
    };
    for (unsigned i = 0; i < kAccCount; ++i)
      v.push_back(from_acc(RegOp(kFirstAccOp + i)) + kInfo[unsigned(kAccForms[i].base)].name);
    for (const RegOpPair& p : kRegOpPairs) {
      std::string both = std::string(kInfo[unsigned(p.head)].name) + ">" + kInfo[unsigned(p.tail)].name;
      const auto& tail_units = unit_tokens()[unsigned(p.tail)];
      RegOp head_acc = first_acc_form(p.head);
      for (unsigned h = 0; h < 2; ++h)
        for (unsigned f = 0; f < kPairForms; ++f)
          v.push_back((h && head_acc != RegOp::Count_ ? from_acc(head_acc) : "") +
                      (f == 0 || f > tail_units.size() ? both : both + "[" + tail_units[f - 1] + "]"));
    }
    // "a>b[x]>c[y]": [x] the operand of b that takes a's result, [y] that of c taking b's.
    auto part = [](RegOp op, unsigned f) {
      const auto& units = unit_tokens()[unsigned(op)];
      return std::string(kInfo[unsigned(op)].name) + (f == 0 || f > units.size() ? "" : "[" + units[f - 1] + "]");
    };
    for (const RegOpTriple& t : kRegOpTriples) {
      std::string all = std::string(kInfo[unsigned(t.a)].name) + ">" + part(t.b, t.f1) + ">" + part(t.c, t.f2);
      RegOp head_acc = first_acc_form(t.a);
      v.push_back(all);
      v.push_back(head_acc != RegOp::Count_ ? from_acc(head_acc) + all : all);
    }
    return v;
  }();
  return names;
}

}  // namespace

const char* regop_name(RegOp op) {
  return unsigned(op) >= kFirstAccOp ? derived_names()[unsigned(op) - kFirstAccOp].c_str() : kInfo[unsigned(op)].name;
}
const char* regop_enum_name(RegOp op) { return kEnumNames[unsigned(op)].data(); }
const char* regop_operands(RegOp op) {
  return kInfo[unsigned(layout_op(op))].operands;
}
const std::vector<std::string>& regop_unit_tokens(RegOp op) { return unit_tokens()[unsigned(layout_op(op))]; }

UnitKind regop_unit_kind(RegOp op, unsigned k) {
  // Worked out at compile time: the translator asks for every pair it forms. Units past the known
  // ones are never slots the pair pass forwards (heads and tails are short).
  static constexpr auto kKinds = [] {
    std::array<std::array<UnitKind, kUnitKindsKnown>, kFirstAccOp> t{};
    for (unsigned i = 0; i < kFirstAccOp; ++i) t[i] = layout_unit_kinds(kRegOpInfo[i].operands);
    return t;
  }();
  return k < kUnitKindsKnown ? kKinds[unsigned(layout_op(op))][k] : UnitKind::Other;
}

constinit const std::array<uint8_t, kRegOpCount> kRegOpFixedUnits = [] {
  std::array<uint8_t, kRegOpCount> u{};
  for (unsigned i = 0; i < kFirstAccOp; ++i) u[i] = uint8_t(layout_units(kRegOpInfo[i].operands));
  for (unsigned i = kFirstAccOp; i < kRegOpCount; ++i) u[i] = u[unsigned(layout_op(RegOp(i)))];
  return u;
}();

size_t regop_variable_units(RegOp op, const uint32_t* code) {
  if (op == RegOp::BrTable) return 3 + size_t(code[2]) + 1;  // c n rel*(n+1)
  return 2 + size_t(code[1]);                                 // Return: n s*n
}

void bind_handlers(std::vector<uint32_t>& code) {
  const int32_t* handlers = handler_offsets();
  for (size_t pos = 0; pos < code.size();) {
    RegOp op = RegOp(code[pos]);
    size_t units = regop_units(op, code.data() + pos);
    code[pos] = uint32_t(handlers[unsigned(op)]);
    pos += units;
  }
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
