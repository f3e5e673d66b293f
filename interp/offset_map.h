// OffsetMap: which wasm instruction (by file offset) a position in a function's register code came
// from, for traps, backtraces and listings. Read only off the fast path (a trap, a backtrace, a
// listing), so it is stored small rather than fast: issue 13 bounds translated code, map included,
// to 4× the bytes of the bodies, and a plain (position, offset) pair per instruction took 8 bytes,
// more than the instruction's own wasm bytes.
//
// Encoding: the entries (position, offset), ascending by position, as LEB128 deltas from the entry
// before (the first from (0, 0)): the position's delta unsigned, the offset's zigzag-signed (the
// translator emits instructions in wasm order, but the map does not depend on it). Every
// kCheckpointStride-th entry is also kept whole in a checkpoint, so a lookup decodes at most that
// many entries after a binary search. Typically two bytes an entry.
#pragma once
#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace wi {

class OffsetMap {
 public:
  using Entry = std::pair<uint32_t, uint32_t>;  // (code position, wasm file offset)
  static constexpr uint32_t kCheckpointStride = 32;

  OffsetMap() = default;
  // `entries` ascending by position (equal positions: the last one wins).
  static OffsetMap encode(std::span<const Entry> entries) {
    std::vector<uint8_t> scratch;
    return encode(entries, scratch);
  }
  // The same, written first into `scratch` (a buffer a caller encoding many maps keeps; it only
  // grows), so that the map's own bytes are allocated once at their size.
  static OffsetMap encode(std::span<const Entry> entries, std::vector<uint8_t>& scratch);

  // The offset of the last entry at or before `pos`; the first entry's for a position before it, 0
  // for an empty map.
  uint32_t offset_at(uint32_t pos) const;
  // Every entry, in order (tests and tools).
  std::vector<Entry> decode() const;
  size_t size() const { return count_; }
  // Bytes held (what the map adds to translated code).
  size_t byte_size() const { return bytes_.size() + checkpoints_.size() * sizeof(Checkpoint); }

 private:
  struct Checkpoint {
    uint32_t pos, offset;  // the entry's values
    uint32_t byte;         // where the entry after it starts in bytes_
  };
  std::vector<uint8_t> bytes_;
  std::vector<Checkpoint> checkpoints_;  // entries kCheckpointStride-1, 2*kCheckpointStride-1, ...
  uint32_t count_ = 0;
  uint32_t first_offset_ = 0;
};

}  // namespace wi
