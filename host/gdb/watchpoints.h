// The GDB-remote stub's watchpoint packets (docs/debugging.md): Z2/Z3/Z4 and z2/z3/z4 on linear
// memory, `qWatchpointSupportInfo`, and the stop reply key of a hit. The watched ranges and the
// checking are host/watch.h's; this file only speaks the protocol.
// Policy: packets are hostile. A malformed packet gets E01; an address that is not linear memory, a
// length of 0 or over WatchList::kMaxLen, a range past memory's end, a 65th watchpoint and removing one
// that is not set get E03; nothing here allocates more than one watchpoint's record per packet.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include "host/watch.h"

namespace wi::gdb {

// The memory and offset a client data address names (ProcessWasm's encoding), none when it names no
// linear memory.
struct DataAddress {
  const Memory* mem = nullptr;
  uint64_t offset = 0;
};
using ResolveData = std::function<std::optional<DataAddress>(uint64_t)>;

// Whether `p` is a Z2-Z4 or z2-z4 packet.
bool is_watchpoint_packet(std::string_view p);
// Sets or removes the watchpoint `p` asks for; the reply ("OK" or an error).
std::string watchpoint_packet(std::string_view p, WatchList& list, const ResolveData& resolve);
// qWatchpointSupportInfo's reply: how many watchpoints can be set.
std::string watchpoint_support_info();
// The stop reply part for a hit: "watch:ADDR;" (rwatch, awatch for read and access watchpoints), ADDR
// the first watched byte the access touched, in the client's encoding (LLDB finds its watchpoint by it).
std::string watch_stop_key(const WatchHit& h);

}  // namespace wi::gdb
