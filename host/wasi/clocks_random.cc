// clock_res_get, clock_time_get, random_get. Policy: normally the host's clocks and getrandom(2).
// In deterministic mode nothing host-dependent leaks: one virtual nanosecond counter drives every clock
// (monotonic and the CPU-time clocks read it directly, realtime reads it plus a fixed epoch) and it
// advances kVirtualStepNs per clock read, so time always moves forward and loops that wait on the clock
// terminate; random_get draws from a xoshiro256** stream seeded by WasiConfig::seed, continuing across
// calls, so a run is reproducible byte for byte.
#include <sys/random.h>
#include <time.h>
#include <cerrno>
#include <cstring>
#include "host/wasi/context.h"

namespace wi::wasi {
namespace {

constexpr uint64_t kVirtualStepNs = 1'000'000;                   // 1 ms per clock read
constexpr uint64_t kVirtualEpochNs = 946'684'800ull * 1'000'000'000ull;  // 2000-01-01T00:00:00Z

bool host_clock(uint32_t id, clockid_t& out) {
  switch (id) {
    case abi::kClockRealtime: out = CLOCK_REALTIME; return true;
    case abi::kClockMonotonic: out = CLOCK_MONOTONIC; return true;
    case abi::kClockProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case abi::kClockThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t prng_next(uint64_t (&s)[4]) {
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

// Spec (clock_res_get): "Return the resolution of a clock. ... Note: This is similar to clock_getres
// in POSIX." Unknown clock ids are `inval`.
// https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-clock_res_getid-clockid---resulttimestamp-errno
Ret clock_res_get(Call& c) {
  uint32_t id = c.u32(0);
  clockid_t hc;
  if (!host_clock(id, hc)) return abi::kInval;
  uint64_t res = kVirtualStepNs;
  if (!c.ctx.config.deterministic) {
    struct timespec ts;
    if (clock_getres(hc, &ts) != 0) return errno_from_host(errno);
    res = uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
  }
  return c.mem.store<uint64_t>(c.u32(1), res) ? abi::kSuccess : abi::kFault;
}

// Spec (clock_time_get): "Return the time value of a clock." The precision argument is a hint the
// host may ignore (we do: the host clocks are already as precise as they get).
Ret clock_time_get(Call& c) {
  uint64_t ns;
  if (abi::Errno e = clock_read(c.ctx, c.u32(0), ns)) return e;
  return c.mem.store<uint64_t>(c.u32(2), ns) ? abi::kSuccess : abi::kFault;
}

// Spec (random_get): "Write high-quality random data into a buffer."
Ret random_get(Call& c) {
  uint32_t len = c.u32(1);
  uint8_t* p = c.mem.span(c.u32(0), len);
  if (!p) return abi::kFault;
  if (c.ctx.config.deterministic) {
    for (uint32_t i = 0; i < len; i += 8) {
      uint64_t v = prng_next(c.ctx.prng);
      std::memcpy(p + i, &v, len - i < 8 ? len - i : 8);
    }
    return abi::kSuccess;
  }
  uint32_t done = 0;
  while (done < len) {
    ssize_t n = getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_from_host(errno);
    }
    done += uint32_t(n);
  }
  return abi::kSuccess;
}

}  // namespace

abi::Errno clock_read(Ctx& ctx, uint32_t id, uint64_t& ns, bool advance) {
  clockid_t hc;
  if (!host_clock(id, hc)) return abi::kInval;
  if (ctx.config.deterministic) {
    ns = ctx.virtual_ns + (id == abi::kClockRealtime ? kVirtualEpochNs : 0);
    if (advance) ctx.virtual_ns += kVirtualStepNs;
    return abi::kSuccess;
  }
  struct timespec ts;
  if (clock_gettime(hc, &ts) != 0) return errno_from_host(errno);
  ns = uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
  return abi::kSuccess;
}

void virtual_clock_advance_to(Ctx& ctx, uint32_t id, uint64_t deadline_ns) {
  uint64_t target = deadline_ns;
  if (id == abi::kClockRealtime) target = deadline_ns > kVirtualEpochNs ? deadline_ns - kVirtualEpochNs : 0;
  if (target > ctx.virtual_ns) ctx.virtual_ns = target;
}

void add_clocks_random(std::vector<FuncSpec>& out) {
  out.push_back({"clock_res_get", "ii", true, clock_res_get});
  out.push_back({"clock_time_get", "iIi", true, clock_time_get});
  out.push_back({"random_get", "ii", true, random_get});
}

}  // namespace wi::wasi
