// Value and entity types of the WebAssembly 2.0 core spec, shared by every layer.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace wi {

// Binary encodings of value types (spec 5.3.1); `Void` is ours, for "no value".
enum class ValType : uint8_t {
  I32 = 0x7f,
  I64 = 0x7e,
  F32 = 0x7d,
  F64 = 0x7c,
  V128 = 0x7b,
  FuncRef = 0x70,
  ExternRef = 0x6f,
  Void = 0x40,
  Unknown = 0x00,  // the validator's bottom type in unreachable code
};

inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }
inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
const char* to_string(ValType t);
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

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* to_string(ExternKind k);

constexpr uint64_t kPageSize = 65536;
constexpr uint64_t kMaxPages = 65536;

}  // namespace wi
