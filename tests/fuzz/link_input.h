// The input format of tests/fuzz/fuzz_link.cc, shared with the seed writer (fuzz_seeds.cc): one
// flags byte, then up to kMaxFiles records [u8 name length][name][u32 LE size][bytes]. Record 0 is
// the main module; the others are libraries written beside it under their names. Policy: any byte
// string parses (a short or truncated record takes what is there), so every mutation is an input.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace wi::fuzz {

struct LinkInput {
  // Flag bits.
  static constexpr uint8_t kBindNow = 1;      // LinkOptions::bind_now
  static constexpr uint8_t kRun = 2;          // run constructors and the entry
  static constexpr uint8_t kDlopenBare = 4;   // dlopen the last library by its bare name
  static constexpr uint8_t kDlopenGuest = 8;  // dlopen the last library by guest path ("/g/NAME")
  static constexpr uint8_t kDlopenNow = 16;   // ... with RTLD_NOW
  static constexpr uint8_t kLocal = 32;       // ... without RTLD_GLOBAL
  static constexpr size_t kMaxFiles = 3;

  struct File {
    std::string name;
    std::vector<uint8_t> bytes;
  };
  uint8_t flags = 0;
  std::vector<File> files;

  static LinkInput parse(const uint8_t* data, size_t size) {
    LinkInput in;
    size_t p = 0;
    if (p < size) in.flags = data[p++];
    while (p < size && in.files.size() < kMaxFiles) {
      File f;
      size_t name_len = data[p++];
      name_len = std::min(name_len, size - p);
      f.name.assign(reinterpret_cast<const char*>(data + p), name_len);
      p += name_len;
      uint32_t len = 0;
      size_t have = std::min<size_t>(4, size - p);
      std::memcpy(&len, data + p, have);
      p += have;
      size_t n = std::min<size_t>(len, size - p);
      f.bytes.assign(data + p, data + p + n);
      p += n;
      in.files.push_back(std::move(f));
    }
    return in;
  }

  std::vector<uint8_t> serialize() const {
    std::vector<uint8_t> out{flags};
    for (auto& f : files) {
      size_t name_len = std::min<size_t>(f.name.size(), 255);
      out.push_back(uint8_t(name_len));
      out.insert(out.end(), f.name.begin(), f.name.begin() + name_len);
      uint32_t len = uint32_t(f.bytes.size());
      uint8_t b[4];
      std::memcpy(b, &len, 4);
      out.insert(out.end(), b, b + 4);
      out.insert(out.end(), f.bytes.begin(), f.bytes.end());
    }
    return out;
  }
};

}  // namespace wi::fuzz
