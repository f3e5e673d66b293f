// ExecSnapshot: taking and restoring a store's execution state at a trace point (interp/snapshot.h).
#include "interp/snapshot.h"
#include <cstring>
#include "fmt/format.h"
#include "interp/exec_core.h"

namespace wi {

namespace {

// Why a snapshot cannot be taken or restored now, or none.
const char* unsafe(Store& store) {
  Activation* a = ExecAccess::serving_trace(store);
  if (!a || a->store != &store) return "no trace point of this store is being served";
  if (ExecAccess::exceptions(store)) return "the program has thrown wasm exceptions (not captured)";
  return nullptr;
}

}  // namespace

uint64_t ExecSnapshot::serving_activation(Store& store) {
  Activation* a = ExecAccess::serving_trace(store);
  return a && a->store == &store ? a->serial : 0;
}

Result<ExecSnapshot> ExecSnapshot::take(Store& store, const TraceEvent& e, const ExecSnapshot* previous) {
  if (const char* why = unsafe(store)) return make_error(SIZE_MAX, why);
  const Activation& a = *ExecAccess::serving_trace(store);
  ExecSnapshot s;
  s.serial_ = a.serial;
  s.ip_ = a.trace_ip;
  s.fp_ = e.fp;
  s.depth_ = e.depth;
  s.func_ = e.func;
  s.instances_ = store.instances().size();
  size_t k = 0;
  for (Memory& m : ExecAccess::memories(store)) {
    Mem mem;
    mem.size = m.size;
    const Mem* old = previous && k < previous->mems_.size() ? &previous->mems_[k] : nullptr;
    for (uint64_t off = 0, c = 0; off < m.size; off += kChunk, ++c) {
      size_t n = size_t(std::min<uint64_t>(kChunk, m.size - off));
      if (old && c < old->chunks.size() && old->chunks[c]->size() == n &&
          std::memcmp(old->chunks[c]->data(), m.data + off, n) == 0) {
        mem.chunks.push_back(old->chunks[c]);  // unchanged since the previous snapshot: shared
        continue;
      }
      mem.chunks.push_back(std::make_shared<const std::vector<uint8_t>>(m.data + off, m.data + off + n));
      s.own_bytes_ += n;
    }
    s.mems_.push_back(std::move(mem));
    ++k;
  }
  for (GlobalInst& g : ExecAccess::globals(store)) {
    s.globals_.push_back(g.value[0]);
    s.globals_.push_back(g.value[1]);
  }
  for (Table& t : ExecAccess::tables(store)) {
    s.tables_.push_back(t.elems);
    s.own_bytes_ += t.elems.size() * sizeof(void*);
  }
  s.fuel_ = store.fuel;
  Slot* base = ExecAccess::stack_base(store);
  s.stack_.assign(base, e.fp + e.func->code->frame_slots);
  s.stack_top_ = ExecAccess::stack_top(store);
  std::vector<Store::CallFrame>& frames = ExecAccess::frames(store);
  s.frames_.assign(frames.begin(), frames.begin() + ptrdiff_t(e.depth));
  s.own_bytes_ += s.globals_.size() * sizeof(Slot) + s.stack_.size() * sizeof(Slot) +
                  s.frames_.size() * sizeof(Store::CallFrame);
  return s;
}

Result<void> ExecSnapshot::restorable(Store& store) const {
  if (const char* why = unsafe(store)) return make_error(SIZE_MAX, why);
  if (ExecAccess::serving_trace(store)->serial != serial_)
    return make_error(SIZE_MAX, "the snapshot was taken in another call from the host into wasm");
  if (store.instances().size() != instances_ || ExecAccess::memories(store).size() != mems_.size() ||
      ExecAccess::globals(store).size() * 2 != globals_.size() || ExecAccess::tables(store).size() != tables_.size())
    return make_error(SIZE_MAX, "the store has gained objects since the snapshot");
  return {};
}

Result<void> ExecSnapshot::restore(Store& store) const {
  WI_TRY(restorable(store));
  size_t k = 0;
  for (Memory& m : ExecAccess::memories(store)) {
    const Mem& mem = mems_[k++];
    if (m.size > mem.size) {
      // Pages grown since stay accessible to the host: a later memory.grow must find them zeroed.
      std::memset(m.data + mem.size, 0, m.size - mem.size);
      m.size = mem.size;
    } else if (m.size < mem.size && m.grow((mem.size - m.size) / kPageSize) < 0) {
      return make_error(SIZE_MAX, fmt::format("memory {} cannot grow back to {} bytes", k - 1, mem.size));
    }
    uint64_t off = 0;
    for (const Chunk& c : mem.chunks) {
      std::memcpy(m.data + off, c->data(), c->size());
      off += c->size();
    }
  }
  size_t g = 0;
  for (GlobalInst& gi : ExecAccess::globals(store)) {
    gi.value[0] = globals_[g++];
    gi.value[1] = globals_[g++];
  }
  size_t t = 0;
  for (Table& ti : ExecAccess::tables(store)) ti.elems = tables_[t++];
  store.fuel = fuel_;
  std::memcpy(ExecAccess::stack_base(store), stack_.data(), stack_.size() * sizeof(Slot));
  ExecAccess::stack_top(store) = stack_top_;
  std::vector<Store::CallFrame>& frames = ExecAccess::frames(store);
  std::copy(frames_.begin(), frames_.end(), frames.begin());
  ExecAccess::frame_top(store) = depth_;
  Activation& a = *ExecAccess::serving_trace(store);
  a.resume = true;
  a.resume_ip = ip_;
  a.resume_fp = fp_;
  a.resume_cf = a.frames + depth_;
  a.resume_func = func_;
  return {};
}

size_t ExecSnapshot::forget(const ExecSnapshot* prev, const ExecSnapshot& victim, ExecSnapshot* next) {
  size_t chunk_bytes = 0;  // victim's own chunks
  for (size_t m = 0; m < victim.mems_.size(); ++m) {
    const std::vector<Chunk>& cs = victim.mems_[m].chunks;
    auto at = [&](const ExecSnapshot* s, size_t c) -> const Chunk* {
      return s && m < s->mems_.size() && c < s->mems_[m].chunks.size() ? &s->mems_[m].chunks[c] : nullptr;
    };
    for (size_t c = 0; c < cs.size(); ++c) {
      const Chunk* p = at(prev, c);
      if (p && *p == cs[c]) continue;  // prev's: stays
      chunk_bytes += cs[c]->size();
      const Chunk* n = at(next, c);
      if (n && *n == cs[c]) {
        next->own_bytes_ += cs[c]->size();  // next's alone now
        chunk_bytes -= cs[c]->size();        // not freed
      }
    }
  }
  size_t fixed = victim.globals_.size() * sizeof(Slot) + victim.stack_.size() * sizeof(Slot) +
                 victim.frames_.size() * sizeof(Store::CallFrame);
  for (const auto& t : victim.tables_) fixed += t.size() * sizeof(void*);
  return chunk_bytes + fixed;
}

}  // namespace wi
