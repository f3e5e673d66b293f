// Value and entity types of the WebAssembly core spec (2.0, and 3.0's typed function references),
// shared by every layer.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wi {

// A value type in one 32-bit word. Number and vector types, and the two nullable abstract reference
// types of Wasm 2.0, are their binary byte (https://webassembly.github.io/spec/core/binary/types.html),
// so `funcref` is 0x70 however it was written (`funcref` or `(ref null func)`). Every other
// reference type of Wasm 3.0's typed function references is kRefNull (0x63) or kRefNonNull (0x64)
// in the low byte and its heap type above it (ref_type() builds them, so equal types are equal
// words): an abstract heap type as its byte (func 0x70, extern 0x6f, nofunc 0x73, noextern 0x72,
// exn 0x69, noexn 0x74), a type index x as kHeapTypeIndex + x. Inside a decoded module a type index
// is always its type's canonical index (the first index of an equivalent type), so `==` is type
// equality there; across modules the store compares canonical ids (interp/store.h). `Void` is ours,
// for "no value".
enum class ValType : uint32_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
  ExnRef = 0x69,
  Void = 0x40,
  Unknown = 0x00,  // the validator's bottom type in unreachable code
};

constexpr uint32_t kRefNull = 0x63, kRefNonNull = 0x64;
constexpr uint32_t kHeapFunc = 0x70, kHeapExtern = 0x6f, kHeapNoFunc = 0x73, kHeapNoExtern = 0x72,
                   kHeapExn = 0x69, kHeapNoExn = 0x74;
constexpr uint32_t kHeapTypeIndex = 0x100;  // heap type of type index x: kHeapTypeIndex + x
constexpr uint32_t kMaxTypeIndex = (1u << 24) - kHeapTypeIndex - 1;

// (ref null? heap), in the one form described above.
inline ValType ref_type(bool nullable, uint32_t heap) {
  if (nullable && (heap == kHeapFunc || heap == kHeapExtern || heap == kHeapExn)) return ValType(heap);
  return ValType((nullable ? kRefNull : kRefNonNull) | heap << 8);
}
inline bool is_ref(ValType t) {
  uint32_t low = uint32_t(t) & 0xff;
  return t == ValType::FuncRef || t == ValType::ExternRef || t == ValType::ExnRef || low == kRefNull ||
         low == kRefNonNull;
}
inline bool ref_nullable(ValType t) { return (uint32_t(t) & 0xff) != kRefNonNull; }
inline uint32_t ref_heap(ValType t) {
  uint32_t low = uint32_t(t) & 0xff;
  return low == kRefNull || low == kRefNonNull ? uint32_t(t) >> 8 : low;
}
inline bool heap_is_index(uint32_t heap) { return heap >= kHeapTypeIndex; }
// The abstract type a heap type belongs to: func for nofunc and type indices, extern for noextern,
// exn for noexn.
inline uint32_t heap_top(uint32_t heap) {
  if (heap_is_index(heap) || heap == kHeapNoFunc) return kHeapFunc;
  if (heap == kHeapNoExtern) return kHeapExtern;
  if (heap == kHeapNoExn) return kHeapExn;
  return heap;
}
// The type index a reference type names, if it names one; and the same reference naming `index`.
inline std::optional<uint32_t> type_index_of(ValType t) {
  if (!is_ref(t) || !heap_is_index(ref_heap(t))) return std::nullopt;
  return ref_heap(t) - kHeapTypeIndex;
}
inline ValType with_type_index(ValType t, uint32_t index) {
  return ref_type(ref_nullable(t), kHeapTypeIndex + index);
}
// Type equivalence compares a function type's reference to itself as a marker of its own (one per
// nullability), not as an index: https://webassembly.github.io/spec/core/valid/conventions.html#rolling-and-unrolling.
// The decoder and the store key types by it.
inline ValType self_marker(ValType t) { return ValType(0xffffff00u | (uint32_t(t) & 0xff)); }
inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
// Subtyping without GC (https://webassembly.github.io/spec/core/valid/matching.html): numbers and
// vectors match only themselves; a reference matches when nullability allows it and its heap type
// is the same, a bottom type (nofunc, noextern, noexn) of the other's hierarchy, or a type index
// under func. Unknown (unreachable code's bottom) matches everything.
inline bool heap_matches(uint32_t sub, uint32_t super) {
  if (sub == super) return true;
  if (heap_top(sub) != heap_top(super)) return false;
  if (sub == kHeapNoFunc || sub == kHeapNoExtern || sub == kHeapNoExn) return true;
  return super == kHeapFunc && heap_is_index(sub);
}
inline bool matches(ValType sub, ValType super) {
  if (sub == super || sub == ValType::Unknown) return true;
  if (!is_ref(sub) || !is_ref(super)) return false;
  if (!ref_nullable(super) && ref_nullable(sub)) return false;
  return heap_matches(ref_heap(sub), ref_heap(super));
}
std::string to_string(ValType t);
std::string heap_type_name(uint32_t heap);  // "func", "noextern", "3" (a type index), ...
// Frame slots are 8 bytes; a v128 takes two.
inline uint32_t slot_count(ValType t) { return t == ValType::V128 ? 2 : 1; }

struct FuncType {
  std::vector<ValType> params, results;
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& t);

struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

// `is64`: Wasm 3.0 table64 / memory64, indexed by i64 (limits flag bit 2).
struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
  bool is64 = false;
};

struct MemoryType {
  Limits limits;
  bool is64 = false;
};
inline ValType address_type(bool is64) { return is64 ? ValType::I64 : ValType::I32; }

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3, Tag = 4 };
const char* to_string(ExternKind k);

constexpr uint64_t kPageSize = 65536;
constexpr uint64_t kMaxPages = 65536;
constexpr uint64_t kMaxPages64 = uint64_t(1) << 48;  // memory64: 2^64 bytes in pages

}  // namespace wi
