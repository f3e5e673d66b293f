// Watchpoints on linear memory (host/watch.h): the accesses of an instruction from its trace point,
// and the list of watched ranges with the hit waiting to be reported.
#include "host/watch.h"
#include <algorithm>
#include <cstdint>
#include "decoder/instruction.h"
#include "decoder/opcode.h"
#include "fmt/format.h"

namespace wi {
namespace {

uint64_t operand(const TraceLoc& l, const Slot* fp) {
  if (l.is_const) return l.type == ValType::I64 ? l.bits[0] : uint32_t(l.bits[0]);
  return l.type == ValType::I64 ? fp[l.slot].i64 : fp[l.slot].i32;
}

// Whether the opcode at `byte` can touch memory at all: loads and stores, and the 0xfc (bulk memory)
// and 0xfd (SIMD) prefixes. Everything else is rejected without decoding.
bool may_access_memory(uint8_t byte) { return (byte >= 0x28 && byte <= 0x3e) || byte == 0xfc || byte == 0xfd; }

// [addr, addr + len) of `mem`, when it lies inside the memory (an access past the end traps first).
bool in_bounds(const Memory* mem, uint64_t addr, uint64_t len) {
  return mem && addr <= mem->size && len <= mem->size - addr;
}

const Memory* memory_at(const FuncInst* f, uint32_t index) {
  const auto& mems = f->instance->memories;
  return index < mems.size() ? mems[index] : nullptr;
}

}  // namespace

MemAccesses memory_accesses(const FuncInst* f, const Slot* fp, const TracePoint& p) {
  MemAccesses out;
  const Module& m = *f->instance->module;
  if (p.kind != TracePoint::Instr || p.offset >= m.bytes.size() || !may_access_memory(m.bytes[p.offset])) return out;
  Reader r(std::span<const uint8_t>(m.bytes).subspan(p.offset), p.offset);
  Instruction in;
  std::vector<uint32_t> targets;
  if (!read_instruction(r, in, targets).ok()) return out;
  const OpInfo& info = op_info(in.op);
  const TraceLoc* ops = f->code->trace.in(p);
  auto add = [&](const Memory* mem, uint64_t addr, uint64_t len, bool write) {
    if (len && in_bounds(mem, addr, len)) out.at[out.n++] = MemAccess{mem, addr, len, write};
  };
  if (info.imm == Imm::MemArg || info.imm == Imm::MemArgLane) {
    if (p.n_in < 1) return out;
    const uint64_t base = operand(ops[0], fp);
    if (base + in.mem_offset < base) return out;  // wraps: it traps
    add(memory_at(f, in.memory), base + in.mem_offset, uint64_t(1) << info.aux, info.result == ValType::Void);
    return out;
  }
  if ((in.op == Opcode::MemoryFill || in.op == Opcode::MemoryInit || in.op == Opcode::MemoryCopy) && p.n_in == 3) {
    const uint64_t d = operand(ops[0], fp), s = operand(ops[1], fp), n = operand(ops[2], fp);
    if (in.op == Opcode::MemoryCopy) add(memory_at(f, in.memory_src), s, n, false);
    add(memory_at(f, in.memory), d, n, true);
  }
  return out;
}

const char* watch_kind_name(WatchKind k) {
  switch (k) {
    case WatchKind::Write: return "write";
    case WatchKind::Read: return "read";
    case WatchKind::Access: return "access";
  }
  return "?";
}

std::string watch_bytes_text(const uint8_t* p, uint64_t n) {
  std::string s;
  for (uint64_t k = 0; k < n; ++k) s += fmt::format("{}{:02x}", k ? " " : "", p[k]);
  if (n == 1 || n == 2 || n == 4 || n == 8) {
    uint64_t v = 0;
    for (uint64_t k = n; k-- > 0;) v = v << 8 | p[k];
    s += fmt::format(" = {}", v);
  }
  return s;
}

Result<uint32_t> WatchList::add(const Memory* mem, uint64_t addr, uint64_t len, WatchKind kind,
                                uint64_t client_addr) {
  if (len == 0 || len > kMaxLen)
    return make_error(SIZE_MAX, fmt::format("a watchpoint covers 1 to {} bytes, not {}", kMaxLen, len));
  if (!in_bounds(mem, addr, len))
    return make_error(SIZE_MAX, fmt::format("0x{:x}+{} is outside linear memory", addr, len));
  if (watches_.size() >= kMaxWatches) return make_error(SIZE_MAX, fmt::format("at most {} watchpoints", kMaxWatches));
  watches_.push_back(Watch{next_id_++, mem, addr, len, kind, client_addr, 0});
  return watches_.back().id;
}

bool WatchList::remove(uint32_t id) {
  auto it = std::find_if(watches_.begin(), watches_.end(), [&](const Watch& w) { return w.id == id; });
  if (it == watches_.end()) return false;
  watches_.erase(it);
  return true;
}

bool WatchList::remove(uint64_t client_addr, uint64_t len, WatchKind kind) {
  auto it = std::find_if(watches_.begin(), watches_.end(), [&](const Watch& w) {
    return w.client_addr == client_addr && w.len == len && w.kind == kind;
  });
  if (it == watches_.end()) return false;
  watches_.erase(it);
  return true;
}

void WatchList::clear() {
  watches_.clear();
  armed_.reset();
}

std::optional<WatchHit> WatchList::take_hit(bool count) {
  if (!armed_) return std::nullopt;
  std::optional<WatchHit> h = std::move(armed_);
  armed_.reset();
  // Count it on the watchpoint if it is still set (the debugger may have deleted it meanwhile).
  for (Watch& w : watches_)
    if (w.id == h->watch.id) h->watch.hits = count ? ++w.hits : w.hits;
  return h;
}

void WatchList::check(const FuncInst* f, const Slot* fp, const TracePoint& p) {
  MemAccesses a = memory_accesses(f, fp, p);
  for (int k = 0; k < a.n; ++k) {
    const MemAccess& acc = a.at[k];
    for (const Watch& w : watches_) {
      if (w.mem != acc.mem || acc.addr >= w.addr + w.len || w.addr >= acc.addr + acc.len) continue;
      bool kind_matches = w.kind == WatchKind::Access || (w.kind == WatchKind::Write) == acc.write;
      if (!kind_matches) continue;
      armed_ = WatchHit{w, acc, f, p.offset, std::vector<uint8_t>(w.mem->data + w.addr, w.mem->data + w.addr + w.len)};
      return;
    }
  }
}

}  // namespace wi
