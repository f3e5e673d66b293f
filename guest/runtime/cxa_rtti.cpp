// wi's C++ runtime: the RTTI classes' vtables (and so the fundamental types' type_info objects), the
// type matching of catch clauses, and __dynamic_cast. cxa_rtti.h says what is declared and why.
#include "cxa_rtti.h"
#include <string.h>

namespace std {
type_info::~type_info() = default;
bool type_info::operator==(const type_info& other) const {
  return this == &other || strcmp(type_name_, other.type_name_) == 0;
}
}  // namespace std

namespace __cxxabiv1 {
__fundamental_type_info::~__fundamental_type_info() = default;
std::type_info::Kind __fundamental_type_info::kind() const {
  return strcmp(type_name_, "Dn") == 0 ? Kind::Nullptr : Kind::Fundamental;
}
__array_type_info::~__array_type_info() = default;
__function_type_info::~__function_type_info() = default;
__enum_type_info::~__enum_type_info() = default;
__class_type_info::~__class_type_info() = default;
__si_class_type_info::~__si_class_type_info() = default;
__vmi_class_type_info::~__vmi_class_type_info() = default;
__pbase_type_info::~__pbase_type_info() = default;
__pointer_type_info::~__pointer_type_info() = default;
__pointer_to_member_type_info::~__pointer_to_member_type_info() = default;
}  // namespace __cxxabiv1

namespace wi_cxxrt {
namespace {
using namespace __cxxabiv1;
using Kind = std::type_info::Kind;

bool is_class(const std::type_info* t) {
  Kind k = t->kind();
  return k == Kind::Class || k == Kind::SiClass || k == Kind::VmiClass;
}

// The search for the subobjects of type `target` in an object of class `type` at `object`, through
// public bases only ([except.handle]/3 and [expr.dynamic.cast]/8 both want a public, unambiguous
// base). `object` may be null (a null pointer being converted): then virtual bases cannot be located,
// and the result is null too.
struct BaseSearch {
  const std::type_info* target;
  void* found = nullptr;
  int count = 0;  // distinct subobjects found

  void visit(const __class_type_info* type, void* object, bool reachable) {
    if (*type == *target) {
      if (!reachable) return;
      if (count == 0 || found != object) ++count;
      found = object;
      return;
    }
    if (type->kind() == Kind::SiClass) {
      visit(static_cast<const __si_class_type_info*>(type)->base_type, object, reachable);
    } else if (type->kind() == Kind::VmiClass) {
      auto* vmi = static_cast<const __vmi_class_type_info*>(type);
      for (unsigned i = 0; i < vmi->base_count; ++i) {
        const __base_class_type_info& b = vmi->base_info[i];
        long offset = b.offset_flags >> __base_class_type_info::offset_shift;
        char* base = nullptr;
        if (object) {
          if (b.offset_flags & __base_class_type_info::virtual_mask) {
            char* vtable = *static_cast<char**>(object);
            offset = *reinterpret_cast<const long*>(vtable + offset);
          }
          base = static_cast<char*>(object) + offset;
        }
        visit(b.base_type, base, reachable && (b.offset_flags & __base_class_type_info::public_mask));
      }
    }
  }
};

// The unique public subobject of type `target` in `object`, or false.
bool find_public_base(const std::type_info* type, void* object, const std::type_info* target, void** out) {
  BaseSearch s{target};
  s.visit(static_cast<const __class_type_info*>(type), object, true);
  if (s.count != 1) return false;
  *out = s.found;
  return true;
}

constexpr unsigned kCv = __pbase_type_info::const_mask | __pbase_type_info::volatile_mask |
                         __pbase_type_info::restrict_mask;

bool pointer_catch(const __pointer_type_info* handler, const std::type_info* thrown_type, void* object,
                   void** adjusted) {
  void* value = *static_cast<void**>(object);  // a pointer handler receives the pointer itself
  if (thrown_type->kind() == Kind::Nullptr) {
    *adjusted = nullptr;
    return true;
  }
  if (thrown_type->kind() != Kind::Pointer) return false;
  auto* thrown = static_cast<const __pointer_type_info*>(thrown_type);
  // A qualification conversion may add cv-qualifiers, never drop them.
  if ((thrown->flags & ~handler->flags) & kCv) return false;
  if (*thrown->pointee == *handler->pointee) {
    *adjusted = value;
    return true;
  }
  // T* to void* (not for function pointers), and derived* to base*.
  if (strcmp(handler->pointee->name(), "v") == 0 && thrown->pointee->kind() != Kind::Function) {
    *adjusted = value;
    return true;
  }
  if (is_class(thrown->pointee) && is_class(handler->pointee))
    return find_public_base(thrown->pointee, value, handler->pointee, adjusted);
  return false;
}

}  // namespace

bool can_catch(const std::type_info* catch_type, const std::type_info* thrown_type, void* object, void** adjusted) {
  if (!catch_type) {  // catch (...)
    *adjusted = object;
    return true;
  }
  if (catch_type->kind() == Kind::Pointer)
    return pointer_catch(static_cast<const __pointer_type_info*>(catch_type), thrown_type, object, adjusted);
  if (*catch_type == *thrown_type) {
    *adjusted = object;
    return true;
  }
  if (is_class(catch_type) && is_class(thrown_type)) return find_public_base(thrown_type, object, catch_type, adjusted);
  return false;
}

}  // namespace wi_cxxrt

// [expr.dynamic.cast] for polymorphic classes: from the most derived object (the vtable's
// offset-to-top and type_info), the unique public subobject of the destination type. `src2dst` (a
// hint about where the destination lies relative to the source) is not needed by this search.
extern "C" void* __dynamic_cast(const void* src, const __cxxabiv1::__class_type_info* src_type,
                                const __cxxabiv1::__class_type_info* dst_type, ptrdiff_t src2dst) {
  (void)src_type;
  (void)src2dst;
  if (!src) return nullptr;
  const char* vtable = *static_cast<const char* const*>(src);
  ptrdiff_t to_top = reinterpret_cast<const ptrdiff_t*>(vtable)[-2];
  auto* whole_type = reinterpret_cast<const std::type_info* const*>(vtable)[-1];
  void* whole = const_cast<char*>(static_cast<const char*>(src) + to_top);
  void* out = nullptr;
  return wi_cxxrt::find_public_base(whole_type, whole, dst_type, &out) ? out : nullptr;
}
