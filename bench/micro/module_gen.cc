#include "bench/micro/module_gen.h"
#include <string>

namespace wi::bench {
namespace {

struct Bytes {
  std::vector<uint8_t> b;
  void u8(uint8_t v) { b.push_back(v); }
  void u32(uint32_t v) {
    do {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      if (v) byte |= 0x80;
      b.push_back(byte);
    } while (v);
  }
  void s64(int64_t v) {
    for (;;) {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      bool done = (v == 0 && !(byte & 0x40)) || (v == -1 && (byte & 0x40));
      if (!done) byte |= 0x80;
      b.push_back(byte);
      if (done) break;
    }
  }
  void f64(double d) {
    uint64_t bits;
    static_assert(sizeof bits == sizeof d);
    __builtin_memcpy(&bits, &d, 8);
    for (int i = 0; i < 8; ++i) b.push_back(uint8_t(bits >> (8 * i)));
  }
  void append(const Bytes& o) { b.insert(b.end(), o.b.begin(), o.b.end()); }
  void section(uint8_t id, const Bytes& body) {
    u8(id);
    u32(uint32_t(body.b.size()));
    append(body);
  }
};

// Function k: (param i32 i32) (result i32), locals 2..4 i32, 5 i64, 6 f64. Direct calls go to lower
// indices; call_indirect reaches the first 16 functions, so running the code may recurse without end.
class FuncGen {
 public:
  FuncGen(uint32_t index, uint32_t& rng) : index_(index), rng_(rng) {}

  Bytes body() {
    Bytes code;
    code.u32(3);  // local declaration groups
    code.u32(3); code.u8(0x7f);
    code.u32(1); code.u8(0x7e);
    code.u32(1); code.u8(0x7c);
    out_ = &code;
    unsigned n = 6 + rand(7);
    for (unsigned i = 0; i < n; ++i) stmt(3);
    expr_i32(3);
    code.u8(0x0b);
    return code;
  }

 private:
  uint32_t rand(uint32_t bound) {
    uint32_t x = rng_;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    rng_ = x;
    return x % bound;
  }
  void op(uint8_t o) { out_->u8(o); }

  void expr_i32(int depth) {
    unsigned pick = depth <= 0 ? rand(2) : rand(12);
    switch (pick) {
      case 0: op(0x20); out_->u32(rand(5)); break;                     // local.get
      case 1: op(0x41); out_->s64(int32_t(rand(2000)) - 1000); break;  // i32.const
      case 2: case 3: case 4: {                                        // binary op
        static const uint8_t ops[] = {0x6a, 0x6b, 0x6c, 0x71, 0x72, 0x73, 0x74, 0x76, 0x77, 0x48, 0x46, 0x4f};
        expr_i32(depth - 1);
        expr_i32(depth - 1);
        op(ops[rand(sizeof ops)]);
        break;
      }
      case 5: {  // i32.load offset=k (addr & 0xfff)
        expr_i32(depth - 1);
        op(0x41); out_->s64(0xffc);
        op(0x71);
        op(0x28); out_->u32(2); out_->u32(rand(64) * 4);
        break;
      }
      case 6:
        if (index_ > 0) {  // call a lower-numbered function
          expr_i32(depth - 1);
          expr_i32(depth - 1);
          op(0x10); out_->u32(rand(index_));
        } else {
          op(0x20); out_->u32(0);
        }
        break;
      case 7:  // call_indirect (type 0) through table 0
        expr_i32(depth - 1);
        expr_i32(depth - 1);
        op(0x41); out_->s64(rand(16));
        op(0x11); out_->u32(0); out_->u32(0);
        break;
      case 8:  // select
        expr_i32(depth - 1);
        expr_i32(depth - 1);
        expr_i32(depth - 1);
        op(0x1b);
        break;
      case 9:  // i32.wrap_i64
        expr_i64(depth - 1);
        op(0xa7);
        break;
      case 10:  // f64 comparison
        expr_f64(depth - 1);
        expr_f64(depth - 1);
        op(rand(2) ? 0x63 : 0x61);
        break;
      default:  // global.get, i32.eqz of something
        if (rand(2)) {
          op(0x23); out_->u32(0);
        } else {
          expr_i32(depth - 1);
          op(0x45);
        }
        break;
    }
  }

  void expr_i64(int depth) {
    switch (depth <= 0 ? rand(2) : rand(4)) {
      case 0: op(0x20); out_->u32(5); break;
      case 1: op(0x42); out_->s64(int64_t(rand(1u << 30)) * 977); break;
      case 2: expr_i32(depth - 1); op(0xad); break;  // i64.extend_i32_u
      default: {
        static const uint8_t ops[] = {0x7c, 0x7d, 0x7e, 0x83, 0x85, 0x88};
        expr_i64(depth - 1);
        expr_i64(depth - 1);
        op(ops[rand(sizeof ops)]);
      }
    }
  }

