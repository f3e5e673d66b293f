// OffsetMap's encoding and lookup (the format is described in offset_map.h).
#include "interp/offset_map.h"
#include <algorithm>
#include "decoder/leb_write.h"

namespace wi {

namespace {

// The map is written here and never comes from outside, so reading trusts it.
uint32_t get_leb(const uint8_t* bytes, uint32_t& at) {
  uint32_t v = 0;
  for (unsigned shift = 0;; shift += 7) {
    uint8_t b = bytes[at++];
    v |= uint32_t(b & 0x7f) << shift;
    if (!(b & 0x80)) return v;
  }
}

uint32_t zigzag(uint32_t delta) { return (delta << 1) ^ uint32_t(int32_t(delta) >> 31); }
uint32_t unzigzag(uint32_t z) { return (z >> 1) ^ (0u - (z & 1)); }

// Walks the entries from a known one: `pos`/`offset` are the entry before `at`.
struct Cursor {
  uint32_t pos = 0, offset = 0, at = 0;
  void next(const uint8_t* bytes) {
    pos += get_leb(bytes, at);
    offset += unzigzag(get_leb(bytes, at));
  }
};

}  // namespace

OffsetMap OffsetMap::encode(std::span<const Entry> entries, std::vector<uint8_t>& scratch) {
  OffsetMap m;
  m.count_ = uint32_t(entries.size());
  if (entries.empty()) return m;
  m.first_offset_ = entries.front().second;
  m.checkpoints_.reserve(entries.size() / kCheckpointStride);
  // Written through a pointer into room for the longest encoding (two 5-byte LEB128s an entry), then
  // copied out at its size: a push_back per byte was most of the cost, and the map is made for every
  // function compiled. (Sizing it exactly in a pass of its own first cost a fifth more.)
  const size_t room = entries.size() * 2 * kMaxUleb32Bytes;
  if (scratch.size() < room) scratch.resize(room);
  uint8_t* const start = scratch.data();
  uint8_t* out = start;
  Entry prev{0, 0};
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const uint32_t step = e.first - prev.first, moved = zigzag(e.second - prev.second);
    if ((step | moved) < 0x80) {  // the common entry: both one byte
      out[0] = uint8_t(step);
      out[1] = uint8_t(moved);
      out += 2;
    } else {
      out = put_uleb32(out, step);
      out = put_uleb32(out, moved);
    }
    if ((i + 1) % kCheckpointStride == 0) m.checkpoints_.push_back({e.first, e.second, uint32_t(out - start)});
    prev = e;
  }
  m.bytes_.assign(start, out);  // the map stays as long as the code: exactly its size
  return m;
}

uint32_t OffsetMap::offset_at(uint32_t p) const {
  if (count_ == 0) return 0;
  // The last checkpoint at or before `p`; entries at the same position as one may follow it.
  auto cp = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), p,
                             [](uint32_t v, const Checkpoint& c) { return v < c.pos; });
  Cursor c;
  uint32_t left = count_;
  uint32_t result = first_offset_;
  if (cp != checkpoints_.begin()) {
    --cp;
    c = Cursor{cp->pos, cp->offset, cp->byte};
    left = count_ - uint32_t(cp - checkpoints_.begin() + 1) * kCheckpointStride;
    result = cp->offset;
  }
  for (; left > 0; --left) {
    c.next(bytes_.data());
    if (c.pos > p) break;
    result = c.offset;
  }
  return result;
}

std::vector<OffsetMap::Entry> OffsetMap::decode() const {
  std::vector<Entry> out;
  out.reserve(count_);
  Cursor c;
  for (uint32_t i = 0; i < count_; ++i) {
    c.next(bytes_.data());
    out.emplace_back(c.pos, c.offset);
  }
  return out;
}

}  // namespace wi
