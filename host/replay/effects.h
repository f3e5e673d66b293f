// What each recordable host function takes from and gives to the guest, as the recorder and the
// replayer need to know it: which calls are events at all, which guest memory a call wrote (so a
// replay can write the same bytes), and which calls hand data out (fd_write and the like, whose bytes
// a replay checks and, for stdout/stderr, writes again). Owns this knowledge for WASI preview1
// (docs: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md), thinthin.syscall
// and dlopen; host/wasi and host/thinthin_syscall.cc stay unaware of recording.
// Policy: everything read from guest memory here is bounds-checked; a region that does not fit is
// left out at record time and is a divergence at replay time.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include "host/replay/recording.h"
#include "host/wasi/guest_memory.h"

namespace wi::replay {

enum class CallKind {
  Passthrough,  // not an event: runs for real in both modes (dlsym, brk, mmap: guest-internal state)
  Replayed,     // an event; a replay answers it from the recording without running it
  Dlopen,       // an event; a replay runs it (modules are the one host input a replay reads) and checks it
};

// `func` is "module.name"; `args` the call's arguments (thinthin.syscall's kind depends on the number).
CallKind kind_of(std::string_view func, const std::vector<uint64_t>& args);

// What the guest's argv and environment look like (args_get and environ_get write them).
struct ArgsEnv {
  std::vector<std::string> args, env;
};

// After a recorded call returned `result` (its result slot): the guest memory it wrote, copied.
void written_regions(std::string_view func, const std::vector<uint64_t>& args, uint64_t result,
                     const wasi::GuestMemory& mem, const ArgsEnv& ae, std::vector<Region>& out);

// Output calls: the guest fd written to, and how many bytes the host took (from the result, or the
// count the call stored); false for any other call or a failed one.
bool output_count(std::string_view func, const std::vector<uint64_t>& args, uint64_t result,
                  const wasi::GuestMemory& mem, uint32_t& fd, uint32_t& count);
// The first `count` bytes an output call handed out (its iovecs or buffer); false when they are not
// all in guest memory.
bool output_bytes(std::string_view func, const std::vector<uint64_t>& args, uint32_t count,
                  const wasi::GuestMemory& mem, std::string& out);

}  // namespace wi::replay
