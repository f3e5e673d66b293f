// GDB remote framing and hex helpers (host/gdb/packet.h).
#include "host/gdb/packet.h"

namespace wi::gdb {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

const char kHex[] = "0123456789abcdef";

}  // namespace

void PacketParser::feed(const char* p, size_t n, std::vector<Input>& out) {
  for (size_t k = 0; k < n; ++k) {
    const char c = p[k];
    // A '$' never appears unescaped inside a packet: the one before it was cut short. Start again.
    if (c == '$' && state_ != State::Sum1 && state_ != State::Sum2) {
      state_ = State::Body;
      body_.clear();
      sum_ = 0;
      oversized_ = false;
      continue;
    }
    switch (state_) {
      case State::Idle:
        if (c == '\x03') out.push_back({Input::Interrupt, {}});
        else if (c == '+') out.push_back({Input::Ack, {}});
        else if (c == '-') out.push_back({Input::Nak, {}});
        break;  // anything else between packets is noise
      case State::Body:
      case State::Escape:
        if (c == '#' && state_ == State::Body) {
          state_ = State::Sum1;
          break;
        }
        sum_ = uint8_t(sum_ + uint8_t(c));
        if (state_ == State::Body && c == '}') {
          state_ = State::Escape;
          break;
        }
        if (body_.size() < kMaxPacket) body_.push_back(state_ == State::Escape ? char(c ^ 0x20) : c);
        else oversized_ = true;
        state_ = State::Body;
        break;
      case State::Sum1:
        sum_hi_ = hex_digit(c);
        state_ = State::Sum2;
        break;
      case State::Sum2: {
        int lo = hex_digit(c);
        state_ = State::Idle;
        if (oversized_) {
          out.push_back({Input::Oversized, {}});
        } else if (sum_hi_ < 0 || lo < 0 || uint8_t(sum_hi_ * 16 + lo) != sum_) {
          out.push_back({Input::BadSum, std::move(body_)});
        } else {
          out.push_back({Input::Packet, std::move(body_)});
        }
        body_.clear();
        break;
      }
    }
  }
}

std::string frame(std::string_view payload) {
  std::string s = "$";
  uint8_t sum = 0;
  for (char c : payload) {
    if (c == '$' || c == '#' || c == '}' || c == '*') {
      s += '}';
      sum = uint8_t(sum + uint8_t('}'));
      c = char(c ^ 0x20);
    }
    s += c;
    sum = uint8_t(sum + uint8_t(c));
  }
  s += '#';
  s += kHex[sum >> 4];
  s += kHex[sum & 15];
  return s;
}

std::string hex_encode(const uint8_t* p, size_t n) {
  std::string s;
  s.reserve(2 * n);
  for (size_t k = 0; k < n; ++k) {
    s += kHex[p[k] >> 4];
    s += kHex[p[k] & 15];
  }
  return s;
}

std::string hex_le(uint64_t v, size_t bytes) {
  uint8_t b[8];
  for (size_t k = 0; k < 8; ++k) b[k] = uint8_t(v >> (8 * k));
  return hex_encode(b, bytes < 8 ? bytes : 8);
}

std::optional<std::vector<uint8_t>> hex_decode(std::string_view s) {
  if (s.size() % 2) return std::nullopt;
  std::vector<uint8_t> out(s.size() / 2);
  for (size_t k = 0; k < out.size(); ++k) {
    int hi = hex_digit(s[2 * k]), lo = hex_digit(s[2 * k + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[k] = uint8_t(hi * 16 + lo);
  }
  return out;
}

std::optional<uint64_t> parse_hex(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    int d = hex_digit(c);
    if (d < 0) return std::nullopt;
    v = v * 16 + uint64_t(d);
  }
  return v;
}

std::optional<uint32_t> parse_dec(std::string_view s) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  uint32_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + uint32_t(c - '0');
  }
  return v;
}

}  // namespace wi::gdb
