// Binary encoding helpers for wasmify (spec 5: binary format). Policy: encode exactly what the caller
// asks; minimal LEBs everywhere except the padded 5-byte forms used at relocation sites.
#include "linker/module_writer.h"
#include <cstring>
#include "decoder/leb_write.h"

namespace wi::link {

void ByteWriter::u32(uint32_t v) { append_uleb32(bytes, v); }

void ByteWriter::s64(int64_t v) {
  for (;;) {
    uint8_t b = v & 0x7f;
    v >>= 7;  // arithmetic
    bool done = (v == 0 && !(b & 0x40)) || (v == -1 && (b & 0x40));
    if (!done) b |= 0x80;
    bytes.push_back(b);
    if (done) return;
  }
}

void ByteWriter::s32(int32_t v) { s64(v); }

void ByteWriter::fixed32(uint32_t v) {
  for (int i = 0; i < 4; ++i) bytes.push_back(uint8_t(v >> (8 * i)));
}

void ByteWriter::name(std::string_view s) {
  u32(uint32_t(s.size()));
  bytes.insert(bytes.end(), s.begin(), s.end());
}

void write_padded_u32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(((v >> (7 * i)) & 0x7f) | 0x80);
  p[4] = uint8_t((v >> 28) & 0x0f);
}

void write_padded_s32(uint8_t* p, int32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = uint8_t(((v >> (7 * i)) & 0x7f) | 0x80);
  p[4] = uint8_t((v >> 28) & 0x7f);  // arithmetic shift: bits 32..34 repeat the sign
}

bool is_padded_leb5(const uint8_t* p) {
  return (p[0] & 0x80) && (p[1] & 0x80) && (p[2] & 0x80) && (p[3] & 0x80) && !(p[4] & 0x80);
}

uint32_t read_padded_u32(const uint8_t* p) {
  uint32_t v = 0;
  for (int i = 0; i < 5; ++i) v |= uint32_t(p[i] & 0x7f) << (7 * i);
  return v;
}

int32_t read_padded_s32(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 0; i < 5; ++i) v |= uint64_t(p[i] & 0x7f) << (7 * i);
  return int32_t(uint32_t(v));  // 35 bits: the low 32 are the value
}

void write_limits(ByteWriter& w, const Limits& l) {
  w.u8(l.max ? 1 : 0);
  w.u32(uint32_t(l.min));
  if (l.max) w.u32(uint32_t(*l.max));
}

// A value type in its binary form: one byte, or 0x63/0x64 and the heap type (decoder/types.h).
void write_value_type(ByteWriter& w, ValType t) {
  uint32_t low = uint32_t(t) & 0xff;
  if (low != kRefNull && low != kRefNonNull) return w.u8(uint8_t(low));
  w.u8(uint8_t(low));
  uint32_t heap = ref_heap(t);
  w.s64(heap_is_index(heap) ? int64_t(heap - kHeapTypeIndex) : int64_t(heap) - 0x80);
}

void write_import(ByteWriter& w, const Import& imp) {
  w.name(imp.module);
  w.name(imp.name);
  w.u8(uint8_t(imp.kind));
  switch (imp.kind) {
    case ExternKind::Func: w.u32(imp.type_index); break;
    case ExternKind::Table:
      write_value_type(w, imp.table.elem);
      write_limits(w, imp.table.limits);
      break;
    case ExternKind::Memory: write_limits(w, imp.memory.limits); break;
    case ExternKind::Global:
      write_value_type(w, imp.global.type);
      w.u8(imp.global.mut ? 1 : 0);
      break;
    case ExternKind::Tag:
      w.u8(0);  // attribute: exception
      w.u32(imp.type_index);
      break;
  }
}

void write_global_get_expr(ByteWriter& w, uint32_t global_index) {
  w.u8(0x23);  // global.get
  w.u32(global_index);
  w.u8(0x0b);  // end
}

ModuleWriter::ModuleWriter() {
  out_.bytes = {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00};  // "\0asm", version 1
}

size_t ModuleWriter::section(uint8_t id, std::span<const uint8_t> payload) {
  out_.u8(id);
  out_.u32(uint32_t(payload.size()));
  size_t at = out_.size();
  out_.raw(payload);
  return at;
}

size_t ModuleWriter::custom(std::string_view name, std::span<const uint8_t> payload) {
  ByteWriter n;
  n.name(name);
  out_.u8(0);
  out_.u32(uint32_t(n.size() + payload.size()));
  out_.raw(n.bytes);
  size_t at = out_.size();
  out_.raw(payload);
  return at;
}

}  // namespace wi::link
