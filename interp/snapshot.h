// Snapshots of a store's execution at a trace point, for reverse execution (docs/reverse.md): taken
// by a Tracer inside its on_trace, restored by it inside a later on_trace of the same interpret() call,
// which then goes on from the snapshot's Trace op (the op runs again and calls the tracer for it).
// Owns what a snapshot holds: every memory (in 4 KiB chunks, a chunk shared with the previous snapshot
// while its bytes are the same: pages are copied only when written between snapshots), every global,
// every table's elements, the fuel, the value stack up to the running frame's end, the call-frame
// records and the executor's registers at the Trace op.
// Policy: only where it is safe: taken and restored only while a Trace op of the same activation is
// serving the tracer (so no host call of it is in progress on the C++ stack), with the store's objects
// unchanged in number (no instance added, no memory, table or global created) and no exception ever
// allocated (exception objects are not captured). A snapshot that does not fit says why (Result);
// nothing here is on the untraced path.
#pragma once
#include <cstdint>
#include <memory>
#include <unordered_set>
#include <vector>
#include "decoder/result.h"
#include "interp/store.h"
#include "interp/trace.h"

namespace wi {

class ExecSnapshot {
 public:
  // The snapshot of `store` at the Trace op serving the tracer now (whose event is `e`); `previous` (may be null): the
  // last snapshot of this store, whose unchanged memory chunks are shared.
  static Result<ExecSnapshot> take(Store& store, const TraceEvent& e, const ExecSnapshot* previous);
  // Whether restore() would succeed now (else why not).
  Result<void> restorable(Store& store) const;
  // Puts `store` back as it was, and has the Trace op serving the tracer go on from the snapshot's
  // Trace op once the tracer returns true.
  Result<void> restore(Store& store) const;
  // Bytes this snapshot holds alone (chunks it shares with an earlier snapshot are not counted).
  size_t own_bytes() const { return own_bytes_; }
  // Before `victim` is destroyed, with `prev` and `next` (either may be null) its neighbours, which
  // may share its chunks: the bytes destroying it frees. Chunks `next` shared with it become
  // `next`'s own unless `prev` holds them too.
  static size_t forget(const ExecSnapshot* prev, const ExecSnapshot& victim, ExecSnapshot* next);
  // Bytes `snaps` hold together, each chunk counted once however many share it (a walk over all of
  // them: for reports, where the running count of own_bytes and forget is checked).
  template <class Range, class Get>
  static size_t held_bytes(const Range& snaps, Get get);
  // The call from the host into wasm it was taken in, and the one serving the tracer now (0: none).
  uint64_t activation() const { return serial_; }
  static uint64_t serving_activation(Store& store);

  static constexpr size_t kChunk = 4096;

 private:
  using Chunk = std::shared_ptr<const std::vector<uint8_t>>;
  struct Mem {
    uint64_t size = 0;
    std::vector<Chunk> chunks;
  };
  uint64_t serial_ = 0;  // the interpret() call (Activation::serial)
  const uint32_t* ip_ = nullptr;
  Slot* fp_ = nullptr;
  size_t depth_ = 0;  // the running frame's place among the call-frame records
  const FuncInst* func_ = nullptr;
  size_t instances_ = 0;
  std::vector<Mem> mems_;
  std::vector<Slot> globals_;  // two slots each
  std::vector<std::vector<void*>> tables_;
  int64_t fuel_ = 0;
  std::vector<Slot> stack_;  // from the stack's base
  Slot* stack_top_ = nullptr;
  std::vector<Store::CallFrame> frames_;
  size_t own_bytes_ = 0;
};

template <class Range, class Get>
size_t ExecSnapshot::held_bytes(const Range& snaps, Get get) {
  std::unordered_set<const void*> seen;
  size_t n = 0;
  for (const auto& x : snaps) {
    const ExecSnapshot& s = get(x);
    n += s.globals_.size() * sizeof(Slot) + s.stack_.size() * sizeof(Slot) + s.frames_.size() * sizeof(Store::CallFrame);
    for (const auto& t : s.tables_) n += t.size() * sizeof(void*);
    for (const Mem& m : s.mems_)
      for (const Chunk& c : m.chunks)
        if (seen.insert(c.get()).second) n += c->size();
  }
  return n;
}

}  // namespace wi
