// Wasm 3.0 multi-memory, memory64 and table64, from modules built byte by byte: accesses name their
// memory and leave the others alone; i64 addresses, offsets, sizes and table indices are exact (an
// address of 2^32 or more is out of bounds, never wrapped), and the traps are the spec's.
#include <doctest/doctest.h>
#include "tests/wasm_builder.h"

using namespace wb;

namespace {
constexpr uint8_t i64_load8_u = 0x31, i64_store8 = 0x3c;
Bytes memory_size(uint32_t m) { return code(op::memory_size, leb(m)); }
Bytes memory_grow(uint32_t m) { return code(op::memory_grow, leb(m)); }
Bytes memory_copy_between(uint32_t dst, uint32_t src) { return code(fc(10), leb(dst), leb(src)); }
}  // namespace

TEST_CASE("multi-memory: each access, size, grow and copy names its memory") {
  ModuleBuilder m;
  uint32_t t_i_v = m.type({I32}, {});
  uint32_t t_i_i = m.type({I32}, {I32});
  uint32_t t_v_i = m.type({}, {I32});
  m.memory(1);
  m.memory(1, 3);
  // put1(v): mem1[8] = v (i32.store8); get0/get1(a): mem0[a], mem1[a] (i32.load8_u).
  m.export_func("put1", m.func(t_i_v, code(i32_const(8), local_get(0), mem_in(op::i32_store8, 1), op::end)));
  m.export_func("get0", m.func(t_i_i, code(local_get(0), mem_in(op::i32_load8_u, 0), op::end)));
  m.export_func("get1", m.func(t_i_i, code(local_get(0), mem_in(op::i32_load8_u, 1, 4), op::end)));
  m.export_func("grow1", m.func(t_i_i, code(local_get(0), memory_grow(1), op::end)));
  m.export_func("size1", m.func(t_v_i, code(memory_size(1), op::end)));
  m.export_func("size0", m.func(t_v_i, code(memory_size(0), op::end)));
  // copy 4 bytes from mem1[8] to mem0[100]
  m.export_func("copy", m.func(t_v_i, code(i32_const(100), i32_const(8), i32_const(4), memory_copy_between(0, 1),
                                           i32_const(100), mem_in(op::i32_load8_u, 0), op::end)));
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  run(s, inst, "put1", {vi32(77)});
  CHECK(run_i32(s, inst, "get1", {vi32(4)}) == 77);  // 4 + offset 4
  CHECK(run_i32(s, inst, "get0", {vi32(8)}) == 0);   // memory 0 untouched
  CHECK(run_i32(s, inst, "copy") == 77);
  CHECK(run_i32(s, inst, "grow1", {vi32(2)}) == 1);
  CHECK(run_i32(s, inst, "grow1", {vi32(1)}) == -1);  // max 3
  CHECK(run_i32(s, inst, "size1") == 3);
  CHECK(run_i32(s, inst, "size0") == 1);
  // Memory 1 is 3 pages now, memory 0 still 1: an address past memory 0 is fine in memory 1 only.
  CHECK(run_i32(s, inst, "get1", {vi32(70000)}) == 0);
  CHECK(run_trap(s, inst, "get0", {vi32(70000)}).message.find("out of bounds memory access") != std::string::npos);
}

TEST_CASE("memory64: i64 addresses and offsets are never wrapped to 32 bits") {
  ModuleBuilder m;
  uint32_t t_l_l = m.type({I64}, {I64});
  uint32_t t_ll_v = m.type({I64, I64}, {});
  uint32_t t_v_l = m.type({}, {I64});
  m.memory_typed({0x04, 0x01});  // i64, min 1 page
  m.export_func("load", m.func(t_l_l, code(local_get(0), mem(i64_load8_u), op::end)));
  m.export_func("store", m.func(t_ll_v, code(local_get(0), local_get(1), mem(i64_store8), op::end)));
  m.export_func("size", m.func(t_v_l, code(memory_size(0), op::end)));
  m.export_func("grow", m.func(t_l_l, code(local_get(0), memory_grow(0), op::end)));
  // An offset of 2^32: the access traps although (address + offset) mod 2^32 is in bounds.
  ModuleBuilder far;
  uint32_t ft = far.type({I64}, {I64});
  far.memory_typed({0x04, 0x01});
  far.export_func("load_off", far.func(ft, code(local_get(0), op::i64_load, leb(0), leb(uint64_t(1) << 32), op::end)));
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  run(s, inst, "store", {vi64(65535), vi64(9)});
  CHECK(run_i64(s, inst, "load", {vi64(65535)}) == 9);
  CHECK(run_trap(s, inst, "load", {vi64(65536)}).message.find("out of bounds memory access") != std::string::npos);
  CHECK(run_trap(s, inst, "load", {vi64((int64_t(1) << 32) + 65535)}).message.find("out of bounds") != std::string::npos);
  CHECK(run_trap(s, inst, "load", {vi64(-1)}).message.find("out of bounds") != std::string::npos);
  CHECK(run_i64(s, inst, "size") == 1);
  CHECK(run_i64(s, inst, "grow", {vi64(int64_t(1) << 40)}) == -1);
  CHECK(run_i64(s, inst, "grow", {vi64(1)}) == 1);
  CHECK(run_i64(s, inst, "size") == 2);
  auto* f = instantiate(s, far.build());
  CHECK(run_trap(s, f, "load_off", {vi64(0)}).message.find("out of bounds") != std::string::npos);

  // In a 32-bit memory the offset must fit 32 bits, and the address is an i32.
  ModuleBuilder bad;
  uint32_t bt = bad.type({I32}, {I64});
  bad.memory(1);
  bad.func(bt, code(local_get(0), op::i64_load, leb(0), leb(uint64_t(1) << 32), op::end));
  auto r = wi::compile_module(bad.build(), wi::CompileOptions{"bad.wasm"});
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().message == "offset out of range");
}

TEST_CASE("table64: call_indirect and table.size take and give i64") {
  ModuleBuilder m;
  uint32_t t_v_i = m.type({}, {I32});
  uint32_t t_l_i = m.type({I64}, {I32});
  uint32_t t_v_l = m.type({}, {I64});
  m.table_typed({FUNCREF, 0x04, 0x02});  // table64, min 2
  uint32_t seven = m.func(t_v_i, code(i32_const(7), op::end));
  m.export_func("call", m.func(t_l_i, code(local_get(0), call_indirect(t_v_i), op::end)));
  m.export_func("size", m.func(t_v_l, code(fc(16), leb(0), op::end)));
  m.elem_raw(code(0x00, i64_const(1), op::end, leb(1), leb(seven)));  // a table64 segment's offset is an i64
  wi::Store s;
  auto* inst = instantiate(s, m.build());
  CHECK(run_i32(s, inst, "call", {vi64(1)}) == 7);
  CHECK(run_trap(s, inst, "call", {vi64(0)}).message.find("uninitialized element") != std::string::npos);
  CHECK(run_trap(s, inst, "call", {vi64((int64_t(1) << 32) + 1)}).message.find("undefined element") != std::string::npos);
  CHECK(run_i64(s, inst, "size") == 2);
}
