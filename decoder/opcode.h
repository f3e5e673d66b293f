// Opcode enumeration and per-opcode facts, all generated from opcodes.def.
#pragma once
#include <array>
#include <cstdint>
#include "decoder/types.h"

namespace wi {

// Immediate kinds of the binary format (what follows an opcode).
enum class Imm : uint8_t {
  None, Block, Label, BrTable, Func, Type, Tag, TryTable, CallIndirect, Local, Global, Table, Mem, MemArg, I32, I64, F32,
  F64, SelectT, RefType, Data, MemInit, Elem, TableInit, TableCopy, MemCopy, V128, Lane, MemArgLane,
  Shuffle,
};

enum class Opcode : uint16_t {
#define WI_OP(name, prefix, code, text, imm, aux, r, p1, p2, p3) name,
#include "decoder/opcodes.def"
#undef WI_OP
  Count_
};
constexpr unsigned kOpcodeCount = static_cast<unsigned>(Opcode::Count_);

struct OpInfo {
  const char* text;
  uint8_t prefix;
  uint32_t code;
  Imm imm;
  uint8_t aux;         // natural alignment log2 (memory ops) or lane count (lane ops)
  bool fixed_sig;      // typed by the signature below; false: typed by hand in the validator
  ValType result;      // Void when none
  ValType params[3];   // Void-terminated
  uint8_t nparams;
};

// Inline: the decoder, validator and translator ask for every instruction (defined in opcode.cc).
extern const OpInfo kOpInfo[kOpcodeCount];
extern const std::array<Opcode, 256> kSingleByteOpcodes;
inline const OpInfo& op_info(Opcode op) { return kOpInfo[static_cast<unsigned>(op)]; }
inline const char* op_name(Opcode op) { return op_info(op).text; }

// Decoding lookups: nullopt-like sentinel Count_ when the byte sequence names no opcode.
inline Opcode lookup_opcode(uint8_t byte) { return kSingleByteOpcodes[byte]; }
Opcode lookup_prefixed_opcode(uint8_t prefix, uint32_t code);

inline bool is_simd(Opcode op) { return op_info(op).prefix == 0xfd; }

}  // namespace wi
