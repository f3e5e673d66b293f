// Bounded little-endian/LEB128 reader over a byte span. Every read checks the end and reports the spec's
// malformed-binary messages with the offset of the faulting byte.
// https://webassembly.github.io/spec/core/binary/values.html
#pragma once
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include "decoder/result.h"

namespace wi {

class Reader {
 public:
  Reader(std::span<const uint8_t> bytes, size_t base_offset = 0)
      : data_(bytes.data()), size_(bytes.size()), base_(base_offset) {}

  size_t pos() const { return pos_; }
  size_t offset() const { return base_ + pos_; }  // file offset of the next byte
  bool at_end() const { return pos_ >= size_; }
  size_t remaining() const { return size_ - pos_; }
  const uint8_t* cursor() const { return data_ + pos_; }
  void skip(size_t n) { pos_ += n; }

  Error error(std::string msg) const { return make_error(offset(), std::move(msg)); }
  Error error_at(size_t file_offset, std::string msg) const { return make_error(file_offset, std::move(msg)); }

  Result<uint8_t> u8() {
    if (pos_ >= size_) return error("unexpected end");
    return data_[pos_++];
  }
  // One-byte LEB128s (local and function indices, alignments, offsets and constants below 64 in
  // magnitude: most of them in compiled code) are read inline; so are two-byte ones for 32 bits
  // (never too long or too large there); longer ones, and every error, by the general loops below.
  Result<uint32_t> u32() {
    if (pos_ < size_ && data_[pos_] < 0x80) return data_[pos_++];
    if (pos_ + 1 < size_ && data_[pos_ + 1] < 0x80) {
      uint32_t v = (data_[pos_] & 0x7fu) | uint32_t(data_[pos_ + 1]) << 7;
      pos_ += 2;
      return v;
    }
    return unsigned_leb<uint32_t, 32>();
  }
  Result<uint64_t> u64() {
    if (pos_ < size_ && data_[pos_] < 0x80) return data_[pos_++];
    return unsigned_leb<uint64_t, 64>();
  }
  Result<int32_t> s32() {
    if (pos_ < size_ && data_[pos_] < 0x80) return int32_t(data_[pos_++] ^ 0x40) - 0x40;  // bit 6: the sign
    if (pos_ + 1 < size_ && data_[pos_ + 1] < 0x80) {  // 14 bits, bit 13 the sign
      int32_t v = int32_t(((data_[pos_] & 0x7fu) | uint32_t(data_[pos_ + 1]) << 7) ^ 0x2000) - 0x2000;
      pos_ += 2;
      return v;
    }
    return signed_leb<int32_t, 32>();
  }
  Result<int64_t> s64() {
    if (pos_ < size_ && data_[pos_] < 0x80) return int64_t(data_[pos_++] ^ 0x40) - 0x40;
    return signed_leb<int64_t, 64>();
  }
  // The 33-bit signed block type (spec 5.4.1).
  Result<int64_t> s33() { return signed_leb<int64_t, 33>(); }

  Result<uint32_t> fixed32() {
    if (remaining() < 4) return error("unexpected end");
    uint32_t v;
    std::memcpy(&v, data_ + pos_, 4);
    pos_ += 4;
    return v;
  }
  Result<uint64_t> fixed64() {
    if (remaining() < 8) return error("unexpected end");
    uint64_t v;
    std::memcpy(&v, data_ + pos_, 8);
    pos_ += 8;
    return v;
  }
  Result<std::span<const uint8_t>> bytes(size_t n) {
    if (remaining() < n) return error("unexpected end");
    std::span<const uint8_t> s(data_ + pos_, n);
    pos_ += n;
    return s;
  }
  // A vec(byte) holding UTF-8 (spec 5.2.4).
  Result<std::string> name();

 private:
  template <class T, unsigned Bits>
  Result<T> unsigned_leb() {
    T result = 0;
    unsigned shift = 0;
    for (;;) {
      if (pos_ >= size_) return error("unexpected end");
      uint8_t b = data_[pos_++];
      if (shift + 7 >= Bits && shift < Bits) {
        // Last permitted byte: unused high bits must be zero and no continuation.
        unsigned used = Bits - shift;
        if (b & 0x80) return make_error(offset() - 1, "integer representation too long");
        if (used < 7 && (b >> used) != 0) return make_error(offset() - 1, "integer too large");
        result |= T(b) << shift;
        return result;
      }
      result |= T(b & 0x7f) << shift;
      if (!(b & 0x80)) return result;
      shift += 7;
    }
  }
  template <class T, unsigned Bits>
  Result<T> signed_leb() {
    using U = std::make_unsigned_t<T>;
    U result = 0;
    unsigned shift = 0;
    for (;;) {
      if (pos_ >= size_) return error("unexpected end");
      uint8_t b = data_[pos_++];
      if (shift + 7 >= Bits) {
        if (b & 0x80) return make_error(offset() - 1, "integer representation too long");
        // The unused bits must all equal the sign bit of the value.
        unsigned used = Bits - shift;  // 1..7 value bits in this byte
        int8_t sext = int8_t(b << 1) >> 1;  // 7-bit payload sign-extended
        int8_t expect = int8_t(uint8_t(sext) << (8 - used)) >> (8 - used);
        if (used < 7 && sext != expect) return make_error(offset() - 1, "integer too large");
        result |= U(b & 0x7f) << shift;
        if (shift + 7 < sizeof(T) * 8 && (b & 0x40)) result |= ~U(0) << (shift + 7);
        return T(result);
      }
      result |= U(b & 0x7f) << shift;
      shift += 7;
      if (!(b & 0x80)) {
        if (shift < sizeof(T) * 8 && (b & 0x40)) result |= ~U(0) << shift;
        return T(result);
      }
    }
  }

  const uint8_t* data_;
  size_t size_;
  size_t base_;
  size_t pos_ = 0;
};

bool valid_utf8(std::span<const uint8_t> s);

}  // namespace wi
