// Internal to host/wasi: the state behind a WasiContext, the calling convention every handler shares,
// and helpers more than one ABI area needs. Owns the function registry's shape: each area file exports
// `add_<area>(std::vector<FuncSpec>&)` listing its functions with their wasm signatures.
// Policy: handlers read their arguments from the HostCall slots, touch guest memory only through
// GuestMemory, and return a preview1 errno; only proc_exit (and internal failures) end the guest.
#pragma once
#include <sys/stat.h>
#include <sys/uio.h>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>
#include "host/wasi/abi.h"
#include "host/wasi/fd_table.h"
#include "host/wasi/guest_memory.h"
#include "host/wasi/wasi.h"
#include "interp/store.h"

namespace wi::wasi {

struct Ctx {
  explicit Ctx(WasiConfig c);
  WasiConfig config;
  FdTable fds;
  std::vector<std::string> setup_errors;
  // Deterministic mode only: nanoseconds elapsed on the virtual clock, and the PRNG state.
  uint64_t virtual_ns = 0;
  uint64_t prng[4] = {};
};

// One call as a handler sees it. Arguments are the i-th wasm parameter: i32 in the low half of the
// slot (the high half is not guaranteed to be zero), i64 in the whole slot.
struct Call {
  HostCall& hc;
  Ctx& ctx;
  GuestMemory mem;
  uint32_t u32(int i) const { return hc.args[i].i32; }
  uint64_t u64(int i) const { return hc.args[i].i64; }
};

// A handler returns the errno the guest sees, or kTrapped after calling hc.fail().
using Ret = int32_t;
inline constexpr Ret kTrapped = -1;
using Handler = Ret (*)(Call&);

struct FuncSpec {
  const char* name;
  const char* params;    // one letter per parameter: 'i' i32, 'I' i64
  bool returns_errno;    // (result i32) — every preview1 function but proc_exit
  Handler fn;
};

void add_args_env(std::vector<FuncSpec>& out);
void add_clocks_random(std::vector<FuncSpec>& out);
void add_fd(std::vector<FuncSpec>& out);
void add_path(std::vector<FuncSpec>& out);
void add_poll(std::vector<FuncSpec>& out);
void add_proc(std::vector<FuncSpec>& out);
void add_sock(std::vector<FuncSpec>& out);

// Clocks (clocks_random.cc). Reads clock `id` in nanoseconds; in deterministic mode the virtual clock
// then advances one step unless `advance` is false. EINVAL for unknown clock ids.
abi::Errno clock_read(Ctx& ctx, uint32_t id, uint64_t& ns, bool advance = true);
// Deterministic mode: move the virtual clock forward so clock `id` reads at least `deadline_ns`.
void virtual_clock_advance_to(Ctx& ctx, uint32_t id, uint64_t deadline_ns);

// Filestat output shared by fd_filestat_get and path_filestat_get (wasi.cc). In deterministic mode the
// device, inode and times are not the host's: dev 0, ino = stable_ino(guest_path), times 0.
bool write_filestat(Call& c, uint32_t ptr, const struct stat& st, int host_fd, const std::string& guest_path);
// FNV-1a of the guest path, never 0 (0 would read as "no inode").
uint64_t stable_ino(std::string_view guest_path);
// `base` joined with the relative guest path `rel`, `.` and `..` folded lexically ("/a/b" + "../c" ->
// "/a/c"); identifies a file for stable_ino only.
std::string guest_path_join(const std::string& base, std::string_view rel);

// struct timespec[2] for futimens/utimensat from preview1 times and fstflags (fd.cc); EINVAL for
// contradicting or unknown flags.
abi::Errno make_timespecs(uint64_t atim, uint64_t mtim, uint32_t fst, struct timespec ts[2]);

// Host iovecs pointing into guest memory for a guest (c)iovec array (fd.cc); EFAULT if the array or
// any buffer is out of bounds.
abi::Errno gather_iovecs(Call& c, uint32_t iovs, uint32_t n, std::vector<struct iovec>& out);

// Reads a (ptr, len) guest path argument: EFAULT out of bounds; EINVAL/EILSEQ for NUL or bad UTF-8.
abi::Errno read_guest_path(Call& c, uint32_t ptr, uint32_t len, std::string& out);

}  // namespace wi::wasi
