// wi's C++ runtime: the Itanium C++ exception-handling ABI for WebAssembly exception handling
// (https://itanium-cxx-abi.github.io/cxx-abi/abi-eh.html, as clang's -fwasm-exceptions uses it):
// __cxa_allocate_exception / __cxa_throw / __cxa_begin_catch / __cxa_end_catch / __cxa_rethrow,
// std::uncaught_exceptions, and the wasm personality with its LSDA reading.
//
// How clang's code uses it. `throw x` allocates the object with __cxa_allocate_exception and calls
// __cxa_throw, which throws the wasm tag __cpp_exception carrying the address of the exception's
// _Unwind_Exception. A catch pad catches that tag, stores its landing-pad index and its function's
// LSDA into __wasm_lpad_context and calls _Unwind_CallPersonality, which finds the first catch
// clause of that landing pad whose type takes the exception and leaves its type-table index in
// __wasm_lpad_context.selector (0: none); the pad compares the selector with each clause's index and
// calls __cxa_begin_catch, or rethrows. Cleanup pads (destructors) catch everything and rethrow, so
// WebAssembly needs no search phase: the wasm unwinder is the engine's.
// Policy: one thread, so the runtime's state is plain globals. What cannot go on (throw; with no
// exception, an exception thrown out of a noexcept function) ends in std::terminate, which says why on
// stderr and aborts.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cxa_rtti.h"

// The tag, one i32: the address of the _Unwind_Exception. wasmify makes it an `env` tag import shared
// program-wide (linker/symbols.h rule 8), so a throw in one library is caught in another.
__asm__(".globl __cpp_exception\n.tagtype __cpp_exception i32\n__cpp_exception:\n");

extern "C" {

// libunwind's wasm interface, which clang's code calls by these names.
struct _Unwind_Exception {
  uint64_t exception_class;
  void (*exception_cleanup)(int reason, _Unwind_Exception* exc);
  uintptr_t private_1, private_2;
};
enum _Unwind_Reason_Code { _URC_NO_REASON = 0, _URC_FATAL_PHASE1_ERROR = 3, _URC_HANDLER_FOUND = 6,
                           _URC_CONTINUE_UNWIND = 8 };
struct _Unwind_LandingPadContext {
  uintptr_t lpad_index;  // written by the catch pad
  const uint8_t* lsda;   // written by the catch pad
  uintptr_t selector;    // written by the personality
};
_Unwind_LandingPadContext __wasm_lpad_context;

}  // extern "C"

