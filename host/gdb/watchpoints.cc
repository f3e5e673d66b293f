// Watchpoint packets of the GDB-remote stub (host/gdb/watchpoints.h).
#include "host/gdb/watchpoints.h"
#include <algorithm>
#include "fmt/format.h"
#include "host/gdb/packet.h"

namespace wi::gdb {
namespace {

std::optional<WatchKind> kind_of(char c) {
  switch (c) {
    case '2': return WatchKind::Write;
    case '3': return WatchKind::Read;
    case '4': return WatchKind::Access;
  }
  return std::nullopt;
}

}  // namespace

bool is_watchpoint_packet(std::string_view p) {
  return p.size() >= 2 && (p[0] == 'Z' || p[0] == 'z') && kind_of(p[1]);
}

std::string watchpoint_packet(std::string_view p, WatchList& list, const ResolveData& resolve) {
  // "Z2,ADDR,LENGTH" exactly: no conditions or commands follow a watchpoint's length.
  if (!is_watchpoint_packet(p) || p.size() < 3 || p[2] != ',') return "E01";
  const WatchKind kind = *kind_of(p[1]);
  std::string_view rest = p.substr(3);
  auto comma = rest.find(',');
  if (comma == std::string_view::npos) return "E01";
  auto addr = parse_hex(rest.substr(0, comma)), len = parse_hex(rest.substr(comma + 1));
  if (!addr || !len) return "E01";
  if (p[0] == 'z') return list.remove(*addr, *len, kind) ? "OK" : "E03";
  std::optional<DataAddress> at = resolve(*addr);
  if (!at) return "E03";
  auto id = list.add(at->mem, at->offset, *len, kind, *addr);
  return id ? "OK" : "E03";
}

std::string watchpoint_support_info() { return fmt::format("num:{};", WatchList::kMaxWatches); }

std::string watch_stop_key(const WatchHit& h) {
  static const char* const kKey[] = {"watch", "rwatch", "awatch"};
  const uint64_t first = std::max(h.access.addr, h.watch.addr);
  return fmt::format("{}:{:x};", kKey[int(h.watch.kind)], h.watch.client_addr + (first - h.watch.addr));
}

}  // namespace wi::gdb
