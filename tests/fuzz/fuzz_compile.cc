// libFuzzer target: decode, validate and translate arbitrary bytes, and read them as a DWARF line
// table (decoder/dwarf_line.h, which parses what any module's .debug_line holds). Any input must give
// either a result or an error value — never a crash, hang, leak or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <vector>
#include "decoder/dwarf_line.h"
#include "interp/code.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  wi::LineTable::Sections s;
  s.debug_line = std::span<const uint8_t>(data, size);
  s.debug_line_str = s.debug_line;
  s.code_start = 0x100;
  s.code_size = 0x10000;
  auto lines = wi::LineTable::parse(s);
  if (lines.ok()) {
    for (uint32_t off = 0; off < 0x400; off += 7) (void)lines->at(off);
    (void)lines->breakpoint("a.c", 3);
  }

  std::vector<uint8_t> bytes(data, data + size);
  auto compiled = wi::compile_module(std::move(bytes), {"fuzz.wasm"});
  if (compiled.ok()) {
    // Exercise the listing too: it walks every emitted instruction and its operand layout.
    for (auto& f : (*compiled)->funcs) (void)wi::disassemble_internal(**compiled, f);
    (void)wi::line_table(*(*compiled)->module);
  }
  return 0;
}