namespace {

constexpr uint64_t kOurClass = 0x434c4e47432b2b00ull;  // "CLNGC++\0", as libc++abi

// What precedes every thrown object (which follows it, 16-aligned).
struct Exception {
  const std::type_info* type;
  void* (*destructor)(void*);  // wasm C++ destructors return `this`
  Exception* next_caught;      // the stack of exceptions being handled, innermost first
  int handlers;                // catch clauses active on it; negated once rethrown
  void* adjusted;              // what __cxa_begin_catch returns for the clause the personality chose
  _Unwind_Exception unwind;
};
constexpr size_t kHeaderSize = (sizeof(Exception) + 15) & ~size_t(15);

Exception* caught_stack = nullptr;
int uncaught = 0;

Exception* header_of_object(void* object) {
  return reinterpret_cast<Exception*>(static_cast<char*>(object) - kHeaderSize);
}
void* object_of(Exception* h) { return reinterpret_cast<char*>(h) + kHeaderSize; }
Exception* header_of_unwind(void* unwind) {
  return reinterpret_cast<Exception*>(static_cast<char*>(unwind) - offsetof(Exception, unwind));
}

void destroy(Exception* h) {
  if (h->destructor) h->destructor(object_of(h));
  free(h);
}

[[noreturn]] void raise(Exception* h) {
  __builtin_wasm_throw(0, &h->unwind);
}

// ---- LSDA (the .gcc_except_table of a function), DWARF pointer encodings ----

enum : uint8_t { DW_EH_PE_omit = 0xff, DW_EH_PE_absptr = 0x00, DW_EH_PE_uleb128 = 0x01, DW_EH_PE_udata2 = 0x02,
                 DW_EH_PE_udata4 = 0x03, DW_EH_PE_udata8 = 0x04, DW_EH_PE_sleb128 = 0x09, DW_EH_PE_sdata2 = 0x0a,
                 DW_EH_PE_sdata4 = 0x0b, DW_EH_PE_sdata8 = 0x0c, DW_EH_PE_indirect = 0x80 };

// LEB128, unsigned or sign-extended from the last byte's bit 6.
uintptr_t read_leb(const uint8_t*& p, bool is_signed) {
  uintptr_t v = 0;
  unsigned shift = 0;
  uint8_t b;
  do {
    b = *p++;
    if (shift < 8 * sizeof v) v |= uintptr_t(b & 0x7f) << shift;
    shift += 7;
  } while (b & 0x80);
  if (is_signed && shift < 8 * sizeof v && (b & 0x40)) v |= ~uintptr_t(0) << shift;
  return v;
}
uintptr_t read_uleb(const uint8_t*& p) { return read_leb(p, false); }
intptr_t read_sleb(const uint8_t*& p) { return intptr_t(read_leb(p, true)); }

template <class T>
T read_raw(const uint8_t*& p) {
  T v;
  memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

// A value in `encoding`. WebAssembly has no code addresses in data, so no pc-relative forms appear;
// an encoding this runtime does not know is a fatal error rather than a guess.
uintptr_t read_encoded(const uint8_t*& p, uint8_t encoding) {
  uintptr_t v;
  switch (encoding & 0x0f) {
    case DW_EH_PE_absptr: v = read_raw<uintptr_t>(p); break;
    case DW_EH_PE_uleb128: v = read_uleb(p); break;
    case DW_EH_PE_sleb128: v = uintptr_t(read_sleb(p)); break;
    case DW_EH_PE_udata2: v = read_raw<uint16_t>(p); break;
    case DW_EH_PE_udata4: v = read_raw<uint32_t>(p); break;
    case DW_EH_PE_udata8: v = uintptr_t(read_raw<uint64_t>(p)); break;
    case DW_EH_PE_sdata2: v = uintptr_t(read_raw<int16_t>(p)); break;
    case DW_EH_PE_sdata4: v = uintptr_t(read_raw<int32_t>(p)); break;
    case DW_EH_PE_sdata8: v = uintptr_t(read_raw<int64_t>(p)); break;
    default: wi_cxxrt::fatal("unsupported pointer encoding in an exception table");
  }
  if ((encoding & 0x70) != 0) wi_cxxrt::fatal("unsupported pointer encoding in an exception table");
  if (encoding & DW_EH_PE_indirect) v = *reinterpret_cast<const uintptr_t*>(v);
  return v;
}

size_t encoded_size(uint8_t encoding) {
  switch (encoding & 0x0f) {
    case DW_EH_PE_absptr: return sizeof(uintptr_t);
    case DW_EH_PE_udata2: case DW_EH_PE_sdata2: return 2;
    case DW_EH_PE_udata4: case DW_EH_PE_sdata4: return 4;
    case DW_EH_PE_udata8: case DW_EH_PE_sdata8: return 8;
    default: wi_cxxrt::fatal("unsupported type-table encoding in an exception table");
  }
}

// The type-table index of the first catch clause of landing pad `lpad_index` that takes `h`, or 0.
// In WebAssembly's LSDA the call-site table has one record per landing pad, in index order:
// (landing pad, first action), each a ULEB128. An action is (type filter, offset to the next action);
// a positive filter names a type-table entry counted back from the table's base (a null entry is
// catch (...)), 0 is a cleanup, a negative one a dynamic exception specification (gone since C++17).
uintptr_t select_clause(const uint8_t* lsda, uintptr_t lpad_index, Exception* h) {
  const uint8_t* p = lsda;
  uint8_t lpstart_encoding = *p++;
  if (lpstart_encoding != DW_EH_PE_omit) read_encoded(p, lpstart_encoding);
  uint8_t ttype_encoding = *p++;
  const uint8_t* ttype_base = nullptr;
  if (ttype_encoding != DW_EH_PE_omit) {
    uintptr_t offset = read_uleb(p);
    ttype_base = p + offset;
  }
  uint8_t callsite_encoding = *p++;
  uintptr_t callsite_length = read_uleb(p);
  const uint8_t* actions = p + callsite_length;
  uintptr_t action = 0;
  bool found = false;
  for (uintptr_t i = 0; p < actions; ++i) {
    read_encoded(p, callsite_encoding);  // the landing pad: its index, implied by the position
    uintptr_t a = read_uleb(p);
    if (i == lpad_index) {
      action = a;
      found = true;
      break;
    }
  }
  if (!found) wi_cxxrt::fatal("landing pad not in its function's exception table");
  if (action == 0) return 0;  // cleanup only
  const uint8_t* record = actions + (action - 1);
  for (;;) {
    const uint8_t* at = record;
    intptr_t filter = read_sleb(at);
    const uint8_t* next_field = at;
    intptr_t next = read_sleb(at);
    if (filter > 0) {
      if (!ttype_base) wi_cxxrt::fatal("catch clause without a type table");
      const uint8_t* entry = ttype_base - size_t(filter) * encoded_size(ttype_encoding);
      auto* type = reinterpret_cast<const std::type_info*>(read_encoded(entry, ttype_encoding));
      void* adjusted = nullptr;
      if (wi_cxxrt::can_catch(type, h->type, object_of(h), &adjusted)) {
        h->adjusted = adjusted;
        return uintptr_t(filter);
      }
    }
    if (next == 0) return 0;
    record = next_field + next;
  }
}

}  // namespace

extern "C" {

_Unwind_Reason_Code __gxx_wasm_personality_v0(int version, int actions, uint64_t exception_class,
                                              _Unwind_Exception* unwind, _Unwind_LandingPadContext* context) {
  (void)version;
  (void)actions;
  context->selector = 0;
  if (exception_class != kOurClass || !context->lsda) return _URC_CONTINUE_UNWIND;
  Exception* h = header_of_unwind(unwind);
  context->selector = select_clause(context->lsda, context->lpad_index, h);
  return context->selector ? _URC_HANDLER_FOUND : _URC_CONTINUE_UNWIND;
}

_Unwind_Reason_Code _Unwind_CallPersonality(void* unwind) {
  auto* u = static_cast<_Unwind_Exception*>(unwind);
  return __gxx_wasm_personality_v0(1, 1 /* _UA_SEARCH_PHASE */, u->exception_class, u, &__wasm_lpad_context);
}

void* __cxa_allocate_exception(size_t size) {
  void* block = aligned_alloc(16, (kHeaderSize + size + 15) & ~size_t(15));
  if (!block) wi_cxxrt::fatal("out of memory allocating an exception");
  memset(block, 0, kHeaderSize);
  return static_cast<char*>(block) + kHeaderSize;
}

void __cxa_free_exception(void* object) { free(header_of_object(object)); }

[[noreturn]] void __cxa_throw(void* object, std::type_info* type, void* (*destructor)(void*)) {
  Exception* h = header_of_object(object);
  h->type = type;
  h->destructor = destructor;
  h->unwind.exception_class = kOurClass;
  ++uncaught;
  raise(h);
}

void* __cxa_get_exception_ptr(void* unwind) { return header_of_unwind(unwind)->adjusted; }

void* __cxa_begin_catch(void* unwind) {
  Exception* h = header_of_unwind(unwind);
  if (h->unwind.exception_class != kOurClass) wi_cxxrt::fatal("caught a foreign exception");
  h->handlers = h->handlers < 0 ? -h->handlers + 1 : h->handlers + 1;
  if (h != caught_stack) {
    h->next_caught = caught_stack;
    caught_stack = h;
  }
  --uncaught;
  return h->adjusted;
}

void __cxa_end_catch() {
  Exception* h = caught_stack;
  if (!h) return;
  if (h->handlers < 0) {
    // Rethrown: the exception lives on in flight; leave the catch stack, keep the rethrown mark.
    if (++h->handlers == 0) caught_stack = h->next_caught;
    return;
  }
  if (--h->handlers == 0) {
    caught_stack = h->next_caught;
    destroy(h);
  }
}

[[noreturn]] void __cxa_rethrow() {
  Exception* h = caught_stack;
  if (!h) wi_cxxrt::fatal("throw; with no exception being handled");
  h->handlers = -h->handlers;
  ++uncaught;
  raise(h);
}

std::type_info* __cxa_current_exception_type() {
  return caught_stack ? const_cast<std::type_info*>(caught_stack->type) : nullptr;
}

int __cxa_uncaught_exceptions() { return uncaught; }

// What clang calls when an exception leaves a noexcept function or a destructor during unwinding.
[[noreturn]] void __cxa_call_terminate(void* unwind) {
  if (unwind) __cxa_begin_catch(unwind);
  wi_cxxrt::fatal("an exception left a function that must not throw");
}

}  // extern "C"

namespace std {
int uncaught_exceptions() noexcept { return uncaught; }
bool uncaught_exception() noexcept { return uncaught > 0; }
[[noreturn]] void terminate() noexcept {
  if (caught_stack) wi_cxxrt::fatal("uncaught exception of type", caught_stack->type->name());
  wi_cxxrt::fatal("std::terminate called");
}
}  // namespace std

namespace wi_cxxrt {
void fatal(const char* message, const char* detail) {
  if (detail) fprintf(stderr, "terminate: %s %s\n", message, detail);
  else fprintf(stderr, "terminate: %s\n", message);
  abort();
}
}  // namespace wi_cxxrt
