// libFuzzer target: decode, validate and translate arbitrary bytes. Any input must give either a
// compiled module or an error value — never a crash, hang, leak or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <vector>
#include "interp/code.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  auto compiled = wi::compile_module(std::move(bytes), {"fuzz.wasm"});
  if (compiled.ok()) {
    // Exercise the listing too: it walks every emitted instruction and its operand layout.
    for (auto& f : (*compiled)->funcs) (void)wi::disassemble_internal(**compiled, f);
  }
  return 0;
}
