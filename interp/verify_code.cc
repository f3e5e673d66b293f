// verify_code (verify_code.h): two walks over the code, instruction starts first, then operands.
#include "interp/verify_code.h"
#include <fmt/format.h>
#include <vector>
#include "interp/regop.h"
#include "interp/regop_info.h"

namespace wi {
namespace {

bool is_slot_token(const std::string& tok) {
  return tok == "d" || tok == "s" || tok == "a" || tok == "b" || tok == "c";
}

}  // namespace

std::optional<std::string> verify_code(const CompiledFunc& f) {
  const std::vector<uint32_t>& code = f.code;
  // Instruction starts, by layout lengths.
  std::vector<bool> start(code.size() + 1, false);
  std::vector<RegOp> ops;
  std::vector<size_t> at;
  for (size_t pos = 0; pos < code.size();) {
    RegOp op = regop_from_handler(int32_t(code[pos]));
    if (op == RegOp::Count_) return fmt::format("unit {}: {} is no op's handler", pos, code[pos]);
    size_t n = regop_units(op, code.data() + pos);
    if (n == 0 || pos + n > code.size())
      return fmt::format("unit {}: {} ({} units) runs past the end of the code ({})", pos, regop_name(op), n,
                         code.size());
    start[pos] = true;
    ops.push_back(op);
    at.push_back(pos);
    pos += n;
  }
  std::vector<bool> target(code.size() + 1, false);
  auto branch_to = [&](size_t from, int64_t rel, RegOp op) -> std::optional<std::string> {
    int64_t to = int64_t(from) + rel;
    if (to < 0 || size_t(to) >= code.size() || !start[size_t(to)])
      return fmt::format("unit {}: {} branches to {}, no instruction's start", from, regop_name(op), to);
    target[size_t(to)] = true;
    return std::nullopt;
  };
  for (const CatchHandler& h : f.handlers)
    if (h.pad >= code.size() || !start[h.pad]) return fmt::format("catch pad {} is no instruction's start", h.pad);
    else target[h.pad] = true;
  // Operands.
  for (size_t i = 0; i < ops.size(); ++i) {
    RegOp op = ops[i];
    size_t pos = at[i];
    const std::vector<std::string>& tokens = regop_unit_tokens(op);
    for (size_t k = 0; k < tokens.size(); ++k) {
      uint32_t v = code[pos + 1 + k];
      if (is_slot_token(tokens[k]) && v >= f.frame_slots)
        return fmt::format("unit {}: {} operand {} ({}) is slot {}, outside the frame of {}", pos, regop_name(op),
                           k + 1, tokens[k], v, f.frame_slots);
      if (tokens[k] == "rel")
        if (auto err = branch_to(pos, int32_t(v), op)) return err;
    }
    RegOp shape = layout_op(op);
    if (shape == RegOp::BrTable) {
      size_t n = code[pos + 2];
      for (size_t k = 0; k <= n; ++k)
        if (auto err = branch_to(pos, int32_t(code[pos + 3 + k]), op)) return err;
    } else if (shape == RegOp::Return) {
      for (size_t k = 0; k < code[pos + 1]; ++k)
        if (code[pos + 2 + k] >= f.frame_slots)
          return fmt::format("unit {}: Return reads slot {}, outside the frame of {}", pos, code[pos + 2 + k],
                             f.frame_slots);
    }
  }
  // Accumulator forms: after a writer of the slot they read, with only instructions that pass the
  // accumulator on and write no such slot between, and never where a branch lands.
  constexpr uint32_t kNothing = UINT32_MAX;
  uint32_t held = kNothing;  // the slot the accumulator stands for, falling into instruction i
  size_t held_by = 0;        // the instruction that wrote it
  for (size_t i = 0; i < ops.size(); ++i) {
    RegOp op = ops[i], own = is_pair_op(op) ? pair_parts(op).head : is_triple_op(op) ? triple_parts(op).a : op;
    size_t pos = at[i];
    if (target[pos]) held = kNothing;
    unsigned unit = 0;
    if (is_acc_op(own)) unit = acc_parts(own).unit;
    else if ((is_pair_op(op) && pair_head_acc(op)) || (is_triple_op(op) && triple_head_acc(op)))
      unit = acc_parts(first_acc_form(own)).unit;
    if (unit != 0) {
      if (i == 0 || target[pos])
        return fmt::format("unit {}: {} reads the accumulator where control may arrive from elsewhere", pos,
                           regop_name(op));
      if (held != code[pos + unit])
        return fmt::format("unit {}: {} reads the accumulator, which {} before it did not set to slot {}", pos,
                           regop_name(op), regop_name(ops[held == kNothing ? i - 1 : held_by]), code[pos + unit]);
    }
    RegOp base = layout_op(own);
    if (writes_acc(own)) {
      held = code[pos + acc_result_unit(own)];
      held_by = i;
    } else if (held != kNothing && passes_acc(base)) {
      for (unsigned w : passes_acc_writes(base))
        if (code[pos + w] == held) held = kNothing;
    } else {
      held = kNothing;
    }
  }
  return std::nullopt;
}

}  // namespace wi
