// Listing of register code, one instruction per line, with the wasm offset it came from:
//   0012 @0x4f  I32Add_imm     d=3 a=1 i32=1
// The operand layout comes from regops.def, so the listing cannot drift from the encoding.
#include <sstream>
#include "fmt/format.h"
#include "interp/code.h"
#include "interp/regop.h"

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
    std::istringstream layout(regop_operands(op));
    std::string tok;
    uint32_t n = 0;
    while (layout >> tok) {
      if (at >= code.size()) break;
      if (tok == "i64") {
        uint64_t v = code[at] | (uint64_t(code[at + 1]) << 32);
        line += fmt::format(" i64={}", v);
        at += 2;
      } else if (tok == "v128") {
        line += fmt::format(" v128={:08x}{:08x}{:08x}{:08x}", code[at + 3], code[at + 2], code[at + 1], code[at]);
        at += 4;
      } else if (tok == "rel") {
        line += fmt::format(" ->{:04}", int64_t(pos) + int32_t(code[at]));
        ++at;
      } else if (tok == "n") {
        n = code[at];
        line += fmt::format(" n={}", n);
        ++at;
      } else if (tok == "rel*(n+1)") {
        for (uint32_t k = 0; k <= n; ++k) line += fmt::format(" ->{:04}", int64_t(pos) + int32_t(code[at++]));
      } else if (tok == "s*n") {
        for (uint32_t k = 0; k < n; ++k) line += fmt::format(" s={}", code[at++]);
      } else {
        line += fmt::format(" {}={}", tok, code[at]);
        ++at;
      }
    }
    out += line + "\n";
    pos = at;
  }
  return out;
}

}  // namespace wi
