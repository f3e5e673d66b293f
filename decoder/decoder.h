// One-pass decoder of the WebAssembly 2.0 binary format. It checks every section and every
// module-level validation rule as it reads, and hands each function body to a CodeDelegate, which
// validates (and, in interp/, translates) the body's instructions in the same pass.
#pragma once
#include <memory>
#include <string>
#include <vector>
#include "decoder/module.h"
#include "decoder/result.h"

namespace wi {

class CodeDelegate {
 public:
  virtual ~CodeDelegate() = default;
  // Called once per defined function, in order, after every section before Code has been read.
  virtual Result<void> on_function(const Module& m, uint32_t func_index, const FunctionBody& body) = 0;
};

struct DecodeOptions {
  std::string file_name = "<module>";
};

// Decodes and validates `bytes`. With a null delegate, function bodies are validated only.
Result<std::unique_ptr<Module>> decode_module(std::vector<uint8_t> bytes, CodeDelegate* delegate,
                                              const DecodeOptions& options = {});

// Validates one body's instructions (the reusable validator driving loop, no translation).
Result<void> validate_function(const Module& m, uint32_t func_index, const FunctionBody& body);

// "<file>: 0x<offset>: <message>"
std::string format_error(const std::string& file, const Error& e);

}  // namespace wi
