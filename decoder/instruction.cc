// Immediate parsing for every opcode kind of opcodes.def.
// https://webassembly.github.io/spec/core/binary/instructions.html
#include "decoder/instruction.h"
#include "fmt/format.h"

namespace wi {

// https://webassembly.github.io/spec/core/binary/types.html#heap-types: an abstract heap type is one
// byte (a negative s33); a type index is a non-negative s33. The GC proposal's abstract types (any,
// eq, i31, struct, array, none) are not part of what wi implements.
Result<uint32_t> read_heap_type(Reader& r) {
  size_t at = r.offset();
  WI_TRY_ASSIGN(int64_t v, r.s33());
  if (v >= 0) {
    if (v > int64_t(kMaxTypeIndex)) return make_error(at, fmt::format("unknown type {}", v));
    return kHeapTypeIndex + uint32_t(v);
  }
  uint32_t b = uint32_t(v & 0x7f);
  switch (b) {
    case kHeapFunc: case kHeapExtern: case kHeapNoFunc: case kHeapNoExtern: case kHeapExn: case kHeapNoExn:
      return b;
  }
  return make_error(at, "malformed heap type");
}

// https://webassembly.github.io/spec/core/binary/types.html#reference-types: the shorthand bytes
// (funcref, externref, exnref, nullfuncref, ...) and `0x63 ht` / `0x64 ht`.
static Result<ValType> read_ref_type_from(Reader& r, uint8_t b, size_t at, const char* what) {
  switch (b) {
    case 0x70: case 0x6f: case 0x69: case kHeapNoFunc: case kHeapNoExtern: case kHeapNoExn:
      return ref_type(true, b);
    case kRefNull: case kRefNonNull: {
      WI_TRY_ASSIGN(uint32_t heap, read_heap_type(r));
      return ref_type(b == kRefNull, heap);
    }
  }
  return make_error(at, what);
}

Result<ValType> read_value_type(Reader& r) {
  size_t at = r.offset();
  WI_TRY_ASSIGN(uint8_t b, r.u8());
  switch (b) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b:
      return ValType(b);
  }
  return read_ref_type_from(r, b, at, "malformed value type");
}

Result<ValType> read_ref_type(Reader& r) {
  size_t at = r.offset();
  WI_TRY_ASSIGN(uint8_t b, r.u8());
  return read_ref_type_from(r, b, at, "malformed reference type");
}

// A block type (https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions):
// 0x40, one value type, or a type index as a non-negative s33.
Result<void> read_block_type(Reader& r, Instruction& out) {
  size_t at = r.offset();
  Reader start = r;
  WI_TRY_ASSIGN(uint8_t first, r.u8());
  if (first == 0x40) {
    out.block_type = kBlockVoid;
  } else if ((first & 0xc0) == 0x40) {  // one byte, negative as an s33: a value type
    r = start;
    WI_TRY_ASSIGN(out.type, read_value_type(r));
    out.block_type = kBlockValue;
  } else {
    r = start;
    WI_TRY_ASSIGN(out.block_type, r.s33());
    if (out.block_type < 0) return make_error(at, "malformed value type");
  }
  return {};
}

// https://webassembly.github.io/spec/core/binary/instructions.html#memory-instructions: bit 6 of
// the alignment field says a memory index follows (multi-memory); the offset is a u64, which the
// validator holds to 32 bits for a 32-bit memory.
Result<void> read_memarg(Reader& r, Instruction& out) {
  size_t at = r.offset();
  WI_TRY_ASSIGN(uint32_t flags, r.u32());
  if (flags >= 128) return make_error(at, "malformed memop flags");
  out.align = flags & ~0x40u;
  out.memory = 0;
  if (flags & 0x40) {
    WI_TRY_ASSIGN(out.memory, r.u32());
  }
  WI_TRY_ASSIGN(out.mem_offset, r.u64());
  return {};
}

