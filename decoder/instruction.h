// Reading one instruction (opcode and immediates) from a code body. Shared by the validator, the
// translator and the disassembler so that immediates are parsed in exactly one place.
#pragma once
#include <cstdint>
#include <vector>
#include "decoder/opcode.h"
#include "decoder/reader.h"

namespace wi {

struct Instruction {
  Opcode op = Opcode::Nop;
  size_t offset = 0;  // file offset of the opcode's first byte
  // Generic index immediates: label, function, type, local, global, table, data, elem, memory, lane.
  uint32_t a = 0, b = 0;
  // MemArg: alignment exponent and offset (u64: memory64 offsets may exceed 32 bits).
  uint32_t align = 0;
  uint64_t mem_offset = 0;
  // The memory a memory instruction names (multi-memory; 0 unless the encoding says otherwise);
  // memory.copy's source memory in memory_src.
  uint32_t memory = 0, memory_src = 0;
  // Constants: i32/i64 values and f32/f64 bit patterns; v128 bytes and shuffle lanes in v128.
  uint64_t bits = 0;
  uint8_t v128[16] = {};
  // Block type: kBlockVoid, kBlockValue (the one result type is in `type`), or a type index >= 0.
  int64_t block_type = 0;
  // select t, ref.null ht (as (ref null ht)), a block's result type. A type index in it is the
  // module's raw index: Module::canonical() turns it into the one the validator compares.
  ValType type = ValType::Void;
  // br_table: the labels, default last. try_table: its catch clauses, three units each:
  // kind (kCatch, kCatchRef, kCatchAll, kCatchAllRef), tag index (0 for catch_all), label.
  std::vector<uint32_t>* targets = nullptr;
};

constexpr int64_t kBlockVoid = -64;  // 0x40 read as s33
constexpr int64_t kBlockValue = -1;
constexpr uint32_t kCatch = 0, kCatchRef = 1, kCatchAll = 2, kCatchAllRef = 3;

// Reads the next instruction; `targets_buf` is reused across br_tables to avoid allocations.
Result<void> read_instruction(Reader& r, Instruction& out, std::vector<uint32_t>& targets_buf);
// A memory instruction's memarg (https://webassembly.github.io/spec/core/binary/instructions.html#memory-instructions):
// alignment and flags, the memory index when flag bit 6 says one follows, the offset.
Result<void> read_memarg(Reader& r, Instruction& out);
// The same, its commonest case inline (memory 0: flags below 0x40, which are the alignment; the
// offset's first byte tested inline by Reader::u64): the translator's direct dispatch reads one for
// every eighth instruction of libc.wasm. Anything else, and every error, goes to read_memarg.
[[gnu::always_inline]] inline Result<void> read_memarg_inline(Reader& r, Instruction& out) {
  if (r.at_end() || *r.cursor() >= 0x40) return read_memarg(r, out);
  out.align = *r.cursor();
  out.memory = 0;
  r.skip(1);
  WI_TRY_ASSIGN(out.mem_offset, r.u64());
  return {};
}
// A block type (https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions):
// empty, one value type, or a type index as s33; into out.block_type and out.type.
Result<void> read_block_type(Reader& r, Instruction& out);
// The same with the empty block type (0x40, most blocks) tested inline.
[[gnu::always_inline]] inline Result<void> read_block_type_inline(Reader& r, Instruction& out) {
  if (r.at_end() || *r.cursor() != 0x40) return read_block_type(r, out);
  out.block_type = kBlockVoid;
  r.skip(1);
  return {};
}
// A constant's immediate into out.bits; `imm` is its opcode's Imm::I32, I64, F32 or F64. Always
// inline: the translator's direct dispatch reads one for every sixth wasm instruction of libc.wasm,
// and as a call it cost 0.8 % of libc's translation (callgrind; clang-22 does not inline it unasked).
// https://webassembly.github.io/spec/core/binary/instructions.html#numeric-instructions: i32.const
// and i64.const carry a signed LEB128, f32.const and f64.const the value's little-endian bytes.
[[gnu::always_inline]] inline Result<void> read_const(Reader& r, Instruction& out, Imm imm) {
  switch (imm) {
    case Imm::I32: {
      WI_TRY_ASSIGN(int32_t v, r.s32());
      out.bits = uint32_t(v);
      return {};
    }
    case Imm::I64: {
      WI_TRY_ASSIGN(int64_t v, r.s64());
      out.bits = uint64_t(v);
      return {};
    }
    case Imm::F32: {
      WI_TRY_ASSIGN(out.bits, r.fixed32());
      return {};
    }
    default: {
      WI_TRY_ASSIGN(out.bits, r.fixed64());
      return {};
    }
  }
}

// Value type from its binary byte, or an error "malformed value type" style message.
Result<ValType> read_value_type(Reader& r);
Result<ValType> read_ref_type(Reader& r);
// A heap type: an abstract one's byte or kHeapTypeIndex + a type index (types.h).
Result<uint32_t> read_heap_type(Reader& r);

}  // namespace wi
