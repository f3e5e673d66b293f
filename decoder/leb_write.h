// Writing unsigned LEB128, the binary format's integer encoding
// (https://webassembly.github.io/spec/core/binary/values.html#integers), minimal length: the one
// encoder of the layers above (the linker's module writer, interp's offset map). Reading, with its
// error checks, is Reader's (decoder/reader.h).
#pragma once
#include <cstdint>
#include <vector>

namespace wi {

inline void append_uleb32(std::vector<uint8_t>& out, uint32_t v) {
  while (v >= 0x80) {
    out.push_back(uint8_t(v | 0x80));
    v >>= 7;
  }
  out.push_back(uint8_t(v));
}

// The longest encoding of a 32-bit value.
constexpr unsigned kMaxUleb32Bytes = 5;

// Writes v at `out`, which has room for its encoding (kMaxUleb32Bytes always suffice); returns the
// byte after it.
inline uint8_t* put_uleb32(uint8_t* out, uint32_t v) {
  while (v >= 0x80) {
    *out++ = uint8_t(v | 0x80);
    v >>= 7;
  }
  *out++ = uint8_t(v);
  return out;
}

}  // namespace wi
