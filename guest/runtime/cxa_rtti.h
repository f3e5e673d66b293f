// wi's C++ runtime (libwi++.wasm), internal header: the Itanium C++ ABI's RTTI classes
// (https://itanium-cxx-abi.github.io/cxx-abi/abi.html#rtti), declared here because Debian's wasm32
// libc++ headers are not what this runtime builds against (it builds with -nostdinc++, so that it
// needs nothing but clang). The compiler lays out every type_info object itself and points its vptr at
// the vtables these classes get in cxa_rtti.cpp; the member layouts below are the ABI's, the virtual
// functions are this runtime's own (only its code calls them).
// Policy: two type_info objects denote one type when their mangled names are equal, not only when
// they are one object: each module of a wi program has its own copy of a class's type_info (the
// compiler emits them weak and hidden), and a throw in one library must be caught in another.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace std {
class type_info {
 public:
  virtual ~type_info();
  const char* name() const { return type_name_; }
  bool operator==(const type_info& other) const;
  bool operator!=(const type_info& other) const { return !(*this == other); }

  enum class Kind { Other, Fundamental, Class, SiClass, VmiClass, Pointer, Nullptr, Function };
  virtual Kind kind() const { return Kind::Other; }

 protected:
  const char* type_name_;
};
}  // namespace std

namespace __cxxabiv1 {

// Each class's key function (its destructor) is defined in cxa_rtti.cpp, which emits its vtable there;
// for __fundamental_type_info that also makes clang emit the type_info objects of all fundamental
// types (_ZTIi, _ZTIPKc, ...), as the ABI expects of the runtime.
class __fundamental_type_info : public std::type_info {
 public:
  ~__fundamental_type_info() override;
  Kind kind() const override;
};
class __array_type_info : public std::type_info {
 public:
  ~__array_type_info() override;
};
class __function_type_info : public std::type_info {
 public:
  ~__function_type_info() override;
  Kind kind() const override { return Kind::Function; }
};
class __enum_type_info : public std::type_info {
 public:
  ~__enum_type_info() override;
};

class __class_type_info : public std::type_info {
 public:
  ~__class_type_info() override;
  Kind kind() const override { return Kind::Class; }
};

class __si_class_type_info : public __class_type_info {
 public:
  ~__si_class_type_info() override;
  Kind kind() const override { return Kind::SiClass; }
  const __class_type_info* base_type;
};

struct __base_class_type_info {
  const __class_type_info* base_type;
  long offset_flags;  // offset << 8 | flags; for a virtual base the offset is into the vtable
  enum : long { virtual_mask = 0x1, public_mask = 0x2, offset_shift = 8 };
};

class __vmi_class_type_info : public __class_type_info {
 public:
  ~__vmi_class_type_info() override;
  Kind kind() const override { return Kind::VmiClass; }
  unsigned int flags;
  unsigned int base_count;
  __base_class_type_info base_info[1];  // base_count entries
};

class __pbase_type_info : public std::type_info {
 public:
  ~__pbase_type_info() override;
  unsigned int flags;  // cv-qualification of the pointee
  const std::type_info* pointee;
  enum : unsigned { const_mask = 0x1, volatile_mask = 0x2, restrict_mask = 0x4, incomplete_mask = 0x8,
                    incomplete_class_mask = 0x10, transaction_safe_mask = 0x20, noexcept_mask = 0x40 };
};

class __pointer_type_info : public __pbase_type_info {
 public:
  ~__pointer_type_info() override;
  Kind kind() const override { return Kind::Pointer; }
};

class __pointer_to_member_type_info : public __pbase_type_info {
 public:
  ~__pointer_to_member_type_info() override;
  const __class_type_info* context;
};

}  // namespace __cxxabiv1

namespace wi_cxxrt {
// Whether a handler for `catch_type` (null: catch (...)) takes an exception of `thrown_type` whose
// object is at `object`; on success `*adjusted` is what __cxa_begin_catch must return (the base
// subobject, or for a pointer handler the converted pointer value). [except.handle]/3.
bool can_catch(const std::type_info* catch_type, const std::type_info* thrown_type, void* object,
               void** adjusted);
// Writes "terminate: MESSAGE" to stderr and aborts (the program ends with a trap).
[[noreturn]] void fatal(const char* message, const char* detail = nullptr);
}  // namespace wi_cxxrt