  void expr_f64(int depth) {
    switch (depth <= 0 ? rand(2) : rand(5)) {
      case 0: op(0x20); out_->u32(6); break;
      case 1: op(0x44); out_->f64(double(rand(1000)) * 0.125); break;
      case 2: expr_i32(depth - 1); op(0xb7); break;  // f64.convert_i32_s
      case 3: expr_f64(depth - 1); op(0x9f); break;  // f64.sqrt
      default: {
        static const uint8_t ops[] = {0xa0, 0xa1, 0xa2, 0xa3};
        expr_f64(depth - 1);
        expr_f64(depth - 1);
        op(ops[rand(sizeof ops)]);
      }
    }
  }

  void stmts(int depth, unsigned n) {
    for (unsigned i = 0; i < n; ++i) stmt(depth);
  }

  void stmt(int depth) {
    switch (depth <= 0 ? rand(5) : rand(11)) {
      case 0: case 1:  // local.set i32
        expr_i32(depth);
        op(0x21); out_->u32(2 + rand(3));
        break;
      case 2:  // i32.store
        expr_i32(depth - 1);
        op(0x41); out_->s64(0xffc);
        op(0x71);
        expr_i32(depth);
        op(0x36); out_->u32(2); out_->u32(rand(64) * 4);
        break;
      case 3:
        if (rand(2)) {
          expr_i64(depth);
          op(0x21); out_->u32(5);
        } else {
          expr_f64(depth);
          op(0x21); out_->u32(6);
        }
        break;
      case 4:  // global.set
        expr_i32(depth);
        op(0x24); out_->u32(0);
        break;
      case 5: case 6:  // if/else
        expr_i32(depth - 1);
        op(0x04); op(0x40);
        stmts(depth - 1, 1 + rand(3));
        if (rand(2)) {
          op(0x05);
          stmts(depth - 1, 1 + rand(3));
        }
        op(0x0b);
        break;
      case 7:  // block with an early exit
        op(0x02); op(0x40);
        stmts(depth - 1, 1 + rand(2));
        expr_i32(depth - 1);
        op(0x0d); out_->u32(0);
        stmts(depth - 1, 1 + rand(2));
        op(0x0b);
        break;
      case 8: {  // counted loop on local 2
        op(0x41); out_->s64(1 + rand(8));
        op(0x21); out_->u32(2);
        op(0x03); op(0x40);
        stmts(depth - 1, 1 + rand(3));
        op(0x20); out_->u32(2);
        op(0x41); out_->s64(1);
        op(0x6b);
        op(0x22); out_->u32(2);
        op(0x0d); out_->u32(0);
        op(0x0b);
        break;
      }
      case 9:  // br_table over three nested blocks
        op(0x02); op(0x40);
        op(0x02); op(0x40);
        op(0x02); op(0x40);
        expr_i32(depth - 1);
        op(0x0e); out_->u32(2); out_->u32(0); out_->u32(1); out_->u32(2);
        op(0x0b);
        stmts(depth - 1, 1);
        op(0x0b);
        stmts(depth - 1, 1);
        op(0x0b);
        break;
      default:  // drop
        expr_i32(depth);
        op(0x1a);
        break;
    }
  }

  uint32_t index_;
  uint32_t& rng_;
  Bytes* out_ = nullptr;
};

void put_name(Bytes& b, const std::string& s) {
  b.u32(uint32_t(s.size()));
  for (char c : s) b.u8(uint8_t(c));
}

}  // namespace

std::vector<uint8_t> generate_module(const GenOptions& options) {
  uint32_t rng = options.seed * 2654435761u | 1;
  Bytes m;
  for (uint8_t c : {0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00}) m.u8(c);

  Bytes types;  // 0: (i32 i32) -> i32
  types.u32(1);
  types.u8(0x60); types.u32(2); types.u8(0x7f); types.u8(0x7f); types.u32(1); types.u8(0x7f);
  m.section(1, types);

  Bytes funcs;
  funcs.u32(options.functions);
  for (uint32_t i = 0; i < options.functions; ++i) funcs.u32(0);
  m.section(3, funcs);

  Bytes table;  // 16 funcrefs, filled by an element segment
  table.u32(1); table.u8(0x70); table.u8(0x00); table.u32(16);
  m.section(4, table);

  Bytes memory;
  memory.u32(1); memory.u8(0x00); memory.u32(1);
  m.section(5, memory);

  Bytes globals;
  globals.u32(1); globals.u8(0x7f); globals.u8(0x01); globals.u8(0x41); globals.s64(7); globals.u8(0x0b);
  m.section(6, globals);

  Bytes exports;
  exports.u32(1);
  put_name(exports, "f0");
  exports.u8(0x00); exports.u32(0);
  m.section(7, exports);

  Bytes elems;  // active segment at 0: the first 16 functions (or as many as exist)
  uint32_t n_elem = options.functions < 16 ? options.functions : 16;
  elems.u32(1);
  elems.u32(0); elems.u8(0x41); elems.s64(0); elems.u8(0x0b);
  elems.u32(n_elem);
  for (uint32_t i = 0; i < n_elem; ++i) elems.u32(i);
  m.section(9, elems);

  Bytes code;
  code.u32(options.functions);
  for (uint32_t i = 0; i < options.functions; ++i) {
    Bytes body = FuncGen(i, rng).body();
    code.u32(uint32_t(body.b.size()));
    code.append(body);
  }
  m.section(10, code);
  return std::move(m.b);
}

}  // namespace wi::bench
