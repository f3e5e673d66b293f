// The GDB remote serial protocol's framing for `wi exec --gdb` (docs/debugging.md): turning the bytes a
// debugger sends into packets, and replies into bytes. Owns no socket and no program state.
// Policy: input is hostile. A packet body is capped at kMaxPacket bytes (more is read and thrown away,
// then reported as Oversized so the server can answer an error and stay in step); a bad checksum is
// reported, never acted on; bytes outside a packet other than '+', '-' and the interrupt byte 0x03 are
// garbage and dropped; a '$' inside a packet starts a new one (the first was truncated). Nothing here
// allocates more than the cap per packet, whatever arrives.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wi::gdb {

// Largest packet body accepted (after unescaping) and the PacketSize advertised to the client.
constexpr size_t kMaxPacket = 64 * 1024;

struct Input {
  enum Kind : uint8_t {
    Packet,     // `data` is the unescaped body, its checksum verified
    BadSum,     // a whole packet whose checksum did not match (`data`: the body, for messages)
    Oversized,  // a packet longer than kMaxPacket (its body is dropped)
    Interrupt,  // 0x03 outside a packet
    Ack,        // '+'
    Nak,        // '-': the client asks for the last reply again
  };
  Kind kind = Packet;
  std::string data;
};

// Incremental: bytes may come split anywhere, several packets may come in one read.
class PacketParser {
 public:
  void feed(const char* p, size_t n, std::vector<Input>& out);

 private:
  enum class State : uint8_t { Idle, Body, Escape, Sum1, Sum2 };
  State state_ = State::Idle;
  std::string body_;
  uint8_t sum_ = 0;      // of the bytes as sent (escapes included), as the protocol defines it
  int sum_hi_ = 0;       // first checksum digit's value (-1: not a hex digit)
  bool oversized_ = false;
};

// `$payload#cs` with '$', '#', '}' and '*' escaped ('}' then the byte xor 0x20).
std::string frame(std::string_view payload);

std::string hex_encode(const uint8_t* p, size_t n);
inline std::string hex_encode(std::string_view s) { return hex_encode(reinterpret_cast<const uint8_t*>(s.data()), s.size()); }
// A little-endian value of `bytes` bytes as hex (register and wasm value replies).
std::string hex_le(uint64_t v, size_t bytes);
// Hex digits to bytes; nullopt for an odd length or a non-hex digit.
std::optional<std::vector<uint8_t>> hex_decode(std::string_view s);
// A whole hex number of at most 16 digits (no sign, no 0x); nullopt otherwise.
std::optional<uint64_t> parse_hex(std::string_view s);
// Splits "a;b" at the first `sep`; the second part is empty when there is no `sep`.
inline std::pair<std::string_view, std::string_view> split_at(std::string_view s, char sep) {
  auto k = s.find(sep);
  if (k == std::string_view::npos) return {s, {}};
  return {s.substr(0, k), s.substr(k + 1)};
}
// A decimal number below 2^31 (frame and local indices of the qWasm* packets).
std::optional<uint32_t> parse_dec(std::string_view s);

}  // namespace wi::gdb
