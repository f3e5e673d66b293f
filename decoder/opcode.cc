// Tables derived from opcodes.def: per-opcode facts and the byte-to-opcode maps used by the decoder.
#include "decoder/opcode.h"
#include <array>

namespace wi {
namespace {

constexpr ValType T_I32 = ValType::I32, T_I64 = ValType::I64, T_F32 = ValType::F32,
                  T_F64 = ValType::F64, T_V128 = ValType::V128, T__ = ValType::Void,
                  T_X = ValType::Void;
constexpr bool fixed_I32 = true, fixed_I64 = true, fixed_F32 = true, fixed_F64 = true,
               fixed_V128 = true, fixed__ = true, fixed_X = false;
constexpr uint8_t cnt(ValType a, ValType b, ValType c) {
  return a == ValType::Void ? 0 : b == ValType::Void ? 1 : c == ValType::Void ? 2 : 3;
}

}  // namespace

// Declared extern in opcode.h, whose inline op_info reads it.
constexpr OpInfo kOpInfo[kOpcodeCount] = {
#define WI_OP(name, prefix, code, text, imm, aux, r, p1, p2, p3) \
  {text, prefix, code, Imm::imm, aux, fixed_##r, T_##r, {T_##p1, T_##p2, T_##p3}, cnt(T_##p1, T_##p2, T_##p3)},
#include "decoder/opcodes.def"
#undef WI_OP
};

namespace {

struct Maps {
  std::array<Opcode, 256> single;
  std::array<Opcode, 32> fc;
  std::array<Opcode, 0x114> fd;  // 2.0 SIMD (0-0xff) and relaxed SIMD (0x100-0x113)
};

constexpr Maps build_maps() {
  Maps m{};
  m.single.fill(Opcode::Count_);
  m.fc.fill(Opcode::Count_);
  m.fd.fill(Opcode::Count_);
  for (unsigned i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& info = kOpInfo[i];
    if (info.prefix == 0) m.single[info.code] = Opcode(i);
    else if (info.prefix == 0xfc) m.fc[info.code] = Opcode(i);
    else m.fd[info.code] = Opcode(i);
  }
  return m;
}
constexpr Maps kMaps = build_maps();

}  // namespace

constexpr std::array<Opcode, 256> kSingleByteOpcodes = kMaps.single;  // extern in opcode.h

Opcode lookup_prefixed_opcode(uint8_t prefix, uint32_t code) {
  if (prefix == 0xfc) return code < kMaps.fc.size() ? kMaps.fc[code] : Opcode::Count_;
  if (prefix == 0xfd) return code < kMaps.fd.size() ? kMaps.fd[code] : Opcode::Count_;
  return Opcode::Count_;
}

std::string to_string(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
    case ValType::ExnRef: return "exnref";
    case ValType::Void: return "void";
    case ValType::Unknown: return "unknown";
    default: break;
  }
  if (!is_ref(t)) return "?";
  return std::string(ref_nullable(t) ? "(ref null " : "(ref ") + heap_type_name(ref_heap(t)) + ")";
}

std::string heap_type_name(uint32_t heap) {
  switch (heap) {
    case kHeapFunc: return "func";
    case kHeapExtern: return "extern";
    case kHeapNoFunc: return "nofunc";
    case kHeapNoExtern: return "noextern";
    case kHeapExn: return "exn";
    case kHeapNoExn: return "noexn";
    default: return heap_is_index(heap) ? std::to_string(heap - kHeapTypeIndex) : "?";
  }
}

std::string to_string(const FuncType& t) {
  std::string s = "[";
  for (size_t i = 0; i < t.params.size(); ++i) {
    if (i) s += ' ';
    s += to_string(t.params[i]);
  }
  s += "] -> [";
  for (size_t i = 0; i < t.results.size(); ++i) {
    if (i) s += ' ';
    s += to_string(t.results[i]);
  }
  return s + "]";
}

const char* to_string(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
    case ExternKind::Tag: return "tag";
  }
  return "?";
}

}  // namespace wi
