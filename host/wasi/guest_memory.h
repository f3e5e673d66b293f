// Bounds-checked access to the calling instance's linear memory (memory 0), the only way WASI code
// touches guest bytes. Policy: every pointer and length comes from the guest and is untrusted; each
// access checks `ptr + len <= size` in 64-bit arithmetic and reports failure, which the callers turn
// into EFAULT, so a bad guest pointer can never crash or corrupt the host. Alignment is not required
// (the spec's structs are naturally aligned in well-formed programs, but an unaligned pointer is still
// in bounds, so it is served through memcpy). The guest is little-endian, as is every host we target.
#pragma once
#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include "interp/store.h"

static_assert(std::endian::native == std::endian::little, "guest memory access assumes a little-endian host");

namespace wi::wasi {

class GuestMemory {
 public:
  GuestMemory() = default;
  // A caller without a memory (or a call from the embedder) gets an empty view: every access fails.
  explicit GuestMemory(Instance* caller) {
    if (caller && !caller->memories.empty() && caller->memories[0]) {
      base_ = caller->memories[0]->data;
      size_ = caller->memories[0]->size;
    }
  }
  GuestMemory(uint8_t* base, uint64_t size) : base_(base), size_(size) {}

  uint64_t size() const { return size_; }
  bool in_bounds(uint32_t ptr, uint64_t len) const { return uint64_t(ptr) + len <= size_; }

  // Host pointer to [ptr, ptr+len), or nullptr when out of bounds. A zero-length range at the very
  // end is valid (and returns a pointer that must not be dereferenced).
  uint8_t* span(uint32_t ptr, uint64_t len) const { return in_bounds(ptr, len) ? base_ + ptr : nullptr; }

  template <class T>
  bool load(uint32_t ptr, T& out) const {
    if (!in_bounds(ptr, sizeof(T))) return false;
    std::memcpy(&out, base_ + ptr, sizeof(T));
    return true;
  }
  template <class T>
  bool store(uint32_t ptr, T v) const {
    if (!in_bounds(ptr, sizeof(T))) return false;
    std::memcpy(base_ + ptr, &v, sizeof(T));
    return true;
  }
  bool read_bytes(uint32_t ptr, uint64_t len, void* out) const {
    if (!in_bounds(ptr, len)) return false;
    if (len) std::memcpy(out, base_ + ptr, len);
    return true;
  }
  bool write_bytes(uint32_t ptr, const void* src, uint64_t len) const {
    if (!in_bounds(ptr, len)) return false;
    if (len) std::memcpy(base_ + ptr, src, len);
    return true;
  }
  // A (ptr, len) string argument, copied so later host calls see a stable value.
  bool read_string(uint32_t ptr, uint32_t len, std::string& out) const {
    if (!in_bounds(ptr, len)) return false;
    out.assign(reinterpret_cast<const char*>(base_ + ptr), len);
    return true;
  }
  // A NUL-terminated string argument (the `thinthin` and <dlfcn.h> APIs take C strings). Out of
  // bounds and too long are different answers: the first is a bad pointer (callers trap or return
  // EFAULT), the second a valid argument the host refuses softly (ENAMETOOLONG, or dlerror's text).
  enum class CString { Ok, OutOfBounds, TooLong };
  CString read_c_string(uint32_t ptr, size_t max_len, std::string& out) const {
    out.clear();
    if (ptr >= size_) return CString::OutOfBounds;
    const uint8_t* begin = base_ + ptr;
    uint64_t avail = size_ - ptr;
    const void* nul = std::memchr(begin, 0, size_t(std::min<uint64_t>(avail, uint64_t(max_len) + 1)));
    if (!nul) return avail > max_len ? CString::TooLong : CString::OutOfBounds;
    out.assign(reinterpret_cast<const char*>(begin), size_t(static_cast<const uint8_t*>(nul) - begin));
    return CString::Ok;
  }

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
};

}  // namespace wi::wasi
