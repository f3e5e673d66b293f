// AppendBuffer: the translator's growing outputs (a function's register code, its offset map as it is
// built), reused from function to function. Appending is a compare and a store; growing is out of
// line. std::vector's push_back inlines its reallocation, and the registers that path needs made every
// function that emits save six of them on entry: op(), which starts each instruction, cost about 45
// host instructions a call (callgrind, libc.wasm's compile). Only what the translator uses is here.
#pragma once
#include <algorithm>
#include <cstddef>
#include <span>
#include <vector>

namespace wi {

template <class T>
class AppendBuffer {
 public:
  AppendBuffer() = default;
  AppendBuffer(const AppendBuffer&) = delete;
  AppendBuffer& operator=(const AppendBuffer&) = delete;
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }
  void push_back(const T& v) {
    reserve_more(1);
    push_unchecked(v);
  }
  template <class... A>
  void emplace_back(A... a) { push_back(T{a...}); }
  // Room for `n` more elements with one compare: the appends after it, up to `n`, may be
  // push_unchecked (an instruction of a known length is written so).
  void reserve_more(size_t n) {
    if (capacity_ - size_ < n) [[unlikely]] grow(n);
  }
  void push_unchecked(const T& v) { data_[size_++] = v; }
  void pop_back() { --size_; }
  // Only ever shrinks: the translator drops code it is about to fold into the next instruction.
  void shrink_to(size_t n) { size_ = std::min(size_, n); }
  T& operator[](size_t i) { return data_[i]; }
  const T& operator[](size_t i) const { return data_[i]; }
  T& back() { return data_[size_ - 1]; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  std::span<const T> span() const { return {begin(), size_}; }

 private:
  [[gnu::noinline]] void grow(size_t n) {
    storage_.resize(std::max({size_t(256), 2 * storage_.size(), size_ + n}));
    data_ = storage_.data();
    capacity_ = storage_.size();
  }

  // Every element up to the capacity exists; size_ of them are in use. Its start and length are
  // kept beside it, so that an append reads no vector internals (a copy or move would leave them
  // pointing into the wrong storage: the buffer is neither).
  std::vector<T> storage_;
  T* data_ = nullptr;
  size_t size_ = 0, capacity_ = 0;
};

}  // namespace wi
