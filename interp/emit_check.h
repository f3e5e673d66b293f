// Compile-time checks of typed emission against the op table: whether the arguments a translator
// call passes for an instruction match the operand layout that regops.def (through regop_info.h)
// gives its op, token by token. FunctionTranslator::emit and its kin static_assert on these, so an
// emission that disagrees with the table does not compile; verify_code.cc checks the finished code
// again at run time in builds with assertions.
#pragma once
#include <cstdint>
#include <string_view>
#include <type_traits>
#include "interp/regop_info.h"

namespace wi::emit_check {

constexpr std::string_view layout_of(RegOp op) { return kRegOpInfo[unsigned(layout_op(op))].operands; }

// Whether arguments of types U... fill tokens [first, end) of `layout`: one per token, uint64_t for
// an "i64", uint32_t for every other fixed-width token. Layouts with a variable tail (BrTable's,
// Return's) or a v128 are not emitted this way.
template <class... U>
constexpr bool units_match(std::string_view layout, unsigned first) {
  constexpr bool wide[] = {std::is_same_v<U, uint64_t>..., false};
  constexpr bool narrow[] = {std::is_same_v<U, uint32_t>..., false};
  if (layout_token_count(layout) != first + sizeof...(U)) return false;
  for (unsigned i = 0; i < sizeof...(U); ++i) {
    std::string_view t = layout_token(layout, first + i);
    if (t == "v128" || t == "rel*(n+1)" || t == "s*n") return false;
    if (t == "i64" ? !wide[i] : !narrow[i]) return false;
  }
  return true;
}

static_assert(units_match<uint32_t, uint32_t, uint32_t>("d a b", 0));
static_assert(units_match<uint32_t, uint64_t>("d a i64", 1));
static_assert(!units_match<uint32_t, uint32_t>("d a i64", 1));
static_assert(!units_match<uint32_t>("d a b", 0));
static_assert(!units_match<int, uint32_t, uint32_t>("d a b", 0));

}  // namespace wi::emit_check
