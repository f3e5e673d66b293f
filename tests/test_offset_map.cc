// OffsetMap (interp/offset_map.h): the compact code-position → wasm-offset map answers every lookup
// as the plain sorted list it encodes would, and takes a few bytes an entry.
#include <algorithm>
#include <random>
#include "doctest/doctest.h"
#include "interp/offset_map.h"

namespace wi {
namespace {

// The reference: the last entry at or before `pos`, else the first entry, else 0.
uint32_t reference(const std::vector<OffsetMap::Entry>& e, uint32_t pos) {
  auto it = std::upper_bound(e.begin(), e.end(), std::make_pair(pos, UINT32_MAX));
  if (it == e.begin()) return e.empty() ? 0 : e.front().second;
  return std::prev(it)->second;
}

void check_all(const std::vector<OffsetMap::Entry>& e) {
  OffsetMap m = OffsetMap::encode(e);
  CHECK(m.size() == e.size());
  CHECK(m.decode() == e);
  uint32_t end = e.empty() ? 4 : e.back().first + 4;
  for (uint32_t pos = 0; pos <= end; ++pos) {
    INFO("pos ", pos, " of ", e.size(), " entries");
    REQUIRE(m.offset_at(pos) == reference(e, pos));
  }
}

TEST_CASE("offset map: empty, one entry, positions before the first") {
  check_all({});
  check_all({{0, 0x40}});
  check_all({{3, 0x1234567}});  // a lookup before the first entry gets the first offset
}

TEST_CASE("offset map: every lookup agrees with the sorted list, across checkpoints") {
  std::mt19937 rng(7);
  for (size_t n : {1u, 31u, 32u, 33u, 64u, 65u, 100u, 1000u}) {
    std::vector<OffsetMap::Entry> e;
    uint32_t pos = rng() % 3, off = 0x100 + rng() % 1000;
    for (size_t i = 0; i < n; ++i) {
      e.emplace_back(pos, off);
      pos += rng() % 4;  // 0: two entries at one position (the later one counts)
      // Mostly forward in the wasm bytes, sometimes back, sometimes a large jump.
      uint32_t r = rng() % 16;
      off = r == 0 ? off - rng() % 50 : r == 1 ? off + 100000 : off + 1 + rng() % 6;
    }
    check_all(e);
  }
}

TEST_CASE("offset map: offsets at the ends of the 32-bit range") {
  check_all({{0, 0}, {1, UINT32_MAX}, {2, 0}, {5, 0x80000000u}, {9, 0x7fffffffu}});
}

TEST_CASE("offset map: a typical function's map takes about two bytes an entry") {
  std::vector<OffsetMap::Entry> e;
  for (uint32_t i = 0; i < 3200; ++i) e.emplace_back(i * 3, 0x5000 + i * 2);
  OffsetMap m = OffsetMap::encode(e);
  CHECK(m.byte_size() <= e.size() * 3);  // the plain list took 8
}

}  // namespace
}  // namespace wi
