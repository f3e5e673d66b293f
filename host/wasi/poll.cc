// poll_oneoff: wait for clock deadlines and descriptor readiness. Policy: one host ppoll() covers every
// fd subscription with the earliest clock deadline as its timeout; a subscription that is invalid on its
// own (bad fd, missing poll right, unknown clock) does not fail the call but becomes an event carrying
// that error, as the spec's event.error field intends. In deterministic mode nothing sleeps: fds are
// polled without waiting and, if none is ready, the virtual clock jumps to the earliest deadline.
// Spec: https://github.com/WebAssembly/WASI/blob/main/legacy/preview1/docs.md#-poll_oneoffin-constpointersubscription-out-pointerevent-nsubscriptions-size---resultsize-errno
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include "host/wasi/context.h"

namespace wi::wasi {
namespace {

struct Sub {
  uint64_t userdata = 0;
  uint8_t type = 0;
  // clock
  uint32_t clock_id = 0;
  uint64_t deadline = 0;  // absolute, in clock_id's time
  // fd_read / fd_write
  FdEntry* fd = nullptr;
  int poll_index = -1;
  // outcome
  bool fired = false;
  uint16_t error = 0;
  uint64_t nbytes = 0;
  uint16_t rwflags = 0;
};

void write_event(GuestMemory& mem, uint32_t at, const Sub& s) {
  uint8_t ev[abi::kEventSize] = {};
  std::memcpy(ev + 0, &s.userdata, 8);
  std::memcpy(ev + 8, &s.error, 2);
  ev[10] = s.type;
  if (s.type != abi::kEventClock) {
    std::memcpy(ev + 16, &s.nbytes, 8);
    std::memcpy(ev + 24, &s.rwflags, 2);
  }
  mem.write_bytes(at, ev, sizeof ev);
}

// Bytes readable without blocking: the rest of a regular file, else what FIONREAD reports.
uint64_t readable_bytes(const FdEntry& e) {
  if (e.type == abi::kFiletypeRegularFile) {
    struct stat st;
    off_t pos = lseek(e.host_fd, 0, SEEK_CUR);
    if (fstat(e.host_fd, &st) == 0 && pos >= 0 && st.st_size > pos) return uint64_t(st.st_size - pos);
    return 0;
  }
  int n = 0;
  return ioctl(e.host_fd, FIONREAD, &n) == 0 && n > 0 ? uint64_t(n) : 0;
}

Ret poll_oneoff(Call& c) {
  uint32_t in = c.u32(0), out = c.u32(1), n = c.u32(2), result_ptr = c.u32(3);
  if (n == 0) return abi::kInval;  // nothing could ever wake us: wasmtime and uvwasi say `inval` too
  if (!c.mem.in_bounds(in, uint64_t(n) * abi::kSubscriptionSize) ||
      !c.mem.in_bounds(out, uint64_t(n) * abi::kEventSize) || !c.mem.in_bounds(result_ptr, 4))
    return abi::kFault;
  const bool det = c.ctx.config.deterministic;
  std::vector<Sub> subs(n);
  std::vector<struct pollfd> pfds;
  bool immediate = false;
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t at = in + i * abi::kSubscriptionSize;
    Sub& s = subs[i];
    c.mem.load(at, s.userdata);
    c.mem.load(at + 8, s.type);
    if (s.type == abi::kEventClock) {
      uint64_t timeout = 0;
      uint16_t flags = 0;
      c.mem.load(at + 16, s.clock_id);
      c.mem.load(at + 24, timeout);
      c.mem.load(at + 40, flags);
      uint64_t now = 0;
      if (abi::Errno e = clock_read(c.ctx, s.clock_id, now, /*advance=*/false)) {
        s.fired = true, s.error = e, immediate = true;
        continue;
      }
      // Relative timeouts count from now; an absolute one is a point on that clock.
      s.deadline = flags & abi::kSubclockAbstime ? timeout : (UINT64_MAX - now < timeout ? UINT64_MAX : now + timeout);
      // A CPU-time clock does not advance while we sleep: wait the same span on the monotonic clock.
      if (!det && (s.clock_id == abi::kClockProcessCputime || s.clock_id == abi::kClockThreadCputime)) {
        uint64_t span = s.deadline > now ? s.deadline - now : 0, mono = 0;
        clock_read(c.ctx, abi::kClockMonotonic, mono);
        s.clock_id = abi::kClockMonotonic;
        s.deadline = UINT64_MAX - mono < span ? UINT64_MAX : mono + span;
      }
    } else if (s.type == abi::kEventFdRead || s.type == abi::kEventFdWrite) {
      uint32_t fd = 0;
      c.mem.load(at + 16, fd);
      if (abi::Errno e = c.ctx.fds.get(fd, abi::kRightPollFdReadwrite, s.fd)) {
        s.fired = true, s.error = e, immediate = true;
        continue;
      }
      s.poll_index = int(pfds.size());
      pfds.push_back({s.fd->host_fd, short(s.type == abi::kEventFdRead ? POLLIN : POLLOUT), 0});
    } else {
      return abi::kInval;
    }
  }