Result<void> read_instruction(Reader& r, Instruction& out, std::vector<uint32_t>& targets_buf) {
  out.offset = r.offset();
  WI_TRY_ASSIGN(uint8_t byte, r.u8());
  Opcode op;
  if (byte == 0xfc || byte == 0xfd) {
    WI_TRY_ASSIGN(uint32_t code, r.u32());
    op = lookup_prefixed_opcode(byte, code);
  } else {
    op = lookup_opcode(byte);
  }
  if (op == Opcode::Count_) return make_error(out.offset, "illegal opcode");
  out.op = op;
  switch (op_info(op).imm) {
    case Imm::None:
      break;
    case Imm::Block:
      WI_TRY(read_block_type(r, out));
      break;
    case Imm::TryTable: {
      // https://webassembly.github.io/spec/core/binary/instructions.html#control-instructions: a
      // block type and vec(catch).
      WI_TRY(read_block_type(r, out));
      WI_TRY_ASSIGN(uint32_t n, r.u32());
      if (n > r.remaining()) return r.error("unexpected end");
      targets_buf.clear();
      for (uint32_t i = 0; i < n; ++i) {
        size_t at = r.offset();
        WI_TRY_ASSIGN(uint8_t kind, r.u8());
        if (kind > kCatchAllRef) return make_error(at, "malformed catch clause");
        uint32_t tag = 0;
        if (kind == kCatch || kind == kCatchRef) {
          WI_TRY_ASSIGN(tag, r.u32());
        }
        WI_TRY_ASSIGN(uint32_t label, r.u32());
        targets_buf.insert(targets_buf.end(), {uint32_t(kind), tag, label});
      }
      out.targets = &targets_buf;
      break;
    }
    case Imm::Label: case Imm::Func: case Imm::Type: case Imm::Tag: case Imm::Local: case Imm::Global: case Imm::Table:
    case Imm::Data: case Imm::Elem: {
      WI_TRY_ASSIGN(out.a, r.u32());
      break;
    }
    case Imm::BrTable: {
      WI_TRY_ASSIGN(uint32_t n, r.u32());
      targets_buf.clear();
      if (n > r.remaining()) return r.error("unexpected end");
      targets_buf.reserve(n + 1);
      for (uint32_t i = 0; i <= n; ++i) {
        WI_TRY_ASSIGN(uint32_t t, r.u32());
        targets_buf.push_back(t);
      }
      out.targets = &targets_buf;
      break;
    }
    case Imm::CallIndirect: {
      WI_TRY_ASSIGN(out.a, r.u32());  // type
      WI_TRY_ASSIGN(out.b, r.u32());  // table
      break;
    }
    case Imm::Mem: {
      WI_TRY_ASSIGN(out.memory, r.u32());
      break;
    }
    case Imm::MemCopy: {
      WI_TRY_ASSIGN(out.memory, r.u32());      // destination
      WI_TRY_ASSIGN(out.memory_src, r.u32());  // source
      break;
    }
    case Imm::MemInit: {
      WI_TRY_ASSIGN(out.a, r.u32());  // data
      WI_TRY_ASSIGN(out.memory, r.u32());
      break;
    }
    case Imm::TableInit: {
      WI_TRY_ASSIGN(out.a, r.u32());  // elem
      WI_TRY_ASSIGN(out.b, r.u32());  // table
      break;
    }
    case Imm::TableCopy: {
      WI_TRY_ASSIGN(out.a, r.u32());  // destination table
      WI_TRY_ASSIGN(out.b, r.u32());  // source table
      break;
    }
    case Imm::MemArg: {
      WI_TRY(read_memarg(r, out));
      break;
    }
    case Imm::MemArgLane: {
      WI_TRY(read_memarg(r, out));
      WI_TRY_ASSIGN(uint8_t lane, r.u8());
      out.a = lane;
      break;
    }
    case Imm::Lane: {
      WI_TRY_ASSIGN(uint8_t lane, r.u8());
      out.a = lane;
      break;
    }
    case Imm::I32:
    case Imm::I64:
    case Imm::F32:
    case Imm::F64:
      WI_TRY(read_const(r, out, op_info(op).imm));
      break;
    case Imm::V128:
    case Imm::Shuffle: {
      WI_TRY_ASSIGN(auto bytes, r.bytes(16));
      std::copy(bytes.begin(), bytes.end(), out.v128);
      break;
    }
    case Imm::SelectT: {
      WI_TRY_ASSIGN(uint32_t n, r.u32());
      if (n != 1) return r.error("invalid result arity");
      WI_TRY_ASSIGN(out.type, read_value_type(r));
      break;
    }
    case Imm::RefType: {  // ref.null's heap type; the instruction pushes (ref null ht)
      WI_TRY_ASSIGN(uint32_t heap, read_heap_type(r));
      out.type = ref_type(true, heap);
      break;
    }
  }
  return {};
}

}  // namespace wi
