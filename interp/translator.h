// Translation of validated wasm function bodies into register code (regops.def), one instruction at a
// time right after the validator accepts it. Operand-stack positions become fixed frame slots;
// `local.get` and constants stay virtual (folded into operands) until something forces them into a
// slot; a result followed by `local.set` is written straight into the local.
#pragma once
#include "decoder/decoder.h"
#include "decoder/validator.h"
#include <memory>
#include "interp/append_buffer.h"
#include "interp/code.h"

namespace wi {
namespace lowering {
struct TranslatorBuffers;
}

class Translator : public CodeDelegate {
 public:
  Translator(CompiledModule& out, bool meter_fuel, bool lazy = false)
      : out_(out), meter_fuel_(meter_fuel), lazy_(lazy) {}
  ~Translator();
  Result<void> on_function(const Module& m, uint32_t func_index, const FunctionBody& body) override;
  // Validates and translates one body into `f` (on_function's work; CompiledModule::compile_pending's for lazy ones).
  Result<void> translate(const Module& m, uint32_t func_index, const FunctionBody& body, CompiledFunc& f);

 private:
  CompiledModule& out_;
  bool meter_fuel_;
  bool lazy_;
  FunctionValidator validator_;
  AppendBuffer<OffsetMap::Entry> offsets_;  // the function's offset map as it is built (reused)
  std::vector<uint8_t> offset_bytes_;       // OffsetMap::encode's scratch (reused)
  std::unique_ptr<lowering::TranslatorBuffers> buffers_;  // lent to each FunctionTranslator
};

}  // namespace wi
