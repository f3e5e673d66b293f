// Immediate parsing for every opcode kind of opcodes.def.
// https://webassembly.github.io/spec/core/binary/instructions.html
#include "decoder/instruction.h"

namespace wi {

Result<ValType> read_value_type(Reader& r) {
  size_t at = r.offset();
  WI_TRY_ASSIGN(uint8_t b, r.u8());
  switch (b) {
    case 0x7f: case 0x7e: case 0x7d: case 0x7c: case 0x7b: case 0x70: case 0x6f:
      return ValType(b);
  }
  return make_error(at, "malformed value type");
}

Result<ValType> read_ref_type(Reader& r) {
  size_t at = r.offset();
  WI_TRY_ASSIGN(uint8_t b, r.u8());
  if (b == 0x70 || b == 0x6f) return ValType(b);
  return make_error(at, "malformed reference type");
}

static Result<void> zero_byte(Reader& r) {
  size_t at = r.offset();
  WI_TRY_ASSIGN(uint8_t b, r.u8());
  if (b != 0) return make_error(at, "zero byte expected");
  return {};
}

static Result<void> read_memarg(Reader& r, Instruction& out) {
  WI_TRY_ASSIGN(out.align, r.u32());
  WI_TRY_ASSIGN(out.mem_offset, r.u32());  // memory32: offsets are u32
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
    case Imm::Block: {
      size_t at = r.offset();
      WI_TRY_ASSIGN(out.block_type, r.s33());
      if (out.block_type < 0 && out.block_type != kBlockVoid) {
        uint8_t vt = uint8_t(out.block_type & 0x7f);
        if (!(vt == 0x7f || vt == 0x7e || vt == 0x7d || vt == 0x7c || vt == 0x7b || vt == 0x70 ||
              vt == 0x6f))
          return make_error(at, "malformed value type");
      }
      break;
    }
    case Imm::Label: case Imm::Func: case Imm::Local: case Imm::Global: case Imm::Table:
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
      WI_TRY(zero_byte(r));
      break;
    }
    case Imm::MemCopy: {
      WI_TRY(zero_byte(r));
      WI_TRY(zero_byte(r));
      break;
    }
    case Imm::MemInit: {
      WI_TRY_ASSIGN(out.a, r.u32());  // data
      WI_TRY(zero_byte(r));
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
    case Imm::I32: {
      WI_TRY_ASSIGN(int32_t v, r.s32());
      out.bits = uint32_t(v);
      break;
    }
    case Imm::I64: {
      WI_TRY_ASSIGN(int64_t v, r.s64());
      out.bits = uint64_t(v);
      break;
    }
    case Imm::F32: {
      WI_TRY_ASSIGN(out.bits, r.fixed32());
      break;
    }
    case Imm::F64: {
      WI_TRY_ASSIGN(out.bits, r.fixed64());
      break;
    }
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
    case Imm::RefType: {
      WI_TRY_ASSIGN(out.type, read_ref_type(r));
      break;
    }
  }
  return {};
}

}  // namespace wi
