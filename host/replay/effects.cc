// The recordable host functions' effects on guest memory (effects.h), function by function.
#include "host/replay/effects.h"
#include "host/wasi/abi.h"

namespace wi::replay {
namespace {

namespace abi = wasi::abi;
constexpr std::string_view kWasi = "wasi_snapshot_preview1.";

// thinthin.syscall numbers (host/thinthin_syscall.cc): the ones that reach host files.
constexpr uint64_t kSysRead = 0, kSysWrite = 1, kSysOpen = 2, kSysClose = 3, kSysLseek = 8, kSysWritev = 20,
                   kSysOpenat = 257;

uint32_t u32(const std::vector<uint64_t>& a, size_t i) { return i < a.size() ? uint32_t(a[i]) : 0; }

void copy(const wasi::GuestMemory& mem, uint32_t ptr, uint64_t len, std::vector<Region>& out) {
  const uint8_t* p = mem.span(ptr, len);
  if (!p || len == 0) return;
  out.push_back(Region{ptr, std::vector<uint8_t>(p, p + len)});
}

// The first `n` bytes of a guest iovec array (ptr, len pairs), one region per buffer.
void copy_iovecs(const wasi::GuestMemory& mem, uint32_t iovs, uint32_t count, uint64_t n, std::vector<Region>& out) {
  for (uint32_t i = 0; i < count && n > 0; ++i) {
    uint32_t buf = 0, len = 0;
    if (!mem.load(iovs + i * abi::kIovecSize, buf) || !mem.load(iovs + i * abi::kIovecSize + 4, len)) return;
    uint64_t take = std::min<uint64_t>(len, n);
    copy(mem, buf, take, out);
    n -= take;
  }
}

uint32_t stored_u32(const wasi::GuestMemory& mem, uint32_t ptr) {
  uint32_t v = 0;
  mem.load(ptr, v);
  return v;
}

uint64_t list_bytes(const std::vector<std::string>& l) {
  uint64_t n = 0;
  for (auto& s : l) n += s.size() + 1;
  return n;
}

}  // namespace

CallKind kind_of(std::string_view func, const std::vector<uint64_t>& args) {
  if (func.starts_with(kWasi)) return CallKind::Replayed;
  if (func == "thinthin.dlopen" || func == "env.dlopen") return CallKind::Dlopen;
  if (func == "thinthin.syscall") {
    switch (args.empty() ? ~0ull : uint32_t(args[0])) {
      case kSysRead: case kSysWrite: case kSysOpen: case kSysClose: case kSysLseek: case kSysWritev: case kSysOpenat:
        return CallKind::Replayed;
      default: return CallKind::Passthrough;
    }
  }
  return CallKind::Passthrough;
}

void written_regions(std::string_view func, const std::vector<uint64_t>& a, uint64_t result,
                     const wasi::GuestMemory& mem, const ArgsEnv& ae, std::vector<Region>& out) {
  if (func == "thinthin.syscall") {
    if (u32(a, 0) == kSysRead && int32_t(result) > 0) copy(mem, u32(a, 2), uint32_t(result), out);
    return;
  }
  if (!func.starts_with(kWasi)) return;
  // Every preview1 function writes its outputs only when it succeeds.
  if (uint32_t(result) != abi::kSuccess) return;
  std::string_view f = func.substr(kWasi.size());
  if (f == "args_sizes_get" || f == "environ_sizes_get") {
    copy(mem, u32(a, 0), 4, out);
    copy(mem, u32(a, 1), 4, out);
  } else if (f == "args_get" || f == "environ_get") {
    const auto& l = f == "args_get" ? ae.args : ae.env;
    copy(mem, u32(a, 0), uint64_t(l.size()) * 4, out);
    copy(mem, u32(a, 1), list_bytes(l), out);
  } else if (f == "clock_res_get" || f == "fd_tell") {
    copy(mem, u32(a, 1), 8, out);
  } else if (f == "clock_time_get") {
    copy(mem, u32(a, 2), 8, out);
  } else if (f == "random_get") {
    copy(mem, u32(a, 0), u32(a, 1), out);
  } else if (f == "fd_fdstat_get") {
    copy(mem, u32(a, 1), abi::kFdstatSize, out);
  } else if (f == "fd_filestat_get") {
    copy(mem, u32(a, 1), abi::kFilestatSize, out);
  } else if (f == "path_filestat_get") {
    copy(mem, u32(a, 4), abi::kFilestatSize, out);
  } else if (f == "fd_prestat_get") {
    copy(mem, u32(a, 1), abi::kPrestatSize, out);
  } else if (f == "fd_prestat_dir_name") {
    copy(mem, u32(a, 1), u32(a, 2), out);
  } else if (f == "fd_read") {
    copy_iovecs(mem, u32(a, 1), u32(a, 2), stored_u32(mem, u32(a, 3)), out);
    copy(mem, u32(a, 3), 4, out);
  } else if (f == "fd_pread") {
    copy_iovecs(mem, u32(a, 1), u32(a, 2), stored_u32(mem, u32(a, 4)), out);
    copy(mem, u32(a, 4), 4, out);
  } else if (f == "sock_recv") {
    copy_iovecs(mem, u32(a, 1), u32(a, 2), stored_u32(mem, u32(a, 4)), out);
    copy(mem, u32(a, 4), 4, out);
    copy(mem, u32(a, 5), 2, out);
  } else if (f == "fd_write") {
    copy(mem, u32(a, 3), 4, out);
  } else if (f == "fd_pwrite" || f == "sock_send") {
    copy(mem, u32(a, 4), 4, out);
  } else if (f == "fd_readdir") {
    copy(mem, u32(a, 1), std::min(stored_u32(mem, u32(a, 4)), u32(a, 2)), out);
    copy(mem, u32(a, 4), 4, out);
  } else if (f == "fd_seek") {
    copy(mem, u32(a, 3), 8, out);
  } else if (f == "path_open") {
    copy(mem, u32(a, 8), 4, out);
  } else if (f == "sock_accept") {
    copy(mem, u32(a, 2), 4, out);
  } else if (f == "path_readlink") {
    copy(mem, u32(a, 3), std::min(stored_u32(mem, u32(a, 5)), u32(a, 4)), out);
    copy(mem, u32(a, 5), 4, out);
  } else if (f == "poll_oneoff") {
    copy(mem, u32(a, 1), uint64_t(stored_u32(mem, u32(a, 3))) * abi::kEventSize, out);
    copy(mem, u32(a, 3), 4, out);
  }
  // The rest (fd_close, path_unlink_file, sched_yield, ...) write no guest memory.
}

bool output_count(std::string_view func, const std::vector<uint64_t>& a, uint64_t result,
                  const wasi::GuestMemory& mem, uint32_t& fd, uint32_t& count) {
  fd = u32(a, 0);
  if (func == "thinthin.syscall") {
    uint32_t n = u32(a, 0);
    if ((n != kSysWrite && n != kSysWritev) || int32_t(result) < 0) return false;
    fd = u32(a, 1);
    count = uint32_t(result);
    return true;
  }
  if (!func.starts_with(kWasi) || uint32_t(result) != abi::kSuccess) return false;
  std::string_view f = func.substr(kWasi.size());
  if (f == "fd_write") count = stored_u32(mem, u32(a, 3));
  else if (f == "fd_pwrite" || f == "sock_send") count = stored_u32(mem, u32(a, 4));
  else return false;
  return true;
}

bool output_bytes(std::string_view func, const std::vector<uint64_t>& a, uint32_t count,
                  const wasi::GuestMemory& mem, std::string& out) {
  out.clear();
  uint32_t iovs = u32(a, 1), n = u32(a, 2);
  if (func == "thinthin.syscall") {
    if (u32(a, 0) == kSysWrite) {
      if (count > u32(a, 3)) return false;
      const uint8_t* p = mem.span(u32(a, 2), count);
      if (!p) return false;
      out.assign(reinterpret_cast<const char*>(p), count);
      return true;
    }
    iovs = u32(a, 2), n = u32(a, 3);
  }
  uint64_t total = 0;
  for (uint32_t i = 0; i < n && total < count; ++i) {
    uint32_t buf = 0, len = 0;
    if (!mem.load(iovs + i * abi::kIovecSize, buf) || !mem.load(iovs + i * abi::kIovecSize + 4, len)) return false;
    uint64_t take = std::min<uint64_t>(len, count - total);
    const uint8_t* p = mem.span(buf, take);
    if (!p) return false;
    out.append(reinterpret_cast<const char*>(p), take);
    total += take;
  }
  return total == count;
}

}  // namespace wi::replay
