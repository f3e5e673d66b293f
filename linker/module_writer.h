// Encoding of wasm binary modules: LEB128 (minimal and 5-byte padded), names, and the sections
// wasmify builds from scratch (imports, exports, element, data, name). Sections wasmify keeps from the
// object (types, functions, globals, code) are copied as payload bytes.
// Policy: the writer only encodes; it does not validate. Output is checked by decode_module.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include "decoder/module.h"

namespace wi::link {

class ByteWriter {
 public:
  std::vector<uint8_t> bytes;

  void u8(uint8_t b) { bytes.push_back(b); }
  void u32(uint32_t v);  // unsigned LEB128, minimal
  void s32(int32_t v);   // signed LEB128, minimal
  void s64(int64_t v);
  void fixed32(uint32_t v);
  void raw(std::span<const uint8_t> b) { bytes.insert(bytes.end(), b.begin(), b.end()); }
  void name(std::string_view s);
  size_t size() const { return bytes.size(); }
};

// 5-byte padded LEB128 in place (what relocatable objects use at every relocation site).
void write_padded_u32(uint8_t* p, uint32_t v);
void write_padded_s32(uint8_t* p, int32_t v);
bool is_padded_leb5(const uint8_t* p);  // four bytes with the continuation bit, a fifth without
uint32_t read_padded_u32(const uint8_t* p);
int32_t read_padded_s32(const uint8_t* p);

void write_limits(ByteWriter& w, const Limits& l);
void write_import(ByteWriter& w, const Import& imp);
// A constant expression `global.get index; end`.
void write_global_get_expr(ByteWriter& w, uint32_t global_index);

// Builds the module: the header, then sections in the order they are added.
class ModuleWriter {
 public:
  ModuleWriter();
  // Appends a section; returns the file offset of its payload.
  size_t section(uint8_t id, std::span<const uint8_t> payload);
  size_t custom(std::string_view name, std::span<const uint8_t> payload);
  std::vector<uint8_t> take() { return std::move(out_.bytes); }
  size_t size() const { return out_.size(); }

 private:
  ByteWriter out_;
};

}  // namespace wi::link