  for (;;) {
    // The earliest clock deadline, as nanoseconds from now on the host's clocks.
    std::optional<uint64_t> wait_ns;
    const Sub* earliest = nullptr;
    for (const Sub& s : subs) {
      if (s.type != abi::kEventClock || s.fired) continue;
      uint64_t now = 0;
      clock_read(c.ctx, s.clock_id, now, /*advance=*/false);
      uint64_t left = s.deadline > now ? s.deadline - now : 0;
      if (!wait_ns || left < *wait_ns) wait_ns = left, earliest = &s;
    }
    // Do not wait when an event is already there, nor ever in deterministic mode — unless only fd
    // subscriptions exist there, which leaves nothing to do but wait for them like any host.
    if (immediate || (det && earliest)) wait_ns = 0;
    struct timespec ts {}, *tsp = nullptr;
    if (wait_ns) {
      ts.tv_sec = time_t(std::min<uint64_t>(*wait_ns / 1'000'000'000ull, INT32_MAX));
      ts.tv_nsec = long(*wait_ns % 1'000'000'000ull);
      tsp = &ts;
    }
    int r = ppoll(pfds.empty() ? nullptr : pfds.data(), pfds.size(), tsp, nullptr);
    if (r < 0 && errno != EINTR) return errno_from_host(errno);
    if (r > 0) {
      for (Sub& s : subs) {
        if (s.poll_index < 0 || s.fired) continue;
        short rev = pfds[s.poll_index].revents;
        if (!rev) continue;
        s.fired = true;
        if (rev & POLLNVAL) s.error = abi::kBadf;
        else if (rev & POLLERR) s.error = abi::kIo;
        if (rev & POLLHUP) s.rwflags |= abi::kEventFdReadwriteHangup;
        if (s.type == abi::kEventFdRead && !s.error) s.nbytes = readable_bytes(*s.fd);
      }
    }
    // Deterministic mode: nothing became ready, so let virtual time reach the earliest deadline.
    if (det && r <= 0 && !immediate && earliest) virtual_clock_advance_to(c.ctx, earliest->clock_id, earliest->deadline);
    bool any = immediate || r > 0;
    for (Sub& s : subs) {
      if (s.type != abi::kEventClock || s.fired) continue;
      uint64_t now = 0;
      clock_read(c.ctx, s.clock_id, now, /*advance=*/false);
      if (now >= s.deadline) s.fired = any = true;
    }
    if (any) break;
    // Woken early (a signal, or a deadline on a clock that runs slower than the host's wait): go again.
  }
  uint32_t events = 0;
  for (const Sub& s : subs)
    if (s.fired) write_event(c.mem, out + events++ * abi::kEventSize, s);
  c.mem.store<uint32_t>(result_ptr, events);
  return abi::kSuccess;
}

}  // namespace

void add_poll(std::vector<FuncSpec>& out) { out.push_back({"poll_oneoff", "iiii", true, poll_oneoff}); }

}  // namespace wi::wasi
