// LEB128 and fixed-width reads of wi::Reader: the limits the binary format puts on integer encodings
// (spec 5.2.2), and that every error points at the faulting byte.
#include <doctest/doctest.h>
#include <cstdint>
#include <initializer_list>
#include <vector>
#include "decoder/reader.h"

using wi::Reader;

namespace {

// Keeps the bytes alive for the Reader, which only borrows them.
struct Bytes {
  std::vector<uint8_t> v;
  Bytes(std::initializer_list<uint8_t> b) : v(b) {}
  Reader reader(size_t base = 0) const { return Reader(v, base); }
};

template <class R>
void check_error(R r, const char* message, size_t offset) {
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == message);
  CHECK(r.error().offset == offset);
}

}  // namespace

TEST_CASE("u32: boundaries and padding") {
  Bytes max{0xff, 0xff, 0xff, 0xff, 0x0f};
  auto r = max.reader();
  auto v = r.u32();
  REQUIRE(v.ok());
  CHECK(*v == 0xffffffffu);
  CHECK(r.at_end());

  // Redundant zero groups are allowed as long as the encoding fits in ceil(32/7) = 5 bytes.
  Bytes padded{0x80, 0x80, 0x80, 0x80, 0x00};
  auto rp = padded.reader();
  auto p = rp.u32();
  REQUIRE(p.ok());
  CHECK(*p == 0u);

  Bytes one{0x01};
  auto r1 = one.reader();
  CHECK(*r1.u32() == 1u);

  Bytes v624485{0xe5, 0x8e, 0x26};
  auto r2 = v624485.reader();
  CHECK(*r2.u32() == 624485u);
  CHECK(r2.pos() == 3);
}

TEST_CASE("u32: too long, too large, unexpected end") {
  Bytes too_long{0xff, 0xff, 0xff, 0xff, 0x8f, 0x00};
  check_error(too_long.reader().u32(), "integer representation too long", 4);

  Bytes zeros_too_long{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  check_error(zeros_too_long.reader().u32(), "integer representation too long", 4);

  // The fifth byte may only carry the 4 top bits.
  Bytes too_large{0xff, 0xff, 0xff, 0xff, 0x1f};
  check_error(too_large.reader().u32(), "integer too large", 4);
  Bytes too_large_high{0x80, 0x80, 0x80, 0x80, 0x70};
  check_error(too_large_high.reader().u32(), "integer too large", 4);

  Bytes truncated{0x80, 0x80};
  check_error(truncated.reader().u32(), "unexpected end", 2);

  Bytes empty{};
  check_error(empty.reader().u32(), "unexpected end", 0);
}

TEST_CASE("errors are reported as file offsets") {
  Bytes too_large{0xff, 0xff, 0xff, 0xff, 0x1f};
  check_error(too_large.reader(100).u32(), "integer too large", 104);
  Bytes truncated{0x80};
  check_error(truncated.reader(7).u32(), "unexpected end", 8);
}

TEST_CASE("u64: boundaries") {
  Bytes max{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01};
  auto v = max.reader().u64();
  REQUIRE(v.ok());
  CHECK(*v == UINT64_MAX);

  Bytes too_large{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
  check_error(too_large.reader().u64(), "integer too large", 9);

  Bytes too_long{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  check_error(too_long.reader().u64(), "integer representation too long", 9);
}

TEST_CASE("s32: boundaries and sign extension") {
  Bytes min{0x80, 0x80, 0x80, 0x80, 0x78};
  CHECK(*min.reader().s32() == INT32_MIN);
  Bytes max{0xff, 0xff, 0xff, 0xff, 0x07};
  CHECK(*max.reader().s32() == INT32_MAX);
  Bytes minus_one{0x7f};
  CHECK(*minus_one.reader().s32() == -1);
  Bytes minus_one_padded{0xff, 0xff, 0xff, 0xff, 0x7f};
  CHECK(*minus_one_padded.reader().s32() == -1);
  Bytes minus_64{0x40};
  CHECK(*minus_64.reader().s32() == -64);
  Bytes plus_64{0xc0, 0x00};
  CHECK(*plus_64.reader().s32() == 64);

  // In the fifth byte the 3 unused bits must repeat the sign bit.
  Bytes positive_bad{0xff, 0xff, 0xff, 0xff, 0x0f};
  check_error(positive_bad.reader().s32(), "integer too large", 4);
  Bytes negative_bad{0x80, 0x80, 0x80, 0x80, 0x70};
  check_error(negative_bad.reader().s32(), "integer too large", 4);
  Bytes too_long{0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  check_error(too_long.reader().s32(), "integer representation too long", 4);
  Bytes truncated{0xff, 0xff};
  check_error(truncated.reader().s32(), "unexpected end", 2);
}

TEST_CASE("s64: boundaries") {
  Bytes min{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7f};
  CHECK(*min.reader().s64() == INT64_MIN);
  Bytes max{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
  CHECK(*max.reader().s64() == INT64_MAX);
  Bytes bad{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
  check_error(bad.reader().s64(), "integer too large", 9);
  Bytes too_long{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
  check_error(too_long.reader().s64(), "integer representation too long", 9);
}

TEST_CASE("s33: block types") {
  Bytes empty_type{0x40};
  CHECK(*empty_type.reader().s33() == -64);
  Bytes max{0xff, 0xff, 0xff, 0xff, 0x0f};
  CHECK(*max.reader().s33() == int64_t(0xffffffff));
  Bytes min{0x80, 0x80, 0x80, 0x80, 0x70};
  CHECK(*min.reader().s33() == -(int64_t(1) << 32));
  Bytes minus_one{0xff, 0xff, 0xff, 0xff, 0x7f};
  CHECK(*minus_one.reader().s33() == -1);
  // Bit 32 set (negative) but the two unused bits clear.
  Bytes bad{0xff, 0xff, 0xff, 0xff, 0x1f};
  check_error(bad.reader().s33(), "integer too large", 4);
  Bytes too_long{0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  check_error(too_long.reader().s33(), "integer representation too long", 4);
}

TEST_CASE("fixed-width and byte reads stop at the end") {
  Bytes three{1, 2, 3};
  auto r = three.reader(10);
  check_error(r.fixed32(), "unexpected end", 10);
  CHECK(r.pos() == 0);  // a failed read consumes nothing
  check_error(r.fixed64(), "unexpected end", 10);
  check_error(r.bytes(4), "unexpected end", 10);
  auto b = r.bytes(3);
  REQUIRE(b.ok());
  CHECK(b->size() == 3);
  check_error(r.u8(), "unexpected end", 13);

  Bytes le{0x78, 0x56, 0x34, 0x12};
  CHECK(*le.reader().fixed32() == 0x12345678u);
}
