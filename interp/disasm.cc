// Listing of register code, one instruction per line, with the wasm offset it came from:
//   0012 @0x4f  I32Add_imm     d=3 a=1 i32=1
// The operand layout comes from the op table (regop_info.h), so the listing cannot drift from the
// encoding.
#include <string_view>
#include "fmt/format.h"
#include "interp/code.h"
#include "interp/regop.h"
#include "interp/regop_info.h"

namespace wi {

std::string disassemble_internal(const CompiledModule& m, const CompiledFunc& f) {
  std::string out = fmt::format("func {} '{}': params={} locals={} frame={} results={}\n", f.func_index,
                                m.module->function_display_name(f.func_index), f.param_slots,
                                f.local_slots, f.frame_slots, f.result_slots);
  size_t pos = 0;
  const auto& code = f.code;
  while (pos < code.size()) {
    RegOp op = regop_from_handler(int32_t(code[pos]));
    if (op == RegOp::Count_) {
      out += fmt::format("{:04}  <bad handler {}>\n", pos, int32_t(code[pos]));
      break;
    }
    std::string line = fmt::format("{:04} @0x{:x}  {:<18}", pos, f.wasm_offset_at(uint32_t(pos)), regop_name(op));
    size_t at = pos + 1;
    std::string_view layout = regop_operands(op);
    uint32_t n = 0;
    for (unsigned i = 0; i < layout_token_count(layout); ++i) {
      std::string_view tok = layout_token(layout, i);
      size_t width = tok == "rel*(n+1)" ? size_t(n) + 1 : tok == "s*n" ? n : token_units(tok);
      if (at + width > code.size()) break;  // a truncated instruction: list what is there
      if (tok == "i64") {
        uint64_t v = code[at] | (uint64_t(code[at + 1]) << 32);
        line += fmt::format(" i64={}", v);
      } else if (tok == "v128") {
        line += fmt::format(" v128={:08x}{:08x}{:08x}{:08x}", code[at + 3], code[at + 2], code[at + 1], code[at]);
      } else if (tok == "rel") {
        line += fmt::format(" ->{:04}", int64_t(pos) + int32_t(code[at]));
      } else if (tok == "n") {
        n = code[at];
        line += fmt::format(" n={}", n);
      } else if (tok == "rel*(n+1)") {
        for (uint32_t k = 0; k <= n; ++k) line += fmt::format(" ->{:04}", int64_t(pos) + int32_t(code[at + k]));
      } else if (tok == "s*n") {
        for (uint32_t k = 0; k < n; ++k) line += fmt::format(" s={}", code[at + k]);
      } else {
        line += fmt::format(" {}={}", tok, code[at]);
      }
      at += width;
    }
    out += line + "\n";
    pos = at;
  }
  return out;
}

}  // namespace wi
