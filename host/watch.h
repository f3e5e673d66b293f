// Watchpoints on linear memory for the debuggers on the traced translation: `wi debug`'s `watch`
// (cmd_debug.cc) and the GDB-remote stub's Z2/Z3/Z4 (host/gdb/watchpoints.cc). Owns the watched
// ranges and the one hit waiting to be reported; knows which bytes of memory an instruction is about
// to read or write, from its trace point's operands (interp/trace.h).
// Policy: watching costs nothing unless a watchpoint is set. The interpreter is never asked to check
// anything: the debuggers call check() at each trace point only while the list is non-empty, so an
// untraced run, and a traced one without watchpoints, run exactly the code they ran before. A hit is
// reported after the access has run (GDB's and LLDB's convention for the wasm target: the new value
// is in memory when the debugger looks); an access that traps (out of bounds) never hits. Only wasm
// instructions are watched: a host function writing guest memory (WASI fd_read) is not seen.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>
#include "decoder/result.h"
#include "interp/store.h"
#include "interp/trace.h"

namespace wi {

// Bytes of one memory that an instruction reads or writes: [addr, addr + len).
struct MemAccess {
  const Memory* mem = nullptr;
  uint64_t addr = 0, len = 0;
  bool write = false;
};

// The accesses the instruction at trace point `p` of `f` (frame `fp`) makes when it runs: a load or
// store (its effective address: the address operand plus the memarg offset), memory.fill,
// memory.init (the bytes written), memory.copy (a read and a write). None for other instructions, and
// none for an access that runs past the memory's end: it traps before touching memory.
struct MemAccesses {
  MemAccess at[2];
  int n = 0;
};
MemAccesses memory_accesses(const FuncInst* f, const Slot* fp, const TracePoint& p);

enum class WatchKind : uint8_t { Write, Read, Access };  // GDB's Z2, Z3, Z4
const char* watch_kind_name(WatchKind k);                // "write", "read", "access"
// `n` bytes as hex in memory order, then " = V" (little-endian, unsigned) for 1, 2, 4 or 8 bytes.
std::string watch_bytes_text(const uint8_t* p, uint64_t n);

struct Watch {
  uint32_t id = 0;
  const Memory* mem = nullptr;
  uint64_t addr = 0, len = 0;
  WatchKind kind = WatchKind::Write;
  uint64_t client_addr = 0;  // the address as the debugger gave it (the stub: ProcessWasm's encoding)
  uint64_t hits = 0;
};

// A watchpoint hit by the instruction that just ran.
struct WatchHit {
  Watch watch;                     // as it was when hit (its hit count included)
  MemAccess access;                // what the instruction did
  const FuncInst* func = nullptr;  // the instruction: its function and wasm offset
  uint32_t offset = 0;
  std::vector<uint8_t> old_bytes;  // the watched bytes before the access
};

class WatchList {
 public:
  static constexpr size_t kMaxWatches = 64;
  static constexpr uint64_t kMaxLen = 4096;  // bytes one watchpoint covers

  // A new watchpoint's id, or a one-line reason it cannot be set (a bad length, outside memory, too many).
  Result<uint32_t> add(const Memory* mem, uint64_t addr, uint64_t len, WatchKind kind, uint64_t client_addr);
  // Removes the watchpoint with that id; false when there is none.
  bool remove(uint32_t id);
  // Removes the watchpoint set with exactly this client address, length and kind; false when none.
  bool remove(uint64_t client_addr, uint64_t len, WatchKind kind);
  void clear();
  bool empty() const { return watches_.empty(); }
  const std::vector<Watch>& watches() const { return watches_; }
  // Puts back watchpoints taken from watches() (ids and counts kept), with their memories rebound
  // when the program was restarted (wi debug's reverse execution); drops an armed hit.
  void replace(std::vector<Watch> ws) {
    watches_ = std::move(ws);
    armed_.reset();
  }

  // At a trace point, before its instruction runs (call only while !empty()): first the hit armed by
  // the previous instruction, which has run now (the caller stops and reports it), then arming for
  // this instruction.
  // `count`: add it to the watchpoint's hits (not while wi debug re-runs the program to go back).
  std::optional<WatchHit> take_hit(bool count = true);
  void check(const FuncInst* f, const Slot* fp, const TracePoint& p);
  // The run ended or the debugger went away: a hit armed by an instruction that trapped never happened.
  void drop_hit() { armed_.reset(); }
  // A hit is armed: the instruction that just ran made it (reported at the next trace point).
  bool armed() const { return armed_.has_value(); }

 private:
  std::vector<Watch> watches_;
  std::optional<WatchHit> armed_;
  uint32_t next_id_ = 1;
};

}  // namespace wi
