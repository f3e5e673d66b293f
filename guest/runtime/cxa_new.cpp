// wi's C++ runtime: operator new and delete over libc's malloc (all the replaceable forms the
// compiler calls), and the handlers of pure and deleted virtual calls.
// Policy: no std::bad_alloc (this runtime ships no <new>): an allocation that fails is fatal, with a
// message, which is what an uncaught bad_alloc would end in.
#include <stdlib.h>
#include "cxa_rtti.h"

namespace std {
enum class align_val_t : size_t {};
struct nothrow_t {
  explicit nothrow_t() = default;
};
}  // namespace std

namespace {
void* allocate(size_t size, size_t align) {
  if (size == 0) size = 1;
  void* p = align > 16 ? aligned_alloc(align, (size + align - 1) / align * align) : malloc(size);
  if (!p) wi_cxxrt::fatal("out of memory in operator new");
  return p;
}
void* allocate_nothrow(size_t size, size_t align) {
  if (size == 0) size = 1;
  return align > 16 ? aligned_alloc(align, (size + align - 1) / align * align) : malloc(size);
}
}  // namespace

void* operator new(size_t n) { return allocate(n, 0); }
void* operator new[](size_t n) { return allocate(n, 0); }
void* operator new(size_t n, std::align_val_t a) { return allocate(n, size_t(a)); }
void* operator new[](size_t n, std::align_val_t a) { return allocate(n, size_t(a)); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return allocate_nothrow(n, 0); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return allocate_nothrow(n, 0); }
void* operator new(size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return allocate_nothrow(n, size_t(a)); }
void* operator new[](size_t n, std::align_val_t a, const std::nothrow_t&) noexcept { return allocate_nothrow(n, size_t(a)); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }
void operator delete[](void* p, size_t) noexcept { free(p); }
void operator delete(void* p, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, size_t, std::align_val_t) noexcept { free(p); }
void operator delete[](void* p, size_t, std::align_val_t) noexcept { free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { free(p); }

extern "C" {
[[noreturn]] void __cxa_pure_virtual() { wi_cxxrt::fatal("pure virtual function called"); }
[[noreturn]] void __cxa_deleted_virtual() { wi_cxxrt::fatal("deleted virtual function called"); }
[[noreturn]] void __cxa_bad_cast() { wi_cxxrt::fatal("bad dynamic_cast to a reference type"); }
[[noreturn]] void __cxa_bad_typeid() { wi_cxxrt::fatal("typeid of a null pointer"); }
}
